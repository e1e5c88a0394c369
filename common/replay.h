/*  replay - answers replay requests (proto/PROTOCOL.md section 4): the
    durable path by which any subscriber fetches stored events.  */
#ifndef OPSTAP_REPLAY_H
#define OPSTAP_REPLAY_H

#include <czmq.h>

#include "evlog.h"
#include "request.h"
#include "store.h"

//  Receives one request from reader and answers it: {ok, head, events} or
//  an error. Returns 0, or -1 when nothing could be received.
int replay_answer (store_t *store, zsock_t *reader);
//  Answers one request already received (takes the message); with a
//  filter, only the events it accepts (evlog_replay_filtered).
int replay_answer_msg (store_t *store, zsock_t *reader, zmsg_t **msg_p,
                       evlog_filter_fn *filter, void *filter_arg);

//  Checks a request that came through request_new as a replay request and
//  reads its range; -1 with err set when it is not a valid one. Pure: no
//  store, no socket (the fuzz targets call it directly).
int replay_parse (request_t *request, uint64_t *from, uint32_t *max, oerr_t *err);

#endif
