/*  request - one command as it arrived on a ROUTER socket: its routing
    frames, decoded body, envelope (cmd, rid, office, after) and, once
    handled, its reply and the events to publish after the commit.  */
#ifndef OPSTAP_REQUEST_H
#define OPSTAP_REQUEST_H

#include <czmq.h>

#include "codec.h"
#include "command.h"

#define REQUEST_AFTER_MAX 16

typedef struct {
    char service[CODEC_ID_MAX + 1];
    char instance[CODEC_ID_MAX + 1];
    uint64_t seq;
} position_t;

typedef struct _request_t request_t;

//  The row of the command named cmd, or NULL with err set.
typedef const command_t *(request_resolve_fn) (const char *cmd, void *arg, oerr_t *err);

//  Takes the message. Returns NULL (and sends nothing) for a message that
//  has no routing frame at all; otherwise a request, possibly already
//  failed (request_failed) when framing, decoding or the envelope is bad,
//  or when resolve knows no row for its cmd. The row is resolved here,
//  once: its flags say whether office may be left out.
request_t *request_new (zmsg_t **msg_p, request_resolve_fn *resolve, void *arg);
//  A request the process makes itself (retention), from a packed body: as
//  if it came from a peer with this routing id, which none has, so that its
//  reply goes nowhere.
request_t *request_new_local (const char *routing, const void *body, size_t size,
                              request_resolve_fn *resolve, void *arg);
void request_destroy (request_t **self_p);

bool request_failed (request_t *self);
const oerr_t *request_error (request_t *self);
void request_fail (request_t *self, const oerr_t *err);

const char *request_cmd (request_t *self);
//  The row resolved when it arrived; NULL when it failed before (framing,
//  decoding, an unknown command).
const command_t *request_command (request_t *self);
const char *request_rid (request_t *self);
const char *request_office (request_t *self);
const msgpack_object *request_body (request_t *self);
size_t request_after_count (request_t *self);
const position_t *request_after (request_t *self, size_t index);
int64_t request_arrived (request_t *self);

//  Who sent it, once the runtime knows (a CURVE public key and the policy's
//  name for it); "" when the service runs without keys.
#define REQUEST_CALLER_MAX 64
void request_set_caller (request_t *self, const char *key, const char *name);
const char *request_caller_key (request_t *self);
const char *request_caller_name (request_t *self);

//  The record the audit trail names for the request when its row does not
//  let the trail take it from the body (CMD_ERASES, CMD_NO_RECORD): "" until
//  a handler sets it (an erasure sets the token).
void request_set_record (request_t *self, const char *record);
const char *request_record (request_t *self);

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

//  Refusals are logged (ids and codes only) at most REQUEST_LOG_BURST a
//  second, so a flood of bad input cannot flood the log; the rest are
//  counted and told in one "suppressed" line once their second is over.
#define REQUEST_LOG_BURST 20
typedef struct {
    int64_t window;      //  start of the second being counted (zclock_mono)
    unsigned logged;     //  lines written in it
    uint64_t suppressed; //  refusals not written in it
} request_log_t;

//  Logs the request if it failed (within the limit), for instance.
void request_log_refusal (request_t *self, request_log_t *log, const char *instance);
//  Writes the "suppressed" line when the counted second is over; call it
//  now and then (a timer) so the count is told even when the flood stops.
void request_log_flush (request_log_t *log, const char *instance);

#endif
