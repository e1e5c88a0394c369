/*  audit - the trail of who did what in one service instance.  */
#include "audit.h"

#include <time.h>

#include "scrub.h"
#include "store.h"

#define AUDIT_MAX_DEFAULT 1000
#define AUDIT_FIELDS      7

static STORE_TABLE (s_trail, "trail");
static const store_table_t *const s_tables[] = {s_trail, NULL};

struct _audit_t {
    store_t *store;
    zlistx_t *pending; //  packed entries, zchunk_t
};

audit_t *
audit_new (const char *path, oerr_t *err)
{
    store_t *store = store_new (path, s_tables, err);
    if (!store)
        return NULL;
    //  A second durable commit for every batch would halve what a service
    //  can do: the trail is synced once a second instead (audit_sync).
    if (store_set_lazy (store)) {
        oerr_set (err, ERR_INTERNAL, NULL, "audit: cannot set lazy sync");
        store_destroy (&store);
        return NULL;
    }
    audit_t *self = (audit_t *) zmalloc (sizeof (audit_t));
    self->store = store;
    self->pending = zlistx_new ();
    zlistx_set_destructor (self->pending, (zlistx_destructor_fn *) zchunk_destroy);
    return self;
}

void
audit_destroy (audit_t **self_p)
{
    audit_t *self = *self_p;
    if (!self)
        return;
    zlistx_destroy (&self->pending);
    store_destroy (&self->store);
    free (self);
    *self_p = NULL;
}

void
audit_add (audit_t *self, const audit_entry_t *entry)
{
    char at[32];
    codec_format_ms (zclock_time (), at);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, AUDIT_FIELDS);
    pk_kv_str (&pk, "at", at);
    pk_kv_str (&pk, "key", entry->key ? entry->key : "");
    pk_kv_str (&pk, "caller", entry->caller ? entry->caller : "");
    pk_kv_str (&pk, "cmd", entry->cmd ? entry->cmd : "");
    pk_kv_str (&pk, "office", entry->office ? entry->office : "");
    pk_kv_str (&pk, "record", entry->record ? entry->record : "");
    pk_kv_str (&pk, "outcome", entry->outcome ? entry->outcome : "");
    zlistx_add_end (self->pending, zchunk_new (buf.data, buf.size));
    msgpack_sbuffer_destroy (&buf);
}

static int
s_write (store_tx_t *tx, void *arg)
{
    audit_t *self = (audit_t *) arg;
    const void *key, *val;
    size_t klen, vlen;
    int rc = store_last (tx, s_trail, &key, &klen, &val, &vlen);
    if (rc < 0)
        return -1;
    uint64_t seq = rc == 0 && klen == 8 ? store_u64_from (key) : 0;
    for (zchunk_t *chunk = (zchunk_t *) zlistx_first (self->pending); chunk;
         chunk = (zchunk_t *) zlistx_next (self->pending)) {
        uint8_t k[8];
        store_u64_key (++seq, k);
        if (store_append (tx, s_trail, k, 8, zchunk_data (chunk), zchunk_size (chunk)))
            return -1;
    }
    return 0;
}

int
audit_flush (audit_t *self, oerr_t *err)
{
    if (zlistx_size (self->pending) == 0)
        return 0;
    if (store_write (self->store, s_write, self, err) != 0)
        return -1;
    zlistx_purge (self->pending);
    return 0;
}

int
audit_sync (audit_t *self, oerr_t *err)
{
    return store_sync (self->store, err);
}

size_t
audit_pending (audit_t *self)
{
    return zlistx_size (self->pending);
}

//  --------------------------------------------------------------------------
//  Reading

typedef struct {
    const audit_filter_t *filter;
    uint32_t max;
    uint32_t count;
    bool more;
    msgpack_sbuffer entries;
} query_t;

static bool
s_field_is (const msgpack_object *map, const char *key, const char *want)
{
    return !want || !*want || obj_is_str (obj_get (map, key), want);
}

static bool
s_matches (const msgpack_object *map, const audit_filter_t *f)
{
    if (!s_field_is (map, "office", f->office) || !s_field_is (map, "record", f->record))
        return false;
    if (f->caller && *f->caller && !obj_is_str (obj_get (map, "key"), f->caller)
        && !obj_is_str (obj_get (map, "caller"), f->caller))
        return false;
    char at[32] = "";
    map_str (map, "at", at, sizeof at);
    if (f->from && *f->from && strcmp (at, f->from) < 0)
        return false;
    //  "to" is a day (or a time prefix): everything that starts with it counts.
    return !(f->to && *f->to && strncmp (at, f->to, strlen (f->to)) > 0);
}

static int
s_collect (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    query_t *q = (query_t *) arg;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    if (!msg)
        return -1;
    int rc = 0;
    if (s_matches (msg_root (msg), q->filter)) {
        if (q->count == q->max) {
            q->more = true;
            rc = 1;
        } else {
            msgpack_sbuffer_write (&q->entries, (const char *) val, vlen);
            q->count++;
        }
    }
    msg_destroy (&msg);
    return rc;
}

static int
s_read (store_tx_t *tx, void *arg)
{
    return store_scan (tx, s_trail, NULL, 0, NULL, 0, s_collect, arg);
}

int
audit_query (audit_t *self, const audit_filter_t *filter, kv_t *out, oerr_t *err)
{
    query_t q = {
        filter, filter->max ? filter->max : AUDIT_MAX_DEFAULT, 0, false, {0, NULL, 0}};
    msgpack_sbuffer_init (&q.entries);
    int rc = store_read (self->store, s_read, &q, err);
    if (rc == 0) {
        msgpack_pack_array (kv_key (out, "entries"), q.count);
        if (q.entries.size)
            msgpack_sbuffer_write (&out->buf, q.entries.data, q.entries.size);
        kv_bool (out, "more", q.more);
    }
    msgpack_sbuffer_destroy (&q.entries);
    return rc;
}

//  --------------------------------------------------------------------------
//  Erasure

typedef struct {
    const char *record;
    const char *token;
    zlistx_t *found; //  zchunk_t: 8-byte key then the rewritten value
} rekey_t;

static int
s_find (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) klen;
    rekey_t *r = (rekey_t *) arg;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    if (!msg)
        return -1;
    const msgpack_object *map = msg_root (msg);
    if (obj_is_str (obj_get (map, "record"), r->record)) {
        msgpack_sbuffer buf;
        msgpack_sbuffer_init (&buf);
        msgpack_sbuffer_write (&buf, (const char *) key, 8);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
        msgpack_pack_map (&pk, map->via.map.size);
        for (uint32_t i = 0; i < map->via.map.size; i++) {
            msgpack_pack_object (&pk, map->via.map.ptr[i].key);
            if (obj_is_str (&map->via.map.ptr[i].key, "record"))
                pk_str (&pk, r->token);
            else
                msgpack_pack_object (&pk, map->via.map.ptr[i].val);
        }
        zlistx_add_end (r->found, zchunk_new (buf.data, buf.size));
        msgpack_sbuffer_destroy (&buf);
    }
    msg_destroy (&msg);
    return 0;
}

static int
s_rekey (store_tx_t *tx, void *arg)
{
    rekey_t *r = (rekey_t *) arg;
    zlistx_purge (r->found);
    if (store_scan (tx, s_trail, NULL, 0, NULL, 0, s_find, r))
        return -1;
    for (zchunk_t *c = (zchunk_t *) zlistx_first (r->found); c;
         c = (zchunk_t *) zlistx_next (r->found))
        if (store_put (tx, s_trail, zchunk_data (c), 8, zchunk_data (c) + 8,
                       zchunk_size (c) - 8))
            return -1;
    return 0;
}

int
audit_rekey (audit_t *self, const char *record, const char *token, oerr_t *err)
{
    //  Entries still waiting to be written are written first, so that
    //  they are rewritten too.
    if (audit_flush (self, err))
        return -1;
    rekey_t r = {record, token, zlistx_new ()};
    zlistx_set_destructor (r.found, (zlistx_destructor_fn *) zchunk_destroy);
    int rc = store_write (self->store, s_rekey, &r, err);
    zlistx_destroy (&r.found);
    return rc;
}

typedef struct {
    const char *id;
    size_t *count;
} count_t;

static int
s_count (store_tx_t *tx, void *arg)
{
    count_t *c = (count_t *) arg;
    return scrub_count (tx, s_trail, c->id, c->count);
}

int
audit_count (audit_t *self, const char *id, size_t *count, oerr_t *err)
{
    if (audit_flush (self, err))
        return -1;
    count_t c = {id, count};
    return store_read (self->store, s_count, &c, err);
}

typedef struct {
    const char *id;
    bool *holds;
} holds_t;

static int
s_holds_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    holds_t *h = (holds_t *) arg;
    *h->holds = scrub_holds (key, klen, h->id) || scrub_holds (val, vlen, h->id);
    return *h->holds ? 1 : 0;
}

static int
s_holds (store_tx_t *tx, void *arg)
{
    return store_scan (tx, s_trail, NULL, 0, NULL, 0, s_holds_each, arg);
}

int
audit_holds (audit_t *self, const char *id, bool *holds, oerr_t *err)
{
    *holds = false;
    for (zchunk_t *c = (zchunk_t *) zlistx_first (self->pending); c && !*holds;
         c = (zchunk_t *) zlistx_next (self->pending))
        *holds = scrub_holds (zchunk_data (c), zchunk_size (c), id);
    holds_t h = {id, holds};
    return *holds ? 0 : store_read (self->store, s_holds, &h, err);
}

typedef struct {
    char cutoff[32];
    zlistx_t *keys; //  zchunk_t, 8 bytes each
} expire_t;

static int
s_older (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) klen;
    expire_t *e = (expire_t *) arg;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    char at[32] = "";
    if (msg)
        map_str (msg_root (msg), "at", at, sizeof at);
    msg_destroy (&msg);
    //  Entries are in the order they were recorded: the first young one
    //  ends the scan.
    if (strcmp (at, e->cutoff) >= 0)
        return 1;
    zlistx_add_end (e->keys, zchunk_new (key, 8));
    return zlistx_size (e->keys) == 100000 ? 1 : 0;
}

static int
s_expire (store_tx_t *tx, void *arg)
{
    expire_t *e = (expire_t *) arg;
    zlistx_purge (e->keys);
    if (store_scan (tx, s_trail, NULL, 0, NULL, 0, s_older, e))
        return -1;
    for (zchunk_t *k = (zchunk_t *) zlistx_first (e->keys); k;
         k = (zchunk_t *) zlistx_next (e->keys))
        if (store_del (tx, s_trail, zchunk_data (k), 8))
            return -1;
    return 0;
}

int
audit_expire (audit_t *self, int64_t cutoff_ms, size_t *deleted, oerr_t *err)
{
    expire_t e;
    codec_format_ms (cutoff_ms, e.cutoff);
    e.keys = zlistx_new ();
    zlistx_set_destructor (e.keys, (zlistx_destructor_fn *) zchunk_destroy);
    int rc = audit_flush (self, err) ? -1 : store_write (self->store, s_expire, &e, err);
    *deleted = rc == 0 ? zlistx_size (e.keys) : 0;
    zlistx_destroy (&e.keys);
    return rc;
}
