/*  test_placement_restart - opstap-intake and opstap-placement as
    processes. Candidates are registered, admitted and some withdrawn again
    in intake while placement is killed with SIGKILL and restarted, now and
    then staying down for a while. Afterwards placement has caught up with
    every intake event exactly once and in order: every candidate still
    admitted can be proposed, every other one is refused, and placement's
    consumer position equals intake's head.  */
#include "testkit.h"

#include <signal.h>
#include <unistd.h>

#define CANDIDATES 60
#define KILL_EVERY 7

typedef struct {
    char *dir;
    char *config;
    const char *bin;
    directory_t *directory;
    pid_t intake;
    pid_t placement;
    int kills;
    int64_t intake_seq;
} fixture_t;

static pid_t
s_spawn (fixture_t *f, const char *service)
{
    char *program = zsys_sprintf ("%s/opstap-%s", f->bin, service);
    char *log = zsys_sprintf ("%s/%s.log", f->dir, service);
    const char *argv[] = {program, "--config", f->config, "--data", f->dir, NULL};
    pid_t pid = tk_spawn (argv, NULL, log);
    free (program);
    free (log);
    return pid;
}

static const char *
s_endpoint (fixture_t *f, const char *instance)
{
    return directory_instance (f->directory, instance)->command;
}

//  Sends an intake command until it is answered; a rid keeps a resend
//  from being applied twice.
static void
s_intake (fixture_t *f, tk_client_t *client, const char *rid, const char *body)
{
    tk_msg_t *r = NULL;
    for (int attempt = 0; attempt < 5 && !r; attempt++)
        r = tk_call (client, "{\"rid\":\"%s\",%s", rid, body + 1);
    if (!CHECK (tk_ok (r))) {
        char *json = tk_json (r);
        fprintf (stderr, "  %s: %s\n", rid, json);
        free (json);
    }
    if (tk_ok (r))
        f->intake_seq = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
}

//  Candidate i: registered; admitted unless i % 5 == 4; withdrawn after
//  admission when i % 5 == 3 (a repeated admission would show).
static void
s_candidate (fixture_t *f, tk_client_t *client, int i)
{
    char rid[32], body[1024];
    snprintf (rid, sizeof rid, "r-reg-%d", i);
    snprintf (
        body, sizeof body,
        "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"id\":\"k-%d\","
        "\"birth_year\":1985,\"referral\":\"uwv\",\"benefit\":\"ww\",\"treatment\":"
        "\"none\","
        "\"criteria\":{\"psych_limitation\":true,\"motivated\":true,"
        "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"
        "\"consent\":{\"processing\":true,\"evaluation_contact\":true},"
        "\"date\":\"2021-03-01\"}",
        i);
    s_intake (f, client, rid, body);
    const char *steps[] = {"info_session", "admit", "withdraw"};
    int count = i % 5 == 4 ? 1 : i % 5 == 3 ? 3 : 2;
    for (int s = 0; s < count; s++) {
        snprintf (rid, sizeof rid, "r-%d-%d", s, i);
        snprintf (body, sizeof body,
                  "{\"cmd\":\"candidate.%s\",\"office\":\"nijmegen\",\"id\":\"k-%d\","
                  "\"date\":\"2021-03-%02d\"%s}",
                  steps[s], i, 2 + s, s == 2 ? ",\"reason\":\"moved\"" : "");
        s_intake (f, client, rid, body);
    }
}

//  Every KILL_EVERY candidates placement dies; every other time it stays
//  down while the next candidate's commands go to intake.
static void
s_drive (fixture_t *f)
{
    tk_client_t *client = tk_client_new (s_endpoint (f, "intake"));
    bool down = false;
    for (int i = 0; i < CANDIDATES; i++) {
        if (i % KILL_EVERY == KILL_EVERY - 1) {
            CHECK (tk_stop (f->placement, SIGKILL) == 128 + SIGKILL);
            f->kills++;
            down = f->kills % 2 == 0;
            if (!down)
                f->placement = s_spawn (f, "placement");
        }
        s_candidate (f, client, i);
        if (down) {
            f->placement = s_spawn (f, "placement");
            down = false;
        }
    }
    tk_client_destroy (&client);
}

static void
s_check_candidates (fixture_t *f)
{
    tk_client_t *client = tk_client_new (s_endpoint (f, "placement"));
    int proposed = 0, refused = 0;
    for (int i = 0; i < CANDIDATES; i++) {
        bool admitted = i % 5 != 3 && i % 5 != 4;
        tk_msg_t *r = tk_call (
            client,
            "{\"cmd\":\"placement.propose\",\"office\":\"nijmegen\",\"candidate\":\"k-%"
            "d\","
            "\"vacancy\":\"v-1\",\"hours_per_week\":16,\"start\":\"2021-04-01\","
            "\"after\":[{\"service\":\"intake\",\"instance\":\"intake\",\"seq\":%" PRId64
            "}]}",
            i, f->intake_seq);
        bool as_expected =
            admitted ? tk_ok (r) : streq (tk_code (r), "failed_precondition");
        proposed += admitted && as_expected;
        refused += !admitted && as_expected;
        if (!CHECK (as_expected)) {
            char *json = tk_json (r);
            fprintf (stderr, "  k-%d: %s\n", i, json);
            free (json);
        }
        tk_msg_destroy (&r);
    }
    printf ("placement killed %d times; %d proposed, %d refused\n", f->kills, proposed,
            refused);
    tk_client_destroy (&client);
}

//  Polls placement's status until its consumer of intake reaches head.
static void
s_check_position (fixture_t *f)
{
    tk_client_t *in = tk_client_new (s_endpoint (f, "intake"));
    tk_client_t *pl = tk_client_new (s_endpoint (f, "placement"));
    tk_msg_t *status = tk_call (in, "{\"cmd\":\"service.status\"}");
    int64_t head = tk_int (status, "head");
    tk_msg_destroy (&status);
    int64_t position = -1, deadline = zclock_mono () + 10000;
    while (position != head && zclock_mono () < deadline) {
        status = tk_call (pl, "{\"cmd\":\"service.status\"}");
        CHECK (streq (tk_str (status, "consumers.0.instance"), "intake"));
        position = tk_int (status, "consumers.0.position");
        tk_msg_destroy (&status);
        if (position != head)
            zclock_sleep (50);
    }
    printf ("intake head %" PRId64 ", placement position %" PRId64 "\n", head, position);
    CHECK (head == f->intake_seq && position == head);
    tk_client_destroy (&in);
    tk_client_destroy (&pl);
}

static void
s_open_vacancy (fixture_t *f)
{
    tk_client_t *client = tk_client_new (s_endpoint (f, "placement"));
    tk_msg_t *r = tk_expect (
        client, NULL,
        "{\"cmd\":\"host.register\",\"office\":\"nijmegen\",\"id\":\"h-1\",\"name\":"
        "\"Tuin\","
        "\"sector\":\"groen\",\"client_org\":false,\"requirements\":{\"one_year\":true,"
        "\"hours_12_24\":true,\"function_profile\":true,\"onboarding\":true,"
        "\"fixed_supervisor\":true,\"buddy\":true,\"allows_training\":true,"
        "\"insured\":true,\"paid_job_effort\":true}}");
    tk_msg_destroy (&r);
    r = tk_expect (client, NULL,
                   "{\"cmd\":\"vacancy.open\",\"office\":\"nijmegen\",\"id\":\"v-1\","
                   "\"host\":\"h-1\",\"function\":\"gardener\",\"hours_min\":12,"
                   "\"hours_max\":24}");
    tk_msg_destroy (&r);
    tk_client_destroy (&client);
}

int
main (void)
{
    zsys_init ();
    //  tk_port_base draws from random (): unseeded, tests run in parallel
    //  would all draw the same ports.
    srandom ((unsigned) getpid ());
    fixture_t f = {tk_tmpdir (), NULL, getenv ("OPSTAP_BIN"), NULL, 0, 0, 0, 0};
    if (!f.bin) {
        fprintf (stderr, "OPSTAP_BIN is not set\n");
        return 1;
    }
    f.config = tk_write_config (f.dir, tk_port_base ());
    char err[256];
    f.directory = directory_new (f.config, err, sizeof err);
    f.intake = s_spawn (&f, "intake");
    f.placement = s_spawn (&f, "placement");
    CHECK (tk_wait_up (s_endpoint (&f, "intake"), 10) == 0);
    CHECK (tk_wait_up (s_endpoint (&f, "placement"), 10) == 0);
    s_open_vacancy (&f);
    s_drive (&f);
    CHECK (tk_wait_up (s_endpoint (&f, "placement"), 10) == 0);
    s_check_position (&f);
    s_check_candidates (&f);
    CHECK (f.kills >= 8);
    //  A clean stop on SIGTERM exits 0.
    CHECK (tk_stop (f.placement, SIGTERM) == 0);
    CHECK (tk_stop (f.intake, SIGTERM) == 0);
    directory_destroy (&f.directory);
    free (f.config);
    tk_rmdir (&f.dir);
    return tk_done ("test_placement_restart");
}
