/*  grid - counts by two dates, for figures that are not a sum over the
    period alone: "of what happened on a day in [from, to], how much had
    its second date on or before a bound". Its users: goals set in the
    period that are SMART as of to (first: the day set, second: the day
    the goal's SMART state changed), distinct candidates (first: a
    candidate's record day, second: their record day before it), and
    survey responses (first: the invitation day, second: the response
    day; a vector by about and grade).

    grid  office \0 metric \0 L1 L2 \0 first \0 second -> int64 x slots
          L1 is the level of first, L2 of second: 'D' a YYYY-MM-DD, 'M' its
          YYYY-MM. Every change is written at the four combinations. A
          metric's value is one int64 (slots 1), or a fixed vector of
          them added and summed element-wise (agg_grid_add_vec), so that
          figures sharing both dates (satisfaction_agg.c: 4 abouts x 20
          grade slots) read one record per cell rather than a grid each.

    A sum cuts [from, to] as agg_sum does (the days of partial edge months,
    whole months between) and "second <= upto" into the months before
    upto's month and the days of that month up to upto (only the months
    when upto ends its month). For each existing first day or month of the
    period it reads one range of seconds: at most (edge days + months of
    the period) x (months of history + 31) records, however many goals,
    candidates or responses there are.  */
#include "agg.h"

static size_t
s_key (char out[AGG_KEY], const char *office, const char *metric, const char *levels,
       const char *first, const char *second)
{
    const char *parts[] = {office, metric, levels, first, second};
    return agg_key (out, parts, second ? 5 : 4);
}

int
agg_grid_add (store_tx_t *tx, const char *office, const char *metric, const char *first,
              const char *second, int64_t delta)
{
    return delta ? agg_grid_add_vec (tx, office, metric, first, second, &delta, 1) : 0;
}

int
agg_grid_add_vec (store_tx_t *tx, const char *office, const char *metric,
                  const char *first, const char *second, const int64_t *delta,
                  size_t slots)
{
    static const char *const levels[] = {"DD", "DM", "MD", "MM"};
    for (int i = 0; i < 4; i++) {
        char key[AGG_KEY], f[11], s[11];
        snprintf (f, sizeof f, "%.*s", levels[i][0] == 'D' ? 10 : 7, first);
        snprintf (s, sizeof s, "%.*s", levels[i][1] == 'D' ? 10 : 7, second);
        size_t klen = s_key (key, office, metric, levels[i], f, s);
        if (!klen || agg_count_vec (tx, rt_grid, key, klen, delta, slots))
            return -1;
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  Reading

typedef struct {
    size_t plen;    //  the key's length up to the part read
    const char *hi; //  the last value that counts
    char found[11]; //  the first value met (s_first_each)
    int64_t *sum;   //  the records summed into (s_row_each), slots of them
    size_t slots;
} cell_t;

//  The first date of the first record at or after the seek.
static int
s_first_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    cell_t *c = (cell_t *) arg;
    const char *first = (const char *) key + c->plen;
    size_t len = strnlen (first, klen - c->plen);
    if (len < sizeof c->found) {
        memcpy (c->found, first, len);
        c->found[len] = 0;
    }
    return 1;
}

//  Records of one first date, seconds from the seek to hi.
static int
s_row_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    cell_t *c = (cell_t *) arg;
    size_t len = klen - c->plen, hlen = strlen (c->hi);
    if (memcmp ((const char *) key + c->plen, c->hi, len < hlen ? len : hlen) > 0)
        return 1;
    //  A value of another size (not this metric's) adds nothing.
    for (size_t i = 0; vlen == c->slots * 8 && i < c->slots; i++)
        c->sum[i] += agg_get_i64 ((const uint8_t *) val + i * 8, 8);
    return 0;
}

//  Sums the seconds in [slo, shi] of first date (or month) first.
static int
s_row (store_tx_t *tx, const char *office, const char *metric, const char *levels,
       const char *first, const char *slo, const char *shi, int64_t *sum, size_t slots)
{
    char start[AGG_KEY], row[AGG_KEY];
    size_t slen = s_key (start, office, metric, levels, first, slo),
           rlen = s_key (row, office, metric, levels, first, "");
    cell_t c = {rlen, shi, "", sum, slots};
    if (!slen || !rlen
        || store_scan (tx, rt_grid, start, slen, row, rlen, s_row_each, &c))
        return -1;
    return 0;
}

//  One block: first at level levels[0] in [flo, fhi], second at level
//  levels[1] in [slo, shi]. Jumps from one existing first value to the
//  next, so empty days and months cost nothing.
static int
s_block (store_tx_t *tx, const char *office, const char *metric, const char *levels,
         const agg_segment_t *first, const char *slo, const char *shi, int64_t *sum,
         size_t slots)
{
    char seek[AGG_KEY], prefix[AGG_KEY], at[12];
    snprintf (at, sizeof at, "%s", first->lo);
    size_t plen = s_key (prefix, office, metric, levels, "", NULL);
    while (plen) {
        size_t klen = s_key (seek, office, metric, levels, at, NULL);
        cell_t c = {plen, NULL, "", NULL, 0};
        if (!klen || store_scan (tx, rt_grid, seek, klen, prefix, plen, s_first_each, &c))
            return -1;
        if (!*c.found || strcmp (c.found, first->hi) > 0)
            return 0;
        if (s_row (tx, office, metric, levels, c.found, slo, shi, sum, slots))
            return -1;
        //  Past every record of this first value: its key goes on with \0.
        snprintf (at, sizeof at, "%s\x01", c.found);
    }
    return -1;
}

int
agg_grid_sum (store_tx_t *tx, const char *office, const char *metric, const char *from,
              const char *to, const char *upto, int64_t *sum)
{
    return agg_grid_sum_vec (tx, office, metric, from, to, upto, sum, 1);
}

int
agg_grid_sum_vec (store_tx_t *tx, const char *office, const char *metric,
                  const char *from, const char *to, const char *upto, int64_t *sum,
                  size_t slots)
{
    agg_segment_t firsts[3], seconds[2] = {{'M', "0000-00", ""}, {'D', "", ""}};
    size_t count = agg_segments (from, to, firsts), scount = 2;
    snprintf (seconds[0].hi, 11, "%.7s", upto);
    if (agg_last_of_month (upto))
        scount = 1;
    else {
        agg_month_step (upto, -1, seconds[0].hi);
        snprintf (seconds[1].lo, 11, "%.7s-01", upto);
        snprintf (seconds[1].hi, 11, "%s", upto);
    }
    if (slots == 0 || slots > AGG_SLOTS)
        return -1;
    memset (sum, 0, slots * sizeof *sum);
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < scount; j++) {
            char levels[3] = {firsts[i].level, seconds[j].level, 0};
            if (s_block (tx, office, metric, levels, &firsts[i], seconds[j].lo,
                         seconds[j].hi, sum, slots))
                return -1;
        }
    return 0;
}
