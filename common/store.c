/*  store - one LMDB environment per service instance.  */
#include "store.h"

#include <czmq.h>
#include <errno.h>
#include <lmdb.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_MAX_TABLES  24
#define STORE_INITIAL_MAP (64UL * 1024 * 1024)
#define STORE_MAX_MAP     (256UL * 1024 * 1024 * 1024)

struct _store_t {
    MDB_env *env;
    char path[512];
    size_t mapsize;
    const store_table_t *tables[STORE_MAX_TABLES];
    MDB_dbi dbis[STORE_MAX_TABLES];
    size_t count;
    int lock_fd;    //  store_lock's file, -1 when not locked
    bool reserving; //  store_reserve has more to write
    size_t seen;    //  bytes in use at store_reserve's last call
};

struct _store_tx_t {
    store_t *store;
    MDB_txn *txn;
    int rc;          //  first LMDB failure inside the transaction, 0 if none
    uint64_t writes; //  changes asked of this transaction so far
};

static int
s_lmdb_error (oerr_t *err, const char *what, int rc)
{
    err_code_t code =
        rc == ENOSPC || rc == EIO || rc == MDB_MAP_FULL ? ERR_UNAVAILABLE : ERR_INTERNAL;
    return oerr_set (err, code, "", "store: %s: %s", what, mdb_strerror (rc));
}

static int
s_open_tables (store_t *self, const store_table_t *const *tables, oerr_t *err)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin (self->env, NULL, 0, &txn);
    if (rc)
        return s_lmdb_error (err, "begin", rc);
    for (size_t i = 0; tables[i] && rc == 0; i++) {
        if (i == STORE_MAX_TABLES) {
            mdb_txn_abort (txn);
            return oerr_set (err, ERR_INTERNAL, "", "store: too many tables");
        }
        rc = mdb_dbi_open (txn, tables[i]->name, MDB_CREATE, &self->dbis[i]);
        self->tables[i] = tables[i];
        self->count = i + 1;
    }
    if (rc) {
        mdb_txn_abort (txn);
        return s_lmdb_error (err, "open table", rc);
    }
    rc = mdb_txn_commit (txn);
    return rc ? s_lmdb_error (err, "commit", rc) : 0;
}

//  mkdir -p that tolerates another process creating the same directories
//  at the same moment (services of one set start together).
static int
s_make_dirs (const char *path)
{
    char partial[512];
    size_t len = strlen (path);
    if (len == 0 || len >= sizeof partial)
        return -1;
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != 0)
            continue;
        memcpy (partial, path, i);
        partial[i] = 0;
        if (mkdir (partial, 0750) != 0 && errno != EEXIST)
            return -1;
    }
    struct stat info;
    return stat (path, &info) == 0 && S_ISDIR (info.st_mode) ? 0 : -1;
}

store_t *
store_new (const char *path, const store_table_t *const *tables, oerr_t *err)
{
    return store_new_sized (path, tables, STORE_INITIAL_MAP, err);
}

store_t *
store_new_sized (const char *path, const store_table_t *const *tables, size_t initial,
                 oerr_t *err)
{
    if (s_make_dirs (path) != 0) {
        oerr_set (err, ERR_INTERNAL, "", "store: cannot create %s: %s", path,
                  strerror (errno));
        return NULL;
    }
    store_t *self = (store_t *) zmalloc (sizeof (store_t));
    self->lock_fd = -1;
    snprintf (self->path, sizeof self->path, "%s", path);
    int rc = mdb_env_create (&self->env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs (self->env, STORE_MAX_TABLES);
    if (rc == 0)
        rc = mdb_env_open (self->env, path, 0, 0640);
    if (rc) {
        s_lmdb_error (err, "open", rc);
        store_destroy (&self);
        return NULL;
    }
    //  A reopened store may have grown earlier; never shrink it.
    MDB_envinfo info;
    mdb_env_info (self->env, &info);
    self->mapsize = info.me_mapsize > initial ? info.me_mapsize : initial;
    mdb_env_set_mapsize (self->env, self->mapsize);
    if (s_open_tables (self, tables, err))
        store_destroy (&self);
    return self;
}

void
store_destroy (store_t **self_p)
{
    if (self_p && *self_p) {
        store_t *self = *self_p;
        if (self->env)
            mdb_env_close (self->env);
        if (self->lock_fd >= 0)
            close (self->lock_fd);
        free (self);
        *self_p = NULL;
    }
}

static int
s_grow (store_t *self, oerr_t *err)
{
    if (self->mapsize >= STORE_MAX_MAP)
        return oerr_set (err, ERR_UNAVAILABLE, "", "store: map is at its maximum size");
    size_t next = self->mapsize * 2;
    int rc = mdb_env_set_mapsize (self->env, next);
    if (rc)
        return s_lmdb_error (err, "grow map", rc);
    zsys_info ("event=store.grow path=%s mapsize=%zu", self->path, next);
    self->mapsize = next;
    return 0;
}

static int
s_run (store_t *self, store_fn *fn, void *arg, unsigned flags, oerr_t *err)
{
    store_tx_t tx = {self, NULL, 0, 0};
    int rc = mdb_txn_begin (self->env, NULL, flags, &tx.txn);
    if (rc == MDB_MAP_RESIZED) {
        mdb_env_set_mapsize (self->env, 0);
        rc = mdb_txn_begin (self->env, NULL, flags, &tx.txn);
    }
    if (rc)
        return s_lmdb_error (err, "begin", rc);
    int result = fn (&tx, arg);
    if (result != 0 || tx.rc != 0) {
        mdb_txn_abort (tx.txn);
        if (tx.rc)
            return tx.rc == MDB_MAP_FULL ? MDB_MAP_FULL
                                         : s_lmdb_error (err, "write", tx.rc);
        return -1;
    }
    rc = (flags & MDB_RDONLY) ? (mdb_txn_abort (tx.txn), 0) : mdb_txn_commit (tx.txn);
    if (rc == MDB_MAP_FULL)
        return MDB_MAP_FULL;
    return rc ? s_lmdb_error (err, "commit", rc) : 0;
}

int
store_write (store_t *self, store_fn *fn, void *arg, oerr_t *err)
{
    while (true) {
        int rc = s_run (self, fn, arg, 0, err);
        if (rc != MDB_MAP_FULL)
            return rc;
        if (s_grow (self, err))
            return -1;
    }
}

int
store_read (store_t *self, store_fn *fn, void *arg, oerr_t *err)
{
    return s_run (self, fn, arg, MDB_RDONLY, err);
}

int
store_nested (store_tx_t *tx, store_fn *fn, void *arg)
{
    store_tx_t child = {tx->store, NULL, 0, 0};
    int rc = mdb_txn_begin (tx->store->env, tx->txn, 0, &child.txn);
    if (rc) {
        tx->rc = rc;
        return -1;
    }
    int result = fn (&child, arg);
    if (result != 0 || child.rc != 0) {
        mdb_txn_abort (child.txn);
        //  Running out of map space must fail the whole batch so it grows.
        if (child.rc == MDB_MAP_FULL)
            tx->rc = child.rc;
        return -1;
    }
    rc = mdb_txn_commit (child.txn);
    if (rc) {
        tx->rc = rc;
        return -1;
    }
    return 0;
}

bool
store_failed (store_tx_t *tx)
{
    return tx->rc != 0;
}

int
store_step (store_tx_t *tx, store_steps_t *steps, store_fn *fn, void *arg)
{
    if (steps->nested)
        return store_nested (tx, fn, arg);
    uint64_t writes = tx->writes;
    int rc = fn (tx, arg);
    //  A full map re-runs the whole batch anyway (store_write grows it).
    if (rc != 0 && tx->rc != MDB_MAP_FULL && (tx->writes != writes || tx->rc != 0))
        steps->redo = true;
    return rc;
}

int
store_write_steps (store_t *self, store_fn *fn, void *arg, store_steps_t *steps,
                   oerr_t *err)
{
    steps->nested = false;
    steps->redo = false;
    int rc = store_write (self, fn, arg, err);
    if (rc != 0 && steps->redo) {
        steps->nested = true;
        steps->redo = false;
        rc = store_write (self, fn, arg, err);
    }
    return rc;
}

//  A table the store was not opened with is the caller's mistake, but one
//  a test can make: failed, not asserted.
static int
s_dbi (store_tx_t *tx, const store_table_t *table, MDB_dbi *dbi)
{
    for (size_t i = 0; i < tx->store->count; i++)
        if (tx->store->tables[i] == table) {
            *dbi = tx->store->dbis[i];
            return 0;
        }
    tx->rc = MDB_NOTFOUND;
    zsys_error ("event=store.no_table table=%s", table->name);
    return -1;
}

static int
s_fail (store_tx_t *tx, int rc)
{
    if (tx->rc == 0)
        tx->rc = rc;
    return -1;
}

int
store_get (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen,
           const void **val, size_t *vlen)
{
    MDB_dbi dbi;
    if (s_dbi (tx, table, &dbi))
        return -1;
    MDB_val k = {klen, (void *) key}, v;
    int rc = mdb_get (tx->txn, dbi, &k, &v);
    if (rc == MDB_NOTFOUND)
        return 1;
    if (rc)
        return s_fail (tx, rc);
    if (val)
        *val = v.mv_data;
    if (vlen)
        *vlen = v.mv_size;
    return 0;
}

static int
s_put (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen,
       const void *val, size_t vlen, unsigned flags)
{
    MDB_dbi dbi;
    if (s_dbi (tx, table, &dbi))
        return -1;
    MDB_val k = {klen, (void *) key}, v = {vlen, (void *) val};
    tx->writes++;
    int rc = mdb_put (tx->txn, dbi, &k, &v, flags);
    return rc ? s_fail (tx, rc) : 0;
}

int
store_put (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen,
           const void *val, size_t vlen)
{
    return s_put (tx, table, key, klen, val, vlen, 0);
}

int
store_append (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen,
              const void *val, size_t vlen)
{
    return s_put (tx, table, key, klen, val, vlen, MDB_APPEND);
}

int
store_del (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen)
{
    MDB_dbi dbi;
    if (s_dbi (tx, table, &dbi))
        return -1;
    MDB_val k = {klen, (void *) key};
    tx->writes++;
    int rc = mdb_del (tx->txn, dbi, &k, NULL);
    return rc && rc != MDB_NOTFOUND ? s_fail (tx, rc) : 0;
}

static int
s_cursor (store_tx_t *tx, const store_table_t *table, MDB_cursor **cursor)
{
    MDB_dbi dbi;
    if (s_dbi (tx, table, &dbi))
        return -1;
    int rc = mdb_cursor_open (tx->txn, dbi, cursor);
    return rc ? s_fail (tx, rc) : 0;
}

int
store_scan (store_tx_t *tx, const store_table_t *table, const void *from, size_t flen,
            const void *prefix, size_t plen, store_each_fn *fn, void *arg)
{
    MDB_cursor *cursor;
    if (s_cursor (tx, table, &cursor))
        return -1;
    const void *start = from ? from : prefix;
    size_t slen = from ? flen : plen;
    MDB_val k = {slen, (void *) start}, v;
    int rc = mdb_cursor_get (cursor, &k, &v, start && slen ? MDB_SET_RANGE : MDB_FIRST);
    int result = 0;
    while (rc == 0 && result == 0) {
        if (prefix && (k.mv_size < plen || memcmp (k.mv_data, prefix, plen) != 0))
            break;
        result = fn (k.mv_data, k.mv_size, v.mv_data, v.mv_size, arg);
        if (result == 0)
            rc = mdb_cursor_get (cursor, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close (cursor);
    if (rc && rc != MDB_NOTFOUND)
        return s_fail (tx, rc);
    return result < 0 ? -1 : 0;
}

static int
s_count_one (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    (void) val;
    (void) vlen;
    (*(size_t *) arg)++;
    return 0;
}

int
store_count (store_tx_t *tx, const store_table_t *table, const void *prefix, size_t plen,
             size_t *count)
{
    *count = 0;
    return store_scan (tx, table, NULL, 0, prefix, plen, s_count_one, count);
}

int
store_last (store_tx_t *tx, const store_table_t *table, const void **key, size_t *klen,
            const void **val, size_t *vlen)
{
    MDB_cursor *cursor;
    if (s_cursor (tx, table, &cursor))
        return -1;
    MDB_val k, v;
    int rc = mdb_cursor_get (cursor, &k, &v, MDB_LAST);
    mdb_cursor_close (cursor);
    if (rc == MDB_NOTFOUND)
        return 1;
    if (rc)
        return s_fail (tx, rc);
    if (key)
        *key = k.mv_data, *klen = k.mv_size;
    if (val)
        *val = v.mv_data, *vlen = v.mv_size;
    return 0;
}

typedef struct {
    zlist_t *list;
    size_t prefix;
} suffixes_t;

static int
s_add_suffix (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    suffixes_t *s = (suffixes_t *) arg;
    char *suffix = (char *) malloc (klen - s->prefix + 1);
    if (!suffix)
        return -1;
    memcpy (suffix, (const char *) key + s->prefix, klen - s->prefix);
    suffix[klen - s->prefix] = 0;
    //  An autofree list keeps its own copy.
    int rc = zlist_append (s->list, suffix);
    free (suffix);
    return rc;
}

zlist_t *
store_suffixes (store_tx_t *tx, const store_table_t *table, const void *prefix,
                size_t plen)
{
    suffixes_t s = {zlist_new (), plen};
    zlist_autofree (s.list);
    if (store_scan (tx, table, NULL, 0, prefix, plen, s_add_suffix, &s) != 0)
        zlist_destroy (&s.list);
    return s.list;
}

int
store_del_prefix (store_tx_t *tx, const store_table_t *table, const void *prefix,
                  size_t plen)
{
    MDB_cursor *cursor;
    if (s_cursor (tx, table, &cursor))
        return -1;
    MDB_val k = {plen, (void *) prefix}, v;
    int rc = mdb_cursor_get (cursor, &k, &v, MDB_SET_RANGE);
    while (rc == 0 && k.mv_size >= plen && memcmp (k.mv_data, prefix, plen) == 0) {
        tx->writes++;
        rc = mdb_cursor_del (cursor, 0);
        //  Re-seek rather than trust the cursor's place after a delete.
        k.mv_size = plen;
        k.mv_data = (void *) prefix;
        if (rc == 0)
            rc = mdb_cursor_get (cursor, &k, &v, MDB_SET_RANGE);
    }
    mdb_cursor_close (cursor);
    return rc && rc != MDB_NOTFOUND ? s_fail (tx, rc) : 0;
}

int
store_lock (store_t *self, oerr_t *err)
{
    if (self->lock_fd >= 0)
        return 0;
    char path[sizeof self->path + 16];
    snprintf (path, sizeof path, "%s/opstap.lock", self->path);
    int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return oerr_set (err, ERR_INTERNAL, "", "store: cannot open %s: %s", path,
                         strerror (errno));
    if (flock (fd, LOCK_EX | LOCK_NB) != 0) {
        int why = errno;
        close (fd);
        return why == EWOULDBLOCK
                   ? oerr_set (err, ERR_UNAVAILABLE, "",
                               "store: %s is already served by another process",
                               self->path)
                   : oerr_set (err, ERR_INTERNAL, "", "store: cannot lock %s: %s", path,
                               strerror (why));
    }
    self->lock_fd = fd;
    return 0;
}

int
store_set_lazy (store_t *self)
{
    return mdb_env_set_flags (self->env, MDB_NOSYNC, 1) == 0 ? 0 : -1;
}

int
store_sync (store_t *self, oerr_t *err)
{
    int rc = mdb_env_sync (self->env, 1);
    return rc ? s_lmdb_error (err, "sync", rc) : 0;
}

//  Zeros from from to to, then flushed with the blocks' allocation.
static int
s_write_zeros (int fd, size_t from, size_t to)
{
    static const uint8_t zeros[64 * 1024];
    while (from < to) {
        size_t size = to - from < sizeof zeros ? to - from : sizeof zeros;
        ssize_t wrote = pwrite (fd, zeros, size, (off_t) from);
        if (wrote <= 0) {
            errno = wrote ? errno : ENOSPC;
            return -1;
        }
        from += (size_t) wrote;
    }
    return fdatasync (fd);
}

int
store_reserve (store_t *self, size_t least, size_t most_ahead, size_t most, oerr_t *err)
{
    size_t used, mapsize;
    int fd;
    struct stat st;
    if (store_usage (self, &used, &mapsize) || mdb_env_get_fd (self->env, &fd)
        || fstat (fd, &st))
        return oerr_set (err, ERR_INTERNAL, "", "store: reserve: cannot read the size");
    size_t ahead = used / 4 < least        ? least
                   : used / 4 > most_ahead ? most_ahead
                                           : used / 4;
    size_t grown = used > self->seen ? used - self->seen : 0;
    self->seen = used;
    //  Grown by more than a slice since the last call, the store commits
    //  large batches that share the journal's commit, and a slice could not
    //  keep ahead anyway: it would only hold the next batch up (p99 at 256
    //  in flight, finding 12).
    if (grown > most)
        return 0;
    size_t end = (size_t) st.st_size > used ? (size_t) st.st_size : used;
    size_t want = used + ahead < mapsize ? used + ahead : mapsize;
    //  Begun only when less than half is left, then continued until all of
    //  it is there: each call's flush is a journal commit of its own.
    if (end >= want || (!self->reserving && end - used >= ahead / 2)) {
        self->reserving = false;
        return 0;
    }
    size_t to = want - end > most ? end + most : want;
    //  Only between transactions: LMDB writes no page past used then.
    if (s_write_zeros (fd, end, to))
        return oerr_set (err, ERR_UNAVAILABLE, "", "store: reserve: %s",
                         strerror (errno));
    self->reserving = to < want;
    return 0;
}

int
store_usage (store_t *self, size_t *used, size_t *mapsize)
{
    MDB_envinfo info;
    MDB_stat stat;
    if (mdb_env_info (self->env, &info) || mdb_env_stat (self->env, &stat))
        return -1;
    *used = (info.me_last_pgno + 1) * (size_t) stat.ms_psize;
    *mapsize = info.me_mapsize;
    return 0;
}

void
store_u64_key (uint64_t value, uint8_t key[8])
{
    for (int i = 7; i >= 0; i--, value >>= 8)
        key[i] = (uint8_t) (value & 0xff);
}

uint64_t
store_u64_from (const void *key)
{
    const uint8_t *p = (const uint8_t *) key;
    uint64_t value = 0;
    for (int i = 0; i < 8; i++)
        value = (value << 8) | p[i];
    return value;
}
