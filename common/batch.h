/*  batch - runs one service instance's commands: a batch of them in one
    LMDB write transaction (group commit), each with its rid remembered so
    that a retry is answered as the first time; then, only once committed,
    the replies, the events on the PUB socket, the audit trail and the
    work the outbox holds. A command that fails after changing something
    makes the batch run again with each command nested, so that it fails
    alone (store_write_steps). A row marked CMD_DIRECT runs on its own, in
    a read transaction, as it arrives.

    Handlers see none of this: they work through the cmd_* functions of
    service.h on the context this module gives them.  */
#ifndef OPSTAP_BATCH_H
#define OPSTAP_BATCH_H

#include "erasure.h"
#include "guard.h"
#include "request.h"
#include "service.h"
#include "telemetry.h"

//  What a batch works with, all owned by the caller.
typedef struct {
    const service_def_t *def;
    const char *instance;
    store_t *store;
    guard_t *guard;
    erasure_t *erasure;
    telemetry_t *telemetry;
    zsock_t *router; //  replies
    zsock_t *pub;    //  events
    void *runtime;   //  handed to the built-in rows (cmd_runtime)
} batch_parts_t;

typedef struct _batch_t batch_t;

//  head: the stream's head as stored.
batch_t *batch_new (const batch_parts_t *parts, uint64_t head);
void batch_destroy (batch_t **self_p);

//  Runs the requests (already checked, or failed: those are only answered)
//  in one transaction, then answers, publishes, audits and destroys them.
void batch_execute (batch_t *self, request_t **requests, size_t count);
//  Runs one CMD_DIRECT request, answers, audits and destroys it.
void batch_direct (batch_t *self, request_t *request);

//  The stream's head after the last commit.
uint64_t batch_head (batch_t *self);
//  Writes the line that says how many refusals were not logged, once their
//  second is over (call it now and then).
void batch_tick (batch_t *self);

#endif
