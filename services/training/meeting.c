/*  meeting - the ten meetings of a started cohort with their attendance,
    the coaching subgroups, and finishing with certificates.  */
#include "handlers.h"
#include "records.h"

//  A cohort's current members, in id order.
typedef struct {
    char ids[TR_MEMBERS_MAX][TR_ID];
    tr_member_t members[TR_MEMBERS_MAX];
    int count;
} roster_t;

static int
s_gather (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    roster_t *r = (roster_t *) arg;
    if (r->count == TR_MEMBERS_MAX || tr_key_tail (key, klen, r->ids[r->count], TR_ID)
        || tr_member_unpack (&r->members[r->count], val, vlen))
        return -1;
    r->count++;
    return 0;
}

static int
s_roster (cmd_ctx_t *ctx, const char *cohort, roster_t *r)
{
    char prefix[TR_ID + 1];
    r->count = 0;
    if (store_scan (cmd_tx (ctx), tr_members, NULL, 0, prefix,
                    tr_key2 (prefix, cohort, ""), s_gather, r))
        return cmd_store_fail (ctx);
    return 0;
}

static int
s_find (const roster_t *r, const char *id)
{
    for (int i = 0; i < r->count; i++)
        if (streq (r->ids[i], id))
            return i;
    return -1;
}

//  The latest date the cohort has seen: its start, or its last meeting.
static const char *
s_last_date (const tr_cohort_t *k)
{
    const char *last = k->started;
    for (int i = 0; i < TR_MEETINGS; i++)
        if ((k->recorded & (1u << i)) && strcmp (k->dates[i], last) > 0)
            last = k->dates[i];
    return last;
}

//  A started cohort that has not finished, on a date not before its last.
static int
s_check_running (cmd_ctx_t *ctx, const tr_cohort_t *k, const char *date)
{
    if (k->status != COHORT_STARTED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "cohort", "cohort %s is %s", k->id,
                         k->status == COHORT_OPEN ? "not started" : "finished");
    if (strcmp (date, s_last_date (k)) < 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "date", "date %s is before %s", date,
                         s_last_date (k));
    return 0;
}

//  --------------------------------------------------------------------------
//  Recording a meeting

//  Meetings are recorded once and in their order; only members are present.
static int
s_check_meeting (cmd_ctx_t *ctx, const tr_cohort_t *k, int number, const roster_t *r,
                 bool present[TR_MEMBERS_MAX])
{
    if (k->recorded & (1u << (number - 1)))
        return cmd_fail (ctx, ERR_CONFLICT, "number",
                         "meeting %d of %s is already recorded", number, k->id);
    if (number > 1 && !(k->recorded & (1u << (number - 2))))
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "number",
                         "meeting %d of %s is not recorded yet", number - 1, k->id);
    const msgpack_object *list = obj_get (cmd_body (ctx), "present");
    memset (present, 0, sizeof (bool) * TR_MEMBERS_MAX);
    for (uint32_t i = 0; list && i < list->via.array.size; i++) {
        char id[TR_ID];
        obj_str (&list->via.array.ptr[i], id, sizeof id);
        int at = s_find (r, id);
        if (at < 0)
            return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "present",
                             "%s is not a member of cohort %s", id, k->id);
        present[at] = true;
    }
    return 0;
}

static int
s_emit_meeting (cmd_ctx_t *ctx, const tr_cohort_t *k, int number)
{
    const tr_meeting_t *m = &tr_meetings[number - 1];
    kv_t f;
    kv_init (&f);
    kv_str (&f, "cohort", k->id);
    kv_int (&f, "number", number);
    kv_str (&f, "kind", m->kind);
    kv_str (&f, "topic", m->code);
    kv_int (&f, "members", k->members_at[number - 1]);
    kv_int (&f, "present", k->present[number - 1]);
    int rc = cmd_emit (ctx, "meeting.recorded", k->dates[number - 1], NULL, &f);
    kv_destroy (&f);
    if (rc == 0) {
        kv_t *reply = cmd_reply (ctx);
        kv_str (reply, "cohort", k->id);
        kv_int (reply, "number", number);
        kv_str (reply, "kind", m->kind);
        kv_str (reply, "topic", m->topic);
        kv_int (reply, "members", k->members_at[number - 1]);
        kv_int (reply, "present", k->present[number - 1]);
    }
    return rc;
}

int
meeting_record (cmd_ctx_t *ctx)
{
    tr_cohort_t k;
    roster_t *r = (roster_t *) zmalloc (sizeof (roster_t));
    bool present[TR_MEMBERS_MAX];
    char id[TR_ID], date[11];
    int number = (int) map_int (cmd_body (ctx), "number", 0);
    tr_arg (ctx, "date", date, sizeof date);
    int rc = tr_load_cohort (ctx, "cohort", tr_arg (ctx, "cohort", id, sizeof id), &k);
    if (rc == 0)
        rc = s_check_running (ctx, &k, date);
    if (rc == 0)
        rc = s_roster (ctx, k.id, r);
    if (rc == 0)
        rc = s_check_meeting (ctx, &k, number, r, present);
    uint32_t bit = 1u << (number - 1);
    for (int i = 0; rc == 0 && i < r->count; i++) {
        if (!present[i])
            continue;
        r->members[i].attended |= bit;
        k.present[number - 1]++;
        if (tr_member_save (cmd_tx (ctx), k.id, r->ids[i], &r->members[i]))
            rc = cmd_store_fail (ctx);
    }
    free (r);
    if (rc)
        return -1;
    k.recorded |= bit;
    k.members_at[number - 1] = k.members;
    snprintf (k.dates[number - 1], 11, "%s", date);
    if (tr_cohort_save (cmd_tx (ctx), &k))
        return cmd_store_fail (ctx);
    return s_emit_meeting (ctx, &k, number);
}

//  --------------------------------------------------------------------------
//  Coaching subgroups: g = ceil(n / 4) groups and member i (in id order)
//  joins group i mod g, so sizes differ by at most one and, for n >= 2,
//  every group has 2-4 members.

int
cohort_subgroups (cmd_ctx_t *ctx)
{
    tr_cohort_t k;
    char id[TR_ID];
    if (tr_load_cohort (ctx, "cohort", tr_arg (ctx, "cohort", id, sizeof id), &k))
        return -1;
    roster_t *r = (roster_t *) zmalloc (sizeof (roster_t));
    int rc = s_roster (ctx, k.id, r);
    if (rc == 0 && r->count < 2)
        rc = cmd_fail (ctx, ERR_FAILED_PRECONDITION, "cohort",
                       "cohort %s has %d members; subgroups need at least 2", k.id,
                       r->count);
    if (rc == 0) {
        int groups = (r->count + 3) / 4;
        kv_t *reply = cmd_reply (ctx);
        kv_str (reply, "cohort", k.id);
        kv_int (reply, "members", r->count);
        msgpack_packer *pk = kv_key (reply, "groups");
        msgpack_pack_array (pk, groups);
        for (int g = 0; g < groups; g++) {
            msgpack_pack_array (pk, (r->count - g + groups - 1) / groups);
            for (int i = g; i < r->count; i += groups)
                pk_str (pk, r->ids[i]);
        }
    }
    free (r);
    return rc;
}

//  --------------------------------------------------------------------------
//  Finishing: a certificate for each member who meets the rule

typedef struct {
    store_tx_t *tx;
    bool found;
} smart_t;

static int
s_smart_goal (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    smart_t *s = (smart_t *) arg;
    char goal[TR_ID], kind;
    if (tr_link_parse (key, klen, &kind, goal, sizeof goal))
        return -1;
    const void *data;
    size_t size;
    tr_goal_t *g = (tr_goal_t *) zmalloc (sizeof (tr_goal_t));
    int rc = store_get (s->tx, tr_goals, goal, strlen (goal), &data, &size);
    if (rc == 0)
        rc = tr_goal_unpack (g, data, size);
    s->found = rc == 0 && tr_smart_all (g->smart);
    free (g);
    return rc < 0 ? -1 : s->found ? 1 : 0;
}

//  1 when the candidate has a goal with all four SMART checks, 0 when not.
static int
s_has_smart_goal (store_tx_t *tx, const char *candidate)
{
    char prefix[TR_KEY];
    smart_t s = {tx, false};
    if (store_scan (tx, tr_links, NULL, 0, prefix,
                    tr_link_key (prefix, candidate, LINK_GOAL, ""), s_smart_goal, &s))
        return -1;
    return s.found ? 1 : 0;
}

static int
s_certify (cmd_ctx_t *ctx, const tr_cohort_t *k, const char *candidate, int attended,
           const char *date)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "date", date);
    kv_int (&f, "attended", attended);
    char key[TR_KEY];
    int rc =
        tr_put (cmd_tx (ctx), tr_certificates, key, tr_key2 (key, k->id, candidate), &f);
    if (rc == 0)
        rc = tr_link (cmd_tx (ctx), candidate, LINK_CERTIFICATE, k->id);
    kv_reset (&f);
    kv_str (&f, "cohort", k->id);
    kv_str (&f, "candidate", candidate);
    kv_int (&f, "attended", attended);
    kv_int (&f, "meetings", tr_popcount (k->recorded));
    rc = rc ? cmd_store_fail (ctx)
            : cmd_emit (ctx, "certificate.issued", date, candidate, &f);
    kv_destroy (&f);
    return rc;
}

//  Decides for every member; certified and refused are the reply's lists.
static int
s_decide (cmd_ctx_t *ctx, tr_cohort_t *k, const roster_t *r, const char *date,
          tr_list_t *certified, tr_list_t *refused)
{
    const training_rules_t *rules = (const training_rules_t *) cmd_state (ctx);
    for (int i = 0; i < r->count; i++) {
        int attended = tr_popcount (r->members[i].attended);
        int smart = s_has_smart_goal (cmd_tx (ctx), r->ids[i]);
        if (smart < 0)
            return cmd_store_fail (ctx);
        bool ok = attended >= rules->min_meetings && (smart || !rules->require_smart);
        tr_list_t *list = ok ? certified : refused;
        msgpack_pack_map (&list->pk, 3);
        pk_kv_str (&list->pk, "candidate", r->ids[i]);
        pk_kv_int (&list->pk, "attended", attended);
        pk_kv_bool (&list->pk, "smart_goal", smart == 1);
        list->count++;
        if (ok && s_certify (ctx, k, r->ids[i], attended, date))
            return -1;
        k->certificates += ok ? 1 : 0;
    }
    return 0;
}

static int
s_finish (cmd_ctx_t *ctx, tr_cohort_t *k, const roster_t *r, const char *date)
{
    tr_list_t certified, refused;
    tr_list_init (&certified);
    tr_list_init (&refused);
    int rc = s_decide (ctx, k, r, date, &certified, &refused);
    k->status = COHORT_FINISHED;
    snprintf (k->finished, sizeof k->finished, "%s", date);
    if (rc == 0 && tr_cohort_save (cmd_tx (ctx), k))
        rc = cmd_store_fail (ctx);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "cohort", k->id);
    kv_int (&f, "members", r->count);
    kv_int (&f, "meetings", tr_popcount (k->recorded));
    kv_int (&f, "certificates", k->certificates);
    if (rc == 0)
        rc = cmd_emit (ctx, "cohort.finished", date, NULL, &f);
    kv_destroy (&f);
    const training_rules_t *rules = (const training_rules_t *) cmd_state (ctx);
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "cohort", k->id);
    kv_str (reply, "status", tr_cohort_statuses[k->status]);
    msgpack_packer *pk = kv_key (reply, "rule");
    msgpack_pack_map (pk, 2);
    pk_kv_int (pk, "min_meetings", rules->min_meetings);
    pk_kv_bool (pk, "require_smart", rules->require_smart);
    tr_list_finish (&certified, reply, "certified");
    tr_list_finish (&refused, reply, "not_certified");
    return rc;
}

int
cohort_finish (cmd_ctx_t *ctx)
{
    tr_cohort_t k;
    char id[TR_ID], date[11];
    tr_arg (ctx, "date", date, sizeof date);
    if (tr_load_cohort (ctx, "cohort", tr_arg (ctx, "cohort", id, sizeof id), &k)
        || s_check_running (ctx, &k, date))
        return -1;
    roster_t *r = (roster_t *) zmalloc (sizeof (roster_t));
    int rc = s_roster (ctx, k.id, r);
    if (rc == 0)
        rc = s_finish (ctx, &k, r, date);
    free (r);
    return rc;
}
