/*  service - the runtime every Opstap service stands on: the actor of one
    instance, its sockets and loop, and what happens to a request between
    arriving and being run.  */
#include "service_internal.h"

#include "builtin.h"
#include "evlog.h"
#include "replay.h"
#include "rids.h"

#include <sys/stat.h>

#define SERVICE_BATCH_DEFAULT 64
#define SERVICE_MAX_MSG       (1024 * 1024)
//  Replay answers waiting for one peer. A subscriber has one request out
//  (PROTOCOL.md 4); each answer may be 1 MiB, so ZeroMQ's default of 1000
//  would let a peer that asks and never reads park a GiB here.
#define SERVICE_REPLAY_HWM 4
//  Erasures by retention at most per check; the rest wait for the next.
#define SERVICE_DUE_MAX 256
//  Zeros kept written past a store's data (store_reserve: a quarter of the
//  data, within these bounds), and the most written a tick. At 1 in flight
//  intake grows about 2 MiB a second.
#define SERVICE_RESERVE_MIN  (1UL * 1024 * 1024)
#define SERVICE_RESERVE_MAX  (8UL * 1024 * 1024)
#define SERVICE_RESERVE_STEP (1UL * 1024 * 1024)

static const char *const s_envelope[] = {"cmd", "rid", "office", "after", NULL};

//  --------------------------------------------------------------------------
//  From arrival to the batch

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

//  The request's office is this instance's and its fields are its row's.
static int
s_check (service_t *self, request_t *request)
{
    oerr_t err;
    const char *office = request_office (request);
    if (*office && !dir_entry_serves (&self->args.entry, office)) {
        oerr_set (&err, ERR_FAILED_PRECONDITION, "office",
                  "instance %s does not serve office %s", self->args.entry.instance,
                  office);
        request_fail (request, &err);
        return -1;
    }
    if (schema_check (request_body (request), request_command (request)->fields,
                      s_envelope, &err)) {
        request_fail (request, &err);
        return -1;
    }
    return 0;
}

//  Where an admitted request goes: a built-in row is answered at once; a
//  command that names stream positions not yet consumed waits (parked); the
//  rest, and every refusal, join the batch, which answers them in order.
static void
s_route (service_t *self, request_t *request, request_t **ready, size_t *count)
{
    if (!request_failed (request) && s_check (self, request) == 0) {
        if (request_command (request)->flags & CMD_DIRECT) {
            batch_direct (self->batch, request);
            return;
        }
        if (!s_caught_up (self, request, true)) {
            zlist_append (self->parked, request);
            return;
        }
    }
    ready[(*count)++] = request;
}

static int
s_on_command (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    service_t *self = (service_t *) arg;
    request_t **ready =
        (request_t **) zmalloc (sizeof (request_t *) * self->args.batch_max);
    size_t count = 0, received = 0;
    zmsg_t *msg;
    //  Until the queue is empty (the socket does not wait): cheaper than
    //  asking ZMQ_EVENTS after every command. Bounded by what was received
    //  too, so that a stream of queries answered here cannot keep the
    //  loop's timers (and a stop) waiting.
    while (count < self->args.batch_max && received++ < 4 * self->args.batch_max
           && (msg = zmsg_recv (reader))) {
        char key[POLICY_KEY_LEN + 1];
        guard_key_of (self->guard, msg, key);
        request_t *request = request_new (&msg, dispatch_resolve, self->dispatch);
        if (!request)
            break;
        guard_admit (self->guard, request, key);
        s_route (self, request, ready, &count);
    }
    batch_execute (self->batch, ready, count);
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
    batch_execute (self->batch, ready, count);
    free (ready);
}

//  Erasures by retention: made here, then checked and run like any
//  command (expiry.h); audit entries past their time deleted.
static int
s_on_retention (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    service_t *self = (service_t *) arg;
    request_t *due[SERVICE_DUE_MAX], *ready[SERVICE_DUE_MAX];
    size_t n = expiry_due (self->args.def, &self->args.expiry, self->store,
                           dispatch_resolve, self->dispatch, due, SERVICE_DUE_MAX),
           count = 0;
    if (n)
        zsys_info ("event=retention.erase instance=%s candidates=%zu",
                   self->args.entry.instance, n);
    for (size_t i = 0; i < n; i++)
        s_route (self, due[i], ready, &count);
    batch_execute (self->batch, ready, count);
    size_t deleted = 0;
    oerr_t err;
    if (audit_expire (guard_audit (self->guard),
                      zclock_time () - self->args.expiry.audit_ms, &deleted, &err))
        zsys_error ("event=audit.error instance=%s message=\"%s\"",
                    self->args.entry.instance, err.message);
    else if (deleted)
        zsys_info ("event=retention.audit instance=%s entries=%zu",
                   self->args.entry.instance, deleted);
    return 0;
}

//  --------------------------------------------------------------------------
//  Following other streams

//  A consumer's apply: erasures are the runtime's (erasure.h), every other
//  event the service's.
static int
s_apply (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    service_t *self = (service_t *) arg;
    int rc = erasure_apply_event (self->erasure, tx, event);
    if (rc != 1)
        return rc;
    const service_def_t *def = self->args.def;
    return def->apply ? def->apply (tx, event, def->state) : 0;
}

//  A consumer committed: what waited for it may run, and what it erased
//  leaves the audit trail.
static void
s_on_progress (void *arg)
{
    service_t *self = (service_t *) arg;
    erasure_drain (self->erasure);
    s_release (self);
}

//  Keeps zeros written ahead of the store's data (store_reserve), a slice
//  per tick so that no batch waits long for it. A disk that refuses is
//  logged when it starts and when it ends; the store works on without.
static void
s_reserve (service_t *self)
{
    oerr_t err;
    bool failed = store_reserve (self->store, SERVICE_RESERVE_MIN, SERVICE_RESERVE_MAX,
                                 SERVICE_RESERVE_STEP, &err)
                  != 0;
    if (failed && !self->reserve_failed)
        zsys_warning ("event=store.reserve_error instance=%s message=\"%s\"",
                      self->args.entry.instance, err.message);
    else if (!failed && self->reserve_failed)
        zsys_info ("event=store.reserve_ok instance=%s", self->args.entry.instance);
    self->reserve_failed = failed;
}

static int
s_on_tick (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    service_t *self = (service_t *) arg;
    s_release (self);
    s_reserve (self);
    batch_tick (self->batch);
    return 0;
}

static void s_reread_directory (service_t *self);

static int
s_on_second (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    service_t *self = (service_t *) arg;
    guard_refresh (self->guard);
    //  Work left when the trail could not be written at the commit.
    erasure_drain (self->erasure);
    s_reread_directory (self);
    return 0;
}

//  --------------------------------------------------------------------------
//  Status

//  The figures read at each scrape rather than counted.
static void
s_read_figures (telemetry_t *telemetry, void *arg)
{
    service_t *self = (service_t *) arg;
    telemetry_stream (telemetry, batch_head (self->batch), zlist_size (self->parked));
    for (size_t i = 0; i < self->consumer_count; i++) {
        consumer_t *c = self->consumers[i];
        telemetry_consumer (telemetry, consumer_service (c), consumer_instance (c),
                            consumer_position (c), consumer_head (c));
    }
    size_t used, mapsize;
    if (store_usage (self->store, &used, &mapsize) == 0)
        telemetry_store (telemetry, used, mapsize);
}

//  --------------------------------------------------------------------------
//  The actor

static int
s_on_replay (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    service_t *self = (service_t *) arg;
    replay_serve (self->store, self->guard, reader);
    return 0;
}

static int
s_on_subscribe (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    service_t *self = (service_t *) arg;
    replay_grant (self->args.def->service, self->guard, reader);
    return 0;
}

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
    telemetry_destroy (&self->telemetry);
    for (size_t i = 0; i < self->consumer_count; i++)
        consumer_destroy (&self->consumers[i]);
    request_t *request;
    while (self->parked && (request = (request_t *) zlist_pop (self->parked)))
        request_destroy (&request);
    zlist_destroy (&self->parked);
    zsock_destroy (&self->router);
    zsock_destroy (&self->pub);
    zsock_destroy (&self->replay);
    batch_destroy (&self->batch);
    erasure_destroy (&self->erasure);
    outbox_destroy (&self->outbox);
    guard_destroy (&self->guard);
    dispatch_destroy (&self->dispatch);
    store_destroy (&self->store);
    free (self);
    *self_p = NULL;
}

//  The runtime's tables, then the service's own.
static int
s_open_store (service_t *self, char *err, size_t errlen)
{
    const store_table_t **tables = self->tables;
    const store_table_t *const own[] = {EVLOG_TABLES, CONSUMER_TABLES, rids_table,
                                        OUTBOX_TABLES};
    size_t count = sizeof own / sizeof own[0];
    memcpy (tables, own, sizeof own);
    for (const store_table_t *const *t = self->args.def->tables; t && *t; t++) {
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
    if (!self->store || store_lock (self->store, &oerr)) {
        snprintf (err, errlen, "%s", oerr.message);
        return -1;
    }
    return 0;
}

static int
s_read_head (store_tx_t *tx, void *arg)
{
    *(uint64_t *) arg = evlog_head (tx);
    return 0;
}

static int
s_prepare (store_tx_t *tx, void *arg)
{
    const service_def_t *def = (const service_def_t *) arg;
    if (evlog_epoch_ensure (tx))
        return -1;
    return def->prepare ? def->prepare (tx, def->state) : 0;
}

//  The parts that run commands, once the store, the trail and the sockets
//  are open.
static int
s_open_runtime (service_t *self, char *err, size_t errlen)
{
    uint64_t head = 0;
    oerr_t oerr = {ERR_NONE, "", "", false};
    const service_def_t *def = self->args.def;
    if (store_write (self->store, s_prepare, (void *) def, &oerr)
        || store_read (self->store, s_read_head, &head, &oerr)) {
        if (!*oerr.message)
            snprintf (oerr.message, sizeof oerr.message,
                      "%s: the store cannot be prepared", def->service);
        snprintf (err, errlen, "%s", oerr.message);
        return -1;
    }
    self->outbox = outbox_new (self->store);
    self->erasure = erasure_new (self->args.def, self->outbox, guard_audit (self->guard));
    batch_parts_t parts = {.def = self->args.def,
                           .instance = self->args.entry.instance,
                           .store = self->store,
                           .guard = self->guard,
                           .erasure = self->erasure,
                           .telemetry = self->telemetry,
                           .router = self->router,
                           .pub = self->pub,
                           .runtime = self};
    self->batch = batch_new (&parts, head);
    //  What a process that died after a commit left to do.
    erasure_drain (self->erasure);
    return 0;
}

static zsock_t *
s_bind (service_t *self, int type, const char *endpoint, int sndhwm, char *err,
        size_t errlen)
{
    zsock_t *sock = zsock_new (type);
    if (!sock)
        return NULL;
    zsock_set_maxmsgsize (sock, SERVICE_MAX_MSG);
    if (sndhwm)
        zsock_set_sndhwm (sock, sndhwm);
    zsock_set_linger (sock, 0);
    if (type == ZMQ_XPUB)
        //  Subscriptions come to us to grant: a caller limited to some
        //  offices gets only their topics (replay_grant).
        zsock_set_xpub_manual (sock, 1);
    if (guard_keys (self->guard))
        keys_serve (guard_keys (self->guard), sock);
    //  A socket closed a moment ago (a restart) frees its port in the
    //  background: give it a second before calling the port taken.
    //  The directory may name this host as others reach it (a container's
    //  name): ZeroMQ binds addresses only.
    char local[DIR_ENDPOINT_MAX + 1];
    if (dir_bind_endpoint (endpoint, local, sizeof local) != 0) {
        snprintf (err, errlen, "endpoint %s too long", endpoint);
        zsock_destroy (&sock);
        return NULL;
    }
    int rc = zsock_bind (sock, "%s", local);
    for (int tries = 0; rc < 0 && zmq_errno () == EADDRINUSE && tries < 20; tries++) {
        zclock_sleep (50);
        rc = zsock_bind (sock, "%s", local);
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
    self->router = s_bind (self, ZMQ_ROUTER, self->args.entry.command, 0, err, errlen);
    //  Read only when zloop says a command waits; then until none is left
    //  (s_on_command): a receive that never blocks.
    if (self->router)
        zsock_set_rcvtimeo (self->router, 0);
    self->pub = self->router
                    ? s_bind (self, ZMQ_XPUB, self->args.entry.events, 0, err, errlen)
                    : NULL;
    self->replay = self->pub ? s_bind (self, ZMQ_ROUTER, self->args.entry.replay,
                                       SERVICE_REPLAY_HWM, err, errlen)
                             : NULL;
    return self->replay ? 0 : -1;
}

static int
s_follow (service_t *self, const dir_entry_t *p, char *err, size_t errlen)
{
    if (self->consumer_count == SERVICE_MAX_CONSUMERS) {
        snprintf (err, errlen, "cannot follow %s: already following %d instances",
                  p->instance, SERVICE_MAX_CONSUMERS);
        return -1;
    }
    consumer_t *c = consumer_new (self->store, p->service, p->instance, p->events,
                                  p->replay, s_apply, self, guard_keys (self->guard));
    if (!c || consumer_attach (c, self->loop, s_on_progress, self) != 0) {
        snprintf (err, errlen, "cannot follow %s", p->instance);
        consumer_destroy (&c);
        return -1;
    }
    self->consumers[self->consumer_count++] = c;
    return 0;
}

static int
s_open_consumers (service_t *self, char *err, size_t errlen)
{
    for (size_t i = 0; i < self->args.producer_count; i++)
        if (s_follow (self, &self->args.producers[i], err, errlen))
            return -1;
    return 0;
}

static bool
s_follows (const service_def_t *def, const char *service)
{
    for (const char *const *f = def->follows; f && *f; f++)
        if (streq (*f, service))
            return true;
    return false;
}

//  Called every second. A producer instance added to the directory file (a
//  new office's intake) is followed from then on, so adding one takes no
//  restart of the services that follow it; other changes (an endpoint
//  moved, an instance removed) still take one.
static void
s_reread_directory (service_t *self)
{
    struct stat st;
    if (!*self->args.config || stat (self->args.config, &st) != 0
        || (st.st_mtim.tv_sec == self->config_mtime.tv_sec
            && st.st_mtim.tv_nsec == self->config_mtime.tv_nsec
            && (int64_t) st.st_size == self->config_size))
        return;
    self->config_mtime = st.st_mtim;
    self->config_size = (int64_t) st.st_size;
    char err[640];
    directory_t *directory = directory_new (self->args.config, err, sizeof err);
    if (!directory) {
        zsys_warning ("event=config.error instance=%s message=\"%s\" following=%zu",
                      self->args.entry.instance, err, self->consumer_count);
        return;
    }
    for (size_t i = 0; i < directory_size (directory); i++) {
        const dir_entry_t *e = directory_at (directory, i);
        if (!s_follows (self->args.def, e->service) || s_consumer_of (self, e->instance))
            continue;
        if (s_follow (self, e, err, sizeof err) == 0)
            zsys_info ("event=consumer.added instance=%s producer=%s",
                       self->args.entry.instance, e->instance);
        else
            zsys_warning ("event=consumer.error instance=%s message=\"%s\"",
                          self->args.entry.instance, err);
    }
    directory_destroy (&directory);
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
    self->dispatch =
        dispatch_new (args->def->service, args->def->commands, builtin_rows, err, errlen);
    if (!self->dispatch || s_open_store (self, err, errlen)
        || !(self->guard = guard_new (args->entry.instance, args->store_path,
                                      args->keys_dir, args->cert, err, errlen))
        || s_open_sockets (self, err, errlen)
        || !(self->telemetry =
                 telemetry_new (&self->args.entry, self->args.def->service, err, errlen))
        || s_open_runtime (self, err, errlen)
        || telemetry_attach (self->telemetry, self->loop, s_read_figures, self)
        || s_open_consumers (self, err, errlen)) {
        s_service_destroy (&self);
        return NULL;
    }
    zloop_set_nonstop (self->loop, true);
    zloop_reader (self->loop, pipe, s_on_pipe, self);
    zloop_reader (self->loop, self->router, s_on_command, self);
    zloop_reader (self->loop, self->replay, s_on_replay, self);
    zloop_reader (self->loop, self->pub, s_on_subscribe, self);
    zloop_timer (self->loop, 100, 0, s_on_tick, self);
    zloop_timer (self->loop, 1000, 0, s_on_second, self);
    //  Once soon after the start, then every check period.
    zloop_timer (self->loop, 2000, 1, s_on_retention, self);
    zloop_timer (self->loop, (size_t) self->args.expiry.check_ms, 0, s_on_retention,
                 self);
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
               " command=%s metrics=%s",
               args->def->service, args->entry.instance, args->entry.offices,
               batch_head (self->batch), args->entry.command,
               *telemetry_endpoint (self->telemetry)
                   ? telemetry_endpoint (self->telemetry)
                   : "-");
    zstr_send (pipe, "READY");
    //  args belongs to the caller from here on; self holds a copy.
    zloop_start (self->loop);
    zsys_info ("event=service.stop instance=%s head=%" PRIu64, self->args.entry.instance,
               batch_head (self->batch));
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
        if (s_follows (def, e->service) && args->producer_count < SERVICE_MAX_CONSUMERS)
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
    if (opts->keys_dir)
        snprintf (args->keys_dir, sizeof args->keys_dir, "%s", opts->keys_dir);
    if (opts->cert)
        snprintf (args->cert, sizeof args->cert, "%s", opts->cert);
    if (opts->config)
        snprintf (args->config, sizeof args->config, "%s", opts->config);
    if (expiry_parse (opts->retention, &args->expiry, err, errlen)) {
        free (args);
        return NULL;
    }
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
