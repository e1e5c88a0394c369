/*  service_run - running a batch of commands in one transaction (group
    commit), with rid dedup, and the context handlers work through.  */
#include "service_internal.h"

#include "evlog.h"
#include "scrub.h"

#define RID_KEY_MAX (2 * CODEC_ID_MAX + 1)

//  Where a command's rid reply is kept (s_rid_key).
typedef struct {
    const char *table;
    bool beside; //  in the index table, beside the record the command names
    uint8_t key[RID_KEY_MAX];
    size_t klen;
} rid_key_t;

struct _cmd_ctx_t {
    service_t *service;
    request_t *request;
    const command_t *command;
    const rid_key_t *rid; //  NULL when the command has no rid
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
    uint64_t head; //  the stream head if this transaction commits
    store_steps_t steps;
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
    evlog_meta_t meta = {.service = service->args.def->service,
                         .instance = service->args.entry.instance,
                         .type = type,
                         .office = cmd_office (ctx),
                         .date = date,
                         .subject = subject,
                         .index = service->args.def->index};
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

//  --------------------------------------------------------------------------
//  Running commands

const command_t *
service_command (service_t *self, const char *name)
{
    for (const command_t *c = self->args.def->commands; c->name; c++)
        if (strcmp (c->name, name) == 0)
            return c;
    return NULL;
}

bool
service_office_optional (const char *cmd, void *arg)
{
    service_t *self = (service_t *) arg;
    const command_t *command = service_command (self, cmd);
    return strcmp (cmd, "service.status") == 0 || strcmp (cmd, "audit.list") == 0
           || strcmp (cmd, "erase.check") == 0 || (command && command->any_office);
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

bool
service_record_key (const void *key, size_t klen)
{
    return !memchr (key, 0, klen) && !memchr (key, 1, klen);
}

//  id, a byte 0x01, rid: the key of a rid's reply beside id's record, or
//  with rid "" the prefix of all of them. id and rid are at most
//  CODEC_ID_MAX long. Returns the key's length.
static size_t
s_beside_key (uint8_t key[RID_KEY_MAX], const char *id, const char *rid)
{
    size_t ilen = strlen (id), rlen = strlen (rid);
    memcpy (key, id, ilen);
    key[ilen] = 1;
    memcpy (key + ilen + 1, rid, rlen);
    return ilen + 1 + rlen;
}

//  Beside the record the command names when the service keeps an index
//  table (service_def_t.subject), else in rids.
static void
s_rid_key (service_t *self, request_t *request, rid_key_t *out)
{
    const service_def_t *def = self->args.def;
    const char *rid = request_rid (request);
    char id[CODEC_ID_MAX + 1] = "";
    if (def->index && def->subject)
        map_str (request_body (request), def->subject, id, sizeof id);
    //  A valid id holds neither a NUL nor 0x01, so the key cannot be taken
    //  for a record or a subject index entry.
    out->beside = *id && codec_valid_id (id, strlen (id));
    if (out->beside) {
        out->table = def->index;
        out->klen = s_beside_key (out->key, id, rid);
    } else {
        out->table = "rids";
        out->klen = strlen (rid);
        memcpy (out->key, rid, out->klen);
    }
}

//  The stored answer to a rid: the command's name, a NUL, the reply.
static int
s_remember (cmd_ctx_t *ctx)
{
    const char *cmd = request_cmd (ctx->request);
    msgpack_sbuffer *reply = request_reply (ctx->request);
    size_t clen = strlen (cmd) + 1;
    uint8_t *value = (uint8_t *) malloc (clen + reply->size);
    if (!value)
        return -1;
    memcpy (value, cmd, clen);
    memcpy (value + clen, reply->data, reply->size);
    int rc = store_put (ctx->tx, ctx->rid->table, ctx->rid->key, ctx->rid->klen, value,
                        clen + reply->size);
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
    if (!ctx->command->query && ctx->rid && s_remember (ctx))
        return cmd_store_fail (ctx);
    return store_failed (tx) ? cmd_store_fail (ctx) : 0;
}

//  1 when the rid was answered before (the reply is set), 0 when new.
//  Replies kept before service_def_t.subject are in rids: looked up there
//  too.
static int
s_recall (store_tx_t *tx, request_t *request, const rid_key_t *key)
{
    const char *rid = request_rid (request);
    const void *val;
    size_t vlen;
    int rc = store_get (tx, key->table, key->key, key->klen, &val, &vlen);
    if (rc != 0 && key->beside)
        rc = store_get (tx, "rids", rid, strlen (rid), &val, &vlen);
    if (rc != 0)
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
s_run_one (service_t *self, batch_t *batch, store_tx_t *tx, request_t *request)
{
    request_clear_events (request);
    if (request_failed (request))
        return;
    rid_key_t rid;
    bool has_rid = *request_rid (request);
    if (has_rid) {
        s_rid_key (self, request, &rid);
        if (s_recall (tx, request, &rid))
            return;
    }
    cmd_ctx_t ctx = {.service = self,
                     .request = request,
                     .command = service_command (self, request_cmd (request)),
                     .rid = has_rid ? &rid : NULL,
                     .err = {ERR_NONE, "", "", false}};
    kv_init (&ctx.reply);
    msgpack_sbuffer_init (&ctx.event);
    if (store_step (tx, &batch->steps, s_run_handler, &ctx) != 0 && !store_failed (tx)
        && !batch->steps.redo) {
        //  When the store failed (a full map) or the batch runs again
        //  nested, this command is not marked failed here.
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
    for (size_t i = 0; i < batch->count && !store_failed (tx) && !batch->steps.redo; i++)
        s_run_one (batch->service, batch, tx, batch->requests[i]);
    if (batch->steps.redo)
        return -1;
    if (!store_failed (tx))
        batch->head = evlog_head (tx);
    return 0;
}

static void
s_count (service_t *self, request_t *request)
{
    const char *cmd = request_cmd (request);
    //  Only the service's own names: odd ones from the network make no series.
    telemetry_command (
        self->telemetry, service_command (self, cmd) ? cmd : "unknown",
        request_failed (request) ? err_code_name (request_error (request)->code) : "ok",
        zclock_mono () - request_arrived (request));
}

//  Applies a batch in one transaction, then publishes and replies.
void
service_execute (service_t *self, request_t **requests, size_t count)
{
    batch_t batch = {self, requests, count, self->head, {false, false}};
    oerr_t err = {ERR_NONE, "", "", false};
    int rc =
        count ? store_write_steps (self->store, s_run_batch, &batch, &batch.steps, &err)
              : 0;
    //  s_run_batch refuses only to run again nested, which store_write_steps
    //  does: an error here is the store's. The head moves only once
    //  committed: a commit can still fail (disk full).
    if (rc == 0)
        self->head = batch.head;
    else {
        zsys_error ("event=store.error instance=%s message=\"%s\"",
                    self->args.entry.instance, err.message);
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
        request_send (requests[i], self->router);
    for (size_t i = 0; i < count; i++)
        service_audit (self, requests[i]);
    service_audit_flush (self);
    telemetry_batch (self->telemetry, count, rc == 0);
    for (size_t i = 0; i < count; i++) {
        request_publish (requests[i], self->pub);
        s_count (self, requests[i]);
        request_log_refusal (requests[i], &self->refusals, self->args.entry.instance);
        request_destroy (&requests[i]);
    }
}

int
service_forget_rids (service_t *self, store_tx_t *tx, const char *id)
{
    const char *index = self->args.def->index;
    if (index && self->args.def->subject && strlen (id) <= CODEC_ID_MAX) {
        uint8_t prefix[RID_KEY_MAX];
        size_t plen = s_beside_key (prefix, id, "");
        if (store_del_prefix (tx, index, prefix, plen))
            return -1;
    }
    //  A reply kept in rids may name the candidate in its body alone.
    return scrub_delete (tx, "rids", id);
}

int
cmd_forget (cmd_ctx_t *ctx, const char *id, const char *token)
{
    if (service_forget_rids (ctx->service, ctx->tx, id))
        return -1;
    service_forget (ctx->service, id, token);
    return 0;
}
