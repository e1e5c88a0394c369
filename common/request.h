/*  request - one command as it arrived on a ROUTER socket: its routing
    frames, decoded body, envelope (cmd, rid, office, after) and, once
    handled, its reply and the events to publish after the commit.  */
#ifndef OPSTAP_REQUEST_H
#define OPSTAP_REQUEST_H

#include <czmq.h>

#include "codec.h"

#define REQUEST_AFTER_MAX 16

typedef struct {
    char service[CODEC_ID_MAX + 1];
    char instance[CODEC_ID_MAX + 1];
    uint64_t seq;
} position_t;

typedef struct _request_t request_t;

//  Takes the message. Returns NULL (and sends nothing) for a message that
//  has no routing frame at all; otherwise a request, possibly already
//  failed (request_failed) when framing, decoding or the envelope is bad.
request_t *request_new (zmsg_t **msg_p, bool office_optional_fn (const char *cmd, void *),
                        void *arg);
void request_destroy (request_t **self_p);

bool request_failed (request_t *self);
const oerr_t *request_error (request_t *self);
void request_fail (request_t *self, const oerr_t *err);

const char *request_cmd (request_t *self);
const char *request_rid (request_t *self);
const char *request_office (request_t *self);
const msgpack_object *request_body (request_t *self);
size_t request_after_count (request_t *self);
const position_t *request_after (request_t *self, size_t index);
int64_t request_arrived (request_t *self);

//  The reply: set it (copied) or build it in the buffer request_reply gives.
void request_set_reply (request_t *self, const void *data, size_t size);
msgpack_sbuffer *request_reply (request_t *self);
//  Events to publish after the commit: [topic, body] messages.
void request_add_event (request_t *self, const char *topic, const void *data,
                        size_t size);
void request_clear_events (request_t *self);
void request_publish (request_t *self, zsock_t *pub);
//  Sends the reply (or the error) with the routing frames it came with.
int request_send (request_t *self, zsock_t *router);

#endif
