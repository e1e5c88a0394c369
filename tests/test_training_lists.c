/*  test_training_lists - training's lists and export: expert.list,
    cohort.list, expert.time and training.export, their content, pages,
    filters and errors, and who may see what when the gateway asks as a
    person (a trainer only their cohorts, an expert only their own time, a
    manager no export).  */
#include "intake.h"
#include "listkit.h"
#include "placement.h"
#include "training.h"

#define NIJ "\"office\":\"nijmegen\""

//  Texts of c-01's goal and reflection: the overview must not show them.
#define GOAL_TEXT  "Elke dinsdag op tijd bij de tuin"
#define REVISED    "Elke dinsdag en donderdag op tijd"
#define WENT_WELL  "Ik belde toen ik te laat was"
#define SITUATION  "Ik kom vaak te laat"
#define ACTION_TXT "Wekker om zeven uur"

static void
s_admit (lk_t *lk, const char *id)
{
    lk_ok (lk, "intake", NULL,
           "{\"cmd\":\"candidate.register\"," NIJ ",\"id\":\"%s\"," TK_REGISTER_REST, id);
    lk_ok (lk, "intake", NULL,
           "{\"cmd\":\"candidate.info_session\"," NIJ ",\"id\":\"%s\","
           "\"date\":\"2020-01-08\"}",
           id);
    lk_ok (lk, "intake", NULL,
           "{\"cmd\":\"candidate.admit\"," NIJ ",\"id\":\"%s\",\"date\":\"2020-01-09\"}",
           id);
}

static void
s_setup (lk_t *lk)
{
    lk_person (lk, "anna", "coordinator", "nijmegen", NULL, NULL);
    lk_person (lk, "tess", "trainer", "nijmegen", "trainer", "t-1");
    lk_person (lk, "eva", "expert", "nijmegen", "expert", "e-1");
    lk_person (lk, "ella", "expert", "nijmegen", "expert", "e-2");
    lk_person (lk, "mia", "manager", "*", NULL, NULL);
    for (int i = 1; i <= 6; i++) {
        char id[8];
        snprintf (id, sizeof id, "c-0%d", i);
        s_admit (lk, id);
    }
    lk_ok (lk, "intake", NULL,
           "{\"cmd\":\"candidate.register\",\"office\":\"arnhem\",\"id\":\"c-ar\","
           "" TK_REGISTER_REST);
}

//  --------------------------------------------------------------------------

#define EXPERT                                                                           \
    "{\"cmd\":\"expert.register\",\"office\":\"%s\",\"id\":\"%s\",\"paid\":%s,"          \
    "\"fte\":%s,\"experience\":[%s],\"max_caseload\":5}"

static void
test_expert_list (lk_t *lk)
{
    lk_ok (lk, "training", NULL, EXPERT, "nijmegen", "e-1", "true", "0.5",
           "\"anxiety\",\"debt\"");
    for (int i = 2; i <= 7; i++) {
        char id[8];
        snprintf (id, sizeof id, "e-%d", i);
        lk_ok (lk, "training", NULL, EXPERT, "nijmegen", id, i % 2 ? "true" : "false",
               "0.2", "\"autism\"");
    }
    lk_ok (lk, "training", NULL, EXPERT, "arnhem", "e-ar", "true", "1", "");
    for (int i = 1; i <= 2; i++)
        lk_ok (lk, "training", NULL,
               "{\"cmd\":\"expert.assign\"," NIJ ",\"expert\":\"e-1\","
               "\"candidate\":\"c-0%d\",\"date\":\"2020-01-10\"}",
               i);
    //  Every page: 3, 3 and the last 1; exactly full; one default page.
    char *ids = lk_walk (lk, "training", "anna", 3, "experts", "id",
                         "{\"cmd\":\"expert.list\"," NIJ "}");
    CHECK (streq (ids, "e-1 e-2 e-3 e-4 e-5 e-6 e-7"));
    free (ids);
    ids = lk_walk (lk, "training", NULL, 7, "experts", "id",
                   "{\"cmd\":\"expert.list\"," NIJ "}");
    CHECK (streq (ids, "e-1 e-2 e-3 e-4 e-5 e-6 e-7"));
    free (ids);
    tk_msg_t *r =
        lk_call (lk, "training", "anna", NULL, NULL, "{\"cmd\":\"expert.list\"," NIJ "}");
    CHECK (tk_int (r, "count") == 7 && !tk_get (r, "next"));
    CHECK (streq (tk_str (r, "experts.0.id"), "e-1"));
    CHECK (tk_get (r, "experts.0.paid")->via.boolean);
    CHECK (tk_get (r, "experts.0.fte")->via.f64 == 0.5);
    CHECK (streq (tk_str (r, "experts.0.experience.1"), "debt"));
    CHECK (tk_int (r, "experts.0.max_caseload") == 5 && tk_int (r, "experts.0.load") == 2
           && tk_int (r, "experts.0.free") == 3);
    CHECK (!tk_get (r, "experts.1.paid")->via.boolean
           && tk_int (r, "experts.1.load") == 0);
    tk_msg_destroy (&r);
    //  From a page's last id, known or not; another office's own list.
    r = lk_call (lk, "training", NULL, NULL, NULL,
                 "{\"cmd\":\"expert.list\"," NIJ ",\"%s\":\"e-5\"}", lk_page_key ());
    char *listed = lk_ids (r, "experts", "id");
    CHECK (streq (listed, "e-6 e-7") && !tk_get (r, "next"));
    free (listed);
    tk_msg_destroy (&r);
    r = lk_call (lk, "training", NULL, NULL, NULL,
                 "{\"cmd\":\"expert.list\"," NIJ ",\"limit\":1,\"%s\":\"e-35\"}",
                 lk_page_key ());
    CHECK (streq (tk_str (r, "experts.0.id"), "e-4")
           && streq (tk_str (r, "next"), "e-4"));
    tk_msg_destroy (&r);
    r = lk_call (lk, "training", NULL, NULL, NULL,
                 "{\"cmd\":\"expert.list\",\"office\":\"arnhem\"}");
    listed = lk_ids (r, "experts", "id");
    CHECK (streq (listed, "e-ar"));
    free (listed);
    tk_msg_destroy (&r);
    //  Bad pages; only coordinators.
    lk_err (lk, "training", NULL, "invalid_argument", "limit",
            "{\"cmd\":\"expert.list\"," NIJ ",\"limit\":0}");
    lk_err (lk, "training", NULL, "invalid_argument", "limit",
            "{\"cmd\":\"expert.list\"," NIJ ",\"limit\":201}");
    lk_err (lk, "training", NULL, "invalid_argument", "limit",
            "{\"cmd\":\"expert.list\"," NIJ ",\"limit\":\"ten\"}");
    lk_err (lk, "training", NULL, "invalid_argument", lk_page_key (),
            "{\"cmd\":\"expert.list\"," NIJ ",\"%s\":\"no such id!\"}", lk_page_key ());
    lk_err (lk, "training", NULL, "invalid_argument", "status",
            "{\"cmd\":\"expert.list\"," NIJ ",\"status\":\"open\"}");
    const char *refused[] = {"eva", "tess", "mia"};
    for (int i = 0; i < 3; i++)
        lk_err (lk, "training", refused[i], "forbidden", "as",
                "{\"cmd\":\"expert.list\"," NIJ "}");
    lk_err (lk, "training", "anna", "forbidden", "office",
            "{\"cmd\":\"expert.list\",\"office\":\"arnhem\"}");
}

//  --------------------------------------------------------------------------

#define COHORT                                                                           \
    "{\"cmd\":\"cohort.create\",\"office\":\"%s\",\"id\":\"%s\","                        \
    "\"trainer_kind\":\"%s\",\"trainer\":\"%s\",\"start\":\"2020-02-01\"}"
#define ENROLL                                                                           \
    "{\"cmd\":\"cohort.enroll\"," NIJ ",\"cohort\":\"%s\",\"candidate\":\"c-0%d\","      \
    "\"date\":\"2020-01-20\"}"
#define MEETING                                                                          \
    "{\"cmd\":\"meeting.record\"," NIJ ",\"cohort\":\"k-1\",\"number\":%d,"              \
    "\"date\":\"%s\",\"present\":[%s]}"

//  k-1 finished (two meetings, c-01 certified), k-4 started, k-2 and k-3
//  open; k-3 trained by the experience expert e-1 (Eva).
static void
s_cohorts (lk_t *lk)
{
    lk_ok (lk, "training", NULL, COHORT, "nijmegen", "k-1", "professional", "t-1");
    lk_ok (lk, "training", NULL, COHORT, "nijmegen", "k-2", "professional", "t-9");
    lk_ok (lk, "training", NULL, COHORT, "nijmegen", "k-3", "experience_expert", "e-1");
    lk_ok (lk, "training", NULL, COHORT, "nijmegen", "k-4", "professional", "t-1");
    lk_ok (lk, "training", NULL, COHORT, "arnhem", "k-ar", "professional", "t-1");
    for (int i = 1; i <= 5; i++)
        lk_ok (lk, "training", NULL, ENROLL, "k-1", i);
    for (int i = 2; i <= 6; i++)
        lk_ok (lk, "training", NULL, ENROLL, "k-4", i);
    lk_ok (lk, "training", NULL, ENROLL, "k-2", 1);
    const char *started[] = {"k-1", "k-4"};
    for (int i = 0; i < 2; i++)
        lk_ok (lk, "training", NULL,
               "{\"cmd\":\"cohort.start\"," NIJ ",\"cohort\":\"%s\","
               "\"date\":\"2020-02-01\"}",
               started[i]);
    lk_ok (lk, "training", NULL, MEETING, 1, "2020-02-03", "\"c-01\",\"c-02\",\"c-03\"");
    lk_ok (lk, "training", NULL, MEETING, 2, "2020-02-10", "\"c-02\",\"c-01\"");
    lk_ok (lk, "training", NULL,
           "{\"cmd\":\"goal.set\"," NIJ ",\"id\":\"g-1\",\"candidate\":\"c-01\","
           "\"cohort\":\"k-1\",\"goal\":\"" GOAL_TEXT "\",\"situation\":\"" SITUATION
           "\",\"task\":\"t\",\"action\":\"" ACTION_TXT "\",\"result\":\"r\","
           "\"reflection\":\"x\",\"smart\":{\"concrete\":true,\"divisible\":true,"
           "\"measurable\":true,\"feasible\":false},\"date\":\"2020-02-03\"}");
    lk_ok (lk, "training", NULL,
           "{\"cmd\":\"goal.revise\"," NIJ ",\"id\":\"g-1\",\"goal\":\"" REVISED "\","
           "\"smart\":{\"feasible\":true},\"date\":\"2020-02-10\"}");
    lk_ok (lk, "training", NULL,
           "{\"cmd\":\"reflection.record\"," NIJ ",\"goal\":\"g-1\","
           "\"date\":\"2020-02-11\",\"action_taken\":\"a\",\"went_well\":\"" WENT_WELL
           "\",\"could_improve\":\"c\",\"supervisor_response\":\"s\","
           "\"improvement\":\"i\",\"signed_candidate\":true,"
           "\"signed_supervisor\":false}");
    tk_msg_t *r = lk_call (lk, "training", NULL, NULL, NULL,
                           "{\"cmd\":\"cohort.finish\"," NIJ ",\"cohort\":\"k-1\","
                           "\"date\":\"2020-02-12\"}");
    CHECK (streq (tk_str (r, "certified.0.candidate"), "c-01")
           && tk_get (r, "certified")->via.array.size == 1);
    tk_msg_destroy (&r);
}

static void
test_cohort_list (lk_t *lk)
{
    s_cohorts (lk);
    char *ids = lk_walk (lk, "training", "anna", 2, "cohorts", "id",
                         "{\"cmd\":\"cohort.list\"," NIJ "}");
    CHECK (streq (ids, "k-1 k-2 k-3 k-4"));
    free (ids);
    ids = lk_walk (lk, "training", "anna", 3, "cohorts", "id",
                   "{\"cmd\":\"cohort.list\"," NIJ "}");
    CHECK (streq (ids, "k-1 k-2 k-3 k-4"));
    free (ids);
    tk_msg_t *r =
        lk_call (lk, "training", NULL, NULL, NULL, "{\"cmd\":\"cohort.list\"," NIJ "}");
    CHECK (tk_int (r, "count") == 4);
    CHECK (streq (tk_str (r, "cohorts.0.status"), "finished")
           && streq (tk_str (r, "cohorts.0.trainer_kind"), "professional")
           && streq (tk_str (r, "cohorts.0.trainer"), "t-1")
           && streq (tk_str (r, "cohorts.0.start"), "2020-02-01")
           && streq (tk_str (r, "cohorts.0.started"), "2020-02-01")
           && streq (tk_str (r, "cohorts.0.finished"), "2020-02-12"));
    CHECK (tk_int (r, "cohorts.0.members") == 5
           && tk_int (r, "cohorts.0.meetings_recorded") == 2
           && tk_int (r, "cohorts.0.certificates") == 1);
    CHECK (streq (tk_str (r, "cohorts.1.status"), "open")
           && tk_int (r, "cohorts.1.members") == 1 && !tk_get (r, "cohorts.1.started")
           && tk_int (r, "cohorts.1.meetings_recorded") == 0);
    CHECK (streq (tk_str (r, "cohorts.2.trainer_kind"), "experience_expert"));
    tk_msg_destroy (&r);
    //  By status.
    const char *by_status[][2] = {
        {"open", "k-2 k-3"}, {"started", "k-4"}, {"finished", "k-1"}};
    for (int i = 0; i < 3; i++) {
        r = lk_call (lk, "training", NULL, NULL, NULL,
                     "{\"cmd\":\"cohort.list\"," NIJ ",\"status\":\"%s\"}",
                     by_status[i][0]);
        ids = lk_ids (r, "cohorts", "id");
        CHECK (streq (ids, by_status[i][1]));
        free (ids);
        tk_msg_destroy (&r);
    }
    lk_err (lk, "training", NULL, "invalid_argument", "status",
            "{\"cmd\":\"cohort.list\"," NIJ ",\"status\":\"running\"}");
    //  A trainer sees the cohorts they train, an expert who trains theirs,
    //  another expert none; a manager none at all.
    ids = lk_walk (lk, "training", "tess", 1, "cohorts", "id",
                   "{\"cmd\":\"cohort.list\"," NIJ "}");
    CHECK (streq (ids, "k-1 k-4"));
    free (ids);
    ids = lk_walk (lk, "training", "tess", 5, "cohorts", "id",
                   "{\"cmd\":\"cohort.list\"," NIJ ",\"status\":\"open\"}");
    CHECK (streq (ids, ""));
    free (ids);
    ids = lk_walk (lk, "training", "eva", 5, "cohorts", "id",
                   "{\"cmd\":\"cohort.list\"," NIJ "}");
    CHECK (streq (ids, "k-3"));
    free (ids);
    ids = lk_walk (lk, "training", "ella", 5, "cohorts", "id",
                   "{\"cmd\":\"cohort.list\"," NIJ "}");
    CHECK (streq (ids, ""));
    free (ids);
    lk_err (lk, "training", "mia", "forbidden", "as",
            "{\"cmd\":\"cohort.list\"," NIJ "}");
    lk_err (lk, "training", "tess", "forbidden", "office",
            "{\"cmd\":\"cohort.list\",\"office\":\"arnhem\"}");
    r = lk_call (lk, "training", NULL, NULL, NULL,
                 "{\"cmd\":\"cohort.list\",\"office\":\"arnhem\"}");
    ids = lk_ids (r, "cohorts", "id");
    CHECK (streq (ids, "k-ar"));
    free (ids);
    tk_msg_destroy (&r);
}

//  --------------------------------------------------------------------------

#define ACTIVITY                                                                         \
    "{\"cmd\":\"expert.activity\"," NIJ ",\"id\":\"%s\",\"expert\":\"%s\","              \
    "\"kind\":\"%s\",\"minutes\":%d,\"setting\":\"%s\"%s,\"date\":\"%s\"}"
#define TIME "{\"cmd\":\"expert.time\"," NIJ ",\"from\":\"%s\",\"to\":\"%s\"%s}"

static void
test_expert_time (lk_t *lk)
{
    lk_ok (lk, "training", "eva", ACTIVITY, "a-1", "e-1", "one_on_one", 30, "own_office",
           ",\"candidate\":\"c-01\"", "2020-02-03");
    lk_ok (lk, "training", "eva", ACTIVITY, "a-2", "e-1", "joint_talk", 45,
           "other_office", ",\"candidate\":\"c-02\"", "2020-02-10");
    lk_ok (lk, "training", "eva", ACTIVITY, "a-3", "e-1", "presentation", 60, "external",
           "", "2020-03-01");
    lk_ok (lk, "training", "eva", ACTIVITY, "a-4", "e-1", "network_contact", 20,
           "external", "", "2020-01-31");
    lk_ok (lk, "training", "ella", ACTIVITY, "a-5", "e-2", "workshop", 90, "own_office",
           "", "2020-02-20");
    //  Every expert of the office, a page at a time, for the manager.
    char *ids = lk_walk (lk, "training", "mia", 4, "experts", "expert", TIME,
                         "2020-02-01", "2020-03-01", "");
    CHECK (streq (ids, "e-1 e-2 e-3 e-4 e-5 e-6 e-7"));
    free (ids);
    tk_msg_t *r =
        lk_call (lk, "training", "mia", NULL, NULL, TIME, "2020-02-01", "2020-03-01", "");
    CHECK (tk_int (r, "count") == 7 && streq (tk_str (r, "from"), "2020-02-01")
           && streq (tk_str (r, "to"), "2020-03-01"));
    CHECK (streq (tk_str (r, "experts.0.expert"), "e-1")
           && tk_get (r, "experts.0.fte")->via.f64 == 0.5
           && tk_get (r, "experts.0.paid")->via.boolean);
    CHECK (tk_int (r, "experts.0.activities") == 3
           && tk_int (r, "experts.0.minutes") == 135);
    CHECK (tk_int (r, "experts.0.by_setting.own_office") == 30
           && tk_int (r, "experts.0.by_setting.other_office") == 45
           && tk_int (r, "experts.0.by_setting.external") == 60);
    CHECK (tk_int (r, "experts.0.by_kind.one_on_one") == 30
           && tk_int (r, "experts.0.by_kind.joint_talk") == 45
           && tk_int (r, "experts.0.by_kind.presentation") == 60
           && tk_int (r, "experts.0.by_kind.network_contact") == 0
           && tk_int (r, "experts.0.by_kind.employer_info") == 0);
    CHECK (tk_int (r, "experts.1.minutes") == 90
           && tk_int (r, "experts.1.by_kind.workshop") == 90);
    CHECK (tk_int (r, "experts.2.minutes") == 0
           && tk_int (r, "experts.2.activities") == 0);
    //  No candidate, no activity id: figures only.
    char *json = tk_json (r);
    CHECK (!strstr (json, "c-01") && !strstr (json, "a-1")
           && !strstr (json, "candidate"));
    free (json);
    tk_msg_destroy (&r);
    //  Both ends count.
    r = lk_call (lk, "training", "anna", NULL, NULL, TIME, "2020-01-31", "2020-01-31",
                 ",\"expert\":\"e-1\"");
    CHECK (tk_int (r, "count") == 1 && tk_int (r, "experts.0.minutes") == 20
           && tk_int (r, "experts.0.by_setting.external") == 20 && !tk_get (r, "next"));
    tk_msg_destroy (&r);
    //  An expert sees only their own time.
    r = lk_call (lk, "training", "ella", NULL, NULL, TIME, "2020-01-01", "2020-12-31",
                 ",\"expert\":\"e-2\"");
    CHECK (tk_int (r, "count") == 1 && streq (tk_str (r, "experts.0.expert"), "e-2")
           && tk_int (r, "experts.0.minutes") == 90);
    tk_msg_destroy (&r);
    lk_err (lk, "training", "ella", "forbidden", "expert", TIME, "2020-01-01",
            "2020-12-31", ",\"expert\":\"e-1\"");
    lk_err (lk, "training", "ella", "forbidden", "expert", TIME, "2020-01-01",
            "2020-12-31", "");
    lk_err (lk, "training", "tess", "forbidden", "as", TIME, "2020-01-01", "2020-12-31",
            ",\"expert\":\"e-1\"");
    //  Errors.
    lk_err (lk, "training", NULL, "invalid_argument", "to", TIME, "2020-02-01",
            "2020-01-31", "");
    lk_err (lk, "training", NULL, "invalid_argument", "from", TIME, "2020-02-30",
            "2020-03-31", "");
    lk_err (lk, "training", NULL, "invalid_argument", "to",
            "{\"cmd\":\"expert.time\"," NIJ ",\"from\":\"2020-02-01\"}");
    lk_err (lk, "training", NULL, "not_found", "expert", TIME, "2020-01-01", "2020-12-31",
            ",\"expert\":\"e-9\"");
    lk_err (lk, "training", NULL, "not_found", "expert", TIME, "2020-01-01", "2020-12-31",
            ",\"expert\":\"e-ar\"");
}

//  --------------------------------------------------------------------------

#define EXPORT "{\"cmd\":\"training.export\"," NIJ ",\"candidate\":\"%s\"%s}"

static void
s_place (lk_t *lk)
{
    lk_ok (lk, "placement", NULL,
           "{\"cmd\":\"host.register\"," NIJ ",\"id\":\"h-1\",\"name\":\"Tuin\","
           "\"sector\":\"groen\",\"client_org\":false,\"requirements\":{"
           "\"one_year\":true,\"hours_12_24\":true,\"function_profile\":true,"
           "\"onboarding\":true,\"fixed_supervisor\":true,\"buddy\":true,"
           "\"allows_training\":true,\"insured\":true,\"paid_job_effort\":true}}");
    lk_ok (lk, "placement", NULL,
           "{\"cmd\":\"vacancy.open\"," NIJ ",\"id\":\"v-1\",\"host\":\"h-1\","
           "\"function\":\"gardener\",\"hours_min\":12,\"hours_max\":24}");
    lk_ok (lk, "placement", NULL,
           "{\"cmd\":\"placement.propose\"," NIJ ",\"id\":\"p-1\",\"candidate\":\"c-01\","
           "\"vacancy\":\"v-1\",\"hours_per_week\":16,\"start\":\"2020-03-01\"}");
}

static void
s_check_export_full (tk_msg_t *r)
{
    CHECK (streq (tk_str (r, "candidate.id"), "c-01")
           && streq (tk_str (r, "candidate.status"), "admitted")
           && streq (tk_str (r, "candidate.office"), "nijmegen"));
    CHECK (tk_get (r, "texts")->via.boolean);
    CHECK (tk_get (r, "assignments")->via.array.size == 1
           && streq (tk_str (r, "assignments.0.expert"), "e-1")
           && streq (tk_str (r, "assignments.0.date"), "2020-01-10"));
    CHECK (tk_get (r, "memberships")->via.array.size == 2
           && streq (tk_str (r, "memberships.0.cohort"), "k-1")
           && streq (tk_str (r, "memberships.0.status"), "finished")
           && streq (tk_str (r, "memberships.0.enrolled"), "2020-01-20")
           && tk_int (r, "memberships.0.attended") == 2);
    CHECK (tk_get (r, "memberships.0.attendance")->via.array.size == 2
           && tk_int (r, "memberships.0.attendance.1.number") == 2
           && streq (tk_str (r, "memberships.0.attendance.1.date"), "2020-02-10")
           && tk_get (r, "memberships.0.attendance.1.present")->via.boolean);
    //  k-2 has not started: a member without meetings.
    CHECK (streq (tk_str (r, "memberships.1.cohort"), "k-2")
           && streq (tk_str (r, "memberships.1.status"), "open")
           && tk_int (r, "memberships.1.attended") == 0
           && tk_get (r, "memberships.1.attendance")->via.array.size == 0);
    CHECK (tk_get (r, "certificates")->via.array.size == 1
           && streq (tk_str (r, "certificates.0.cohort"), "k-1")
           && streq (tk_str (r, "certificates.0.date"), "2020-02-12")
           && tk_int (r, "certificates.0.attended") == 2);
    CHECK (tk_get (r, "goals")->via.array.size == 1
           && streq (tk_str (r, "goals.0.id"), "g-1")
           && streq (tk_str (r, "goals.0.cohort"), "k-1")
           && tk_int (r, "goals.0.revision") == 1
           && tk_get (r, "goals.0.smart_all")->via.boolean);
    CHECK (tk_get (r, "goals.0.history")->via.array.size == 1
           && tk_int (r, "goals.0.history.0.revision") == 0
           && !tk_get (r, "goals.0.history.0.smart.feasible")->via.boolean);
    CHECK (tk_get (r, "goals.0.reflections")->via.array.size == 1
           && tk_int (r, "goals.0.reflections.0.number") == 1
           && tk_get (r, "goals.0.reflections.0.signed_candidate")->via.boolean
           && !tk_get (r, "goals.0.reflections.0.signed_supervisor")->via.boolean);
    CHECK (tk_get (r, "activities")->via.array.size == 1
           && streq (tk_str (r, "activities.0.id"), "a-1")
           && streq (tk_str (r, "activities.0.expert"), "e-1")
           && streq (tk_str (r, "activities.0.kind"), "one_on_one")
           && tk_int (r, "activities.0.minutes") == 30);
    CHECK (tk_get (r, "placed_at")->via.array.size == 1
           && streq (tk_str (r, "placed_at.0"), "h-1"));
}

static void
test_export (lk_t *lk)
{
    s_place (lk);
    tk_msg_t *r = lk_call (lk, "training", "anna", NULL, NULL, EXPORT, "c-01", "");
    s_check_export_full (r);
    CHECK (streq (tk_str (r, "goals.0.goal"), REVISED)
           && streq (tk_str (r, "goals.0.situation"), SITUATION)
           && streq (tk_str (r, "goals.0.history.0.goal"), GOAL_TEXT)
           && streq (tk_str (r, "goals.0.reflections.0.went_well"), WENT_WELL));
    tk_msg_destroy (&r);
    //  The overview: the same records, no free text anywhere.
    r = lk_call (lk, "training", "anna", NULL, NULL, EXPORT, "c-01", ",\"texts\":false");
    CHECK (!tk_get (r, "texts")->via.boolean);
    CHECK (tk_get (r, "goals.0.smart.concrete")->via.boolean
           && !tk_get (r, "goals.0.goal") && !tk_get (r, "goals.0.history.0.goal")
           && !tk_get (r, "goals.0.reflections.0.went_well")
           && !tk_get (r, "goals.0.reflections.0.action_taken"));
    char *json = tk_json (r);
    const char *texts[] = {GOAL_TEXT, REVISED, WENT_WELL, SITUATION, ACTION_TXT};
    for (int i = 0; i < 5; i++)
        CHECK (!strstr (json, texts[i]));
    free (json);
    tk_msg_destroy (&r);
    //  A candidate with nothing in training but their record.
    r = lk_call (lk, "training", NULL, NULL, NULL, EXPORT, "c-06", "");
    CHECK (streq (tk_str (r, "candidate.id"), "c-06")
           && tk_get (r, "memberships")->via.array.size == 1
           && tk_get (r, "goals")->via.array.size == 0
           && tk_get (r, "assignments")->via.array.size == 0
           && tk_get (r, "placed_at")->via.array.size == 0);
    tk_msg_destroy (&r);
    //  Coordinators only; audited under the person's name.
    const char *refused[] = {"mia", "tess", "eva"};
    for (int i = 0; i < 3; i++)
        lk_err (lk, "training", refused[i], "forbidden", "as", EXPORT, "c-01", "");
    r = lk_call (lk, "training", NULL, NULL, NULL,
                 "{\"cmd\":\"audit.list\",\"caller\":\"anna\",\"record\":\"c-01\"}");
    const msgpack_object *entries = tk_get (r, "entries");
    int exports = 0;
    for (uint32_t i = 0; entries && i < entries->via.array.size; i++) {
        char cmd[64] = "";
        map_str (&entries->via.array.ptr[i], "cmd", cmd, sizeof cmd);
        exports += streq (cmd, "training.export");
    }
    CHECK (exports == 2);
    tk_msg_destroy (&r);
    //  Errors: unknown, another office's, malformed; erased.
    lk_err (lk, "training", NULL, "not_found", "candidate", EXPORT, "c-99", "");
    lk_err (lk, "training", NULL, "not_found", "candidate", EXPORT, "c-ar", "");
    lk_err (lk, "training", NULL, "invalid_argument", "candidate",
            "{\"cmd\":\"training.export\"," NIJ "}");
    lk_err (lk, "training", NULL, "invalid_argument", "texts", EXPORT, "c-01",
            ",\"texts\":\"no\"");
    lk_err (lk, "training", NULL, "invalid_argument", "candidate", EXPORT, "123456782",
            "");
    lk_ok (lk, "intake", NULL, "{\"cmd\":\"candidate.erase\"," NIJ ",\"id\":\"c-06\"}");
    lk_err (lk, "training", NULL, "not_found", "candidate", EXPORT, "c-06", "");
}

int
main (void)
{
    zsys_init ();
    service_def_t *intake = intake_service_new ();
    training_rules_t rules = {2, true};
    service_def_t *training = training_service_new (&rules);
    const service_def_t *defs[] = {intake, training, placement_service ()};
    lk_t *lk = lk_new (defs, 3);
    if (lk) {
        s_setup (lk);
        test_expert_list (lk);
        test_cohort_list (lk);
        test_expert_time (lk);
        test_export (lk);
    }
    lk_destroy (&lk);
    intake_service_destroy (&intake);
    training_service_destroy (&training);
    return tk_done ("test_training_lists");
}
