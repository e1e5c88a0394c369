/*  service_builtin - the queries every service answers besides its own:
    audit.list (the audit trail) and erase.check (whether a store still
    holds an erased candidate's id). service.status is in service.c.  */
#include "service_internal.h"

#include "schema.h"
#include "scrub.h"

static const char *const s_envelope[] = {"cmd", "rid", "office", "after", NULL};

#define FIELD(n, t, req, lo, hi)                                                         \
    {                                                                                    \
        n, t, req, lo, hi, 0, NULL, NULL                                                 \
    }
static const field_t s_audit_fields[] = {
    FIELD ("caller", F_TEXT, false, 0, 0), FIELD ("record", F_ID, false, 0, 0),
    FIELD ("from", F_DATE, false, 0, 0),   FIELD ("to", F_DATE, false, 0, 0),
    FIELD ("max", F_INT, false, 1, 1000),  FIELD (NULL, 0, false, 0, 0)};
static const field_t s_erase_fields[] = {FIELD ("candidate", F_ID, true, 0, 0),
                                         FIELD (NULL, 0, false, 0, 0)};

static int
s_audit_list (service_t *self, request_t *request, oerr_t *err)
{
    const msgpack_object *body = request_body (request);
    if (schema_check (body, s_audit_fields, s_envelope, err))
        return -1;
    char caller[CODEC_TEXT_MAX + 1] = "", record[CODEC_ID_MAX + 1] = "";
    char from[11] = "", to[11] = "";
    map_str (body, "caller", caller, sizeof caller);
    map_str (body, "record", record, sizeof record);
    map_str (body, "from", from, sizeof from);
    map_str (body, "to", to, sizeof to);
    audit_filter_t filter = {request_office (request),
                             caller,
                             record,
                             from,
                             to,
                             (uint32_t) map_int (body, "max", 1000)};
    //  The trail first takes what this batch of requests did.
    return audit_flush (self->audit, err)
               ? -1
               : audit_query (self->audit, &filter, request_reply (request), err);
}

typedef struct {
    service_t *self;
    const char *id;
    size_t counts[SERVICE_MAX_TABLES];
} check_t;

static int
s_check (store_tx_t *tx, void *arg)
{
    check_t *c = (check_t *) arg;
    for (size_t i = 0; c->self->tables[i]; i++)
        if (scrub_count (tx, c->self->tables[i], c->id, &c->counts[i]))
            return -1;
    return 0;
}

static int
s_erase_check (service_t *self, request_t *request, oerr_t *err)
{
    const msgpack_object *body = request_body (request);
    if (schema_check (body, s_erase_fields, s_envelope, err))
        return -1;
    char id[CODEC_ID_MAX + 1];
    map_str (body, "candidate", id, sizeof id);
    check_t c = {self, id, {0}};
    size_t in_audit = 0;
    if (store_read (self->store, s_check, &c, err)
        || audit_count (self->audit, id, &in_audit, err))
        return -1;
    size_t total = in_audit, tables = in_audit ? 1 : 0;
    for (size_t i = 0; self->tables[i]; i++) {
        total += c.counts[i];
        tables += c.counts[i] ? 1 : 0;
    }
    msgpack_packer pk;
    msgpack_packer_init (&pk, request_reply (request), msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 5);
    pk_kv_bool (&pk, "ok", true);
    pk_kv_str (&pk, "service", self->args.def->service);
    pk_kv_str (&pk, "instance", self->args.entry.instance);
    pk_kv_uint (&pk, "holds", total);
    pk_str (&pk, "tables");
    msgpack_pack_map (&pk, tables);
    for (size_t i = 0; self->tables[i]; i++)
        if (c.counts[i])
            pk_kv_uint (&pk, self->tables[i], c.counts[i]);
    if (in_audit)
        pk_kv_uint (&pk, "audit", in_audit);
    return 0;
}

bool
service_builtin (service_t *self, request_t *request)
{
    const char *cmd = request_cmd (request);
    int (*query) (service_t *, request_t *, oerr_t *) =
        streq (cmd, "audit.list")    ? s_audit_list
        : streq (cmd, "erase.check") ? s_erase_check
                                     : NULL;
    if (request_failed (request) || !query)
        return false;
    oerr_t err;
    if (query (self, request, &err))
        request_fail (request, &err);
    service_audit (self, request);
    request_send (request, self->router);
    request_destroy (&request);
    return true;
}
