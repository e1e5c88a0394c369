/*  test_training_restart - intake and training as processes. Training is
    killed with SIGKILL again and again while intake keeps registering and
    admitting candidates; right after each restart a candidate admitted a
    moment ago is enrolled (read your writes). At the end training's
    consumer stands at intake's head and every admission was applied
    exactly once: each candidate enrols once, and training counted exactly
    the three intake events each one had.  */
#include "testkit.h"

#include <signal.h>

#define ROUNDS     6
#define PER_ROUND  10 //  half while training is down, half after its restart
#define CANDIDATES (ROUNDS * PER_ROUND)
#define PER_COHORT 20

typedef struct {
    char *dir;
    char *config;
    const char *bin;
    directory_t *directory;
    pid_t intake;
    pid_t training;
    tk_client_t *in;
    tk_client_t *tr;
    int64_t seq;
} fixture_t;

static pid_t
s_spawn (fixture_t *f, const char *service)
{
    char *program = zsys_sprintf ("%s/opstap-%s", f->bin, service);
    char *log = zsys_sprintf ("%s/%s.log", f->dir, service);
    const char *argv[] = {program,   "--instance", service, "--config",
                          f->config, "--data",     f->dir,  NULL};
    pid_t pid = tk_spawn (argv, NULL, log);
    free (program);
    free (log);
    return pid;
}

static void
s_intake (fixture_t *f, const char *fmt, int index)
{
    char *cmd = zsys_sprintf (fmt, index);
    tk_msg_t *r = tk_expect (f->in, NULL, "%s", cmd);
    if (tk_ok (r))
        f->seq = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    free (cmd);
}

static void
s_admit (fixture_t *f, int index)
{
    s_intake (f,
              "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"id\":\"r-%02d\","
              "\"birth_year\":1990,\"referral\":\"self\",\"benefit\":\"ww\","
              "\"treatment\":\"none\",\"criteria\":{\"psych_limitation\":true,"
              "\"motivated\":true,\"willing_to_train\":true,\"arranges_benefits\":true,"
              "\"seeks_paid_work\":true},\"consent\":{\"processing\":true,"
              "\"evaluation_contact\":false},\"date\":\"2018-01-08\"}",
              index);
    s_intake (
        f,
        "{\"cmd\":\"candidate.info_session\",\"office\":\"nijmegen\",\"id\":\"r-%02d\","
        "\"date\":\"2018-01-15\"}",
        index);
    s_intake (f,
              "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"r-%02d\","
              "\"date\":\"2018-01-22\"}",
              index);
}

//  Enrols candidate index in its cohort, seeing intake up to f->seq.
static void
s_enroll (fixture_t *f, int index, const char *code)
{
    tk_msg_t *r = tk_expect (f->tr, code,
                             "{\"cmd\":\"cohort.enroll\",\"office\":\"nijmegen\","
                             "\"cohort\":\"rk-%d\",\"candidate\":\"r-%02d\","
                             "\"after\":[{\"service\":\"intake\",\"instance\":\"intake\","
                             "\"seq\":%" PRId64 "}]}",
                             index / PER_COHORT, index, f->seq);
    tk_msg_destroy (&r);
}

static void
s_round (fixture_t *f, int round)
{
    int first = round * PER_ROUND;
    CHECK (tk_stop (f->training, SIGKILL) == 128 + SIGKILL);
    for (int i = first; i < first + PER_ROUND / 2; i++)
        s_admit (f, i);
    f->training = s_spawn (f, "training");
    if (round % 2 == 1) {
        //  Killed again while it may be catching up.
        zclock_sleep (15 * round);
        CHECK (tk_stop (f->training, SIGKILL) == 128 + SIGKILL);
        f->training = s_spawn (f, "training");
    }
    //  Right after the restart: admitted in intake, enrolled on the next line.
    for (int i = first + PER_ROUND / 2; i < first + PER_ROUND; i++) {
        s_admit (f, i);
        s_enroll (f, i, NULL);
    }
}

//  Training's consumer of intake, once it stands at intake's head.
static void
s_check_caught_up (fixture_t *f)
{
    tk_msg_t *in = tk_call (f->in, "{\"cmd\":\"service.status\"}");
    int64_t head = tk_int (in, "head");
    tk_msg_destroy (&in);
    tk_msg_t *r = tk_call (f->tr, "{\"cmd\":\"service.status\"}");
    int64_t deadline = zclock_mono () + 10000;
    while (tk_int (r, "consumers.0.position") != head && zclock_mono () < deadline) {
        zclock_sleep (20);
        tk_msg_destroy (&r);
        r = tk_call (f->tr, "{\"cmd\":\"service.status\"}");
    }
    printf ("intake head %" PRId64 ", training consumer at %" PRId64 ", lag %" PRId64
            "\n",
            head, tk_int (r, "consumers.0.position"), tk_int (r, "consumers.0.lag"));
    CHECK (head == CANDIDATES * 3);
    CHECK (tk_int (r, "consumers.0.position") == head);
    CHECK (tk_int (r, "consumers.0.lag") == 0);
    CHECK (streq (tk_str (r, "consumers.0.instance"), "intake"));
    tk_msg_destroy (&r);
}

//  Every candidate known once, admitted, with exactly its three events.
static void
s_check_candidates (fixture_t *f)
{
    tk_msg_t *r = tk_expect (f->tr, NULL,
                             "{\"cmd\":\"cohort.candidates\",\"office\":\"nijmegen\","
                             "\"status\":\"admitted\"}");
    int64_t count = tk_int (r, "count");
    int three = 0, enrolled = 0;
    for (int64_t i = 0; i < count; i++) {
        char path[48];
        snprintf (path, sizeof path, "candidates.%" PRId64 ".intake_events", i);
        three += tk_int (r, path) == 3;
        snprintf (path, sizeof path, "candidates.%" PRId64 ".cohorts", i);
        enrolled += tk_int (r, path) == 1;
    }
    printf ("training knows %" PRId64
            " admitted candidates, %d with exactly 3 intake events, "
            "%d enrolled once\n",
            count, three, enrolled);
    CHECK (count == CANDIDATES && three == CANDIDATES && enrolled == CANDIDATES);
    tk_msg_destroy (&r);
}

static void
s_run (fixture_t *f)
{
    for (int k = 0; k < CANDIDATES / PER_COHORT; k++) {
        tk_msg_t *r = tk_expect (f->tr, NULL,
                                 "{\"cmd\":\"cohort.create\",\"office\":\"nijmegen\","
                                 "\"id\":\"rk-%d\",\"trainer_kind\":\"professional\","
                                 "\"trainer\":\"staff-1\",\"start\":\"2018-02-05\"}",
                                 k);
        tk_msg_destroy (&r);
    }
    for (int round = 0; round < ROUNDS; round++)
        s_round (f, round);
    //  The ones admitted while training was down: once each, never twice.
    for (int round = 0; round < ROUNDS; round++)
        for (int i = round * PER_ROUND; i < round * PER_ROUND + PER_ROUND / 2; i++)
            s_enroll (f, i, NULL);
    for (int i = 0; i < CANDIDATES; i++)
        s_enroll (f, i, "conflict");
    s_check_caught_up (f);
    s_check_candidates (f);
}

int
main (void)
{
    zsys_init ();
    fixture_t f;
    memset (&f, 0, sizeof f);
    f.bin = getenv ("OPSTAP_BIN");
    if (!f.bin) {
        fprintf (stderr, "OPSTAP_BIN is not set\n");
        return 1;
    }
    f.dir = tk_tmpdir ();
    f.config = tk_write_config (f.dir, tk_port_base ());
    char err[256];
    f.directory = directory_new (f.config, err, sizeof err);
    const dir_entry_t *intake = directory_instance (f.directory, "intake");
    const dir_entry_t *training = directory_instance (f.directory, "training");
    f.intake = s_spawn (&f, "intake");
    f.training = s_spawn (&f, "training");
    CHECK (tk_wait_up (intake->command, 10) == 0
           && tk_wait_up (training->command, 10) == 0);
    f.in = tk_client_new (intake->command);
    f.tr = tk_client_new (training->command);
    s_run (&f);
    tk_client_destroy (&f.in);
    tk_client_destroy (&f.tr);
    //  A clean stop on SIGTERM exits 0.
    CHECK (tk_stop (f.training, SIGTERM) == 0);
    CHECK (tk_stop (f.intake, SIGTERM) == 0);
    directory_destroy (&f.directory);
    free (f.config);
    tk_rmdir (&f.dir);
    return tk_done ("test_training_restart");
}
