/*  service_internal - what the service runtime's two files share: the
    actor's state, and running a batch of commands. Not for services.  */
#ifndef OPSTAP_SERVICE_INTERNAL_H
#define OPSTAP_SERVICE_INTERNAL_H

#include "service.h"

#include "request.h"

#define SERVICE_MAX_CONSUMERS 32

typedef struct {
    const service_def_t *def;
    dir_entry_t entry;
    dir_entry_t producers[SERVICE_MAX_CONSUMERS];
    size_t producer_count;
    char store_path[512];
    size_t map_initial;
    size_t batch_max;
    int after_wait_ms;
} args_t;

typedef struct {
    args_t args;
    zsock_t *pipe;
    store_t *store;
    zsock_t *router;
    zsock_t *pub;
    zsock_t *replay;
    zloop_t *loop;
    consumer_t *consumers[SERVICE_MAX_CONSUMERS];
    size_t consumer_count;
    zlist_t *parked; //  requests waiting for the streams they named in after
    uint64_t head;
    int64_t started;
} service_t;

//  The command named, or NULL.
const command_t *service_command (service_t *self, const char *name);
//  Whether a command may leave out office (request_new asks).
bool service_office_optional (const char *cmd, void *arg);
//  Applies the requests in one transaction, then publishes their events,
//  replies and destroys them.
void service_execute (service_t *self, request_t **requests, size_t count);

#endif
