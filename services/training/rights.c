/*  rights - training's rule for records when a request is made as a
    person (service_def_t.may): an expert acts only for the candidates
    assigned to them and for their own expert record; a trainer only for
    their own cohorts and their members; a host's supervisor signs
    reflections only of candidates placed at their host. Coordinators act
    for every record of their offices. A record that does not exist is left
    to the handler (not_found).  */
#include "handlers.h"
#include "records.h"

//  The string field of the body, "" when absent.
static const char *
s_arg (cmd_ctx_t *ctx, const char *key, char out[TR_ID])
{
    out[0] = 0;
    return map_str (cmd_body (ctx), key, out, TR_ID);
}

static bool
s_assigned (store_tx_t *tx, const char *expert, const char *candidate)
{
    char key[TR_KEY];
    return *expert
           && store_get (tx, tr_assignments, key, tr_key2 (key, expert, candidate), NULL,
                         NULL)
                  == 0;
}

//  The cohort's trainer into trainer; false when there is no such cohort.
static bool
s_cohort (store_tx_t *tx, const char *cohort, tr_cohort_t *k)
{
    const void *val;
    size_t vlen;
    return store_get (tx, tr_cohorts, cohort, strlen (cohort), &val, &vlen) == 0
           && tr_cohort_unpack (k, val, vlen) == 0;
}

bool
training_trains (const person_t *p, const char *trainer)
{
    return (*p->trainer && streq (trainer, p->trainer))
           || (*p->expert && streq (trainer, p->expert));
}

static bool
s_trains (const person_t *p, const tr_cohort_t *k)
{
    return training_trains (p, k->trainer);
}

typedef struct {
    store_tx_t *tx;
    const person_t *person;
    bool found;
} member_t;

static int
s_member_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val, (void) vlen;
    member_t *m = (member_t *) arg;
    char kind, cohort[TR_ID];
    tr_cohort_t k;
    if (tr_link_parse (key, klen, &kind, cohort, sizeof cohort) == 0
        && kind == LINK_MEMBER && s_cohort (m->tx, cohort, &k)
        && s_trains (m->person, &k))
        m->found = true;
    return m->found ? 1 : 0;
}

//  Whether the candidate is a member of one of the person's cohorts.
static bool
s_trainee (store_tx_t *tx, const person_t *p, const char *candidate)
{
    char prefix[TR_KEY];
    size_t plen = tr_key2 (prefix, candidate, "");
    member_t m = {tx, p, false};
    store_scan (tx, tr_links, NULL, 0, prefix, plen, s_member_each, &m);
    return m.found;
}

static bool
s_placed_at (store_tx_t *tx, const char *candidate, const char *host)
{
    char key[TR_KEY];
    return *host
           && store_get (tx, tr_placed, key, tr_key2 (key, candidate, host), NULL, NULL)
                  == 0;
}

//  Whether the person may act for the candidate's records.
static bool
s_candidate (store_tx_t *tx, const person_t *p, const char *candidate)
{
    switch (p->caller.role) {
    case ROLE_COORDINATOR:
        return true;
    case ROLE_EXPERT:
        return s_assigned (tx, p->expert, candidate) || s_trainee (tx, p, candidate);
    case ROLE_TRAINER:
        return s_trainee (tx, p, candidate);
    case ROLE_HOST_SUPERVISOR:
        return s_placed_at (tx, candidate, p->host);
    default:
        return false;
    }
}

//  The candidate a goal is about; "" when there is no such goal.
static void
s_goal_candidate (store_tx_t *tx, const char *goal, char out[TR_ID])
{
    const void *val;
    size_t vlen;
    tr_goal_t *g = (tr_goal_t *) malloc (sizeof (tr_goal_t));
    out[0] = 0;
    if (g && store_get (tx, tr_goals, goal, strlen (goal), &val, &vlen) == 0
        && tr_goal_unpack (g, val, vlen) == 0)
        snprintf (out, TR_ID, "%s", g->candidate);
    free (g);
}

static int
s_refuse (cmd_ctx_t *ctx, const char *field, const char *what)
{
    return cmd_fail (ctx, ERR_FORBIDDEN, field, "%s is not yours to act for", what);
}

//  The person is the expert named in field.
static int
s_own_expert (cmd_ctx_t *ctx, const person_t *p, const char *field)
{
    char expert[TR_ID];
    s_arg (ctx, field, expert);
    return *p->expert && streq (expert, p->expert) ? 0
                                                   : s_refuse (ctx, field, "this expert");
}

static int
s_own_cohort (cmd_ctx_t *ctx, const person_t *p, const char *field)
{
    char cohort[TR_ID];
    tr_cohort_t k;
    s_arg (ctx, field, cohort);
    if (!s_cohort (cmd_tx (ctx), cohort, &k))
        return 0;
    return s_trains (p, &k) ? 0 : s_refuse (ctx, field, "this cohort");
}

static int
s_own_candidate (cmd_ctx_t *ctx, const person_t *p, const char *field, const char *id)
{
    return !*id || s_candidate (cmd_tx (ctx), p, id)
               ? 0
               : s_refuse (ctx, field, "this candidate");
}

static int
s_own_goal (cmd_ctx_t *ctx, const person_t *p, const char *field)
{
    char goal[TR_ID], candidate[TR_ID];
    s_goal_candidate (cmd_tx (ctx), s_arg (ctx, field, goal), candidate);
    return s_own_candidate (ctx, p, field, candidate);
}

//  --------------------------------------------------------------------------
//  The rows' rules (command.h): the person passed their role and office.

static bool
s_coordinator (cmd_ctx_t *ctx)
{
    return cmd_person (ctx)->caller.role == ROLE_COORDINATOR;
}

int
training_may_expert (cmd_ctx_t *ctx)
{
    return s_coordinator (ctx) ? 0 : s_own_expert (ctx, cmd_person (ctx), "id");
}

int
training_may_expert_of (cmd_ctx_t *ctx)
{
    return s_coordinator (ctx) ? 0 : s_own_expert (ctx, cmd_person (ctx), "expert");
}

//  Time per expert: a manager and a coordinator see every expert of the
//  office, an expert only their own (named).
int
training_may_time (cmd_ctx_t *ctx)
{
    role_t role = cmd_person (ctx)->caller.role;
    if (role == ROLE_COORDINATOR || role == ROLE_MANAGER)
        return 0;
    return s_own_expert (ctx, cmd_person (ctx), "expert");
}

int
training_may_activity (cmd_ctx_t *ctx)
{
    char candidate[TR_ID];
    if (s_coordinator (ctx))
        return 0;
    return s_own_expert (ctx, cmd_person (ctx), "expert")
               ? -1
               : s_own_candidate (ctx, cmd_person (ctx), "candidate",
                                  s_arg (ctx, "candidate", candidate));
}

int
training_may_cohort (cmd_ctx_t *ctx)
{
    return s_coordinator (ctx) ? 0 : s_own_cohort (ctx, cmd_person (ctx), "id");
}

int
training_may_cohort_of (cmd_ctx_t *ctx)
{
    return s_coordinator (ctx) ? 0 : s_own_cohort (ctx, cmd_person (ctx), "cohort");
}

int
training_may_office (cmd_ctx_t *ctx)
{
    return s_coordinator (ctx)
               ? 0
               : cmd_fail (ctx, ERR_FORBIDDEN, "as",
                           "the candidates of an office are for coordinators");
}

int
training_may_candidate (cmd_ctx_t *ctx)
{
    char candidate[TR_ID];
    return s_coordinator (ctx) ? 0
                               : s_own_candidate (ctx, cmd_person (ctx), "candidate",
                                                  s_arg (ctx, "candidate", candidate));
}

int
training_may_goal (cmd_ctx_t *ctx)
{
    return s_coordinator (ctx) ? 0 : s_own_goal (ctx, cmd_person (ctx), "id");
}

int
training_may_goal_of (cmd_ctx_t *ctx)
{
    return s_coordinator (ctx) ? 0 : s_own_goal (ctx, cmd_person (ctx), "goal");
}
