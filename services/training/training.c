/*  training - the service's commands, their fields and its certificate rule.  */
#include "training.h"

#include "handlers.h"
#include "records.h"

//  One line per kind of field reads better than clang-format's brace blocks.
// clang-format off
#define END                       {NULL, 0, false, 0, 0, 0, NULL, NULL}
#define REQ(n, t)                 {n, t, true, 0, 0, 0, NULL, NULL}
#define OPT(n, t)                 {n, t, false, 0, 0, 0, NULL, NULL}
#define ENUM(n, req, values)      {n, F_ENUM, req, 0, 0, 0, values, NULL}
#define MAP(n, req, fields)       {n, F_MAP, req, 0, 0, 0, NULL, fields}
#define RANGE(n, t, lo, hi, step) {n, t, true, lo, hi, step, NULL, NULL}
#define LIST(n, t, req, max)      {n, t, req, 0, max, 0, NULL, NULL}
// clang-format on

static const field_t s_expert_fields[] = {
    OPT ("id", F_ID),
    REQ ("paid", F_BOOL),
    RANGE ("fte", F_NUM, 0, 1, 0.01),
    LIST ("experience", F_LABELS, true, TR_TAGS_MAX),
    RANGE ("max_caseload", F_INT, 0, 200, 0),
    OPT ("date", F_DATE),
    END};
static const field_t s_assign_fields[] = {REQ ("expert", F_ID), REQ ("candidate", F_ID),
                                          REQ ("date", F_DATE), END};
static const field_t s_suggest_fields[] = {
    REQ ("candidate", F_ID), LIST ("wanted", F_LABELS, false, TR_TAGS_MAX), END};
static const field_t s_activity_fields[] = {
    OPT ("id", F_ID),
    REQ ("expert", F_ID),
    ENUM ("kind", true, tr_activity_kinds),
    RANGE ("minutes", F_INT, 1, TR_MINUTES_MAX, 0),
    ENUM ("setting", true, tr_settings),
    OPT ("candidate", F_ID),
    REQ ("date", F_DATE),
    END};
static const field_t s_activities_fields[] = {REQ ("expert", F_ID), OPT ("from", F_DATE),
                                              OPT ("to", F_DATE), END};
static const field_t s_cohort_fields[] = {
    OPT ("id", F_ID), ENUM ("trainer_kind", true, tr_trainer_kinds),
    REQ ("trainer", F_ID), REQ ("start", F_DATE), END};
static const field_t s_enroll_fields[] = {REQ ("cohort", F_ID), REQ ("candidate", F_ID),
                                          OPT ("date", F_DATE), END};
static const field_t s_cohort_dated_fields[] = {REQ ("cohort", F_ID),
                                                REQ ("date", F_DATE), END};
static const field_t s_meeting_fields[] = {
    REQ ("cohort", F_ID), RANGE ("number", F_INT, 1, TR_MEETINGS, 0),
    REQ ("date", F_DATE), LIST ("present", F_IDS, true, TR_MEMBERS_MAX), END};
static const field_t s_cohort_only_fields[] = {REQ ("cohort", F_ID), END};
static const field_t s_id_fields[] = {REQ ("id", F_ID), END};
static const field_t s_candidates_fields[] = {ENUM ("status", false, intake_statuses),
                                              END};
static const field_t s_smart_fields[] = {
    REQ ("concrete", F_BOOL), REQ ("divisible", F_BOOL), REQ ("measurable", F_BOOL),
    REQ ("feasible", F_BOOL), END};
static const field_t s_smart_some_fields[] = {
    OPT ("concrete", F_BOOL), OPT ("divisible", F_BOOL), OPT ("measurable", F_BOOL),
    OPT ("feasible", F_BOOL), END};
static const field_t s_goal_fields[] = {
    OPT ("id", F_ID),           REQ ("candidate", F_ID),
    OPT ("cohort", F_ID),       REQ ("goal", F_TEXT),
    REQ ("situation", F_TEXT),  REQ ("task", F_TEXT),
    REQ ("action", F_TEXT),     REQ ("result", F_TEXT),
    REQ ("reflection", F_TEXT), MAP ("smart", true, s_smart_fields),
    OPT ("date", F_DATE),       END};
static const field_t s_revise_fields[] = {
    REQ ("id", F_ID),           OPT ("goal", F_TEXT),
    OPT ("situation", F_TEXT),  OPT ("task", F_TEXT),
    OPT ("action", F_TEXT),     OPT ("result", F_TEXT),
    OPT ("reflection", F_TEXT), MAP ("smart", false, s_smart_some_fields),
    OPT ("date", F_DATE),       END};
static const field_t s_reflection_fields[] = {REQ ("goal", F_ID),
                                              REQ ("date", F_DATE),
                                              REQ ("action_taken", F_TEXT),
                                              REQ ("went_well", F_TEXT),
                                              REQ ("could_improve", F_TEXT),
                                              REQ ("supervisor_response", F_TEXT),
                                              REQ ("improvement", F_TEXT),
                                              REQ ("signed_candidate", F_BOOL),
                                              REQ ("signed_supervisor", F_BOOL),
                                              END};

static const store_table_t *const s_tables[] = {tr_candidates,
                                                tr_experts,
                                                tr_assignments,
                                                tr_activities,
                                                tr_expert_activities,
                                                tr_cohorts,
                                                tr_members,
                                                tr_goals,
                                                tr_goal_history,
                                                tr_reflections,
                                                tr_certificates,
                                                tr_links,
                                                NULL};
static const char *const s_follows[] = {"intake", NULL};

//  Who may send what: coordinators run the programme, trainers and
//  experts record the work, a host's supervisor signs reflections.
#define C  R_COORDINATOR
#define TE (R_TRAINER | R_EXPERT)
#define Q  CMD_QUERY

static const command_t s_commands[] = {
    {"expert.register", s_expert_fields, expert_register, 0, C},
    {"expert.assign", s_assign_fields, expert_assign, 0, C},
    {"expert.release", s_assign_fields, expert_release, 0, C},
    {"expert.suggest", s_suggest_fields, expert_suggest, Q, C},
    {"expert.get", s_id_fields, expert_get, Q, C | TE},
    {"expert.activity", s_activity_fields, activity_log, 0, TE},
    {"expert.activities", s_activities_fields, activity_list, Q, TE},
    {"cohort.create", s_cohort_fields, cohort_create, 0, C},
    {"cohort.enroll", s_enroll_fields, cohort_enroll, 0, C},
    {"cohort.start", s_cohort_dated_fields, cohort_start, 0, C},
    {"meeting.record", s_meeting_fields, meeting_record, 0, TE},
    {"cohort.subgroups", s_cohort_only_fields, cohort_subgroups, Q, C | TE},
    {"cohort.finish", s_cohort_dated_fields, cohort_finish, 0, C},
    {"cohort.get", s_id_fields, cohort_get, Q, C | TE},
    {"cohort.candidates", s_candidates_fields, cohort_candidates, Q, C | TE},
    {"goal.set", s_goal_fields, goal_set, 0, TE},
    {"goal.revise", s_revise_fields, goal_revise, 0, TE},
    {"goal.get", s_id_fields, goal_get, Q, TE},
    {"reflection.record", s_reflection_fields, reflection_record, 0,
     TE | R_HOST_SUPERVISOR},
    {NULL, NULL, NULL, 0, 0}};

//  The definition and the rule it hands to handlers as state.
typedef struct {
    service_def_t def; //  first, so the def's address is the whole's
    training_rules_t rules;
} training_t;

//  An integer environment value in [lo, hi]; dflt when unset or empty.
static int
s_env_int (const char *name, int lo, int hi, int dflt, int *value, char *err,
           size_t errlen)
{
    const char *text = getenv (name);
    *value = dflt;
    if (!text || !*text)
        return 0;
    char *end;
    long parsed = strtol (text, &end, 10);
    if (*end || parsed < lo || parsed > hi) {
        snprintf (err, errlen, "%s must be an integer from %d to %d", name, lo, hi);
        return -1;
    }
    *value = (int) parsed;
    return 0;
}

int
training_rules_from_env (training_rules_t *rules, char *err, size_t errlen)
{
    int min, smart;
    if (s_env_int ("OPSTAP_CERT_MIN_MEETINGS", 0, TR_MEETINGS, 8, &min, err, errlen)
        || s_env_int ("OPSTAP_CERT_REQUIRE_SMART", 0, 1, 1, &smart, err, errlen))
        return -1;
    rules->min_meetings = min;
    rules->require_smart = smart == 1;
    return 0;
}

service_def_t *
training_service_new (const training_rules_t *rules)
{
    training_t *self = (training_t *) zmalloc (sizeof (training_t));
    char err[128];
    if (rules)
        self->rules = *rules;
    else if (training_rules_from_env (&self->rules, err, sizeof err)) {
        zsys_error ("event=config.error message=\"%s\"", err);
        free (self);
        return NULL;
    }
    service_def_t def = {.service = "training",
                         .tables = s_tables,
                         .commands = s_commands,
                         .follows = s_follows,
                         .apply = training_learn,
                         .erase = training_erase,
                         .state = &self->rules};
    self->def = def;
    return &self->def;
}

void
training_service_destroy (service_def_t **self_p)
{
    if (self_p && *self_p) {
        free ((training_t *) *self_p);
        *self_p = NULL;
    }
}
