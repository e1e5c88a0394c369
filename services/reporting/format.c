/*  format - the layout of reporting's store, and a rebuild when it is not
    the one this code writes.

    meta  "format" -> REPORTING_FORMAT as decimal text

    Reporting is never a source of truth (reporting.h), so a store from
    code that kept other records (format 1, without a marker: no counters
    for attendance, goals or talks, no grid; format 2, paid jobs by day
    only and responses in their own table) is not migrated: every
    reporting table and the stream positions are emptied before the
    service starts, and the consumers replay every stream from the start.
    A fresh store just gets the marker.  */
#include "handlers.h"

#include "evlog.h"
#include "records.h"
#include "rids.h"
#include "section.h"

//  What a rebuild empties: the figures (and those of retired tables) and
//  the positions that led to them. Reporting publishes no events and
//  remembers no replies, so the rest of its store (events, subjects, rids)
//  stays.
static const store_table_t *const s_emptied[] = {RS_TABLES, RS_RETIRED, CONSUMER_TABLES,
                                                 NULL};

#define BATCH 1024

typedef struct {
    zlistx_t *keys;
} batch_t;

static int
s_key_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    batch_t *k = (batch_t *) arg;
    zchunk_t *chunk = zchunk_new (key, klen);
    if (!chunk || !zlistx_add_end (k->keys, chunk))
        return -1;
    return zlistx_size (k->keys) < BATCH ? 0 : 1;
}

//  Deletes every record of table, a batch of keys at a time.
static int
s_empty (store_tx_t *tx, const store_table_t *table)
{
    batch_t k = {zlistx_new ()};
    if (!k.keys)
        return -1;
    zlistx_set_destructor (k.keys, (zlistx_destructor_fn *) zchunk_destroy);
    int rc = 0;
    do {
        zlistx_purge (k.keys);
        rc = store_scan (tx, table, NULL, 0, NULL, 0, s_key_each, &k);
        for (zchunk_t *c = (zchunk_t *) zlistx_first (k.keys); rc == 0 && c;
             c = (zchunk_t *) zlistx_next (k.keys))
            rc = store_del (tx, table, zchunk_data (c), zchunk_size (c));
    } while (rc == 0 && zlistx_size (k.keys) > 0);
    zlistx_destroy (&k.keys);
    return rc;
}

static int
s_any_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen, (void) val, (void) vlen;
    *(bool *) arg = true;
    return 1;
}

int
reporting_format (store_tx_t *tx, void *state)
{
    (void) state;
    char format[16];
    snprintf (format, sizeof format, "%d", REPORTING_FORMAT);
    const void *val;
    size_t vlen;
    int rc = store_get (tx, rt_meta, "format", 6, &val, &vlen);
    if (rc < 0)
        return -1;
    if (rc == 0 && vlen == strlen (format) && memcmp (val, format, vlen) == 0)
        return 0;
    bool positions = false;
    if (store_scan (tx, consumer_positions, NULL, 0, NULL, 0, s_any_each, &positions))
        return -1;
    for (const store_table_t *const *t = s_emptied; *t; t++)
        if (s_empty (tx, *t))
            return -1;
    if (positions)
        zsys_info ("event=reporting.rebuild reason=format format=%d", REPORTING_FORMAT);
    return store_put (tx, rt_meta, "format", 6, format, strlen (format));
}
