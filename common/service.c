/*  service - the runtime every Opstap service stands on.  */
#include "service.h"

#include "evlog.h"
#include "replay.h"
#include "request.h"

#define SERVICE_BATCH_DEFAULT 64
#define SERVICE_MAX_CONSUMERS 32
#define SERVICE_MAX_TABLES    20
#define SERVICE_MAX_MSG       (1024 * 1024)

static const char *const s_envelope[] = {"cmd", "rid", "office", "after", NULL};

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

struct _cmd_ctx_t {
    service_t *service;
    request_t *request;
    const command_t *command;
    store_tx_t *tx;
    kv_t reply;
    oerr_t err;
    uint64_t last_seq;
    msgpack_sbuffer event;
};

typedef struct {
    service_t *service;
    request_t **requests;
    size_t count;
} batch_t;

//  --------------------------------------------------------------------------
//  Handler context

store_tx_t *
cmd_tx (cmd_ctx_t *ctx)
{
    return ctx->tx;
}

const msgpack_object *
cmd_body (cmd_ctx_t *ctx)
{
    return request_body (ctx->request);
}

const char *
cmd_office (cmd_ctx_t *ctx)
{
    return request_office (ctx->request);
}

void *
cmd_state (cmd_ctx_t *ctx)
{
    return ctx->service->args.def->state;
}

kv_t *
cmd_reply (cmd_ctx_t *ctx)
{
    return &ctx->reply;
}

int
cmd_fail (cmd_ctx_t *ctx, err_code_t code, const char *field, const char *fmt, ...)
{
    ctx->err.code = code;
    ctx->err.field_from_input = false;
    snprintf (ctx->err.field, sizeof ctx->err.field, "%s", field ? field : "");
    va_list args;
    va_start (args, fmt);
    vsnprintf (ctx->err.message, sizeof ctx->err.message, fmt, args);
    va_end (args);
    return -1;
}

int
cmd_store_fail (cmd_ctx_t *ctx)
{
    return cmd_fail (ctx, ERR_INTERNAL, NULL, "store failure");
}

int
cmd_emit (cmd_ctx_t *ctx, const char *type, const char *date, const char *subject,
          const kv_t *fields)
{
    service_t *service = ctx->service;
    evlog_meta_t meta = {service->args.def->service,
                         service->args.entry.instance,
                         type,
                         cmd_office (ctx),
                         date,
                         subject};
    uint64_t seq = evlog_append (ctx->tx, &meta, fields, &ctx->event);
    if (!seq)
        return cmd_store_fail (ctx);
    char topic[2 * CODEC_ID_MAX + 2];
    snprintf (topic, sizeof topic, "%s.%s", meta.service, meta.office);
    request_add_event (ctx->request, topic, ctx->event.data, ctx->event.size);
    ctx->last_seq = seq;
    return 0;
}

//  --------------------------------------------------------------------------
//  Running commands

static const command_t *
s_command (service_t *self, const char *name)
{
    for (const command_t *c = self->args.def->commands; c->name; c++)
        if (strcmp (c->name, name) == 0)
            return c;
    return NULL;
}

static bool
s_office_optional (const char *cmd, void *arg)
{
    service_t *self = (service_t *) arg;
    const command_t *command = s_command (self, cmd);
    return strcmp (cmd, "service.status") == 0 || (command && command->any_office);
}

static void
s_pack_ok (cmd_ctx_t *ctx, msgpack_sbuffer *out)
{
    service_t *self = ctx->service;
    const char *rid = request_rid (ctx->request);
    msgpack_sbuffer_clear (out);
    msgpack_packer pk;
    msgpack_packer_init (&pk, out, msgpack_sbuffer_write);
    //  ok (and rid) first, so a person reading the reply sees them first.
    msgpack_pack_map (&pk, ctx->reply.count + 2 + (*rid ? 1 : 0));
    pk_kv_bool (&pk, "ok", true);
    if (*rid)
        pk_kv_str (&pk, "rid", rid);
    if (ctx->reply.buf.size)
        msgpack_sbuffer_write (out, ctx->reply.buf.data, ctx->reply.buf.size);
    pk_str (&pk, "position");
    msgpack_pack_map (&pk, 3);
    pk_kv_str (&pk, "service", self->args.def->service);
    pk_kv_str (&pk, "instance", self->args.entry.instance);
    pk_kv_uint (&pk, "seq", ctx->last_seq ? ctx->last_seq : evlog_head (ctx->tx));
}

//  The stored answer to a rid: the command's name, a NUL, the reply.
static int
s_remember (cmd_ctx_t *ctx)
{
    const char *rid = request_rid (ctx->request);
    const char *cmd = request_cmd (ctx->request);
    msgpack_sbuffer *reply = request_reply (ctx->request);
    size_t clen = strlen (cmd) + 1;
    uint8_t *value = (uint8_t *) malloc (clen + reply->size);
    if (!value)
        return -1;
    memcpy (value, cmd, clen);
    memcpy (value + clen, reply->data, reply->size);
    int rc = store_put (ctx->tx, "rids", rid, strlen (rid), value, clen + reply->size);
    free (value);
    return rc;
}

static int
s_run_handler (store_tx_t *tx, void *arg)
{
    cmd_ctx_t *ctx = (cmd_ctx_t *) arg;
    ctx->tx = tx;
    if (ctx->command->handler (ctx) != 0)
        return -1;
    s_pack_ok (ctx, request_reply (ctx->request));
    if (!ctx->command->query && *request_rid (ctx->request) && s_remember (ctx))
        return cmd_store_fail (ctx);
    return store_failed (tx) ? cmd_store_fail (ctx) : 0;
}

//  1 when the rid was answered before (the reply is set), 0 when new.
static int
s_recall (store_tx_t *tx, request_t *request)
{
    const char *rid = request_rid (request);
    const void *val;
    size_t vlen;
    if (!*rid || store_get (tx, "rids", rid, strlen (rid), &val, &vlen) != 0)
        return 0;
    const char *cmd = (const char *) val;
    size_t clen = strnlen (cmd, vlen);
    if (clen == vlen || strcmp (cmd, request_cmd (request)) != 0) {
        oerr_t err;
        oerr_set (&err, ERR_CONFLICT, "rid", "rid %s was used for another command", rid);
        request_fail (request, &err);
        return 1;
    }
    request_set_reply (request, cmd + clen + 1, vlen - clen - 1);
    return 1;
}

static void
s_run_one (service_t *self, store_tx_t *tx, request_t *request)
{
    request_clear_events (request);
    if (request_failed (request) || s_recall (tx, request))
        return;
    cmd_ctx_t ctx = {self,
                     request,
                     s_command (self, request_cmd (request)),
                     NULL,
                     {{0, NULL, 0}, {NULL, NULL}, 0},
                     {ERR_NONE, "", "", false},
                     0,
                     {0, NULL, 0}};
    kv_init (&ctx.reply);
    msgpack_sbuffer_init (&ctx.event);
    if (store_nested (tx, s_run_handler, &ctx) != 0 && !store_failed (tx)) {
        //  When the store failed (a full map) the whole batch runs again
        //  or fails as one, so this command is not marked failed here.
        if (ctx.err.code == ERR_NONE)
            oerr_set (&ctx.err, ERR_INTERNAL, NULL, "store failure");
        request_clear_events (request);
        request_fail (request, &ctx.err);
    }
    kv_destroy (&ctx.reply);
    msgpack_sbuffer_destroy (&ctx.event);
}

static int
s_run_batch (store_tx_t *tx, void *arg)
{
    batch_t *batch = (batch_t *) arg;
    for (size_t i = 0; i < batch->count && !store_failed (tx); i++)
        s_run_one (batch->service, tx, batch->requests[i]);
    if (!store_failed (tx))
        batch->service->head = evlog_head (tx);
    return 0;
}

static void
s_log_outcome (service_t *self, request_t *request)
{
    if (!request_failed (request))
        return;
    const oerr_t *err = request_error (request);
    //  Ids and codes only: a message may echo input, so it is not logged.
    zsys_info ("event=command.refused instance=%s cmd=%s office=%s code=%s field=%s",
               self->args.entry.instance,
               *request_cmd (request) ? request_cmd (request) : "-",
               *request_office (request) ? request_office (request) : "-",
               err_code_name (err->code),
               err->field_from_input ? "(unknown)"
               : *err->field         ? err->field
                                     : "-");
}

//  Applies a batch in one transaction, then publishes and replies.
static void
s_execute (service_t *self, request_t **requests, size_t count)
{
    batch_t batch = {self, requests, count};
    oerr_t err = {ERR_NONE, "", "", false};
    if (count && store_write (self->store, s_run_batch, &batch, &err) != 0) {
        zsys_error ("event=store.error instance=%s message=\"%s\"",
                    self->args.entry.instance, err.message);
        for (size_t i = 0; i < count; i++) {
            request_clear_events (requests[i]);
            request_fail (requests[i], &err);
        }
    }
    for (size_t i = 0; i < count; i++) {
        request_publish (requests[i], self->pub);
        s_log_outcome (self, requests[i]);
        request_send (requests[i], self->router);
        request_destroy (&requests[i]);
    }
}

//  --------------------------------------------------------------------------
//  Dispatch

static consumer_t *
s_consumer_of (service_t *self, const char *instance)
{
    for (size_t i = 0; i < self->consumer_count; i++)
        if (strcmp (consumer_instance (self->consumers[i]), instance) == 0)
            return self->consumers[i];
    return NULL;
}

//  True when every stream position the request named has been consumed.
static bool
s_caught_up (service_t *self, request_t *request, bool poke)
{
    bool ready = true;
    for (size_t i = 0; i < request_after_count (request); i++) {
        const position_t *pos = request_after (request, i);
        consumer_t *consumer = s_consumer_of (self, pos->instance);
        if (consumer && consumer_position (consumer) < pos->seq) {
            ready = false;
            if (poke)
                consumer_poke (consumer);
        }
    }
    return ready;
}

static void s_reply_status (service_t *self, request_t *request);

static int
s_validate (service_t *self, request_t *request)
{
    if (request_failed (request))
        return -1;
    oerr_t err;
    const command_t *command = s_command (self, request_cmd (request));
    if (!command) {
        oerr_set (&err, ERR_INVALID_ARGUMENT, "cmd", "unknown command %s for %s",
                  request_cmd (request), self->args.def->service);
        request_fail (request, &err);
        return -1;
    }
    const char *office = request_office (request);
    if (*office && !dir_entry_serves (&self->args.entry, office)) {
        oerr_set (&err, ERR_FAILED_PRECONDITION, "office",
                  "instance %s does not serve office %s", self->args.entry.instance,
                  office);
        request_fail (request, &err);
        return -1;
    }
    if (schema_check (request_body (request), command->fields, s_envelope, &err)) {
        request_fail (request, &err);
        return -1;
    }
    return 0;
}

static int
s_on_command (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    service_t *self = (service_t *) arg;
    request_t **ready =
        (request_t **) zmalloc (sizeof (request_t *) * self->args.batch_max);
    size_t count = 0;
    do {
        zmsg_t *msg = zmsg_recv (reader);
        request_t *request = request_new (&msg, s_office_optional, self);
        if (!request)
            break;
        if (!request_failed (request)
            && strcmp (request_cmd (request), "service.status") == 0)
            s_reply_status (self, request);
        else if (s_validate (self, request) == 0 && !s_caught_up (self, request, true))
            zlist_append (self->parked, request);
        else
            ready[count++] = request;
    } while (count < self->args.batch_max && (zsock_events (reader) & ZMQ_POLLIN));
    s_execute (self, ready, count);
    free (ready);
    return 0;
}

//  Runs the parked requests whose streams have caught up; fails those that
//  waited too long.
static void
s_release (service_t *self)
{
    size_t size = zlist_size (self->parked);
    if (!size)
        return;
    request_t **ready = (request_t **) zmalloc (sizeof (request_t *) * size);
    size_t count = 0;
    int64_t now = zclock_mono ();
    for (size_t i = 0; i < size; i++) {
        request_t *request = (request_t *) zlist_pop (self->parked);
        if (s_caught_up (self, request, false))
            ready[count++] = request;
        else if (now - request_arrived (request) > self->args.after_wait_ms) {
            oerr_t err;
            oerr_set (
                &err, ERR_UNAVAILABLE, "after",
                "this service has not yet caught up with the streams named in after");
            request_fail (request, &err);
            ready[count++] = request;
        } else
            zlist_append (self->parked, request);
    }
    s_execute (self, ready, count);
    free (ready);
}

static void
s_on_progress (void *arg)
{
    s_release ((service_t *) arg);
}

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_release ((service_t *) arg);
    return 0;
}

//  --------------------------------------------------------------------------
//  Status

static void
s_reply_status (service_t *self, request_t *request)
{
    msgpack_sbuffer *out = request_reply (request);
    msgpack_packer pk;
    msgpack_packer_init (&pk, out, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 8);
    pk_kv_bool (&pk, "ok", true);
    pk_kv_str (&pk, "service", self->args.def->service);
    pk_kv_str (&pk, "instance", self->args.entry.instance);
    pk_kv_str (&pk, "offices", self->args.entry.offices);
    pk_kv_uint (&pk, "head", self->head);
    pk_kv_uint (&pk, "uptime_s", (uint64_t) (zclock_mono () - self->started) / 1000);
    pk_kv_uint (&pk, "waiting", zlist_size (self->parked));
    pk_str (&pk, "consumers");
    msgpack_pack_array (&pk, self->consumer_count);
    for (size_t i = 0; i < self->consumer_count; i++) {
        consumer_t *c = self->consumers[i];
        uint64_t position = consumer_position (c), head = consumer_head (c);
        msgpack_pack_map (&pk, 5);
        pk_kv_str (&pk, "service", consumer_service (c));
        pk_kv_str (&pk, "instance", consumer_instance (c));
        pk_kv_uint (&pk, "position", position);
        pk_kv_uint (&pk, "head", head);
        pk_kv_uint (&pk, "lag", head > position ? head - position : 0);
    }
    request_send (request, self->router);
    request_destroy (&request);
}

static int
s_on_replay (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    replay_answer (((service_t *) arg)->store, reader);
    return 0;
}

//  --------------------------------------------------------------------------
//  The actor

static int
s_on_pipe (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    (void) arg;
    zmsg_t *msg = zmsg_recv (reader);
    char *command = msg ? zmsg_popstr (msg) : NULL;
    bool term = !command || streq (command, "$TERM");
    zstr_free (&command);
    zmsg_destroy (&msg);
    return term ? -1 : 0;
}

static void
s_service_destroy (service_t **self_p)
{
    service_t *self = *self_p;
    if (!self)
        return;
    zloop_destroy (&self->loop);
    for (size_t i = 0; i < self->consumer_count; i++)
        consumer_destroy (&self->consumers[i]);
    request_t *request;
    while (self->parked && (request = (request_t *) zlist_pop (self->parked)))
        request_destroy (&request);
    zlist_destroy (&self->parked);
    zsock_destroy (&self->router);
    zsock_destroy (&self->pub);
    zsock_destroy (&self->replay);
    store_destroy (&self->store);
    free (self);
    *self_p = NULL;
}

static int
s_open_store (service_t *self, char *err, size_t errlen)
{
    const char *tables[SERVICE_MAX_TABLES + 1] = {EVLOG_TABLES, CONSUMER_TABLES, "rids"};
    size_t count = 4;
    for (const char *const *t = self->args.def->tables; t && *t; t++) {
        if (count == SERVICE_MAX_TABLES) {
            snprintf (err, errlen, "too many tables");
            return -1;
        }
        tables[count++] = *t;
    }
    tables[count] = NULL;
    oerr_t oerr;
    self->store = self->args.map_initial
                      ? store_new_sized (self->args.store_path, tables,
                                         self->args.map_initial, &oerr)
                      : store_new (self->args.store_path, tables, &oerr);
    if (!self->store) {
        snprintf (err, errlen, "%s", oerr.message);
        return -1;
    }
    return 0;
}

static int
s_read_head (store_tx_t *tx, void *arg)
{
    ((service_t *) arg)->head = evlog_head (tx);
    return 0;
}

static zsock_t *
s_bind (int type, const char *endpoint, char *err, size_t errlen)
{
    zsock_t *sock = zsock_new (type);
    if (!sock)
        return NULL;
    zsock_set_maxmsgsize (sock, SERVICE_MAX_MSG);
    zsock_set_linger (sock, 0);
    //  A socket closed a moment ago (a restart) frees its port in the
    //  background: give it a second before calling the port taken.
    int rc = zsock_bind (sock, "%s", endpoint);
    for (int tries = 0; rc < 0 && zmq_errno () == EADDRINUSE && tries < 20; tries++) {
        zclock_sleep (50);
        rc = zsock_bind (sock, "%s", endpoint);
    }
    if (rc < 0) {
        snprintf (err, errlen, "cannot bind %s: %s", endpoint,
                  zmq_strerror (zmq_errno ()));
        zsock_destroy (&sock);
    }
    return sock;
}

static int
s_open_sockets (service_t *self, char *err, size_t errlen)
{
    self->router = s_bind (ZMQ_ROUTER, self->args.entry.command, err, errlen);
    self->pub =
        self->router ? s_bind (ZMQ_PUB, self->args.entry.events, err, errlen) : NULL;
    self->replay =
        self->pub ? s_bind (ZMQ_ROUTER, self->args.entry.replay, err, errlen) : NULL;
    return self->replay ? 0 : -1;
}

static int
s_open_consumers (service_t *self, char *err, size_t errlen)
{
    for (size_t i = 0; i < self->args.producer_count; i++) {
        const dir_entry_t *p = &self->args.producers[i];
        consumer_t *c =
            consumer_new (self->store, p->service, p->instance, p->events, p->replay,
                          self->args.def->apply, self->args.def->state);
        if (!c || consumer_attach (c, self->loop, s_on_progress, self) != 0) {
            snprintf (err, errlen, "cannot follow %s", p->instance);
            consumer_destroy (&c);
            return -1;
        }
        self->consumers[self->consumer_count++] = c;
    }
    return 0;
}

static service_t *
s_service_new (args_t *args, zsock_t *pipe, char *err, size_t errlen)
{
    service_t *self = (service_t *) zmalloc (sizeof (service_t));
    self->args = *args;
    self->pipe = pipe;
    self->started = zclock_mono ();
    self->parked = zlist_new ();
    self->loop = zloop_new ();
    oerr_t oerr;
    if (s_open_store (self, err, errlen)
        || store_read (self->store, s_read_head, self, &oerr)
        || s_open_sockets (self, err, errlen) || s_open_consumers (self, err, errlen)) {
        s_service_destroy (&self);
        return NULL;
    }
    zloop_set_nonstop (self->loop, true);
    zloop_reader (self->loop, pipe, s_on_pipe, self);
    zloop_reader (self->loop, self->router, s_on_command, self);
    zloop_reader (self->loop, self->replay, s_on_replay, self);
    zloop_timer (self->loop, 100, 0, s_on_tick, self);
    return self;
}

static void
s_actor (zsock_t *pipe, void *arg)
{
    args_t *args = (args_t *) arg;
    char err[sizeof ((oerr_t *) 0)->message + 64] = "";
    service_t *self = s_service_new (args, pipe, err, sizeof err);
    zsock_signal (pipe, 0);
    if (!self) {
        zstr_sendf (pipe, "ERROR %s", err);
        return;
    }
    zsys_info ("event=service.start service=%s instance=%s offices=%s head=%" PRIu64
               " command=%s",
               args->def->service, args->entry.instance, args->entry.offices, self->head,
               args->entry.command);
    zstr_send (pipe, "READY");
    //  args belongs to the caller from here on; self holds a copy.
    zloop_start (self->loop);
    zsys_info ("event=service.stop instance=%s head=%" PRIu64, self->args.entry.instance,
               self->head);
    s_service_destroy (&self);
}

static int
s_resolve (const service_def_t *def, const service_opts_t *opts, args_t *args, char *err,
           size_t errlen)
{
    const dir_entry_t *entry = directory_instance (opts->directory, opts->instance);
    if (!entry || strcmp (entry->service, def->service) != 0) {
        snprintf (err, errlen, "the directory lists no %s instance named %s",
                  def->service, opts->instance);
        return -1;
    }
    args->entry = *entry;
    for (size_t i = 0; i < directory_size (opts->directory); i++) {
        const dir_entry_t *e = directory_at (opts->directory, i);
        for (const char *const *f = def->follows; f && *f; f++)
            if (strcmp (e->service, *f) == 0
                && args->producer_count < SERVICE_MAX_CONSUMERS)
                args->producers[args->producer_count++] = *e;
    }
    snprintf (args->store_path, sizeof args->store_path, "%s/%s", opts->data_dir,
              opts->instance);
    return 0;
}

zactor_t *
service_start (const service_def_t *def, const service_opts_t *opts, char *err,
               size_t errlen)
{
    //  The actor reads args only before it answers READY or ERROR.
    args_t *args = (args_t *) zmalloc (sizeof (args_t));
    args->def = def;
    args->batch_max = opts->batch_max ? opts->batch_max : SERVICE_BATCH_DEFAULT;
    args->after_wait_ms = opts->after_wait_ms ? opts->after_wait_ms : 5000;
    args->map_initial = opts->map_initial;
    zactor_t *actor = NULL;
    if (s_resolve (def, opts, args, err, errlen) == 0) {
        actor = zactor_new (s_actor, args);
        char *status = actor ? zstr_recv (actor) : NULL;
        if (!status || strncmp (status, "READY", 5) != 0) {
            snprintf (err, errlen, "%s", status ? status + 6 : "actor did not start");
            zactor_destroy (&actor);
        }
        zstr_free (&status);
    }
    free (args);
    return actor;
}
