/*  training_agg - the training section from the training stream.

    cohorts   office \0 cohort -> planned start (the cohort.created date)
    meetings  office \0 date \0 cohort \0 number -> members, present (int64s)
    counts    "tr.present", "tr.places" and "tr.present.<n>",
              "tr.places.<n>" (n = 1 .. 10) by meeting date: the sums of
              present and members, so the attendance rates are counters
    Goals are in goals_agg.c; no record names a candidate.

    The basis of an attendance rate (the most members of each cohort at
    the period's meetings, summed) only decides whether the rate is
    suppressed: a basis of k or more shows it, whatever its value. The
    meetings of the period are read in date order and the reading stops as
    soon as every basis that matters has reached k, since a cohort's most
    members only grows as more meetings are read. So a report reads the
    meetings it takes to reach k, not every meeting of the period, except
    when some rate's basis stays below k (a rate over fewer than k
    people).  */
#include "section.h"

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
    if (store_put (tx, rt_cohorts, key, klen, ev->date, 10))
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
    int rc = klen ? store_get (tx, rt_cohorts, key, klen, &val, &vlen) : 1;
    if (rc < 0 || agg_add (tx, ev->office, "tr.cohorts_started", ev->date, 1))
        return -1;
    if (rc == 1 || vlen != 10)
        return 0;
    memcpy (planned, val, 10);
    //  Started before its planned day: it never waited.
    const char *until = strcmp (ev->date, planned) > 0 ? ev->date : planned;
    return agg_add (tx, ev->office, "tr.cohorts_waiting", until, -1);
}

//  Adds (sign 1) or takes back (-1) a meeting's present and members.
static int
s_meeting_counts (store_tx_t *tx, const agg_event_t *ev, int64_t number,
                  const uint8_t *val, int sign)
{
    const char *o = ev->office, *d = ev->date;
    int64_t members = sign * agg_get_i64 (val, 8),
            present = sign * agg_get_i64 (val + 8, 8);
    char n[24];
    snprintf (n, sizeof n, "%" PRId64, number);
    if (agg_add (tx, o, "tr.present", d, present)
        || agg_add (tx, o, "tr.places", d, members))
        return -1;
    if (number < 1 || number > RS_MEETINGS)
        return 0;
    if (agg_add2 (tx, o, "tr.present", n, d, present)
        || agg_add2 (tx, o, "tr.places", n, d, members))
        return -1;
    return 0;
}

//  A meeting recorded again under the same key replaces the first.
static int
s_meeting (store_tx_t *tx, const agg_event_t *ev)
{
    char key[AGG_KEY], cohort[AGG_ID], number[24];
    int64_t n = map_int (ev->event, "number", 0);
    agg_str (ev, "cohort", cohort, sizeof cohort);
    snprintf (number, sizeof number, "%" PRId64, n);
    const char *parts[] = {ev->office, ev->date, cohort, number};
    size_t klen = agg_key (key, parts, 4);
    if (!klen || !*cohort)
        return 0;
    const void *old;
    size_t olen;
    int rc = store_get (tx, rt_meetings, key, klen, &old, &olen);
    if (rc < 0 || (rc == 0 && olen == 16 && s_meeting_counts (tx, ev, n, old, -1)))
        return -1;
    uint8_t val[16];
    agg_put_i64 (val, map_int (ev->event, "members", 0));
    agg_put_i64 (val + 8, map_int (ev->event, "present", 0));
    if (store_put (tx, rt_meetings, key, klen, val, 16))
        return -1;
    return s_meeting_counts (tx, ev, n, val, 1);
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
    if (strcmp (t, "goal.set") == 0 || strcmp (t, "goal.revised") == 0)
        return goals_agg_apply (tx, ev);
    if (strcmp (t, "reflection.recorded") == 0
        && map_bool (ev->event, "signed_candidate", false)
        && map_bool (ev->event, "signed_supervisor", false))
        return agg_add (tx, ev->office, "tr.reflections_signed", ev->date, 1);
    return 0;
}

//  --------------------------------------------------------------------------
//  Reading

//  The most members one cohort had at its meetings read so far, overall
//  and at each number: its part of the attendance bases.
typedef struct {
    int64_t most;
    int64_t most_at[RS_MEETINGS];
} cohort_most_t;

typedef struct {
    size_t plen;
    const char *to;
    int64_t k;
    int pending; //  bases that matter and are still below k
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

//  Raises a cohort's most to members and the basis with it; one basis
//  fewer is pending when it reaches k (places: whether it matters).
static void
s_raise (scan_t *s, int64_t *most, int64_t *basis, int64_t places, int64_t members)
{
    if (members <= *most)
        return;
    bool below = *basis < s->k;
    *basis += members - *most;
    *most = members;
    if (places > 0 && below && *basis >= s->k)
        s->pending--;
}

static int
s_meeting_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    scan_t *s = (scan_t *) arg;
    const char *cohort = (const char *) key + s->plen;
    if (klen < s->plen + 12 || memcmp (cohort, s->to, 10) > 0)
        return 1;
    size_t rest = klen - s->plen - 11;
    cohort += 11;
    char name[AGG_ID];
    size_t len = strnlen (cohort, rest), nlen = len < rest ? rest - len - 1 : 0;
    if (vlen != 16 || len >= sizeof name)
        return 0;
    memcpy (name, cohort, len);
    name[len] = 0;
    cohort_most_t *c = s_cohort (s, name);
    rs_training_t *out = s->out;
    int64_t members = agg_get_i64 (val, 8);
    s_raise (s, &c->most, &out->members, out->places, members);
    int n = s_number (cohort + len + 1, nlen);
    if (n)
        s_raise (s, &c->most_at[n - 1], &out->by_members[n - 1], out->by_places[n - 1],
                 members);
    return s->pending > 0 ? 0 : 1;
}

//  Present and places from the counters, overall and by number.
static int
s_attendance (store_tx_t *tx, const rs_period_t *p, rs_training_t *out)
{
    const char *o = p->office;
    if (agg_sum (tx, o, "tr.present", p->from, p->to, &out->present)
        || agg_sum (tx, o, "tr.places", p->from, p->to, &out->places))
        return -1;
    for (int i = 0; i < RS_MEETINGS; i++) {
        char n[4];
        snprintf (n, sizeof n, "%d", i + 1);
        if (agg_sum2 (tx, o, "tr.present", n, p->from, p->to, &out->by_present[i])
            || agg_sum2 (tx, o, "tr.places", n, p->from, p->to, &out->by_places[i]))
            return -1;
    }
    return 0;
}

//  The bases, read until each that matters (its rate has places) reached
//  k. A basis below k is exact. One that reached k may be less than the
//  true basis, but still >= k: the rate shows either way. The total adds
//  the offices' bases up (rs_section_merge), and decides the same as with
//  exact bases: if any office's basis is >= k, so are the total's true
//  and capped sums; if none reached k, every one is exact and so is the
//  sum.
static int
s_bases (store_tx_t *tx, const rs_period_t *p, rs_training_t *out)
{
    scan_t s = {0, p->to, p->k > 0 ? p->k : 1, out->places > 0, out, NULL};
    for (int i = 0; i < RS_MEETINGS; i++)
        s.pending += out->by_places[i] > 0;
    if (s.pending == 0)
        return 0;
    char start[AGG_KEY];
    const char *parts[] = {p->office, p->from};
    size_t slen = agg_key (start, parts, 2);
    s.plen = slen - strlen (p->from);
    s.cohorts = zhashx_new ();
    if (!slen || !s.cohorts) {
        zhashx_destroy (&s.cohorts);
        return -1;
    }
    zhashx_set_destructor (s.cohorts, s_cohort_free);
    int rc = store_scan (tx, rt_meetings, start, slen, start, s.plen, s_meeting_each, &s);
    zhashx_destroy (&s.cohorts);
    return rc;
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
    if (s_attendance (tx, p, out) || s_bases (tx, p, out))
        return -1;
    return goals_agg_read (tx, p, out);
}
