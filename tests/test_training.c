/*  test_training - experts, assignments, suggestions, activities, goals,
    reflections, erasure and the stream, against an in-process intake and
    training: candidates are registered and admitted in intake and training
    commands carry "after" with intake's position (read your writes).
    Cohorts, meetings and certificates are in test_training_cohort.  */
#include "intake.h"
#include "testkit.h"
#include "training.h"

#include <stdarg.h>

#define REG                                                                              \
    "{\"cmd\":\"candidate.register\",\"office\":\"%s\",\"id\":\"%s\","                   \
    "\"birth_year\":1985,\"referral\":\"uwv\",\"benefit\":\"wia\",\"treatment\":"        \
    "\"done\","                                                                          \
    "\"criteria\":{\"psych_limitation\":true,\"motivated\":true,\"willing_to_train\":"   \
    "true,"                                                                              \
    "\"arranges_benefits\":true,\"seeks_paid_work\":true},"                              \
    "\"consent\":{\"processing\":true,\"evaluation_contact\":true},"                     \
    "\"date\":\"2017-07-03\"}"
#define SMART_ALL                                                                        \
    "{\"concrete\":true,\"divisible\":true,\"measurable\":true,\"feasible\":true}"
//  Free text that must never reach the stream.
#define SECRET_GOAL "Elke week twee sollicitatiebrieven"
#define SECRET_NOTE "ging goed met de buddy"

typedef struct {
    char *dir;
    directory_t *directory;
    zactor_t *intake;
    zactor_t *training;
    service_def_t *def;
    tk_client_t *in;
    tk_client_t *tr;
    int64_t seq; //  intake's position after its last reply
} fixture_t;

//  --------------------------------------------------------------------------
//  Driving intake and training

//  A command to intake that must succeed; a failure names the caller's line.
#define s_intake(f, ...) s_intake_at (__FILE__, __LINE__, f, __VA_ARGS__)
static void s_intake_at (const char *file, int line, fixture_t *f, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
static void
s_intake_at (const char *file, int line, fixture_t *f, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_vcommand (file, line, f->in, &f->seq, fmt, args);
    va_end (args);
}

static void
s_admitted (fixture_t *f, const char *office, const char *id)
{
    s_intake (f, REG, office, id);
    s_intake (f,
              "{\"cmd\":\"candidate.info_session\",\"office\":\"%s\",\"id\":\"%s\","
              "\"date\":\"2017-07-10\"}",
              office, id);
    s_intake (f,
              "{\"cmd\":\"candidate.admit\",\"office\":\"%s\",\"id\":\"%s\","
              "\"date\":\"2017-07-12\"}",
              office, id);
}

//  A training command carrying intake's position; checks the outcome
//  (code NULL: ok) and the field at fault. Returns the reply.
static tk_msg_t *
s_vtr (fixture_t *f, const char *code, const char *field, const char *fmt, va_list args)
{
    char *cmd = zsys_vprintf (fmt, args);
    char *full =
        zsys_sprintf ("{\"after\":[{\"service\":\"intake\",\"instance\":\"intake\","
                      "\"seq\":%" PRId64 "}],%s",
                      f->seq, cmd + 1);
    tk_msg_t *r = tk_expect (f->tr, code, "%s", full);
    if (field && !CHECK (streq (tk_str (r, "error.field"), field)))
        fprintf (stderr, "  field was '%s', expected '%s' for %s\n",
                 tk_str (r, "error.field"), field, cmd);
    free (full);
    free (cmd);
    return r;
}

static tk_msg_t *
s_tr (fixture_t *f, const char *code, const char *field, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *r = s_vtr (f, code, field, fmt, args);
    va_end (args);
    return r;
}

//  The same, for commands whose reply is not looked at further.
static void
s_do (fixture_t *f, const char *code, const char *field, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *r = s_vtr (f, code, field, fmt, args);
    va_end (args);
    tk_msg_destroy (&r);
}

//  --------------------------------------------------------------------------
//  Experts

static void
test_experts (fixture_t *f)
{
    const char *e1 =
        "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\",\"id\":\"e-1\","
        "\"paid\":true,\"fte\":%s,\"experience\":[\"anxiety\",\"depression\"],"
        "\"max_caseload\":2,\"date\":\"2017-06-01\"}";
    tk_msg_t *r = s_tr (f, NULL, NULL, e1, "0.5");
    CHECK (streq (tk_str (r, "id"), "e-1"));
    int64_t seq = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    //  The same again is a no-op with the same answer; other content conflicts.
    r = s_tr (f, NULL, NULL, e1, "0.5");
    CHECK (tk_int (r, "position.seq") == seq);
    CHECK (tk_int (r, "max_caseload") == 2);
    tk_msg_destroy (&r);
    s_do (f, "conflict", "id", e1, "0.6");
    s_do (f, NULL, NULL,
          "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\",\"id\":\"e-2\",\"paid\":"
          "false,"
          "\"fte\":0.2,\"experience\":[\"psychosis\",\"debt\"],\"max_caseload\":3}");
    s_do (f, NULL, NULL,
          "{\"cmd\":\"expert.register\",\"office\":\"arnhem\",\"id\":\"e-arn\",\"paid\":"
          "true,"
          "\"fte\":1,\"experience\":[],\"max_caseload\":5}");
    r = s_tr (f, NULL, NULL,
              "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\",\"paid\":false,"
              "\"fte\":0.1,\"experience\":[\"autism\"],\"max_caseload\":0}");
    CHECK (strncmp (tk_str (r, "id"), "e-", 2) == 0);
    tk_msg_destroy (&r);
}

static void
test_expert_refusals (fixture_t *f)
{
    //  A citizen service number never becomes an id.
    s_do (f, "invalid_argument", "id",
          "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\",\"id\":\"111222333\","
          "\"paid\":true,\"fte\":0.5,\"experience\":[],\"max_caseload\":2}");
    s_do (f, "invalid_argument", "fte",
          "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\",\"id\":\"e-9\",\"paid\":"
          "true,"
          "\"fte\":1.5,\"experience\":[],\"max_caseload\":2}");
    s_do (f, "invalid_argument", "max_caseload",
          "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\",\"id\":\"e-9\",\"paid\":"
          "true,"
          "\"fte\":0.5,\"experience\":[],\"max_caseload\":-1}");
    s_do (f, "invalid_argument", "experience",
          "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\",\"id\":\"e-9\",\"paid\":"
          "true,"
          "\"fte\":0.5,\"experience\":[\"a\",\"a\"],\"max_caseload\":2}");
    s_do (f, "invalid_argument", "diagnosis",
          "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\",\"id\":\"e-9\",\"paid\":"
          "true,"
          "\"fte\":0.5,\"experience\":[],\"max_caseload\":2,\"diagnosis\":\"x\"}");
    s_do (f, "invalid_argument", "office", "{\"cmd\":\"expert.get\",\"id\":\"e-1\"}");
    s_do (f, "invalid_argument", "cmd",
          "{\"cmd\":\"expert.fly\",\"office\":\"nijmegen\"}");
    s_do (f, "not_found", "id",
          "{\"cmd\":\"expert.get\",\"office\":\"arnhem\",\"id\":\"e-1\"}");
}

static void
test_assign (fixture_t *f)
{
    const char *assign =
        "{\"cmd\":\"expert.assign\",\"office\":\"nijmegen\",\"expert\":\"%s\","
        "\"candidate\":\"%s\",\"date\":\"2017-08-01\"}";
    tk_msg_t *r = s_tr (f, NULL, NULL, assign, "e-1", "c-1");
    CHECK (tk_int (r, "load") == 1 && tk_int (r, "free") == 1);
    tk_msg_destroy (&r);
    s_do (f, NULL, NULL, assign, "e-1", "c-2");
    //  Past capacity; twice the same; unknown or other-office parties.
    s_do (f, "failed_precondition", "expert", assign, "e-1", "c-3");
    s_do (f, "conflict", "candidate", assign, "e-1", "c-1");
    s_do (f, "not_found", "candidate", assign, "e-2", "c-nobody");
    s_do (f, "not_found", "candidate", assign, "e-2", "c-arn");
    s_do (f, "not_found", "expert", assign, "e-arn", "c-1");
    s_do (f, "not_found", "expert", assign, "e-nobody", "c-1");
    s_do (f, "invalid_argument", "date",
          "{\"cmd\":\"expert.assign\",\"office\":\"nijmegen\",\"expert\":\"e-1\","
          "\"candidate\":\"c-3\",\"date\":\"2017-13-01\"}");
    //  Releasing frees a place.
    const char *release =
        "{\"cmd\":\"expert.release\",\"office\":\"nijmegen\","
        "\"expert\":\"e-1\",\"candidate\":\"%s\",\"date\":\"2017-09-01\"}";
    r = s_tr (f, NULL, NULL, release, "c-2");
    CHECK (tk_int (r, "load") == 1);
    tk_msg_destroy (&r);
    s_do (f, "not_found", "candidate", release, "c-2");
    r = s_tr (f, NULL, NULL,
              "{\"cmd\":\"expert.get\",\"office\":\"nijmegen\",\"id\":\"e-1\"}");
    CHECK (tk_int (r, "load") == 1);
    CHECK (streq (tk_str (r, "assignments.0.candidate"), "c-1"));
    CHECK (streq (tk_str (r, "assignments.0.date"), "2017-08-01"));
    CHECK (tk_get (r, "assignments.1") == NULL);
    CHECK (streq (tk_str (r, "experience.1"), "depression"));
    tk_msg_destroy (&r);
}

//  Score = matching areas + free share of the caseload.
static void
test_suggest (fixture_t *f)
{
    const char *suggest = "{\"cmd\":\"expert.suggest\",\"office\":\"nijmegen\","
                          "\"candidate\":\"%s\",\"wanted\":[%s]}";
    tk_msg_t *r = s_tr (f, NULL, NULL, suggest, "c-3", "\"Depression\"");
    //  e-1: 1 + 1/2; e-2: 0 + 3/3; the expert with caseload 0 is left out.
    CHECK (tk_int (r, "count") == 2);
    CHECK (streq (tk_str (r, "suggestions.0.expert"), "e-1"));
    CHECK (tk_get (r, "suggestions.0.score")->via.f64 == 1.5);
    CHECK (streq (tk_str (r, "suggestions.0.matched.0"), "Depression"));
    CHECK (streq (tk_str (r, "suggestions.1.expert"), "e-2"));
    CHECK (tk_int (r, "suggestions.1.free") == 3);
    tk_msg_destroy (&r);
    r = s_tr (f, NULL, NULL, suggest, "c-3", "\"psychosis\",\"debt\"");
    CHECK (streq (tk_str (r, "suggestions.0.expert"), "e-2"));
    CHECK (tk_int (r, "suggestions.0.overlap") == 2);
    tk_msg_destroy (&r);
    //  Without wanted areas capacity decides; an expert already assigned
    //  to the candidate is not suggested again.
    r = s_tr (
        f, NULL, NULL,
        "{\"cmd\":\"expert.suggest\",\"office\":\"nijmegen\",\"candidate\":\"c-1\"}");
    CHECK (tk_int (r, "count") == 1);
    CHECK (streq (tk_str (r, "suggestions.0.expert"), "e-2"));
    tk_msg_destroy (&r);
    s_do (f, "not_found", "candidate", suggest, "c-nobody", "");
    s_do (f, "invalid_argument", "wanted", suggest, "c-1", "\"bad!tag\"");
}

//  --------------------------------------------------------------------------
//  Activities

static void
test_activities (fixture_t *f)
{
    const char *act =
        "{\"cmd\":\"expert.activity\",\"office\":\"nijmegen\",\"id\":\"%s\","
        "\"expert\":\"%s\",\"kind\":\"%s\",\"minutes\":%d,\"setting\":\"%s\","
        "%s\"date\":\"2017-08-%02d\"}";
    const char *kinds[] = {"one_on_one",      "joint_talk",        "group_session",
                           "workshop",        "case_consultation", "presentation",
                           "network_contact", "employer_info"};
    const char *settings[] = {"own_office", "other_office", "external"};
    for (int i = 0; i < 8; i++) {
        char id[16];
        snprintf (id, sizeof id, "a-%d", i + 1);
        s_do (f, NULL, NULL, act, id, "e-1", kinds[i], 30 * (i + 1), settings[i % 3],
              i < 2 ? "\"candidate\":\"c-1\"," : "", i + 1);
    }
    //  The same again answers the same; other content conflicts.
    s_do (f, NULL, NULL, act, "a-1", "e-1", "one_on_one", 30, "own_office",
          "\"candidate\":\"c-1\",", 1);
    s_do (f, "conflict", "id", act, "a-1", "e-1", "one_on_one", 45, "own_office",
          "\"candidate\":\"c-1\",", 1);
    s_do (f, "invalid_argument", "minutes", act, "a-9", "e-1", "workshop", -30,
          "external", "", 2);
    s_do (f, "invalid_argument", "minutes", act, "a-9", "e-1", "workshop", 0, "external",
          "", 2);
    s_do (f, "invalid_argument", "minutes", act, "a-9", "e-1", "workshop", 1441,
          "external", "", 2);
    s_do (f, "invalid_argument", "kind", act, "a-9", "e-1", "coffee", 30, "external", "",
          2);
    s_do (f, "invalid_argument", "setting", act, "a-9", "e-1", "workshop", 30, "home", "",
          2);
    s_do (f, "not_found", "candidate", act, "a-9", "e-1", "one_on_one", 30, "own_office",
          "\"candidate\":\"c-nobody\",", 2);
    s_do (f, "not_found", "expert", act, "a-9", "e-arn", "one_on_one", 30, "own_office",
          "", 2);
}

//  The time split per setting the sources could not see.
static void
test_activity_listing (fixture_t *f)
{
    tk_msg_t *r = s_tr (f, NULL, NULL,
                        "{\"cmd\":\"expert.activities\",\"office\":\"nijmegen\","
                        "\"expert\":\"e-1\"}");
    CHECK (tk_int (r, "count") == 8);
    CHECK (tk_int (r, "minutes") == 30 * 36);
    //  Kinds 1, 4, 7 own office; 2, 5, 8 other office; 3, 6 external.
    CHECK (tk_int (r, "minutes_by_setting.own_office") == 30 * 12);
    CHECK (tk_int (r, "minutes_by_setting.other_office") == 30 * 15);
    CHECK (tk_int (r, "minutes_by_setting.external") == 30 * 9);
    CHECK (streq (tk_str (r, "activities.0.candidate"), "c-1"));
    tk_msg_destroy (&r);
    r = s_tr (f, NULL, NULL,
              "{\"cmd\":\"expert.activities\",\"office\":\"nijmegen\",\"expert\":\"e-1\","
              "\"from\":\"2017-08-02\",\"to\":\"2017-08-03\"}");
    CHECK (tk_int (r, "count") == 2);
    tk_msg_destroy (&r);
    s_do (f, "not_found", "expert",
          "{\"cmd\":\"expert.activities\",\"office\":\"arnhem\",\"expert\":\"e-1\"}");
    s_do (f, "invalid_argument", "from",
          "{\"cmd\":\"expert.activities\",\"office\":\"nijmegen\",\"expert\":\"e-1\","
          "\"from\":\"august\"}");
}

//  --------------------------------------------------------------------------
//  Goals and reflections

#define GOAL                                                                             \
    "{\"cmd\":\"goal.set\",\"office\":\"nijmegen\",\"id\":\"%s\",\"candidate\":\"%s\","  \
    "\"goal\":\"%s\",\"situation\":\"op zoek naar werk\",\"task\":\"brieven\","          \
    "\"action\":\"schrijven\",\"result\":\"gesprek\",\"reflection\":\"\",\"smart\":%s}"

static void
test_goals (fixture_t *f)
{
    tk_msg_t *r = s_tr (f, NULL, NULL, GOAL, "g-1", "c-1", SECRET_GOAL, SMART_ALL);
    CHECK (tk_get (r, "smart_all")->via.boolean);
    tk_msg_destroy (&r);
    s_do (f, NULL, NULL, GOAL, "g-1", "c-1", SECRET_GOAL, SMART_ALL);
    s_do (f, "conflict", "id", GOAL, "g-1", "c-1", "ander doel", SMART_ALL);
    s_do (f, "not_found", "candidate", GOAL, "g-9", "c-nobody", "doel", SMART_ALL);
    s_do (f, "invalid_argument", "goal", GOAL, "g-9", "c-1", "", SMART_ALL);
    s_do (f, "invalid_argument", "smart.feasible", GOAL, "g-9", "c-1", "doel",
          "{\"concrete\":true,\"divisible\":true,\"measurable\":true}");
    s_do (f, "not_found", "cohort",
          "{\"cmd\":\"goal.set\",\"office\":\"nijmegen\",\"id\":\"g-9\",\"candidate\":"
          "\"c-1\","
          "\"cohort\":\"k-nobody\",\"goal\":\"x\",\"situation\":\"\",\"task\":\"\","
          "\"action\":\"\",\"result\":\"\",\"reflection\":\"\",\"smart\":" SMART_ALL "}");
}

//  Revisions keep the old versions; a revision must change something.
static void
test_revisions (fixture_t *f)
{
    const char *partial = "{\"concrete\":true,\"divisible\":true,\"measurable\":false,"
                          "\"feasible\":true}";
    s_do (f, NULL, NULL, GOAL, "g-2", "c-2", "Op tijd komen", partial);
    const char *revise =
        "{\"cmd\":\"goal.revise\",\"office\":\"nijmegen\",\"id\":\"%s\",%s}";
    tk_msg_t *r =
        s_tr (f, NULL, NULL, revise, "g-2", "\"goal\":\"Elke dag om 9 uur beginnen\"");
    CHECK (tk_int (r, "revision") == 1 && !tk_get (r, "smart_all")->via.boolean);
    CHECK (streq (tk_str (r, "changed.0"), "goal"));
    tk_msg_destroy (&r);
    r = s_tr (f, NULL, NULL, revise, "g-2",
              "\"smart\":{\"measurable\":true},\"date\":\"2017-10-02\"");
    CHECK (tk_int (r, "revision") == 2 && tk_get (r, "smart_all")->via.boolean);
    CHECK (streq (tk_str (r, "changed.0"), "measurable"));
    tk_msg_destroy (&r);
    s_do (f, "invalid_argument", "id", revise, "g-2", "\"smart\":{\"measurable\":true}");
    s_do (f, "invalid_argument", "goal", revise, "g-2", "\"goal\":\"\"");
    s_do (f, "not_found", "id", revise, "g-nobody", "\"goal\":\"x\"");
    //  Setting the goal again as first set still answers as before.
    r = s_tr (f, NULL, NULL, GOAL, "g-2", "c-2", "Op tijd komen", partial);
    CHECK (tk_int (r, "revision") == 0 && !tk_get (r, "smart_all")->via.boolean);
    tk_msg_destroy (&r);
    s_do (f, "conflict", "id", GOAL, "g-2", "c-2", "Elke dag om 9 uur beginnen",
          SMART_ALL);
    r = s_tr (f, NULL, NULL,
              "{\"cmd\":\"goal.get\",\"office\":\"nijmegen\",\"id\":\"g-2\"}");
    CHECK (tk_int (r, "revision") == 2);
    CHECK (streq (tk_str (r, "goal"), "Elke dag om 9 uur beginnen"));
    CHECK (streq (tk_str (r, "date"), "2017-10-02"));
    CHECK (streq (tk_str (r, "history.0.goal"), "Op tijd komen"));
    CHECK (tk_int (r, "history.0.revision") == 0);
    CHECK (!tk_get (r, "history.0.smart.measurable")->via.boolean);
    CHECK (tk_int (r, "history.1.revision") == 1);
    CHECK (tk_get (r, "history.2") == NULL);
    tk_msg_destroy (&r);
    s_do (f, "not_found", "id",
          "{\"cmd\":\"goal.get\",\"office\":\"arnhem\",\"id\":\"g-2\"}");
}

static void
test_reflections (fixture_t *f)
{
    const char *refl =
        "{\"cmd\":\"reflection.record\",\"office\":\"nijmegen\",\"goal\":\"%s\","
        "\"date\":\"2017-10-09\",\"action_taken\":\"twee brieven\","
        "\"went_well\":\"" SECRET_NOTE "\",\"could_improve\":\"planning\","
        "\"supervisor_response\":\"goed bezig\",\"improvement\":\"agenda\","
        "\"signed_candidate\":true%s}";
    tk_msg_t *r = s_tr (f, NULL, NULL, refl, "g-1", ",\"signed_supervisor\":true");
    CHECK (tk_int (r, "number") == 1 && tk_get (r, "signed_both")->via.boolean);
    tk_msg_destroy (&r);
    r = s_tr (f, NULL, NULL, refl, "g-1", ",\"signed_supervisor\":false");
    CHECK (tk_int (r, "number") == 2 && !tk_get (r, "signed_both")->via.boolean);
    tk_msg_destroy (&r);
    s_do (f, "invalid_argument", "signed_supervisor", refl, "g-1", "");
    s_do (f, "not_found", "goal", refl, "g-nobody", ",\"signed_supervisor\":true");
    r = s_tr (f, NULL, NULL,
              "{\"cmd\":\"goal.get\",\"office\":\"nijmegen\",\"id\":\"g-1\"}");
    CHECK (tk_int (r, "reflection_count") == 2);
    CHECK (streq (tk_str (r, "reflections.0.went_well"), SECRET_NOTE));
    CHECK (tk_get (r, "reflections.1.signed_supervisor")->via.boolean == false);
    CHECK (tk_int (r, "revision") == 0);
    tk_msg_destroy (&r);
}

//  --------------------------------------------------------------------------
//  Erasure: every per-candidate record goes, anonymous counts stay

static void
test_erasure (fixture_t *f)
{
    s_do (f, NULL, NULL,
          "{\"cmd\":\"cohort.create\",\"office\":\"nijmegen\",\"id\":\"k-e\","
          "\"trainer_kind\":\"experience_expert\",\"trainer\":\"e-2\",\"start\":\"2017-"
          "09-04\"}");
    s_do (f, NULL, NULL,
          "{\"cmd\":\"cohort.enroll\",\"office\":\"nijmegen\",\"cohort\":\"k-e\","
          "\"candidate\":\"c-1\",\"date\":\"2017-08-20\"}");
    s_intake (f, "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"c-1\"}");
    s_do (f, "not_found", "id",
          "{\"cmd\":\"goal.get\",\"office\":\"nijmegen\",\"id\":\"g-1\"}");
    s_do (f, "not_found", "candidate",
          "{\"cmd\":\"cohort.enroll\",\"office\":\"nijmegen\",\"cohort\":\"k-e\","
          "\"candidate\":\"c-1\"}");
    s_do (f, "not_found", "candidate",
          "{\"cmd\":\"expert.suggest\",\"office\":\"nijmegen\",\"candidate\":\"c-1\"}");
    tk_msg_t *r = s_tr (
        f, NULL, NULL, "{\"cmd\":\"expert.get\",\"office\":\"nijmegen\",\"id\":\"e-1\"}");
    CHECK (tk_int (r, "load") == 0 && tk_get (r, "assignments.0") == NULL);
    tk_msg_destroy (&r);
    r = s_tr (f, NULL, NULL,
              "{\"cmd\":\"cohort.get\",\"office\":\"nijmegen\",\"id\":\"k-e\"}");
    CHECK (tk_int (r, "members") == 0 && tk_get (r, "member_list.0") == NULL);
    tk_msg_destroy (&r);
    //  The activities stay, counted, without the candidate.
    r = s_tr (
        f, NULL, NULL,
        "{\"cmd\":\"expert.activities\",\"office\":\"nijmegen\",\"expert\":\"e-1\"}");
    CHECK (tk_int (r, "count") == 8 && tk_int (r, "minutes") == 30 * 36);
    CHECK (tk_get (r, "activities.0.candidate") == NULL);
    tk_msg_destroy (&r);
    s_do (
        f, "invalid_argument", "status",
        "{\"cmd\":\"cohort.candidates\",\"office\":\"nijmegen\",\"status\":\"erased\"}");
    r = s_tr (f, NULL, NULL, "{\"cmd\":\"cohort.candidates\",\"office\":\"nijmegen\"}");
    for (int i = 0; i < tk_int (r, "count"); i++) {
        char path[32];
        snprintf (path, sizeof path, "candidates.%d.id", i);
        CHECK (!streq (tk_str (r, path), "c-1"));
    }
    tk_msg_destroy (&r);
}

//  --------------------------------------------------------------------------
//  The stream: every type, no free text, no erased id

static void
s_count_type (const char *type, const char *const *types, int *counts)
{
    for (int i = 0; types[i]; i++)
        if (streq (type, types[i]))
            counts[i]++;
}

static void
test_stream (fixture_t *f)
{
    const char *types[] = {"expert.registered",
                           "expert.assigned",
                           "expert.released",
                           "expert.activity_logged",
                           "goal.set",
                           "goal.revised",
                           "reflection.recorded",
                           "cohort.created",
                           "cohort.enrolled",
                           NULL};
    const int expected[] = {4, 2, 1, 8, 2, 2, 2, 1, 1};
    int counts[9] = {0};
    const char *token = NULL;
    zlistx_t *events =
        tk_replay_all (directory_instance (f->directory, "training")->replay, 1);
    int64_t seq = 1;
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events)) {
        CHECK (tk_int (e, "seq") == seq++);
        CHECK (streq (tk_str (e, "service"), "training"));
        s_count_type (tk_str (e, "type"), types, counts);
        char *json = tk_json (e);
        CHECK (!strstr (json, SECRET_GOAL) && !strstr (json, SECRET_NOTE)
               && !strstr (json, "depression") && !strstr (json, "\"c-1\""));
        free (json);
        if (streq (tk_str (e, "type"), "expert.assigned") && !token)
            token = strdup (tk_str (e, "candidate"));
    }
    for (int i = 0; types[i]; i++)
        if (!CHECK (counts[i] == expected[i]))
            fprintf (stderr, "  %s: %d events, expected %d\n", types[i], counts[i],
                     expected[i]);
    //  c-1's events now carry intake's token for the erasure.
    CHECK (token && strncmp (token, "anon-", 5) == 0);
    free ((char *) token);
    tk_events_destroy (&events);
}

//  Without "after" training still learns of an admission, soon.
static void
test_eventually (fixture_t *f)
{
    s_admitted (f, "nijmegen", "c-late");
    bool seen = false;
    int64_t deadline = zclock_mono () + 5000;
    while (!seen && zclock_mono () < deadline) {
        tk_msg_t *r =
            tk_call (f->tr, "{\"cmd\":\"cohort.candidates\",\"office\":\"nijmegen\","
                            "\"status\":\"admitted\"}");
        for (int i = 0; r && i < tk_int (r, "count"); i++) {
            char path[32];
            snprintf (path, sizeof path, "candidates.%d.id", i);
            seen = seen || streq (tk_str (r, path), "c-late");
        }
        tk_msg_destroy (&r);
        if (!seen)
            zclock_sleep (20);
    }
    CHECK (seen);
}

//  --------------------------------------------------------------------------

static void
s_start (fixture_t *f)
{
    f->intake = tk_start (intake_service (), "intake", f->dir, f->directory);
    training_rules_t rules = {8, true};
    f->def = training_service_new (&rules);
    f->training = tk_start (f->def, "training", f->dir, f->directory);
    f->in = tk_client_new (directory_instance (f->directory, "intake")->command);
    f->tr = tk_client_new (directory_instance (f->directory, "training")->command);
}

int
main (void)
{
    zsys_init ();
    fixture_t f = {tk_tmpdir (), NULL, NULL, NULL, NULL, NULL, NULL, 0};
    f.directory = directory_new_defaults (tk_port_base ());
    s_start (&f);
    const char *admitted[] = {"c-1", "c-2", "c-3", "c-4"};
    for (int i = 0; i < 4; i++)
        s_admitted (&f, "nijmegen", admitted[i]);
    s_admitted (&f, "arnhem", "c-arn");
    test_experts (&f);
    test_expert_refusals (&f);
    test_assign (&f);
    test_suggest (&f);
    test_activities (&f);
    test_activity_listing (&f);
    test_goals (&f);
    test_revisions (&f);
    test_reflections (&f);
    test_erasure (&f);
    test_stream (&f);
    test_eventually (&f);
    tk_client_destroy (&f.in);
    tk_client_destroy (&f.tr);
    zactor_destroy (&f.training);
    zactor_destroy (&f.intake);
    training_service_destroy (&f.def);
    directory_destroy (&f.directory);
    tk_rmdir (&f.dir);
    return tk_done ("test_training");
}
