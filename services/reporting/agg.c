/*  agg - counters by day and month, offices and labels.  */
#include "agg.h"

//  --------------------------------------------------------------------------
//  Events

int
agg_event (agg_event_t *self, const msgpack_object *event)
{
    memset (self, 0, sizeof *self);
    self->event = event;
    map_str (event, "service", self->service, sizeof self->service);
    map_str (event, "type", self->type, sizeof self->type);
    map_str (event, "office", self->office, sizeof self->office);
    if (!agg_date (self, "date", self->date)) {
        char at[32] = "";
        self->date[0] = 0;
        map_str (event, "at", at, sizeof at);
        at[10] = 0;
        if (codec_parse_date (at, strlen (at), NULL) == 0)
            memcpy (self->date, at, 11);
    }
    if (!*self->type || !codec_valid_id (self->office, strlen (self->office)))
        return -1;
    return 0;
}

const char *
agg_str (const agg_event_t *self, const char *key, char *buf, size_t size)
{
    buf[0] = 0;
    const msgpack_object *obj = obj_get (self->event, key);
    if (obj && obj_str (obj, buf, size) != 0)
        buf[0] = 0;
    return buf;
}

const char *
agg_date (const agg_event_t *self, const char *key, char buf[11])
{
    agg_str (self, key, buf, 11);
    return codec_parse_date (buf, strlen (buf), NULL) == 0 ? buf : NULL;
}

int
agg_index (const char *const *list, const char *value)
{
    for (int i = 0; list[i]; i++)
        if (strcmp (list[i], value) == 0)
            return i;
    return -1;
}

//  --------------------------------------------------------------------------
//  Keys and values

size_t
agg_key (char out[AGG_KEY], const char *const *parts, size_t count)
{
    size_t len = 0;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen (parts[i]);
        if (len + n + 1 > AGG_KEY)
            return 0;
        memcpy (out + len, parts[i], n);
        len += n;
        if (i + 1 < count)
            out[len++] = 0;
    }
    return len;
}

void
agg_put_i64 (uint8_t out[8], int64_t value)
{
    store_u64_key ((uint64_t) value, out);
}

int64_t
agg_get_i64 (const void *data, size_t size)
{
    return size == 8 ? (int64_t) store_u64_from (data) : 0;
}

//  Adds delta to the int64 under key; a record that comes back to zero is
//  removed, so changes that cancel leave nothing behind.
int
agg_count (store_tx_t *tx, const store_table_t *table, const char *key, size_t klen,
           int64_t delta)
{
    return agg_count_vec (tx, table, key, klen, &delta, 1);
}

//  The same for a vector of slots int64s, added element-wise: the record
//  goes when every slot is back at zero. A stored value of another size
//  counts as zeros (it is then replaced whole).
int
agg_count_vec (store_tx_t *tx, const store_table_t *table, const char *key, size_t klen,
               const int64_t *delta, size_t slots)
{
    const void *val;
    size_t vlen;
    uint8_t bytes[AGG_SLOTS * 8];
    if (slots == 0 || slots > AGG_SLOTS)
        return -1;
    int rc = store_get (tx, table, key, klen, &val, &vlen);
    if (rc < 0)
        return -1;
    bool zero = true;
    for (size_t i = 0; i < slots; i++) {
        int64_t value = delta[i];
        if (rc == 0 && vlen == slots * 8)
            value += agg_get_i64 ((const uint8_t *) val + i * 8, 8);
        agg_put_i64 (bytes + i * 8, value);
        zero = zero && value == 0;
    }
    if (zero)
        return store_del (tx, table, key, klen);
    return store_put (tx, table, key, klen, bytes, slots * 8);
}

//  --------------------------------------------------------------------------
//  Counters

static size_t
s_counter_key (char out[AGG_KEY], const char *office, const char *metric, char level,
               const char *date)
{
    char tail[16];
    snprintf (tail, sizeof tail, "%c%s", level, date ? date : "");
    const char *parts[] = {office, metric, tail};
    return agg_key (out, parts, 3);
}

int
agg_add (store_tx_t *tx, const char *office, const char *metric, const char *date,
         int64_t delta)
{
    char key[AGG_KEY], month[8];
    snprintf (month, sizeof month, "%.7s", date);
    size_t day_len = s_counter_key (key, office, metric, 'D', date);
    if (!day_len || delta == 0)
        return day_len ? 0 : -1;
    if (agg_count (tx, rt_counts, key, day_len, delta))
        return -1;
    size_t month_len = s_counter_key (key, office, metric, 'M', month);
    return agg_count (tx, rt_counts, key, month_len, delta);
}

int
agg_add2 (store_tx_t *tx, const char *office, const char *prefix, const char *name,
          const char *date, int64_t delta)
{
    char metric[160];
    snprintf (metric, sizeof metric, "%s.%s", prefix, name);
    return agg_add (tx, office, metric, date, delta);
}

typedef struct {
    size_t plen;
    const char *hi; //  last date (or month) that counts
    int64_t sum;
} range_t;

static int
s_range_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    range_t *r = (range_t *) arg;
    size_t hlen = strlen (r->hi);
    if (klen - r->plen != hlen || memcmp ((const char *) key + r->plen, r->hi, hlen) > 0)
        return 1;
    r->sum += agg_get_i64 (val, vlen);
    return 0;
}

//  Sums one level's records with dates in [lo, hi].
static int
s_range (store_tx_t *tx, const char *office, const char *metric, char level,
         const char *lo, const char *hi, int64_t *sum)
{
    char from[AGG_KEY];
    size_t flen = s_counter_key (from, office, metric, level, lo);
    if (!flen)
        return -1;
    range_t r = {flen - strlen (lo), hi, 0};
    if (store_scan (tx, rt_counts, from, flen, from, r.plen, s_range_each, &r))
        return -1;
    *sum += r.sum;
    return 0;
}

//  The month after (step 1) or before (step -1) a YYYY-MM.
void
agg_month_step (const char *date, int step, char out[8])
{
    int y = atoi (date), m = atoi (date + 5) + step;
    if (m == 13)
        y++, m = 1;
    if (m == 0)
        y--, m = 12;
    snprintf (out, 8, "%04u-%02u", (unsigned) y % 10000u, (unsigned) m % 100u);
}

bool
agg_last_of_month (const char *date)
{
    int32_t days;
    char next[11];
    if (codec_parse_date (date, 10, &days))
        return false;
    codec_format_date (days + 1, next);
    return strcmp (next + 8, "01") == 0;
}

//  Whole months are read as one record each; the edge months by day.
size_t
agg_segments (const char *from, const char *to, agg_segment_t out[3])
{
    size_t count = 0;
    if (strcmp (from, to) > 0)
        return 0;
    if (strncmp (from, to, 7) == 0) {
        out[0] = (agg_segment_t){'D', "", ""};
        snprintf (out[0].lo, 11, "%s", from);
        snprintf (out[0].hi, 11, "%s", to);
        return 1;
    }
    char lo[8], hi[8];
    snprintf (lo, sizeof lo, "%.7s", from);
    snprintf (hi, sizeof hi, "%.7s", to);
    if (strcmp (from + 8, "01") != 0) {
        out[count] = (agg_segment_t){'D', "", ""};
        snprintf (out[count].lo, 11, "%s", from);
        snprintf (out[count++].hi, 11, "%.7s-31", from);
        agg_month_step (from, 1, lo);
    }
    if (!agg_last_of_month (to)) {
        out[count] = (agg_segment_t){'D', "", ""};
        snprintf (out[count].lo, 11, "%.7s-01", to);
        snprintf (out[count++].hi, 11, "%s", to);
        agg_month_step (to, -1, hi);
    }
    if (strcmp (lo, hi) <= 0) {
        out[count] = (agg_segment_t){'M', "", ""};
        snprintf (out[count].lo, 11, "%s", lo);
        snprintf (out[count++].hi, 11, "%s", hi);
    }
    return count;
}

int
agg_sum (store_tx_t *tx, const char *office, const char *metric, const char *from,
         const char *to, int64_t *sum)
{
    agg_segment_t segs[3];
    size_t count = agg_segments (from, to, segs);
    *sum = 0;
    for (size_t i = 0; i < count; i++)
        if (s_range (tx, office, metric, segs[i].level, segs[i].lo, segs[i].hi, sum))
            return -1;
    return 0;
}

int
agg_sum2 (store_tx_t *tx, const char *office, const char *prefix, const char *name,
          const char *from, const char *to, int64_t *sum)
{
    char metric[160];
    snprintf (metric, sizeof metric, "%s.%s", prefix, name);
    return agg_sum (tx, office, metric, from, to, sum);
}

int
agg_asof (store_tx_t *tx, const char *office, const char *metric, const char *to,
          int64_t *sum)
{
    return agg_sum (tx, office, metric, AGG_FIRST, to, sum);
}

//  --------------------------------------------------------------------------
//  Offices and labels

int
agg_note_office (store_tx_t *tx, const char *office)
{
    return store_put (tx, rt_offices, office, strlen (office), "", 0);
}

typedef struct {
    size_t plen;
    agg_name_fn *fn;
    void *arg;
} names_t;

static int
s_name_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    names_t *n = (names_t *) arg;
    char name[AGG_ID];
    size_t len = klen - n->plen;
    if (klen < n->plen || len >= sizeof name)
        return 0;
    memcpy (name, (const char *) key + n->plen, len);
    name[len] = 0;
    return n->fn (name, n->arg);
}

int
agg_offices (store_tx_t *tx, agg_name_fn *fn, void *arg)
{
    names_t n = {0, fn, arg};
    return store_scan (tx, rt_offices, NULL, 0, NULL, 0, s_name_each, &n);
}

int
agg_note_label (store_tx_t *tx, const char *office, const char *kind, const char *label)
{
    char key[AGG_KEY];
    const char *parts[] = {office, kind, label};
    size_t len = agg_key (key, parts, 3);
    return len ? store_put (tx, rt_labels, key, len, "", 0) : -1;
}

int
agg_labels (store_tx_t *tx, const char *office, const char *kind, agg_name_fn *fn,
            void *arg)
{
    char prefix[AGG_KEY];
    const char *parts[] = {office, kind, ""};
    names_t n = {agg_key (prefix, parts, 3), fn, arg};
    return store_scan (tx, rt_labels, NULL, 0, prefix, n.plen, s_name_each, &n);
}
