/*  placement_agg - the placement section from the placement stream: dated
    counts, the states "active" and "open vacancies" as dated changes, and
    the days to each paid job for the median.

    paid      office \0 date \0 days (6 digits) -> int64 paid jobs
              office \0 'M' month \0 days (6 digits) -> int64 paid jobs
              How many paid jobs of the day (or of the month, 'M' and its
              YYYY-MM; both levels are written for every job) came that
              many days after the placement's start. The median's read cuts
              the period as agg_sum does: the days of partial edge months,
              the month records of the whole months between, merged into
              (value, count) pairs. Its cost is (edge days + months of the
              period) x distinct values, never the number of paid jobs;
              names no one.  */
#include "section.h"

static int
s_started (store_tx_t *tx, const agg_event_t *ev)
{
    const char *o = ev->office, *d = ev->date;
    int64_t hours = map_int (ev->event, "hours_per_week", 0);
    //  A started placement holds its vacancy until it ends.
    if (agg_add (tx, o, "pl.started", d, 1) || agg_add (tx, o, "pl.active", d, 1)
        || agg_add (tx, o, "pl.vacancies_open", d, -1)
        || agg_add (tx, o, "pl.hours", d, hours))
        return -1;
    return 0;
}

static int
s_ended (store_tx_t *tx, const agg_event_t *ev)
{
    const char *o = ev->office, *d = ev->date;
    char outcome[AGG_ID];
    agg_str (ev, "outcome", outcome, sizeof outcome);
    if (agg_add (tx, o, "pl.ended", d, 1) || agg_add (tx, o, "pl.active", d, -1)
        || agg_add (tx, o, "pl.vacancies_open", d, 1))
        return -1;
    if (agg_index (rs_outcomes, outcome) >= 0
        && agg_add2 (tx, o, "pl.ended", outcome, d, 1))
        return -1;
    if (map_int (ev->event, "contacts", 0) < 2
        && agg_add (tx, o, "pl.under_2_contacts", d, 1))
        return -1;
    return 0;
}

static int
s_paid_job (store_tx_t *tx, const agg_event_t *ev)
{
    const char *o = ev->office, *d = ev->date;
    if (agg_add (tx, o, "pl.paid_jobs", d, 1)
        || (map_int (ev->event, "hours", 0) >= 20
            && agg_add (tx, o, "pl.paid_jobs_20h", d, 1)))
        return -1;
    int64_t days = map_int (ev->event, "days_from_start", 0);
    char digits[16], key[AGG_KEY], month[9];
    snprintf (digits, sizeof digits, "%06" PRId64, days < 0 ? 0 : days % 1000000);
    snprintf (month, sizeof month, "M%.7s", d);
    const char *day_parts[] = {o, d, digits}, *month_parts[] = {o, month, digits};
    size_t klen = agg_key (key, day_parts, 3);
    if (!klen || agg_count (tx, rt_paid, key, klen, 1))
        return -1;
    klen = agg_key (key, month_parts, 3);
    return klen ? agg_count (tx, rt_paid, key, klen, 1) : -1;
}

int
placement_agg_apply (store_tx_t *tx, const agg_event_t *ev)
{
    if (!*ev->date)
        return 0;
    if (strcmp (ev->type, "host.registered") == 0)
        return agg_add (tx, ev->office, "pl.hosts", ev->date, 1);
    if (strcmp (ev->type, "vacancy.opened") == 0)
        return agg_add (tx, ev->office, "pl.vacancies_open", ev->date, 1);
    if (strcmp (ev->type, "placement.started") == 0)
        return s_started (tx, ev);
    if (strcmp (ev->type, "placement.ended") == 0)
        return s_ended (tx, ev);
    if (strcmp (ev->type, "paid_job.recorded") == 0)
        return s_paid_job (tx, ev);
    return 0;
}

//  --------------------------------------------------------------------------
//  Reading

typedef struct {
    size_t plen;    //  the key's length up to the date or month
    const char *hi; //  the last date or 'M' month that counts
    rs_placement_t *out;
} days_t;

static int
s_days_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    days_t *d = (days_t *) arg;
    const char *date = (const char *) key + d->plen;
    size_t hlen = strlen (d->hi);
    if (klen != d->plen + hlen + 7 || memcmp (date, d->hi, hlen) > 0)
        return 1;
    int64_t n = agg_get_i64 (val, vlen);
    return n > 0 ? rs_days_add (d->out, atoll (date + hlen + 1), n) : 0;
}

//  The per-value counts of the period, merged: edge months by day, the
//  months between by month (agg_segments).
static int
s_read_days (store_tx_t *tx, const rs_period_t *p, rs_placement_t *out)
{
    agg_segment_t segs[3];
    size_t count = agg_segments (p->from, p->to, segs);
    for (size_t i = 0; i < count; i++) {
        char start[AGG_KEY], lo[12], hi[12];
        bool month = segs[i].level == 'M';
        snprintf (lo, sizeof lo, "%s%s", month ? "M" : "", segs[i].lo);
        snprintf (hi, sizeof hi, "%s%s", month ? "M" : "", segs[i].hi);
        const char *parts[] = {p->office, lo};
        size_t slen = agg_key (start, parts, 2);
        days_t d = {slen - strlen (lo), hi, out};
        if (!slen
            || store_scan (tx, rt_paid, start, slen, start, d.plen, s_days_each, &d))
            return -1;
    }
    return 0;
}

int
placement_agg_read (store_tx_t *tx, const rs_period_t *p, rs_placement_t *out)
{
    struct {
        const char *metric;
        int64_t *value;
    } sums[] = {{"pl.started", &out->started},
                {"pl.ended", &out->ended_total},
                {"pl.paid_jobs", &out->paid_jobs},
                {"pl.paid_jobs_20h", &out->paid_jobs_20h},
                {"pl.under_2_contacts", &out->under_2_contacts},
                {"pl.hours", &out->hours}},
      states[] = {{"pl.hosts", &out->hosts},
                  {"pl.vacancies_open", &out->vacancies_open},
                  {"pl.active", &out->active}};
    for (size_t i = 0; i < sizeof sums / sizeof sums[0]; i++)
        if (agg_sum (tx, p->office, sums[i].metric, p->from, p->to, sums[i].value))
            return -1;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (agg_asof (tx, p->office, states[i].metric, p->to, states[i].value))
            return -1;
    for (int i = 0; rs_outcomes[i]; i++)
        if (agg_sum2 (tx, p->office, "pl.ended", rs_outcomes[i], p->from, p->to,
                      &out->ended[i]))
            return -1;
    //  A vacancy opened with a later date than the start that filled it
    //  would make the sum dip below zero for a while; none is open then.
    if (out->vacancies_open < 0)
        out->vacancies_open = 0;
    return s_read_days (tx, p, out);
}
