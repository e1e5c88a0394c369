/*  service - the runtime every Opstap service stands on: one zactor running
    one zloop with the command ROUTER, the event PUB, the replay ROUTER and
    the consumers of other services' streams.

    Commands waiting on the socket are applied together in one LMDB write
    transaction (group commit); a command that fails after changing
    something runs the batch again with each command nested, so that it
    fails alone (store_write_steps). Every reply leaves after the commit.  */
#ifndef OPSTAP_SERVICE_H
#define OPSTAP_SERVICE_H

#include <czmq.h>

#include "consumer.h"
#include "directory.h"
#include "kv.h"
#include "schema.h"
#include "store.h"

typedef struct _cmd_ctx_t cmd_ctx_t;
//  Returns 0 when the command succeeded, -1 after cmd_fail.
typedef int (cmd_handler_fn) (cmd_ctx_t *ctx);

typedef struct {
    const char *name;      //  e.g. "candidate.register"
    const field_t *fields; //  its fields besides the envelope
    cmd_handler_fn *handler;
    bool query;      //  changes nothing; not remembered by rid
    bool any_office; //  office is optional (absent: all)
} command_t;

//  Lists (as "id\0office" zchunks, at most max) the candidates whose
//  retention ended before cutoff_ms (wall clock); the runtime erases them
//  with candidate.erase. Only intake has one.
typedef int (service_due_fn) (store_tx_t *tx, int64_t cutoff_ms, zlistx_t *due,
                              size_t max);

typedef struct {
    const char *service;        //  "intake"
    const char *const *tables;  //  the service's own tables
    const command_t *commands;  //  terminated by an entry with name NULL
    const char *const *follows; //  services whose streams it consumes
    consumer_apply_fn *apply;   //  applies their events
    void *state;                //  handed to handlers and apply
    service_due_fn *due;        //  records whose retention ended, or NULL
    //  Its own table keyed by the events' subjects, to hold their subject
    //  index beside the records (evlog_meta_t), or NULL: a table apart.
    //  Scans of that table skip keys that are not service_record_key.
    const char *index;
    //  With index: the body field naming the record a command is about.
    //  A rid's reply is then kept in index beside that record (its id, a
    //  byte 0x01, the rid) instead of in rids: one B-tree fewer in each
    //  command's commit (docs/PERFORMANCE.md, finding 14). A command that
    //  names no such record keeps its rid in rids.
    const char *subject;
} service_def_t;

//  Whether key, in a service's index table, is a record's own key: not a
//  subject index entry (id, NUL, seq) nor a rid's reply (id, 0x01, rid).
//  Ids hold neither byte.
bool service_record_key (const void *key, size_t klen);

typedef struct {
    const char *instance;   //  this instance, as named in the directory
    const char *data_dir;   //  parent of the store directory
    directory_t *directory; //  read during service_start only
    size_t batch_max;       //  commands per transaction, 0: default 64
    int after_wait_ms;      //  bound on read-your-writes waits, 0: 5000
    size_t map_initial;     //  first LMDB map size, 0: the store's default
    const char *keys_dir;   //  CURVE keys and policy (docs/SECURITY.md), NULL: none
    const char *retention;  //  e.g. "candidate=7y,audit=10y" (service_retention.c)
    const char *cert; //  own secret certificate, NULL: <keys_dir>/<instance>.key_secret
    //  The file the directory came from, read again when it changes: a
    //  producer instance added to it is followed without a restart. NULL:
    //  never read again.
    const char *config;
} service_opts_t;

//  Opens the store, binds and starts the actor. NULL with a reason in err
//  when the store cannot be opened or an endpoint cannot be bound.
zactor_t *service_start (const service_def_t *def, const service_opts_t *opts, char *err,
                         size_t errlen);

//  Runs a service as a process: parses --instance, --config, --data, starts
//  it and stops it cleanly on SIGINT or SIGTERM. Returns the exit code.
int service_main (const service_def_t *def, int argc, char *argv[]);

//  For handlers.
store_tx_t *cmd_tx (cmd_ctx_t *ctx);
const msgpack_object *cmd_body (cmd_ctx_t *ctx);
const char *cmd_office (cmd_ctx_t *ctx);
void *cmd_state (cmd_ctx_t *ctx);
kv_t *cmd_reply (cmd_ctx_t *ctx);
int cmd_fail (cmd_ctx_t *ctx, err_code_t code, const char *field, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
//  Fails with internal when the store failed, else with the given error.
int cmd_store_fail (cmd_ctx_t *ctx);
//  Erasure, for every store: removes remembered replies (rids) that name
//  id and, after the commit, rewrites the audit trail's id to token.
int cmd_forget (cmd_ctx_t *ctx, const char *id, const char *token);
//  Appends an event of the command's office (subject: candidate it is about).
int cmd_emit (cmd_ctx_t *ctx, const char *type, const char *date, const char *subject,
              const kv_t *fields);

#endif
