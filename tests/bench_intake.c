/*  bench_intake - a first throughput figure: candidate.register against a
    running intake instance over tcp loopback, durable commits, with a given
    number of commands in flight. Prints commands/s and latency percentiles.
        opstap-bench-intake ENDPOINT COUNT IN_FLIGHT  */
#include "json.h"
#include "testkit.h"

static zframe_t *
s_command (int run, int i)
{
    char *text = zsys_sprintf (
        "{\"cmd\":\"candidate.register\",\"office\":\"bench\",\"id\":\"b%d-%d\","
        "\"rid\":\"b%d-%d\",\"birth_year\":1985,\"referral\":\"uwv\",\"benefit\":\"ww\","
        "\"treatment\":\"none\",\"criteria\":{\"psych_limitation\":true,\"motivated\":"
        "true,"
        "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"
        "\"consent\":{\"processing\":true,\"evaluation_contact\":true},\"date\":\"2021-"
        "03-01\"}",
        run, i, run, i);
    char err[64];
    zframe_t *frame = json_to_frame (text, err, sizeof err);
    free (text);
    return frame;
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
    if (argc != 4) {
        fprintf (stderr, "usage: opstap-bench-intake ENDPOINT COUNT IN_FLIGHT\n");
        return 2;
    }
    int count = atoi (argv[2]), window = atoi (argv[3]);
    int run = (int) (zclock_time () % 1000000);
    zsock_t *dealer = zsock_new_dealer (argv[1]);
    zsock_set_rcvtimeo (dealer, 10000);
    int64_t *sent = (int64_t *) zmalloc (sizeof (int64_t) * count);
    int64_t *latency = (int64_t *) zmalloc (sizeof (int64_t) * count);
    int next = 0, done = 0, failed = 0;
    int64_t start = zclock_usecs ();
    while (done < count) {
        while (next < count && next - done < window) {
            zframe_t *frame = s_command (run, next);
            sent[next++] = zclock_usecs ();
            zframe_send (&frame, dealer, 0);
        }
        zframe_t *reply = zframe_recv (dealer);
        if (!reply)
            break;
        oerr_t err;
        msg_t *msg = msg_decode (zframe_data (reply), zframe_size (reply), &err);
        char rid[32] = "";
        obj_str (obj_get (msg ? msg_root (msg) : NULL, "rid"), rid, sizeof rid);
        failed += msg && map_bool (msg_root (msg), "ok", false) ? 0 : 1;
        const char *dash = strchr (rid, '-');
        int index = dash ? atoi (dash + 1) : 0;
        latency[done++] = zclock_usecs () - sent[index];
        msg_destroy (&msg);
        zframe_destroy (&reply);
    }
    double seconds = (double) (zclock_usecs () - start) / 1e6;
    qsort (latency, (size_t) done, sizeof (int64_t), s_compare);
    printf ("in_flight=%d commands=%d failed=%d seconds=%.2f commands_per_s=%.0f "
            "p50_us=%" PRId64 " p99_us=%" PRId64 "\n",
            window, done, failed, seconds, done / seconds, done ? latency[done / 2] : 0,
            done ? latency[done * 99 / 100] : 0);
    free (sent);
    free (latency);
    zsock_destroy (&dealer);
    return failed || done < count ? 1 : 0;
}
