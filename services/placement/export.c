/*  export - everything placement holds about one candidate, for the access
    request (GDPR art. 15) and the candidate's page: the candidate as learnt
    from intake, and each of their placements with its agreements and
    dates, supervisor contacts, outcome and paid job. The names of the work
    supervisor and the buddy (people at the host) only with texts: the
    overview (texts false) says whether they are named.  */
#include "handlers.h"
#include "records.h"

typedef struct {
    store_tx_t *tx;
    bool texts;
    placement_t placement; //  scratch
    uint32_t count;
    msgpack_sbuffer items;
    msgpack_packer pk;
} export_t;

//  The values stored under key prefix in table, as an array under key.
typedef struct {
    uint32_t count;
    msgpack_sbuffer items;
    msgpack_packer pk;
} stored_t;

static int
s_stored_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    stored_t *s = (stored_t *) arg;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    if (!msg)
        return -1;
    msgpack_pack_object (&s->pk, *msg_root (msg));
    msg_destroy (&msg);
    s->count++;
    return 0;
}

static int
s_contacts (export_t *ex, const placement_t *p, kv_t *item)
{
    stored_t s = {0, {0, NULL, 0}, {NULL, NULL}};
    msgpack_sbuffer_init (&s.items);
    msgpack_packer_init (&s.pk, &s.items, msgpack_sbuffer_write);
    int rc = store_scan (ex->tx, pl_contacts, NULL, 0, p->id, strlen (p->id) + 1,
                         s_stored_each, &s);
    msgpack_pack_array (kv_key (item, "contact_list"), s.count);
    if (s.items.size)
        msgpack_sbuffer_write (&item->buf, s.items.data, s.items.size);
    msgpack_sbuffer_destroy (&s.items);
    return rc;
}

static int
s_paid_job (export_t *ex, const placement_t *p, kv_t *item)
{
    const void *val;
    size_t vlen;
    int rc = store_get (ex->tx, pl_paid_jobs, p->id, strlen (p->id), &val, &vlen);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    oerr_t err;
    msg_t *job = msg_decode (val, vlen, &err);
    if (!job)
        return -1;
    kv_obj (item, "paid_job", msg_root (job));
    msg_destroy (&job);
    return 0;
}

static void
s_describe (export_t *ex, const placement_t *p, kv_t *item)
{
    kv_str (item, "id", p->id);
    kv_str (item, "vacancy", p->vacancy);
    kv_str (item, "host", p->host);
    vacancy_t v;
    if (rec_get (ex->tx, &rec_vacancy, p->vacancy, &v) == 0)
        kv_str (item, "function", v.function);
    kv_int (item, "hours_per_week", p->hours);
    kv_str (item, "start", p->start);
    kv_str (item, "proposed", p->proposed);
    kv_str (item, "status", placement_statuses[p->status]);
    for (int i = 0; i < PL_AGREEMENTS; i++) {
        char key[40];
        snprintf (key, sizeof key, "signed_%s", placement_agreements[i]);
        kv_str (item, key, p->signed_on[i]);
    }
    kv_bool (item, "supervisor_named", rec_named (p->supervisor));
    kv_bool (item, "buddy_named", rec_named (p->buddy));
    if (ex->texts) {
        kv_str (item, "supervisor", p->supervisor);
        kv_str (item, "buddy", p->buddy);
    }
    kv_str (item, "started", p->started);
    kv_str (item, "planned_end", p->planned_end);
    kv_str (item, "ended", p->ended);
    if (p->outcome >= 0)
        kv_str (item, "outcome", placement_outcomes[p->outcome]);
    kv_uint (item, "contacts", p->contacts);
}

//  One placement of the candidate's index (candidate NUL placement).
static int
s_placement_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val, (void) vlen;
    export_t *ex = (export_t *) arg;
    const char *nul = (const char *) memchr (key, 0, klen);
    char id[PL_ID_SIZE];
    size_t len = nul ? klen - (size_t) (nul + 1 - (const char *) key) : 0;
    if (!len || len >= sizeof id)
        return -1;
    memcpy (id, nul + 1, len);
    id[len] = 0;
    placement_t *p = &ex->placement;
    if (rec_get (ex->tx, &rec_placement, id, p) != 0)
        return -1;
    kv_t item;
    kv_init (&item);
    s_describe (ex, p, &item);
    int rc = s_contacts (ex, p, &item) || s_paid_job (ex, p, &item) ? -1 : 0;
    if (rc == 0) {
        kv_pack_map (&item, &ex->pk, &ex->items, 0);
        ex->count++;
    }
    kv_destroy (&item);
    return rc;
}

static void
s_candidate (cmd_ctx_t *ctx, const known_t *k)
{
    msgpack_packer *pk = kv_key (cmd_reply (ctx), "candidate");
    msgpack_pack_map (pk, 4);
    pk_kv_str (pk, "id", k->id);
    pk_kv_str (pk, "office", k->office);
    pk_kv_str (pk, "status", intake_status_name (k->status));
    pk_str (pk, "wishes");
    msgpack_pack_map (pk, 2);
    pk_kv_str (pk, "function", k->function);
    pk_kv_str (pk, "sector", k->sector);
}

int
placement_export (cmd_ctx_t *ctx)
{
    known_t k;
    char id[PL_ID_SIZE];
    if (rec_load (ctx, &rec_known, map_str (cmd_body (ctx), "candidate", id, sizeof id),
                  "candidate", &k))
        return -1;
    export_t *ex = (export_t *) zmalloc (sizeof (export_t));
    ex->tx = cmd_tx (ctx);
    ex->texts = map_bool (cmd_body (ctx), "texts", true);
    msgpack_sbuffer_init (&ex->items);
    msgpack_packer_init (&ex->pk, &ex->items, msgpack_sbuffer_write);
    char prefix[PL_ID_SIZE + 1];
    size_t plen = strlen (k.id) + 1;
    memcpy (prefix, k.id, plen);
    int rc =
        store_scan (ex->tx, pl_by_candidate, NULL, 0, prefix, plen, s_placement_each, ex);
    if (rc == 0) {
        s_candidate (ctx, &k);
        kv_t *reply = cmd_reply (ctx);
        kv_bool (reply, "texts", ex->texts);
        msgpack_pack_array (kv_key (reply, "placements"), ex->count);
        if (ex->items.size)
            msgpack_sbuffer_write (&reply->buf, ex->items.data, ex->items.size);
    }
    msgpack_sbuffer_destroy (&ex->items);
    free (ex);
    if (rc == 0)
        return 0;
    return store_failed (cmd_tx (ctx))
               ? cmd_store_fail (ctx)
               : cmd_fail (ctx, ERR_INTERNAL, "candidate",
                           "a stored placement of candidate %s is unreadable", k.id);
}
