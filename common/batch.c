/*  batch - runs one service instance's commands.  */
#include "batch.h"

#include "evlog.h"
#include "rids.h"

struct _batch_t {
    batch_parts_t parts;
    uint64_t head;
    request_log_t refusals; //  refused commands, logged under a limit
};

struct _cmd_ctx_t {
    batch_t *batch;
    request_t *request;
    const command_t *command;
    const rid_key_t *rid; //  NULL when the command has no rid
    store_tx_t *tx;
    kv_t reply;
    oerr_t err;
    uint64_t last_seq;
    msgpack_sbuffer event;
};

//  One run of a batch's transaction.
typedef struct {
    batch_t *batch;
    request_t **requests;
    size_t count;
    uint64_t head; //  the stream head if this transaction commits
    store_steps_t steps;
} run_t;

batch_t *
batch_new (const batch_parts_t *parts, uint64_t head)
{
    batch_t *self = (batch_t *) zmalloc (sizeof (batch_t));
    self->parts = *parts;
    self->head = head;
    return self;
}

void
batch_destroy (batch_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

uint64_t
batch_head (batch_t *self)
{
    return self->head;
}

void
batch_tick (batch_t *self)
{
    request_log_flush (&self->refusals, self->parts.instance);
}

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
    return ctx->batch->parts.def->state;
}

void *
cmd_runtime (cmd_ctx_t *ctx)
{
    return ctx->batch->parts.runtime;
}

const char *
cmd_caller (cmd_ctx_t *ctx)
{
    return request_caller_name (ctx->request);
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
    const batch_parts_t *parts = &ctx->batch->parts;
    evlog_meta_t meta = {.service = parts->def->service,
                         .instance = parts->instance,
                         .type = type,
                         .office = cmd_office (ctx),
                         .date = date,
                         .subject = subject,
                         .index = parts->def->index};
    uint64_t seq = evlog_append (ctx->tx, &meta, fields, &ctx->event);
    if (!seq)
        return cmd_store_fail (ctx);
    //  service.office/ (the subscription topic), without printf: per event.
    char topic[2 * CODEC_ID_MAX + 3];
    size_t slen = strnlen (meta.service, CODEC_ID_MAX),
           olen = strnlen (meta.office, CODEC_ID_MAX);
    memcpy (topic, meta.service, slen);
    topic[slen] = '.';
    memcpy (topic + slen + 1, meta.office, olen);
    memcpy (topic + slen + 1 + olen, "/", 2);
    request_add_event (ctx->request, topic, ctx->event.data, ctx->event.size);
    ctx->last_seq = seq;
    return 0;
}

int
cmd_erase (cmd_ctx_t *ctx, const char *id, const char *token)
{
    //  The trail records the erasure under the token, like the entries it
    //  rewrites.
    request_set_record (ctx->request, token);
    return erasure_apply (ctx->batch->parts.erasure, ctx->tx, id, token, true)
               ? cmd_store_fail (ctx)
               : 0;
}

int
cmd_erase_complete (cmd_ctx_t *ctx, const char *id)
{
    return erasure_complete (ctx->batch->parts.erasure, ctx->tx, id)
               ? cmd_store_fail (ctx)
               : 0;
}

//  --------------------------------------------------------------------------
//  Running commands

static void
s_pack_ok (cmd_ctx_t *ctx, msgpack_sbuffer *out)
{
    const batch_parts_t *parts = &ctx->batch->parts;
    const char *rid = request_rid (ctx->request);
    //  A built-in row answered outside the batch has no stream position.
    bool position = !(ctx->command->flags & CMD_DIRECT);
    msgpack_sbuffer_clear (out);
    msgpack_packer pk;
    msgpack_packer_init (&pk, out, msgpack_sbuffer_write);
    //  ok (and rid) first, so a person reading the reply sees them first.
    msgpack_pack_map (&pk, ctx->reply.count + 1 + (position ? 1 : 0) + (*rid ? 1 : 0));
    pk_kv_bool (&pk, "ok", true);
    if (*rid)
        pk_kv_str (&pk, "rid", rid);
    if (ctx->reply.buf.size)
        msgpack_sbuffer_write (out, ctx->reply.buf.data, ctx->reply.buf.size);
    if (!position)
        return;
    pk_str (&pk, "position");
    msgpack_pack_map (&pk, 3);
    pk_kv_str (&pk, "service", parts->def->service);
    pk_kv_str (&pk, "instance", parts->instance);
    pk_kv_uint (&pk, "seq", ctx->last_seq ? ctx->last_seq : evlog_head (ctx->tx));
}

static int
s_run_handler (store_tx_t *tx, void *arg)
{
    cmd_ctx_t *ctx = (cmd_ctx_t *) arg;
    ctx->tx = tx;
    if (ctx->command->handler (ctx) != 0)
        return -1;
    s_pack_ok (ctx, request_reply (ctx->request));
    if (!(ctx->command->flags & CMD_QUERY) && ctx->rid
        && rids_remember (tx, ctx->request, ctx->rid))
        return cmd_store_fail (ctx);
    return store_failed (tx) ? cmd_store_fail (ctx) : 0;
}

static void
s_ctx_init (cmd_ctx_t *ctx, batch_t *self, request_t *request, const rid_key_t *rid)
{
    memset (ctx, 0, sizeof *ctx);
    ctx->batch = self;
    ctx->request = request;
    ctx->command = request_command (request);
    ctx->rid = rid;
    kv_init (&ctx->reply);
    msgpack_sbuffer_init (&ctx->event);
}

static void
s_ctx_done (cmd_ctx_t *ctx)
{
    kv_destroy (&ctx->reply);
    msgpack_sbuffer_destroy (&ctx->event);
}

static void
s_run_one (batch_t *self, run_t *run, store_tx_t *tx, request_t *request)
{
    request_clear_events (request);
    if (request_failed (request))
        return;
    rid_key_t rid;
    bool has_rid = *request_rid (request);
    if (has_rid) {
        rids_key (request, self->parts.def->index, self->parts.def->subject, &rid);
        if (rids_recall (tx, request, &rid))
            return;
    }
    cmd_ctx_t ctx;
    s_ctx_init (&ctx, self, request, has_rid ? &rid : NULL);
    if (store_step (tx, &run->steps, s_run_handler, &ctx) != 0 && !store_failed (tx)
        && !run->steps.redo) {
        //  When the store failed (a full map) or the batch runs again
        //  nested, this command is not marked failed here.
        if (ctx.err.code == ERR_NONE)
            oerr_set (&ctx.err, ERR_INTERNAL, NULL, "store failure");
        request_clear_events (request);
        request_fail (request, &ctx.err);
    }
    s_ctx_done (&ctx);
}

static int
s_run_batch (store_tx_t *tx, void *arg)
{
    run_t *run = (run_t *) arg;
    for (size_t i = 0; i < run->count && !store_failed (tx) && !run->steps.redo; i++)
        s_run_one (run->batch, run, tx, run->requests[i]);
    if (run->steps.redo)
        return -1;
    if (!store_failed (tx))
        run->head = evlog_head (tx);
    return 0;
}

static void
s_count (batch_t *self, request_t *request)
{
    //  Only the service's own names: odd ones from the network make no series.
    const command_t *row = request_command (request);
    telemetry_command (
        self->parts.telemetry, row ? row->name : "unknown",
        request_failed (request) ? err_code_name (request_error (request)->code) : "ok",
        zclock_mono () - request_arrived (request));
}

//  What follows a request's answer: the trail's entry now, its count and
//  its refusal logged once the trail is written.
static void
s_finish (batch_t *self, request_t **request_p)
{
    s_count (self, *request_p);
    request_log_refusal (*request_p, &self->refusals, self->parts.instance);
    request_destroy (request_p);
}

void
batch_execute (batch_t *self, request_t **requests, size_t count)
{
    const batch_parts_t *parts = &self->parts;
    run_t run = {self, requests, count, self->head, {false, false}};
    oerr_t err = {ERR_NONE, "", "", false};
    int rc =
        count ? store_write_steps (parts->store, s_run_batch, &run, &run.steps, &err) : 0;
    //  s_run_batch refuses only to run again nested, which store_write_steps
    //  does: an error here is the store's. The head moves only once
    //  committed: a commit can still fail (disk full).
    if (rc == 0)
        self->head = run.head;
    else {
        zsys_error ("event=store.error instance=%s message=\"%s\"", parts->instance,
                    err.message);
        for (size_t i = 0; i < count; i++) {
            request_clear_events (requests[i]);
            request_fail (requests[i], &err);
        }
    }
    //  Every reply first: the last of a batch need not wait for the others'
    //  hints and bookkeeping (a hint a moment later costs nobody anything),
    //  nor for the audit trail's commit. That commit does not wait for the
    //  disk either way, and it is done before the loop reads another
    //  message, so whoever asks for the trail next sees these entries.
    for (size_t i = 0; i < count; i++)
        request_send (requests[i], parts->router);
    for (size_t i = 0; i < count; i++)
        guard_record (parts->guard, requests[i]);
    //  The trail's rewrites of what this commit erased, after its entries
    //  are written (they may name the erased id too).
    if (rc == 0)
        erasure_drain (parts->erasure);
    guard_flush (parts->guard);
    telemetry_batch (parts->telemetry, count, rc == 0);
    for (size_t i = 0; i < count; i++) {
        request_publish (requests[i], parts->pub);
        s_finish (self, &requests[i]);
    }
}

static int
s_run_direct (store_tx_t *tx, void *arg)
{
    cmd_ctx_t *ctx = (cmd_ctx_t *) arg;
    ctx->tx = tx;
    if (ctx->command->handler (ctx) != 0)
        return -1;
    s_pack_ok (ctx, request_reply (ctx->request));
    return 0;
}

void
batch_direct (batch_t *self, request_t *request)
{
    if (!request_failed (request)) {
        cmd_ctx_t ctx;
        s_ctx_init (&ctx, self, request, NULL);
        if (store_read (self->parts.store, s_run_direct, &ctx, &ctx.err) != 0) {
            if (ctx.err.code == ERR_NONE)
                oerr_set (&ctx.err, ERR_INTERNAL, NULL, "store failure");
            request_fail (request, &ctx.err);
        }
        s_ctx_done (&ctx);
    }
    request_send (request, self->parts.router);
    guard_record (self->parts.guard, request);
    s_finish (self, &request);
}
