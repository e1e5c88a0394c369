/*  test_hostile_load - clients that do not read, never pull, vanish or
    come in floods, against a spawned intake process whose memory
    (/proc/PID/status RssAnon) and file descriptors are watched: a command
    reader that never reads its replies, a replay client that pipelines
    requests and never pulls the answers, dead live-stream subscribers
    while thousands of events are produced, 500 connections that each send
    a command and close, and a flood of undecodable commands (the log stays
    short). Meanwhile another client keeps being served.  */
#include "json.h"
#include "testkit.h"

#include <dirent.h>

//  Growth of anonymous memory allowed during one hostile episode. Without
//  the send limits the slow reader and the replay client make the service
//  queue 150 to 250 MiB.
#define RSS_BOUND_KB (32 * 1024)

#define REG                                                                              \
    "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"id\":\"%s\","             \
    "\"birth_year\":1980,\"referral\":\"self\",\"benefit\":\"none\","                    \
    "\"treatment\":\"done\",\"criteria\":{\"psych_limitation\":true,\"motivated\":true," \
    "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"    \
    "\"consent\":{\"processing\":true,\"evaluation_contact\":false},"                    \
    "\"wishes\":{\"function\":\"%s\",\"sector\":\"%s\"},%s\"date\":\"2020-01-06\"}"

typedef struct {
    char *dir;
    char *config;
    char *log;
    pid_t pid;
    directory_t *directory;
    const dir_entry_t *entry;
    tk_client_t *client; //  the well-behaved client
} fixture_t;

static long
s_status_kb (pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
    FILE *file = fopen (path, "r");
    long kb = -1;
    size_t len = strlen (field);
    while (file && fgets (line, sizeof line, file))
        if (strncmp (line, field, len) == 0 && line[len] == ':')
            kb = atol (line + len + 1);
    if (file)
        fclose (file);
    return kb;
}

static long
s_rss (fixture_t *f)
{
    return s_status_kb (f->pid, "RssAnon");
}

static int
s_fds (fixture_t *f)
{
    char path[64];
    snprintf (path, sizeof path, "/proc/%d/fd", (int) f->pid);
    DIR *dir = opendir (path);
    int count = 0;
    while (dir && readdir (dir))
        count++;
    if (dir)
        closedir (dir);
    return count;
}

static zframe_t *
s_pack (const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *text = zsys_vprintf (fmt, args);
    va_end (args);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    char err[128];
    if (json_to_msgpack (text, strlen (text), &pk, err, sizeof err) != 0)
        fprintf (stderr, "bad JSON in test: %s: %s\n", err, text);
    zframe_t *frame = zframe_new (buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    free (text);
    return frame;
}

//  The well-behaved client is answered. A loaded machine or a sanitizer
//  build may take seconds; a stalled service never answers: after a
//  timeout the client starts afresh (a late answer would be read as the
//  next one's) and asks again, for up to 30 s.
static tk_msg_t *
s_ask (fixture_t *f, const char *text)
{
    tk_msg_t *r = NULL;
    for (int attempt = 0; attempt < 6 && !r; attempt++) {
        if (!f->client)
            f->client = tk_client_new (f->entry->command);
        r = tk_call (f->client, "%s", text);
        if (!r)
            tk_client_destroy (&f->client);
    }
    return r;
}

static bool
s_served (fixture_t *f)
{
    int64_t start = zclock_mono ();
    tk_msg_t *r = s_ask (f, "{\"cmd\":\"service.status\"}");
    bool ok = tk_ok (r);
    if (!ok || zclock_mono () - start > 5000)
        fprintf (stderr, "  status query: %s after %" PRId64 " ms\n",
                 ok ? "answered" : "no answer", zclock_mono () - start);
    tk_msg_destroy (&r);
    return ok;
}

//  A DEALER that reads as little as a ZeroMQ socket can: one message held,
//  a tiny kernel buffer. What it does not read stays with the service.
static zsock_t *
s_deaf (const char *endpoint, int type)
{
    zsock_t *sock = zsock_new (type);
    zsock_set_rcvhwm (sock, 1);
    zsock_set_rcvbuf (sock, 4096);
    zsock_set_linger (sock, 0);
    if (type == ZMQ_SUB)
        zsock_set_subscribe (sock, "");
    zsock_connect (sock, "%s", endpoint);
    return sock;
}

//  Sends count copies of frame without waiting, checking the other client
//  is served every step sends; returns how often it was not (it stops at
//  the first time).
static int
s_flood (fixture_t *f, zsock_t *sock, zframe_t *frame, int count, int step)
{
    int missed = 0;
    int64_t deadline = zclock_mono () + 60000;
    for (int sent = 0; sent < count && !missed && zclock_mono () < deadline;) {
        if (zframe_send (&frame, sock, ZFRAME_REUSE | ZFRAME_DONTWAIT) != 0)
            zclock_sleep (1);
        else if (++sent % step == 0)
            missed += !s_served (f);
    }
    return missed;
}

//  CPU time the service has used, in clock ticks.
static long
s_cpu (fixture_t *f)
{
    char path[64], text[1024] = "";
    snprintf (path, sizeof path, "/proc/%d/stat", (int) f->pid);
    FILE *file = fopen (path, "r");
    size_t len = file ? fread (text, 1, sizeof text - 1, file) : 0;
    text[len] = 0;
    if (file)
        fclose (file);
    //  Fields 14 and 15 (utime, stime) follow the command in parentheses.
    const char *p = strrchr (text, ')');
    long utime = 0, stime = 0;
    if (p)
        sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime,
                &stime);
    return utime + stime;
}

//  Waits until the service has worked through what it was sent (it has
//  been idle for half a second) and returns the largest growth of its
//  memory seen since before.
static long
s_settled_growth (fixture_t *f, long before, const char *what)
{
    long peak = s_rss (f), cpu = s_cpu (f);
    for (int i = 0, idle = 0; i < 240 && idle < 2; i++) {
        zclock_sleep (250);
        long now = s_rss (f), used = s_cpu (f);
        idle = used - cpu <= 1 ? idle + 1 : 0;
        cpu = used;
        peak = now > peak ? now : peak;
    }
    printf ("%s: RssAnon %ld kB before, peak %ld kB (%+ld kB)\n", what, before, peak,
            peak - before);
    return peak - before;
}

//  --------------------------------------------------------------------------

//  A big query reply (contact details of 12 KB) asked 20000 times by a
//  client that never reads.
static void
test_slow_reader (fixture_t *f)
{
    long before = s_rss (f);
    zsock_t *deaf = s_deaf (f->entry->command, ZMQ_DEALER);
    zframe_t *get = s_pack ("{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\","
                            "\"id\":\"big\"}");
    CHECK (s_flood (f, deaf, get, 20000, 1000) == 0);
    CHECK (s_settled_growth (f, before, "slow reader") < RSS_BOUND_KB);
    zframe_destroy (&get);
    zsock_destroy (&deaf);
}

//  A replay client that pipelines 600 requests of 1000 events each and
//  never pulls one answer; a proper subscriber still gets everything.
static void
test_replay_never_pulls (fixture_t *f)
{
    long before = s_rss (f);
    zsock_t *deaf = s_deaf (f->entry->replay, ZMQ_DEALER);
    zframe_t *replay = s_pack ("{\"cmd\":\"replay\",\"from\":1,\"max\":1000}");
    CHECK (s_flood (f, deaf, replay, 600, 100) == 0);
    CHECK (s_settled_growth (f, before, "replay never pulls") < RSS_BOUND_KB);
    zlistx_t *events = tk_replay_all (f->entry->replay, 1);
    CHECK (zlistx_size (events) >= 3000);
    tk_events_destroy (&events);
    zframe_destroy (&replay);
    zsock_destroy (&deaf);
}

//  Ten subscribers that never read while 10000 events are produced: the
//  producer's commands all complete, its memory stays bounded.
static void
test_dead_subscribers (fixture_t *f)
{
    zsock_t *subs[10];
    for (int i = 0; i < 10; i++)
        subs[i] = s_deaf (f->entry->events, ZMQ_SUB);
    zclock_sleep (300);
    long before = s_rss (f);
    zsock_t *dealer = zsock_new_dealer (f->entry->command);
    zsock_set_rcvtimeo (dealer, 60000);
    int ok = 0;
    int64_t start = zclock_mono ();
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 500; i++) {
            char id[32];
            snprintf (id, sizeof id, "sub-%d-%d", round, i);
            zframe_t *frame = s_pack (REG, id, "a function long enough to weigh",
                                      "a sector name long enough to weigh", "");
            zframe_send (&frame, dealer, 0);
        }
        for (int i = 0; i < 500; i++) {
            zframe_t *reply = zframe_recv (dealer);
            ok += reply != NULL;
            zframe_destroy (&reply);
        }
    }
    printf ("dead subscribers: 10000 commands answered %d in %" PRId64 " ms\n", ok,
            zclock_mono () - start);
    CHECK (ok == 10000);
    CHECK (s_settled_growth (f, before, "dead subscribers") < RSS_BOUND_KB);
    zsock_destroy (&dealer);
    for (int i = 0; i < 10; i++)
        zsock_destroy (&subs[i]);
}

//  500 connections, 100 at a time, each sending a command and closing
//  without reading; descriptors go back to what they were.
static void
test_connection_flood (fixture_t *f)
{
    int fds = s_fds (f);
    long before = s_rss (f);
    zframe_t *status = s_pack ("{\"cmd\":\"service.status\"}");
    int missed = 0;
    for (int round = 0; round < 5; round++) {
        zsock_t *socks[100];
        for (int i = 0; i < 100; i++) {
            socks[i] = zsock_new (ZMQ_DEALER);
            zsock_set_linger (socks[i], 100);
            zsock_connect (socks[i], "%s", f->entry->command);
            zframe_send (&status, socks[i], ZFRAME_REUSE);
        }
        zclock_sleep (100);
        missed += !s_served (f);
        for (int i = 0; i < 100; i++)
            zsock_destroy (&socks[i]);
    }
    CHECK (missed == 0);
    zframe_destroy (&status);
    int after = s_fds (f);
    for (int i = 0; i < 50 && after > fds; i++) {
        zclock_sleep (100);
        after = s_fds (f);
    }
    printf ("connection flood: %d descriptors before, %d after\n", fds, after);
    CHECK (after <= fds);
    CHECK (s_settled_growth (f, before, "connection flood") < RSS_BOUND_KB);
}

//  Refusals logged since offset: lines written, and the refusals the
//  "suppressed" lines counted.
static void
s_count_refusals (fixture_t *f, long offset, int *lines, long *suppressed)
{
    FILE *log = fopen (f->log, "r");
    char line[1024];
    *lines = 0;
    *suppressed = 0;
    if (log && fseek (log, offset, SEEK_SET) == 0)
        while (fgets (line, sizeof line, log)) {
            const char *count = strstr (line, "event=command.refused.suppressed");
            count = count ? strstr (count, "count=") : NULL;
            if (count)
                *suppressed += atol (count + 6);
            else
                *lines += strstr (line, "event=command.refused ") != NULL;
        }
    if (log)
        fclose (log);
}

static long
s_log_size (fixture_t *f)
{
    FILE *log = fopen (f->log, "r");
    long size = log && fseek (log, 0, SEEK_END) == 0 ? ftell (log) : 0;
    if (log)
        fclose (log);
    return size;
}

//  2000 undecodable commands in a burst, then one more a second later:
//  each is answered, but the log gets at most REQUEST_LOG_BURST lines a
//  second, and the rest are counted in "suppressed" lines.
static void
test_refusal_flood (fixture_t *f)
{
    long offset = s_log_size (f);
    zsock_t *dealer = zsock_new_dealer (f->entry->command);
    zsock_set_rcvtimeo (dealer, 60000);
    int64_t start = zclock_mono ();
    for (int i = 0; i < 2000; i++)
        zsock_send (dealer, "b", "\xc1", (size_t) 1);
    int answered = 0;
    for (int i = 0; i < 2000; i++) {
        zframe_t *reply = zframe_recv (dealer);
        answered += reply != NULL;
        zframe_destroy (&reply);
    }
    int64_t seconds = (zclock_mono () - start) / 1000 + 1;
    zclock_sleep (1100);
    zsock_send (dealer, "b", "\xc1", (size_t) 1);
    zframe_t *reply = zframe_recv (dealer);
    answered += reply != NULL;
    zframe_destroy (&reply);
    zsock_destroy (&dealer);
    zclock_sleep (200);
    int lines;
    long suppressed;
    s_count_refusals (f, offset, &lines, &suppressed);
    printf ("refusal flood: 2001 answered %d, %d logged, %ld suppressed\n", answered,
            lines, suppressed);
    CHECK (answered == 2001);
    CHECK (lines <= 20 * (seconds + 2) && lines + suppressed == 2001);
}

//  --------------------------------------------------------------------------

static void
s_setup (fixture_t *f)
{
    //  3000 events for the replay client, one candidate with a big reply.
    zsock_t *dealer = zsock_new_dealer (f->entry->command);
    zsock_set_rcvtimeo (dealer, 60000);
    for (int i = 0; i < 3000; i++) {
        char id[32];
        snprintf (id, sizeof id, "base-%d", i);
        zframe_t *frame = s_pack (REG, id, "f", "s", "");
        zframe_send (&frame, dealer, 0);
    }
    int ok = 0;
    for (int i = 0; i < 3000; i++) {
        zframe_t *reply = zframe_recv (dealer);
        ok += reply != NULL;
        zframe_destroy (&reply);
    }
    CHECK (ok == 3000);
    zsock_destroy (&dealer);
    char *text = (char *) malloc (4001);
    memset (text, 'x', 4000);
    text[4000] = 0;
    char *contact =
        zsys_sprintf ("\"contact\":{\"name\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\"},",
                      text, text, text);
    //  The same registration again is answered the same: safe to repeat.
    char *command = zsys_sprintf (REG, "big", "f", "s", contact);
    tk_msg_t *r = s_ask (f, command);
    CHECK (tk_ok (r));
    tk_msg_destroy (&r);
    free (command);
    free (contact);
    free (text);
}

//  The sanitizers' allocator keeps freed memory in quarantine (256 MiB by
//  default), which would read as growth: the child gets a small one.
static char *
s_asan_env (void)
{
    const char *asan = getenv ("ASAN_OPTIONS");
    return zsys_sprintf ("ASAN_OPTIONS=%s%squarantine_size_mb=4", asan ? asan : "",
                         asan && *asan ? ":" : "");
}

int
main (void)
{
    zsys_init ();
    fixture_t f = {tk_tmpdir (), NULL, NULL, 0, NULL, NULL, NULL};
    f.config = tk_write_config (f.dir, tk_port_base ());
    f.log = zsys_sprintf ("%s/intake.log", f.dir);
    char err[256];
    f.directory = directory_new (f.config, err, sizeof err);
    f.entry = directory_instance (f.directory, "intake");
    char *bin = zsys_sprintf ("%s/opstap-intake",
                              getenv ("OPSTAP_BIN") ? getenv ("OPSTAP_BIN") : "bin");
    char *data = zsys_sprintf ("%s/data", f.dir);
    const char *argv[] = {bin, "--config", f.config, "--data", data, NULL};
    char *asan = s_asan_env ();
    const char *env[] = {asan, NULL};
    f.pid = tk_spawn (argv, env, f.log);
    if (CHECK (tk_wait_up (f.entry->command, 20) == 0)) {
        f.client = tk_client_new (f.entry->command);
        s_setup (&f);
        test_slow_reader (&f);
        test_replay_never_pulls (&f);
        test_dead_subscribers (&f);
        test_connection_flood (&f);
        test_refusal_flood (&f);
        tk_client_destroy (&f.client);
    }
    CHECK (tk_stop (f.pid, SIGTERM) == 0);
    free (asan);
    free (data);
    free (bin);
    free (f.log);
    free (f.config);
    directory_destroy (&f.directory);
    tk_rmdir (&f.dir);
    return tk_done ("test_hostile_load");
}
