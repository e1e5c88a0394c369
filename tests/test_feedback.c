/*  test_feedback - every feedback rule and error code, against in-process
    intake and feedback actors: candidates come from intake's stream, and
    every feedback command carries the position of the last intake reply in
    "after" (read your writes). Texts must stay in the feedback store: the
    stream is scanned for each text entered.  */
#include "feedback.h"
#include "intake.h"
#include "testkit.h"

#define REG                                                                              \
    "{\"cmd\":\"candidate.register\",\"office\":\"%s\",\"id\":\"%s\","                   \
    "\"birth_year\":1985,\"referral\":\"uwv\",\"benefit\":\"wia\","                      \
    "\"treatment\":\"done\",\"criteria\":{\"psych_limitation\":true,"                    \
    "\"motivated\":true,\"willing_to_train\":true,\"arranges_benefits\":true,"           \
    "\"seeks_paid_work\":true},\"consent\":{\"processing\":true,"                        \
    "\"evaluation_contact\":%s},\"date\":\"2017-07-03\"}"
#define INVITE                                                                           \
    "{\"cmd\":\"survey.invite\",\"office\":\"%s\",\"id\":\"%s\",\"candidate\":\"%s\","   \
    "\"about\":\"%s\",\"date\":\"%s\"}"
#define RESPOND                                                                          \
    "{\"cmd\":\"survey.respond\",\"office\":\"nijmegen\",\"survey\":\"%s\","             \
    "\"date\":\"%s\"%s}"

//  Texts entered in responses and signals: none may appear on the stream.
#define EXPERIENCE "Het gesprek met Ria gaf me moed"
#define YIELD      "Ik solliciteer weer bij de bibliotheek"
#define SIGNAL     "Ervaringsdeskundigen registreren gesprekken elk anders"
#define SIGNAL2    "Te veel tijd naar andere kantoren"
static const char *const s_texts[] = {EXPERIENCE, YIELD,     SIGNAL,
                                      SIGNAL2,    "Te kort", NULL};

typedef struct {
    char *dir;
    directory_t *directory;
    zactor_t *intake;
    zactor_t *feedback;
    tk_client_t *in;
    tk_client_t *fb;
    const dir_entry_t *fb_entry;
    int64_t seq; //  intake's position after its last reply
} fixture_t;

static void
s_start_feedback (fixture_t *f)
{
    f->feedback = tk_start (feedback_service (), "feedback", f->dir, f->directory);
    f->fb = tk_client_new (f->fb_entry->command);
}

static void
s_stop_feedback (fixture_t *f)
{
    tk_client_destroy (&f->fb);
    zactor_destroy (&f->feedback);
}

//  An intake command that must succeed; its position is kept for "after".
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

//  A feedback command that must answer ok (code NULL) or fail with code on
//  field; it sees every intake reply before it. Returns the reply.
static tk_msg_t *s_fb (fixture_t *f, const char *code, const char *field, const char *fmt,
                       ...) __attribute__ ((format (printf, 4, 5)));
static tk_msg_t *
s_fb (fixture_t *f, const char *code, const char *field, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *cmd = zsys_vprintf (fmt, args);
    va_end (args);
    tk_msg_t *r =
        tk_expect (f->fb, code,
                   "{\"after\":[{\"service\":\"intake\",\"instance\":\"intake\","
                   "\"seq\":%" PRId64 "}],%s",
                   f->seq, cmd + 1);
    if (field && !CHECK (streq (tk_str (r, "error.field"), field)))
        fprintf (stderr, "  field was '%s', expected '%s' for %s\n",
                 tk_str (r, "error.field"), field, cmd);
    free (cmd);
    return r;
}

static void
s_drop (tk_msg_t *msg)
{
    tk_msg_destroy (&msg);
}

#define FB_OK(f, ...)               s_drop (s_fb (f, NULL, NULL, __VA_ARGS__))
#define FB_ERR(f, code, field, ...) s_drop (s_fb (f, code, field, __VA_ARGS__))

static bool
s_bool (tk_msg_t *r, const char *path, bool value)
{
    const msgpack_object *o = tk_get (r, path);
    return o && o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean == value;
}

static double
s_num (tk_msg_t *r, const char *path)
{
    const msgpack_object *o = tk_get (r, path);
    if (o && (o->type == MSGPACK_OBJECT_FLOAT64 || o->type == MSGPACK_OBJECT_FLOAT32))
        return o->via.f64;
    return -1;
}

//  --------------------------------------------------------------------------

static void
test_candidates (fixture_t *f)
{
    s_intake (f, REG, "nijmegen", "c-yes", "true");
    s_intake (f, REG, "nijmegen", "c-no", "false");
    s_intake (f, REG, "nijmegen", "c-two", "true");
    s_intake (f, REG, "arnhem", "c-arn", "true");
}

static void
test_invite (fixture_t *f)
{
    tk_msg_t *r = s_fb (f, NULL, NULL, INVITE, "nijmegen", "sv-yes-expert", "c-yes",
                        "expert", "2017-09-01");
    CHECK (streq (tk_str (r, "status"), "invited"));
    CHECK (streq (tk_str (r, "invited"), "2017-09-01"));
    CHECK (tk_int (r, "position.seq") == 1);
    tk_msg_destroy (&r);
    //  The same again answers the same without a new event.
    r = s_fb (f, NULL, NULL, INVITE, "nijmegen", "sv-yes-expert", "c-yes", "expert",
              "2017-09-01");
    CHECK (tk_int (r, "position.seq") == 1 && streq (tk_str (r, "about"), "expert"));
    tk_msg_destroy (&r);
    FB_ERR (f, "conflict", "id", INVITE, "nijmegen", "sv-yes-expert", "c-yes", "training",
            "2017-09-01");
    FB_ERR (f, "conflict", "id", INVITE, "arnhem", "sv-yes-expert", "c-arn", "expert",
            "2017-09-01");
    //  Without an id the service makes one.
    r = s_fb (
        f, NULL, NULL,
        "{\"cmd\":\"survey.invite\",\"office\":\"nijmegen\",\"candidate\":\"c-yes\","
        "\"about\":\"programme\",\"date\":\"2017-09-01\"}");
    CHECK (strncmp (tk_str (r, "id"), "s-", 2) == 0);
    tk_msg_destroy (&r);
    FB_OK (f, INVITE, "nijmegen", "sv-yes-training", "c-yes", "training", "2017-09-02");
    FB_OK (f, INVITE, "nijmegen", "sv-yes-placement", "c-yes", "placement", "2017-09-02");
    FB_OK (f, INVITE, "nijmegen", "sv-two", "c-two", "training", "2017-09-03");
    FB_OK (f, INVITE, "arnhem", "sv-arn", "c-arn", "expert", "2017-09-01");
}

static void
test_invite_refusals (fixture_t *f)
{
    FB_ERR (f, "failed_precondition", "candidate", INVITE, "nijmegen", "sv-x", "c-no",
            "expert", "2017-09-01");
    FB_ERR (f, "not_found", "candidate", INVITE, "nijmegen", "sv-x", "c-nobody", "expert",
            "2017-09-01");
    FB_ERR (f, "not_found", "candidate", INVITE, "nijmegen", "sv-x", "c-arn", "expert",
            "2017-09-01");
    FB_ERR (f, "invalid_argument", "date", INVITE, "nijmegen", "sv-x", "c-yes", "expert",
            "2017-07-02");
    FB_ERR (f, "invalid_argument", "date", INVITE, "nijmegen", "sv-x", "c-yes", "expert",
            "2017-02-30");
    FB_ERR (f, "invalid_argument", "about", INVITE, "nijmegen", "sv-x", "c-yes", "coffee",
            "2017-09-01");
    FB_ERR (f, "invalid_argument", "id", INVITE, "nijmegen", "111222333", "c-yes",
            "expert", "2017-09-01");
    FB_ERR (f, "invalid_argument", "candidate",
            "{\"cmd\":\"survey.invite\",\"office\":\"nijmegen\",\"about\":\"expert\","
            "\"date\":\"2017-09-01\"}");
    FB_ERR (f, "invalid_argument", "office",
            "{\"cmd\":\"survey.invite\",\"candidate\":\"c-yes\",\"about\":\"expert\","
            "\"date\":\"2017-09-01\"}");
    FB_ERR (f, "invalid_argument", "cmd",
            "{\"cmd\":\"survey.burn\",\"office\":\"nijmegen\"}");
    //  Nothing of the refusals was stored.
    FB_ERR (f, "not_found", "id",
            "{\"cmd\":\"survey.get\",\"office\":\"nijmegen\",\"id\":\"sv-x\"}");
}

static void
test_grades (fixture_t *f)
{
    const char *bad[] = {"10.5", "7.3", "0.5", "0", "-1", "\"8\"", "true", NULL};
    for (int i = 0; bad[i]; i++) {
        char extra[32];
        snprintf (extra, sizeof extra, ",\"grade\":%s", bad[i]);
        FB_ERR (f, "invalid_argument", "grade", RESPOND, "sv-yes-expert", "2017-09-10",
                extra);
    }
    tk_msg_t *r = s_fb (f, NULL, NULL, RESPOND, "sv-yes-expert", "2017-09-10",
                        ",\"grade\":8.5,\"experience\":\"" EXPERIENCE "\","
                        "\"yield\":\"" YIELD "\"");
    CHECK (streq (tk_str (r, "status"), "responded") && s_num (r, "grade") == 8.5);
    CHECK (tk_get (r, "experience") == NULL);
    tk_msg_destroy (&r);
    r = s_fb (f, NULL, NULL, RESPOND, "sv-yes-training", "2017-09-02", ",\"grade\":1.0");
    CHECK (s_num (r, "grade") == 1.0 && s_bool (r, "graded", true));
    tk_msg_destroy (&r);
    r = s_fb (f, NULL, NULL, RESPOND, "sv-yes-placement", "2017-09-12",
              ",\"grade\":10,\"experience\":\"Te kort\"");
    CHECK (s_num (r, "grade") == 10.0);
    tk_msg_destroy (&r);
    //  Nothing but white space: a response, without a grade or a text.
    r = s_fb (f, NULL, NULL, RESPOND, "sv-two", "2017-09-20", ",\"yield\":\"  \\n \"");
    CHECK (s_bool (r, "graded", false) && tk_get (r, "grade") == NULL);
    tk_msg_destroy (&r);
}

static void
test_respond_refusals (fixture_t *f)
{
    FB_ERR (f, "conflict", "survey", RESPOND, "sv-yes-expert", "2017-09-11",
            ",\"grade\":9");
    FB_ERR (f, "conflict", "survey", RESPOND, "sv-yes-expert", "2017-09-10",
            ",\"grade\":8.5,\"experience\":\"" EXPERIENCE "\",\"yield\":\"" YIELD "\"");
    FB_ERR (f, "not_found", "survey", RESPOND, "sv-nothing", "2017-09-11", "");
    FB_ERR (f, "not_found", "survey", RESPOND, "sv-arn", "2017-09-11", "");
    FB_ERR (f, "invalid_argument", "date", RESPOND, "sv-arn", "2017-13-01", "");
    FB_ERR (f, "invalid_argument", "survey", RESPOND, "bad id!", "2017-09-11", "");
    FB_ERR (f, "invalid_argument", "diagnosis", RESPOND, "sv-arn", "2017-09-11",
            ",\"diagnosis\":\"x\"");
    FB_ERR (f, "invalid_argument", "experience", RESPOND, "sv-arn", "2017-09-11",
            ",\"experience\":42");
    char *long_text = (char *) malloc (4002);
    memset (long_text, 'a', 4001);
    long_text[4001] = 0;
    tk_msg_t *r =
        s_fb (f, "invalid_argument", "yield",
              "{\"cmd\":\"survey.respond\",\"office\":\"arnhem\",\"survey\":\"sv-arn\","
              "\"date\":\"2017-09-11\",\"yield\":\"%s\"}",
              long_text);
    tk_msg_destroy (&r);
    free (long_text);
    //  A response before the invitation is refused; the invitation stays open.
    r = s_fb (f, "invalid_argument", "date",
              "{\"cmd\":\"survey.respond\",\"office\":\"arnhem\",\"survey\":\"sv-arn\","
              "\"date\":\"2017-08-31\",\"grade\":7}");
    tk_msg_destroy (&r);
    r = s_fb (f, NULL, NULL,
              "{\"cmd\":\"survey.get\",\"office\":\"arnhem\",\"id\":\"sv-arn\"}");
    CHECK (streq (tk_str (r, "status"), "invited") && tk_get (r, "responded") == NULL);
    tk_msg_destroy (&r);
}

static void
test_survey_queries (fixture_t *f)
{
    tk_msg_t *r = s_fb (
        f, NULL, NULL,
        "{\"cmd\":\"survey.get\",\"office\":\"nijmegen\",\"id\":\"sv-yes-expert\"}");
    CHECK (streq (tk_str (r, "experience"), EXPERIENCE));
    CHECK (streq (tk_str (r, "yield"), YIELD));
    CHECK (streq (tk_str (r, "responded"), "2017-09-10") && s_num (r, "grade") == 8.5);
    CHECK (streq (tk_str (r, "candidate"), "c-yes")
           && streq (tk_str (r, "about"), "expert"));
    tk_msg_destroy (&r);
    r = s_fb (f, NULL, NULL,
              "{\"cmd\":\"survey.get\",\"office\":\"nijmegen\",\"id\":\"sv-two\"}");
    CHECK (tk_get (r, "yield") == NULL && tk_get (r, "experience") == NULL);
    tk_msg_destroy (&r);
    FB_ERR (f, "not_found", "id",
            "{\"cmd\":\"survey.get\",\"office\":\"nijmegen\",\"id\":\"sv-arn\"}");
    r = s_fb (
        f, NULL, NULL,
        "{\"cmd\":\"survey.list\",\"office\":\"nijmegen\",\"candidate\":\"c-yes\"}");
    CHECK (tk_int (r, "count") == 4);
    char *json = tk_json (r);
    CHECK (!strstr (json, EXPERIENCE) && !strstr (json, "sv-two"));
    free (json);
    tk_msg_destroy (&r);
    r = s_fb (f, NULL, NULL,
              "{\"cmd\":\"survey.list\",\"office\":\"nijmegen\",\"status\":\"invited\"}");
    CHECK (tk_int (r, "count") == 1
           && streq (tk_str (r, "surveys.0.about"), "programme"));
    tk_msg_destroy (&r);
    r = s_fb (f, NULL, NULL,
              "{\"cmd\":\"survey.list\",\"office\":\"nijmegen\",\"about\":\"training\"}");
    CHECK (tk_int (r, "count") == 2);
    tk_msg_destroy (&r);
    FB_ERR (f, "invalid_argument", "status",
            "{\"cmd\":\"survey.list\",\"office\":\"nijmegen\",\"status\":\"lost\"}");
}

//  --------------------------------------------------------------------------

#define REPORT                                                                           \
    "{\"cmd\":\"signal.report\",\"office\":\"nijmegen\",\"id\":\"%s\",\"category\":\"%"  \
    "s\","                                                                               \
    "\"text\":\"%s\",\"date\":\"2017-09-05\"}"
#define RESOLVE                                                                          \
    "{\"cmd\":\"signal.resolve\",\"office\":\"%s\",\"id\":\"%s\",\"date\":\"%s\"}"

static void
test_signals (fixture_t *f)
{
    tk_msg_t *r = s_fb (f, NULL, NULL, REPORT, "sig-1", "registration", SIGNAL);
    CHECK (streq (tk_str (r, "status"), "open") && tk_get (r, "text") == NULL);
    int64_t seq = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    r = s_fb (f, NULL, NULL, REPORT, "sig-1", "registration", SIGNAL);
    CHECK (tk_int (r, "position.seq") == seq);
    tk_msg_destroy (&r);
    FB_ERR (f, "conflict", "id", REPORT, "sig-1", "registration", "another text");
    FB_ERR (f, "conflict", "id",
            "{\"cmd\":\"signal.report\",\"office\":\"arnhem\",\"id\":\"sig-1\","
            "\"category\":\"registration\",\"text\":\"" SIGNAL
            "\",\"date\":\"2017-09-05\"}");
    FB_ERR (f, "invalid_argument", "category", REPORT, "sig-x", "time/split", "x");
    FB_ERR (f, "invalid_argument", "text",
            "{\"cmd\":\"signal.report\",\"office\":\"nijmegen\",\"category\":\"x\","
            "\"date\":\"2017-09-05\"}");
    FB_OK (f, REPORT, "sig-2", "time split", SIGNAL2);
    FB_ERR (f, "not_found", "id", RESOLVE, "nijmegen", "sig-none", "2017-09-06");
    FB_ERR (f, "not_found", "id", RESOLVE, "arnhem", "sig-1", "2017-09-06");
    FB_ERR (f, "invalid_argument", "date", RESOLVE, "nijmegen", "sig-1", "2017-09-04");
    r = s_fb (f, NULL, NULL, RESOLVE, "nijmegen", "sig-1", "2017-09-05");
    CHECK (streq (tk_str (r, "status"), "resolved")
           && streq (tk_str (r, "resolved"), "2017-09-05"));
    tk_msg_destroy (&r);
    FB_ERR (f, "failed_precondition", "id", RESOLVE, "nijmegen", "sig-1", "2017-09-07");
}

static void
test_signal_list (fixture_t *f)
{
    tk_msg_t *r;
    r = s_fb (f, NULL, NULL,
              "{\"cmd\":\"signal.list\",\"office\":\"nijmegen\",\"status\":\"open\"}");
    CHECK (tk_int (r, "count") == 1 && streq (tk_str (r, "signals.0.id"), "sig-2"));
    tk_msg_destroy (&r);
    r = s_fb (
        f, NULL, NULL,
        "{\"cmd\":\"signal.list\",\"office\":\"nijmegen\",\"status\":\"resolved\"}");
    CHECK (tk_int (r, "count") == 1 && streq (tk_str (r, "signals.0.text"), SIGNAL));
    tk_msg_destroy (&r);
    r = s_fb (f, NULL, NULL, "{\"cmd\":\"signal.list\",\"office\":\"nijmegen\"}");
    CHECK (tk_int (r, "count") == 2);
    tk_msg_destroy (&r);
    r = s_fb (f, NULL, NULL, "{\"cmd\":\"signal.list\",\"office\":\"arnhem\"}");
    CHECK (tk_int (r, "count") == 0);
    tk_msg_destroy (&r);
    FB_ERR (f, "invalid_argument", "status",
            "{\"cmd\":\"signal.list\",\"office\":\"nijmegen\",\"status\":\"closed\"}");
}

//  --------------------------------------------------------------------------

static bool
s_has_text (const char *json)
{
    for (int i = 0; s_texts[i]; i++)
        if (strstr (json, s_texts[i]))
            return true;
    return false;
}

static void
s_check_responded (tk_msg_t *e)
{
    const char *survey = tk_str (e, "survey");
    if (streq (survey, "sv-yes-expert")) {
        CHECK (streq (tk_str (e, "about"), "expert") && s_num (e, "grade") == 8.5);
        CHECK (streq (tk_str (e, "invited"), "2017-09-01")
               && streq (tk_str (e, "date"), "2017-09-10"));
        CHECK (s_bool (e, "experience_given", true) && s_bool (e, "yield_given", true));
    }
    if (streq (survey, "sv-two")) {
        CHECK (tk_get (e, "grade") == NULL && s_bool (e, "graded", false));
        CHECK (s_bool (e, "experience_given", false) && s_bool (e, "yield_given", false));
    }
}

//  No event carries a text; the fields subscribers need are there.
static void
test_stream (fixture_t *f)
{
    zlistx_t *events = tk_replay_all (f->fb_entry->replay, 1);
    int invited = 0, responded = 0, signals = 0;
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events)) {
        char *json = tk_json (e);
        if (!CHECK (!s_has_text (json)))
            fprintf (stderr, "  event with text: %s\n", json);
        free (json);
        const char *type = tk_str (e, "type");
        invited += streq (type, "survey.invited");
        responded += streq (type, "survey.responded");
        signals += strncmp (type, "signal.", 7) == 0;
        if (streq (type, "survey.responded"))
            s_check_responded (e);
        if (streq (type, "signal.reported"))
            CHECK (*tk_str (e, "category") && tk_get (e, "text") == NULL);
    }
    CHECK (invited == 6 && responded == 4 && signals == 3);
    tk_events_destroy (&events);
}

//  --------------------------------------------------------------------------

//  The token intake gave the erased candidate.
static char *
s_intake_token (const char *replay)
{
    zlistx_t *events = tk_replay_all (replay, 1);
    char *token = NULL;
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events))
        if (streq (tk_str (e, "type"), "candidate.erased"))
            token = strdup (tk_str (e, "token"));
    tk_events_destroy (&events);
    return token;
}

//  After erasure the candidate's events name only tokens, keep their codes
//  and grades, and an invitation and its response still share a survey.
static void
s_check_erased_stream (fixture_t *f, const char *token)
{
    zlistx_t *events = tk_replay_all (f->fb_entry->replay, 1);
    int anonymous = 0;
    char expert[64] = "";
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events)) {
        char *json = tk_json (e);
        CHECK (!strstr (json, "c-yes") && !strstr (json, "sv-yes") && !s_has_text (json));
        free (json);
        if (!streq (tk_str (e, "candidate"), token))
            continue;
        anonymous++;
        CHECK (strncmp (tk_str (e, "survey"), "anon-", 5) == 0);
        CHECK (!streq (tk_str (e, "survey"), token));
        if (streq (tk_str (e, "type"), "survey.invited")
            && streq (tk_str (e, "about"), "expert"))
            snprintf (expert, sizeof expert, "%s", tk_str (e, "survey"));
        if (streq (tk_str (e, "type"), "survey.responded") && s_num (e, "grade") == 8.5)
            CHECK (streq (tk_str (e, "survey"), expert));
    }
    CHECK (anonymous == 7); //  four invitations, three responses
    CHECK (zlistx_size (events) == 13);
    tk_events_destroy (&events);
}

static void
test_erasure (fixture_t *f)
{
    s_intake (f,
              "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"c-yes\"}");
    FB_ERR (f, "not_found", "id",
            "{\"cmd\":\"survey.get\",\"office\":\"nijmegen\",\"id\":\"sv-yes-expert\"}");
    FB_ERR (f, "not_found", "survey", RESPOND, "sv-yes-training", "2017-10-01", "");
    FB_ERR (f, "not_found", "candidate", INVITE, "nijmegen", "sv-new", "c-yes", "expert",
            "2017-10-01");
    tk_msg_t *r =
        s_fb (f, NULL, NULL, "{\"cmd\":\"survey.list\",\"office\":\"nijmegen\"}");
    CHECK (tk_int (r, "count") == 1 && streq (tk_str (r, "surveys.0.id"), "sv-two"));
    tk_msg_destroy (&r);
    char *token = s_intake_token (directory_instance (f->directory, "intake")->replay);
    CHECK (token && strncmp (token, "anon-", 5) == 0);
    if (token)
        s_check_erased_stream (f, token);
    free (token);
    //  The erased survey's id is free again.
    FB_OK (f, INVITE, "nijmegen", "sv-yes-expert", "c-two", "expert", "2017-10-01");
}

//  A feedback store rebuilt after the erasure learns the candidate under
//  its token first, then forgets that name too.
static void
test_replay_after_erasure (fixture_t *f)
{
    s_stop_feedback (f);
    char *path = zsys_sprintf ("%s/feedback", f->dir);
    zdir_t *dir = zdir_new (path, NULL);
    if (dir)
        zdir_remove (dir, true);
    zdir_destroy (&dir);
    free (path);
    s_start_feedback (f);
    char *token = s_intake_token (directory_instance (f->directory, "intake")->replay);
    FB_ERR (f, "not_found", "candidate", INVITE, "nijmegen", "sv-t", token ? token : "x",
            "expert", "2017-10-01");
    FB_OK (f, INVITE, "nijmegen", "sv-again", "c-two", "programme", "2017-10-01");
    FB_ERR (f, "failed_precondition", "candidate", INVITE, "nijmegen", "sv-t", "c-no",
            "expert", "2017-10-01");
    free (token);
}

int
main (void)
{
    zsys_init ();
    fixture_t f;
    memset (&f, 0, sizeof f);
    f.dir = tk_tmpdir ();
    f.directory = directory_new_defaults (tk_port_base ());
    f.fb_entry = directory_instance (f.directory, "feedback");
    f.intake = tk_start (intake_service (), "intake", f.dir, f.directory);
    f.in = tk_client_new (directory_instance (f.directory, "intake")->command);
    s_start_feedback (&f);
    test_candidates (&f);
    test_invite (&f);
    test_invite_refusals (&f);
    test_grades (&f);
    test_respond_refusals (&f);
    test_survey_queries (&f);
    test_signals (&f);
    test_signal_list (&f);
    test_stream (&f);
    test_erasure (&f);
    test_replay_after_erasure (&f);
    s_stop_feedback (&f);
    tk_client_destroy (&f.in);
    zactor_destroy (&f.intake);
    directory_destroy (&f.directory);
    tk_rmdir (&f.dir);
    return tk_done ("test_feedback");
}
