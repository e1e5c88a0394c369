/*  export - everything training holds about one candidate, for the access
    request (GDPR art. 15) and the candidate's page: the candidate as learnt
    from intake, their assignments, memberships with attendance per meeting,
    certificates, goals with every version and reflection, the activities
    that name them and the hosts placement said they were proposed at. The
    links table (records.h) names every one of those records. With texts
    false the free texts (a goal's DSTARR parts, a reflection's parts) are
    left out: the overview.  */
#include "handlers.h"
#include "records.h"

typedef struct {
    store_tx_t *tx;
    const char *candidate;
    bool texts;
    tr_list_t list;  //  the section being built
    tr_goal_t *goal; //  scratch, big
    tr_cohort_t cohort;
} export_t;

//  Fills item for the record ref of a link: 0, or -1 when the store failed
//  or a record is unreadable.
typedef int (item_fn) (export_t *ex, const char *ref, kv_t *item);

//  The stored map at table[key] decoded; NULL when absent or unreadable.
static msg_t *
s_fetch (export_t *ex, const store_table_t *table, const void *key, size_t klen)
{
    const void *val;
    size_t vlen;
    oerr_t err;
    if (store_get (ex->tx, table, key, klen, &val, &vlen) != 0)
        return NULL;
    return msg_decode (val, vlen, &err);
}

//  --------------------------------------------------------------------------
//  One function per kind of link

static int
s_assignment (export_t *ex, const char *expert, kv_t *item)
{
    char key[TR_KEY];
    msg_t *msg = s_fetch (ex, tr_assignments, key, tr_key2 (key, expert, ex->candidate));
    if (!msg)
        return -1;
    kv_str (item, "expert", expert);
    kv_obj (item, "date", obj_get (msg_root (msg), "date"));
    msg_destroy (&msg);
    return 0;
}

static void
s_pack_attendance (msgpack_packer *pk, const tr_cohort_t *k, uint32_t attended)
{
    msgpack_pack_array (pk, (size_t) tr_popcount (k->recorded));
    for (int i = 0; i < TR_MEETINGS; i++) {
        if (!(k->recorded & (1u << i)))
            continue;
        msgpack_pack_map (pk, 4);
        pk_kv_int (pk, "number", i + 1);
        pk_kv_str (pk, "kind", tr_meetings[i].kind);
        pk_kv_str (pk, "date", k->dates[i]);
        pk_kv_bool (pk, "present", (attended >> i) & 1);
    }
}

static int
s_membership (export_t *ex, const char *cohort, kv_t *item)
{
    char key[TR_KEY];
    const void *val;
    size_t vlen;
    tr_member_t m;
    tr_cohort_t *k = &ex->cohort;
    if (store_get (ex->tx, tr_members, key, tr_key2 (key, cohort, ex->candidate), &val,
                   &vlen)
            != 0
        || tr_member_unpack (&m, val, vlen)
        || store_get (ex->tx, tr_cohorts, cohort, strlen (cohort), &val, &vlen) != 0
        || tr_cohort_unpack (k, val, vlen))
        return -1;
    kv_str (item, "cohort", k->id);
    kv_str (item, "trainer_kind", tr_trainer_kinds[k->trainer_kind]);
    kv_str (item, "trainer", k->trainer);
    kv_str (item, "start", k->start);
    kv_str (item, "status", tr_cohort_statuses[k->status]);
    if (*m.date)
        kv_str (item, "enrolled", m.date);
    kv_int (item, "attended", tr_popcount (m.attended));
    s_pack_attendance (kv_key (item, "attendance"), k, m.attended);
    return 0;
}

static int
s_certificate (export_t *ex, const char *cohort, kv_t *item)
{
    char key[TR_KEY];
    msg_t *msg = s_fetch (ex, tr_certificates, key, tr_key2 (key, cohort, ex->candidate));
    if (!msg)
        return -1;
    kv_str (item, "cohort", cohort);
    kv_obj (item, "date", obj_get (msg_root (msg), "date"));
    kv_obj (item, "attended", obj_get (msg_root (msg), "attended"));
    msg_destroy (&msg);
    return 0;
}

static int
s_activity (export_t *ex, const char *id, kv_t *item)
{
    const void *val;
    size_t vlen;
    tr_activity_t a;
    if (store_get (ex->tx, tr_activities, id, strlen (id), &val, &vlen) != 0
        || tr_activity_unpack (&a, val, vlen))
        return -1;
    kv_str (item, "id", a.id);
    kv_str (item, "expert", a.expert);
    kv_str (item, "kind", tr_activity_kinds[a.kind]);
    kv_int (item, "minutes", a.minutes);
    kv_str (item, "setting", tr_settings[a.setting]);
    kv_str (item, "date", a.date);
    return 0;
}

//  --------------------------------------------------------------------------
//  Goals: the current version, every earlier one, every reflection report

static void
s_describe_version (export_t *ex, const tr_goal_t *g, kv_t *kv)
{
    kv_uint (kv, "revision", g->revision);
    if (*g->date)
        kv_str (kv, "date", g->date);
    for (int i = 0; ex->texts && i < TR_TEXTS; i++)
        kv_str (kv, tr_goal_texts[i], g->texts[i]);
    tr_pack_smart (kv_key (kv, "smart"), g->smart);
    kv_bool (kv, "smart_all", tr_smart_all (g->smart));
}

typedef struct {
    export_t *ex;
    tr_goal_t version;
    tr_list_t list;
} versions_t;

static int
s_version_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    versions_t *v = (versions_t *) arg;
    if (tr_goal_unpack (&v->version, val, vlen))
        return -1;
    kv_t kv;
    kv_init (&kv);
    s_describe_version (v->ex, &v->version, &kv);
    kv_pack_map (&kv, &v->list.pk, &v->list.items, 0);
    kv_destroy (&kv);
    v->list.count++;
    return 0;
}

//  A report as stored, its texts left out when they are not wanted.
static int
s_reflection_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    versions_t *v = (versions_t *) arg;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    if (!msg)
        return -1;
    const msgpack_object_map *map = &msg_root (msg)->via.map;
    uint32_t kept = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            msgpack_pack_map (&v->list.pk, kept);
        for (uint32_t i = 0; i < map->size; i++) {
            if (!v->ex->texts && obj_is_one_of (&map->ptr[i].key, tr_reflection_texts))
                continue;
            if (pass == 0)
                kept++;
            else {
                msgpack_pack_object (&v->list.pk, map->ptr[i].key);
                msgpack_pack_object (&v->list.pk, map->ptr[i].val);
            }
        }
    }
    msg_destroy (&msg);
    v->list.count++;
    return 0;
}

static int
s_goal_list (export_t *ex, const store_table_t *table, const char *goal,
             store_each_fn *each, kv_t *item, const char *key)
{
    versions_t *v = (versions_t *) zmalloc (sizeof (versions_t));
    v->ex = ex;
    tr_list_init (&v->list);
    char prefix[TR_ID + 1];
    int rc =
        store_scan (ex->tx, table, NULL, 0, prefix, tr_key2 (prefix, goal, ""), each, v);
    tr_list_finish (&v->list, item, key);
    free (v);
    return rc;
}

static int
s_goal (export_t *ex, const char *id, kv_t *item)
{
    const void *val;
    size_t vlen;
    tr_goal_t *g = ex->goal;
    if (store_get (ex->tx, tr_goals, id, strlen (id), &val, &vlen) != 0
        || tr_goal_unpack (g, val, vlen))
        return -1;
    kv_str (item, "id", g->id);
    if (*g->cohort)
        kv_str (item, "cohort", g->cohort);
    s_describe_version (ex, g, item);
    return s_goal_list (ex, tr_goal_history, g->id, s_version_each, item, "history")
                   || s_goal_list (ex, tr_reflections, g->id, s_reflection_each, item,
                                   "reflections")
               ? -1
               : 0;
}

//  --------------------------------------------------------------------------
//  Sections

typedef struct {
    export_t *ex;
    item_fn *fn;
} section_t;

static int
s_link_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val, (void) vlen;
    section_t *s = (section_t *) arg;
    char kind, ref[TR_ID];
    if (tr_link_parse (key, klen, &kind, ref, sizeof ref))
        return -1;
    kv_t item;
    kv_init (&item);
    int rc = s->fn (s->ex, ref, &item);
    if (rc == 0) {
        kv_pack_map (&item, &s->ex->list.pk, &s->ex->list.items, 0);
        s->ex->list.count++;
    }
    kv_destroy (&item);
    return rc;
}

//  The records of one kind of link, under key in the reply.
static int
s_section (cmd_ctx_t *ctx, export_t *ex, char kind, item_fn *fn, const char *key)
{
    char prefix[TR_KEY];
    section_t s = {ex, fn};
    tr_list_init (&ex->list);
    int rc = store_scan (ex->tx, tr_links, NULL, 0, prefix,
                         tr_link_key (prefix, ex->candidate, kind, ""), s_link_each, &s);
    tr_list_finish (&ex->list, cmd_reply (ctx), key);
    return rc;
}

static int
s_placed_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val, (void) vlen;
    export_t *ex = (export_t *) arg;
    char host[TR_ID];
    if (tr_key_tail (key, klen, host, sizeof host))
        return -1;
    pk_str (&ex->list.pk, host);
    ex->list.count++;
    return 0;
}

static int
s_placed (cmd_ctx_t *ctx, export_t *ex)
{
    char prefix[TR_ID + 1];
    tr_list_init (&ex->list);
    int rc = store_scan (ex->tx, tr_placed, NULL, 0, prefix,
                         tr_key2 (prefix, ex->candidate, ""), s_placed_each, ex);
    tr_list_finish (&ex->list, cmd_reply (ctx), "placed_at");
    return rc;
}

int
training_export (cmd_ctx_t *ctx)
{
    tr_candidate_t c;
    char id[TR_ID];
    if (tr_load_candidate (ctx, "candidate", tr_arg (ctx, "candidate", id, sizeof id),
                           &c))
        return -1;
    export_t *ex = (export_t *) zmalloc (sizeof (export_t));
    ex->tx = cmd_tx (ctx);
    ex->candidate = c.id;
    ex->texts = map_bool (cmd_body (ctx), "texts", true);
    ex->goal = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    kv_t *reply = cmd_reply (ctx);
    msgpack_packer *pk = kv_key (reply, "candidate");
    msgpack_pack_map (pk, 4);
    pk_kv_str (pk, "id", c.id);
    pk_kv_str (pk, "office", c.office);
    pk_kv_str (pk, "status", intake_status_name (c.status));
    pk_kv_uint (pk, "intake_events", c.events);
    kv_bool (reply, "texts", ex->texts);
    int rc = s_section (ctx, ex, LINK_ASSIGNMENT, s_assignment, "assignments")
             || s_section (ctx, ex, LINK_MEMBER, s_membership, "memberships")
             || s_section (ctx, ex, LINK_CERTIFICATE, s_certificate, "certificates")
             || s_section (ctx, ex, LINK_GOAL, s_goal, "goals")
             || s_section (ctx, ex, LINK_ACTIVITY, s_activity, "activities")
             || s_placed (ctx, ex);
    free (ex->goal);
    free (ex);
    //  A link without its record is a damaged store, not a missing candidate.
    return rc ? (store_failed (cmd_tx (ctx))
                     ? cmd_store_fail (ctx)
                     : cmd_fail (ctx, ERR_INTERNAL, "candidate",
                                 "a stored record of candidate %s is unreadable", c.id))
              : 0;
}
