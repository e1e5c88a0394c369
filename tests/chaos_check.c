/*  chaos_check - the end checks: streams (every accepted command's events
    exactly once, seqs 1..head), state (the records the model expects, as
    the services answer for them) and the report's totals. The rebuild
    comparison is in chaos_rebuild.c.  */
#include "chaos_check.h"

#define SHOW_MAX 20

void
check_show (tally_figures_t *t, const char *fmt, ...)
{
    if (t->shown++ >= SHOW_MAX)
        return;
    va_list args;
    va_start (args, fmt);
    char *text = zsys_vprintf (fmt, args);
    va_end (args);
    fprintf (stderr, "chaos: %s\n", text);
    free (text);
}

tk_msg_t *
check_call (const char *endpoint, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *cmd = zsys_vprintf (fmt, args);
    va_end (args);
    tk_client_t *client = tk_client_new (endpoint);
    tk_msg_t *reply = tk_call (client, "%s", cmd);
    tk_client_destroy (&client);
    free (cmd);
    return reply;
}

static int64_t
s_head (const char *endpoint)
{
    tk_msg_t *r = check_call (endpoint, "{\"cmd\":\"service.status\"}");
    int64_t head = tk_ok (r) ? tk_int (r, "head") : -1;
    tk_msg_destroy (&r);
    return head;
}

//  How far the follower's consumers lag behind their producers' heads
//  (summed); -1 when it does not answer.
static int64_t
s_lag (const char *endpoint, const int64_t heads[CH_SERVICES])
{
    tk_msg_t *r = check_call (endpoint, "{\"cmd\":\"service.status\"}");
    const msgpack_object *list = tk_get (r, "consumers");
    int64_t lag =
        list && list->type == MSGPACK_OBJECT_ARRAY && list->via.array.size ? 0 : -1;
    for (uint32_t i = 0; lag >= 0 && i < list->via.array.size; i++) {
        char service[32] = "";
        map_str (&list->via.array.ptr[i], "service", service, sizeof service);
        int64_t position = map_int (&list->via.array.ptr[i], "position", -1);
        for (int s = 0; s < CH_REPORTING; s++)
            if (streq (service, ch_service_names[s]))
                lag += position == heads[s] ? 0 : heads[s] - position;
    }
    tk_msg_destroy (&r);
    return lag;
}

int
check_caught_up (cluster_t *cluster, bool rebuilt, int seconds)
{
    int64_t heads[CH_SERVICES] = {0};
    for (int s = 0; s < CH_REPORTING; s++)
        heads[s] = s_head (cluster_command (cluster, s));
    for (int s = CH_TRAINING; s < CH_SERVICES; s++) {
        const char *endpoint =
            rebuilt ? cluster_rebuild_command (cluster, s) : cluster_command (cluster, s);
        //  Waits as long as the follower makes progress, up to seconds.
        int64_t lag = s_lag (endpoint, heads), last = lag;
        int64_t stalled = zclock_mono () + 30000,
                deadline = zclock_mono () + seconds * 1000LL;
        while (lag != 0) {
            if (zclock_mono () > stalled || zclock_mono () > deadline) {
                fprintf (stderr, "chaos: %s%s did not catch up (%" PRId64 " behind)\n",
                         ch_service_names[s], rebuilt ? "-r" : "", lag);
                return -1;
            }
            zclock_sleep (100);
            lag = s_lag (endpoint, heads);
            if (lag != last)
                stalled = zclock_mono () + 30000;
            last = lag;
        }
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  Streams

static void
s_count (zhashx_t *counts, const char *key)
{
    int *count = (int *) zhashx_lookup (counts, key);
    if (count)
        (*count)++;
    else {
        count = (int *) zmalloc (sizeof (int));
        *count = 1;
        zhashx_insert (counts, key, count);
    }
}

//  Counts an event by key and checks its seq follows the last.
static void
s_event (const msgpack_object *event, zhashx_t *seen, zhashx_t *tokens, int64_t *expected,
         int s, tally_figures_t *t)
{
    int64_t seq = map_int (event, "seq", -1);
    if (seq != *expected) {
        t->gaps++;
        check_show (t, "%s stream: seq %" PRId64 " where %" PRId64 " was due",
                    ch_service_names[s], seq, *expected);
    }
    *expected = seq + 1;
    char key[256];
    work_event_key (event, tokens, key, sizeof key);
    s_count (seen, key);
}

//  Each erased candidate's token and id, from intake's erasure events (they
//  name both until the erasure completes).
static zhashx_t *
s_tokens (cluster_t *cluster)
{
    zhashx_t *tokens = zhashx_new ();
    zhashx_set_destructor (tokens, (zhashx_destructor_fn *) zstr_free);
    zhashx_set_duplicator (tokens, (zhashx_duplicator_fn *) strdup);
    tk_client_t *client = tk_client_new (cluster_replay (cluster, CH_INTAKE));
    int64_t from = 1;
    uint32_t count = 1;
    while (count) {
        tk_msg_t *r = tk_call (
            client, "{\"cmd\":\"replay\",\"from\":%" PRId64 ",\"max\":1000}", from);
        const msgpack_object *list = tk_get (r, "events");
        count = list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
        for (uint32_t i = 0; i < count; i++) {
            const msgpack_object *e = &list->via.array.ptr[i];
            char id[64] = "", token[64] = "";
            if (obj_is_str (obj_get (e, "type"), "candidate.erased")) {
                map_str (e, "candidate", id, sizeof id);
                map_str (e, "token", token, sizeof token);
                zhashx_insert (tokens, token, id);
            }
            from = map_int (e, "seq", from) + 1;
        }
        tk_msg_destroy (&r);
    }
    tk_client_destroy (&client);
    return tokens;
}

//  Events by key, read batch by batch from seq 1 (the stream can be
//  larger than memory would hold as messages); the count in *events.
static zhashx_t *
s_stream (cluster_t *cluster, int s, zhashx_t *tokens, tally_figures_t *t,
          int64_t *events)
{
    zhashx_t *seen = zhashx_new ();
    zhashx_set_destructor (seen, (zhashx_destructor_fn *) zstr_free);
    tk_client_t *client = tk_client_new (cluster_replay (cluster, s));
    int64_t expected = 1;
    *events = 0;
    uint32_t count = 1;
    while (count) {
        tk_msg_t *r = tk_call (
            client, "{\"cmd\":\"replay\",\"from\":%" PRId64 ",\"max\":1000}", expected);
        const msgpack_object *list = tk_get (r, "events");
        count = list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
        for (uint32_t i = 0; i < count; i++)
            s_event (&list->via.array.ptr[i], seen, tokens, &expected, s, t);
        *events += count;
        tk_msg_destroy (&r);
    }
    tk_client_destroy (&client);
    int64_t head = s_head (cluster_command (cluster, s));
    if (head != *events) {
        t->gaps++;
        check_show (t, "%s stream: %" PRId64 " events, head %" PRId64,
                    ch_service_names[s], *events, head);
    }
    return seen;
}

void
check_streams (cluster_t *cluster, work_t *work, tally_figures_t *t)
{
    zhashx_t *tokens = s_tokens (cluster);
    for (int s = CH_INTAKE; s < CH_REPORTING; s++) {
        int64_t events = 0, lost = t->lost, duplicated = t->duplicated;
        zhashx_t *seen = s_stream (cluster, s, tokens, t, &events);
        zhashx_t *expected = work_expected (work, s);
        for (int *want = (int *) zhashx_first (expected); want;
             want = (int *) zhashx_next (expected)) {
            const char *key = (const char *) zhashx_cursor (expected);
            int *got = (int *) zhashx_lookup (seen, key);
            int have = got ? *got : 0;
            if (have != *want)
                check_show (t, "%s stream: %s %d times, accepted %d times",
                            ch_service_names[s], key, have, *want);
            t->lost += have < *want ? *want - have : 0;
            t->duplicated += have > *want ? have - *want : 0;
        }
        for (int *got = (int *) zhashx_first (seen); got;
             got = (int *) zhashx_next (seen))
            if (!zhashx_lookup (expected, zhashx_cursor (seen))) {
                check_show (t, "%s stream: %s %d times, never accepted",
                            ch_service_names[s], (const char *) zhashx_cursor (seen),
                            *got);
                t->duplicated += *got;
            }
        printf ("chaos: stream %-9s %6" PRId64
                " events, %6zu expected keys, lost %" PRId64 ", duplicated %" PRId64 "\n",
                ch_service_names[s], events, zhashx_size (expected), t->lost - lost,
                t->duplicated - duplicated);
        t->events += events;
        zhashx_destroy (&seen);
    }
    zhashx_destroy (&tokens);
}

//  --------------------------------------------------------------------------
//  Report

static int64_t
s_sum (tk_msg_t *report, const char *prefix, const char *const *names, const char *suffix)
{
    int64_t sum = 0;
    for (const char *const *n = names; *n; n++) {
        char path[128];
        snprintf (path, sizeof path, "%s.%s%s", prefix, *n, suffix);
        sum += tk_int (report, path);
    }
    return sum;
}

tk_msg_t *
check_summary (const char *endpoint)
{
    return check_call (endpoint, "{\"cmd\":\"report.summary\",\"from\":\"1900-01-01\","
                                 "\"to\":\"2199-12-31\",\"k\":1}");
}

void
check_report (cluster_t *cluster, work_t *work, tally_figures_t *t)
{
    static const char *const kinds[] = {
        "one_on_one",      "joint_talk",        "group_session",
        "workshop",        "case_consultation", "presentation",
        "network_contact", "employer_info",     NULL};
    static const char *const outcomes[] = {"paid_job", "completed", "continued",
                                           "ended_early", NULL};
    tk_msg_t *report = check_summary (cluster_command (cluster, CH_REPORTING));
    int wrong = 0;
    for (int f = 0; f < F_FIGURES; f++) {
        int64_t got = f == F_ACTIVITIES
                          ? s_sum (report, "total.experts.activities", kinds, ".count")
                      : f == F_ENDED
                          ? s_sum (report, "total.placement.ended", outcomes, "")
                          : tk_int (report, ch_figure_paths[f]);
        if (got != work_figure (work, (figure_t) f)) {
            check_show (t, "report: %s is %" PRId64 ", accepted %" PRId64,
                        ch_figure_paths[f] ? ch_figure_paths[f] : "(sum)", got,
                        work_figure (work, (figure_t) f));
            wrong++;
        }
    }
    printf ("chaos: report    %d figures, %d equal to the accepted commands "
            "(registered %" PRId64 ", admitted %" PRId64 ", enrolled %" PRId64
            ", started %" PRId64 ", invited %" PRId64 ")\n",
            F_FIGURES, F_FIGURES - wrong, tk_int (report, ch_figure_paths[F_REGISTERED]),
            tk_int (report, ch_figure_paths[F_ADMITTED]),
            tk_int (report, ch_figure_paths[F_ENROLLED]),
            tk_int (report, ch_figure_paths[F_STARTED]),
            tk_int (report, ch_figure_paths[F_INVITED]));
    t->mismatches += wrong;
    tk_msg_destroy (&report);
}

//  --------------------------------------------------------------------------
//  Erasures

//  How many records a service's stores and trail hold of id; -1 when it
//  does not answer.
static int64_t
s_holds (cluster_t *cluster, int service, const char *id)
{
    tk_msg_t *r = check_call (cluster_command (cluster, service),
                              "{\"cmd\":\"erase.check\",\"candidate\":\"%s\"}", id);
    int64_t holds = tk_ok (r) ? tk_int (r, "holds") : -1;
    tk_msg_destroy (&r);
    return holds;
}

void
check_erasures (cluster_t *cluster, work_t *work, tally_figures_t *t)
{
    int erased = 0, gone = 0;
    zhashx_t *entities = work_entities (work);
    for (entity_t *e = (entity_t *) zhashx_first (entities); e;
         e = (entity_t *) zhashx_next (entities)) {
        if (!streq (e->kind, "erased"))
            continue;
        erased++;
        bool left = false;
        for (int s = CH_TRAINING; s < CH_SERVICES; s++) {
            int64_t holds = s_holds (cluster, s, e->id);
            if (holds != 0) {
                check_show (t, "erasure: %s still holds %s (%" PRId64 ")",
                            ch_service_names[s], e->id, holds);
                left = true;
            }
        }
        //  As opstap erase-status --complete: intake drops the id last.
        tk_msg_t *r = check_call (
            cluster_command (cluster, CH_INTAKE),
            "{\"cmd\":\"candidate.erase_complete\",\"office\":\"%s\",\"id\":\"%s\"}",
            e->office, e->id);
        tk_msg_t *c =
            check_call (cluster_command (cluster, CH_INTAKE),
                        "{\"cmd\":\"erase.check\",\"candidate\":\"%s\"}", e->id);
        if (!tk_ok (r) || !tk_ok (c) || tk_int (c, "holds") != 0) {
            char *json = tk_json (c ? c : r);
            check_show (t, "erasure: intake still holds %s after its completion: %s",
                        e->id, json);
            free (json);
            left = true;
        }
        tk_msg_destroy (&c);
        tk_msg_destroy (&r);
        if (left)
            t->mismatches++;
        else
            gone++;
    }
    printf ("chaos: erasures %d candidates, %d gone from every store\n", erased, gone);
}
