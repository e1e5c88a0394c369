/*  retention - when an intake record's time is up.  */
#include "retention.h"

#include "records.h"

int
retention_mark_ended (store_tx_t *tx, const char *id)
{
    uint8_t when[8];
    store_u64_key ((uint64_t) zclock_time (), when);
    return store_put (tx, intake_ended, id, strlen (id), when, sizeof when);
}

int
retention_forget (store_tx_t *tx, const char *id)
{
    return store_del (tx, intake_ended, id, strlen (id));
}

typedef struct {
    store_tx_t *tx;
    int64_t cutoff_ms;
    zlistx_t *due;
    size_t max;
} due_t;

static int
s_due (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    due_t *d = (due_t *) arg;
    if (vlen != 8 || (int64_t) store_u64_from (val) >= d->cutoff_ms
        || klen > CODEC_ID_MAX)
        return 0;
    if (zlistx_size (d->due) == d->max)
        return 1;
    candidate_t c;
    const void *stored;
    size_t slen;
    if (store_get (d->tx, intake_candidates, key, klen, &stored, &slen) != 0
        || candidate_unpack (&c, stored, slen) != 0)
        return 0; //  already erased by hand; the next erase tidies the entry
    size_t olen = strlen (c.office);
    zchunk_t *chunk = zchunk_new (NULL, klen + olen + 2);
    zchunk_extend (chunk, key, klen);
    zchunk_extend (chunk, "", 1);
    zchunk_extend (chunk, c.office, olen + 1);
    zlistx_add_end (d->due, chunk);
    return 0;
}

int
retention_due (store_tx_t *tx, int64_t cutoff_ms, zlistx_t *due, size_t max, void *state)
{
    (void) state;
    due_t d = {tx, cutoff_ms, due, max};
    return store_scan (tx, intake_ended, NULL, 0, NULL, 0, s_due, &d);
}
