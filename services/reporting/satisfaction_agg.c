/*  satisfaction_agg - the satisfaction section from the feedback stream:
    invitations counted by their date, and responses kept as anonymous
    counts by invitation date, response date, about and grade, so that
    "the invitations of the period and, of those, the responses received
    by to" is one read over the period's invitation dates.

    responses office \0 invited \0 responded \0 about \0 half points (2
              digits, 00 without a grade) -> int64 responses  */
#include "section.h"

#include <math.h>

static int
s_responded (store_tx_t *tx, const agg_event_t *ev, const char *about)
{
    char invited[11], points[8], key[AGG_KEY];
    if (!agg_date (ev, "invited", invited))
        return 0;
    double grade = map_num (ev->event, "grade", 0);
    long half = map_bool (ev->event, "graded", false) && isfinite (grade)
                    ? lround (grade * 2)
                    : 0;
    snprintf (points, sizeof points, "%02ld", half >= 2 && half <= 20 ? half : 0);
    const char *parts[] = {ev->office, invited, ev->date, about, points};
    size_t klen = agg_key (key, parts, 5);
    return klen ? agg_count (tx, "responses", key, klen, 1) : -1;
}

int
satisfaction_agg_apply (store_tx_t *tx, const agg_event_t *ev)
{
    char about[AGG_ID];
    if (!*ev->date
        || agg_index (rs_abouts, agg_str (ev, "about", about, sizeof about)) < 0)
        return 0;
    if (strcmp (ev->type, "survey.invited") == 0)
        return agg_add2 (tx, ev->office, "sa.invited", about, ev->date, 1);
    if (strcmp (ev->type, "survey.responded") == 0)
        return s_responded (tx, ev, about);
    return 0;
}

typedef struct {
    size_t plen;
    const char *to;
    rs_survey_t *out;
} scan_t;

static int
s_response_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    scan_t *s = (scan_t *) arg;
    const char *invited = (const char *) key + s->plen;
    if (klen < s->plen + 26 || memcmp (invited, s->to, 10) > 0)
        return 1;
    const char *responded = invited + 11, *about = responded + 11;
    size_t alen = klen - s->plen - 22 - 3;
    char code[AGG_ID];
    if (memcmp (responded, s->to, 10) > 0 || alen >= sizeof code)
        return 0;
    memcpy (code, about, alen);
    code[alen] = 0;
    int a = agg_index (rs_abouts, code);
    int half = atoi (about + alen + 1);
    int64_t n = agg_get_i64 (val, vlen);
    if (a < 0)
        return 0;
    s->out[a].responded += n;
    if (half >= 2 && half <= 20)
        s->out[a].grades[half - 2] += n;
    return 0;
}

int
satisfaction_agg_read (store_tx_t *tx, const rs_period_t *p, rs_survey_t out[RS_ABOUTS])
{
    for (int a = 0; a < RS_ABOUTS; a++)
        if (agg_sum2 (tx, p->office, "sa.invited", rs_abouts[a], p->from, p->to,
                      &out[a].invited))
            return -1;
    if (strcmp (p->from, p->to) > 0)
        return 0;
    char start[AGG_KEY];
    const char *parts[] = {p->office, p->from};
    size_t slen = agg_key (start, parts, 2);
    scan_t s = {slen - strlen (p->from), p->to, out};
    if (!slen)
        return -1;
    return store_scan (tx, "responses", start, slen, start, s.plen, s_response_each, &s);
}
