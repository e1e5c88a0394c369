/*  activity - what experience experts do, registered one way: kind,
    minutes, setting (own office, other office, external), optionally the
    candidate it was for. The per-expert listing shows the time split the
    sources could not see.  */
#include "handlers.h"
#include "records.h"

#define ACTIVITIES_SHOWN 500

static int
s_from_body (cmd_ctx_t *ctx, tr_activity_t *a)
{
    const msgpack_object *body = cmd_body (ctx);
    memset (a, 0, sizeof *a);
    if (!*tr_arg (ctx, "id", a->id, sizeof a->id))
        tr_new_id (a->id, "a");
    snprintf (a->office, sizeof a->office, "%s", cmd_office (ctx));
    tr_arg (ctx, "expert", a->expert, sizeof a->expert);
    a->kind = map_enum (body, "kind", tr_activity_kinds);
    a->minutes = (int) map_int (body, "minutes", 0);
    a->setting = map_enum (body, "setting", tr_settings);
    tr_arg (ctx, "candidate", a->candidate, sizeof a->candidate);
    tr_arg (ctx, "date", a->date, sizeof a->date);
    tr_expert_t e;
    tr_candidate_t c;
    if (tr_load_expert (ctx, "expert", a->expert, &e))
        return -1;
    return *a->candidate ? tr_load_candidate (ctx, "candidate", a->candidate, &c) : 0;
}

static bool
s_same (const tr_activity_t *x, const tr_activity_t *y)
{
    return streq (x->office, y->office) && streq (x->expert, y->expert)
           && x->kind == y->kind && x->minutes == y->minutes && x->setting == y->setting
           && streq (x->candidate, y->candidate) && streq (x->date, y->date);
}

static int
s_emit (cmd_ctx_t *ctx, const tr_activity_t *a)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "activity", a->id);
    kv_str (&f, "expert", a->expert);
    kv_str (&f, "kind", tr_activity_kinds[a->kind]);
    kv_int (&f, "minutes", a->minutes);
    kv_str (&f, "setting", tr_settings[a->setting]);
    if (*a->candidate)
        kv_str (&f, "candidate", a->candidate);
    int rc = cmd_emit (ctx, "expert.activity_logged", a->date,
                       *a->candidate ? a->candidate : NULL, &f);
    kv_destroy (&f);
    return rc;
}

static int
s_store (cmd_ctx_t *ctx, const tr_activity_t *a)
{
    store_tx_t *tx = cmd_tx (ctx);
    char key[TR_KEY];
    if (tr_activity_save (tx, a)
        || store_put (tx, tr_expert_activities, key, tr_key2 (key, a->expert, a->id), "",
                      0)
        || (*a->candidate && tr_link (tx, a->candidate, LINK_ACTIVITY, a->id)))
        return cmd_store_fail (ctx);
    return 0;
}

int
activity_log (cmd_ctx_t *ctx)
{
    tr_activity_t a, old;
    if (s_from_body (ctx, &a))
        return -1;
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), tr_activities, a.id, strlen (a.id), &val, &vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0 && (tr_activity_unpack (&old, val, vlen) != 0 || !s_same (&old, &a)))
        return cmd_fail (ctx, ERR_CONFLICT, "id", "activity %s exists with other details",
                         a.id);
    if (rc == 1 && (s_store (ctx, &a) || s_emit (ctx, &a)))
        return -1;
    kv_str (cmd_reply (ctx), "id", a.id);
    return 0;
}

//  --------------------------------------------------------------------------
//  Listing per expert, with minutes per setting

typedef struct {
    store_tx_t *tx;
    char from[11];
    char to[11];
    uint32_t count;
    int64_t minutes;
    int64_t by_setting[3];
    tr_list_t list;
} listing_t;

static void
s_pack_activity (msgpack_packer *pk, const tr_activity_t *a)
{
    msgpack_pack_map (pk, *a->candidate ? 6 : 5);
    pk_kv_str (pk, "id", a->id);
    pk_kv_str (pk, "kind", tr_activity_kinds[a->kind]);
    pk_kv_int (pk, "minutes", a->minutes);
    pk_kv_str (pk, "setting", tr_settings[a->setting]);
    pk_kv_str (pk, "date", a->date);
    if (*a->candidate)
        pk_kv_str (pk, "candidate", a->candidate);
}

static int
s_list_one (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    listing_t *l = (listing_t *) arg;
    char activity[TR_ID];
    if (tr_key_tail (key, klen, activity, sizeof activity))
        return -1;
    const void *data;
    size_t size;
    tr_activity_t a;
    if (store_get (l->tx, tr_activities, activity, strlen (activity), &data, &size) != 0
        || tr_activity_unpack (&a, data, size) != 0)
        return -1;
    if ((*l->from && strcmp (a.date, l->from) < 0)
        || (*l->to && strcmp (a.date, l->to) > 0))
        return 0;
    l->count++;
    l->minutes += a.minutes;
    l->by_setting[a.setting] += a.minutes;
    if (l->list.count < ACTIVITIES_SHOWN) {
        s_pack_activity (&l->list.pk, &a);
        l->list.count++;
    }
    return 0;
}

int
activity_list (cmd_ctx_t *ctx)
{
    tr_expert_t e;
    char id[TR_ID], prefix[TR_ID + 1];
    if (tr_load_expert (ctx, "expert", tr_arg (ctx, "expert", id, sizeof id), &e))
        return -1;
    listing_t *l = (listing_t *) zmalloc (sizeof (listing_t));
    l->tx = cmd_tx (ctx);
    tr_arg (ctx, "from", l->from, sizeof l->from);
    tr_arg (ctx, "to", l->to, sizeof l->to);
    tr_list_init (&l->list);
    int rc = store_scan (l->tx, tr_expert_activities, NULL, 0, prefix,
                         tr_key2 (prefix, e.id, ""), s_list_one, l);
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "expert", e.id);
    kv_uint (reply, "count", l->count);
    kv_int (reply, "minutes", l->minutes);
    msgpack_packer *pk = kv_key (reply, "minutes_by_setting");
    msgpack_pack_map (pk, 3);
    for (int i = 0; i < 3; i++)
        pk_kv_int (pk, tr_settings[i], l->by_setting[i]);
    kv_bool (reply, "truncated", l->count > l->list.count);
    tr_list_finish (&l->list, reply, "activities");
    free (l);
    return rc ? cmd_store_fail (ctx) : 0;
}
