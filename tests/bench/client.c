/*  client - a closed-loop load: COUNT commands, IN_FLIGHT at a time on one
    DEALER connection, after WARMUP commands that are not measured. Prints
    commands/s and reply latency percentiles as key=value pairs.
        opstap-bench-client ENDPOINT WORKLOAD COUNT IN_FLIGHT [WARMUP]
    WORKLOAD: register (candidate.register, new candidates; the same bodies
    serve the raw echo and pipeline servers) or summary (report.summary,
    all offices, two years).  */
#include "codec.h"
#include "json.h"

#include <czmq.h>

typedef struct {
    zsock_t *dealer;
    const char *workload;
    int run;
    int64_t *sent;
    int64_t *latency;
} client_t;

static zframe_t *
s_frame (client_t *self, int i)
{
    char *text;
    if (streq (self->workload, "summary"))
        text = zsys_sprintf ("{\"cmd\":\"report.summary\",\"rid\":\"q%d-%d\","
                             "\"from\":\"2019-01-01\",\"to\":\"2020-12-31\"}",
                             self->run, i);
    else
        text = zsys_sprintf (
            "{\"cmd\":\"candidate.register\",\"office\":\"o%d\",\"id\":\"B%d-%d\","
            "\"rid\":\"B%d-%d\",\"birth_year\":1985,\"referral\":\"uwv\",\"benefit\":"
            "\"ww\",\"treatment\":\"none\",\"criteria\":{\"psych_limitation\":true,"
            "\"motivated\":true,\"willing_to_train\":true,\"arranges_benefits\":true,"
            "\"seeks_paid_work\":true},\"consent\":{\"processing\":true,"
            "\"evaluation_contact\":true},\"date\":\"2020-03-01\"}",
            i % 10, self->run, i, self->run, i);
    char err[128];
    zframe_t *frame = json_to_frame (text, err, sizeof err);
    free (text);
    return frame;
}

//  The index a reply answers, from its rid ("<prefix><run>-<index>"), or -1.
static int
s_index (msg_t *msg, int first, int last)
{
    char rid[40] = "";
    obj_str (obj_get (msg ? msg_root (msg) : NULL, "rid"), rid, sizeof rid);
    const char *dash = strchr (rid, '-');
    int index = dash ? atoi (dash + 1) : -1;
    return index >= first && index < last ? index : -1;
}

//  Runs commands [first, last) with WINDOW in flight; returns failures
//  (-1 when replies stopped coming).
static int
s_run (client_t *self, int first, int last, int window)
{
    int next = first, done = first, failed = 0;
    while (done < last) {
        while (next < last && next - done < window) {
            zframe_t *frame = s_frame (self, next);
            self->sent[next++] = zclock_usecs ();
            if (!frame || zframe_send (&frame, self->dealer, 0) != 0)
                return -1;
        }
        zframe_t *reply = zframe_recv (self->dealer);
        if (!reply)
            return -1;
        oerr_t err;
        msg_t *msg = msg_decode (zframe_data (reply), zframe_size (reply), &err);
        int index = s_index (msg, first, last);
        if (index < 0 || !map_bool (msg_root (msg), "ok", true))
            failed++;
        self->latency[done++] = zclock_usecs () - (index < 0 ? 0 : self->sent[index]);
        msg_destroy (&msg);
        zframe_destroy (&reply);
    }
    return failed;
}

static int
s_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y ? -1 : x > y;
}

int
main (int argc, char *argv[])
{
    if (argc < 5 || argc > 6 || atoi (argv[3]) < 1 || atoi (argv[4]) < 1
        || (!streq (argv[2], "register") && !streq (argv[2], "summary"))) {
        fprintf (stderr, "usage: opstap-bench-client ENDPOINT register|summary COUNT "
                         "IN_FLIGHT [WARMUP]\n");
        return 2;
    }
    int count = atoi (argv[3]), window = atoi (argv[4]);
    int warmup = argc == 6 ? atoi (argv[5]) : 0;
    client_t self = {zsock_new_dealer (argv[1]), argv[2],
                     (int) (zclock_time () % 1000000),
                     (int64_t *) zmalloc (sizeof (int64_t) * (size_t) (warmup + count)),
                     (int64_t *) zmalloc (sizeof (int64_t) * (size_t) (warmup + count))};
    zsock_set_rcvtimeo (self.dealer, 30000);
    int warm = s_run (&self, 0, warmup, window);
    int64_t start = zclock_usecs ();
    int failed = warm < 0 ? -1 : s_run (&self, warmup, warmup + count, window);
    double seconds = (double) (zclock_usecs () - start) / 1e6;
    int64_t *lat = self.latency + warmup;
    qsort (lat, (size_t) count, sizeof (int64_t), s_compare);
    printf ("in_flight=%d commands=%d failed=%d seconds=%.3f commands_per_s=%.0f "
            "p50_us=%" PRId64 " p99_us=%" PRId64 " p999_us=%" PRId64 " max_us=%" PRId64
            "\n",
            window, count, failed, seconds, count / seconds, lat[count / 2],
            lat[count * 99 / 100], lat[count * 999 / 1000], lat[count - 1]);
    free (self.sent);
    free (self.latency);
    zsock_destroy (&self.dealer);
    return failed == 0 && warm == 0 ? 0 : 1;
}
