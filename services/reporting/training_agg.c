/*  training_agg - the training section from the training stream.

    cohorts   office \0 cohort -> planned start (the cohort.created date)
    meetings  office \0 date \0 cohort \0 number -> members, present (int64s)
    goals     office \0 date set \0 goal -> versions, 11 bytes each: the
              version's date and 1 when it has all four SMART checks
    index     "goal" \0 office \0 goal -> its key in goals
    Meetings and goals are read over the period only (meetings also give
    attendance by meeting number); no record names a candidate.  */
#include "section.h"

#define VERSION_SIZE 11

//  --------------------------------------------------------------------------
//  Cohorts: waiting from the planned start until the actual start

static size_t
s_cohort_key (char key[AGG_KEY], const agg_event_t *ev, char cohort[AGG_ID])
{
    agg_str (ev, "cohort", cohort, AGG_ID);
    const char *parts[] = {ev->office, cohort};
    return *cohort ? agg_key (key, parts, 2) : 0;
}

static int
s_cohort_created (store_tx_t *tx, const agg_event_t *ev)
{
    char key[AGG_KEY], cohort[AGG_ID];
    size_t klen = s_cohort_key (key, ev, cohort);
    if (!klen)
        return 0;
    if (store_put (tx, "cohorts", key, klen, ev->date, 10))
        return -1;
    return agg_add (tx, ev->office, "tr.cohorts_waiting", ev->date, 1);
}

static int
s_cohort_started (store_tx_t *tx, const agg_event_t *ev)
{
    char key[AGG_KEY], cohort[AGG_ID], planned[11] = "";
    size_t klen = s_cohort_key (key, ev, cohort);
    const void *val;
    size_t vlen;
    int rc = klen ? store_get (tx, "cohorts", key, klen, &val, &vlen) : 1;
    if (rc < 0 || agg_add (tx, ev->office, "tr.cohorts_started", ev->date, 1))
        return -1;
    if (rc == 1 || vlen != 10)
        return 0;
    memcpy (planned, val, 10);
    //  Started before its planned day: it never waited.
    const char *until = strcmp (ev->date, planned) > 0 ? ev->date : planned;
    return agg_add (tx, ev->office, "tr.cohorts_waiting", until, -1);
}

static int
s_meeting (store_tx_t *tx, const agg_event_t *ev)
{
    char key[AGG_KEY], cohort[AGG_ID], number[24];
    agg_str (ev, "cohort", cohort, sizeof cohort);
    snprintf (number, sizeof number, "%" PRId64, map_int (ev->event, "number", 0));
    const char *parts[] = {ev->office, ev->date, cohort, number};
    size_t klen = agg_key (key, parts, 4);
    uint8_t val[16];
    agg_put_i64 (val, map_int (ev->event, "members", 0));
    agg_put_i64 (val + 8, map_int (ev->event, "present", 0));
    return klen && *cohort ? store_put (tx, "meetings", key, klen, val, 16) : 0;
}

//  --------------------------------------------------------------------------
//  Goals: each version's SMART checks, so the share reads them as of to

static size_t
s_goal_index (char key[AGG_KEY], const agg_event_t *ev, char goal[AGG_ID])
{
    agg_str (ev, "goal", goal, AGG_ID);
    const char *parts[] = {"goal", ev->office, goal};
    return *goal ? agg_key (key, parts, 3) : 0;
}

static int
s_goal_version (store_tx_t *tx, const char *key, size_t klen, const agg_event_t *ev)
{
    const void *val;
    size_t vlen;
    int rc = store_get (tx, "goals", key, klen, &val, &vlen);
    if (rc < 0)
        return -1;
    size_t old = rc == 0 ? vlen : 0;
    uint8_t *versions = (uint8_t *) malloc (old + VERSION_SIZE);
    if (!versions)
        return -1;
    if (old)
        memcpy (versions, val, old);
    memcpy (versions + old, ev->date, 10);
    versions[old + 10] = map_bool (ev->event, "smart_all", false) ? 1 : 0;
    rc = store_put (tx, "goals", key, klen, versions, old + VERSION_SIZE);
    free (versions);
    return rc;
}

static int
s_goal_set (store_tx_t *tx, const agg_event_t *ev)
{
    char index[AGG_KEY], key[AGG_KEY], goal[AGG_ID];
    size_t ilen = s_goal_index (index, ev, goal);
    const char *parts[] = {ev->office, ev->date, goal};
    size_t klen = agg_key (key, parts, 3);
    if (!ilen || !klen)
        return 0;
    if (store_put (tx, "index", index, ilen, key, klen))
        return -1;
    return s_goal_version (tx, key, klen, ev);
}

static int
s_goal_revised (store_tx_t *tx, const agg_event_t *ev)
{
    char index[AGG_KEY], key[AGG_KEY], goal[AGG_ID];
    size_t ilen = s_goal_index (index, ev, goal);
    const void *val;
    size_t vlen;
    int rc = ilen ? store_get (tx, "index", index, ilen, &val, &vlen) : 1;
    if (rc != 0 || vlen > AGG_KEY)
        return rc < 0 ? -1 : 0;
    memcpy (key, val, vlen);
    return s_goal_version (tx, key, vlen, ev);
}

int
training_agg_apply (store_tx_t *tx, const agg_event_t *ev)
{
    const char *t = ev->type;
    if (!*ev->date)
        return 0;
    if (strcmp (t, "cohort.created") == 0)
        return s_cohort_created (tx, ev);
    if (strcmp (t, "cohort.started") == 0)
        return s_cohort_started (tx, ev);
    if (strcmp (t, "cohort.enrolled") == 0)
        return agg_add (tx, ev->office, "tr.enrolled", ev->date, 1);
    if (strcmp (t, "meeting.recorded") == 0)
        return s_meeting (tx, ev);
    if (strcmp (t, "certificate.issued") == 0)
        return agg_add (tx, ev->office, "tr.certificates", ev->date, 1);
    if (strcmp (t, "goal.set") == 0)
        return s_goal_set (tx, ev);
    if (strcmp (t, "goal.revised") == 0)
        return s_goal_revised (tx, ev);
    if (strcmp (t, "reflection.recorded") == 0
        && map_bool (ev->event, "signed_candidate", false)
        && map_bool (ev->event, "signed_supervisor", false))
        return agg_add (tx, ev->office, "tr.reflections_signed", ev->date, 1);
    return 0;
}

//  --------------------------------------------------------------------------
//  Reading

//  The most members one cohort had at its meetings in the period, overall
//  and at each number: the basis of the attendance figures.
typedef struct {
    int64_t most;
    int64_t most_at[RS_MEETINGS];
} cohort_most_t;

typedef struct {
    size_t plen;
    const char *to;
    rs_training_t *out;
    zhashx_t *cohorts; //  cohort -> cohort_most_t
} scan_t;

//  1 .. RS_MEETINGS, or 0 for any other text: read for every meeting in the
//  period, so without strtol's locale and errno.
static int
s_number (const char *text, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9' || n > RS_MEETINGS)
            return 0;
        n = n * 10 + (text[i] - '0');
    }
    return len > 0 && n >= 1 && n <= RS_MEETINGS ? n : 0;
}

static void
s_cohort_free (void **item)
{
    free (*item);
    *item = NULL;
}

static cohort_most_t *
s_cohort (scan_t *s, const char *name)
{
    cohort_most_t *c = (cohort_most_t *) zhashx_lookup (s->cohorts, name);
    if (!c) {
        c = (cohort_most_t *) zmalloc (sizeof *c);
        zhashx_insert (s->cohorts, name, c);
    }
    return c;
}

//  Key parts after the office: date, then the rest.
static const char *
s_after_date (const scan_t *s, const void *key, size_t klen, size_t *rest)
{
    const char *date = (const char *) key + s->plen;
    if (klen < s->plen + 12 || memcmp (date, s->to, 10) > 0)
        return NULL;
    *rest = klen - s->plen - 11;
    return date + 11;
}

static int
s_meeting_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    scan_t *s = (scan_t *) arg;
    size_t rest;
    const char *cohort = s_after_date (s, key, klen, &rest);
    if (!cohort)
        return 1;
    if (vlen != 16)
        return 0;
    int64_t members = agg_get_i64 (val, 8),
            present = agg_get_i64 ((const uint8_t *) val + 8, 8);
    s->out->present += present;
    s->out->places += members;
    char name[AGG_ID];
    size_t len = strnlen (cohort, rest), nlen = len < rest ? rest - len - 1 : 0;
    if (len >= sizeof name)
        return 0;
    memcpy (name, cohort, len);
    name[len] = 0;
    cohort_most_t *c = s_cohort (s, name);
    if (members > c->most)
        c->most = members;
    //  A meeting numbered 1 .. RS_MEETINGS counts for attendance by number.
    int n = s_number (cohort + len + 1, nlen);
    if (n) {
        s->out->by_present[n - 1] += present;
        s->out->by_places[n - 1] += members;
        if (members > c->most_at[n - 1])
            c->most_at[n - 1] = members;
    }
    return 0;
}

//  The bases: the most members of each cohort, summed.
static void
s_sum_members (scan_t *s)
{
    for (cohort_most_t *c = (cohort_most_t *) zhashx_first (s->cohorts); c;
         c = (cohort_most_t *) zhashx_next (s->cohorts)) {
        s->out->members += c->most;
        for (int n = 0; n < RS_MEETINGS; n++)
            s->out->by_members[n] += c->most_at[n];
    }
}

//  The goal's checks as of to: its last version dated on or before to.
static int
s_goal_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    scan_t *s = (scan_t *) arg;
    size_t rest;
    if (!s_after_date (s, key, klen, &rest))
        return 1;
    const uint8_t *v = (const uint8_t *) val;
    char best[11] = "";
    int smart = 0;
    for (size_t i = 0; i + VERSION_SIZE <= vlen; i += VERSION_SIZE)
        if (memcmp (v + i, s->to, 10) <= 0 && memcmp (v + i, best, 10) >= 0) {
            memcpy (best, v + i, 10);
            smart = v[i + 10];
        }
    s->out->goals++;
    s->out->goals_smart += smart;
    return 0;
}

static int
s_scan (store_tx_t *tx, const rs_period_t *p, const char *table, store_each_fn *fn,
        scan_t *s)
{
    char start[AGG_KEY];
    const char *parts[] = {p->office, p->from};
    size_t slen = agg_key (start, parts, 2);
    s->plen = slen - strlen (p->from);
    return slen ? store_scan (tx, table, start, slen, start, s->plen, fn, s) : -1;
}

int
training_agg_read (store_tx_t *tx, const rs_period_t *p, rs_training_t *out)
{
    const char *o = p->office;
    if (agg_sum (tx, o, "tr.cohorts_started", p->from, p->to, &out->cohorts_started)
        || agg_asof (tx, o, "tr.cohorts_waiting", p->to, &out->cohorts_waiting)
        || agg_sum (tx, o, "tr.enrolled", p->from, p->to, &out->enrolled)
        || agg_sum (tx, o, "tr.certificates", p->from, p->to, &out->certificates)
        || agg_sum (tx, o, "tr.reflections_signed", p->from, p->to,
                    &out->reflections_signed))
        return -1;
    if (out->cohorts_waiting < 0)
        out->cohorts_waiting = 0;
    if (strcmp (p->from, p->to) > 0)
        return 0;
    scan_t s = {0, p->to, out, zhashx_new ()};
    if (!s.cohorts)
        return -1;
    zhashx_set_destructor (s.cohorts, s_cohort_free);
    int rc = s_scan (tx, p, "meetings", s_meeting_each, &s);
    s_sum_members (&s);
    if (rc == 0)
        rc = s_scan (tx, p, "goals", s_goal_each, &s);
    zhashx_destroy (&s.cohorts);
    return rc;
}
