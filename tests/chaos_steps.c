/*  chaos_steps - the commands of each flow and what an ok answer adds to
    the model. Candidates, experts and cohorts are here; placements,
    surveys, signals and reports in chaos_steps2.c. Dates lie in 2020 and
    keep each entity's commands in their business order.  */
#include "chaos_steps.h"

static const char *const s_referrals[] = {
    "self", "uwv", "municipality", "mental_health", "social_team", "client_org", "other"};
static const char *const s_kinds[] = {
    "one_on_one",        "joint_talk",   "group_session",   "workshop",
    "case_consultation", "presentation", "network_contact", "employer_info"};
static const char *const s_settings[] = {"own_office", "other_office", "external"};

char *
steps_cmd (flow_t *f, int service, const char *name, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *body = zsys_vprintf (fmt, args);
    va_end (args);
    char after[128] = "";
    if (f->after > 0)
        snprintf (after, sizeof after,
                  ",\"after\":[{\"service\":\"intake\",\"instance\":\"intake\","
                  "\"seq\":%" PRId64 "}]",
                  f->after);
    char *json = zsys_sprintf ("{\"cmd\":\"%s\",\"office\":\"%s\",%s%s}", name,
                               ch_offices[f->office], body, after);
    free (body);
    f->service = service;
    snprintf (f->cmd, sizeof f->cmd, "%s", name);
    return json;
}

static void
s_add_id (flow_t *f, const pooled_t *c)
{
    if (f->count < FLOW_IDS)
        snprintf (f->ids[f->count++], sizeof f->ids[0], "%s", c->id);
    if (c->seq > f->after)
        f->after = c->seq;
}

bool
work_take_members (work_t *self, flow_t *f)
{
    for (int i = 0; i < CH_OFFICES; i++) {
        int office = (f->office + i) % CH_OFFICES;
        pool_t *pool = &self->admitted[office];
        if (work_pool_left (pool, USE_COHORT) < 5)
            continue;
        f->office = office;
        int members = 5 + prng_below (&self->prng, 3);
        while (f->count < members && work_pool_left (pool, USE_COHORT))
            s_add_id (f, work_pool_take (pool, USE_COHORT));
        return true;
    }
    return false;
}

bool
work_take_candidate (work_t *self, flow_t *f, int use)
{
    pool_t *pool =
        use == USE_SURVEY ? &self->consenting[f->office] : &self->admitted[f->office];
    const pooled_t *c = f->count < FLOW_IDS ? work_pool_take (pool, use) : NULL;
    if (c)
        s_add_id (f, c);
    return c != NULL;
}

//  "2020-02-03" plus days.
void
steps_date (const char *from, int days, char buf[11])
{
    int32_t start = 0;
    codec_parse_date (from, 10, &start);
    codec_format_date (start + days, buf);
}

//  --------------------------------------------------------------------------
//  A candidate through intake: admitted (and assessed), not eligible and
//  declined, deferred (an early admission refused) or withdrawn.

enum {
    A_REGISTER,
    A_INFO,
    A_ADMIT,
    A_ADMIT_EARLY,
    A_DEFER,
    A_DECLINE,
    A_WITHDRAW,
    A_STAGE_1,
    A_STAGE_2,
    A_ERASE,
    A_END
};

//  The last path erases the candidate: never drawn for a cohort, a
//  placement, an expert or a survey, so that only intake's stream and
//  every follower's own records of the candidate change.
#define PATH_ERASED 4
static const int s_paths[5][6] = {
    {A_REGISTER, A_INFO, A_ADMIT, A_STAGE_1, A_STAGE_2, A_END},
    {A_REGISTER, A_ADMIT_EARLY, A_DECLINE, A_END},
    {A_REGISTER, A_INFO, A_DEFER, A_ADMIT_EARLY, A_END},
    {A_REGISTER, A_INFO, A_WITHDRAW, A_END},
    {A_REGISTER, A_INFO, A_STAGE_1, A_ERASE, A_END},
};

static char *
s_register (work_t *w, flow_t *f, const char *id)
{
    int r = prng_below (&w->prng, 100);
    f->variant = r < 66 ? 0 : r < 76 ? 1 : r < 86 ? 2 : r < 94 ? 3 : PATH_ERASED;
    f->flag = prng_chance (&w->prng, 80);
    return steps_cmd (
        f, CH_INTAKE, "candidate.register",
        "\"id\":\"%s\",\"birth_year\":1985,\"referral\":\"%s\",\"benefit\":\"ww\","
        "\"treatment\":\"none\",\"criteria\":{\"psych_limitation\":true,\"motivated\":%s,"
        "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"
        "\"consent\":{\"processing\":true,\"evaluation_contact\":%s},"
        "\"wishes\":{\"function\":\"gardener\",\"sector\":\"groen\"},\"date\":\"2020-01-"
        "06\"",
        id, s_referrals[prng_below (&w->prng, 7)], f->variant == 1 ? "false" : "true",
        f->flag ? "true" : "false");
}

static char *
s_cand_command (work_t *w, flow_t *f)
{
    char id[24];
    snprintf (id, sizeof id, "c%d", f->n);
    switch (s_paths[f->variant][f->step]) {
    case A_REGISTER:
        return s_register (w, f, id);
    case A_INFO:
        return steps_cmd (f, CH_INTAKE, "candidate.info_session",
                          "\"id\":\"%s\",\"date\":\"2020-01-13\"", id);
    case A_ADMIT:
    case A_ADMIT_EARLY:
        f->expect =
            s_paths[f->variant][f->step] == A_ADMIT ? NULL : "failed_precondition";
        return steps_cmd (f, CH_INTAKE, "candidate.admit",
                          "\"id\":\"%s\",\"date\":\"2020-01-20\"", id);
    case A_DEFER:
        return steps_cmd (f, CH_INTAKE, "candidate.defer",
                          "\"id\":\"%s\",\"reason\":\"in treatment\",\"until\":"
                          "\"2020-06-01\",\"date\":\"2020-01-15\"",
                          id);
    case A_DECLINE:
    case A_WITHDRAW:
        return steps_cmd (
            f, CH_INTAKE, f->variant == 1 ? "candidate.decline" : "candidate.withdraw",
            "\"id\":\"%s\",\"reason\":\"moved away\",\"date\":\"2020-01-21\"", id);
    case A_ERASE:
        return steps_cmd (f, CH_INTAKE, "candidate.erase", "\"id\":\"%s\"", id);
    case A_STAGE_1:
    case A_STAGE_2:
        return steps_cmd (
            f, CH_INTAKE, "candidate.assess_stage",
            "\"id\":\"%s\",\"stage\":\"%s\",\"date\":\"%s\"", id,
            s_paths[f->variant][f->step] == A_STAGE_1 ? "reorientation" : "growth",
            s_paths[f->variant][f->step] == A_STAGE_1 ? "2020-01-27" : "2020-02-10");
    default:
        return NULL;
    }
}

static const struct {
    const char *event;
    const char *status; //  NULL: unchanged
    figure_t figure;
} s_cand_effects[] = {
    [A_REGISTER] = {"candidate.registered", "registered", F_REGISTERED},
    [A_INFO] = {"candidate.info_session_attended", "info_session_attended", F_INFO},
    [A_ADMIT] = {"candidate.admitted", "admitted", F_ADMITTED},
    [A_ADMIT_EARLY] = {NULL, NULL, F_FIGURES},
    [A_DEFER] = {"candidate.deferred", "deferred", F_DEFERRED},
    [A_DECLINE] = {"candidate.declined", "declined", F_DECLINED},
    [A_WITHDRAW] = {"candidate.withdrawn", "withdrawn", F_WITHDRAWN},
    [A_STAGE_1] = {"candidate.stage_assessed|%s|2020-01-27", NULL, F_FIGURES},
    [A_STAGE_2] = {"candidate.stage_assessed|%s|2020-02-10", NULL, F_FIGURES},
    [A_ERASE] = {"candidate.erased", NULL, F_FIGURES},
};

static int
s_cand_ok (work_t *w, flow_t *f, tk_msg_t *reply)
{
    int action = s_paths[f->variant][f->step++];
    char id[24];
    snprintf (id, sizeof id, "c%d", f->n);
    entity_t *e = work_entity (w, "candidate", id, ch_offices[f->office]);
    e->a++; //  intake events about the candidate
    const char *event = s_cand_effects[action].event;
    if (strchr (event, '%'))
        work_expect (w, CH_INTAKE, event, id);
    else
        work_expect (w, CH_INTAKE, "%s|%s", event, id);
    if (s_cand_effects[action].status)
        snprintf (e->status, sizeof e->status, "%s", s_cand_effects[action].status);
    if (s_cand_effects[action].figure != F_FIGURES)
        work_count (w, s_cand_effects[action].figure, 1);
    int64_t seq = tk_int (reply, "position.seq");
    if (action == A_ADMIT)
        work_pool_add (&w->admitted[f->office], id, seq);
    //  Erased: no service lists the candidate any more; the end checks
    //  look for the id in every store instead.
    if (action == A_ERASE) {
        work_forget (w, "candidate", id);
        work_entity (w, "erased", id, ch_offices[f->office]);
    }
    if (action == A_REGISTER) {
        bool eligible = f->variant != 1;
        work_count (w, F_ELIGIBLE, eligible);
        if (f->flag && f->variant != PATH_ERASED)
            work_pool_add (&w->consenting[f->office], id, seq);
        const msgpack_object *got = tk_get (reply, "eligible");
        if (!got || got->type != MSGPACK_OBJECT_BOOLEAN || got->via.boolean != eligible)
            return -1;
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  An expert: registered, assigned up to two candidates, three activities
//  (and one of zero minutes, refused), one assignment released.

enum {
    X_REGISTER,
    X_ASSIGN_1,
    X_ASSIGN_2,
    X_ACTIVITY_1,
    X_ACTIVITY_2,
    X_ACTIVITY_3,
    X_ACTIVITY_ZERO,
    X_RELEASE,
    X_END
};

static char *
s_activity (work_t *w, flow_t *f, const char *expert)
{
    int minutes = f->step == X_ACTIVITY_ZERO ? 0 : 15 + prng_below (&w->prng, 120);
    f->expect = minutes ? NULL : "invalid_argument";
    char candidate[48] = "";
    if (f->count && prng_chance (&w->prng, 60))
        snprintf (candidate, sizeof candidate, ",\"candidate\":\"%s\"",
                  f->ids[prng_below (&w->prng, f->count)]);
    return steps_cmd (
        f, CH_TRAINING, "expert.activity",
        "\"id\":\"a%d-%d\",\"expert\":\"%s\",\"kind\":\"%s\",\"minutes\":%d,"
        "\"setting\":\"%s\",\"date\":\"2020-02-1%d\"%s",
        f->n, f->step, expert, s_kinds[prng_below (&w->prng, 8)], minutes,
        s_settings[prng_below (&w->prng, 3)], f->step, candidate);
}

static char *
s_expert_command (work_t *w, flow_t *f)
{
    char expert[24];
    snprintf (expert, sizeof expert, "e%d", f->n);
    if ((f->step == X_ASSIGN_1 || f->step == X_ASSIGN_2)
        && !work_take_candidate (w, f, USE_EXPERT))
        f->step = X_ACTIVITY_1;
    if (f->step == X_RELEASE && f->count == 0)
        f->step = X_END;
    switch (f->step) {
    case X_REGISTER:
        return steps_cmd (
            f, CH_TRAINING, "expert.register",
            "\"id\":\"%s\",\"paid\":%s,\"fte\":0.5,\"experience\":[\"debt\","
            "\"anxiety\"],\"max_caseload\":4,\"date\":\"2020-01-02\"",
            expert, prng_chance (&w->prng, 50) ? "true" : "false");
    case X_ASSIGN_1:
    case X_ASSIGN_2:
        return steps_cmd (
            f, CH_TRAINING, "expert.assign",
            "\"expert\":\"%s\",\"candidate\":\"%s\",\"date\":\"2020-02-03\"", expert,
            f->ids[f->count - 1]);
    case X_ACTIVITY_1:
    case X_ACTIVITY_2:
    case X_ACTIVITY_3:
    case X_ACTIVITY_ZERO:
        return s_activity (w, f, expert);
    case X_RELEASE:
        return steps_cmd (
            f, CH_TRAINING, "expert.release",
            "\"expert\":\"%s\",\"candidate\":\"%s\",\"date\":\"2020-03-02\"", expert,
            f->ids[0]);
    default:
        return NULL;
    }
}

static int
s_expert_ok (work_t *w, flow_t *f, tk_msg_t *reply)
{
    char expert[24];
    snprintf (expert, sizeof expert, "e%d", f->n);
    entity_t *e = work_entity (w, "expert", expert, ch_offices[f->office]);
    int step = f->step++;
    if (step == X_REGISTER) {
        work_expect (w, CH_TRAINING, "expert.registered|%s", expert);
        work_count (w, F_EXPERTS, 1);
    } else if (step == X_ASSIGN_1 || step == X_ASSIGN_2) {
        work_expect (w, CH_TRAINING, "expert.assigned|%s|%s", expert,
                     f->ids[f->count - 1]);
        e->a++;
    } else if (step == X_RELEASE) {
        work_expect (w, CH_TRAINING, "expert.released|%s|%s", expert, f->ids[0]);
        e->a--;
    } else {
        work_expect (w, CH_TRAINING, "expert.activity_logged|a%d-%d", f->n, step);
        work_count (w, F_ACTIVITIES, 1);
        e->b++;
    }
    return tk_int (reply, "load") == -1 || tk_int (reply, "load") == e->a ? 0 : -1;
}

//  --------------------------------------------------------------------------
//  A cohort of five to seven: created, enrolled, started, a goal each,
//  ten meetings (meeting 3 sent twice: conflict), two reflections, a
//  revised goal, finished with certificates.

enum {
    C_CREATE,
    C_ENROLL,
    C_START,
    C_GOAL,
    C_MEETING,
    C_REFLECT,
    C_REVISE,
    C_FINISH,
    C_END
};

static char *
s_meeting (work_t *w, flow_t *f, const char *cohort)
{
    bool again = f->sub == 3 && !f->flag;
    int number = again ? 3 : f->sub + 1;
    f->expect = again ? "conflict" : NULL;
    char date[11], present[FLOW_IDS * 28 + 4] = "";
    steps_date ("2020-02-03", 7 * (number - 1), date);
    for (int i = 0; i < f->count; i++) {
        f->present[i] = prng_chance (&w->prng, 88);
        if (f->present[i])
            snprintf (present + strlen (present), sizeof present - strlen (present),
                      "%s\"%s\"", *present ? "," : "", f->ids[i]);
    }
    return steps_cmd (f, CH_TRAINING, "meeting.record",
                      "\"cohort\":\"%s\",\"number\":%d,\"date\":\"%s\",\"present\":[%s]",
                      cohort, number, date, present);
}

static char *
s_goal (work_t *w, flow_t *f, const char *cohort)
{
    bool smart = prng_chance (&w->prng, 70);
    return steps_cmd (f, CH_TRAINING, "goal.set",
                      "\"id\":\"g%d-%d\",\"candidate\":\"%s\",\"cohort\":\"%s\",\"goal\":"
                      "\"Op tijd zijn\",\"situation\":\"\",\"task\":\"\",\"action\":\"\","
                      "\"result\":\"\",\"reflection\":\"\",\"smart\":{\"concrete\":true,"
                      "\"divisible\":true,\"measurable\":%s,\"feasible\":true},"
                      "\"date\":\"2020-02-10\"",
                      f->n, f->sub, f->ids[f->sub], cohort, smart ? "true" : "false");
}

static char *
s_cohort_command (work_t *w, flow_t *f)
{
    char cohort[24];
    snprintf (cohort, sizeof cohort, "k%d", f->n);
    switch (f->step) {
    case C_CREATE:
        return steps_cmd (f, CH_TRAINING, "cohort.create",
                          "\"id\":\"%s\",\"trainer_kind\":\"professional\",\"trainer\":"
                          "\"staff-1\",\"start\":\"2020-02-03\"",
                          cohort);
    case C_ENROLL:
        return steps_cmd (
            f, CH_TRAINING, "cohort.enroll",
            "\"cohort\":\"%s\",\"candidate\":\"%s\",\"date\":\"2020-01-29\"", cohort,
            f->ids[f->sub]);
    case C_START:
    case C_FINISH:
        return steps_cmd (f, CH_TRAINING,
                          f->step == C_START ? "cohort.start" : "cohort.finish",
                          "\"cohort\":\"%s\",\"date\":\"%s\"", cohort,
                          f->step == C_START ? "2020-02-03" : "2020-04-13");
    case C_GOAL:
        return s_goal (w, f, cohort);
    case C_MEETING:
        return s_meeting (w, f, cohort);
    case C_REFLECT:
        f->choice = prng_chance (&w->prng, 75);
        return steps_cmd (
            f, CH_TRAINING, "reflection.record",
            "\"goal\":\"g%d-%d\",\"date\":\"2020-04-10\",\"action_taken\":\"agenda\","
            "\"went_well\":\"\",\"could_improve\":\"\",\"supervisor_response\":\"\","
            "\"improvement\":\"\",\"signed_candidate\":true,\"signed_supervisor\":%s",
            f->n, f->sub, f->choice ? "true" : "false");
    case C_REVISE:
        return steps_cmd (f, CH_TRAINING, "goal.revise",
                          "\"id\":\"g%d-0\",\"goal\":\"Elke dag op tijd zijn\",\"smart\":"
                          "{\"measurable\":true},\"date\":\"2020-04-11\"",
                          f->n);
    default:
        return NULL;
    }
}

//  Moves to the next member, or to the next step after the last.
static void
s_next_member (flow_t *f, int last)
{
    if (++f->sub >= last) {
        f->sub = 0;
        f->step++;
    }
}

static int
s_finish (work_t *w, entity_t *cohort, tk_msg_t *reply)
{
    const msgpack_object *list = tk_get (reply, "certified");
    const msgpack_object *refused = tk_get (reply, "not_certified");
    if (!list || list->type != MSGPACK_OBJECT_ARRAY || !refused
        || refused->type != MSGPACK_OBJECT_ARRAY)
        return -1;
    for (uint32_t i = 0; i < list->via.array.size; i++) {
        char candidate[64] = "";
        map_str (&list->via.array.ptr[i], "candidate", candidate, sizeof candidate);
        work_expect (w, CH_TRAINING, "certificate.issued|%s|%s", cohort->id, candidate);
    }
    work_expect (w, CH_TRAINING, "cohort.finished|%s", cohort->id);
    work_count (w, F_CERTIFICATES, list->via.array.size);
    cohort->c = (int) list->via.array.size;
    snprintf (cohort->status, sizeof cohort->status, "finished");
    return (int) (list->via.array.size + refused->via.array.size) == cohort->a ? 0 : -1;
}

//  A goal's reflection report or revision: numbered by the service.
static int
s_goal_ok (work_t *w, flow_t *f, tk_msg_t *reply)
{
    char goal[32];
    snprintf (goal, sizeof goal, "g%d-%d", f->n, f->step == C_REFLECT ? f->sub : 0);
    entity_t *g = work_entity (w, "goal", goal, ch_offices[f->office]);
    if (f->step == C_REVISE) {
        g->a++;
        work_expect (w, CH_TRAINING, "goal.revised|%s|%d", goal, g->a);
        f->step++;
        return tk_int (reply, "revision") == g->a ? 0 : -1;
    }
    g->b++;
    work_expect (w, CH_TRAINING, "reflection.recorded|%s|%d", goal, g->b);
    work_count (w, F_REFLECTIONS_SIGNED, f->choice);
    s_next_member (f, 2);
    return tk_int (reply, "number") == g->b ? 0 : -1;
}

static int
s_cohort_ok (work_t *w, flow_t *f, tk_msg_t *reply)
{
    char id[24], goal[32];
    snprintf (id, sizeof id, "k%d", f->n);
    snprintf (goal, sizeof goal, "g%d-%d", f->n, f->sub);
    entity_t *cohort = work_entity (w, "cohort", id, ch_offices[f->office]);
    const char *status[] = {[C_CREATE] = "open", [C_START] = "started"};
    if (f->step == C_CREATE || f->step == C_START) {
        work_expect (w, CH_TRAINING, "cohort.%s|%s", f->step ? "started" : "created", id);
        work_count (w, F_COHORTS_STARTED, f->step == C_START);
        snprintf (cohort->status, sizeof cohort->status, "%s", status[f->step++]);
    } else if (f->step == C_ENROLL) {
        work_expect (w, CH_TRAINING, "cohort.enrolled|%s|%s", id, f->ids[f->sub]);
        work_count (w, F_ENROLLED, 1);
        cohort->a++;
        s_next_member (f, f->count);
    } else if (f->step == C_GOAL) {
        work_expect (w, CH_TRAINING, "goal.set|%s", goal);
        work_count (w, F_GOALS, 1);
        work_entity (w, "goal", goal, ch_offices[f->office]);
        s_next_member (f, f->count);
    } else if (f->step == C_MEETING) {
        work_expect (w, CH_TRAINING, "meeting.recorded|%s|%d", id, f->sub + 1);
        cohort->b++;
        s_next_member (f, 10);
    } else if (f->step == C_FINISH) {
        f->step++;
        return s_finish (w, cohort, reply);
    } else
        return s_goal_ok (w, f, reply);
    return 0;
}

//  --------------------------------------------------------------------------

char *
steps_command (work_t *self, flow_t *f)
{
    switch (f->kind) {
    case K_CAND:
        return s_cand_command (self, f);
    case K_EXPERT:
        return s_expert_command (self, f);
    case K_COHORT:
        return s_cohort_command (self, f);
    default:
        return steps2_command (self, f);
    }
}

int
steps_ok (work_t *self, flow_t *f, tk_msg_t *reply)
{
    switch (f->kind) {
    case K_CAND:
        return s_cand_ok (self, f, reply);
    case K_EXPERT:
        return s_expert_ok (self, f, reply);
    case K_COHORT:
        return s_cohort_ok (self, f, reply);
    default:
        return steps2_ok (self, f, reply);
    }
}

void
steps_refused (work_t *self, flow_t *f)
{
    (void) self;
    if (f->kind == K_COHORT && f->step == C_MEETING)
        f->flag = true; //  the repeated meeting 3 was refused: go on with 4
    else if (f->kind == K_PLACE)
        steps2_refused (f);
    else
        f->step++;
}
