/*  test_placement_fixture - what the placement tests share, included by
    each of them: an in-process intake actor and placement actor, intake
    commands whose position the next placement command names in "after"
    (read your writes), and short forms of the common commands.  */
#include "conditions.h"
#include "intake.h"
#include "placement.h"
#include "testkit.h"

#include <stdarg.h>
#include <unistd.h>

#define OFFICE "\"office\":\"nijmegen\""
#define REQS_ALL                                                                         \
    "{\"one_year\":true,\"hours_12_24\":true,\"function_profile\":true,"                 \
    "\"onboarding\":true,\"fixed_supervisor\":true,\"buddy\":true,"                      \
    "\"allows_training\":true,\"insured\":true,\"paid_job_effort\":true}"
#define REQS_NO_INSURANCE                                                                \
    "{\"one_year\":true,\"hours_12_24\":true,\"function_profile\":true,"                 \
    "\"onboarding\":true,\"fixed_supervisor\":true,\"buddy\":true,"                      \
    "\"allows_training\":true,\"insured\":false,\"paid_job_effort\":true}"
#define HOST_NAME  "Groen & Zorg B.V."
#define SUPERVISOR "Piet de Vries"
#define BUDDY      "Anne-Marie O'Brien"

typedef struct {
    char *dir;
    directory_t *directory;
    zactor_t *intake;
    zactor_t *placement;
    tk_client_t *in;
    tk_client_t *pl;
    const dir_entry_t *in_entry;
    const dir_entry_t *pl_entry;
    int64_t intake_seq; //  of the last intake reply, sent in after
} fixture_t;

static zactor_t *
s_start (fixture_t *f, const service_def_t *def, const char *instance)
{
    return tk_start (def, instance, f->dir, f->directory);
}

//  An intake command that must succeed; its position goes in later afters.

//  A command to intake that must succeed; a failure names the caller's line.
#define s_intake(f, ...) s_intake_at (__FILE__, __LINE__, f, __VA_ARGS__)
static void s_intake_at (const char *file, int line, fixture_t *f, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
static void
s_intake_at (const char *file, int line, fixture_t *f, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_vcommand (file, line, f->in, &f->intake_seq, fmt, args);
    va_end (args);
}

static void
s_candidate (fixture_t *f, const char *office, const char *id, const char *function,
             const char *sector, bool admit)
{
    char wishes[200] = "";
    if (*function)
        snprintf (wishes, sizeof wishes,
                  "\"wishes\":{\"function\":\"%s\",\"sector\":\"%s\"},", function,
                  sector);
    s_intake (f,
              "{\"cmd\":\"candidate.register\",\"office\":\"%s\",\"id\":\"%s\","
              "\"birth_year\":1985,\"referral\":\"uwv\",\"benefit\":\"wia\","
              "\"treatment\":\"done\",\"criteria\":{\"psych_limitation\":true,"
              "\"motivated\":true,\"willing_to_train\":true,\"arranges_benefits\":true,"
              "\"seeks_paid_work\":true},\"consent\":{\"processing\":true,"
              "\"evaluation_contact\":true},%s\"contact\":{\"name\":\"Jan Jansen\"},"
              "\"date\":\"2017-07-03\"}",
              office, id, wishes);
    s_intake (f,
              "{\"cmd\":\"candidate.info_session\",\"office\":\"%s\",\"id\":\"%s\","
              "\"date\":\"2017-07-10\"}",
              office, id);
    if (admit)
        s_intake (f,
                  "{\"cmd\":\"candidate.admit\",\"office\":\"%s\",\"id\":\"%s\","
                  "\"date\":\"2017-07-20\"}",
                  office, id);
}

//  A placement command, sent with the last intake position in after;
//  expects code (NULL: ok) and, when given, the error's field.
static tk_msg_t *
s_vpl (fixture_t *f, const char *code, const char *field, const char *fmt, va_list args)
{
    char *body = zsys_vprintf (fmt, args);
    size_t len = strlen (body);
    char *cmd =
        zsys_sprintf ("%.*s,\"after\":[{\"service\":\"intake\",\"instance\":\"intake\","
                      "\"seq\":%" PRId64 "}]}",
                      (int) len - 1, body, f->intake_seq);
    tk_msg_t *r = tk_expect (f->pl, code, "%s", cmd);
    if (field && !CHECK (streq (tk_str (r, "error.field"), field)))
        fprintf (stderr, "  field was '%s', expected '%s' for %s\n",
                 tk_str (r, "error.field"), field, body);
    free (cmd);
    free (body);
    return r;
}

static tk_msg_t *s_pl (fixture_t *f, const char *code, const char *field, const char *fmt,
                       ...) __attribute__ ((format (printf, 4, 5)));

static tk_msg_t *
s_pl (fixture_t *f, const char *code, const char *field, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *r = s_vpl (f, code, field, fmt, args);
    va_end (args);
    return r;
}

static void s_do (fixture_t *f, const char *code, const char *field, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static void
s_do (fixture_t *f, const char *code, const char *field, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *r = s_vpl (f, code, field, fmt, args);
    va_end (args);
    tk_msg_destroy (&r);
}

static void
s_vacancy (fixture_t *f, const char *office, const char *id, const char *host,
           const char *function, int lo, int hi)
{
    s_do (
        f, NULL, NULL,
        "{\"cmd\":\"vacancy.open\",\"office\":\"%s\",\"id\":\"%s\",\"host\":\"%s\","
        "\"function\":\"%s\",\"hours_min\":%d,\"hours_max\":%d,\"date\":\"2017-08-01\"}",
        office, id, host, function, lo, hi);
}

static void
s_propose (fixture_t *f, const char *id, const char *candidate, const char *vacancy,
           int hours, bool supervisor, bool buddy)
{
    s_do (f, NULL, NULL,
          "{\"cmd\":\"placement.propose\"," OFFICE ",\"id\":\"%s\",\"candidate\":\"%s\","
          "\"vacancy\":\"%s\",\"hours_per_week\":%d,\"start\":\"2017-09-01\"%s%s}",
          id, candidate, vacancy, hours,
          supervisor ? ",\"supervisor\":\"" SUPERVISOR "\"" : "",
          buddy ? ",\"buddy\":\"" BUDDY "\"" : "");
}

static void
s_sign (fixture_t *f, const char *id, const char *agreement)
{
    s_do (f, NULL, NULL,
          "{\"cmd\":\"placement.sign\"," OFFICE ",\"id\":\"%s\",\"agreement\":\"%s\","
          "\"date\":\"2017-08-20\"}",
          id, agreement);
}

static void
s_start_ok (fixture_t *f, const char *id, const char *date)
{
    s_do (f, NULL, NULL,
          "{\"cmd\":\"placement.start\"," OFFICE ",\"id\":\"%s\",\"date\":\"%s\"}", id,
          date);
}

//  No event carries a name or free text given to either service.
static bool
s_no_names (tk_msg_t *event)
{
    static const char *const names[] = {HOST_NAME, "Valkhof", SUPERVISOR,
                                        BUDDY,     "Jansen",  NULL};
    char *json = tk_json (event);
    bool clean = true;
    for (int i = 0; names[i]; i++)
        clean = clean && !strstr (json, names[i]);
    if (!clean)
        fprintf (stderr, "  event with a name: %s\n", json);
    free (json);
    return clean;
}

static void
s_setup (fixture_t *f)
{
    zsys_init ();
    //  tk_port_base draws from random (): unseeded, tests run in parallel
    //  would all draw the same ports.
    srandom ((unsigned) getpid ());
    memset (f, 0, sizeof *f);
    f->dir = tk_tmpdir ();
    f->directory = directory_new_defaults (tk_port_base ());
    f->in_entry = directory_instance (f->directory, "intake");
    f->pl_entry = directory_instance (f->directory, "placement");
    f->intake = s_start (f, intake_service (), "intake");
    f->placement = s_start (f, placement_service (), "placement");
    f->in = tk_client_new (f->in_entry->command);
    f->pl = tk_client_new (f->pl_entry->command);
}

static void
s_teardown (fixture_t *f)
{
    tk_client_destroy (&f->in);
    tk_client_destroy (&f->pl);
    zactor_destroy (&f->placement);
    zactor_destroy (&f->intake);
    directory_destroy (&f->directory);
    tk_rmdir (&f->dir);
}
