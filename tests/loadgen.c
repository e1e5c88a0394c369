/*  loadgen - loads a history of COUNT candidates into intake (register,
    info session, admission or deferral, a stage assessment), IN_FLIGHT
    commands at a time on one connection (commands about one candidate stay
    in order), and prints how long it took.
        opstap-loadgen ENDPOINT COUNT IN_FLIGHT  */
#include "codec.h"
#include "json.h"

#include <czmq.h>

#define OFFICES 10

static const char *const s_stages[] = {"equilibrium", "disruption", "reorientation",
                                       "growth"};
static const char *const s_referrals[] = {
    "self", "uwv", "municipality", "mental_health", "social_team", "client_org", "other"};

//  The n-th command of the history: four per candidate.
static char *
s_command (int run, int n)
{
    int c = n / 4, step = n % 4, office = c % OFFICES;
    char date[11];
    //  Spread over two years from 2019-01-01 (day 17897).
    codec_format_date (17897 + (c * 7) % 730 + step * 7, date);
    if (step == 0)
        return zsys_sprintf ("{\"cmd\":\"candidate.register\",\"office\":\"o%d\",\"id\":"
                             "\"L%d-%d\",\"rid\":\"L%d-%d\","
                             "\"birth_year\":%d,\"referral\":\"%s\",\"benefit\":\"wia\","
                             "\"treatment\":\"%s\","
                             "\"criteria\":{\"psych_limitation\":true,\"motivated\":%s,"
                             "\"willing_to_train\":true,"
                             "\"arranges_benefits\":true,\"seeks_paid_work\":true},"
                             "\"consent\":{\"processing\":"
                             "true,\"evaluation_contact\":true},\"date\":\"%s\"}",
                             office, run, c, run, n, 1960 + c % 45, s_referrals[c % 7],
                             c % 9 == 0 ? "in_treatment" : "done",
                             c % 11 ? "true" : "false", date);
    if (step == 1)
        return zsys_sprintf ("{\"cmd\":\"candidate.info_session\",\"office\":\"o%d\","
                             "\"id\":\"L%d-%d\",\"rid\":\"L%d-%d\",\"date\":\"%s\"}",
                             office, run, c, run, n, date);
    if (step == 2 && c % 9 == 0)
        return zsys_sprintf (
            "{\"cmd\":\"candidate.defer\",\"office\":\"o%d\",\"id\":\"L%d-%d\","
            "\"rid\":\"L%d-%d\",\"reason\":\"in_treatment\","
            "\"until\":\"2030-01-01\",\"date\":\"%s\"}",
            office, run, c, run, n, date);
    if (step == 2)
        return zsys_sprintf (
            "{\"cmd\":\"candidate.admit\",\"office\":\"o%d\",\"id\":\"L%d-%d\","
            "\"rid\":\"L%d-%d\",\"date\":\"%s\"}",
            office, run, c, run, n, date);
    return zsys_sprintf (
        "{\"cmd\":\"candidate.assess_stage\",\"office\":\"o%d\","
        "\"id\":\"L%d-%d\",\"rid\":\"L%d-%d\",\"stage\":\"%s\",\"date\":\"%s\"}",
        office, run, c, run, n, s_stages[c % 4], date);
}

static zframe_t *
s_frame (int run, int n)
{
    char *text = s_command (run, n);
    char err[128];
    zframe_t *frame = json_to_frame (text, err, sizeof err);
    if (!frame)
        fprintf (stderr, "loadgen: %s: %s\n", err, text);
    free (text);
    return frame;
}

int
main (int argc, char *argv[])
{
    if (argc != 4) {
        fprintf (stderr, "usage: opstap-loadgen ENDPOINT COUNT IN_FLIGHT\n");
        return 2;
    }
    int total = atoi (argv[2]) * 4, window = atoi (argv[3]);
    int run = (int) (zclock_time () % 100000);
    zsock_t *dealer = zsock_new_dealer (argv[1]);
    zsock_set_rcvtimeo (dealer, 30000);
    int sent = 0, answered = 0, refused = 0;
    int64_t start = zclock_mono ();
    while (answered < total) {
        while (sent < total && sent - answered < window) {
            zframe_t *frame = s_frame (run, sent++);
            if (frame)
                zframe_send (&frame, dealer, 0);
            else
                answered++;
        }
        zframe_t *reply = zframe_recv (dealer);
        if (!reply)
            break;
        oerr_t err;
        msg_t *msg = msg_decode (zframe_data (reply), zframe_size (reply), &err);
        refused += msg && map_bool (msg_root (msg), "ok", false) ? 0 : 1;
        msg_destroy (&msg);
        answered++;
        zframe_destroy (&reply);
    }
    double seconds = (double) (zclock_mono () - start) / 1000.0;
    printf ("loadgen: %d commands (%d candidates), %d refused, %.1f s, %.0f commands/s\n",
            answered, total / 4, refused, seconds, answered / seconds);
    zsock_destroy (&dealer);
    return answered == total ? 0 : 1;
}
