/*  service_internal - the state of one service instance's actor. The actor
    (service.c) owns and changes it; the built-in rows (builtin.c) read it
    to report where the instance stands. Not for services.  */
#ifndef OPSTAP_SERVICE_INTERNAL_H
#define OPSTAP_SERVICE_INTERNAL_H

#include "service.h"

#include "batch.h"
#include "dispatch.h"
#include "erasure.h"
#include "expiry.h"
#include "guard.h"
#include "outbox.h"
#include "telemetry.h"

#define SERVICE_MAX_CONSUMERS 32
//  The runtime's tables and a service's own, together.
#define SERVICE_MAX_TABLES 24

//  What service_start hands the actor, copied before it starts.
typedef struct {
    const service_def_t *def;
    dir_entry_t entry;
    dir_entry_t producers[SERVICE_MAX_CONSUMERS];
    size_t producer_count;
    char store_path[512];
    size_t map_initial;
    size_t batch_max;
    int after_wait_ms;
    char keys_dir[512]; //  "" runs without CURVE and without a policy
    char cert[512];     //  own secret certificate, "": in keys_dir
    char config[512];   //  the directory file, "": not read again
    expiry_t expiry;
} args_t;

typedef struct {
    args_t args;
    zsock_t *pipe;
    store_t *store;
    //  Every table of the store, the runtime's and the service's.
    const store_table_t *tables[SERVICE_MAX_TABLES + 1];
    dispatch_t *dispatch;
    guard_t *guard;
    outbox_t *outbox;
    erasure_t *erasure;
    batch_t *batch;
    zsock_t *router;
    zsock_t *pub;
    zsock_t *replay;
    zloop_t *loop;
    consumer_t *consumers[SERVICE_MAX_CONSUMERS];
    size_t consumer_count;
    struct timespec config_mtime; //  of args.config when last read
    int64_t config_size;
    zlist_t *parked;        //  requests waiting for the streams they named in after
    telemetry_t *telemetry; //  metrics and health over HTTP
    int64_t started;
    bool reserve_failed; //  the last store_reserve failed (logged once)
} service_t;

#endif
