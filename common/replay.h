/*  replay - the streams as subscribers reach them (proto/PROTOCOL.md
    section 4): the replay endpoint, the durable path by which any
    subscriber fetches stored events, and the grants of the event socket's
    subscriptions, each only for the offices the caller may see.  */
#ifndef OPSTAP_REPLAY_H
#define OPSTAP_REPLAY_H

#include <czmq.h>

#include "evlog.h"
#include "guard.h"
#include "request.h"
#include "store.h"

//  Receives one request from reader and answers it from store: {ok, head,
//  next, epoch, events} or an error. guard says who may read which
//  offices (NULL: everyone, all). Returns 0, or -1 when nothing could be
//  received.
int replay_serve (store_t *store, guard_t *guard, zsock_t *reader);

//  Receives one subscription message on service's XPUB socket and grants
//  the topics the caller may see (guard NULL: all it asks).
int replay_grant (const char *service, guard_t *guard, zsock_t *xpub);

//  Checks a request that came through request_new as a replay request and
//  reads its range; -1 with err set when it is not a valid one. Pure: no
//  store, no socket (the fuzz targets call it directly).
int replay_parse (request_t *request, uint64_t *from, uint32_t *max, oerr_t *err);
//  The resolver of the replay endpoint, which takes one command: replay.
const command_t *replay_resolve (const char *cmd, void *arg, oerr_t *err);

#endif
