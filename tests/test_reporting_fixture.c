/*  test_reporting_fixture - what the reporting tests share, included by
    each of them: in-process intake, training, placement, feedback and
    reporting actors; commands routed to their service with every position
    seen so far in "after" (read your writes, also for the report); and
    the office history whose figures the tests work out by hand.  */
#include "feedback.h"
#include "intake.h"
#include "json.h"
#include "placement.h"
#include "reporting.h"
#include "testkit.h"
#include "training.h"

#include <math.h>
#include <stdarg.h>

enum { INTAKE, TRAINING, PLACEMENT, FEEDBACK, REPORTING, SERVICES };
static const char *const s_services[] = {"intake", "training", "placement", "feedback",
                                         "reporting"};

typedef struct {
    char *dir;
    directory_t *directory;
    service_def_t *training_def;
    service_def_t *reporting_def; //  with the k it was made with
    zactor_t *actors[SERVICES];
    tk_client_t *clients[SERVICES];
    int64_t seq[SERVICES]; //  last position seen, sent in after
} fixture_t;

static zactor_t *
s_start (fixture_t *f, int service)
{
    const service_def_t *defs[] = {intake_service (), f->training_def,
                                   placement_service (), feedback_service (),
                                   f->reporting_def};
    return tk_start (defs[service], s_services[service], f->dir, f->directory);
}

static void
s_stop_reporting (fixture_t *f)
{
    tk_client_destroy (&f->clients[REPORTING]);
    zactor_destroy (&f->actors[REPORTING]);
}

static void
s_start_reporting (fixture_t *f)
{
    f->actors[REPORTING] = s_start (f, REPORTING);
    const dir_entry_t *e = directory_instance (f->directory, "reporting");
    f->clients[REPORTING] = tk_client_new (e->command);
}

//  Reporting reads its k once, when made: a restart with another one.
static void __attribute__ ((unused)) s_set_k (fixture_t *f, int64_t k)
{
    s_stop_reporting (f);
    reporting_service_destroy (&f->reporting_def);
    f->reporting_def = reporting_service_new (k);
    s_start_reporting (f);
}

static void
s_setup (fixture_t *f)
{
    memset (f, 0, sizeof *f);
    f->dir = tk_tmpdir ();
    char *config = tk_write_config (f->dir, tk_port_base ());
    char err[256];
    f->directory = directory_new (config, err, sizeof err);
    free (config);
    f->training_def = training_service_new (NULL);
    f->reporting_def = reporting_service_new (0);
    for (int s = 0; s < SERVICES; s++) {
        f->actors[s] = s_start (f, s);
        const dir_entry_t *e = directory_instance (f->directory, s_services[s]);
        f->clients[s] = tk_client_new (e->command);
    }
}

static void
s_teardown (fixture_t *f)
{
    for (int s = 0; s < SERVICES; s++) {
        tk_client_destroy (&f->clients[s]);
        zactor_destroy (&f->actors[s]);
    }
    training_service_destroy (&f->training_def);
    reporting_service_destroy (&f->reporting_def);
    directory_destroy (&f->directory);
    tk_rmdir (&f->dir);
}

//  "after" naming every position seen so far.
static char *
s_after (fixture_t *f)
{
    char text[600] = "";
    size_t len = 0;
    for (int s = 0; s < REPORTING; s++)
        if (f->seq[s] > 0)
            len += (size_t) snprintf (
                text + len, sizeof text - len,
                "%s{\"service\":\"%s\",\"instance\":\"%s\",\"seq\":%" PRId64 "}",
                len ? "," : "", s_services[s], s_services[s], f->seq[s]);
    return zsys_sprintf ("\"after\":[%s]", text);
}

static int
s_route (const char *cmd)
{
    const char *name = strstr (cmd, "\"cmd\":\"");
    const char *service = name ? directory_service_for (name + 7) : NULL;
    for (int s = 0; service && s < SERVICES; s++)
        if (streq (service, s_services[s]))
            return s;
    return name && strncmp (name + 7, "report.", 7) == 0 ? REPORTING : INTAKE;
}

//  Sends a command to its service with after, expecting code (NULL: ok).
static tk_msg_t *s_send (fixture_t *f, const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static tk_msg_t *
s_send (fixture_t *f, const char *code, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *body = zsys_vprintf (fmt, args);
    va_end (args);
    char *after = s_after (f);
    char *cmd = zsys_sprintf ("{%s,%s", after, body + 1);
    int s = s_route (body);
    tk_msg_t *r = tk_expect (f->clients[s], code, "%s", cmd);
    if (tk_ok (r) && s < REPORTING && tk_int (r, "position.seq") > f->seq[s])
        f->seq[s] = tk_int (r, "position.seq");
    free (cmd);
    free (after);
    free (body);
    return r;
}

#define s_do(f, ...)                                                                     \
    do {                                                                                 \
        tk_msg_t *r_ = s_send (f, NULL, __VA_ARGS__);                                    \
        tk_msg_destroy (&r_);                                                            \
    } while (0)

//  --------------------------------------------------------------------------
//  Short forms of the history's commands

static void
s_register (fixture_t *f, const char *office, const char *id, const char *date,
            const char *referral, int birth_year, const char *treatment, bool motivated,
            bool willing)
{
    s_do (
        f,
        "{\"cmd\":\"candidate.register\",\"office\":\"%s\",\"id\":\"%s\","
        "\"birth_year\":%d,\"referral\":\"%s\",\"benefit\":\"wia\",\"treatment\":\"%s\","
        "\"criteria\":{\"psych_limitation\":true,\"motivated\":%s,\"willing_to_train\":%"
        "s,"
        "\"arranges_benefits\":true,\"seeks_paid_work\":true},"
        "\"consent\":{\"processing\":true,\"evaluation_contact\":true},"
        "\"contact\":{\"name\":\"Jan Jansen\"},\"date\":\"%s\"}",
        office, id, birth_year, referral, treatment, motivated ? "true" : "false",
        willing ? "true" : "false", date);
}

//  An eligible candidate of the default kind.
static void
s_candidate (fixture_t *f, const char *office, const char *id, const char *date,
             const char *referral)
{
    s_register (f, office, id, date, referral, 1980, "done", true, true);
}

//  A candidate command with id and date: info_session, admit, ...
static void
s_step (fixture_t *f, const char *cmd, const char *office, const char *id,
        const char *date)
{
    s_do (f, "{\"cmd\":\"candidate.%s\",\"office\":\"%s\",\"id\":\"%s\",\"date\":\"%s\"}",
          cmd, office, id, date);
}

static void
s_stage (fixture_t *f, const char *id, const char *stage, const char *stagnation,
         const char *date)
{
    char extra[80] = "";
    if (stagnation)
        snprintf (extra, sizeof extra, "\"stagnation\":\"%s\",", stagnation);
    s_do (f,
          "{\"cmd\":\"candidate.assess_stage\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"stage\":\"%s\",%s\"date\":\"%s\"}",
          id, stage, extra, date);
}

static void
s_activity (fixture_t *f, const char *office, const char *expert, const char *kind,
            int minutes, const char *setting, const char *candidate, const char *date)
{
    char extra[100] = "";
    if (candidate)
        snprintf (extra, sizeof extra, "\"candidate\":\"%s\",", candidate);
    s_do (f,
          "{\"cmd\":\"expert.activity\",\"office\":\"%s\",\"expert\":\"%s\",\"kind\":\"%"
          "s\","
          "\"minutes\":%d,\"setting\":\"%s\",%s\"date\":\"%s\"}",
          office, expert, kind, minutes, setting, extra, date);
}

static void
s_goal (fixture_t *f, const char *id, const char *candidate, bool smart, const char *date)
{
    s_do (
        f,
        "{\"cmd\":\"goal.set\",\"office\":\"nijmegen\",\"id\":\"%s\",\"candidate\":\"%"
        "s\","
        "\"cohort\":\"k1\",\"goal\":\"op tijd komen\",\"situation\":\"s\",\"task\":\"t\","
        "\"action\":\"a\",\"result\":\"r\",\"reflection\":\"f\","
        "\"smart\":{\"concrete\":true,\"divisible\":true,\"measurable\":%s,"
        "\"feasible\":true},\"date\":\"%s\"}",
        id, candidate, smart ? "true" : "false", date);
}

static void
s_reflection (fixture_t *f, const char *goal, bool by_candidate, bool by_supervisor,
              const char *date)
{
    s_do (f,
          "{\"cmd\":\"reflection.record\",\"office\":\"nijmegen\",\"goal\":\"%s\","
          "\"date\":\"%s\",\"action_taken\":\"a\",\"went_well\":\"w\",\"could_improve\":"
          "\"c\","
          "\"supervisor_response\":\"s\",\"improvement\":\"i\",\"signed_candidate\":%s,"
          "\"signed_supervisor\":%s}",
          goal, date, by_candidate ? "true" : "false", by_supervisor ? "true" : "false");
}

static void
s_host (fixture_t *f, const char *id, const char *date)
{
    s_do (f,
          "{\"cmd\":\"host.register\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"name\":\"Groen & Zorg B.V.\",\"sector\":\"zorg\",\"client_org\":false,"
          "\"requirements\":{\"one_year\":true,\"hours_12_24\":true,"
          "\"function_profile\":true,\"onboarding\":true,\"fixed_supervisor\":true,"
          "\"buddy\":true,\"allows_training\":true,\"insured\":true,"
          "\"paid_job_effort\":true},\"date\":\"%s\"}",
          id, date);
}

static void
s_vacancy (fixture_t *f, const char *id, const char *host, int lo, int hi,
           const char *date)
{
    s_do (
        f,
        "{\"cmd\":\"vacancy.open\",\"office\":\"nijmegen\",\"id\":\"%s\",\"host\":\"%s\","
        "\"function\":\"gardener\",\"hours_min\":%d,\"hours_max\":%d,\"date\":\"%s\"}",
        id, host, lo, hi, date);
}

//  A placement proposed, signed and started on start.
static void
s_placement (fixture_t *f, const char *id, const char *candidate, const char *vacancy,
             int hours, const char *start)
{
    s_do (
        f,
        "{\"cmd\":\"placement.propose\",\"office\":\"nijmegen\",\"id\":\"%s\","
        "\"candidate\":\"%s\",\"vacancy\":\"%s\",\"hours_per_week\":%d,\"start\":\"%s\","
        "\"supervisor\":\"Piet de Vries\",\"buddy\":\"Anne\",\"date\":\"%s\"}",
        id, candidate, vacancy, hours, start, start);
    s_do (f,
          "{\"cmd\":\"placement.sign\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"agreement\":\"candidate_host\",\"date\":\"%s\"}",
          id, start);
    s_do (f,
          "{\"cmd\":\"placement.sign\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"agreement\":\"programme_host\",\"date\":\"%s\"}",
          id, start);
    s_do (f,
          "{\"cmd\":\"placement.start\",\"office\":\"nijmegen\",\"id\":\"%s\",\"date\":"
          "\"%s\"}",
          id, start);
}

static void
s_contact (fixture_t *f, const char *id, const char *with, const char *date)
{
    s_do (f,
          "{\"cmd\":\"placement.contact\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"with\":\"%s\",\"date\":\"%s\"}",
          id, with, date);
}

//  An invitation and, when responded is given, its response (grade 0: none).
static void
s_survey (fixture_t *f, const char *id, const char *candidate, const char *about,
          const char *invited, const char *responded, double grade)
{
    s_do (f,
          "{\"cmd\":\"survey.invite\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"candidate\":\"%s\",\"about\":\"%s\",\"date\":\"%s\"}",
          id, candidate, about, invited);
    if (!responded)
        return;
    char extra[64] = "";
    if (grade > 0)
        snprintf (extra, sizeof extra, "\"grade\":%.1f,", grade);
    s_do (f,
          "{\"cmd\":\"survey.respond\",\"office\":\"nijmegen\",\"survey\":\"%s\",%s"
          "\"experience\":\"fijn gesprek\",\"date\":\"%s\"}",
          id, extra, responded);
}

//  --------------------------------------------------------------------------
//  The history: office nijmegen over the third quarter of 2017, with events
//  on the day before (2017-06-30) and after (2017-10-01) it, and a small
//  office arnhem. The tests' comments work every figure out from it.

static void
s_history_intake (fixture_t *f)
{
    const char *n = "nijmegen";
    s_candidate (f, n, "nij-00", "2017-06-30", "uwv");
    s_candidate (f, n, "nij-01", "2017-07-01", "uwv");
    s_candidate (f, n, "nij-02", "2017-07-03", "municipality");
    s_candidate (f, n, "nij-03", "2017-07-03", "uwv");
    s_candidate (f, n, "nij-04", "2017-07-10", "self");
    s_register (f, n, "nij-05", "2017-07-10", "mental_health", 1980, "in_treatment", true,
                true);
    s_register (f, n, "nij-06", "2017-08-01", "uwv", 1980, "done", false, true);
    s_register (f, n, "nij-07", "2017-08-02", "uwv", 1950, "done", true, false);
    s_candidate (f, n, "nij-08", "2017-09-30", "social_team");
    s_candidate (f, n, "nij-09", "2017-10-01", "uwv");
    s_step (f, "info_session", n, "nij-00", "2017-06-30");
    s_step (f, "info_session", n, "nij-01", "2017-07-01");
    s_step (f, "info_session", n, "nij-02", "2017-07-04");
    s_step (f, "info_session", n, "nij-03", "2017-07-04");
    s_step (f, "info_session", n, "nij-04", "2017-07-11");
    s_step (f, "info_session", n, "nij-05", "2017-07-11");
    s_step (f, "admit", n, "nij-00", "2017-07-03");
    s_step (f, "admit", n, "nij-01", "2017-07-05");
    s_step (f, "admit", n, "nij-02", "2017-07-10");
    s_step (f, "admit", n, "nij-03", "2017-07-10");
    s_step (f, "admit", n, "nij-04", "2017-07-12");
    s_do (
        f,
        "{\"cmd\":\"candidate.defer\",\"office\":\"nijmegen\",\"id\":\"nij-05\","
        "\"reason\":\"in treatment\",\"until\":\"2017-12-01\",\"date\":\"2017-07-20\"}");
    s_do (
        f,
        "{\"cmd\":\"candidate.defer\",\"office\":\"nijmegen\",\"id\":\"nij-08\","
        "\"reason\":\"waiting list\",\"until\":\"2017-11-01\",\"date\":\"2017-09-30\"}");
    s_do (f, "{\"cmd\":\"candidate.decline\",\"office\":\"nijmegen\",\"id\":\"nij-06\","
             "\"reason\":\"not eligible\",\"date\":\"2017-08-15\"}");
    s_do (f, "{\"cmd\":\"candidate.withdraw\",\"office\":\"nijmegen\",\"id\":\"nij-07\","
             "\"reason\":\"moved\",\"date\":\"2017-08-20\"}");
}

static void
s_history_stages (fixture_t *f)
{
    s_stage (f, "nij-00", "growth", NULL, "2017-06-30");
    s_stage (f, "nij-00", "growth", "running_through_process", "2017-07-02");
    s_stage (f, "nij-01", "disruption", NULL, "2017-07-05");
    s_stage (f, "nij-01", "reorientation", NULL, "2017-08-10");
    s_stage (f, "nij-02", "equilibrium", "stuck_in_equilibrium", "2017-07-06");
    s_stage (f, "nij-02", "disruption", NULL, "2017-10-05");
    s_stage (f, "nij-03", "growth", NULL, "2017-07-06");
    s_stage (f, "nij-04", "reorientation", "lost_in_reorientation", "2017-09-30");
    //  Recorded in this order, dated the other way round.
    s_stage (f, "nij-05", "disruption", "fighting_in_disruption", "2017-08-01");
    s_stage (f, "nij-05", "equilibrium", NULL, "2017-07-15");
}

//  A second, small office.
static void
s_history_arnhem (fixture_t *f)
{
    s_candidate (f, "arnhem", "arn-01", "2017-08-01", "client_org");
    s_candidate (f, "arnhem", "arn-02", "2017-09-01", "other");
    s_step (f, "info_session", "arnhem", "arn-01", "2017-08-02");
    s_step (f, "admit", "arnhem", "arn-01", "2017-08-03");
}

static void
s_expert (fixture_t *f, const char *office, const char *id, bool paid, double fte,
          const char *date)
{
    s_do (
        f,
        "{\"cmd\":\"expert.register\",\"office\":\"%s\",\"id\":\"%s\",\"paid\":%s,"
        "\"fte\":%.2f,\"experience\":[\"anxiety\"],\"max_caseload\":10,\"date\":\"%s\"}",
        office, id, paid ? "true" : "false", fte, date);
}

static void
s_history_experts (fixture_t *f)
{
    const char *n = "nijmegen";
    s_expert (f, n, "e1", true, 0.5, "2017-06-01");
    s_expert (f, n, "e2", true, 0.5, "2017-07-15");
    s_expert (f, n, "e3", false, 0.2, "2017-10-02");
    s_expert (f, "arnhem", "e9", false, 0.3, "2017-07-01");
    s_activity (f, n, "e1", "one_on_one", 60, "own_office", "nij-00", "2017-06-30");
    s_activity (f, n, "e1", "one_on_one", 60, "own_office", "nij-01", "2017-07-01");
    s_activity (f, n, "e1", "one_on_one", 45, "own_office", "nij-01", "2017-07-20");
    s_activity (f, n, "e1", "one_on_one", 60, "other_office", "nij-02", "2017-08-01");
    s_activity (f, n, "e2", "one_on_one", 30, "external", "nij-03", "2017-09-30");
    s_activity (f, n, "e2", "one_on_one", 60, "own_office", "nij-04", "2017-08-10");
    s_activity (f, n, "e2", "one_on_one", 60, "own_office", "nij-05", "2017-08-11");
    s_activity (f, n, "e1", "joint_talk", 90, "own_office", "nij-02", "2017-08-15");
    s_activity (f, n, "e2", "joint_talk", 30, "external", "nij-06", "2017-09-01");
    s_activity (f, n, "e1", "group_session", 120, "own_office", NULL, "2017-09-05");
    s_activity (f, n, "e2", "case_consultation", 30, "own_office", NULL, "2017-07-10");
    s_activity (f, n, "e1", "one_on_one", 60, "own_office", "nij-08", "2017-10-01");
    s_activity (f, "arnhem", "e9", "one_on_one", 30, "own_office", "arn-01",
                "2017-08-05");
}

//  Meeting n with everyone present but those absent.
static void
s_meeting (fixture_t *f, int number, const char *date, const char *absent)
{
    static const char *const members[] = {"nij-00", "nij-01", "nij-02", "nij-03",
                                          "nij-04"};
    char present[200] = "";
    size_t len = 0;
    for (int i = 0; i < 5; i++)
        if (!absent || !strstr (absent, members[i]))
            len += (size_t) snprintf (present + len, sizeof present - len, "%s\"%s\"",
                                      len ? "," : "", members[i]);
    s_do (f,
          "{\"cmd\":\"meeting.record\",\"office\":\"nijmegen\",\"cohort\":\"k1\","
          "\"number\":%d,\"date\":\"%s\",\"present\":[%s]}",
          number, date, present);
}

static void
s_history_training (fixture_t *f)
{
    const char *cohort =
        "{\"cmd\":\"cohort.create\",\"office\":\"nijmegen\",\"id\":\"%s\","
        "\"trainer_kind\":\"professional\",\"trainer\":\"t-anna\","
        "\"start\":\"%s\"}";
    s_do (f, cohort, "k1", "2017-07-15");
    s_do (f, cohort, "k2", "2017-09-15");
    s_do (f, cohort, "k3", "2017-10-15");
    for (int i = 0; i < 5; i++)
        s_do (f,
              "{\"cmd\":\"cohort.enroll\",\"office\":\"nijmegen\",\"cohort\":\"k1\","
              "\"candidate\":\"nij-0%d\",\"date\":\"2017-07-12\"}",
              i);
    s_do (f, "{\"cmd\":\"cohort.start\",\"office\":\"nijmegen\",\"cohort\":\"k1\","
             "\"date\":\"2017-07-20\"}");
    const char *dates[] = {"2017-07-20", "2017-07-27", "2017-08-03", "2017-08-10",
                           "2017-08-17", "2017-08-24", "2017-08-31", "2017-09-07",
                           "2017-09-14", "2017-09-21"};
    const char *absent[] = {NULL, "nij-00", NULL,     NULL, "nij-00",
                            NULL, NULL,     "nij-00", NULL, "nij-04"};
    for (int i = 0; i < 10; i++)
        s_meeting (f, i + 1, dates[i], absent[i]);
    s_goal (f, "g1", "nij-01", true, "2017-07-27");
    s_goal (f, "g2", "nij-02", false, "2017-07-27");
    s_goal (f, "g3", "nij-03", true, "2017-07-27");
    s_goal (f, "g4", "nij-04", false, "2017-07-27");
    s_goal (f, "g5", "nij-00", true, "2017-10-02");
    s_do (f, "{\"cmd\":\"goal.revise\",\"office\":\"nijmegen\",\"id\":\"g2\","
             "\"smart\":{\"measurable\":true},\"date\":\"2017-08-10\"}");
    s_reflection (f, "g1", true, true, "2017-08-20");
    s_reflection (f, "g3", true, false, "2017-08-21");
    s_reflection (f, "g2", true, true, "2017-10-03");
    s_do (f, "{\"cmd\":\"cohort.finish\",\"office\":\"nijmegen\",\"cohort\":\"k1\","
             "\"date\":\"2017-09-28\"}");
}

static void
s_history_placement (fixture_t *f)
{
    s_host (f, "h1", "2017-06-15");
    s_host (f, "h2", "2017-08-01");
    s_host (f, "h3", "2017-10-05");
    s_vacancy (f, "v1", "h1", 16, 24, "2017-06-20");
    s_vacancy (f, "v2", "h1", 12, 20, "2017-07-01");
    s_vacancy (f, "v3", "h2", 20, 24, "2017-08-02");
    s_vacancy (f, "v4", "h2", 12, 16, "2017-10-06");
    s_placement (f, "p1", "nij-01", "v1", 20, "2017-07-10");
    s_placement (f, "p2", "nij-02", "v2", 16, "2017-07-12");
    s_placement (f, "p3", "nij-03", "v3", 24, "2017-08-07");
    s_contact (f, "p1", "trainer", "2017-08-01");
    s_contact (f, "p1", "coordinator", "2017-09-01");
    s_contact (f, "p2", "trainer", "2017-08-01");
    s_do (f, "{\"cmd\":\"placement.end\",\"office\":\"nijmegen\",\"id\":\"p1\","
             "\"date\":\"2017-09-15\",\"outcome\":\"paid_job\",\"paid_job\":"
             "{\"employer_kind\":\"host\",\"hours\":24,\"contract\":\"temporary\"}}");
    s_do (f, "{\"cmd\":\"placement.end\",\"office\":\"nijmegen\",\"id\":\"p2\","
             "\"date\":\"2017-09-30\",\"outcome\":\"completed\"}");
    s_placement (f, "p4", "nij-04", "v1", 18, "2017-09-20");
    s_placement (f, "p5", "nij-00", "v2", 16, "2017-10-02");
}

static void
s_history_feedback (fixture_t *f)
{
    s_survey (f, "s1", "nij-01", "expert", "2017-07-01", "2017-07-05", 8.5);
    s_survey (f, "s2", "nij-02", "expert", "2017-07-10", "2017-07-12", 10);
    s_survey (f, "s3", "nij-03", "expert", "2017-08-01", "2017-10-02", 6);
    s_survey (f, "s4", "nij-04", "training", "2017-09-30", "2017-09-30", 0);
    s_survey (f, "s5", "nij-05", "programme", "2017-09-01", "2017-09-02", 10);
    s_survey (f, "s6", "nij-06", "programme", "2017-09-05", NULL, 0);
    s_survey (f, "s7", "nij-01", "placement", "2017-09-10", "2017-09-11", 6.5);
    s_survey (f, "s8", "nij-00", "training", "2017-06-30", "2017-07-02", 9);
    s_survey (f, "s9", "nij-08", "programme", "2017-10-01", NULL, 0);
}

static void
s_history (fixture_t *f)
{
    s_history_intake (f);
    s_history_stages (f);
    s_history_arnhem (f);
    s_history_experts (f);
    s_history_training (f);
    s_history_placement (f);
    s_history_feedback (f);
}

//  report.summary after everything sent so far; the reply (destroy it).
static tk_msg_t *
s_report (fixture_t *f, const char *office, const char *from, const char *to, int k)
{
    char extra[120] = "";
    size_t len = 0;
    if (office)
        len += (size_t) snprintf (extra, sizeof extra, "\"office\":\"%s\",", office);
    if (k)
        snprintf (extra + len, sizeof extra - len, "\"k\":%d,", k);
    return s_send (f, NULL,
                   "{\"cmd\":\"report.summary\",%s\"from\":\"%s\",\"to\":\"%s\"}", extra,
                   from, to);
}
