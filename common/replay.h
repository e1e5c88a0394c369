/*  replay - answers replay requests (proto/PROTOCOL.md section 4): the
    durable path by which any subscriber fetches stored events.  */
#ifndef OPSTAP_REPLAY_H
#define OPSTAP_REPLAY_H

#include <czmq.h>

#include "store.h"

//  Receives one request from reader and answers it: {ok, head, events} or
//  an error. Returns 0, or -1 when nothing could be received.
int replay_answer (store_t *store, zsock_t *reader);

#endif
