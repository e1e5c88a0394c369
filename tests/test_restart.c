/*  test_restart - intake and a follower as processes, killed with SIGKILL
    at moments while commands flow. Unanswered commands are retried with
    the same rid. At the end every acknowledged command is in the stream
    exactly once, the stream has no gap or repeat, and the follower applied
    every event exactly once and in order.  */
#include "json.h"
#include "testkit.h"

#include <signal.h>

#define TOTAL      1200
#define WINDOW     32
#define KILL_EVERY 150

typedef struct {
    char *dir;
    char *config;
    char *bin;
    int base;
    pid_t intake;
    pid_t follower;
    int intake_kills;
    int follower_kills;
} fixture_t;

static pid_t
s_spawn (fixture_t *f, const char *name, const char *instance)
{
    char *program = zsys_sprintf ("%s/%s", f->bin, name);
    char *log = zsys_sprintf ("%s/%s.log", f->dir, instance);
    const char *argv[] = {program,   "--instance", instance, "--config",
                          f->config, "--data",     f->dir,   NULL};
    pid_t pid = tk_spawn (argv, NULL, log);
    free (program);
    free (log);
    return pid;
}

static zframe_t *
s_command (int i)
{
    char *text = zsys_sprintf (
        "{\"cmd\":\"candidate.register\",\"office\":\"arnhem\",\"id\":\"k-%d\","
        "\"rid\":\"k-%d\",\"birth_year\":1985,\"referral\":\"uwv\",\"benefit\":\"ww\","
        "\"treatment\":\"none\",\"criteria\":{\"psych_limitation\":true,\"motivated\":"
        "true,"
        "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"
        "\"consent\":{\"processing\":true,\"evaluation_contact\":true},\"date\":\"2021-"
        "03-01\"}",
        i, i);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    char err[64];
    json_to_msgpack (text, strlen (text), &pk, err, sizeof err);
    zframe_t *frame = zframe_new (buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    free (text);
    return frame;
}

//  Which command a reply answers, from its rid; -1 when not ok.
static int
s_answered (zframe_t *frame)
{
    oerr_t err;
    msg_t *msg = msg_decode (zframe_data (frame), zframe_size (frame), &err);
    char rid[32] = "";
    int index = -1;
    if (msg && map_bool (msg_root (msg), "ok", false)
        && obj_str (obj_get (msg_root (msg), "rid"), rid, sizeof rid) == 0)
        index = atoi (rid + 2);
    msg_destroy (&msg);
    return index;
}

static void
s_maybe_kill (fixture_t *f, int acked, int *next_kill)
{
    if (acked < *next_kill)
        return;
    *next_kill += KILL_EVERY;
    if ((*next_kill / KILL_EVERY) % 3 == 0) {
        tk_stop (f->follower, SIGKILL);
        f->follower_kills++;
        f->follower = s_spawn (f, "opstap-testfollower", "follower");
        return;
    }
    tk_stop (f->intake, SIGKILL);
    f->intake_kills++;
    f->intake = s_spawn (f, "opstap-intake", "intake");
}

//  Sends TOTAL commands with WINDOW in flight, resending those unanswered
//  for a second; returns how many were acknowledged.
static int
s_drive (fixture_t *f, const char *endpoint)
{
    int64_t *sent = (int64_t *) zmalloc (sizeof (int64_t) * TOTAL);
    bool *acked = (bool *) zmalloc (sizeof (bool) * TOTAL);
    zsock_t *dealer = zsock_new_dealer (endpoint);
    zsock_set_rcvtimeo (dealer, 50);
    int next = 0, done = 0, next_kill = KILL_EVERY;
    int64_t deadline = zclock_mono () + 120000;
    while (done < TOTAL && zclock_mono () < deadline) {
        int64_t now = zclock_mono ();
        for (int i = 0, in_flight = 0; i < next && in_flight < WINDOW; i++)
            if (!acked[i] && now - sent[i] > 1000) {
                zframe_t *frame = s_command (i);
                zframe_send (&frame, dealer, ZFRAME_DONTWAIT);
                zframe_destroy (&frame);
                sent[i] = now;
                in_flight++;
            }
        while (next < TOTAL && next - done < WINDOW) {
            zframe_t *frame = s_command (next);
            zframe_send (&frame, dealer, ZFRAME_DONTWAIT);
            zframe_destroy (&frame);
            sent[next++] = now;
        }
        zframe_t *reply = zframe_recv (dealer);
        int index = reply ? s_answered (reply) : -1;
        zframe_destroy (&reply);
        if (index >= 0 && index < TOTAL && !acked[index]) {
            acked[index] = true;
            done++;
            s_maybe_kill (f, done, &next_kill);
        }
    }
    zsock_destroy (&dealer);
    free (sent);
    free (acked);
    return done;
}

static void
s_check_stream (fixture_t *f, const char *replay)
{
    zlistx_t *events = tk_replay_all (replay, 1);
    bool *seen = (bool *) zmalloc (sizeof (bool) * TOTAL);
    int64_t expected = 1;
    int in_order = 0, repeats = 0, registered = 0;
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events)) {
        in_order += tk_int (e, "seq") == expected++;
        int index = atoi (tk_str (e, "candidate") + 2);
        if (index >= 0 && index < TOTAL) {
            repeats += seen[index];
            seen[index] = true;
            registered++;
        }
    }
    printf ("stream: %zu events, %d in order, %d registrations, %d repeats; kills: "
            "intake %d, "
            "follower %d\n",
            zlistx_size (events), in_order, registered, repeats, f->intake_kills,
            f->follower_kills);
    CHECK (zlistx_size (events) == TOTAL);
    CHECK (in_order == TOTAL);
    CHECK (registered == TOTAL && repeats == 0);
    free (seen);
    tk_events_destroy (&events);
}

static void
s_check_follower (const char *command)
{
    tk_client_t *client = tk_client_new (command);
    tk_msg_t *r = NULL;
    int64_t deadline = zclock_mono () + 20000;
    do {
        tk_msg_destroy (&r);
        r = tk_call (client,
                     "{\"cmd\":\"follower.stats\",\"after\":[{\"service\":\"intake\","
                     "\"instance\":\"intake\",\"seq\":%d}]}",
                     TOTAL);
    } while (!tk_ok (r) && zclock_mono () < deadline);
    printf ("follower: count %" PRId64 ", dups %" PRId64 ", gaps %" PRId64 "\n",
            tk_int (r, "count"), tk_int (r, "dups"), tk_int (r, "gaps"));
    CHECK (tk_int (r, "count") == TOTAL);
    CHECK (tk_int (r, "dups") == 0);
    CHECK (tk_int (r, "gaps") == 0);
    tk_msg_destroy (&r);
    tk_client_destroy (&client);
}

int
main (void)
{
    zsys_init ();
    fixture_t f = {
        tk_tmpdir (), NULL, getenv ("OPSTAP_BIN"), tk_port_base (), 0, 0, 0, 0};
    if (!f.bin) {
        fprintf (stderr, "OPSTAP_BIN is not set\n");
        return 1;
    }
    f.config = tk_write_config (f.dir, f.base);
    tk_add_follower (f.config, f.base);
    char err[256];
    directory_t *dir = directory_new (f.config, err, sizeof err);
    const dir_entry_t *intake = directory_instance (dir, "intake");
    f.intake = s_spawn (&f, "opstap-intake", "intake");
    f.follower = s_spawn (&f, "opstap-testfollower", "follower");
    CHECK (tk_wait_up (intake->command, 10) == 0);
    int acked = s_drive (&f, intake->command);
    CHECK (acked == TOTAL);
    CHECK (f.intake_kills >= 4 && f.follower_kills >= 2);
    s_check_stream (&f, intake->replay);
    s_check_follower (directory_instance (dir, "follower")->command);
    //  A clean stop on SIGTERM exits 0.
    CHECK (tk_stop (f.intake, SIGTERM) == 0);
    CHECK (tk_stop (f.follower, SIGTERM) == 0);
    directory_destroy (&dir);
    free (f.config);
    tk_rmdir (&f.dir);
    return tk_done ("test_restart");
}
