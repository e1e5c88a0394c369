/*  test_reporting_flat - the figures reporting reads from counters and
    grid records instead of the period's records (clients_reached, talks,
    goals, smart_share, attendance by meeting and its suppression, the paid
    jobs' days for the median, survey responses) against a brute force
    over the same events. Random meetings, goals with revisions, talks,
    paid jobs (days from start with many ties) and survey invitations and
    responses (every about, graded, ungraded and out of range, answered
    before or long after the invitation) over three years go to a
    reporting store in random order (dates out of order, same-day
    revisions, erasures that move a candidate's talks to a token that may
    already have some); then many random periods and k compare every
    office and the total. OPSTAP_SEED picks another history.  */
#include "erasure.h"
#include "evlog.h"
#include "outbox.h"
#include "json.h"
#include "handlers.h"
#include "rids.h"
#include "section.h"
#include "testkit.h"

#define DAYS        1096 //  2016-01-01 .. 2018-12-31
#define OFFICES     2
#define COHORTS     6
#define GOALS       40
#define NAMES       12 //  p0 .. p7 candidates, p8 .. p11 also tokens
#define EVENTS_MAX  3000
#define PERIODS     400
#define PAID_VALUES 800 //  days from start 0 .. 799

typedef enum {
    MEETING,
    GOAL_SET,
    GOAL_REVISED,
    TALK,
    PAID,
    INVITED,
    RESPONDED,
    ERASED
} kind_t;

typedef struct {
    kind_t kind;
    int office, day; //  day: 0 is 2016-01-01
    //  meeting: cohort, number, members, present; goal: goal, smart;
    //  talk: candidate, activity kind; paid: days from start; invited:
    //  about; responded: about, invitation day, half points (-1 no grade);
    //  erased: candidate, token
    int a, b, c, d;
} ev_t;

static const char *const s_offices[] = {"north", "south"};
static const char *const s_kinds[] = {"one_on_one", "joint_talk", "group_session"};
static ev_t s_events[EVENTS_MAX];
static int s_count;
static uint64_t s_rand_state;
static int32_t s_base;

static int
s_rand (int n)
{
    s_rand_state ^= s_rand_state << 13;
    s_rand_state ^= s_rand_state >> 7;
    s_rand_state ^= s_rand_state << 17;
    return (int) (s_rand_state % (uint64_t) n);
}

static void
s_date (int day, char out[11])
{
    codec_format_date (s_base + day, out);
}

static void
s_add (kind_t kind, int office, int day, int a, int b, int c, int d)
{
    if (s_count < EVENTS_MAX)
        s_events[s_count++] = (ev_t){kind, office, day, a, b, c, d};
}

//  --------------------------------------------------------------------------
//  The history, in random order

//  Paid jobs mostly within a month of the start (ties), a few far; survey
//  responses a few days before their invitation up to most of a year
//  after, half points 0 .. 21 (out of range counts as no grade).
static void
s_generate_more (int o)
{
    for (int i = 0; i < 120; i++)
        s_add (PAID, o, s_rand (DAYS), s_rand (4) ? s_rand (30) : 30 + s_rand (770), 0, 0,
               0);
    for (int i = 0; i < 100; i++)
        s_add (INVITED, o, s_rand (DAYS), s_rand (RS_ABOUTS), 0, 0, 0);
    for (int i = 0; i < 160; i++) {
        int invited = s_rand (DAYS);
        s_add (RESPONDED, o, invited - 3 + s_rand (300), s_rand (RS_ABOUTS), invited,
               s_rand (4) ? s_rand (22) : -1, 0);
    }
}

static void
s_generate (void)
{
    for (int o = 0; o < OFFICES; o++) {
        for (int i = 0; i < 220; i++) {
            int members = s_rand (9);
            //  Numbers 0 and 11 count only in the overall rate; a few
            //  meetings are recorded twice (the second replaces the first).
            s_add (MEETING, o, s_rand (DAYS), s_rand (COHORTS), s_rand (12), members,
                   members ? s_rand (members + 1) : 0);
            if (s_rand (20) == 0 && s_count < EVENTS_MAX)
                s_events[s_count] = s_events[s_count - 1], s_count++;
        }
        for (int g = 0; g < GOALS; g++) {
            int set = s_rand (DAYS);
            s_add (GOAL_SET, o, set, g, s_rand (2), 0, 0);
            for (int r = s_rand (5); r > 0; r--) {
                //  Same day, or around the set day (before it too).
                int day = s_rand (3) == 0 ? set : set - 30 + s_rand (300);
                s_add (GOAL_REVISED, o, day < 0 ? 0 : day, g, s_rand (2), 0, 0);
            }
        }
        for (int i = 0; i < 300; i++)
            s_add (TALK, o, s_rand (DAYS), s_rand (NAMES), s_rand (3), 0, 0);
        s_generate_more (o);
    }
    for (int i = s_count - 1; i > 0; i--) {
        int j = s_rand (i + 1);
        ev_t t = s_events[i];
        s_events[i] = s_events[j];
        s_events[j] = t;
    }
    //  Erasures at random places: p1 to p8 (which may have talks of its
    //  own by then), p2 to p9, and p9 on to p10.
    const int moves[][2] = {{1, 8}, {2, 9}, {9, 10}};
    for (int m = 0; m < 3; m++) {
        int at = s_rand (s_count);
        memmove (s_events + at + 1, s_events + at,
                 (size_t) (s_count - at) * sizeof (ev_t));
        s_events[at] = (ev_t){ERASED, 0, 0, moves[m][0], moves[m][1], 0, 0};
        s_count++;
    }
}

static char *
s_json (const ev_t *e)
{
    char date[11];
    s_date (e->day, date);
    const char *o = s_offices[e->office];
    switch (e->kind) {
    case MEETING:
        return zsys_sprintf ("{\"service\":\"training\",\"type\":\"meeting.recorded\","
                             "\"office\":\"%s\",\"date\":\"%s\",\"cohort\":\"c%d\","
                             "\"number\":%d,\"members\":%d,\"present\":%d}",
                             o, date, e->a, e->b, e->c, e->d);
    case GOAL_SET:
    case GOAL_REVISED:
        return zsys_sprintf ("{\"service\":\"training\",\"type\":\"goal.%s\","
                             "\"office\":\"%s\",\"date\":\"%s\",\"goal\":\"g%d\","
                             "\"smart_all\":%s}",
                             e->kind == GOAL_SET ? "set" : "revised", o, date, e->a,
                             e->b ? "true" : "false");
    case TALK:
        return zsys_sprintf (
            "{\"service\":\"training\",\"type\":\"expert.activity_logged\","
            "\"office\":\"%s\",\"date\":\"%s\",\"kind\":\"%s\","
            "\"minutes\":30,\"setting\":\"external\",\"candidate\":\"p%d\"}",
            o, date, s_kinds[e->b], e->a);
    case PAID:
        return zsys_sprintf ("{\"service\":\"placement\",\"type\":\"paid_job.recorded\","
                             "\"office\":\"%s\",\"date\":\"%s\",\"hours\":24,"
                             "\"days_from_start\":%d}",
                             o, date, e->a);
    case INVITED:
        return zsys_sprintf ("{\"service\":\"feedback\",\"type\":\"survey.invited\","
                             "\"office\":\"%s\",\"date\":\"%s\",\"about\":\"%s\"}",
                             o, date, rs_abouts[e->a]);
    case RESPONDED: {
        char invited[11];
        s_date (e->b, invited);
        return zsys_sprintf ("{\"service\":\"feedback\",\"type\":\"survey.responded\","
                             "\"office\":\"%s\",\"date\":\"%s\",\"about\":\"%s\","
                             "\"invited\":\"%s\",\"graded\":%s,\"grade\":%.1f}",
                             o, date, rs_abouts[e->a], invited,
                             e->c < 0 ? "false" : "true", e->c < 0 ? 7.5 : e->c / 2.0);
    }
    default:
        return zsys_sprintf ("{\"service\":\"intake\",\"type\":\"candidate.erased\","
                             "\"office\":\"north\",\"date\":\"2019-01-01\","
                             "\"candidate\":\"p%d\",\"token\":\"p%d\"}",
                             e->a, e->b);
    }
}

//  As the runtime does: an erasure to the erasure rule (reporting's hook
//  under it), every other event to reporting's applier.
static int
s_apply_all (store_tx_t *tx, void *arg)
{
    erasure_t *erasure = (erasure_t *) arg;
    for (int i = 0; i < s_count; i++) {
        char *json = s_json (&s_events[i]), err[128];
        msgpack_sbuffer buf;
        msgpack_sbuffer_init (&buf);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
        msgpack_unpacked event;
        msgpack_unpacked_init (&event);
        int rc = json_to_msgpack (json, strlen (json), &pk, err, sizeof err);
        if (rc == 0)
            rc = msgpack_unpack_next (&event, buf.data, buf.size, NULL)
                         == MSGPACK_UNPACK_SUCCESS
                     ? erasure_apply_event (erasure, tx, &event.data)
                     : -1;
        if (rc == 1)
            rc = reporting_learn (tx, &event.data, NULL);
        msgpack_unpacked_destroy (&event);
        msgpack_sbuffer_destroy (&buf);
        free (json);
        if (!CHECK (rc == 0))
            return -1;
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  The brute force: the events replayed into plain arrays, in the order
//  reporting got them

typedef struct {
    int office, day, cohort, number, members, present;
} meeting_t;

typedef struct {
    bool set;
    int day, count;
    int days[8], smart[8]; //  versions in stream order
} goal_t;

typedef struct {
    meeting_t meetings[EVENTS_MAX];
    int meeting_count;
    goal_t goals[OFFICES][GOALS];
    int talks[OFFICES][NAMES][DAYS]; //  talks per name and day
} brute_t;

static void
s_brute_meeting (brute_t *b, const ev_t *e)
{
    meeting_t m = {e->office, e->day, e->a, e->b, e->c, e->d};
    for (int i = 0; i < b->meeting_count; i++) {
        meeting_t *x = &b->meetings[i];
        if (x->office == m.office && x->day == m.day && x->cohort == m.cohort
            && x->number == m.number) {
            *x = m;
            return;
        }
    }
    b->meetings[b->meeting_count++] = m;
}

static void
s_brute_apply (brute_t *b, const ev_t *e)
{
    goal_t *g = e->kind == GOAL_SET || e->kind == GOAL_REVISED
                    ? &b->goals[e->office][e->a]
                    : NULL;
    if (e->kind == MEETING)
        s_brute_meeting (b, e);
    else if (g && (e->kind == GOAL_SET || g->set) && g->count < 8) {
        if (e->kind == GOAL_SET)
            g->set = true, g->day = e->day;
        g->days[g->count] = e->day;
        g->smart[g->count++] = e->b;
    } else if (e->kind == TALK && e->b < 2)
        b->talks[e->office][e->a][e->day]++;
    else if (e->kind == ERASED)
        for (int o = 0; o < OFFICES; o++)
            for (int d = 0; d < DAYS; d++) {
                b->talks[o][e->b][d] += b->talks[o][e->a][d];
                b->talks[o][e->a][d] = 0;
            }
}

typedef struct {
    int64_t clients, talks, goals, smart;
    int64_t present, places, basis;
    int64_t by_present[RS_MEETINGS], by_places[RS_MEETINGS], by_basis[RS_MEETINGS];
    int64_t invited[RS_ABOUTS], responded[RS_ABOUTS], grades[RS_ABOUTS][RS_GRADES];
    int64_t paid[PAID_VALUES]; //  paid jobs by days from start
} want_t;

static void
s_brute_talks (const brute_t *b, int o, int from, int to, want_t *w)
{
    for (int n = 0; n < NAMES; n++) {
        bool reached = false;
        for (int d = from < 0 ? 0 : from; d <= to && d < DAYS; d++) {
            reached |= b->talks[o][n][d] > 0;
            w->talks += b->talks[o][n][d];
        }
        w->clients += reached;
    }
}

static void
s_brute_goals (const brute_t *b, int o, int from, int to, want_t *w)
{
    for (int i = 0; i < GOALS; i++) {
        const goal_t *g = &b->goals[o][i];
        if (!g->set || g->day < from || g->day > to)
            continue;
        int best = -1, smart = 0;
        for (int v = 0; v < g->count; v++)
            if (g->days[v] <= to && g->days[v] >= best)
                best = g->days[v], smart = g->smart[v];
        w->goals++;
        w->smart += smart;
    }
}

static void
s_brute_meetings (const brute_t *b, int o, int from, int to, want_t *w)
{
    int most[COHORTS] = {0}, most_at[COHORTS][RS_MEETINGS] = {{0}};
    for (int i = 0; i < b->meeting_count; i++) {
        const meeting_t *m = &b->meetings[i];
        if (m->office != o || m->day < from || m->day > to)
            continue;
        w->present += m->present;
        w->places += m->members;
        if (m->members > most[m->cohort])
            most[m->cohort] = m->members;
        if (m->number < 1 || m->number > RS_MEETINGS)
            continue;
        w->by_present[m->number - 1] += m->present;
        w->by_places[m->number - 1] += m->members;
        if (m->members > most_at[m->cohort][m->number - 1])
            most_at[m->cohort][m->number - 1] = m->members;
    }
    for (int c = 0; c < COHORTS; c++) {
        w->basis += most[c];
        for (int n = 0; n < RS_MEETINGS; n++)
            w->by_basis[n] += most_at[c][n];
    }
}

//  Paid jobs dated in the period; invitations dated in it and, of them,
//  the responses dated on or before to. Counts, so any order.
static void
s_brute_more (int o, int from, int to, want_t *w)
{
    for (int i = 0; i < s_count; i++) {
        const ev_t *e = &s_events[i];
        if (e->kind == ERASED || e->office != o)
            continue;
        if (e->kind == PAID && e->day >= from && e->day <= to)
            w->paid[e->a]++;
        if (e->kind == INVITED && e->day >= from && e->day <= to)
            w->invited[e->a]++;
        if (e->kind != RESPONDED || e->b < from || e->b > to || e->day > to)
            continue;
        w->responded[e->a]++;
        if (e->c >= 2 && e->c <= 20)
            w->grades[e->a][e->c - 2]++;
    }
}

static void
s_brute (const brute_t *b, int o, int from, int to, want_t *w)
{
    memset (w, 0, sizeof *w);
    s_brute_talks (b, o, from, to, w);
    s_brute_goals (b, o, from, to, w);
    s_brute_meetings (b, o, from, to, w);
    s_brute_more (o, from, to, w);
}

static void
s_brute_add (want_t *to, const want_t *from)
{
    int64_t *t = (int64_t *) to;
    const int64_t *f = (const int64_t *) from;
    for (size_t i = 0; i < sizeof *to / sizeof (int64_t); i++)
        t[i] += f[i];
}

//  --------------------------------------------------------------------------
//  Comparing

//  What the report shows of a fraction: 0 null, 1 suppressed, 2 the value
//  (summary.c: null without places, then the basis against k).
static int
s_shown (int64_t places, int64_t basis, int64_t k)
{
    if (places <= 0 || basis <= 0)
        return 0;
    return basis < k ? 1 : 2;
}

//  The median as summary.c computed it before (every job listed, sorted):
//  the histogram lists them in order. Counts the even and odd cases.
static int s_even, s_odd;

static double
s_brute_median (const want_t *w)
{
    static int64_t list[EVENTS_MAX];
    int64_t n = 0;
    for (int v = 0; v < PAID_VALUES; v++)
        for (int64_t i = 0; i < w->paid[v]; i++)
            list[n++] = v;
    if (n == 0)
        return 0;
    n % 2 ? s_odd++ : s_even++;
    return n % 2 ? (double) list[n / 2]
                 : ((double) list[n / 2 - 1] + (double) list[n / 2]) / 2.0;
}

//  Paid jobs: the (value, count) pairs read equal the histogram, and the
//  median; surveys: every count the figures are made of (summary.c).
static bool
s_same_more (const rs_section_t *got, const want_t *w)
{
    const rs_placement_t *pl = &got->placement;
    int64_t total = 0;
    size_t values = 0;
    for (int v = 0; v < PAID_VALUES; v++)
        total += w->paid[v], values += w->paid[v] > 0;
    bool same = pl->day_total == total && pl->day_count == values
                && rs_days_median (pl) == s_brute_median (w);
    for (size_t i = 0; same && i < pl->day_count; i++)
        same = pl->days[i].days >= 0 && pl->days[i].days < PAID_VALUES
               && pl->days[i].n == w->paid[pl->days[i].days];
    for (int a = 0; a < RS_ABOUTS; a++) {
        const rs_survey_t *sv = &got->satisfaction[a];
        same = same && sv->invited == w->invited[a] && sv->responded == w->responded[a]
               && memcmp (sv->grades, w->grades[a], sizeof sv->grades) == 0;
    }
    if (!same)
        fprintf (stderr,
                 "  got paid %" PRId64 " (%zu values) median %.1f; want %" PRId64
                 " (%zu) %.1f; or a survey count differs\n",
                 pl->day_total, pl->day_count, rs_days_median (pl), total, values,
                 s_brute_median (w));
    return same;
}

static bool
s_same (const rs_section_t *got, const want_t *w, int64_t k)
{
    const rs_experts_t *ex = &got->experts;
    const rs_training_t *tr = &got->training;
    bool same =
        ex->clients_reached == w->clients && ex->talks == w->talks
        && tr->goals == w->goals && tr->goals_smart == w->smart
        && tr->present == w->present && tr->places == w->places
        && s_shown (tr->places, tr->members, k) == s_shown (w->places, w->basis, k);
    for (int n = 0; n < RS_MEETINGS; n++)
        same = same && tr->by_present[n] == w->by_present[n]
               && tr->by_places[n] == w->by_places[n]
               && s_shown (tr->by_places[n], tr->by_members[n], k)
                      == s_shown (w->by_places[n], w->by_basis[n], k);
    if (!same)
        fprintf (stderr,
                 "  got clients %" PRId64 " talks %" PRId64 " goals %" PRId64
                 " smart %" PRId64 " present %" PRId64 " places %" PRId64
                 " basis %" PRId64 "\n  want        %" PRId64 "       %" PRId64
                 "       %" PRId64 "       %" PRId64 "         %" PRId64
                 "        %" PRId64 "       %" PRId64 "\n",
                 ex->clients_reached, ex->talks, tr->goals, tr->goals_smart, tr->present,
                 tr->places, tr->members, w->clients, w->talks, w->goals, w->smart,
                 w->present, w->places, w->basis);
    return s_same_more (got, w) && same;
}

typedef struct {
    const char *from, *to;
    int64_t k;
    rs_section_t sections[OFFICES + 1]; //  the offices, then the total
} read_t;

static int
s_read (store_tx_t *tx, void *arg)
{
    read_t *r = (read_t *) arg;
    for (int o = 0; o < OFFICES; o++) {
        rs_period_t p = {s_offices[o], r->from, r->to, r->k};
        if (experts_agg_read (tx, &p, &r->sections[o].experts)
            || training_agg_read (tx, &p, &r->sections[o].training)
            || placement_agg_read (tx, &p, &r->sections[o].placement)
            || satisfaction_agg_read (tx, &p, r->sections[o].satisfaction)
            || rs_section_merge (&r->sections[OFFICES], &r->sections[o]))
            return -1;
    }
    return 0;
}

//  A random period: any length from a day to past the history, often
//  starting on the 1st or ending on the last of a month.
static void
s_period (char from[11], char to[11], int *lo, int *hi)
{
    int32_t days;
    *lo = s_rand (DAYS + 80) - 40;
    int kind = s_rand (10);
    *hi = *lo + (kind < 5 ? s_rand (70) : kind < 8 ? s_rand (400) : s_rand (DAYS + 80));
    s_date (*lo, from);
    s_date (*hi, to);
    if (s_rand (3) == 0) {
        memcpy (from + 8, "01", 2);
        codec_parse_date (from, 10, &days);
        *lo = days - s_base;
    }
    if (s_rand (3) == 0) {
        s_date (*hi + 40, to);
        memcpy (to + 8, "01", 2);
        codec_parse_date (to, 10, &days);
        *hi = days - s_base - 1;
        s_date (*hi, to);
    }
    if (*hi < *lo)
        *hi = *lo, s_date (*hi, to);
}

static void
test_periods (store_t *store, const brute_t *b)
{
    static const int64_t ks[] = {1, 2, 3, 5, 8, 13, 40, 1000};
    int failed = 0;
    for (int i = 0; i < PERIODS && failed < 5; i++) {
        char from[11], to[11];
        int lo, hi;
        s_period (from, to, &lo, &hi);
        read_t r;
        r.from = from;
        r.to = to;
        r.k = ks[s_rand (8)];
        for (int o = 0; o <= OFFICES; o++)
            rs_section_init (&r.sections[o]);
        oerr_t err;
        CHECK (store_read (store, s_read, &r, &err) == 0);
        want_t total, w;
        memset (&total, 0, sizeof total);
        for (int o = 0; o <= OFFICES; o++) {
            if (o < OFFICES) {
                s_brute (b, o, lo, hi, &w);
                s_brute_add (&total, &w);
            }
            bool same = s_same (&r.sections[o], o < OFFICES ? &w : &total, r.k);
            if (!CHECK (same))
                fprintf (stderr, "  %s %s .. %s k %" PRId64 "\n",
                         o < OFFICES ? s_offices[o] : "total", from, to, r.k);
            failed += !same;
            rs_section_destroy (&r.sections[o]);
        }
    }
}

int
main (void)
{
    const char *seed = getenv ("OPSTAP_SEED");
    s_rand_state = seed && *seed ? strtoull (seed, NULL, 10) | 1 : 20240611;
    printf ("test_reporting_flat: seed %" PRIu64 "\n", s_rand_state);
    codec_parse_date ("2016-01-01", 10, &s_base);
    s_generate ();
    char *dir = tk_tmpdir ();
    const store_table_t *const tables[] = {EVLOG_TABLES,  CONSUMER_TABLES, rids_table,
                                           OUTBOX_TABLES, RS_TABLES,       NULL};
    oerr_t err;
    store_t *store = store_new (dir, tables, &err);
    service_def_t *def = reporting_service_new (1);
    outbox_t *outbox = store ? outbox_new (store) : NULL;
    erasure_t *erasure = outbox ? erasure_new (def, outbox, NULL) : NULL;
    CHECK (erasure && store_write (store, s_apply_all, erasure, &err) == 0);
    erasure_destroy (&erasure);
    outbox_destroy (&outbox);
    reporting_service_destroy (&def);
    brute_t *b = (brute_t *) zmalloc (sizeof *b);
    for (int i = 0; i < s_count; i++)
        s_brute_apply (b, &s_events[i]);
    if (store)
        test_periods (store, b);
    //  Both cases of the median were met.
    printf ("test_reporting_flat: medians of %d odd and %d even counts\n", s_odd, s_even);
    CHECK (s_odd > 0 && s_even > 0);
    free (b);
    store_destroy (&store);
    tk_rmdir (&dir);
    return tk_done ("test_reporting_flat");
}
