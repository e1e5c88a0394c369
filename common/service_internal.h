/*  service_internal - what the service runtime's two files share: the
    actor's state, and running a batch of commands. Not for services.  */
#ifndef OPSTAP_SERVICE_INTERNAL_H
#define OPSTAP_SERVICE_INTERNAL_H

#include "service.h"

#include "audit.h"
#include "keys.h"
#include "policy.h"
#include "request.h"
#include "telemetry.h"

#define SERVICE_MAX_CONSUMERS 32

typedef struct {
    int64_t candidate_ms; //  after a trajectory ends
    int64_t audit_ms;     //  audit trail entries
    int64_t check_ms;     //  how often to look
} retention_t;

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
    retention_t retention;
} args_t;

#define SERVICE_MAX_TABLES 20
//  Zeros kept written past a store's data (store_reserve: a quarter of the
//  data, within these bounds), and the most written a tick. At 1 in flight
//  intake grows about 2 MiB a second.
#define SERVICE_RESERVE_MIN  (1UL * 1024 * 1024)
#define SERVICE_RESERVE_MAX  (8UL * 1024 * 1024)
#define SERVICE_RESERVE_STEP (1UL * 1024 * 1024)

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
    struct timespec config_mtime; //  of args.config when last read
    int64_t config_size;
    zlist_t *parked;        //  requests waiting for the streams they named in after
    telemetry_t *telemetry; //  metrics and health over HTTP
    uint64_t head;
    int64_t started;
    request_log_t refusals;                     //  refused commands, logged under a limit
    const char *tables[SERVICE_MAX_TABLES + 1]; //  every table of the store
    keys_t *keys;                               //  NULL without CURVE
    policy_t *policy;    //  NULL without CURVE: every caller may do anything
    zactor_t *auth;      //  the process's ZAP handler (zauth)
    audit_t *audit;      //  the trail, in an LMDB of its own
    zlistx_t *forgotten; //  "id\0token" chunks: erased ids still in the trail
    zlistx_t *due;       //  "id\0office" chunks: candidates to erase by retention
    bool reserve_failed; //  the last store_reserve failed (logged once)
} service_t;

//  The command named, or NULL.
const command_t *service_command (service_t *self, const char *name);
//  Whether a command may leave out office (request_new asks).
bool service_office_optional (const char *cmd, void *arg);
//  Applies the requests in one transaction, then publishes their events,
//  replies and destroys them.
void service_execute (service_t *self, request_t **requests, size_t count);

//  service_auth.c: keys, policy, audit trail.
int service_auth_open (service_t *self, char *err, size_t errlen);
void service_auth_close (service_t *self);
void service_auth_refresh (service_t *self);
//  The CURVE key ZAP attached to a message, "" without one.
void service_caller_key (zmsg_t *msg, char key[POLICY_KEY_LEN + 1]);
//  Records the caller and refuses (forbidden) what its role or offices do
//  not allow. 0 allowed, -1 refused.
int service_authorize (service_t *self, request_t *request, const char *key);
int service_on_subscribe (zloop_t *loop, zsock_t *reader, void *arg);
int service_on_replay (zloop_t *loop, zsock_t *reader, void *arg);
void service_audit (service_t *self, request_t *request);
void service_audit_flush (service_t *self);
//  The trail's entries about id are to name token instead (after commit).
void service_forget (service_t *self, const char *id, const char *token);
//  Deletes the rid replies that name id: those kept beside its record
//  (service_def_t.subject) and those in rids that hold it.
int service_forget_rids (service_t *self, store_tx_t *tx, const char *id);
//  A consumer's apply with erasure handled for every service.
int service_apply (store_tx_t *tx, const msgpack_object *event, void *arg);

//  service_retention.c: expired records removed by the service itself.
int service_retention_parse (const char *spec, retention_t *r, char *err, size_t errlen);
int service_on_retention (zloop_t *loop, int timer_id, void *arg);

//  service_builtin.c: audit.list and erase.check. True when it answered.
bool service_builtin (service_t *self, request_t *request);

#endif
