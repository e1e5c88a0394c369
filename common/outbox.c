/*  outbox - work to do once a transaction has committed.  */
#include "outbox.h"

#include <czmq.h>

#define OUTBOX_KIND_MAX 32
//  Entries done per drain: the rest wait for the next one.
#define OUTBOX_DRAIN_MAX 256

STORE_TABLE (outbox_entries, "outbox");

struct _outbox_t {
    store_t *store; //  not owned
    bool pending;
};

outbox_t *
outbox_new (store_t *store)
{
    outbox_t *self = (outbox_t *) zmalloc (sizeof (outbox_t));
    self->store = store;
    //  A process that died after a commit may have left entries.
    self->pending = true;
    return self;
}

void
outbox_destroy (outbox_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

int
outbox_add (outbox_t *self, store_tx_t *tx, const char *kind, const void *data,
            size_t size)
{
    size_t klen = strlen (kind);
    if (klen == 0 || klen > OUTBOX_KIND_MAX)
        return -1;
    const void *last;
    size_t lastlen;
    int rc = store_last (tx, outbox_entries, &last, &lastlen, NULL, NULL);
    if (rc < 0)
        return -1;
    uint64_t seq = rc == 0 && lastlen == 8 ? store_u64_from (last) + 1 : 1;
    uint8_t key[8];
    store_u64_key (seq, key);
    uint8_t *value = (uint8_t *) malloc (klen + 1 + size);
    if (!value)
        return -1;
    memcpy (value, kind, klen + 1);
    if (size)
        memcpy (value + klen + 1, data, size);
    rc = store_append (tx, outbox_entries, key, 8, value, klen + 1 + size);
    free (value);
    self->pending = true;
    return rc;
}

bool
outbox_pending (outbox_t *self)
{
    return self->pending;
}

typedef struct {
    zlistx_t *entries; //  zchunk_t: the 8-byte key, then the value
} gather_t;

static int
s_gather_one (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    gather_t *g = (gather_t *) arg;
    if (klen != 8 || zlistx_size (g->entries) == OUTBOX_DRAIN_MAX)
        return klen != 8 ? 0 : 1;
    zchunk_t *chunk = zchunk_new (key, 8);
    zchunk_extend (chunk, val, vlen);
    zlistx_add_end (g->entries, chunk);
    return 0;
}

static int
s_gather (store_tx_t *tx, void *arg)
{
    return store_scan (tx, outbox_entries, NULL, 0, NULL, 0, s_gather_one, arg);
}

static int
s_delete (store_tx_t *tx, void *arg)
{
    zlistx_t *done = (zlistx_t *) arg;
    for (zchunk_t *c = (zchunk_t *) zlistx_first (done); c;
         c = (zchunk_t *) zlistx_next (done))
        if (store_del (tx, outbox_entries, zchunk_data (c), 8))
            return -1;
    return 0;
}

int
outbox_drain (outbox_t *self, outbox_fn *fn, void *arg, oerr_t *err)
{
    if (!self->pending)
        return 0;
    gather_t g = {zlistx_new ()};
    zlistx_set_destructor (g.entries, (zlistx_destructor_fn *) zchunk_destroy);
    zlistx_t *done = zlistx_new ();
    int rc = store_read (self->store, s_gather, &g, err);
    bool left = zlistx_size (g.entries) == OUTBOX_DRAIN_MAX;
    for (zchunk_t *c = rc == 0 ? (zchunk_t *) zlistx_first (g.entries) : NULL; c;
         c = (zchunk_t *) zlistx_next (g.entries)) {
        const char *kind = (const char *) zchunk_data (c) + 8;
        size_t rest = zchunk_size (c) - 8, klen = strnlen (kind, rest);
        //  An entry of no kind this process knows is kept, not dropped.
        if (klen < rest && fn (kind, kind + klen + 1, rest - klen - 1, arg) == 0)
            zlistx_add_end (done, c);
        else
            left = true;
    }
    if (rc == 0 && zlistx_size (done))
        rc = store_write (self->store, s_delete, done, err);
    zlistx_destroy (&done);
    zlistx_destroy (&g.entries);
    self->pending = rc != 0 || left;
    return rc;
}
