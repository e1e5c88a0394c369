/*  time - how experience experts spend their time in a period: minutes by
    setting (own office, other office, external: the split the sources
    could not see) and by kind, beside each expert's fte. Figures only, no
    candidate: a manager may read it.  */
#include "handlers.h"
#include "records.h"

#include "page.h"

#define KINDS    8
#define SETTINGS 3

typedef struct {
    store_tx_t *tx;
    const char *office;
    char from[11], to[11];
    page_t page;
    tr_expert_t expert; //  scratch
    //  The expert being summed.
    uint32_t activities;
    int64_t minutes;
    int64_t by_setting[SETTINGS];
    int64_t by_kind[KINDS];
} period_t;

static int
s_add_activity (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val, (void) vlen;
    period_t *t = (period_t *) arg;
    char id[TR_ID];
    const void *data;
    size_t size;
    tr_activity_t a;
    if (tr_key_tail (key, klen, id, sizeof id)
        || store_get (t->tx, tr_activities, id, strlen (id), &data, &size) != 0
        || tr_activity_unpack (&a, data, size))
        return -1;
    if (strcmp (a.date, t->from) < 0 || strcmp (a.date, t->to) > 0)
        return 0;
    t->activities++;
    t->minutes += a.minutes;
    t->by_setting[a.setting] += a.minutes;
    t->by_kind[a.kind] += a.minutes;
    return 0;
}

static void
s_pack_counts (msgpack_packer *pk, const char *key, const char *const *names,
               const int64_t *counts, int count)
{
    pk_str (pk, key);
    msgpack_pack_map (pk, (size_t) count);
    for (int i = 0; i < count; i++)
        pk_kv_int (pk, names[i], counts[i]);
}

//  Sums the expert's activities in the period and packs them as one item.
static int
s_pack_expert (period_t *t, const tr_expert_t *e, msgpack_packer *pk)
{
    t->activities = 0;
    t->minutes = 0;
    memset (t->by_setting, 0, sizeof t->by_setting);
    memset (t->by_kind, 0, sizeof t->by_kind);
    char prefix[TR_ID + 1];
    if (store_scan (t->tx, tr_expert_activities, NULL, 0, prefix,
                    tr_key2 (prefix, e->id, ""), s_add_activity, t))
        return -1;
    msgpack_pack_map (pk, 7);
    pk_kv_str (pk, "expert", e->id);
    pk_kv_bool (pk, "paid", e->paid);
    pk_kv_num (pk, "fte", e->fte);
    pk_kv_uint (pk, "activities", t->activities);
    pk_kv_int (pk, "minutes", t->minutes);
    s_pack_counts (pk, "by_setting", tr_settings, t->by_setting, SETTINGS);
    s_pack_counts (pk, "by_kind", tr_activity_kinds, t->by_kind, KINDS);
    return 0;
}

static int
s_expert_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    period_t *t = (period_t *) arg;
    tr_expert_t *e = &t->expert;
    if (tr_expert_unpack (e, val, vlen))
        return -1;
    if (page_before (&t->page, e->id) || !streq (e->office, t->office))
        return 0;
    if (page_full (&t->page))
        return 1;
    return s_pack_expert (t, e, page_add (&t->page, e->id));
}

//  One expert named: a page of one.
static int
s_one (cmd_ctx_t *ctx, period_t *t, const char *id)
{
    if (tr_load_expert (ctx, "expert", id, &t->expert))
        return -1;
    return s_pack_expert (t, &t->expert, page_add (&t->page, t->expert.id))
               ? cmd_store_fail (ctx)
               : 0;
}

int
expert_time (cmd_ctx_t *ctx)
{
    char expert[TR_ID];
    period_t *t = (period_t *) zmalloc (sizeof (period_t));
    t->tx = cmd_tx (ctx);
    t->office = cmd_office (ctx);
    tr_arg (ctx, "from", t->from, sizeof t->from);
    tr_arg (ctx, "to", t->to, sizeof t->to);
    tr_arg (ctx, "expert", expert, sizeof expert);
    page_init (&t->page, cmd_body (ctx));
    int rc = 0;
    if (strcmp (t->to, t->from) < 0)
        rc = cmd_fail (ctx, ERR_INVALID_ARGUMENT, "to", "to %s is before from %s", t->to,
                       t->from);
    else if (*expert)
        rc = s_one (ctx, t, expert);
    else {
        size_t flen;
        const char *from = page_from (&t->page, &flen);
        if (store_scan (t->tx, tr_experts, from, flen, NULL, 0, s_expert_each, t))
            rc = cmd_store_fail (ctx);
    }
    if (rc == 0) {
        kv_str (cmd_reply (ctx), "from", t->from);
        kv_str (cmd_reply (ctx), "to", t->to);
        page_finish (&t->page, cmd_reply (ctx), "experts");
    }
    page_destroy (&t->page);
    free (t);
    return rc;
}
