/*  goal - learning goals in DSTARR form (goal, situation, task, action,
    result, reflection) with the four SMART checks, revised after coaching
    feedback with every earlier version kept, and reflection reports per
    goal signed by candidate and supervisor. The texts stay in this store:
    events carry ids, the checks and the signatures only.  */
#include "handlers.h"
#include "records.h"

//  "goal\0" and a big-endian number: versions and reports in order.
static size_t
s_numbered_key (char *out, const char *goal, uint64_t number)
{
    size_t len = tr_key2 (out, goal, "");
    store_u64_key (number, (uint8_t *) out + len);
    return len + 8;
}

static void
s_smart_from (const msgpack_object *smart, bool out[4])
{
    for (int i = 0; i < 4; i++)
        out[i] = map_bool (smart, tr_smart_checks[i], out[i]);
}

//  One version of a goal: its texts, checks, revision number and date.
static void
s_describe (kv_t *kv, const tr_goal_t *g)
{
    for (int i = 0; i < TR_TEXTS; i++)
        kv_str (kv, tr_goal_texts[i], g->texts[i]);
    tr_pack_smart (kv_key (kv, "smart"), g->smart);
    kv_bool (kv, "smart_all", tr_smart_all (g->smart));
    kv_uint (kv, "revision", g->revision);
    kv_str (kv, "date", g->date);
}

static int
s_emit (cmd_ctx_t *ctx, const char *type, const tr_goal_t *g, const kv_t *extra)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "goal", g->id);
    kv_str (&f, "candidate", g->candidate);
    if (*g->cohort)
        kv_str (&f, "cohort", g->cohort);
    tr_pack_smart (kv_key (&f, "smart"), g->smart);
    kv_bool (&f, "smart_all", tr_smart_all (g->smart));
    kv_uint (&f, "revision", g->revision);
    if (extra)
        kv_merge (&f, extra);
    int rc = cmd_emit (ctx, type, *g->date ? g->date : NULL, g->candidate, &f);
    kv_destroy (&f);
    if (rc == 0) {
        kv_str (cmd_reply (ctx), "id", g->id);
        kv_uint (cmd_reply (ctx), "revision", g->revision);
        kv_bool (cmd_reply (ctx), "smart_all", tr_smart_all (g->smart));
    }
    return rc;
}

//  --------------------------------------------------------------------------
//  Setting a goal

static int
s_from_body (cmd_ctx_t *ctx, tr_goal_t *g)
{
    if (!*tr_arg (ctx, "id", g->id, sizeof g->id))
        tr_new_id (g->id, "g");
    snprintf (g->office, sizeof g->office, "%s", cmd_office (ctx));
    tr_arg (ctx, "candidate", g->candidate, sizeof g->candidate);
    tr_arg (ctx, "cohort", g->cohort, sizeof g->cohort);
    for (int i = 0; i < TR_TEXTS; i++)
        tr_arg (ctx, tr_goal_texts[i], g->texts[i], sizeof g->texts[i]);
    s_smart_from (obj_get (cmd_body (ctx), "smart"), g->smart);
    tr_arg (ctx, "date", g->date, sizeof g->date);
    if (!*g->texts[0])
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "goal", "the goal itself is empty");
    tr_candidate_t c;
    tr_cohort_t k;
    if (tr_load_candidate (ctx, "candidate", g->candidate, &c)
        || (*g->cohort && tr_load_cohort (ctx, "cohort", g->cohort, &k)))
        return -1;
    char key[TR_KEY];
    int rc = *g->cohort ? store_get (cmd_tx (ctx), tr_members, key,
                                     tr_key2 (key, g->cohort, g->candidate), NULL, NULL)
                        : 0;
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 1)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "cohort",
                         "%s is not a member of cohort %s", g->candidate, g->cohort);
    return 0;
}

static bool
s_same (const tr_goal_t *a, const tr_goal_t *b)
{
    bool same = streq (a->office, b->office) && streq (a->candidate, b->candidate)
                && streq (a->cohort, b->cohort) && streq (a->date, b->date)
                && memcmp (a->smart, b->smart, sizeof a->smart) == 0;
    for (int i = 0; same && i < TR_TEXTS; i++)
        same = streq (a->texts[i], b->texts[i]);
    return same;
}

//  The goal as first set (revision 0) into first; -1 on failure.
static int
s_original (store_tx_t *tx, const tr_goal_t *current, tr_goal_t *first)
{
    if (current->revision == 0) {
        memcpy (first, current, sizeof *first);
        return 0;
    }
    char key[TR_KEY];
    const void *val;
    size_t vlen;
    if (store_get (tx, tr_goal_history, key, s_numbered_key (key, current->id, 0), &val,
                   &vlen)
        != 0)
        return -1;
    return tr_goal_unpack (first, val, vlen);
}

//  Same id again: the same goal answers as before, another is a conflict.
static int
s_set_again (cmd_ctx_t *ctx, const tr_goal_t *g, const void *val, size_t vlen)
{
    tr_goal_t *current = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    tr_goal_t *first = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    bool same = tr_goal_unpack (current, val, vlen) == 0
                && s_original (cmd_tx (ctx), current, first) == 0 && s_same (first, g);
    if (same) {
        //  The answer of the first time, whatever revisions came since.
        kv_str (cmd_reply (ctx), "id", first->id);
        kv_uint (cmd_reply (ctx), "revision", 0);
        kv_bool (cmd_reply (ctx), "smart_all", tr_smart_all (first->smart));
    }
    free (current);
    free (first);
    return same ? 0
                : cmd_fail (ctx, ERR_CONFLICT, "id", "goal %s exists with other content",
                            g->id);
}

int
goal_set (cmd_ctx_t *ctx)
{
    tr_goal_t *g = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    int rc = s_from_body (ctx, g);
    const void *val;
    size_t vlen;
    int found =
        rc ? 1 : store_get (cmd_tx (ctx), tr_goals, g->id, strlen (g->id), &val, &vlen);
    if (found < 0)
        rc = cmd_store_fail (ctx);
    else if (rc == 0 && found == 0)
        rc = s_set_again (ctx, g, val, vlen);
    else if (rc == 0) {
        store_tx_t *tx = cmd_tx (ctx);
        if (tr_goal_save (tx, tr_goals, g->id, strlen (g->id), g)
            || tr_link (tx, g->candidate, LINK_GOAL, g->id))
            rc = cmd_store_fail (ctx);
        else
            rc = s_emit (ctx, "goal.set", g, NULL);
    }
    free (g);
    return rc;
}

//  --------------------------------------------------------------------------
//  Revising: the version being replaced goes to the history

//  Applies the body to next; the names of the parts that changed go to
//  changed. Returns how many changed.
static int
s_apply_revision (cmd_ctx_t *ctx, const tr_goal_t *current, tr_goal_t *next,
                  msgpack_packer *changed)
{
    const char *names[TR_TEXTS + 4];
    int count = 0;
    memcpy (next, current, sizeof *next);
    for (int i = 0; i < TR_TEXTS; i++) {
        tr_arg (ctx, tr_goal_texts[i], next->texts[i], sizeof next->texts[i]);
        if (!map_has (cmd_body (ctx), tr_goal_texts[i]))
            snprintf (next->texts[i], sizeof next->texts[i], "%s", current->texts[i]);
        if (!streq (next->texts[i], current->texts[i]))
            names[count++] = tr_goal_texts[i];
    }
    s_smart_from (obj_get (cmd_body (ctx), "smart"), next->smart);
    for (int i = 0; i < 4; i++)
        if (next->smart[i] != current->smart[i])
            names[count++] = tr_smart_checks[i];
    msgpack_pack_array (changed, count);
    for (int i = 0; i < count; i++)
        pk_str (changed, names[i]);
    tr_arg (ctx, "date", next->date, sizeof next->date);
    next->revision = current->revision + 1;
    return count;
}

static int
s_revise (cmd_ctx_t *ctx, const tr_goal_t *current, tr_goal_t *next)
{
    kv_t extra;
    kv_init (&extra);
    int changes = s_apply_revision (ctx, current, next, kv_key (&extra, "changed"));
    int rc = 0;
    char key[TR_KEY];
    store_tx_t *tx = cmd_tx (ctx);
    if (changes == 0)
        rc = cmd_fail (ctx, ERR_INVALID_ARGUMENT, "id", "the revision changes nothing");
    else if (!*next->texts[0])
        rc = cmd_fail (ctx, ERR_INVALID_ARGUMENT, "goal", "the goal itself is empty");
    else if (tr_goal_save (tx, tr_goal_history, key,
                           s_numbered_key (key, current->id, current->revision), current)
             || tr_goal_save (tx, tr_goals, next->id, strlen (next->id), next))
        rc = cmd_store_fail (ctx);
    else
        rc = s_emit (ctx, "goal.revised", next, &extra);
    if (rc == 0)
        kv_merge (cmd_reply (ctx), &extra);
    kv_destroy (&extra);
    return rc;
}

int
goal_revise (cmd_ctx_t *ctx)
{
    tr_goal_t *current = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    tr_goal_t *next = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    char id[TR_ID];
    int rc = tr_load_goal (ctx, "id", tr_arg (ctx, "id", id, sizeof id), current);
    if (rc == 0)
        rc = s_revise (ctx, current, next);
    free (current);
    free (next);
    return rc;
}

//  --------------------------------------------------------------------------
//  Reflection reports

static int
s_store_reflection (cmd_ctx_t *ctx, const tr_goal_t *g, const char *date,
                    bool by_candidate, bool by_supervisor)
{
    kv_t rec;
    kv_init (&rec);
    kv_uint (&rec, "number", g->reflections);
    kv_str (&rec, "date", date);
    for (int i = 0; i < TR_REFL_TEXTS; i++)
        kv_obj (&rec, tr_reflection_texts[i],
                obj_get (cmd_body (ctx), tr_reflection_texts[i]));
    kv_bool (&rec, "signed_candidate", by_candidate);
    kv_bool (&rec, "signed_supervisor", by_supervisor);
    char key[TR_KEY];
    int rc = tr_put (cmd_tx (ctx), tr_reflections, key,
                     s_numbered_key (key, g->id, g->reflections), &rec);
    kv_destroy (&rec);
    return rc;
}

static int
s_emit_reflection (cmd_ctx_t *ctx, const tr_goal_t *g, const char *date,
                   bool by_candidate, bool by_supervisor)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "goal", g->id);
    kv_str (&f, "candidate", g->candidate);
    kv_uint (&f, "number", g->reflections);
    kv_bool (&f, "signed_candidate", by_candidate);
    kv_bool (&f, "signed_supervisor", by_supervisor);
    int rc = cmd_emit (ctx, "reflection.recorded", date, g->candidate, &f);
    kv_destroy (&f);
    if (rc == 0) {
        kv_str (cmd_reply (ctx), "goal", g->id);
        kv_uint (cmd_reply (ctx), "number", g->reflections);
        kv_bool (cmd_reply (ctx), "signed_both", by_candidate && by_supervisor);
    }
    return rc;
}

int
reflection_record (cmd_ctx_t *ctx)
{
    tr_goal_t *g = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    char id[TR_ID], date[11];
    const msgpack_object *body = cmd_body (ctx);
    bool by_candidate = map_bool (body, "signed_candidate", false);
    bool by_supervisor = map_bool (body, "signed_supervisor", false);
    tr_arg (ctx, "date", date, sizeof date);
    int rc = tr_load_goal (ctx, "goal", tr_arg (ctx, "goal", id, sizeof id), g);
    if (rc == 0) {
        g->reflections++;
        if (s_store_reflection (ctx, g, date, by_candidate, by_supervisor)
            || tr_goal_save (cmd_tx (ctx), tr_goals, g->id, strlen (g->id), g))
            rc = cmd_store_fail (ctx);
        else
            rc = s_emit_reflection (ctx, g, date, by_candidate, by_supervisor);
    }
    free (g);
    return rc;
}

//  --------------------------------------------------------------------------
//  Query

typedef struct {
    tr_goal_t *version;
    tr_list_t list;
} listing_t;

//  An earlier version of the goal, described like the current one.
static int
s_pack_version (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    listing_t *l = (listing_t *) arg;
    if (tr_goal_unpack (l->version, val, vlen) != 0)
        return -1;
    kv_t item;
    kv_init (&item);
    s_describe (&item, l->version);
    kv_pack_map (&item, &l->list.pk, &l->list.items, 0);
    kv_destroy (&item);
    l->list.count++;
    return 0;
}

//  A reflection report is stored in the form it is shown in.
static int
s_pack_reflection (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    listing_t *l = (listing_t *) arg;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    if (!msg)
        return -1;
    msgpack_pack_object (&l->list.pk, *msg_root (msg));
    msg_destroy (&msg);
    l->list.count++;
    return 0;
}

static int
s_list (cmd_ctx_t *ctx, const store_table_t *table, const char *goal, store_each_fn *pack,
        const char *key)
{
    listing_t l;
    l.version = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    tr_list_init (&l.list);
    char prefix[TR_ID + 1];
    int rc = store_scan (cmd_tx (ctx), table, NULL, 0, prefix, tr_key2 (prefix, goal, ""),
                         pack, &l);
    tr_list_finish (&l.list, cmd_reply (ctx), key);
    free (l.version);
    return rc ? cmd_store_fail (ctx) : 0;
}

int
goal_get (cmd_ctx_t *ctx)
{
    tr_goal_t *g = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    char id[TR_ID];
    int rc = tr_load_goal (ctx, "id", tr_arg (ctx, "id", id, sizeof id), g);
    if (rc == 0) {
        kv_t *reply = cmd_reply (ctx);
        kv_str (reply, "id", g->id);
        kv_str (reply, "candidate", g->candidate);
        if (*g->cohort)
            kv_str (reply, "cohort", g->cohort);
        s_describe (reply, g);
        kv_uint (reply, "reflection_count", g->reflections);
        rc = s_list (ctx, tr_goal_history, g->id, s_pack_version, "history");
        if (rc == 0)
            rc = s_list (ctx, tr_reflections, g->id, s_pack_reflection, "reflections");
    }
    free (g);
    return rc;
}
