/*  follow - what training learns from the intake stream: which candidates
    exist, at which office, and whether they are admitted; and erasure,
    which removes every per-candidate record here. Anonymous counts stay
    (a cohort's attendance per meeting, its certificates, an activity's
    minutes), and training's own events about the candidate are rewritten
    under the token intake chose, so streams and reports still agree.  */
#include "handlers.h"
#include "records.h"

#include "evlog.h"

//  The status an intake event leaves the candidate in; -1: unchanged.
static int
s_status_after (const char *type, int status)
{
    static const struct {
        const char *type;
        int status;
    } moves[] = {{"candidate.registered", 0},
                 {"candidate.admitted", CANDIDATE_ADMITTED},
                 {"candidate.deferred", 3},
                 {"candidate.declined", 4},
                 {"candidate.withdrawn", 5}};
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (streq (type, moves[i].type))
            return moves[i].status;
    //  A deferred candidate who attends an info session stays deferred.
    if (streq (type, "candidate.info_session_attended") && status == 0)
        return 1;
    return -1;
}

static int
s_learn (store_tx_t *tx, const char *type, const char *id, const char *office)
{
    tr_candidate_t c;
    const void *val;
    size_t vlen;
    int rc = store_get (tx, "candidates", id, strlen (id), &val, &vlen);
    if (rc < 0 || (rc == 0 && tr_candidate_unpack (&c, val, vlen) != 0))
        return -1;
    if (rc == 1) {
        memset (&c, 0, sizeof c);
        snprintf (c.id, sizeof c.id, "%s", id);
        snprintf (c.office, sizeof c.office, "%s", office);
    }
    int status = s_status_after (type, c.status);
    if (status >= 0)
        c.status = status;
    c.events++;
    return tr_candidate_save (tx, &c);
}

//  --------------------------------------------------------------------------
//  Erasure

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

//  An expert's caseload or a cohort's membership loses the candidate.
static int
s_shrink (store_tx_t *tx, const char *table, const char *ref, const char *candidate)
{
    char key[TR_KEY];
    const void *val;
    size_t vlen;
    size_t klen = tr_key2 (key, ref, candidate);
    const char *pairs = streq (table, "experts") ? "assignments" : "members";
    if (store_del (tx, pairs, key, klen)
        || store_get (tx, table, ref, strlen (ref), &val, &vlen) != 0)
        return -1;
    if (streq (table, "experts")) {
        tr_expert_t e;
        if (tr_expert_unpack (&e, val, vlen))
            return -1;
        e.load -= e.load > 0 ? 1 : 0;
        return tr_expert_save (tx, &e);
    }
    tr_cohort_t k;
    if (tr_cohort_unpack (&k, val, vlen))
        return -1;
    k.members -= k.members > 0 ? 1 : 0;
    return tr_cohort_save (tx, &k);
}

static int
s_forget_goal (store_tx_t *tx, const char *goal)
{
    char prefix[TR_ID + 1];
    size_t plen = tr_key2 (prefix, goal, "");
    return store_del (tx, "goals", goal, strlen (goal))
                   || store_del_prefix (tx, "goal_history", prefix, plen)
                   || store_del_prefix (tx, "reflections", prefix, plen)
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
    if (store_get (tx, "activities", activity, strlen (activity), &val, &vlen) != 0
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
        return s_shrink (tx, "experts", link->ref, candidate);
    case LINK_MEMBER:
        return s_shrink (tx, "cohorts", link->ref, candidate);
    case LINK_CERTIFICATE:
        return store_del (tx, "certificates", key, tr_key2 (key, link->ref, candidate));
    case LINK_GOAL:
        return s_forget_goal (tx, link->ref);
    case LINK_ACTIVITY:
        return s_unlink_activity (tx, link->ref);
    default:
        return -1;
    }
}

static int
s_erase (store_tx_t *tx, const char *id, const char *token)
{
    char prefix[TR_ID + 1];
    size_t plen = tr_key2 (prefix, id, "");
    zlistx_t *links = zlistx_new ();
    int rc = store_scan (tx, "links", NULL, 0, prefix, plen, s_gather, links);
    for (link_t *link = (link_t *) zlistx_first (links); link;
         link = (link_t *) zlistx_next (links)) {
        if (rc == 0)
            rc = s_forget_link (tx, id, link);
        free (link);
    }
    zlistx_destroy (&links);
    if (rc || store_del_prefix (tx, "links", prefix, plen)
        || store_del (tx, "candidates", id, strlen (id)))
        return -1;
    return evlog_pseudonymise (tx, NULL, id, token, NULL);
}

//  --------------------------------------------------------------------------

int
follow_apply (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    char type[64], id[TR_ID], office[TR_ID], token[TR_ID];
    if (obj_str (obj_get (event, "type"), type, sizeof type)
        || obj_str (obj_get (event, "candidate"), id, sizeof id)
        || obj_str (obj_get (event, "office"), office, sizeof office) || !*id)
        return 0; //  not about one candidate: nothing to learn
    if (!streq (type, "candidate.erased"))
        return strncmp (type, "candidate.", 10) == 0 ? s_learn (tx, type, id, office) : 0;
    if (obj_str (obj_get (event, "token"), token, sizeof token) || !*token)
        return -1;
    //  When training met the candidate only after the erasure, through
    //  the rewritten events, it knows them by the token.
    if (s_erase (tx, id, token) || s_erase (tx, token, token))
        return -1;
    return 0;
}
