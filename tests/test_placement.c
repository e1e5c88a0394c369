/*  test_placement - every placement rule and error code, against an
    in-process intake actor and placement actor: candidates come from
    intake's stream, and every placement command carries the position of
    the last intake reply in "after" (read your writes).  */
#include "test_placement_fixture.c"

//  insured given as a string, not a boolean.
#define REQS_NO_INSURANCE_TYPO                                                           \
    "{\"one_year\":true,\"hours_12_24\":true,\"function_profile\":true,"                 \
    "\"onboarding\":true,\"fixed_supervisor\":true,\"buddy\":true,"                      \
    "\"allows_training\":true,\"insured\":\"yes\",\"paid_job_effort\":true}"

static bool
s_true (tk_msg_t *r, const char *path)
{
    const msgpack_object *o = tk_get (r, path);
    return o && o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean;
}

static bool
s_false (tk_msg_t *r, const char *path)
{
    const msgpack_object *o = tk_get (r, path);
    return o && o->type == MSGPACK_OBJECT_BOOLEAN && !o->via.boolean;
}

//  A start refused for exactly one condition, named in field and message.
static void
s_start_fails_for (fixture_t *f, const char *id, const char *field, const char *words)
{
    tk_msg_t *r = s_pl (f, "failed_precondition", field,
                        "{\"cmd\":\"placement.start\"," OFFICE ",\"id\":\"%s\","
                        "\"date\":\"2017-09-01\"}",
                        id);
    const char *message = tk_str (r, "error.message");
    if (!CHECK (strstr (message, words) && !strchr (message, ';')))
        fprintf (stderr, "  message was '%s', expected only '%s'\n", message, words);
    tk_msg_destroy (&r);
}

//  --------------------------------------------------------------------------

static void
test_hosts (fixture_t *f)
{
    const char *reg =
        "{\"cmd\":\"host.register\"," OFFICE ",\"id\":\"%s\",\"name\":\"%s\","
        "\"sector\":\"zorg\",\"client_org\":%s,\"requirements\":%s}";
    tk_msg_t *r = s_pl (f, NULL, NULL, reg, "h-ok", HOST_NAME, "false", REQS_ALL);
    CHECK (s_true (r, "meets_requirements"));
    int64_t seq = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    //  The same again is a no-op with the same answer; other content conflicts.
    r = s_pl (f, NULL, NULL, reg, "h-ok", HOST_NAME, "false", REQS_ALL);
    CHECK (streq (tk_str (r, "id"), "h-ok") && tk_int (r, "position.seq") == seq);
    tk_msg_destroy (&r);
    s_do (f, "conflict", "id", reg, "h-ok", HOST_NAME, "true", REQS_ALL);
    s_do (f, "invalid_argument", "id", reg, "111222333", HOST_NAME, "false", REQS_ALL);
    s_do (f, "invalid_argument", "name", reg, "h-blank", "  ", "false", REQS_ALL);
    s_do (f, "invalid_argument", "requirements.insured", reg, "h-x", HOST_NAME, "false",
          "{\"one_year\":true,\"hours_12_24\":true,\"function_profile\":true,"
          "\"onboarding\":true,\"fixed_supervisor\":true,\"buddy\":true,"
          "\"allows_training\":true,\"paid_job_effort\":true}");
    s_do (f, "invalid_argument", "requirements.insured", reg, "h-x", HOST_NAME, "false",
          REQS_NO_INSURANCE_TYPO);
    r = s_pl (f, NULL, NULL, reg, "h-noins", "Museum Het Valkhof", "true",
              REQS_NO_INSURANCE);
    CHECK (s_false (r, "meets_requirements"));
    CHECK (streq (tk_str (r, "unmet.0"), "insured") && tk_get (r, "unmet.1") == NULL);
    tk_msg_destroy (&r);
    s_do (f, "not_found", "id",
          "{\"cmd\":\"host.update\"," OFFICE ",\"id\":\"h-none\",\"requirements\":%s}",
          REQS_ALL);
    s_do (f, "not_found", "id",
          "{\"cmd\":\"host.update\",\"office\":\"arnhem\",\"id\":\"h-ok\","
          "\"requirements\":%s}",
          REQS_ALL);
}

static void
test_vacancies (fixture_t *f)
{
    const char *open =
        "{\"cmd\":\"vacancy.open\"," OFFICE ",\"id\":\"%s\",\"host\":\"%s\","
        "\"function\":\"gardener\",\"hours_min\":%d,\"hours_max\":%d}";
    tk_msg_t *r = s_pl (f, NULL, NULL, open, "v-1", "h-ok", 12, 20);
    CHECK (streq (tk_str (r, "host"), "h-ok") && tk_int (r, "hours_max") == 20);
    tk_msg_destroy (&r);
    s_do (f, NULL, NULL, open, "v-1", "h-ok", 12, 20);
    s_do (f, "conflict", "id", open, "v-1", "h-ok", 12, 24);
    s_do (f, "not_found", "host", open, "v-x", "h-none", 12, 20);
    s_do (f, "invalid_argument", "hours_min", open, "v-x", "h-ok", 11, 20);
    s_do (f, "invalid_argument", "hours_max", open, "v-x", "h-ok", 12, 25);
    s_do (f, "invalid_argument", "hours_max", open, "v-x", "h-ok", 20, 16);
    s_do (f, "not_found", "host",
          "{\"cmd\":\"vacancy.open\",\"office\":\"arnhem\",\"host\":\"h-ok\","
          "\"function\":\"cook\",\"hours_min\":12,\"hours_max\":20}");
    //  Without an id the service makes one.
    r = s_pl (f, NULL, NULL,
              "{\"cmd\":\"vacancy.open\"," OFFICE
              ",\"host\":\"h-ok\",\"function\":\"cook\","
              "\"hours_min\":12,\"hours_max\":24}");
    CHECK (strncmp (tk_str (r, "id"), "v-", 2) == 0);
    tk_msg_destroy (&r);
    for (int i = 2; i <= 7; i++) {
        char id[8];
        snprintf (id, sizeof id, "v-%d", i);
        s_vacancy (f, "nijmegen", id, i == 5 ? "h-noins" : "h-ok", "gardener", 12, 24);
    }
}

static void
test_propose (fixture_t *f)
{
    const char *propose = "{\"cmd\":\"placement.propose\"," OFFICE ",\"id\":\"%s\","
                          "\"candidate\":\"%s\",\"vacancy\":\"%s\",\"hours_per_week\":%d,"
                          "\"start\":\"2017-09-01\",\"supervisor\":\"" SUPERVISOR "\"}";
    s_do (f, "not_found", "candidate", propose, "p-x", "c-none", "v-1", 16);
    s_do (f, "failed_precondition", "candidate", propose, "p-x", "c-reg", "v-1", 16);
    s_do (f, "not_found", "vacancy", propose, "p-x", "c-1", "v-none", 16);
    //  Outside 12-24 is malformed; outside the vacancy's range is refused.
    s_do (f, "invalid_argument", "hours_per_week", propose, "p-x", "c-1", "v-1", 11);
    s_do (f, "invalid_argument", "hours_per_week", propose, "p-x", "c-1", "v-1", 25);
    s_do (f, "failed_precondition", "hours_per_week", propose, "p-x", "c-1", "v-1", 22);
    s_do (f, "invalid_argument", "id", propose, "123456782", "c-1", "v-1", 16);
    s_do (f, "not_found", "candidate",
          "{\"cmd\":\"placement.propose\",\"office\":\"arnhem\",\"candidate\":\"c-1\","
          "\"vacancy\":\"v-1\",\"hours_per_week\":16,\"start\":\"2017-09-01\"}");
    s_do (f, "invalid_argument", "buddy",
          "{\"cmd\":\"placement.propose\"," OFFICE ",\"candidate\":\"c-1\","
          "\"vacancy\":\"v-1\",\"hours_per_week\":16,\"start\":\"2017-09-01\","
          "\"buddy\":\" \"}");
    tk_msg_t *r = s_pl (f, NULL, NULL, propose, "p-1", "c-1", "v-1", 16);
    CHECK (streq (tk_str (r, "status"), "proposed"));
    CHECK (streq (tk_str (r, "unmet.0"), "agreement.candidate_host"));
    CHECK (streq (tk_str (r, "unmet.1"), "agreement.programme_host"));
    CHECK (streq (tk_str (r, "unmet.2"), "buddy") && tk_get (r, "unmet.3") == NULL);
    tk_msg_destroy (&r);
    s_do (f, NULL, NULL, propose, "p-1", "c-1", "v-1", 16);
    s_do (f, "conflict", "id", propose, "p-1", "c-1", "v-1", 18);
}

//  Naming people after the proposal.
static void
test_name (fixture_t *f)
{
    const char *propose = "{\"cmd\":\"placement.propose\"," OFFICE ",\"id\":\"%s\","
                          "\"candidate\":\"%s\",\"vacancy\":\"%s\",\"hours_per_week\":%d,"
                          "\"start\":\"2017-09-01\",\"supervisor\":\"" SUPERVISOR "\"}";
    s_do (f, "invalid_argument", "supervisor",
          "{\"cmd\":\"placement.name\"," OFFICE ",\"id\":\"p-1\"}");
    s_do (f, "invalid_argument", "buddy",
          "{\"cmd\":\"placement.name\"," OFFICE ",\"id\":\"p-1\",\"buddy\":\"\"}");
    tk_msg_t *r = s_pl (f, NULL, NULL,
                        "{\"cmd\":\"placement.name\"," OFFICE ",\"id\":\"p-1\","
                        "\"buddy\":\"" BUDDY "\"}");
    CHECK (tk_get (r, "unmet.2") == NULL);
    tk_msg_destroy (&r);
    //  Repeating the first proposal after naming the buddy is still a no-op.
    s_do (f, NULL, NULL, propose, "p-1", "c-1", "v-1", 16);
    s_do (f, "not_found", "id",
          "{\"cmd\":\"placement.get\",\"office\":\"arnhem\",\"id\":\"p-1\"}");
    s_do (f, "invalid_argument", "agreement",
          "{\"cmd\":\"placement.sign\"," OFFICE
          ",\"id\":\"p-1\",\"agreement\":\"verbal\","
          "\"date\":\"2017-08-20\"}");
}

//  Each start condition failing on its own, and named.
static void
test_start_conditions (fixture_t *f)
{
    //  p-1 (c-1, v-1): only the programme signed.
    s_sign (f, "p-1", "programme_host");
    s_start_fails_for (f, "p-1", "agreement.candidate_host",
                       "agreement candidate_host not signed");
    s_propose (f, "p-2", "c-2", "v-2", 16, true, true);
    s_sign (f, "p-2", "candidate_host");
    s_start_fails_for (f, "p-2", "agreement.programme_host",
                       "agreement programme_host not signed");
    s_propose (f, "p-3", "c-3", "v-3", 16, false, true);
    s_sign (f, "p-3", "candidate_host");
    s_sign (f, "p-3", "programme_host");
    s_start_fails_for (f, "p-3", "supervisor", "supervisor not named");
    s_propose (f, "p-4", "c-4", "v-4", 16, true, false);
    s_sign (f, "p-4", "candidate_host");
    s_sign (f, "p-4", "programme_host");
    s_start_fails_for (f, "p-4", "buddy", "buddy not named");
    s_propose (f, "p-5", "c-5", "v-5", 16, true, true);
    s_sign (f, "p-5", "candidate_host");
    s_sign (f, "p-5", "programme_host");
    s_start_fails_for (f, "p-5", "host.requirements.insured",
                       "host requirement insured not met");
    //  Admitted when proposed, withdrawn since.
    s_propose (f, "p-6", "c-6", "v-6", 16, true, true);
    s_sign (f, "p-6", "candidate_host");
    s_sign (f, "p-6", "programme_host");
    s_intake (f, "{\"cmd\":\"candidate.withdraw\"," OFFICE ",\"id\":\"c-6\","
                 "\"reason\":\"moved\",\"date\":\"2017-08-25\"}");
    s_start_fails_for (f, "p-6", "candidate", "candidate not admitted (withdrawn)");
    //  Every unmet condition is named, the first in field.
    s_propose (f, "p-8", "c-8", "v-5", 16, false, false);
    tk_msg_t *r = s_pl (f, "failed_precondition", "agreement.candidate_host",
                        "{\"cmd\":\"placement.start\"," OFFICE ",\"id\":\"p-8\","
                        "\"date\":\"2017-09-01\"}");
    CHECK (streq (
        tk_str (r, "error.message"),
        "cannot start: agreement candidate_host not signed; agreement programme_host "
        "not signed; supervisor not named; buddy not named; host requirement insured "
        "not met"));
    tk_msg_destroy (&r);
}

//  What was missing is supplied; then starts succeed, once.
static void
test_start (fixture_t *f)
{
    s_sign (f, "p-1", "candidate_host");
    s_do (f, "conflict", "agreement",
          "{\"cmd\":\"placement.sign\"," OFFICE ",\"id\":\"p-1\","
          "\"agreement\":\"candidate_host\",\"date\":\"2017-08-21\"}");
    tk_msg_t *r = s_pl (f, NULL, NULL,
                        "{\"cmd\":\"placement.start\"," OFFICE ",\"id\":\"p-1\","
                        "\"date\":\"2017-09-01\"}");
    CHECK (streq (tk_str (r, "status"), "started"));
    CHECK (streq (tk_str (r, "planned_end"), "2018-09-01"));
    tk_msg_destroy (&r);
    s_do (f, "failed_precondition", "id",
          "{\"cmd\":\"placement.start\"," OFFICE
          ",\"id\":\"p-1\",\"date\":\"2017-09-02\"}");
    s_do (f, NULL, NULL,
          "{\"cmd\":\"placement.name\"," OFFICE
          ",\"id\":\"p-3\",\"supervisor\":\"" SUPERVISOR "\",\"date\":\"2017-08-30\"}");
    s_start_ok (f, "p-3", "2017-09-04");
    s_do (f, NULL, NULL,
          "{\"cmd\":\"host.update\"," OFFICE ",\"id\":\"h-noins\",\"requirements\":%s}",
          REQS_ALL);
    s_start_ok (f, "p-5", "2017-09-04");
    //  A filled vacancy, a candidate already placed.
    s_propose (f, "p-7", "c-7", "v-1", 16, true, true);
    s_sign (f, "p-7", "candidate_host");
    s_sign (f, "p-7", "programme_host");
    s_start_fails_for (f, "p-7", "vacancy", "vacancy already filled");
    s_propose (f, "p-9", "c-1", "v-4", 16, true, true);
    s_sign (f, "p-9", "candidate_host");
    s_sign (f, "p-9", "programme_host");
    s_start_fails_for (f, "p-9", "candidate.placement",
                       "candidate already in another placement");
}

//  A placement that meets every start condition.
static void
s_ready (placement_t *p, known_t *c, vacancy_t *v, host_t *h)
{
    memset (p, 0, sizeof *p);
    strcpy (p->id, "p-u");
    strcpy (p->signed_on[0], "2017-08-01");
    strcpy (p->signed_on[1], "2017-08-01");
    strcpy (p->supervisor, "S");
    strcpy (p->buddy, "B");
    p->hours = 16;
    memset (c, 0, sizeof *c);
    strcpy (c->id, "c-u");
    c->status = CS_ADMITTED;
    memset (v, 0, sizeof *v);
    v->hours_min = 12;
    v->hours_max = 20;
    memset (h, 0, sizeof *h);
    for (int i = 0; i < PL_REQUIREMENTS; i++)
        h->requirements[i] = true;
}

//  Hours can only go wrong at start if a record changed under the
//  proposal, which no command does: checked on the rule itself.
static void
test_hours_condition (void)
{
    placement_t p;
    known_t c;
    vacancy_t v;
    host_t h;
    conditions_t out;
    s_ready (&p, &c, &v, &h);
    conditions_unmet (&p, &c, &v, &h, &out);
    CHECK (out.count == 0);
    p.hours = 30;
    conditions_unmet (&p, &c, &v, &h, &out);
    CHECK (out.count == 1 && streq (out.code[0], "hours_per_week"));
    CHECK (streq (out.text[0], "hours_per_week 30 outside 12-24"));
    p.hours = 22;
    conditions_unmet (&p, &c, &v, &h, &out);
    CHECK (out.count == 1
           && streq (out.text[0], "hours_per_week 22 outside the vacancy's 12-20"));
}

//  The message names every unmet condition, host requirements in one
//  phrase, and still fits an error message when nearly everything is unmet.
static void
test_condition_message (void)
{
    placement_t p;
    known_t c;
    vacancy_t v;
    host_t h;
    conditions_t out;
    char message[512];
    s_ready (&p, &c, &v, &h);
    h.requirements[5] = h.requirements[7] = false;
    conditions_unmet (&p, NULL, &v, &h, &out);
    conditions_message (&out, message, sizeof message);
    CHECK (streq (
        message,
        "cannot start: candidate not known; host requirements buddy, insured not met"));
    memset (&p, 0, sizeof p);
    memset (&h, 0, sizeof h);
    p.hours = 16;
    c.status = 5;
    strcpy (c.active, "p-other");
    strcpy (v.filled_by, "p-other");
    conditions_unmet (&p, &c, &v, &h, &out);
    CHECK (out.count == 16);
    conditions_message (&out, message, sizeof message);
    CHECK (strlen (message) < CONDITIONS_MESSAGE_MAX);
    CHECK (streq (message,
                  "cannot start: candidate,agreement.candidate_host,"
                  "agreement.programme_host,supervisor,buddy,host.requirements("
                  "one_year hours_12_24 function_profile onboarding fixed_supervisor "
                  "buddy allows_training insured paid_job_effort),vacancy,"
                  "candidate.placement"));
}

static void
test_lifecycle (fixture_t *f)
{
    const char *contact = "{\"cmd\":\"placement.contact\"," OFFICE ",\"id\":\"%s\","
                          "\"with\":\"%s\",\"date\":\"%s\"}";
    s_do (f, "failed_precondition", "id", contact, "p-2", "trainer", "2017-10-01");
    s_do (f, "invalid_argument", "date", contact, "p-1", "trainer", "2017-08-31");
    s_do (f, "invalid_argument", "with", contact, "p-1", "neighbour", "2017-10-01");
    s_do (f, NULL, NULL, contact, "p-1", "trainer", "2017-10-01");
    s_do (f, "conflict", "date", contact, "p-1", "trainer", "2017-10-01");
    tk_msg_t *r = s_pl (f, NULL, NULL, contact, "p-1", "coordinator", "2017-11-01");
    CHECK (tk_int (r, "contacts") == 2);
    tk_msg_destroy (&r);
    const char *extend = "{\"cmd\":\"placement.extend\"," OFFICE ",\"id\":\"%s\","
                         "\"until\":\"%s\"}";
    s_do (f, "failed_precondition", "id", extend, "p-2", "2018-12-01");
    s_do (f, "invalid_argument", "until", extend, "p-1", "2018-09-01");
    r = s_pl (f, NULL, NULL, extend, "p-1", "2018-12-01");
    CHECK (streq (tk_str (r, "planned_end"), "2018-12-01"));
    tk_msg_destroy (&r);
}

static void
test_end (fixture_t *f)
{
    const char *end =
        "{\"cmd\":\"placement.end\"," OFFICE ",\"id\":\"%s\",\"date\":\"%s\","
        "\"outcome\":\"%s\"%s}";
    s_do (f, "failed_precondition", "id", end, "p-2", "2017-10-01", "ended_early", "");
    s_do (f, "invalid_argument", "date", end, "p-1", "2017-08-01", "completed", "");
    s_do (f, "invalid_argument", "paid_job", end, "p-1", "2018-03-01", "paid_job", "");
    s_do (f, "invalid_argument", "paid_job.hours", end, "p-1", "2018-03-01", "paid_job",
          ",\"paid_job\":{\"employer_kind\":\"host\",\"contract\":\"permanent\"}");
    s_do (f, "invalid_argument", "paid_job.hours", end, "p-1", "2018-03-01", "paid_job",
          ",\"paid_job\":{\"employer_kind\":\"host\",\"hours\":41,\"contract\":"
          "\"permanent\"}");
    s_do (f, "invalid_argument", "paid_job.contract", end, "p-1", "2018-03-01",
          "paid_job",
          ",\"paid_job\":{\"employer_kind\":\"host\",\"hours\":24,\"contract\":"
          "\"forever\"}");
    s_do (f, "invalid_argument", "paid_job", end, "p-1", "2018-03-01", "completed",
          ",\"paid_job\":{\"employer_kind\":\"host\",\"hours\":24,\"contract\":"
          "\"permanent\"}");
    s_do (f, "invalid_argument", "outcome", end, "p-1", "2018-03-01", "retired", "");
    tk_msg_t *r = s_pl (f, NULL, NULL, end, "p-1", "2018-03-01", "paid_job",
                        ",\"paid_job\":{\"employer_kind\":\"host\",\"hours\":24,"
                        "\"contract\":\"permanent\"}");
    CHECK (streq (tk_str (r, "outcome"), "paid_job") && tk_int (r, "days") == 181);
    CHECK (tk_int (r, "paid_job.hours") == 24
           && tk_int (r, "paid_job.days_from_start") == 181);
    tk_msg_destroy (&r);
}

//  Nothing moves after the end.
static void
test_after_end (fixture_t *f)
{
    const char *end =
        "{\"cmd\":\"placement.end\"," OFFICE ",\"id\":\"%s\",\"date\":\"%s\","
        "\"outcome\":\"%s\"%s}";
    s_do (f, "failed_precondition", "id", end, "p-1", "2018-04-01", "completed", "");
    s_do (f, "failed_precondition", "id",
          "{\"cmd\":\"placement.start\"," OFFICE
          ",\"id\":\"p-1\",\"date\":\"2018-04-01\"}");
    s_do (f, "failed_precondition", "id",
          "{\"cmd\":\"placement.contact\"," OFFICE ",\"id\":\"p-1\",\"with\":\"trainer\","
          "\"date\":\"2018-04-01\"}");
    s_do (f, "failed_precondition", "id",
          "{\"cmd\":\"placement.extend\"," OFFICE
          ",\"id\":\"p-1\",\"until\":\"2019-01-01\"}");
    s_do (f, "failed_precondition", "id",
          "{\"cmd\":\"placement.name\"," OFFICE ",\"id\":\"p-1\",\"buddy\":\"X\"}");
    s_do (f, NULL, NULL, end, "p-3", "2017-12-01", "ended_early", "");
    tk_msg_t *r =
        s_pl (f, NULL, NULL, "{\"cmd\":\"placement.get\"," OFFICE ",\"id\":\"p-1\"}");
    CHECK (streq (tk_str (r, "status"), "ended") && tk_int (r, "contacts") == 2);
    CHECK (streq (tk_str (r, "contact_list.1.with"), "coordinator"));
    CHECK (streq (tk_str (r, "paid_job.contract"), "permanent"));
    CHECK (streq (tk_str (r, "supervisor"), SUPERVISOR) && tk_get (r, "unmet") == NULL);
    tk_msg_destroy (&r);
    //  The vacancy is free again: the candidate waiting for it can start.
    s_start_ok (f, "p-7", "2018-03-05");
}

//  The stream: every kind of event, in order, with ids, codes, dates and
//  booleans only.
static void
test_stream (fixture_t *f)
{
    static const char *const types[] = {
        "host.registered",    "host.updated",        "vacancy.opened",
        "placement.proposed", "placement.named",     "placement.signed",
        "placement.started",  "placement.contacted", "placement.extended",
        "placement.ended",    "paid_job.recorded",   NULL};
    int seen[16] = {0};
    zlistx_t *events = tk_replay_all (f->pl_entry->replay, 1);
    int64_t expected = 1;
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events)) {
        CHECK (tk_int (e, "seq") == expected++);
        CHECK (streq (tk_str (e, "service"), "placement") && *tk_str (e, "at"));
        CHECK (s_no_names (e));
        const char *type = tk_str (e, "type");
        for (int i = 0; types[i]; i++)
            seen[i] += streq (type, types[i]);
        if (strncmp (type, "placement.", 10) == 0 || strncmp (type, "paid_job.", 9) == 0)
            CHECK (*tk_str (e, "placement") && *tk_str (e, "candidate"));
        if (streq (type, "host.registered"))
            CHECK (tk_get (e, "name") == NULL && tk_get (e, "requirements.insured"));
        if (streq (type, "placement.proposed"))
            CHECK (tk_get (e, "supervisor_named") && tk_get (e, "buddy_named")
                   && !tk_get (e, "supervisor") && !tk_get (e, "buddy"));
    }
    for (int i = 0; types[i]; i++)
        if (!CHECK (seen[i] > 0))
            fprintf (stderr, "  no %s event\n", types[i]);
    CHECK (seen[0] == 2 && seen[1] == 1 && seen[6] == 4 && seen[9] == 2 && seen[10] == 1);
    tk_events_destroy (&events);
}

int
main (void)
{
    fixture_t f;
    s_setup (&f);
    s_candidate (&f, "nijmegen", "c-reg", "", "", false);
    for (int i = 1; i <= 8; i++) {
        char id[8];
        snprintf (id, sizeof id, "c-%d", i);
        s_candidate (&f, "nijmegen", id, "gardener", "groen", true);
    }
    test_hosts (&f);
    test_vacancies (&f);
    test_propose (&f);
    test_name (&f);
    test_start_conditions (&f);
    test_start (&f);
    test_hours_condition ();
    test_condition_message ();
    test_lifecycle (&f);
    test_end (&f);
    test_after_end (&f);
    test_stream (&f);
    s_teardown (&f);
    return tk_done ("test_placement");
}
