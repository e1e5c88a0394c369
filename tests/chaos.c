/*  chaos - every service as a process under a mixed workload while random
    services are killed with SIGKILL and restarted; see chaos.h.

    chaos [--seed S] [--seconds N] [--commands N] [--kill-every MS]
          [--window N] [--keep]

    The workload stops after N seconds, or after N commands once at least
    CHAOS_MIN_KILLS kills have happened (a fast machine would otherwise get
    through N commands before the first kill); the flows in progress are
    finished, then everything is checked.
    Prints one line of figures and exits 1 on any loss, duplicate, gap or
    mismatch.  */
#include "chaos.h"

#define CHAOS_MIN_KILLS 3

#include "json.h"

#include <signal.h>

typedef struct {
    uint64_t seed;
    int seconds;
    int64_t commands;
    int kill_every;
    int window;
    bool keep;
} options_t;

typedef struct {
    bool busy;
    char rid[24];
    zframe_t *frame; //  the command as sent, for resends
    int service;
    int64_t due; //  resend when not answered by then
    int attempts;
} slot_t;

typedef struct {
    options_t opts;
    cluster_t *cluster;
    work_t *work;
    prng_t prng; //  kills, apart from the workload's choices
    zsock_t *dealers[CH_SERVICES];
    zpoller_t *poller;
    slot_t *slots;
    int64_t sent, retries, kills, restarts, unanswered;
    int64_t next_kill;
    int64_t restart_at[CH_SERVICES];
    int64_t rids;
    bool draining;
} driver_t;

static int
s_options (int argc, char *argv[], options_t *o)
{
    *o = (options_t){(uint64_t) time (NULL), 600, INT64_MAX, 3000, 32, false};
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : "";
        if (streq (argv[i], "--keep")) {
            o->keep = true;
            continue;
        }
        if (streq (argv[i], "--seed"))
            o->seed = strtoull (value, NULL, 10);
        else if (streq (argv[i], "--seconds"))
            o->seconds = atoi (value);
        else if (streq (argv[i], "--commands"))
            o->commands = atoll (value);
        else if (streq (argv[i], "--kill-every"))
            o->kill_every = atoi (value);
        else if (streq (argv[i], "--window"))
            o->window = atoi (value);
        else
            return -1;
        i++;
    }
    return o->seconds > 0 && o->commands > 0 && o->kill_every >= 100 && o->window > 0
               ? 0
               : -1;
}

//  --------------------------------------------------------------------------
//  Sending, resending and answers

static zframe_t *
s_encode (const char *rid, const char *json)
{
    char *text = zsys_sprintf ("{\"rid\":\"%s\",%s", rid, json + 1);
    char err[128];
    zframe_t *frame = json_to_frame (text, err, sizeof err);
    if (!frame)
        fprintf (stderr, "chaos: bad JSON in the workload (%s): %s\n", err, text);
    free (text);
    return frame;
}

//  Backs off while a service is down: 1, 2, 3, 4 s.
static void
s_send (driver_t *d, slot_t *slot)
{
    zframe_t *copy = zframe_dup (slot->frame);
    zframe_send (&copy, d->dealers[slot->service], ZFRAME_DONTWAIT);
    zframe_destroy (&copy);
    slot->attempts++;
    slot->due = zclock_mono () + 1000 * (slot->attempts < 4 ? slot->attempts : 4);
}

//  Sends the next command of the slot's flow; false when the flow is done.
static bool
s_next (driver_t *d, int i)
{
    slot_t *slot = &d->slots[i];
    zframe_destroy (&slot->frame);
    slot->busy = false;
    char *json = work_command (d->work, i, &slot->service);
    if (!json)
        return false;
    snprintf (slot->rid, sizeof slot->rid, "r%" PRId64, ++d->rids);
    slot->frame = s_encode (slot->rid, json);
    free (json);
    assert (slot->frame); //  the workload's own JSON
    slot->busy = true;
    slot->attempts = 0;
    d->sent++;
    s_send (d, slot);
    return true;
}

static void
s_answer (driver_t *d, tk_msg_t *reply)
{
    const char *rid = tk_str (reply, "rid");
    for (int i = 0; i < d->opts.window; i++) {
        slot_t *slot = &d->slots[i];
        if (!slot->busy || !streq (slot->rid, rid))
            continue;
        //  Not applied: a parked command whose producer was down, or a
        //  store that failed. The same rid again is evaluated anew.
        const char *code = tk_str (reply, "error.code");
        if (streq (code, "unavailable") || streq (code, "internal")) {
            slot->due = zclock_mono () + 200;
            return;
        }
        work_reply (d->work, i, reply);
        if (!s_next (d, i) && !d->draining && work_start (d->work, i))
            s_next (d, i);
        return;
    }
}

//  Waits up to timeout for a reply, then takes every reply there is.
static void
s_receive (driver_t *d, int timeout)
{
    zpoller_wait (d->poller, timeout);
    for (int s = 0; s < CH_SERVICES; s++)
        while (zsock_events (d->dealers[s]) & ZMQ_POLLIN) {
            zframe_t *frame = zframe_recv (d->dealers[s]);
            tk_msg_t *reply =
                frame ? tk_msg_new (zframe_data (frame), zframe_size (frame)) : NULL;
            if (reply)
                s_answer (d, reply);
            tk_msg_destroy (&reply);
            zframe_destroy (&frame);
        }
}

//  --------------------------------------------------------------------------
//  Kills: a random service every kill_every ms on average, restarted at
//  once or after up to two seconds down.

static void
s_schedule_kill (driver_t *d)
{
    int every = d->opts.kill_every;
    d->next_kill = zclock_mono () + every / 2 + prng_below (&d->prng, every);
}

static void
s_killer (driver_t *d)
{
    int64_t now = zclock_mono ();
    for (int s = 0; s < CH_SERVICES; s++)
        if (d->restart_at[s] && now >= d->restart_at[s]) {
            d->restart_at[s] = 0;
            if (cluster_restart (d->cluster, s) == 0)
                d->restarts++;
        }
    if (d->draining || now < d->next_kill)
        return;
    s_schedule_kill (d);
    int s = prng_below (&d->prng, CH_SERVICES);
    if (!cluster_up (d->cluster, s))
        return;
    if (cluster_kill (d->cluster, s))
        fprintf (stderr, "chaos: %s did not die of SIGKILL\n", ch_service_names[s]);
    d->kills++;
    d->restart_at[s] =
        now + (prng_chance (&d->prng, 50) ? 1 : prng_below (&d->prng, 2000));
}

static void
s_resend_due (driver_t *d)
{
    int64_t now = zclock_mono ();
    for (int i = 0; i < d->opts.window; i++)
        if (d->slots[i].busy && now >= d->slots[i].due) {
            d->retries++;
            s_send (d, &d->slots[i]);
        }
}

static int
s_busy (driver_t *d)
{
    int busy = 0;
    for (int i = 0; i < d->opts.window; i++)
        busy += d->slots[i].busy;
    return busy;
}

//  Stops new flows and kills; every service comes back.
static void
s_drain (driver_t *d)
{
    d->draining = true;
    work_drain (d->work);
    for (int s = 0; s < CH_SERVICES; s++)
        d->restart_at[s] = d->restart_at[s] ? 1 : 0;
    s_killer (d);
}

//  A line every 30 s, so that a long run shows it is alive.
static void
s_progress (driver_t *d, int64_t start, int64_t *next)
{
    int64_t now = zclock_mono ();
    if (now < *next)
        return;
    *next = now + 30000;
    printf ("chaos: %4.0f s: %" PRId64 " commands, %" PRId64 " ok, %" PRId64
            " refused, %" PRId64 " retries, %" PRId64 " kills\n",
            (now - start) / 1000.0, d->sent, work_ok (d->work), work_refused (d->work),
            d->retries, d->kills);
    fflush (stdout);
}

static void
s_run (driver_t *d)
{
    int64_t start = zclock_mono (), drained_by = 0, progress = start + 30000;
    for (int i = 0; i < d->opts.window; i++)
        if (work_start (d->work, i))
            s_next (d, i);
    s_schedule_kill (d);
    while (!zsys_interrupted) {
        int64_t now = zclock_mono ();
        if (!d->draining
            && (now - start >= d->opts.seconds * 1000LL
                || (d->sent >= d->opts.commands && d->kills >= CHAOS_MIN_KILLS))) {
            s_drain (d);
            drained_by = now + 120000;
        }
        s_killer (d);
        for (int i = 0; i < d->opts.window; i++)
            if (!d->slots[i].busy && !d->draining && work_start (d->work, i))
                s_next (d, i);
        s_resend_due (d);
        s_receive (d, 10);
        s_progress (d, start, &progress);
        if (d->draining && (s_busy (d) == 0 || now > drained_by))
            break;
    }
    d->unanswered = s_busy (d);
    printf ("chaos: workload done in %.1f s: %" PRId64 " commands sent, %" PRId64
            " unanswered\n",
            (zclock_mono () - start) / 1000.0, d->sent, d->unanswered);
}

//  --------------------------------------------------------------------------

static int
s_setup (driver_t *d, const char *dir)
{
    d->cluster = cluster_new (getenv ("OPSTAP_BIN"), dir);
    if (!d->cluster || cluster_start (d->cluster))
        return -1;
    d->work = work_new (d->opts.seed, d->opts.window);
    prng_seed (&d->prng, d->opts.seed ^ 0x5EEDULL);
    d->slots = (slot_t *) zmalloc (sizeof (slot_t) * (size_t) d->opts.window);
    d->poller = zpoller_new (NULL);
    for (int s = 0; s < CH_SERVICES; s++) {
        d->dealers[s] = zsock_new_dealer (cluster_command (d->cluster, s));
        zsock_set_linger (d->dealers[s], 0);
        zpoller_add (d->poller, d->dealers[s]);
    }
    return 0;
}

static void
s_teardown (driver_t *d)
{
    zpoller_destroy (&d->poller);
    for (int s = 0; s < CH_SERVICES; s++)
        zsock_destroy (&d->dealers[s]);
    for (int i = 0; d->slots && i < d->opts.window; i++)
        zframe_destroy (&d->slots[i].frame);
    free (d->slots);
    work_destroy (&d->work);
    cluster_destroy (&d->cluster);
}

static void
s_phase (const char *name, int64_t *since)
{
    int64_t now = zclock_mono ();
    printf ("chaos: %s took %.1f s\n", name, (now - *since) / 1000.0);
    fflush (stdout);
    *since = now;
}

static void
s_check (driver_t *d, tally_figures_t *t)
{
    int64_t since = zclock_mono ();
    if (check_caught_up (d->cluster, false, 600))
        t->mismatches++;
    s_phase ("catching up", &since);
    check_streams (d->cluster, d->work, t);
    s_phase ("the stream check", &since);
    check_state (d->cluster, d->work, t);
    check_report (d->cluster, d->work, t);
    s_phase ("the state and report checks", &since);
    check_erasures (d->cluster, d->work, t);
    s_phase ("the erasure check", &since);
    check_rebuild (d->cluster, t);
    s_phase ("the rebuild", &since);
}

int
main (int argc, char *argv[])
{
    driver_t d;
    memset (&d, 0, sizeof d);
    if (s_options (argc, argv, &d.opts)) {
        fprintf (stderr, "usage: chaos [--seed S] [--seconds N] [--commands N] "
                         "[--kill-every MS] [--window N] [--keep]\n");
        return 2;
    }
    zsys_init ();
    printf ("chaos: seed=%" PRIu64 " seconds=%d commands=%" PRId64 " kill-every=%d ms\n",
            d.opts.seed, d.opts.seconds, d.opts.commands, d.opts.kill_every);
    fflush (stdout);
    char *dir = tk_tmpdir ();
    int64_t start = zclock_mono ();
    tally_figures_t t = {0, 0, 0, 0, 0, 0};
    bool set_up = dir && s_setup (&d, dir) == 0;
    if (set_up) {
        s_run (&d);
        s_check (&d, &t);
    }
    if (d.work)
        t.mismatches += work_unexpected (d.work);
    printf ("chaos: seed=%" PRIu64 " seconds=%.0f commands=%" PRId64 " ok=%" PRId64
            " refused=%" PRId64 " retries=%" PRId64 " kills=%" PRId64 " restarts=%" PRId64
            " events=%" PRId64 " unanswered=%" PRId64 " lost=%" PRId64
            " duplicated=%" PRId64 " gaps=%" PRId64 " mismatches=%" PRId64 "\n",
            d.opts.seed, (zclock_mono () - start) / 1000.0, d.sent, work_ok (d.work),
            work_refused (d.work), d.retries, d.kills, d.restarts, t.events, d.unanswered,
            t.lost, t.duplicated, t.gaps, t.mismatches);
    bool passed = set_up && d.kills > 0 && d.unanswered == 0 && t.lost == 0
                  && t.duplicated == 0 && t.gaps == 0 && t.mismatches == 0;
    s_teardown (&d);
    if (passed && !d.opts.keep)
        tk_rmdir (&dir);
    else if (dir)
        printf ("chaos: data and logs kept in %s\n", dir);
    free (dir);
    printf ("chaos: %s\n", passed ? "PASS" : "FAIL");
    return passed ? 0 : 1;
}
