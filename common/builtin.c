/*  builtin - the rows every service's dispatch table has besides its own.  */
#include "builtin.h"

#include "batch.h"
#include "scrub.h"
#include "service_internal.h"

#define FIELD(n, t, req, lo, hi)                                                         \
    {                                                                                    \
        n, t, req, lo, hi, 0, NULL, NULL                                                 \
    }
static const field_t s_status_fields[] = {FIELD (NULL, 0, false, 0, 0)};
static const field_t s_audit_fields[] = {
    FIELD ("caller", F_TEXT, false, 0, 0), FIELD ("record", F_ID, false, 0, 0),
    FIELD ("from", F_DATE, false, 0, 0),   FIELD ("to", F_DATE, false, 0, 0),
    FIELD ("max", F_INT, false, 1, 1000),  FIELD (NULL, 0, false, 0, 0)};
static const field_t s_erase_fields[] = {FIELD ("candidate", F_ID, true, 0, 0),
                                         FIELD (NULL, 0, false, 0, 0)};

static int
s_status (cmd_ctx_t *ctx)
{
    service_t *self = (service_t *) cmd_runtime (ctx);
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "service", self->args.def->service);
    kv_str (reply, "instance", self->args.entry.instance);
    kv_str (reply, "offices", self->args.entry.offices);
    kv_uint (reply, "head", batch_head (self->batch));
    kv_uint (reply, "uptime_s", (uint64_t) (zclock_mono () - self->started) / 1000);
    kv_uint (reply, "waiting", zlist_size (self->parked));
    msgpack_packer *pk = kv_key (reply, "consumers");
    msgpack_pack_array (pk, self->consumer_count);
    for (size_t i = 0; i < self->consumer_count; i++) {
        consumer_t *c = self->consumers[i];
        uint64_t position = consumer_position (c), head = consumer_head (c);
        msgpack_pack_map (pk, 5);
        pk_kv_str (pk, "service", consumer_service (c));
        pk_kv_str (pk, "instance", consumer_instance (c));
        pk_kv_uint (pk, "position", position);
        pk_kv_uint (pk, "head", head);
        pk_kv_uint (pk, "lag", head > position ? head - position : 0);
    }
    return 0;
}

static int
s_audit_list (cmd_ctx_t *ctx)
{
    service_t *self = (service_t *) cmd_runtime (ctx);
    const msgpack_object *body = cmd_body (ctx);
    char caller[CODEC_TEXT_MAX + 1] = "", record[CODEC_ID_MAX + 1] = "";
    char from[11] = "", to[11] = "";
    map_str (body, "caller", caller, sizeof caller);
    map_str (body, "record", record, sizeof record);
    map_str (body, "from", from, sizeof from);
    map_str (body, "to", to, sizeof to);
    audit_filter_t filter = {cmd_office (ctx),
                             caller,
                             record,
                             from,
                             to,
                             (uint32_t) map_int (body, "max", 1000)};
    audit_t *audit = guard_audit (self->guard);
    oerr_t err;
    //  The trail first takes what the requests before this one did.
    if (audit_flush (audit, &err) || audit_query (audit, &filter, cmd_reply (ctx), &err))
        return cmd_fail (ctx, err.code, NULL, "%s", err.message);
    return 0;
}

static int
s_erase_check (cmd_ctx_t *ctx)
{
    service_t *self = (service_t *) cmd_runtime (ctx);
    char id[CODEC_ID_MAX + 1];
    map_str (cmd_body (ctx), "candidate", id, sizeof id);
    size_t counts[SERVICE_MAX_TABLES] = {0}, in_audit = 0;
    for (size_t i = 0; self->tables[i]; i++)
        if (scrub_count (cmd_tx (ctx), self->tables[i], id, &counts[i]))
            return cmd_store_fail (ctx);
    oerr_t err;
    if (audit_count (guard_audit (self->guard), id, &in_audit, &err))
        return cmd_fail (ctx, err.code, NULL, "%s", err.message);
    size_t total = in_audit, tables = in_audit ? 1 : 0;
    for (size_t i = 0; self->tables[i]; i++) {
        total += counts[i];
        tables += counts[i] ? 1 : 0;
    }
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "service", self->args.def->service);
    kv_str (reply, "instance", self->args.entry.instance);
    kv_uint (reply, "holds", total);
    msgpack_packer *pk = kv_key (reply, "tables");
    msgpack_pack_map (pk, (uint32_t) tables);
    for (size_t i = 0; self->tables[i]; i++)
        if (counts[i])
            pk_kv_uint (pk, self->tables[i]->name, counts[i]);
    if (in_audit)
        pk_kv_uint (pk, "audit", in_audit);
    return 0;
}

#define S_BUILTIN (CMD_QUERY | CMD_DIRECT | CMD_ANY_OFFICE)

const command_t builtin_rows[] = {
    {"service.status", s_status_fields, s_status,
     S_BUILTIN | CMD_UNAUDITED | CMD_INSTANCE, R_ANYONE},
    {"audit.list", s_audit_fields, s_audit_list, S_BUILTIN, R_OPERATOR},
    {"erase.check", s_erase_fields, s_erase_check, S_BUILTIN | CMD_NO_RECORD,
     R_COORDINATOR | R_OPERATOR | R_SERVICE},
    {NULL, NULL, NULL, 0, 0}};
