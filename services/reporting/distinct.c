/*  distinct - how many candidates have a record (a talk) in a period,
    counted from records that name no candidate, so a report reads a
    bounded number of them however many candidates there are.

    distinct  office \0 kind \0 date \0 candidate -> int64, the records of
              a candidate on a day (see agg.h)
    links     candidate \0 office \0 kind \0 date -> "": a candidate's days
              in order, for erasure and for a new day's neighbours
    counts    "dn.<kind>" by day: the sum of the records (talks)
    grid      "dc.<kind>" (first d, second p): one for each candidate's
              record day d, p being the candidate's record day before d
              (AGG_BEFORE for their first). A candidate with days in
              [from, to] has exactly one of them whose day before lies
              before from: the first in the period. So the candidates are
              the sum over d in [from, to] of the records with p <= the day
              before from, a dominance count grid.c reads.

    A new day d between a candidate's days p and n (either may be absent):
    (n, p) becomes (n, d) and (d, p) is added. A day the candidate already
    has changes nothing in grid. Erasure moves distinct and links from the
    id to the token; grid stays, unless the token already had days (then
    both chains are replaced by the chain of their union).  */
#include "agg.h"

typedef struct {
    char (*d)[11];
    size_t count, size;
} days_t;

static int
s_days_push (days_t *self, const char *date)
{
    if (self->count == self->size) {
        size_t size = self->size ? self->size * 2 : 16;
        char (*grown)[11] = realloc (self->d, size * 11);
        if (!grown)
            return -1;
        self->d = grown;
        self->size = size;
    }
    memcpy (self->d[self->count], date, 10);
    self->d[self->count++][10] = 0;
    return 0;
}

static void
s_metric (char out[80], const char *prefix, const char *kind)
{
    snprintf (out, 80, "%s.%s", prefix, kind);
}

//  --------------------------------------------------------------------------
//  A new day

typedef struct {
    size_t plen;
    const char *date;
    char prev[11], next[11]; //  the candidate's days around date, "" for none
} near_t;

static int
s_near_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    near_t *n = (near_t *) arg;
    const char *date = (const char *) key + n->plen;
    if (klen != n->plen + 10)
        return 0;
    int cmp = memcmp (date, n->date, 10);
    memcpy (cmp < 0 ? n->prev : n->next, date, 10);
    return cmp > 0;
}

//  Links the candidate's new day into the grid between its neighbours.
//  Reads the candidate's own days only.
static int
s_new_day (store_tx_t *tx, const char *office, const char *kind, const char *date,
           const char *candidate)
{
    char prefix[AGG_KEY], metric[80];
    const char *parts[] = {candidate, office, kind, ""};
    near_t n = {agg_key (prefix, parts, 4), date, "", ""};
    if (!n.plen || store_scan (tx, rt_links, NULL, 0, prefix, n.plen, s_near_each, &n))
        return -1;
    s_metric (metric, "dc", kind);
    const char *prev = *n.prev ? n.prev : AGG_BEFORE;
    if (*n.next
        && (agg_grid_add (tx, office, metric, n.next, prev, -1)
            || agg_grid_add (tx, office, metric, n.next, date, 1)))
        return -1;
    return agg_grid_add (tx, office, metric, date, prev, 1);
}

int
agg_distinct_add (store_tx_t *tx, const char *office, const char *kind, const char *date,
                  const char *candidate, int64_t n)
{
    char key[AGG_KEY], link[AGG_KEY], metric[80];
    const char *parts[] = {office, kind, date, candidate};
    const char *link_parts[] = {candidate, office, kind, date};
    size_t klen = agg_key (key, parts, 4), llen = agg_key (link, link_parts, 4);
    int rc = klen && llen ? store_get (tx, rt_distinct, key, klen, NULL, NULL) : -1;
    if (rc < 0 || (rc == 1 && s_new_day (tx, office, kind, date, candidate)))
        return -1;
    s_metric (metric, "dn", kind);
    if (agg_count (tx, rt_distinct, key, klen, n)
        || store_put (tx, rt_links, link, llen, "", 0))
        return -1;
    return agg_add (tx, office, metric, date, n);
}

int
agg_distinct (store_tx_t *tx, const char *office, const char *kind, const char *from,
              const char *to, int64_t *candidates, int64_t *sum)
{
    char metric[80], before[11];
    int32_t days;
    *candidates = *sum = 0;
    if (strcmp (from, to) > 0 || codec_parse_date (from, strlen (from), &days))
        return 0;
    codec_format_date (days - 1, before);
    s_metric (metric, "dc", kind);
    if (agg_grid_sum (tx, office, metric, from, to, before, candidates))
        return -1;
    s_metric (metric, "dn", kind);
    return agg_sum (tx, office, metric, from, to, sum);
}

//  --------------------------------------------------------------------------
//  Erasure

typedef struct {
    char (*keys)[AGG_KEY];
    size_t *lens;
    size_t count, size, plen;
} gather_t;

//  Collects the rest of each link key (office \0 kind \0 date).
static int
s_gather (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    gather_t *g = (gather_t *) arg;
    if (g->count == g->size) {
        size_t size = g->size ? g->size * 2 : 16;
        char (*keys)[AGG_KEY] = realloc (g->keys, size * AGG_KEY);
        if (keys)
            g->keys = keys;
        size_t *lens = realloc (g->lens, size * sizeof (size_t));
        if (lens)
            g->lens = lens;
        if (!keys || !lens)
            return -1;
        g->size = size;
    }
    g->lens[g->count] = klen - g->plen;
    memcpy (g->keys[g->count++], (const char *) key + g->plen, klen - g->plen);
    return 0;
}

//  Moves the distinct record "rest \0 id" to "rest \0 token" and its link.
static int
s_move (store_tx_t *tx, const char *rest, size_t rlen, const char *id, const char *token)
{
    char key[AGG_KEY];
    size_t ilen = strlen (id), tlen = strlen (token);
    if (rlen + 1 + (ilen > tlen ? ilen : tlen) > AGG_KEY)
        return -1;
    memcpy (key, rest, rlen);
    key[rlen] = 0;
    memcpy (key + rlen + 1, id, ilen);
    const void *val;
    size_t vlen;
    int rc = store_get (tx, rt_distinct, key, rlen + 1 + ilen, &val, &vlen);
    if (rc < 0)
        return -1;
    int64_t value = rc == 0 ? agg_get_i64 (val, vlen) : 0;
    if (store_del (tx, rt_distinct, key, rlen + 1 + ilen))
        return -1;
    memcpy (key + rlen + 1, token, tlen);
    if (value && agg_count (tx, rt_distinct, key, rlen + 1 + tlen, value))
        return -1;
    char link[AGG_KEY];
    memcpy (link, token, tlen);
    link[tlen] = 0;
    memcpy (link + tlen + 1, rest, rlen);
    return store_put (tx, rt_links, link, tlen + 1 + rlen, "", 0);
}

typedef struct {
    size_t plen;
    days_t *days;
} day_scan_t;

static int
s_days_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    day_scan_t *s = (day_scan_t *) arg;
    return klen == s->plen + 10 ? s_days_push (s->days, (const char *) key + s->plen) : 0;
}

//  Adds (sign 1) or removes (-1) a candidate's chain of days in grid.
static int
s_chain (store_tx_t *tx, const char *office, const char *kind, const days_t *days,
         int sign)
{
    char metric[80];
    s_metric (metric, "dc", kind);
    for (size_t i = 0; i < days->count; i++)
        if (agg_grid_add (tx, office, metric, days->d[i], i ? days->d[i - 1] : AGG_BEFORE,
                          sign))
            return -1;
    return 0;
}

//  Both sorted: the union, sorted, into out.
static int
s_union (const days_t *a, const days_t *b, days_t *out)
{
    size_t i = 0, j = 0;
    while (i < a->count || j < b->count) {
        int cmp = i == a->count ? 1 : j == b->count ? -1 : memcmp (a->d[i], b->d[j], 10);
        if (s_days_push (out, cmp <= 0 ? a->d[i] : b->d[j]))
            return -1;
        i += cmp <= 0;
        j += cmp >= 0;
    }
    return 0;
}

//  The id's days of one office and kind are about to join the token's:
//  when the token has days there too, the two chains become one.
static int
s_join (store_tx_t *tx, const char *office, const char *kind, const days_t *moved,
        const char *token)
{
    char prefix[AGG_KEY];
    const char *parts[] = {token, office, kind, ""};
    days_t had = {NULL, 0, 0}, both = {NULL, 0, 0};
    day_scan_t s = {agg_key (prefix, parts, 4), &had};
    int rc =
        s.plen ? store_scan (tx, rt_links, NULL, 0, prefix, s.plen, s_days_each, &s) : -1;
    if (rc == 0 && had.count)
        rc = s_union (moved, &had, &both) || s_chain (tx, office, kind, moved, -1)
                     || s_chain (tx, office, kind, &had, -1)
                     || s_chain (tx, office, kind, &both, 1)
                 ? -1
                 : 0;
    free (had.d);
    free (both.d);
    return rc;
}

//  For each office and kind of the id's links (sorted, so grouped): s_join.
static int
s_join_all (store_tx_t *tx, const gather_t *g, const char *token)
{
    size_t i = 0;
    int rc = 0;
    while (rc == 0 && i < g->count) {
        if (g->lens[i] < 14)
            return -1; //  not a link this file wrote
        const char *office = g->keys[i], *kind = office + strlen (office) + 1;
        size_t group = g->lens[i] - 10, j = i;
        days_t moved = {NULL, 0, 0};
        for (; rc == 0 && j < g->count && g->lens[j] == g->lens[i]
               && memcmp (g->keys[j], g->keys[i], group) == 0;
             j++)
            rc = s_days_push (&moved, g->keys[j] + group);
        if (rc == 0)
            rc = s_join (tx, office, kind, &moved, token);
        free (moved.d);
        i = j;
    }
    return rc;
}

int
agg_distinct_rekey (store_tx_t *tx, const char *id, const char *token)
{
    char prefix[AGG_ID + 1];
    size_t plen = strlen (id) + 1;
    if (plen > sizeof prefix || strlen (token) + 1 > sizeof prefix)
        return -1;
    memcpy (prefix, id, plen);
    gather_t g = {NULL, NULL, 0, 0, plen};
    int rc = store_scan (tx, rt_links, NULL, 0, prefix, plen, s_gather, &g);
    if (rc == 0)
        rc = s_join_all (tx, &g, token);
    for (size_t i = 0; rc == 0 && i < g.count; i++)
        rc = s_move (tx, g.keys[i], g.lens[i], id, token);
    free (g.keys);
    free (g.lens);
    if (rc || store_del_prefix (tx, rt_links, prefix, plen))
        return -1;
    return 0;
}
