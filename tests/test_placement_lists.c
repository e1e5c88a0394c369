/*  test_placement_lists - placement's lists and export: host.list,
    vacancy.list, placement.list and placement.export, their content,
    pages, filters and errors, and who may see what when the gateway asks
    as a person (a host's supervisor only their host, its vacancies and the
    placements at it; a manager nothing of a person).  */
#include "intake.h"
#include "listkit.h"
#include "placement.h"

#define NIJ "\"office\":\"nijmegen\""
//  People at a host: only the export with texts names them.
#define SUPERVISOR "Joke Smit"
#define BUDDY      "Ahmed Bakker"

static void
s_admit (lk_t *lk, const char *office, const char *id)
{
    lk_ok (lk, "intake", NULL,
           "{\"cmd\":\"candidate.register\",\"office\":\"%s\",\"id\":\"%s\","
           "\"birth_year\":1980,\"referral\":\"self\",\"benefit\":\"none\","
           "\"treatment\":\"done\",\"criteria\":{\"psych_limitation\":true,"
           "\"motivated\":true,\"willing_to_train\":true,\"arranges_benefits\":true,"
           "\"seeks_paid_work\":true},\"consent\":{\"processing\":true,"
           "\"evaluation_contact\":false},\"wishes\":{\"function\":\"gardener\","
           "\"sector\":\"groen\"},\"date\":\"2020-01-06\"}",
           office, id);
    lk_ok (lk, "intake", NULL,
           "{\"cmd\":\"candidate.info_session\",\"office\":\"%s\",\"id\":\"%s\","
           "\"date\":\"2020-01-08\"}",
           office, id);
    lk_ok (lk, "intake", NULL,
           "{\"cmd\":\"candidate.admit\",\"office\":\"%s\",\"id\":\"%s\","
           "\"date\":\"2020-01-09\"}",
           office, id);
}

#define HOST                                                                             \
    "{\"cmd\":\"host.register\",\"office\":\"%s\",\"id\":\"%s\",\"name\":\"%s\","        \
    "\"sector\":\"%s\",\"client_org\":%s,\"requirements\":{\"one_year\":true,"           \
    "\"hours_12_24\":true,\"function_profile\":true,\"onboarding\":true,"                \
    "\"fixed_supervisor\":true,\"buddy\":true,\"allows_training\":true,"                 \
    "\"insured\":%s,\"paid_job_effort\":true}}"
#define VACANCY                                                                          \
    "{\"cmd\":\"vacancy.open\",\"office\":\"%s\",\"id\":\"%s\",\"host\":\"%s\","         \
    "\"function\":\"%s\",\"hours_min\":%d,\"hours_max\":%d}"
#define PROPOSE                                                                          \
    "{\"cmd\":\"placement.propose\"," NIJ ",\"id\":\"%s\",\"candidate\":\"%s\","         \
    "\"vacancy\":\"%s\",\"hours_per_week\":16,\"start\":\"2020-03-01\"%s}"
#define SIGN                                                                             \
    "{\"cmd\":\"placement.sign\"," NIJ ",\"id\":\"%s\",\"agreement\":\"%s\","            \
    "\"date\":\"2020-02-%s\"}"

//  p-1 (c-01 at h-1) ended in a paid job, p-2 (c-02 at h-1) started, p-3
//  (c-01 at h-2) and p-4 (c-03 at h-3) proposed.
static void
s_setup (lk_t *lk)
{
    lk_person (lk, "anna", "coordinator", "nijmegen", NULL, NULL);
    lk_person (lk, "hugo", "host_supervisor", "nijmegen", "host", "h-1");
    lk_person (lk, "hank", "host_supervisor", "nijmegen", "host", "h-2");
    lk_person (lk, "nora", "host_supervisor", "nijmegen", NULL, NULL);
    lk_person (lk, "mia", "manager", "*", NULL, NULL);
    const char *ids[] = {"c-01", "c-02", "c-03", "c-04"};
    for (int i = 0; i < 4; i++)
        s_admit (lk, "nijmegen", ids[i]);
    s_admit (lk, "arnhem", "c-ar");
    lk_ok (lk, "placement", NULL, HOST, "nijmegen", "h-1", "Tuin de Hof", "groen",
           "false", "true");
    lk_ok (lk, "placement", NULL, HOST, "nijmegen", "h-2", "Museum Het Valkhof",
           "cultuur", "false", "false");
    lk_ok (lk, "placement", NULL, HOST, "nijmegen", "h-3", "Cliëntenraad", "zorg", "true",
           "true");
    lk_ok (lk, "placement", NULL, HOST, "nijmegen", "h-4", "Bibliotheek", "cultuur",
           "false", "true");
    lk_ok (lk, "placement", NULL, HOST, "arnhem", "h-ar", "Kwekerij", "groen", "false",
           "true");
    lk_ok (lk, "placement", NULL, VACANCY, "nijmegen", "v-1", "h-1", "gardener", 12, 24);
    lk_ok (lk, "placement", NULL, VACANCY, "nijmegen", "v-2", "h-1", "host", 16, 20);
    lk_ok (lk, "placement", NULL, VACANCY, "nijmegen", "v-3", "h-2", "museum_host", 12,
           24);
    lk_ok (lk, "placement", NULL, VACANCY, "nijmegen", "v-4", "h-3", "admin", 12, 24);
    lk_ok (lk, "placement", NULL, VACANCY, "arnhem", "v-ar", "h-ar", "gardener", 12, 24);
    const char *named = ",\"supervisor\":\"" SUPERVISOR "\",\"buddy\":\"" BUDDY
                        "\",\"date\":\"2020-02-01\"";
    lk_ok (lk, "placement", NULL, PROPOSE, "p-1", "c-01", "v-1", named);
    lk_ok (lk, "placement", NULL, PROPOSE, "p-2", "c-02", "v-2", named);
    lk_ok (lk, "placement", NULL, PROPOSE, "p-3", "c-01", "v-3",
           ",\"supervisor\":\"" SUPERVISOR "\"");
    lk_ok (lk, "placement", NULL, PROPOSE, "p-4", "c-03", "v-4", "");
    const char *both[] = {"p-1", "p-2"};
    for (int i = 0; i < 2; i++) {
        lk_ok (lk, "placement", NULL, SIGN, both[i], "candidate_host", "10");
        lk_ok (lk, "placement", NULL, SIGN, both[i], "programme_host", "11");
        lk_ok (lk, "placement", NULL,
               "{\"cmd\":\"placement.start\"," NIJ ",\"id\":\"%s\","
               "\"date\":\"2020-03-02\"}",
               both[i]);
    }
    lk_ok (lk, "placement", NULL, SIGN, "p-3", "candidate_host", "12");
    const char *with[][2] = {{"trainer", "2020-04-01"}, {"coordinator", "2020-05-01"}};
    for (int i = 0; i < 2; i++)
        lk_ok (lk, "placement", NULL,
               "{\"cmd\":\"placement.contact\"," NIJ ",\"id\":\"p-1\",\"with\":\"%s\","
               "\"date\":\"%s\"}",
               with[i][0], with[i][1]);
    lk_ok (lk, "placement", NULL,
           "{\"cmd\":\"placement.end\"," NIJ ",\"id\":\"p-1\",\"date\":\"2020-09-01\","
           "\"outcome\":\"paid_job\",\"paid_job\":{\"employer_kind\":\"host\","
           "\"hours\":24,\"contract\":\"temporary\"}}");
}

//  The ids a query lists (one page).
static void
s_expect_ids (lk_t *lk, const char *as, const char *want, const char *key,
              const char *query)
{
    tk_msg_t *r = lk_call (lk, "placement", as, NULL, NULL, "%s", query);
    char *ids = lk_ids (r, key, "id");
    if (!CHECK (streq (ids, want)))
        fprintf (stderr, "  %s listed '%s', expected '%s'\n", query, ids, want);
    free (ids);
    tk_msg_destroy (&r);
}

//  --------------------------------------------------------------------------

static void
test_host_list (lk_t *lk)
{
    char *ids = lk_walk (lk, "placement", "anna", 2, "hosts", "id",
                         "{\"cmd\":\"host.list\"," NIJ "}");
    CHECK (streq (ids, "h-1 h-2 h-3 h-4"));
    free (ids);
    ids = lk_walk (lk, "placement", NULL, 3, "hosts", "id",
                   "{\"cmd\":\"host.list\"," NIJ "}");
    CHECK (streq (ids, "h-1 h-2 h-3 h-4"));
    free (ids);
    tk_msg_t *r =
        lk_call (lk, "placement", NULL, NULL, NULL, "{\"cmd\":\"host.list\"," NIJ "}");
    CHECK (tk_int (r, "count") == 4 && !tk_get (r, "next"));
    CHECK (streq (tk_str (r, "hosts.0.name"), "Tuin de Hof")
           && streq (tk_str (r, "hosts.0.sector"), "groen")
           && tk_get (r, "hosts.0.meets_requirements")->via.boolean
           && tk_get (r, "hosts.0.unmet")->via.array.size == 0
           && !tk_get (r, "hosts.0.client_org")->via.boolean);
    CHECK (!tk_get (r, "hosts.1.meets_requirements")->via.boolean
           && tk_get (r, "hosts.1.unmet")->via.array.size == 1
           && streq (tk_str (r, "hosts.1.unmet.0"), "insured"));
    CHECK (tk_get (r, "hosts.2.client_org")->via.boolean);
    tk_msg_destroy (&r);
    s_expect_ids (lk, NULL, "h-ar", "hosts",
                  "{\"cmd\":\"host.list\",\"office\":\"arnhem\"}");
    //  A supervisor sees their own host; one linked to none sees none.
    s_expect_ids (lk, "hugo", "h-1", "hosts", "{\"cmd\":\"host.list\"," NIJ "}");
    s_expect_ids (lk, "hank", "h-2", "hosts",
                  "{\"cmd\":\"host.list\"," NIJ ",\"limit\":1}");
    s_expect_ids (lk, "nora", "", "hosts", "{\"cmd\":\"host.list\"," NIJ "}");
    lk_err (lk, "placement", "mia", "forbidden", "as", "{\"cmd\":\"host.list\"," NIJ "}");
    lk_err (lk, "placement", "hugo", "forbidden", "office",
            "{\"cmd\":\"host.list\",\"office\":\"arnhem\"}");
    lk_err (lk, "placement", NULL, "invalid_argument", "limit",
            "{\"cmd\":\"host.list\"," NIJ ",\"limit\":-1}");
    lk_err (lk, "placement", NULL, "invalid_argument", "host",
            "{\"cmd\":\"host.list\"," NIJ ",\"host\":\"h-1\"}");
}

static void
test_vacancy_list (lk_t *lk)
{
    char *ids = lk_walk (lk, "placement", "anna", 3, "vacancies", "id",
                         "{\"cmd\":\"vacancy.list\"," NIJ "}");
    CHECK (streq (ids, "v-1 v-2 v-3 v-4"));
    free (ids);
    ids = lk_walk (lk, "placement", "anna", 1, "vacancies", "id",
                   "{\"cmd\":\"vacancy.list\"," NIJ ",\"open\":true}");
    CHECK (streq (ids, "v-1 v-3 v-4"));
    free (ids);
    tk_msg_t *r = lk_call (lk, "placement", NULL, NULL, NULL,
                           "{\"cmd\":\"vacancy.list\"," NIJ ",\"open\":false}");
    CHECK (tk_int (r, "count") == 1 && streq (tk_str (r, "vacancies.0.id"), "v-2")
           && streq (tk_str (r, "vacancies.0.host"), "h-1")
           && streq (tk_str (r, "vacancies.0.function"), "host")
           && streq (tk_str (r, "vacancies.0.sector"), "groen")
           && tk_int (r, "vacancies.0.hours_min") == 16
           && tk_int (r, "vacancies.0.hours_max") == 20
           && !tk_get (r, "vacancies.0.open")->via.boolean
           && streq (tk_str (r, "vacancies.0.filled_by"), "p-2"));
    tk_msg_destroy (&r);
    s_expect_ids (lk, NULL, "v-1 v-2", "vacancies",
                  "{\"cmd\":\"vacancy.list\"," NIJ ",\"host\":\"h-1\"}");
    s_expect_ids (lk, NULL, "v-1", "vacancies",
                  "{\"cmd\":\"vacancy.list\"," NIJ ",\"host\":\"h-1\",\"open\":true}");
    s_expect_ids (lk, NULL, "", "vacancies",
                  "{\"cmd\":\"vacancy.list\"," NIJ ",\"host\":\"h-9\"}");
    s_expect_ids (lk, NULL, "v-ar", "vacancies",
                  "{\"cmd\":\"vacancy.list\",\"office\":\"arnhem\"}");
    //  A supervisor: their host's, asked for or not; not another's.
    s_expect_ids (lk, "hugo", "v-1 v-2", "vacancies",
                  "{\"cmd\":\"vacancy.list\"," NIJ "}");
    s_expect_ids (lk, "hugo", "v-2", "vacancies",
                  "{\"cmd\":\"vacancy.list\"," NIJ ",\"host\":\"h-1\",\"open\":false}");
    s_expect_ids (lk, "hank", "v-3", "vacancies", "{\"cmd\":\"vacancy.list\"," NIJ "}");
    lk_err (lk, "placement", "hugo", "forbidden", "host",
            "{\"cmd\":\"vacancy.list\"," NIJ ",\"host\":\"h-2\"}");
    lk_err (lk, "placement", "mia", "forbidden", "as",
            "{\"cmd\":\"vacancy.list\"," NIJ "}");
    lk_err (lk, "placement", NULL, "invalid_argument", "open",
            "{\"cmd\":\"vacancy.list\"," NIJ ",\"open\":\"yes\"}");
    lk_err (lk, "placement", NULL, "invalid_argument", "host",
            "{\"cmd\":\"vacancy.list\"," NIJ ",\"host\":\"h 1\"}");
}

static void
test_placement_list (lk_t *lk)
{
    char *ids = lk_walk (lk, "placement", "anna", 3, "placements", "id",
                         "{\"cmd\":\"placement.list\"," NIJ "}");
    CHECK (streq (ids, "p-1 p-2 p-3 p-4"));
    free (ids);
    //  Through the candidate's index, a page at a time.
    ids = lk_walk (lk, "placement", "anna", 1, "placements", "id",
                   "{\"cmd\":\"placement.list\"," NIJ ",\"candidate\":\"c-01\"}");
    CHECK (streq (ids, "p-1 p-3"));
    free (ids);
    const char *filters[][2] = {
        {",\"status\":\"proposed\"", "p-3 p-4"},
        {",\"status\":\"started\"", "p-2"},
        {",\"status\":\"ended\"", "p-1"},
        {",\"host\":\"h-1\"", "p-1 p-2"},
        {",\"candidate\":\"c-01\",\"status\":\"ended\"", "p-1"},
        {",\"candidate\":\"c-01\",\"host\":\"h-2\"", "p-3"},
        {",\"candidate\":\"c-04\"", ""},
        {",\"candidate\":\"c-99\"", ""},
    };
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        char *query =
            zsys_sprintf ("{\"cmd\":\"placement.list\"," NIJ "%s}", filters[i][0]);
        s_expect_ids (lk, NULL, filters[i][1], "placements", query);
        free (query);
    }
    tk_msg_t *r = lk_call (lk, "placement", NULL, NULL, NULL,
                           "{\"cmd\":\"placement.list\"," NIJ ",\"limit\":2}");
    CHECK (tk_int (r, "count") == 2 && streq (tk_str (r, "next"), "p-2"));
    CHECK (streq (tk_str (r, "placements.0.candidate"), "c-01")
           && streq (tk_str (r, "placements.0.status"), "ended")
           && streq (tk_str (r, "placements.0.outcome"), "paid_job")
           && streq (tk_str (r, "placements.0.ended"), "2020-09-01")
           && tk_int (r, "placements.0.contacts") == 2);
    CHECK (streq (tk_str (r, "placements.1.status"), "started")
           && streq (tk_str (r, "placements.1.vacancy"), "v-2")
           && streq (tk_str (r, "placements.1.host"), "h-1")
           && tk_int (r, "placements.1.hours_per_week") == 16
           && streq (tk_str (r, "placements.1.signed_candidate_host"), "2020-02-10")
           && streq (tk_str (r, "placements.1.signed_programme_host"), "2020-02-11")
           && streq (tk_str (r, "placements.1.started"), "2020-03-02")
           && streq (tk_str (r, "placements.1.planned_end"), "2021-03-02")
           && tk_get (r, "placements.1.supervisor_named")->via.boolean
           && !tk_get (r, "placements.1.outcome"));
    char *json = tk_json (r);
    CHECK (!strstr (json, SUPERVISOR) && !strstr (json, BUDDY));
    free (json);
    tk_msg_destroy (&r);
    char *query = zsys_sprintf ("{\"cmd\":\"placement.list\"," NIJ ",\"%s\":\"p-2\"}",
                                lk_page_key ());
    s_expect_ids (lk, NULL, "p-3 p-4", "placements", query);
    free (query);
    r = lk_call (lk, "placement", NULL, NULL, NULL,
                 "{\"cmd\":\"placement.list\"," NIJ ",\"status\":\"proposed\"}");
    CHECK (streq (tk_str (r, "placements.0.signed_candidate_host"), "2020-02-12")
           && streq (tk_str (r, "placements.0.signed_programme_host"), "")
           && tk_get (r, "placements.0.supervisor_named")->via.boolean
           && !tk_get (r, "placements.0.buddy_named")->via.boolean
           && !tk_get (r, "placements.1.supervisor_named")->via.boolean);
    tk_msg_destroy (&r);
    //  A supervisor: the placements at their host only.
    ids = lk_walk (lk, "placement", "hugo", 1, "placements", "id",
                   "{\"cmd\":\"placement.list\"," NIJ "}");
    CHECK (streq (ids, "p-1 p-2"));
    free (ids);
    s_expect_ids (lk, "hugo", "p-1", "placements",
                  "{\"cmd\":\"placement.list\"," NIJ ",\"candidate\":\"c-01\"}");
    s_expect_ids (lk, "hank", "p-3", "placements",
                  "{\"cmd\":\"placement.list\"," NIJ "}");
    s_expect_ids (lk, "nora", "", "placements", "{\"cmd\":\"placement.list\"," NIJ "}");
    lk_err (lk, "placement", "hugo", "forbidden", "host",
            "{\"cmd\":\"placement.list\"," NIJ ",\"host\":\"h-2\"}");
    lk_err (lk, "placement", "mia", "forbidden", "as",
            "{\"cmd\":\"placement.list\"," NIJ "}");
    lk_err (lk, "placement", NULL, "invalid_argument", "status",
            "{\"cmd\":\"placement.list\"," NIJ ",\"status\":\"running\"}");
    lk_err (lk, "placement", NULL, "invalid_argument", "candidate",
            "{\"cmd\":\"placement.list\"," NIJ ",\"candidate\":7}");
}

//  --------------------------------------------------------------------------

#define EXPORT "{\"cmd\":\"placement.export\"," NIJ ",\"candidate\":\"%s\"%s}"

static void
test_export (lk_t *lk)
{
    tk_msg_t *r = lk_call (lk, "placement", "anna", NULL, NULL, EXPORT, "c-01", "");
    CHECK (streq (tk_str (r, "candidate.id"), "c-01")
           && streq (tk_str (r, "candidate.status"), "admitted")
           && streq (tk_str (r, "candidate.wishes.function"), "gardener")
           && tk_get (r, "texts")->via.boolean);
    CHECK (tk_get (r, "placements")->via.array.size == 2
           && streq (tk_str (r, "placements.0.id"), "p-1")
           && streq (tk_str (r, "placements.1.id"), "p-3"));
    CHECK (streq (tk_str (r, "placements.0.function"), "gardener")
           && streq (tk_str (r, "placements.0.proposed"), "2020-02-01")
           && streq (tk_str (r, "placements.0.signed_candidate_host"), "2020-02-10")
           && streq (tk_str (r, "placements.0.started"), "2020-03-02")
           && streq (tk_str (r, "placements.0.outcome"), "paid_job")
           && streq (tk_str (r, "placements.0.supervisor"), SUPERVISOR)
           && streq (tk_str (r, "placements.0.buddy"), BUDDY));
    CHECK (tk_get (r, "placements.0.contact_list")->via.array.size == 2
           && streq (tk_str (r, "placements.0.contact_list.0.with"), "trainer")
           && streq (tk_str (r, "placements.0.contact_list.1.date"), "2020-05-01"));
    CHECK (tk_int (r, "placements.0.paid_job.hours") == 24
           && streq (tk_str (r, "placements.0.paid_job.contract"), "temporary"));
    CHECK (streq (tk_str (r, "placements.1.status"), "proposed")
           && !tk_get (r, "placements.1.paid_job")
           && tk_get (r, "placements.1.contact_list")->via.array.size == 0);
    tk_msg_destroy (&r);
    //  The overview: whether people are named, not who.
    r = lk_call (lk, "placement", "anna", NULL, NULL, EXPORT, "c-01", ",\"texts\":false");
    CHECK (!tk_get (r, "texts")->via.boolean
           && tk_get (r, "placements.0.supervisor_named")->via.boolean
           && !tk_get (r, "placements.0.supervisor")
           && tk_get (r, "placements")->via.array.size == 2);
    char *json = tk_json (r);
    CHECK (!strstr (json, SUPERVISOR) && !strstr (json, BUDDY));
    free (json);
    tk_msg_destroy (&r);
    r = lk_call (lk, "placement", NULL, NULL, NULL, EXPORT, "c-04", "");
    CHECK (streq (tk_str (r, "candidate.id"), "c-04")
           && tk_get (r, "placements")->via.array.size == 0);
    tk_msg_destroy (&r);
    //  Coordinators only, audited under their name.
    lk_err (lk, "placement", "hugo", "forbidden", "as", EXPORT, "c-01", "");
    lk_err (lk, "placement", "mia", "forbidden", "as", EXPORT, "c-01", "");
    r = lk_call (lk, "placement", NULL, NULL, NULL,
                 "{\"cmd\":\"audit.list\",\"caller\":\"anna\",\"record\":\"c-01\"}");
    const msgpack_object *entries = tk_get (r, "entries");
    int exports = 0;
    for (uint32_t i = 0; entries && i < entries->via.array.size; i++) {
        char cmd[64] = "";
        map_str (&entries->via.array.ptr[i], "cmd", cmd, sizeof cmd);
        exports += streq (cmd, "placement.export");
    }
    CHECK (exports == 2);
    tk_msg_destroy (&r);
    lk_err (lk, "placement", NULL, "not_found", "candidate", EXPORT, "c-99", "");
    lk_err (lk, "placement", NULL, "not_found", "candidate", EXPORT, "c-ar", "");
    lk_err (lk, "placement", NULL, "invalid_argument", "candidate",
            "{\"cmd\":\"placement.export\"," NIJ "}");
    lk_err (lk, "placement", NULL, "invalid_argument", "texts", EXPORT, "c-01",
            ",\"texts\":1");
    //  Erased: nothing left to export.
    lk_ok (lk, "intake", NULL, "{\"cmd\":\"candidate.erase\"," NIJ ",\"id\":\"c-01\"}");
    lk_err (lk, "placement", NULL, "not_found", "candidate", EXPORT, "c-01", "");
    s_expect_ids (lk, NULL, "", "placements",
                  "{\"cmd\":\"placement.list\"," NIJ ",\"candidate\":\"c-01\"}");
    s_expect_ids (lk, NULL, "p-2 p-4", "placements",
                  "{\"cmd\":\"placement.list\"," NIJ "}");
}

int
main (void)
{
    zsys_init ();
    service_def_t *intake = intake_service_new ();
    const service_def_t *defs[] = {intake, placement_service ()};
    lk_t *lk = lk_new (defs, 2);
    if (lk) {
        s_setup (lk);
        test_host_list (lk);
        test_vacancy_list (lk);
        test_placement_list (lk);
        test_export (lk);
    }
    lk_destroy (&lk);
    intake_service_destroy (&intake);
    return tk_done ("test_placement_lists");
}
