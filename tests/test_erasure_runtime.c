/*  test_erasure_runtime - erasure as the runtime carries it out, in the
    cases that broke it:
      1. candidate.erase_complete sent with a rid (as opstap submit always
         does) must not leave the erased id in intake's store: its reply is
         remembered where it names nothing;
      2. a follower killed between the commit that applied an erasure and
         the rewrite of its audit trail still rewrites the trail, at its
         next start (the rewrite waits in the outbox, committed with the
         erasure);
      4. an id registered again after candidate.erase, before the erasure
         completed, and erased again: the first erasure's event keeps its
         own token (a later erasure does not rewrite it), and completion
         takes the id out of both.
    (3, retention's erasures checked like any command, is in test_runtime.)
    Each was seen to fail before the runtime's erasure module.  */
#include "testkit.h"

#include "intake.h"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#define REGISTER                                                                         \
    "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"rid\":\"%s\","            \
    "\"id\":\"%s\",\"birth_year\":%d,\"referral\":\"self\",\"benefit\":\"none\","        \
    "\"treatment\":\"done\",\"criteria\":{\"psych_limitation\":true,\"motivated\":true," \
    "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"    \
    "\"consent\":{\"processing\":true,\"evaluation_contact\":true},"                     \
    "\"contact\":{\"name\":\"Anna de Vries\"},\"date\":\"2020-01-06\"}"

typedef struct {
    char *dir;
    directory_t *directory;
    zactor_t *intake;
    tk_client_t *client;
    char replay[DIR_ENDPOINT_MAX + 1];
} fixture_t;

static void
s_setup (fixture_t *f)
{
    memset (f, 0, sizeof *f);
    f->dir = tk_tmpdir ();
    char *config = tk_write_config (f->dir, tk_port_base ());
    char err[256];
    f->directory = directory_new (config, err, sizeof err);
    free (config);
    f->intake = tk_start (intake_service (), "intake", f->dir, f->directory);
    const dir_entry_t *e = directory_instance (f->directory, "intake");
    f->client = tk_client_new (e->command);
    snprintf (f->replay, sizeof f->replay, "%s", e->replay);
}

static void
s_teardown (fixture_t *f)
{
    tk_client_destroy (&f->client);
    zactor_destroy (&f->intake);
    directory_destroy (&f->directory);
    tk_rmdir (&f->dir);
}

//  How many records intake's stores (and trail) still hold of id.
static int64_t
s_holds (tk_client_t *client, const char *id)
{
    tk_msg_t *r = tk_call (client, "{\"cmd\":\"erase.check\",\"candidate\":\"%s\"}", id);
    int64_t holds = tk_ok (r) ? tk_int (r, "holds") : -1;
    if (holds != 0) {
        char *json = r ? tk_json (r) : NULL;
        fprintf (stderr, "  erase.check %s: %s\n", id, json ? json : "(no reply)");
        free (json);
    }
    tk_msg_destroy (&r);
    return holds;
}

//  --------------------------------------------------------------------------
//  1. erase_complete with a rid

static void
test_complete_with_rid (fixture_t *f)
{
    tk_msg_t *r = tk_expect (f->client, NULL, REGISTER, "r-reg-1", "c-rid", 1980);
    tk_msg_destroy (&r);
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\","
                   "\"rid\":\"r-erase-1\",\"id\":\"c-rid\"}");
    int64_t erased_at = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.erase_complete\",\"office\":\"nijmegen\","
                   "\"rid\":\"r-done-1\",\"id\":\"c-rid\"}");
    tk_msg_destroy (&r);
    CHECK (s_holds (f->client, "c-rid") == 0);
    //  Both retries are answered as the first time, and apply nothing.
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\","
                   "\"rid\":\"r-erase-1\",\"id\":\"c-rid\"}");
    CHECK (tk_int (r, "position.seq") == erased_at);
    tk_msg_destroy (&r);
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.erase_complete\",\"office\":\"nijmegen\","
                   "\"rid\":\"r-done-1\",\"id\":\"c-rid\"}");
    tk_msg_destroy (&r);
    CHECK (s_holds (f->client, "c-rid") == 0);
    //  A rid that names the candidate it erases is not remembered: it would
    //  keep the id.
    r = tk_expect (f->client, NULL, REGISTER, "r-reg-2", "c-named", 1980);
    tk_msg_destroy (&r);
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\","
                   "\"rid\":\"erase-c-named\",\"id\":\"c-named\"}");
    tk_msg_destroy (&r);
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.erase_complete\",\"office\":\"nijmegen\","
                   "\"rid\":\"done-c-named\",\"id\":\"c-named\"}");
    tk_msg_destroy (&r);
    CHECK (s_holds (f->client, "c-named") == 0);
}

//  --------------------------------------------------------------------------
//  4. the same id registered again between an erasure and its completion

//  The erasure events of the stream, in order: their candidate ("" when
//  none) and token.
typedef struct {
    char candidate[2][CODEC_ID_MAX + 1];
    char token[2][CODEC_ID_MAX + 1];
    int count;
} erased_t;

static void
s_erased (fixture_t *f, int64_t from, erased_t *out)
{
    memset (out, 0, sizeof *out);
    zlistx_t *events = tk_replay_all (f->replay, (uint64_t) from);
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events)) {
        if (!streq (tk_str (e, "type"), "candidate.erased") || out->count == 2)
            continue;
        snprintf (out->candidate[out->count], CODEC_ID_MAX + 1, "%s",
                  tk_str (e, "candidate"));
        snprintf (out->token[out->count], CODEC_ID_MAX + 1, "%s", tk_str (e, "token"));
        out->count++;
    }
    tk_events_destroy (&events);
}

static void
test_id_again (fixture_t *f)
{
    tk_msg_t *r = tk_call (f->client, "{\"cmd\":\"service.status\"}");
    int64_t from = tk_int (r, "head") + 1;
    tk_msg_destroy (&r);
    r = tk_expect (f->client, NULL, REGISTER, "r-a1", "c-twice", 1980);
    tk_msg_destroy (&r);
    r = tk_expect (
        f->client, NULL,
        "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"c-twice\"}");
    tk_msg_destroy (&r);
    erased_t first;
    s_erased (f, from, &first);
    CHECK (first.count == 1 && streq (first.candidate[0], "c-twice") && *first.token[0]);
    //  Another person under the same id, erased in turn.
    r = tk_expect (f->client, NULL, REGISTER, "r-a2", "c-twice", 1991);
    tk_msg_destroy (&r);
    r = tk_expect (
        f->client, NULL,
        "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"c-twice\"}");
    tk_msg_destroy (&r);
    erased_t both;
    s_erased (f, from, &both);
    CHECK (both.count == 2);
    //  The first erasure's event is as it was: its id and its own token,
    //  not the second person's.
    CHECK (streq (both.candidate[0], "c-twice") && streq (both.token[0], first.token[0]));
    CHECK (streq (both.candidate[1], "c-twice") && *both.token[1]
           && !streq (both.token[1], both.token[0]));
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.erase_complete\",\"office\":\"nijmegen\","
                   "\"id\":\"c-twice\"}");
    tk_msg_destroy (&r);
    erased_t done;
    s_erased (f, from, &done);
    CHECK (done.count == 2 && !*done.candidate[0] && !*done.candidate[1]);
    CHECK (streq (done.token[0], first.token[0]) && streq (done.token[1], both.token[1]));
    CHECK (s_holds (f->client, "c-twice") == 0);
}

//  --------------------------------------------------------------------------
//  2. a follower killed right after it applied an erasure

typedef struct {
    char *dir;
    char *config;
    const char *bin;
    pid_t intake, training;
    tk_client_t *in, *tr;
} procs_t;

static pid_t
s_spawn (procs_t *p, const char *service)
{
    char *program = zsys_sprintf ("%s/opstap-%s", p->bin, service);
    char *log = zsys_sprintf ("%s/%s.log", p->dir, service);
    const char *argv[] = {program,   "--instance", service, "--config",
                          p->config, "--data",     p->dir,  NULL};
    pid_t pid = tk_spawn (argv, NULL, log);
    free (program);
    free (log);
    return pid;
}

//  Training's position in the intake stream, read from its metrics: a
//  command would give the runtime a moment to rewrite the trail before the
//  kill, which is not the case this test is about.
static int64_t
s_training_at (const char *metrics)
{
    const char *colon = strrchr (metrics, ':');
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET,
                             .sin_port = htons ((uint16_t) atoi (colon + 1))};
    inet_pton (AF_INET, "127.0.0.1", &to.sin_addr);
    char answer[65536];
    size_t got = 0;
    static const char ask[] = "GET /metrics HTTP/1.0\r\n\r\n";
    if (fd >= 0 && connect (fd, (struct sockaddr *) &to, sizeof to) == 0
        && write (fd, ask, sizeof ask - 1) == (ssize_t) sizeof ask - 1) {
        ssize_t n;
        while (got < sizeof answer - 1
               && (n = read (fd, answer + got, sizeof answer - 1 - got)) > 0)
            got += (size_t) n;
    }
    if (fd >= 0)
        close (fd);
    answer[got] = 0;
    const char *line = strstr (answer, "opstap_consumer_position{");
    const char *value = line ? strchr (line, '}') : NULL;
    return value ? strtoll (value + 1, NULL, 10) : -1;
}

static void
test_follower_killed (void)
{
    procs_t p = {tk_tmpdir (), NULL, getenv ("OPSTAP_BIN"), 0, 0, NULL, NULL};
    if (!CHECK (p.bin != NULL)) {
        tk_rmdir (&p.dir);
        return;
    }
    int base = tk_port_base ();
    p.config = tk_write_config (p.dir, base);
    char err[256];
    directory_t *directory = directory_new (p.config, err, sizeof err);
    const dir_entry_t *in = directory_instance (directory, "intake"),
                      *tr = directory_instance (directory, "training");
    p.intake = s_spawn (&p, "intake");
    p.training = s_spawn (&p, "training");
    CHECK (tk_wait_up (in->command, 10) == 0 && tk_wait_up (tr->command, 10) == 0);
    p.in = tk_client_new (in->command);
    p.tr = tk_client_new (tr->command);
    int64_t seq = 0;
    tk_command (p.in, &seq, REGISTER, "r-k1", "c-kill", 1980);
    //  A command naming the candidate: training's trail holds the id.
    tk_msg_t *r = tk_expect (p.tr, NULL,
                             "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\","
                             "\"id\":\"e-1\",\"paid\":true,\"fte\":0.5,"
                             "\"experience\":[\"anxiety\"],\"max_caseload\":5}");
    tk_msg_destroy (&r);
    r = tk_expect (
        p.tr, NULL,
        "{\"cmd\":\"expert.activity\",\"office\":\"nijmegen\",\"expert\":\"e-1\","
        "\"kind\":\"one_on_one\",\"minutes\":45,\"setting\":\"own_office\","
        "\"candidate\":\"c-kill\",\"date\":\"2020-01-07\",\"after\":[{"
        "\"service\":\"intake\",\"instance\":\"intake\",\"seq\":%" PRId64 "}]}",
        seq);
    tk_msg_destroy (&r);
    tk_command (
        p.in, &seq,
        "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"c-kill\"}");
    //  Killed the moment its consumer has committed the erasure: before the
    //  runtime rewrote the trail, or just after.
    int64_t deadline = zclock_mono () + 10000;
    while (s_training_at (tr->metrics) < seq && zclock_mono () < deadline)
        ;
    CHECK (tk_stop (p.training, SIGKILL) == 128 + SIGKILL);
    tk_client_destroy (&p.tr);
    p.training = s_spawn (&p, "training");
    CHECK (tk_wait_up (tr->command, 10) == 0);
    p.tr = tk_client_new (tr->command);
    //  The rewrite waited for the restart, not for a second that never came.
    int64_t holds = s_holds (p.tr, "c-kill");
    for (int tries = 0; holds != 0 && tries < 30; tries++) {
        zclock_sleep (100);
        holds = s_holds (p.tr, "c-kill");
    }
    CHECK (holds == 0);
    tk_client_destroy (&p.in);
    tk_client_destroy (&p.tr);
    CHECK (tk_stop (p.training, SIGTERM) == 0);
    CHECK (tk_stop (p.intake, SIGTERM) == 0);
    directory_destroy (&directory);
    free (p.config);
    tk_rmdir (&p.dir);
}

int
main (void)
{
    zsys_init ();
    fixture_t f;
    s_setup (&f);
    test_complete_with_rid (&f);
    test_id_again (&f);
    s_teardown (&f);
    test_follower_killed ();
    return tk_done ("test_erasure_runtime");
}
