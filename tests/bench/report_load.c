/*  report_load - report.summary over whole-programme histories: synthetic
    events of every stream (intake, training, placement, feedback) applied
    straight through reporting's applier into a reporting store, many
    candidates per transaction, then report.summary read as the service
    reads it (reporting_summary) for all offices over 2019-2020 and for one
    office over one quarter. SIZES are cumulative: loaded up to the first,
    timed, then added to up to the next, and so on.
        opstap-bench-report DIR SIZES [RUNS]
    DIR is a new or empty directory; SIZES e.g. 10000,100000,1000000; RUNS
    reads of each summary per size (default 50). Prints per size:
        candidates=N events=E load_s=S summary_p50_us=.. summary_max_us=..
        office_p50_us=.. office_max_us=.. runs=R store_mb=M
    load_s is the time to load from the previous size to this one. Each
    candidate's history is made from the seed and the candidate's number
    alone, so a size always holds the same events. After the reads, the
    total's registered, clients_reached and goals are checked against the
    candidates loaded (every candidate has one of each in 2019-2020).  */
#include "handlers.h"
#include "section.h"

#define OFFICES  10
#define DAYS     731  //  2019-01-01 .. 2020-12-31
#define BATCH    2000 //  candidates per transaction
#define COHORT   10
#define EXPERTS  3 //  per office
#define SEED     20240611u
#define WARMUP   3
#define RUNS_MAX 100000

typedef struct {
    store_tx_t *tx;
    uint64_t rand;
    int32_t base; //  2019-01-01 as days
    int64_t events;
    msgpack_sbuffer buf;
    msgpack_packer pk;
    msgpack_unpacked event;
} gen_t;

static uint64_t
s_mix (uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int
s_rand (gen_t *g, int n)
{
    g->rand = s_mix (g->rand);
    return (int) (g->rand % (uint64_t) n);
}

static bool
s_chance (gen_t *g, int percent)
{
    return s_rand (g, 100) < percent;
}

static int
s_clamp (int day)
{
    return day < 0 ? 0 : day >= DAYS ? DAYS - 1 : day;
}

//  --------------------------------------------------------------------------
//  Events: s_begin packs the envelope and announces fields more pairs,
//  which the caller packs; s_apply hands the event to reporting's applier.

static msgpack_packer *
s_begin (gen_t *g, const char *service, const char *type, int office, int day,
         uint32_t fields)
{
    char name[16], date[11];
    snprintf (name, sizeof name, "office%d", office);
    codec_format_date (g->base + s_clamp (day), date);
    msgpack_sbuffer_clear (&g->buf);
    msgpack_pack_map (&g->pk, 4 + fields);
    pk_kv_str (&g->pk, "service", service);
    pk_kv_str (&g->pk, "type", type);
    pk_kv_str (&g->pk, "office", name);
    pk_kv_str (&g->pk, "date", date);
    return &g->pk;
}

static int
s_apply (gen_t *g)
{
    if (msgpack_unpack_next (&g->event, g->buf.data, g->buf.size, NULL)
        != MSGPACK_UNPACK_SUCCESS)
        return -1;
    g->events++;
    return reporting_learn (g->tx, &g->event.data, NULL);
}

static void
s_kv_date (gen_t *g, const char *key, int day)
{
    char date[11];
    codec_format_date (g->base + s_clamp (day), date);
    pk_kv_str (&g->pk, key, date);
}

static void
s_kv_id (gen_t *g, const char *key, char prefix, int64_t n)
{
    char id[24];
    snprintf (id, sizeof id, "%c-%" PRId64, prefix, n);
    pk_kv_str (&g->pk, key, id);
}

//  --------------------------------------------------------------------------
//  One candidate's history, from registration on day reg

static int
s_intake (gen_t *g, int64_t n, int office, int reg)
{
    static const char *const deferrals[] = {"waiting_list", "health", "moving"};
    bool eligible = s_chance (g, 80);
    msgpack_packer *pk = s_begin (g, "intake", "candidate.registered", office, reg, 4);
    s_kv_id (g, "candidate", 'c', n);
    pk_kv_bool (pk, "eligible", eligible);
    pk_str (pk, "reasons");
    int reasons = eligible ? 0 : 1 + s_rand (g, 2);
    msgpack_pack_array (pk, (uint32_t) reasons);
    for (int i = 0; i < reasons; i++)
        pk_str (pk, rs_reasons[s_rand (g, RS_REASONS)]);
    pk_kv_str (pk, "referral", rs_referrals[s_rand (g, RS_REFERRALS)]);
    if (s_apply (g))
        return -1;
    if (eligible) {
        s_begin (g, "intake", "candidate.info_session_attended", office,
                 reg + 3 + s_rand (g, 18), 1);
        s_kv_id (g, "candidate", 'c', n);
        if (s_apply (g))
            return -1;
        bool admitted = s_chance (g, 85);
        s_begin (g, "intake", admitted ? "candidate.admitted" : "candidate.deferred",
                 office, reg + 21 + s_rand (g, 10), admitted ? 1 : 2);
        s_kv_id (g, "candidate", 'c', n);
        if (!admitted)
            pk_kv_str (pk, "reason", deferrals[s_rand (g, 3)]);
        if (s_apply (g))
            return -1;
    }
    for (int i = 0, count = 1 + s_rand (g, 3); i < count; i++) {
        bool stagnation = s_chance (g, 30);
        s_begin (g, "intake", "candidate.stage_assessed", office,
                 reg + 10 + 60 * i + s_rand (g, 30), stagnation ? 3 : 2);
        s_kv_id (g, "candidate", 'c', n);
        pk_kv_str (pk, "stage", rs_stages[s_rand (g, RS_STAGES)]);
        if (stagnation)
            pk_kv_str (pk, "stagnation", rs_stagnations[s_rand (g, RS_STAGNATIONS)]);
        if (s_apply (g))
            return -1;
    }
    return 0;
}

static int
s_goals_and_talks (gen_t *g, int64_t n, int office, int reg)
{
    static const char *const talks[] = {"one_on_one", "joint_talk"};
    int set = reg + 30 + s_rand (g, 30);
    msgpack_packer *pk = s_begin (g, "training", "goal.set", office, set, 2);
    s_kv_id (g, "goal", 'g', n);
    pk_kv_bool (pk, "smart_all", s_chance (g, 50));
    if (s_apply (g))
        return -1;
    if (s_chance (g, 40)) {
        s_begin (g, "training", "goal.revised", office, set + 30 + s_rand (g, 60), 2);
        s_kv_id (g, "goal", 'g', n);
        pk_kv_bool (pk, "smart_all", true);
        if (s_apply (g))
            return -1;
    }
    for (int i = 0, count = 1 + s_rand (g, 3); i < count; i++) {
        s_begin (g, "training", "expert.activity_logged", office,
                 reg + 5 + s_rand (g, 200), 4);
        pk_kv_str (pk, "kind", talks[s_rand (g, 2)]);
        pk_kv_int (pk, "minutes", 30 + 15 * s_rand (g, 3));
        pk_kv_str (pk, "setting", rs_settings[s_rand (g, RS_SETTINGS)]);
        s_kv_id (g, "candidate", 'c', n);
        if (s_apply (g))
            return -1;
    }
    return 0;
}

static int
s_placement (gen_t *g, int office, int reg)
{
    int start = reg + 100 + s_rand (g, 60), end = start + 30 + s_rand (g, 170);
    int outcome = s_rand (g, RS_OUTCOMES);
    msgpack_packer *pk = s_begin (g, "placement", "placement.started", office, start, 1);
    pk_kv_int (pk, "hours_per_week", 8 + 4 * s_rand (g, 7));
    if (s_apply (g))
        return -1;
    s_begin (g, "placement", "placement.ended", office, end, 2);
    pk_kv_str (pk, "outcome", rs_outcomes[outcome]);
    pk_kv_int (pk, "contacts", s_rand (g, 6));
    if (s_apply (g))
        return -1;
    if (outcome != 0 && !s_chance (g, 20))
        return 0;
    s_begin (g, "placement", "paid_job.recorded", office, end, 2);
    pk_kv_int (pk, "hours", 8 + s_rand (g, 31));
    pk_kv_int (pk, "days_from_start", s_clamp (end) - s_clamp (start));
    return s_apply (g);
}

static int
s_feedback (gen_t *g, int office, int reg)
{
    int invited = reg + 150 + s_rand (g, 30);
    const char *about = rs_abouts[s_rand (g, RS_ABOUTS)];
    msgpack_packer *pk = s_begin (g, "feedback", "survey.invited", office, invited, 1);
    pk_kv_str (pk, "about", about);
    if (s_apply (g))
        return -1;
    if (!s_chance (g, 80))
        return 0;
    bool graded = s_chance (g, 90);
    s_begin (g, "feedback", "survey.responded", office, invited + 1 + s_rand (g, 20),
             graded ? 4 : 3);
    pk_kv_str (pk, "about", about);
    s_kv_date (g, "invited", invited);
    pk_kv_bool (pk, "graded", graded);
    if (graded)
        pk_kv_num (pk, "grade", (2 + s_rand (g, 19)) / 2.0);
    return s_apply (g);
}

//  The cohort of candidates n .. n + COHORT - 1, starting on day start,
//  and a host with a vacancy for them.
static int
s_cohort (gen_t *g, int64_t n, int office, int start)
{
    int64_t cohort = n / COHORT;
    const char *dated[] = {"cohort.created", "cohort.started"};
    for (int i = 0; i < 2; i++) {
        s_begin (g, "training", dated[i], office, start, 1);
        s_kv_id (g, "cohort", 'k', cohort);
        if (s_apply (g))
            return -1;
    }
    msgpack_packer *pk = &g->pk;
    for (int i = 0; i < COHORT; i++) {
        s_begin (g, "training", "cohort.enrolled", office, start - s_rand (g, 10), 2);
        s_kv_id (g, "cohort", 'k', cohort);
        s_kv_id (g, "candidate", 'c', n + i);
        if (s_apply (g))
            return -1;
    }
    int members = COHORT;
    for (int number = 1; number <= 10; number++) {
        members -= s_chance (g, 10);
        s_begin (g, "training", "meeting.recorded", office, start + 7 * (number - 1), 4);
        s_kv_id (g, "cohort", 'k', cohort);
        pk_kv_int (pk, "number", number);
        pk_kv_int (pk, "members", members);
        pk_kv_int (pk, "present", members - s_rand (g, 3 < members ? 3 : members + 1));
        if (s_apply (g))
            return -1;
    }
    for (int i = 0; i < members; i++) {
        s_begin (g, "training", "certificate.issued", office, start + 70, 1);
        s_kv_id (g, "candidate", 'c', n + i);
        if (s_apply (g))
            return -1;
    }
    const char *placement[] = {"host.registered", "vacancy.opened"};
    for (int i = 0; i < 2; i++) {
        s_begin (g, "placement", placement[i], office, start, 0);
        if (s_apply (g))
            return -1;
    }
    return 0;
}

static int
s_candidate (gen_t *g, int64_t n)
{
    g->rand = s_mix (SEED ^ (uint64_t) n);
    //  Ten candidates in a row share an office and a cohort.
    int office = (int) (n / COHORT % OFFICES), reg = s_rand (g, 600);
    if (n % COHORT == 0 && s_cohort (g, n, office, reg + 20))
        return -1;
    if (s_intake (g, n, office, reg) || s_goals_and_talks (g, n, office, reg)
        || (n % 2 == 0 && s_placement (g, office, reg)) || s_feedback (g, office, reg))
        return -1;
    return 0;
}

static int
s_experts (gen_t *g)
{
    g->rand = s_mix (SEED);
    for (int office = 0; office < OFFICES; office++)
        for (int i = 0; i < EXPERTS; i++) {
            msgpack_packer *pk =
                s_begin (g, "training", "expert.registered", office, s_rand (g, 60), 2);
            pk_kv_bool (pk, "paid", i != 0);
            pk_kv_num (pk, "fte", 0.5 + 0.1 * s_rand (g, 6));
            if (s_apply (g))
                return -1;
        }
    return 0;
}

//  --------------------------------------------------------------------------
//  Loading

typedef struct {
    gen_t *gen;
    int64_t from, to; //  candidates [from, to)
} batch_t;

//  One transaction; store_write may run it again (a grown map), so it
//  starts over from the batch's own numbers.
static int
s_batch (store_tx_t *tx, void *arg)
{
    batch_t *b = (batch_t *) arg;
    gen_t *g = b->gen;
    g->tx = tx;
    g->events = 0;
    if (b->from == 0 && s_experts (g))
        return -1;
    for (int64_t n = b->from; n < b->to; n++)
        if (s_candidate (g, n))
            return -1;
    return 0;
}

static int
s_load (store_t *store, gen_t *g, int64_t from, int64_t to, int64_t *events)
{
    oerr_t err;
    for (int64_t n = from; n < to; n += BATCH) {
        batch_t b = {g, n, n + BATCH < to ? n + BATCH : to};
        if (store_write (store, s_batch, &b, &err)) {
            fprintf (stderr,
                     "opstap-bench-report: load failed at candidate %" PRId64 "\n", n);
            return -1;
        }
        *events += g->events;
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  Reading

typedef struct {
    const char *office, *from, *to;
    kv_t reply;
} query_t;

static int
s_query (store_tx_t *tx, void *arg)
{
    query_t *q = (query_t *) arg;
    kv_reset (&q->reply);
    return reporting_summary (tx, q->office, q->from, q->to, REPORTING_K_DEFAULT,
                              &q->reply);
}

static int
s_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

//  Runs the query warm-up plus runs times; the median and the longest in
//  microseconds.
static int
s_time (store_t *store, query_t *q, int runs, int64_t *p50, int64_t *max)
{
    int64_t *us = (int64_t *) zmalloc (sizeof (int64_t) * (size_t) runs);
    oerr_t err;
    int rc = 0;
    for (int i = -WARMUP; i < runs && rc == 0; i++) {
        int64_t start = zclock_usecs ();
        rc = store_read (store, s_query, q, &err);
        if (i >= 0)
            us[i] = zclock_usecs () - start;
    }
    qsort (us, (size_t) runs, sizeof *us, s_compare);
    *p50 = us[runs / 2];
    *max = us[runs - 1];
    free (us);
    return rc;
}

//  The int at total.<section>.<key> of the last reply; -1 when absent.
static int64_t
s_total (const query_t *q, const char *section, const char *key)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    kv_pack_map (&q->reply, &pk, &buf, 0);
    msgpack_unpacked reply;
    msgpack_unpacked_init (&reply);
    int64_t n = -1;
    if (msgpack_unpack_next (&reply, buf.data, buf.size, NULL)
        == MSGPACK_UNPACK_SUCCESS) {
        const msgpack_object *in = obj_get (obj_get (&reply.data, "total"), section);
        n = in && map_has (in, key) ? map_int (in, key, -1) : -1;
    }
    msgpack_unpacked_destroy (&reply);
    msgpack_sbuffer_destroy (&buf);
    return n;
}

static int
s_report (store_t *store, int64_t candidates, int64_t events, double load_s, int runs)
{
    query_t all = {.office = NULL, .from = "2019-01-01", .to = "2020-12-31"};
    query_t one = {.office = "office3", .from = "2020-04-01", .to = "2020-06-30"};
    kv_init (&all.reply);
    kv_init (&one.reply);
    int64_t p50, max, office_p50, office_max;
    int rc = s_time (store, &all, runs, &p50, &max)
                     || s_time (store, &one, runs, &office_p50, &office_max)
                 ? -1
                 : 0;
    const char *checks[][2] = {
        {"intake", "registered"}, {"experts", "clients_reached"}, {"training", "goals"}};
    for (int i = 0; i < 3 && rc == 0; i++) {
        int64_t n = s_total (&all, checks[i][0], checks[i][1]);
        if (n != candidates) {
            fprintf (stderr,
                     "opstap-bench-report: total %s.%s is %" PRId64 ", not %" PRId64 "\n",
                     checks[i][0], checks[i][1], n, candidates);
            rc = -1;
        }
    }
    size_t used = 0, mapsize = 0;
    store_usage (store, &used, &mapsize);
    if (rc == 0)
        printf ("candidates=%" PRId64 " events=%" PRId64
                " load_s=%.1f summary_p50_us=%" PRId64 " summary_max_us=%" PRId64
                " office_p50_us=%" PRId64 " office_max_us=%" PRId64
                " runs=%d store_mb=%zu\n",
                candidates, events, load_s, p50, max, office_p50, office_max, runs,
                used >> 20);
    fflush (stdout);
    kv_destroy (&all.reply);
    kv_destroy (&one.reply);
    return rc;
}

int
main (int argc, char *argv[])
{
    int runs = argc == 4 ? atoi (argv[3]) : 50;
    if (argc < 3 || argc > 4 || runs < 1 || runs > RUNS_MAX) {
        fprintf (stderr, "usage: opstap-bench-report DIR SIZES [RUNS]\n"
                         "  SIZES: candidates, ascending and cumulative, e.g. "
                         "10000,100000,1000000\n");
        return 2;
    }
    //  Stdout holds the figures alone: the store's log lines (a map that
    //  grows) go to stderr.
    zsys_set_logstream (stderr);
    const store_table_t *const tables[] = {RS_TABLES, NULL};
    oerr_t err;
    store_t *store = store_new_sized (argv[1], tables, (size_t) 1 << 30, &err);
    if (!store || store_set_lazy (store)) {
        fprintf (stderr, "opstap-bench-report: cannot open a store in %s\n", argv[1]);
        store_destroy (&store);
        return 1;
    }
    gen_t g;
    memset (&g, 0, sizeof g);
    codec_parse_date ("2019-01-01", 10, &g.base);
    msgpack_sbuffer_init (&g.buf);
    msgpack_packer_init (&g.pk, &g.buf, msgpack_sbuffer_write);
    msgpack_unpacked_init (&g.event);
    int64_t loaded = 0, events = 0;
    int rc = 0;
    char *sizes = strdup (argv[2]), *save = NULL;
    for (char *size = strtok_r (sizes, ",", &save); size && rc == 0;
         size = strtok_r (NULL, ",", &save)) {
        int64_t want = strtoll (size, NULL, 10);
        if (want < loaded || want < 1) {
            fprintf (stderr, "opstap-bench-report: sizes must be ascending: %s\n",
                     argv[2]);
            rc = -1;
            break;
        }
        int64_t start = zclock_usecs ();
        rc = s_load (store, &g, loaded, want, &events);
        double load_s = (double) (zclock_usecs () - start) / 1e6;
        loaded = want;
        if (rc == 0)
            rc = s_report (store, loaded, events, load_s, runs);
    }
    free (sizes);
    msgpack_unpacked_destroy (&g.event);
    msgpack_sbuffer_destroy (&g.buf);
    store_destroy (&store);
    return rc ? 1 : 0;
}
