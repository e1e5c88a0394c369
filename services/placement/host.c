/*  host - hosts (werkervaringsplaatsgevers) with their nine requirements,
    and the vacancies they open.  */
#include "handlers.h"
#include "records.h"

//  --------------------------------------------------------------------------
//  Hosts

static bool
s_meets_all (const host_t *h)
{
    for (int i = 0; i < PL_REQUIREMENTS; i++)
        if (!h->requirements[i])
            return false;
    return true;
}

static void
s_read_requirements (host_t *h, const msgpack_object *body)
{
    const msgpack_object *req = obj_get (body, "requirements");
    for (int i = 0; i < PL_REQUIREMENTS; i++)
        h->requirements[i] = map_bool (req, host_requirements[i], false);
}

static void
s_host_reply (cmd_ctx_t *ctx, const host_t *h)
{
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", h->id);
    kv_bool (reply, "meets_requirements", s_meets_all (h));
    rec_pack_flags (reply, "unmet", h->requirements, false, host_requirements,
                    PL_REQUIREMENTS);
}

//  The host on the stream: codes and booleans, never its name.
static int
s_emit_host (cmd_ctx_t *ctx, const char *type, const host_t *h)
{
    char date[11];
    kv_t f;
    kv_init (&f);
    kv_str (&f, "host", h->id);
    kv_str (&f, "sector", h->sector);
    kv_bool (&f, "client_org", h->client_org);
    msgpack_packer *pk = kv_key (&f, "requirements");
    msgpack_pack_map (pk, PL_REQUIREMENTS);
    for (int i = 0; i < PL_REQUIREMENTS; i++)
        pk_kv_bool (pk, host_requirements[i], h->requirements[i]);
    kv_bool (&f, "meets_requirements", s_meets_all (h));
    int rc = cmd_emit (ctx, type, rec_date (ctx, date), NULL, &f);
    kv_destroy (&f);
    return rc;
}

int
host_register (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    host_t h;
    memset (&h, 0, sizeof h);
    map_str (body, "name", h.name, sizeof h.name);
    if (!rec_named (h.name))
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "name", "name must not be blank");
    rec_new_id (ctx, "h", h.id);
    int created = rec_created (ctx, &rec_host, h.id);
    if (created < 0)
        return -1;
    if (created == 1) {
        if (rec_load (ctx, &rec_host, h.id, "id", &h))
            return -1;
        s_host_reply (ctx, &h);
        return 0;
    }
    snprintf (h.office, sizeof h.office, "%s", cmd_office (ctx));
    map_str (body, "sector", h.sector, sizeof h.sector);
    h.client_org = map_bool (body, "client_org", false);
    s_read_requirements (&h, body);
    if (rec_save (ctx, &rec_host, &h) || rec_remember (ctx, &rec_host, h.id)
        || s_emit_host (ctx, "host.registered", &h))
        return -1;
    s_host_reply (ctx, &h);
    return 0;
}

//  A host that arranges a missing requirement (insurance, a buddy) says so
//  here; the same requirements again change nothing.
int
host_update (cmd_ctx_t *ctx)
{
    host_t h;
    char id[PL_ID_SIZE];
    if (rec_load (ctx, &rec_host, map_str (cmd_body (ctx), "id", id, sizeof id), "id",
                  &h))
        return -1;
    host_t before = h;
    s_read_requirements (&h, cmd_body (ctx));
    if (memcmp (before.requirements, h.requirements, sizeof h.requirements) != 0
        && (rec_save (ctx, &rec_host, &h) || s_emit_host (ctx, "host.updated", &h)))
        return -1;
    s_host_reply (ctx, &h);
    return 0;
}

//  --------------------------------------------------------------------------
//  Vacancies

static void
s_vacancy_reply (cmd_ctx_t *ctx, const vacancy_t *v)
{
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", v->id);
    kv_str (reply, "host", v->host);
    kv_str (reply, "function", v->function);
    kv_int (reply, "hours_min", v->hours_min);
    kv_int (reply, "hours_max", v->hours_max);
}

static int
s_emit_vacancy (cmd_ctx_t *ctx, const vacancy_t *v)
{
    char date[11];
    kv_t f;
    kv_init (&f);
    kv_str (&f, "vacancy", v->id);
    kv_str (&f, "host", v->host);
    kv_str (&f, "function", v->function);
    kv_str (&f, "sector", v->sector);
    kv_int (&f, "hours_min", v->hours_min);
    kv_int (&f, "hours_max", v->hours_max);
    int rc = cmd_emit (ctx, "vacancy.opened", rec_date (ctx, date), NULL, &f);
    kv_destroy (&f);
    return rc;
}

int
vacancy_open (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    vacancy_t v;
    memset (&v, 0, sizeof v);
    v.hours_min = (int) map_int (body, "hours_min", 0);
    v.hours_max = (int) map_int (body, "hours_max", 0);
    if (v.hours_min > v.hours_max)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "hours_max",
                         "hours_max %d is below hours_min %d", v.hours_max, v.hours_min);
    rec_new_id (ctx, "v", v.id);
    int created = rec_created (ctx, &rec_vacancy, v.id);
    if (created != 0) {
        if (created < 0 || rec_load (ctx, &rec_vacancy, v.id, "id", &v))
            return -1;
        s_vacancy_reply (ctx, &v);
        return 0;
    }
    host_t h;
    if (rec_load (ctx, &rec_host, map_str (body, "host", v.host, sizeof v.host), "host",
                  &h))
        return -1;
    snprintf (v.office, sizeof v.office, "%s", cmd_office (ctx));
    snprintf (v.sector, sizeof v.sector, "%s", h.sector);
    map_str (body, "function", v.function, sizeof v.function);
    if (rec_save (ctx, &rec_vacancy, &v) || rec_remember (ctx, &rec_vacancy, v.id)
        || s_emit_vacancy (ctx, &v))
        return -1;
    s_vacancy_reply (ctx, &v);
    return 0;
}
