/*  test_training_cohort - cohorts of "Weer aan het werk...!": enrolment of
    admitted candidates only, start with at least five members, the ten
    meetings with attendance, coaching subgroups, certificates by the rule
    (its edges, and another rule on a second training instance), erasure
    of a certified candidate and the stream.  */
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
#define GOAL                                                                             \
    "{\"cmd\":\"goal.set\",\"office\":\"nijmegen\",\"id\":\"%s\",\"candidate\":\"%s\","  \
    "\"cohort\":\"%s\",\"goal\":\"Zelfstandig reizen naar het "                          \
    "werk\",\"situation\":\"\","                                                         \
    "\"task\":\"\",\"action\":\"\",\"result\":\"\",\"reflection\":\"\","                 \
    "\"smart\":{\"concrete\":true,\"divisible\":true,\"measurable\":%s,\"feasible\":"    \
    "true}}"
#define MEETING                                                                          \
    "{\"cmd\":\"meeting.record\",\"office\":\"nijmegen\",\"cohort\":\"%s\",\"number\":%" \
    "d,"                                                                                 \
    "\"date\":\"%s\",\"present\":[%s]}"

static const char *const s_members[] = {"m-1", "m-2", "m-3", "m-4", "m-5"};

typedef struct {
    char *dir;
    directory_t *directory;
    zactor_t *intake;
    zactor_t *training;
    zactor_t *training_b; //  another instance, with another certificate rule
    service_def_t *def;
    service_def_t *def_b;
    tk_client_t *in;
    tk_client_t *tr;
    tk_client_t *tr_b;
    int64_t seq;
} fixture_t;

//  --------------------------------------------------------------------------

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
s_candidate (fixture_t *f, const char *id, bool admit)
{
    s_intake (f, REG, "nijmegen", id);
    if (!admit)
        return;
    s_intake (f,
              "{\"cmd\":\"candidate.info_session\",\"office\":\"nijmegen\",\"id\":\"%s\","
              "\"date\":\"2017-07-10\"}",
              id);
    s_intake (f,
              "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"%s\","
              "\"date\":\"2017-07-12\"}",
              id);
}

static tk_msg_t *
s_vcall (fixture_t *f, tk_client_t *client, const char *code, const char *field,
         const char *fmt, va_list args)
{
    char *cmd = zsys_vprintf (fmt, args);
    char *full =
        zsys_sprintf ("{\"after\":[{\"service\":\"intake\",\"instance\":\"intake\","
                      "\"seq\":%" PRId64 "}],%s",
                      f->seq, cmd + 1);
    tk_msg_t *r = tk_expect (client, code, "%s", full);
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
    tk_msg_t *r = s_vcall (f, f->tr, code, field, fmt, args);
    va_end (args);
    return r;
}

static void
s_do (fixture_t *f, const char *code, const char *field, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *r = s_vcall (f, f->tr, code, field, fmt, args);
    va_end (args);
    tk_msg_destroy (&r);
}

static tk_msg_t *
s_on (fixture_t *f, tk_client_t *client, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *r = s_vcall (f, client, NULL, NULL, fmt, args);
    va_end (args);
    return r;
}

#define s_do_on(...)                                                                     \
    do {                                                                                 \
        tk_msg_t *reply_ = s_on (__VA_ARGS__);                                           \
        tk_msg_destroy (&reply_);                                                        \
    } while (0)

//  Attendance: m-1 and m-4 all ten, m-2 misses 9-10 (8), m-3 misses 8-10
//  (7), m-5 misses 10 (9).
static bool
s_present (int number, int member)
{
    return !(member == 1 && number >= 9) && !(member == 2 && number >= 8)
           && !(member == 4 && number == 10);
}

static void
s_meeting_date (int number, char date[11])
{
    int32_t days;
    codec_parse_date ("2017-09-11", 10, &days);
    codec_format_date (days + 7 * (number - 1), date);
}

static char *
s_present_list (int number)
{
    char *list = zsys_sprintf ("%s", "");
    for (int i = 0; i < 5; i++)
        if (s_present (number, i)) {
            char *longer =
                zsys_sprintf ("%s%s\"%s\"", list, *list ? "," : "", s_members[i]);
            free (list);
            list = longer;
        }
    return list;
}

//  Meetings from..to of a started cohort, on weekly dates from 2017-09-11.
static void
s_meetings (fixture_t *f, tk_client_t *client, const char *cohort, int from, int to)
{
    for (int n = from; n <= to; n++) {
        char date[11];
        s_meeting_date (n, date);
        char *present = s_present_list (n);
        s_do_on (f, client, MEETING, cohort, n, date, present);
        free (present);
    }
}

//  --------------------------------------------------------------------------

static void
test_create (fixture_t *f)
{
    const char *create =
        "{\"cmd\":\"cohort.create\",\"office\":\"nijmegen\",\"id\":\"%s\","
        "\"trainer_kind\":\"%s\",\"trainer\":\"%s\",\"start\":\"%s\"}";
    tk_msg_t *r =
        s_tr (f, NULL, NULL, create, "k-1", "professional", "staff-1", "2017-09-04");
    CHECK (streq (tk_str (r, "id"), "k-1") && streq (tk_str (r, "start"), "2017-09-04"));
    tk_msg_destroy (&r);
    s_do (f, NULL, NULL, create, "k-1", "professional", "staff-1", "2017-09-04");
    s_do (f, "conflict", "id", create, "k-1", "professional", "staff-2", "2017-09-04");
    s_do (f, "not_found", "trainer", create, "k-9", "experience_expert", "e-nobody",
          "2017-09-04");
    s_do (f, "invalid_argument", "trainer_kind", create, "k-9", "volunteer", "x",
          "2017-09-04");
    s_do (f, "invalid_argument", "start", create, "k-9", "professional", "x",
          "2017-09-31");
    s_do (f, "invalid_argument", "id", create, "123456782", "professional", "x",
          "2017-09-04");
    s_do (f, NULL, NULL, create, "k-small", "professional", "staff-1", "2017-09-04");
    s_do (f, NULL, NULL, create, "k-full", "professional", "staff-1", "2017-09-04");
    s_do (f, "not_found", "id",
          "{\"cmd\":\"cohort.get\",\"office\":\"arnhem\",\"id\":\"k-1\"}");
}

static void
test_enroll_and_start (fixture_t *f)
{
    const char *enroll =
        "{\"cmd\":\"cohort.enroll\",\"office\":\"nijmegen\",\"cohort\":\"%s\","
        "\"candidate\":\"%s\"}";
    const char *start =
        "{\"cmd\":\"cohort.start\",\"office\":\"nijmegen\",\"cohort\":\"%s\","
        "\"date\":\"2017-09-11\"}";
    s_do (f, "failed_precondition", "candidate", enroll, "k-1", "m-reg");
    s_do (f, "not_found", "candidate", enroll, "k-1", "m-nobody");
    s_do (f, "not_found", "cohort", enroll, "k-nobody", "m-1");
    //  Withdrawn after admission (training hears it from intake): no more.
    s_do (f, "failed_precondition", "candidate", enroll, "k-1", "m-wd");
    for (int i = 0; i < 4; i++) {
        tk_msg_t *r = s_tr (f, NULL, NULL, enroll, "k-1", s_members[i]);
        CHECK (tk_int (r, "members") == i + 1);
        tk_msg_destroy (&r);
    }
    s_do (f, "conflict", "candidate", enroll, "k-1", "m-1");
    s_do (f, "failed_precondition", "cohort", start, "k-1");
    s_do (f, "failed_precondition", "cohort", MEETING, "k-1", 1, "2017-09-11", "");
    s_do (f, "failed_precondition", "cohort",
          "{\"cmd\":\"cohort.finish\",\"office\":\"nijmegen\",\"cohort\":\"k-1\","
          "\"date\":\"2018-01-01\"}");
    s_do (f, NULL, NULL, enroll, "k-1", "m-5");
    tk_msg_t *r = s_tr (f, NULL, NULL, start, "k-1");
    CHECK (streq (tk_str (r, "status"), "started") && tk_int (r, "members") == 5);
    tk_msg_destroy (&r);
    s_do (f, "failed_precondition", "cohort", start, "k-1");
    s_do (f, "failed_precondition", "cohort", enroll, "k-1", "m-6");
    s_do (f, "not_found", "cohort", start, "k-nobody");
}

//  Every member in exactly one group, every group of 2-4.
static void
s_check_groups (tk_msg_t *r, int members)
{
    const msgpack_object *groups = tk_get (r, "groups");
    int seen = 0;
    bool sizes_ok = groups && groups->type == MSGPACK_OBJECT_ARRAY;
    for (uint32_t g = 0; sizes_ok && g < groups->via.array.size; g++) {
        uint32_t size = groups->via.array.ptr[g].via.array.size;
        sizes_ok = size >= 2 && size <= 4;
        seen += (int) size;
    }
    if (!CHECK (sizes_ok && seen == members))
        fprintf (stderr, "  subgroups wrong for %d members\n", members);
}

static void
test_subgroups (fixture_t *f)
{
    const char *sub =
        "{\"cmd\":\"cohort.subgroups\",\"office\":\"nijmegen\",\"cohort\":\"%s\"}";
    const char *enroll =
        "{\"cmd\":\"cohort.enroll\",\"office\":\"nijmegen\",\"cohort\":\"%s\","
        "\"candidate\":\"%s\"}";
    tk_msg_t *r = s_tr (f, NULL, NULL, sub, "k-1");
    CHECK (tk_int (r, "members") == 5);
    CHECK (streq (tk_str (r, "groups.0.0"), "m-1")
           && streq (tk_str (r, "groups.0.1"), "m-3")
           && streq (tk_str (r, "groups.0.2"), "m-5"));
    CHECK (streq (tk_str (r, "groups.1.0"), "m-2") && tk_get (r, "groups.1.2") == NULL);
    tk_msg_destroy (&r);
    s_do (f, "failed_precondition", "cohort", sub, "k-small");
    s_do (f, NULL, NULL, enroll, "k-small", "m-6");
    s_do (f, "failed_precondition", "cohort", sub, "k-small");
    s_do (f, "not_found", "cohort", sub, "k-nobody");
    //  Every size a cohort can have, up to the cap of 20 members.
    for (int i = 1; i <= 20; i++) {
        char id[16];
        snprintf (id, sizeof id, "f-%02d", i);
        s_do (f, NULL, NULL, enroll, "k-full", id);
        if (i < 2)
            continue;
        r = s_tr (f, NULL, NULL, sub, "k-full");
        s_check_groups (r, i);
        tk_msg_destroy (&r);
    }
    s_do (f, "failed_precondition", "cohort", enroll, "k-full", "f-21");
}

static void
test_meetings (fixture_t *f)
{
    s_do (f, "invalid_argument", "number", MEETING, "k-1", 11, "2017-09-11", "");
    s_do (f, "invalid_argument", "number", MEETING, "k-1", 0, "2017-09-11", "");
    s_do (f, "failed_precondition", "number", MEETING, "k-1", 2, "2017-09-11", "");
    s_do (f, "failed_precondition", "present", MEETING, "k-1", 1, "2017-09-11",
          "\"m-1\",\"m-6\"");
    s_do (f, "failed_precondition", "present", MEETING, "k-1", 1, "2017-09-11",
          "\"m-nobody\"");
    s_do (f, "invalid_argument", "present", MEETING, "k-1", 1, "2017-09-11",
          "\"m-1\",\"m-1\"");
    s_do (f, "invalid_argument", "date", MEETING, "k-1", 1, "2017-09-10", "");
    s_do (f, "not_found", "cohort", MEETING, "k-nobody", 1, "2017-09-11", "");
    tk_msg_t *r = s_tr (f, NULL, NULL, MEETING, "k-1", 1, "2017-09-11",
                        "\"m-1\",\"m-2\",\"m-3\",\"m-4\",\"m-5\"");
    CHECK (streq (tk_str (r, "kind"), "info") && tk_int (r, "present") == 5);
    CHECK (streq (tk_str (r, "topic"), "information session"));
    tk_msg_destroy (&r);
    s_do (f, "conflict", "number", MEETING, "k-1", 1, "2017-09-11", "");
    s_meetings (f, f->tr, "k-1", 2, 4);
    s_do (f, "invalid_argument", "date", MEETING, "k-1", 5, "2017-09-24", "");
    s_meetings (f, f->tr, "k-1", 5, 10);
    r = s_tr (f, NULL, NULL,
              "{\"cmd\":\"cohort.get\",\"office\":\"nijmegen\",\"id\":\"k-1\"}");
    CHECK (tk_int (r, "meetings.2.number") == 3);
    CHECK (streq (tk_str (r, "meetings.2.kind"), "coaching"));
    CHECK (streq (tk_str (r, "meetings.3.topic"),
                  "personal effectiveness (Wie ben jij met tijd?)"));
    CHECK (streq (tk_str (r, "meetings.9.date"), "2017-11-13"));
    CHECK (tk_int (r, "meetings.9.present") == 2);
    CHECK (tk_int (r, "member_list.2.attended") == 7);
    CHECK (tk_int (r, "member_list.2.meetings.6") == 7);
    tk_msg_destroy (&r);
}

static void
test_goals (fixture_t *f)
{
    s_do (f, NULL, NULL, GOAL, "g-1", "m-1", "k-1", "true");
    s_do (f, NULL, NULL, GOAL, "g-2", "m-2", "k-1", "true");
    s_do (f, NULL, NULL, GOAL, "g-3", "m-3", "k-1", "true");
    s_do (f, NULL, NULL, GOAL, "g-4", "m-4", "k-1", "false");
    s_do (f, "failed_precondition", "cohort", GOAL, "g-6", "m-6", "k-1", "true");
}

//  >= 8 of 10 meetings and a goal with all four SMART checks.
static void
test_finish (fixture_t *f)
{
    const char *finish =
        "{\"cmd\":\"cohort.finish\",\"office\":\"nijmegen\",\"cohort\":\"%s\","
        "\"date\":\"%s\"}";
    s_do (f, "invalid_argument", "date", finish, "k-1", "2017-11-12");
    tk_msg_t *r = s_tr (f, NULL, NULL, finish, "k-1", "2017-11-20");
    CHECK (streq (tk_str (r, "status"), "finished"));
    CHECK (tk_int (r, "rule.min_meetings") == 8);
    CHECK (streq (tk_str (r, "certified.0.candidate"), "m-1"));
    CHECK (streq (tk_str (r, "certified.1.candidate"), "m-2"));
    CHECK (tk_int (r, "certified.1.attended") == 8);
    CHECK (tk_get (r, "certified.2") == NULL);
    //  7 meetings; SMART incomplete; no goal at all.
    CHECK (streq (tk_str (r, "not_certified.0.candidate"), "m-3"));
    CHECK (tk_int (r, "not_certified.0.attended") == 7);
    CHECK (tk_get (r, "not_certified.0.smart_goal")->via.boolean);
    CHECK (streq (tk_str (r, "not_certified.1.candidate"), "m-4"));
    CHECK (tk_int (r, "not_certified.1.attended") == 10);
    CHECK (!tk_get (r, "not_certified.1.smart_goal")->via.boolean);
    CHECK (streq (tk_str (r, "not_certified.2.candidate"), "m-5"));
    tk_msg_destroy (&r);
    s_do (f, "failed_precondition", "cohort", finish, "k-1", "2017-11-21");
    s_do (f, "failed_precondition", "cohort", MEETING, "k-1", 10, "2017-11-21", "");
    s_do (f, "not_found", "cohort", finish, "k-nobody", "2017-11-21");
    r = s_tr (f, NULL, NULL,
              "{\"cmd\":\"cohort.get\",\"office\":\"nijmegen\",\"id\":\"k-1\"}");
    CHECK (tk_int (r, "certificates") == 2
           && streq (tk_str (r, "finished"), "2017-11-20"));
    CHECK (tk_get (r, "member_list.0.certified")->via.boolean);
    CHECK (!tk_get (r, "member_list.2.certified")->via.boolean);
    tk_msg_destroy (&r);
}

//  The same cohort on an instance whose rule is 7 meetings, no SMART goal.
static void
test_other_rule (fixture_t *f)
{
    s_do_on (f, f->tr_b,
             "{\"cmd\":\"cohort.create\",\"office\":\"nijmegen\",\"id\":\"k-b\","
             "\"trainer_kind\":\"professional\",\"trainer\":\"staff-1\","
             "\"start\":\"2017-09-04\"}");
    for (int i = 0; i < 5; i++)
        s_do_on (f, f->tr_b,
                 "{\"cmd\":\"cohort.enroll\",\"office\":\"nijmegen\",\"cohort\":\"k-b\","
                 "\"candidate\":\"%s\"}",
                 s_members[i]);
    s_do_on (f, f->tr_b,
             "{\"cmd\":\"cohort.start\",\"office\":\"nijmegen\",\"cohort\":\"k-b\","
             "\"date\":\"2017-09-11\"}");
    s_meetings (f, f->tr_b, "k-b", 1, 10);
    tk_msg_t *r = s_on (f, f->tr_b,
                        "{\"cmd\":\"cohort.finish\",\"office\":\"nijmegen\","
                        "\"cohort\":\"k-b\",\"date\":\"2017-11-20\"}");
    CHECK (tk_int (r, "rule.min_meetings") == 7);
    CHECK (streq (tk_str (r, "certified.2.candidate"), "m-3"));
    CHECK (tk_get (r, "certified.4") != NULL && tk_get (r, "not_certified.0") == NULL);
    tk_msg_destroy (&r);
}

//  Erasing a certified member: the records go, the counts stay.
static void
test_erasure (fixture_t *f)
{
    s_intake (f, "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"m-1\"}");
    tk_msg_t *r = s_tr (
        f, NULL, NULL, "{\"cmd\":\"cohort.get\",\"office\":\"nijmegen\",\"id\":\"k-1\"}");
    CHECK (tk_int (r, "members") == 4 && tk_int (r, "certificates") == 2);
    CHECK (streq (tk_str (r, "member_list.0.candidate"), "m-2"));
    CHECK (tk_int (r, "meetings.0.present") == 5
           && tk_int (r, "meetings.0.members") == 5);
    tk_msg_destroy (&r);
    s_do (f, "not_found", "id",
          "{\"cmd\":\"goal.get\",\"office\":\"nijmegen\",\"id\":\"g-1\"}");
}

static void
test_stream (fixture_t *f)
{
    zlistx_t *events =
        tk_replay_all (directory_instance (f->directory, "training")->replay, 1);
    int meetings = 0, certificates = 0, finished = 0, anonymous = 0;
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events)) {
        const char *type = tk_str (e, "type");
        char *json = tk_json (e);
        CHECK (!strstr (json, "Zelfstandig") && !strstr (json, "\"m-1\""));
        free (json);
        if (streq (type, "meeting.recorded") && streq (tk_str (e, "cohort"), "k-1")) {
            meetings++;
            CHECK (tk_int (e, "members") == 5 && tk_int (e, "present") >= 2);
            CHECK (tk_get (e, "topic") && tk_get (e, "kind") && tk_get (e, "date"));
        }
        if (streq (type, "certificate.issued")) {
            certificates++;
            anonymous += strncmp (tk_str (e, "candidate"), "anon-", 5) == 0;
            CHECK (tk_int (e, "attended") >= 8 && tk_int (e, "meetings") == 10);
        }
        if (streq (type, "cohort.finished")) {
            finished++;
            CHECK (tk_int (e, "certificates") == 2 && tk_int (e, "members") == 5);
        }
    }
    CHECK (meetings == 10 && certificates == 2 && finished == 1 && anonymous == 1);
    tk_events_destroy (&events);
}

//  --------------------------------------------------------------------------

static zactor_t *
s_start_training (fixture_t *f, const char *instance, service_def_t *def)
{
    return tk_start (def, instance, f->dir, f->directory);
}

static void
s_setup (fixture_t *f)
{
    int base = tk_port_base ();
    char *config = tk_write_config (f->dir, base);
    FILE *file = fopen (config, "a");
    if (file) {
        fprintf (file,
                 "training training-b nijmegen tcp://127.0.0.1:%d tcp://127.0.0.1:%d "
                 "tcp://127.0.0.1:%d\n",
                 base + 55, base + 56, base + 57);
        fclose (file);
    }
    char err[256];
    f->directory = directory_new (config, err, sizeof err);
    free (config);
    service_opts_t in = {
        .instance = "intake", .data_dir = f->dir, .directory = f->directory};
    f->intake = service_start (intake_service (), &in, err, sizeof err);
    CHECK (f->intake != NULL);
    training_rules_t rules = {8, true}, other = {7, false};
    f->def = training_service_new (&rules);
    f->def_b = training_service_new (&other);
    f->training = s_start_training (f, "training", f->def);
    f->training_b = s_start_training (f, "training-b", f->def_b);
    f->in = tk_client_new (directory_instance (f->directory, "intake")->command);
    f->tr = tk_client_new (directory_instance (f->directory, "training")->command);
    f->tr_b = tk_client_new (directory_instance (f->directory, "training-b")->command);
}

int
main (void)
{
    zsys_init ();
    fixture_t f;
    memset (&f, 0, sizeof f);
    f.dir = tk_tmpdir ();
    s_setup (&f);
    for (int i = 0; i < 5; i++)
        s_candidate (&f, s_members[i], true);
    s_candidate (&f, "m-6", true);
    s_candidate (&f, "m-reg", false);
    s_candidate (&f, "m-wd", true);
    s_intake (&f,
              "{\"cmd\":\"candidate.withdraw\",\"office\":\"nijmegen\",\"id\":\"m-wd\","
              "\"reason\":\"found work\",\"date\":\"2017-08-01\"}");
    for (int i = 1; i <= 21; i++) {
        char id[16];
        snprintf (id, sizeof id, "f-%02d", i);
        s_candidate (&f, id, true);
    }
    test_create (&f);
    test_enroll_and_start (&f);
    test_subgroups (&f);
    test_meetings (&f);
    test_goals (&f);
    test_finish (&f);
    test_other_rule (&f);
    test_erasure (&f);
    test_stream (&f);
    tk_client_destroy (&f.in);
    tk_client_destroy (&f.tr);
    tk_client_destroy (&f.tr_b);
    zactor_destroy (&f.training_b);
    zactor_destroy (&f.training);
    zactor_destroy (&f.intake);
    training_service_destroy (&f.def);
    training_service_destroy (&f.def_b);
    directory_destroy (&f.directory);
    tk_rmdir (&f.dir);
    return tk_done ("test_training_cohort");
}
