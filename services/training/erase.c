/*  erase - training's part of a candidate's erasure (erasure.h): every
    per-candidate record goes, found through the links table. Anonymous
    counts stay (a cohort's attendance per meeting, its certificates, an
    activity's minutes), so reports do not change.  */
#include "handlers.h"
#include "records.h"

typedef struct {
    char kind;
    char ref[TR_ID];
} link_t;

static int
s_gather (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    link_t link;
    if (tr_link_parse (key, klen, &link.kind, link.ref, sizeof link.ref))
        return -1;
    link_t *copy = (link_t *) malloc (sizeof link);
    if (!copy)
        return -1;
    *copy = link;
    zlistx_add_end ((zlistx_t *) arg, copy);
    return 0;
}

//  An expert's caseload loses the candidate.
static int
s_unassign (store_tx_t *tx, const char *expert, const char *candidate)
{
    char key[TR_KEY];
    const void *val;
    size_t vlen;
    tr_expert_t e;
    if (store_del (tx, tr_assignments, key, tr_key2 (key, expert, candidate))
        || store_get (tx, tr_experts, expert, strlen (expert), &val, &vlen) != 0
        || tr_expert_unpack (&e, val, vlen))
        return -1;
    e.load -= e.load > 0 ? 1 : 0;
    return tr_expert_save (tx, &e);
}

//  A cohort's membership loses the candidate; its counts stay.
static int
s_unenroll (store_tx_t *tx, const char *cohort, const char *candidate)
{
    char key[TR_KEY];
    const void *val;
    size_t vlen;
    tr_cohort_t k;
    if (store_del (tx, tr_members, key, tr_key2 (key, cohort, candidate))
        || store_get (tx, tr_cohorts, cohort, strlen (cohort), &val, &vlen) != 0
        || tr_cohort_unpack (&k, val, vlen))
        return -1;
    k.members -= k.members > 0 ? 1 : 0;
    return tr_cohort_save (tx, &k);
}

static int
s_forget_goal (store_tx_t *tx, const char *goal)
{
    char prefix[TR_ID + 1];
    size_t plen = tr_key2 (prefix, goal, "");
    return store_del (tx, tr_goals, goal, strlen (goal))
                   || store_del_prefix (tx, tr_goal_history, prefix, plen)
                   || store_del_prefix (tx, tr_reflections, prefix, plen)
               ? -1
               : 0;
}

//  The activity stays, counted, but no longer says for whom.
static int
s_unlink_activity (store_tx_t *tx, const char *activity)
{
    const void *val;
    size_t vlen;
    tr_activity_t a;
    if (store_get (tx, tr_activities, activity, strlen (activity), &val, &vlen) != 0
        || tr_activity_unpack (&a, val, vlen) != 0)
        return -1;
    a.candidate[0] = 0;
    return tr_activity_save (tx, &a);
}

static int
s_forget_link (store_tx_t *tx, const char *candidate, const link_t *link)
{
    char key[TR_KEY];
    switch (link->kind) {
    case LINK_ASSIGNMENT:
        return s_unassign (tx, link->ref, candidate);
    case LINK_MEMBER:
        return s_unenroll (tx, link->ref, candidate);
    case LINK_CERTIFICATE:
        return store_del (tx, tr_certificates, key, tr_key2 (key, link->ref, candidate));
    case LINK_GOAL:
        return s_forget_goal (tx, link->ref);
    case LINK_ACTIVITY:
        return s_unlink_activity (tx, link->ref);
    default:
        return -1;
    }
}

//  Every record kept under one name of the candidate.
static int
s_forget (store_tx_t *tx, const char *id)
{
    if (!*id)
        return 0;
    char prefix[TR_ID + 1];
    size_t plen = tr_key2 (prefix, id, "");
    zlistx_t *links = zlistx_new ();
    int rc = store_scan (tx, tr_links, NULL, 0, prefix, plen, s_gather, links);
    for (link_t *link = (link_t *) zlistx_first (links); link;
         link = (link_t *) zlistx_next (links)) {
        if (rc == 0)
            rc = s_forget_link (tx, id, link);
        free (link);
    }
    zlistx_destroy (&links);
    if (rc || store_del_prefix (tx, tr_links, prefix, plen)
        || store_del (tx, tr_candidates, id, strlen (id)))
        return -1;
    return 0;
}

int
training_erase (store_tx_t *tx, const char *id, const char *token, void *state)
{
    (void) state;
    return s_forget (tx, id) || s_forget (tx, token) ? -1 : 0;
}
