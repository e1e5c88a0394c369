/*  test_feedback_lists - feedback's paged lists (survey.list, signal.list),
    feedback.export, and what it learns from candidate.consent_changed: a
    withdrawn consent refuses new invitations. Intake here is the real one
    with one row more that publishes candidate.consent_changed as intake's
    candidate.consent does ({candidate, evaluation_contact}), so that the
    test does not depend on how intake decides it.  */
#include "feedback.h"
#include "intake.h"
#include "listkit.h"

#define NIJ        "\"office\":\"nijmegen\""
#define EXPERIENCE "De gesprekken met Ria gaven moed"
#define YIELD      "Ik solliciteer weer"
#define SIGNAL     "Registratie verschilt per adviseur"

//  --------------------------------------------------------------------------
//  Intake with the consent event

static int
s_consent (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    char id[CODEC_ID_MAX + 1];
    map_str (body, "candidate", id, sizeof id);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "candidate", id);
    //  A damaged event: the consent as a word, which feedback must ignore.
    if (map_bool (body, "as_text", false))
        kv_str (&f, "evaluation_contact", "no");
    else
        kv_bool (&f, "evaluation_contact", map_bool (body, "evaluation_contact", false));
    int rc = cmd_emit (ctx, "candidate.consent_changed", "2020-02-01", id, &f);
    kv_destroy (&f);
    return rc;
}

static const field_t s_consent_fields[] = {
    {"candidate", F_ID, true, 0, 0, 0, NULL, NULL},
    {"evaluation_contact", F_BOOL, true, 0, 0, 0, NULL, NULL},
    {"as_text", F_BOOL, false, 0, 0, 0, NULL, NULL},
    {NULL, 0, false, 0, 0, 0, NULL, NULL}};

static command_t s_rows[64];
static service_def_t s_intake;

//  intake's definition with one row more; real is destroyed by the caller.
static const service_def_t *
s_intake_with_consent (service_def_t *real)
{
    s_intake = *real;
    size_t n = 0;
    for (const command_t *row = s_intake.commands; row->name; row++)
        s_rows[n++] = *row;
    assert (n + 2 <= sizeof s_rows / sizeof s_rows[0]);
    s_rows[n++] =
        (command_t){"test.consent", s_consent_fields, s_consent, 0, R_COORDINATOR, NULL};
    s_rows[n] = (command_t){NULL, NULL, NULL, 0, 0, NULL};
    s_intake.commands = s_rows;
    return &s_intake;
}

//  --------------------------------------------------------------------------

#define REGISTER                                                                         \
    "{\"cmd\":\"candidate.register\",\"office\":\"%s\",\"id\":\"%s\","                   \
    "\"birth_year\":1985,\"referral\":\"uwv\",\"benefit\":\"wia\","                      \
    "\"treatment\":\"done\",\"criteria\":{\"psych_limitation\":true,"                    \
    "\"motivated\":true,\"willing_to_train\":true,\"arranges_benefits\":true,"           \
    "\"seeks_paid_work\":true},\"consent\":{\"processing\":true,"                        \
    "\"evaluation_contact\":%s},\"date\":\"2020-01-06\"}"
#define INVITE                                                                           \
    "{\"cmd\":\"survey.invite\"," NIJ ",\"id\":\"%s\",\"candidate\":\"%s\","             \
    "\"about\":\"%s\",\"date\":\"2020-02-%s\"}"
#define RESPOND                                                                          \
    "{\"cmd\":\"survey.respond\"," NIJ ",\"survey\":\"%s\",\"date\":\"2020-03-01\"%s}"
#define CONSENT                                                                          \
    "{\"cmd\":\"test.consent\",\"office\":\"%s\",\"candidate\":\"%s\","                  \
    "\"evaluation_contact\":%s%s}"

static void
s_setup (lk_t *lk)
{
    lk_person (lk, "anna", "coordinator", "nijmegen", NULL, NULL);
    lk_person (lk, "mia", "manager", "*", NULL, NULL);
    lk_person (lk, "eva", "expert", "nijmegen", "expert", "e-1");
    const char *yes[] = {"c-01", "c-02", "c-03"};
    for (int i = 0; i < 3; i++)
        lk_ok (lk, "intake", NULL, REGISTER, "nijmegen", yes[i], "true");
    lk_ok (lk, "intake", NULL, REGISTER, "nijmegen", "c-no", "false");
    lk_ok (lk, "intake", NULL, REGISTER, "arnhem", "c-ar", "true");
    //  s-01..s-07: c-01 four times, c-02 twice, c-03 once.
    const char *surveys[][4] = {
        {"s-01", "c-01", "expert", "01"},    {"s-02", "c-02", "training", "02"},
        {"s-03", "c-01", "training", "03"},  {"s-04", "c-03", "programme", "04"},
        {"s-05", "c-01", "placement", "05"}, {"s-06", "c-02", "expert", "06"},
        {"s-07", "c-01", "programme", "07"}};
    for (int i = 0; i < 7; i++)
        lk_ok (lk, "feedback", NULL, INVITE, surveys[i][0], surveys[i][1], surveys[i][2],
               surveys[i][3]);
    lk_ok (lk, "feedback", NULL, RESPOND, "s-01",
           ",\"experience\":\"" EXPERIENCE "\",\"yield\":\"" YIELD "\",\"grade\":8.5");
    lk_ok (lk, "feedback", NULL, RESPOND, "s-03", ",\"grade\":7");
    lk_ok (lk, "feedback", NULL, RESPOND, "s-06", "");
    lk_ok (lk, "feedback", NULL,
           "{\"cmd\":\"survey.invite\",\"office\":\"arnhem\",\"id\":\"s-ar\","
           "\"candidate\":\"c-ar\",\"about\":\"expert\",\"date\":\"2020-02-01\"}");
}

//  The ids a feedback query lists (one page).
static void
s_expect_ids (lk_t *lk, const char *want, const char *key, const char *query)
{
    tk_msg_t *r = lk_call (lk, "feedback", NULL, NULL, NULL, "%s", query);
    char *ids = lk_ids (r, key, "id");
    if (!CHECK (streq (ids, want)))
        fprintf (stderr, "  %s listed '%s', expected '%s'\n", query, ids, want);
    int64_t words = *want ? 1 : 0;
    for (const char *c = want; *c; c++)
        words += *c == ' ';
    CHECK (tk_int (r, "count") == words);
    free (ids);
    tk_msg_destroy (&r);
}

static void
test_survey_list (lk_t *lk)
{
    char *ids = lk_walk (lk, "feedback", "anna", 3, "surveys", "id",
                         "{\"cmd\":\"survey.list\"," NIJ "}");
    CHECK (streq (ids, "s-01 s-02 s-03 s-04 s-05 s-06 s-07"));
    free (ids);
    ids = lk_walk (lk, "feedback", "anna", 7, "surveys", "id",
                   "{\"cmd\":\"survey.list\"," NIJ "}");
    CHECK (streq (ids, "s-01 s-02 s-03 s-04 s-05 s-06 s-07"));
    free (ids);
    //  A candidate's, through the index, a page at a time; with filters.
    ids = lk_walk (lk, "feedback", "anna", 1, "surveys", "id",
                   "{\"cmd\":\"survey.list\"," NIJ ",\"candidate\":\"c-01\"}");
    CHECK (streq (ids, "s-01 s-03 s-05 s-07"));
    free (ids);
    ids = lk_walk (lk, "feedback", "anna", 1, "surveys", "id",
                   "{\"cmd\":\"survey.list\"," NIJ ",\"candidate\":\"c-01\","
                   "\"status\":\"responded\"}");
    CHECK (streq (ids, "s-01 s-03"));
    free (ids);
    ids = lk_walk (lk, "feedback", "anna", 2, "surveys", "id",
                   "{\"cmd\":\"survey.list\"," NIJ ",\"status\":\"invited\"}");
    CHECK (streq (ids, "s-02 s-04 s-05 s-07"));
    free (ids);
    s_expect_ids (lk, "s-02 s-03", "surveys",
                  "{\"cmd\":\"survey.list\"," NIJ ",\"about\":\"training\"}");
    s_expect_ids (lk, "s-06", "surveys",
                  "{\"cmd\":\"survey.list\"," NIJ ",\"candidate\":\"c-02\","
                  "\"about\":\"expert\"}");
    s_expect_ids (lk, "", "surveys",
                  "{\"cmd\":\"survey.list\"," NIJ ",\"candidate\":\"c-no\"}");
    s_expect_ids (lk, "", "surveys",
                  "{\"cmd\":\"survey.list\"," NIJ ",\"candidate\":\"c-ar\"}");
    s_expect_ids (lk, "s-ar", "surveys",
                  "{\"cmd\":\"survey.list\",\"office\":\"arnhem\"}");
    char *query = zsys_sprintf ("{\"cmd\":\"survey.list\"," NIJ ",\"candidate\":\"c-01\","
                                "\"%s\":\"s-03\"}",
                                lk_page_key ());
    s_expect_ids (lk, "s-05 s-07", "surveys", query);
    free (query);
    query = zsys_sprintf ("{\"cmd\":\"survey.list\"," NIJ ",\"%s\":\"s-06\"}",
                          lk_page_key ());
    s_expect_ids (lk, "s-07", "surveys", query);
    free (query);
    //  Content, without texts.
    tk_msg_t *r = lk_call (lk, "feedback", NULL, NULL, NULL,
                           "{\"cmd\":\"survey.list\"," NIJ ",\"limit\":1}");
    CHECK (streq (tk_str (r, "surveys.0.candidate"), "c-01")
           && streq (tk_str (r, "surveys.0.about"), "expert")
           && streq (tk_str (r, "surveys.0.status"), "responded")
           && tk_get (r, "surveys.0.grade")->via.f64 == 8.5
           && streq (tk_str (r, "next"), "s-01"));
    char *json = tk_json (r);
    CHECK (!strstr (json, EXPERIENCE) && !strstr (json, YIELD));
    free (json);
    tk_msg_destroy (&r);
    lk_err (lk, "feedback", "mia", "forbidden", "as",
            "{\"cmd\":\"survey.list\"," NIJ "}");
    lk_err (lk, "feedback", NULL, "invalid_argument", "limit",
            "{\"cmd\":\"survey.list\"," NIJ ",\"limit\":300}");
    lk_err (lk, "feedback", NULL, "invalid_argument", "status",
            "{\"cmd\":\"survey.list\"," NIJ ",\"status\":\"lost\"}");
}

static void
test_signal_list (lk_t *lk)
{
    for (int i = 1; i <= 5; i++)
        lk_ok (lk, "feedback", i == 1 ? "eva" : NULL,
               "{\"cmd\":\"signal.report\"," NIJ ",\"id\":\"sig-%d\","
               "\"category\":\"registration\",\"text\":\"" SIGNAL " %d\","
               "\"date\":\"2020-02-0%d\"}",
               i, i, i);
    lk_ok (lk, "feedback", NULL,
           "{\"cmd\":\"signal.report\",\"office\":\"arnhem\",\"id\":\"sig-ar\","
           "\"category\":\"time_split\",\"text\":\"x\",\"date\":\"2020-02-01\"}");
    const char *resolved[] = {"sig-2", "sig-4"};
    for (int i = 0; i < 2; i++)
        lk_ok (lk, "feedback", NULL,
               "{\"cmd\":\"signal.resolve\"," NIJ
               ",\"id\":\"%s\",\"date\":\"2020-02-20\"}",
               resolved[i]);
    char *ids = lk_walk (lk, "feedback", "anna", 2, "signals", "id",
                         "{\"cmd\":\"signal.list\"," NIJ "}");
    CHECK (streq (ids, "sig-1 sig-2 sig-3 sig-4 sig-5"));
    free (ids);
    ids = lk_walk (lk, "feedback", "anna", 1, "signals", "id",
                   "{\"cmd\":\"signal.list\"," NIJ ",\"status\":\"open\"}");
    CHECK (streq (ids, "sig-1 sig-3 sig-5"));
    free (ids);
    s_expect_ids (lk, "sig-2 sig-4", "signals",
                  "{\"cmd\":\"signal.list\"," NIJ ",\"status\":\"resolved\"}");
    s_expect_ids (lk, "sig-ar", "signals",
                  "{\"cmd\":\"signal.list\",\"office\":\"arnhem\"}");
    tk_msg_t *r = lk_call (lk, "feedback", NULL, NULL, NULL,
                           "{\"cmd\":\"signal.list\"," NIJ ",\"status\":\"resolved\","
                           "\"limit\":1}");
    CHECK (streq (tk_str (r, "signals.0.id"), "sig-2")
           && streq (tk_str (r, "signals.0.text"), SIGNAL " 2")
           && streq (tk_str (r, "signals.0.resolved"), "2020-02-20")
           && streq (tk_str (r, "next"), "sig-2"));
    tk_msg_destroy (&r);
    lk_err (lk, "feedback", "eva", "forbidden", "as",
            "{\"cmd\":\"signal.list\"," NIJ "}");
    lk_err (lk, "feedback", NULL, "invalid_argument", "status",
            "{\"cmd\":\"signal.list\"," NIJ ",\"status\":\"closed\"}");
    lk_err (lk, "feedback", NULL, "invalid_argument", lk_page_key (),
            "{\"cmd\":\"signal.list\"," NIJ ",\"%s\":7}", lk_page_key ());
}

//  --------------------------------------------------------------------------

#define EXPORT "{\"cmd\":\"feedback.export\"," NIJ ",\"candidate\":\"%s\"%s}"

static void
test_export (lk_t *lk)
{
    tk_msg_t *r = lk_call (lk, "feedback", "anna", NULL, NULL, EXPORT, "c-01", "");
    CHECK (streq (tk_str (r, "candidate.id"), "c-01")
           && streq (tk_str (r, "candidate.registered"), "2020-01-06")
           && tk_get (r, "candidate.evaluation_contact")->via.boolean
           && tk_get (r, "texts")->via.boolean);
    CHECK (tk_get (r, "surveys")->via.array.size == 4
           && streq (tk_str (r, "surveys.0.id"), "s-01")
           && streq (tk_str (r, "surveys.0.experience"), EXPERIENCE)
           && streq (tk_str (r, "surveys.0.yield"), YIELD)
           && tk_get (r, "surveys.0.grade")->via.f64 == 8.5
           && streq (tk_str (r, "surveys.1.id"), "s-03")
           && tk_get (r, "surveys.1.grade")->via.f64 == 7.0
           && !tk_get (r, "surveys.1.experience")
           && streq (tk_str (r, "surveys.3.status"), "invited"));
    tk_msg_destroy (&r);
    r = lk_call (lk, "feedback", "anna", NULL, NULL, EXPORT, "c-01", ",\"texts\":false");
    CHECK (tk_get (r, "surveys")->via.array.size == 4
           && tk_get (r, "surveys.0.grade")->via.f64 == 8.5
           && !tk_get (r, "surveys.0.experience") && !tk_get (r, "texts")->via.boolean);
    char *json = tk_json (r);
    CHECK (!strstr (json, EXPERIENCE) && !strstr (json, YIELD));
    free (json);
    tk_msg_destroy (&r);
    r = lk_call (lk, "feedback", NULL, NULL, NULL, EXPORT, "c-no", "");
    CHECK (tk_get (r, "surveys")->via.array.size == 0
           && !tk_get (r, "candidate.evaluation_contact")->via.boolean);
    tk_msg_destroy (&r);
    lk_err (lk, "feedback", "mia", "forbidden", "as", EXPORT, "c-01", "");
    lk_err (lk, "feedback", "eva", "forbidden", "as", EXPORT, "c-01", "");
    r = lk_call (lk, "feedback", NULL, NULL, NULL,
                 "{\"cmd\":\"audit.list\",\"caller\":\"anna\",\"record\":\"c-01\"}");
    const msgpack_object *entries = tk_get (r, "entries");
    int exports = 0;
    for (uint32_t i = 0; entries && i < entries->via.array.size; i++) {
        char cmd[64] = "";
        map_str (&entries->via.array.ptr[i], "cmd", cmd, sizeof cmd);
        exports += streq (cmd, "feedback.export");
    }
    CHECK (exports == 2);
    tk_msg_destroy (&r);
    lk_err (lk, "feedback", NULL, "not_found", "candidate", EXPORT, "c-99", "");
    lk_err (lk, "feedback", NULL, "not_found", "candidate", EXPORT, "c-ar", "");
    lk_err (lk, "feedback", NULL, "invalid_argument", "candidate",
            "{\"cmd\":\"feedback.export\"," NIJ "}");
    lk_err (lk, "feedback", NULL, "invalid_argument", "texts", EXPORT, "c-01",
            ",\"texts\":0");
}

//  --------------------------------------------------------------------------

static void
test_consent (lk_t *lk)
{
    //  Withdrawn: no new invitation; the one already made answers as before.
    lk_ok (lk, "intake", NULL, CONSENT, "nijmegen", "c-02", "false", "");
    lk_err (lk, "feedback", NULL, "failed_precondition", "candidate", INVITE, "s-10",
            "c-02", "expert", "10");
    lk_ok (lk, "feedback", NULL, INVITE, "s-02", "c-02", "training", "02");
    tk_msg_t *r = lk_call (lk, "feedback", NULL, NULL, NULL, EXPORT, "c-02", "");
    CHECK (!tk_get (r, "candidate.evaluation_contact")->via.boolean);
    tk_msg_destroy (&r);
    //  Given again, and given for the first time.
    lk_ok (lk, "intake", NULL, CONSENT, "nijmegen", "c-02", "true", "");
    lk_ok (lk, "feedback", NULL, INVITE, "s-10", "c-02", "expert", "10");
    lk_err (lk, "feedback", NULL, "failed_precondition", "candidate", INVITE, "s-11",
            "c-no", "expert", "10");
    lk_ok (lk, "intake", NULL, CONSENT, "nijmegen", "c-no", "true", "");
    lk_ok (lk, "feedback", NULL, INVITE, "s-11", "c-no", "expert", "10");
    //  What is not a yes or no, or names another office, changes nothing.
    lk_ok (lk, "intake", NULL, CONSENT, "nijmegen", "c-03", "false", ",\"as_text\":true");
    lk_ok (lk, "intake", NULL, CONSENT, "arnhem", "c-03", "false", "");
    lk_ok (lk, "intake", NULL, CONSENT, "nijmegen", "c-none", "false", "");
    lk_ok (lk, "feedback", NULL, INVITE, "s-12", "c-03", "expert", "10");
    //  Feedback kept following: a withdrawal after those still counts.
    lk_ok (lk, "intake", NULL, CONSENT, "nijmegen", "c-03", "false", "");
    lk_err (lk, "feedback", NULL, "failed_precondition", "candidate", INVITE, "s-13",
            "c-03", "expert", "10");
    //  Intake's own command, as a coordinator sends it.
    lk_ok (lk, "intake", NULL,
           "{\"cmd\":\"candidate.consent\"," NIJ ",\"id\":\"c-01\","
           "\"evaluation_contact\":false,\"date\":\"2020-02-10\"}");
    lk_err (lk, "feedback", NULL, "failed_precondition", "candidate", INVITE, "s-14",
            "c-01", "expert", "10");
    lk_ok (lk, "intake", NULL,
           "{\"cmd\":\"candidate.consent\"," NIJ ",\"id\":\"c-01\","
           "\"evaluation_contact\":true,\"date\":\"2020-02-11\"}");
    lk_ok (lk, "feedback", NULL, INVITE, "s-14", "c-01", "expert", "11");
}

int
main (void)
{
    zsys_init ();
    service_def_t *intake = intake_service_new ();
    const service_def_t *defs[] = {s_intake_with_consent (intake), feedback_service ()};
    lk_t *lk = lk_new (defs, 2);
    if (lk) {
        s_setup (lk);
        test_survey_list (lk);
        test_signal_list (lk);
        test_export (lk);
        test_consent (lk);
    }
    lk_destroy (&lk);
    intake_service_destroy (&intake);
    return tk_done ("test_feedback_lists");
}
