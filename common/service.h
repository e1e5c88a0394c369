/*  service - the runtime every Opstap service stands on: one zactor running
    one zloop with the command ROUTER, the event PUB, the replay ROUTER and
    the consumers of other services' streams (docs/ARCHITECTURE.md).

    A service is its definition: its tables, its dispatch table of
    commands (command.h), the streams it follows, and its erasure hook.
    Commands waiting on the socket are applied together in one LMDB write
    transaction and every reply leaves after the commit (batch.h).  */
#ifndef OPSTAP_SERVICE_H
#define OPSTAP_SERVICE_H

#include <czmq.h>

#include "command.h"
#include "consumer.h"
#include "directory.h"
#include "kv.h"
#include "schema.h"
#include "store.h"

//  Lists (as "id\0office" zchunks, at most max) the candidates whose
//  retention ended before cutoff_ms (wall clock); the runtime erases them
//  with candidate.erase (expiry.h). Only intake has one.
typedef int (service_due_fn) (store_tx_t *tx, int64_t cutoff_ms, zlistx_t *due,
                              size_t max, void *state);
//  A service's part of an erasure (erasure.h): removes every record it holds
//  of the candidate under id ("" once the erasure completed) and under
//  token, inside tx. -1 when the store failed.
typedef int (service_erase_fn) (store_tx_t *tx, const char *id, const char *token,
                                void *state);

typedef struct {
    const char *service;                //  "intake"
    const store_table_t *const *tables; //  the service's own tables
    const command_t *commands;          //  terminated by a row with name NULL
    const char *const *follows;         //  services whose streams it consumes
    //  Applies their events, candidate.erased excepted (that is the
    //  runtime's: the erasure hook below).
    consumer_apply_fn *apply;
    service_erase_fn *erase;
    //  Fields its own events lose when their candidate is erased, besides
    //  the id (NULL-terminated, or NULL).
    const char *const *erase_drop;
    //  Runs once in a write transaction when the store opens, before any
    //  command or event (reporting's format check), or NULL. -1 refuses to
    //  start.
    int (*prepare) (store_tx_t *tx, void *state);
    void *state;         //  handed to handlers, apply, erase and prepare
    service_due_fn *due; //  records whose retention ended, or NULL
    //  Its own table keyed by the events' subjects, to hold their subject
    //  index beside the records (evlog_meta_t), or NULL: a table apart.
    //  Scans of that table skip keys that are not rids_record_key.
    const store_table_t *index;
    //  With index: the body field naming the record a command is about, so
    //  that its rid's reply is kept beside that record (rids.h).
    const char *subject;
} service_def_t;

typedef struct {
    const char *instance;   //  this instance, as named in the directory
    const char *data_dir;   //  parent of the store directory
    directory_t *directory; //  read during service_start only
    size_t batch_max;       //  commands per transaction, 0: default 64
    int after_wait_ms;      //  bound on read-your-writes waits, 0: 5000
    size_t map_initial;     //  first LMDB map size, 0: the store's default
    const char *keys_dir;   //  CURVE keys and policy (docs/SECURITY.md), NULL: none
    const char *retention;  //  e.g. "candidate=7y,audit=10y" (expiry.h)
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
//  When argv asks for --help (-h) or --version, prints it and returns 1,
//  before anything is opened or bound; 0 when it does not. service_main
//  asks first; a main that opens something of its own asks before that.
int service_main_info (const char *service, int argc, char *argv[]);

//  For handlers.
store_tx_t *cmd_tx (cmd_ctx_t *ctx);
const msgpack_object *cmd_body (cmd_ctx_t *ctx);
const char *cmd_office (cmd_ctx_t *ctx);
void *cmd_state (cmd_ctx_t *ctx);
//  The caller's name in the policy, "" without keys.
const char *cmd_caller (cmd_ctx_t *ctx);
kv_t *cmd_reply (cmd_ctx_t *ctx);
int cmd_fail (cmd_ctx_t *ctx, err_code_t code, const char *field, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
//  Fails with internal when the store failed, else with the given error.
int cmd_store_fail (cmd_ctx_t *ctx);
//  Appends an event of the command's office (subject: candidate it is about).
int cmd_emit (cmd_ctx_t *ctx, const char *type, const char *date, const char *subject,
              const kv_t *fields);
//  The erasure of a candidate by this command, in this service, under the
//  rule of erasure.h (the service's own hook included).
int cmd_erase (cmd_ctx_t *ctx, const char *id, const char *token);
//  The last step of an erasure (erasure.h).
int cmd_erase_complete (cmd_ctx_t *ctx, const char *id);
//  The runtime's own state, for its built-in rows only (builtin.c).
void *cmd_runtime (cmd_ctx_t *ctx);

#endif
