/*  test_store - the LMDB wrapper: records, scans, nested transactions and a
    map that grows by itself.  */
#include "store.h"
#include "testkit.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

static STORE_TABLE (t_log, "log");
static STORE_TABLE (t_things, "things");

static const store_table_t *const s_tables[] = {t_things, t_log, NULL};

typedef struct {
    int step;
    int count;
} work_t;

static int
s_fill (store_tx_t *tx, void *arg)
{
    (void) arg;
    const char *keys[] = {"a/1", "a/2", "b/1", "a/3"};
    for (int i = 0; i < 4; i++)
        if (store_put (tx, t_things, keys[i], 3, keys[i], 3))
            return -1;
    uint8_t key[8];
    for (uint64_t seq = 1; seq <= 300; seq++) {
        store_u64_key (seq, key);
        if (store_append (tx, t_log, key, 8, "x", 1))
            return -1;
    }
    return 0;
}

static int
s_count (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    (void) val;
    (void) vlen;
    ((work_t *) arg)->count++;
    return 0;
}

static int
s_read (store_tx_t *tx, void *arg)
{
    work_t *w = (work_t *) arg;
    const void *val;
    size_t vlen;
    CHECK (store_get (tx, t_things, "a/2", 3, &val, &vlen) == 0 && vlen == 3
           && memcmp (val, "a/2", 3) == 0);
    CHECK (store_get (tx, t_things, "zz", 2, &val, &vlen) == 1);
    w->count = 0;
    CHECK (store_scan (tx, t_things, NULL, 0, "a/", 2, s_count, w) == 0 && w->count == 3);
    size_t count = 0;
    CHECK (store_count (tx, t_things, "a/", 2, &count) == 0 && count == 3);
    CHECK (store_count (tx, t_log, NULL, 0, &count) == 0 && count == 300);
    w->count = 0;
    uint8_t from[8];
    store_u64_key (251, from);
    CHECK (store_scan (tx, t_log, from, 8, NULL, 0, s_count, w) == 0 && w->count == 50);
    const void *key;
    size_t klen;
    CHECK (store_last (tx, t_log, &key, &klen, NULL, NULL) == 0
           && store_u64_from (key) == 300);
    return 0;
}

static int
s_fail_inside (store_tx_t *tx, void *arg)
{
    (void) arg;
    store_put (tx, t_things, "c/1", 3, "no", 2);
    return -1;
}

static int
s_nested (store_tx_t *tx, void *arg)
{
    (void) arg;
    CHECK (store_nested (tx, s_fail_inside, NULL) == -1);
    CHECK (!store_failed (tx));
    CHECK (store_del_prefix (tx, t_things, "a/", 2) == 0);
    CHECK (store_append (tx, t_log, "\0\0\0\0\0\0\0\1", 8, "y", 1)
           == -1); //  not at the end
    return 0;
}

static int
s_after_nested (store_tx_t *tx, void *arg)
{
    work_t *w = (work_t *) arg;
    CHECK (store_get (tx, t_things, "c/1", 3, NULL, NULL) == 1);
    w->count = 0;
    store_scan (tx, t_things, NULL, 0, NULL, 0, s_count, w);
    return 0;
}

static int
s_big (store_tx_t *tx, void *arg)
{
    work_t *w = (work_t *) arg;
    char value[4096];
    memset (value, 'v', sizeof value);
    for (int i = 0; i < 256; i++) {
        char key[32];
        snprintf (key, sizeof key, "big/%04d/%04d", w->step, i);
        if (store_put (tx, t_things, key, strlen (key), value, sizeof value))
            return -1;
    }
    return 0;
}

//  A batch of five steps writing s/0..s/4; step `fail` refuses, after its
//  put when `after_write`. runs counts the passes over the batch.
typedef struct {
    store_steps_t steps;
    int fail;
    bool after_write;
    int runs;
    int step;
} steps_t;

static int
s_one_step (store_tx_t *tx, void *arg)
{
    steps_t *b = (steps_t *) arg;
    char key[8];
    snprintf (key, sizeof key, "s/%d", b->step);
    if (b->step == b->fail && !b->after_write)
        return -1;
    if (store_put (tx, t_things, key, strlen (key), "v", 1))
        return -1;
    return b->step == b->fail ? -1 : 0;
}

static int
s_steps (store_tx_t *tx, void *arg)
{
    steps_t *b = (steps_t *) arg;
    b->runs++;
    for (b->step = 0; b->step < 5; b->step++) {
        store_step (tx, &b->steps, s_one_step, b);
        if (b->steps.redo)
            return -1;
    }
    return 0;
}

static int
s_clear_steps (store_tx_t *tx, void *arg)
{
    (void) arg;
    return store_del_prefix (tx, t_things, "s/", 2);
}

static int
s_has_step2 (store_tx_t *tx, void *arg)
{
    work_t *w = (work_t *) arg;
    w->count = store_get (tx, t_things, "s/2", 3, NULL, NULL) == 0;
    return 0;
}

static int
s_count_steps (store_tx_t *tx, void *arg)
{
    work_t *w = (work_t *) arg;
    w->count = 0;
    return store_scan (tx, t_things, "s/", 2, "s/", 2, s_count, w);
}

//  A step that refuses before writing costs nothing more; one that refuses
//  after writing makes the batch run again nested, and fails alone.
static void
test_steps (store_t *store)
{
    oerr_t err;
    work_t w = {0, 0};
    steps_t b = {{false, false}, 2, false, 0, 0};
    CHECK (store_write_steps (store, s_steps, &b, &b.steps, &err) == 0 && b.runs == 1
           && !b.steps.nested);
    CHECK (store_read (store, s_count_steps, &w, &err) == 0 && w.count == 4);
    CHECK (store_write (store, s_clear_steps, NULL, &err) == 0);
    b = (steps_t){{false, false}, 2, true, 0, 0};
    CHECK (store_write_steps (store, s_steps, &b, &b.steps, &err) == 0 && b.runs == 2
           && b.steps.nested);
    CHECK (store_read (store, s_count_steps, &w, &err) == 0 && w.count == 4);
    CHECK (store_read (store, s_has_step2, &w, &err) == 0 && w.count == 0);
    CHECK (store_write (store, s_clear_steps, NULL, &err) == 0);
    b = (steps_t){{false, false}, -1, true, 0, 0};
    CHECK (store_write_steps (store, s_steps, &b, &b.steps, &err) == 0 && b.runs == 1);
    CHECK (store_read (store, s_count_steps, &w, &err) == 0 && w.count == 5);
    CHECK (store_write (store, s_clear_steps, NULL, &err) == 0);
}

static int64_t
s_file_size (const char *dir)
{
    char path[600];
    snprintf (path, sizeof path, "%s/data.mdb", dir);
    struct stat st;
    return stat (path, &st) == 0 ? (int64_t) st.st_size : -1;
}

//  Closes this process's descriptors of the store's data file under LMDB;
//  how many.
static int
s_close_file (const char *dir)
{
    char *want = zsys_sprintf ("%s/data.mdb", dir);
    int closed = 0;
    for (int fd = 3; fd < 1024; fd++) {
        char link[64], target[1024];
        snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink (link, target, sizeof target - 1);
        if (n <= 0)
            continue;
        target[n] = 0;
        if (streq (target, want) && close (fd) == 0)
            closed++;
    }
    zstr_free (&want);
    return closed;
}

//  Zeros ahead of the data: written in slices of at most most, begun when
//  less than half of ahead is left, never past the map; a disk that
//  refuses is reported, and what was written stays usable.
static void
test_reserve (const char *parent)
{
    char *dir = zsys_sprintf ("%s/reserve", parent);
    oerr_t err;
    store_t *store = store_new_sized (dir, s_tables, 4 * 1024 * 1024, &err);
    CHECK (store && store_write (store, s_fill, NULL, &err) == 0);
    size_t used = 0, mapsize = 0;
    CHECK (store_usage (store, &used, &mapsize) == 0);
    CHECK (s_file_size (dir) < (int64_t) (used + 256 * 1024));
    CHECK (used < 256 * 1024);
    CHECK (store_reserve (store, 1024 * 1024, 1024 * 1024, 256 * 1024, &err) == 0);
    CHECK (s_file_size (dir) == (int64_t) (used + 256 * 1024));
    for (int i = 0; i < 5; i++)
        CHECK (store_reserve (store, 1024 * 1024, 1024 * 1024, 256 * 1024, &err) == 0);
    CHECK (s_file_size (dir) == (int64_t) (used + 1024 * 1024));
    //  More than half is left: nothing written, even for a larger ahead.
    CHECK (store_reserve (store, 1536 * 1024, 1536 * 1024, 1024 * 1024, &err) == 0);
    CHECK (s_file_size (dir) == (int64_t) (used + 1024 * 1024));
    //  Never past the map.
    CHECK (
        store_reserve (store, 64 * 1024 * 1024, 64 * 1024 * 1024, 64 * 1024 * 1024, &err)
        == 0);
    CHECK (s_file_size (dir) == (int64_t) mapsize);
    //  Commits land in the zeros; reopened, everything is there.
    work_t w = {0, 0};
    for (w.step = 0; w.step < 2; w.step++)
        CHECK (store_write (store, s_big, &w, &err) == 0);
    store_destroy (&store);
    store = store_new_sized (dir, s_tables, 4 * 1024 * 1024, &err);
    w.count = 0;
    CHECK (store && store_read (store, s_after_nested, &w, &err) == 0
           && w.count == 4 + 2 * 256);
    store_destroy (&store);
    tk_rmdir (&dir);
    //  Grown by more than a slice since the last call (two commits of
    //  1 MiB), a store is left alone; the call after, with no growth,
    //  writes a slice.
    dir = zsys_sprintf ("%s/fast", parent);
    store = store_new_sized (dir, s_tables, 16 * 1024 * 1024, &err);
    CHECK (store && store_write (store, s_fill, NULL, &err) == 0);
    CHECK (store_reserve (store, 1024 * 1024, 1024 * 1024, 256 * 1024, &err) == 0);
    for (w.step = 0; w.step < 2; w.step++)
        CHECK (store_write (store, s_big, &w, &err) == 0);
    int64_t size = s_file_size (dir);
    CHECK (store_reserve (store, 1024 * 1024, 1024 * 1024, 256 * 1024, &err) == 0);
    CHECK (s_file_size (dir) == size);
    CHECK (store_reserve (store, 1024 * 1024, 1024 * 1024, 256 * 1024, &err) == 0);
    CHECK (s_file_size (dir) >= size + 256 * 1024);
    store_destroy (&store);
    tk_rmdir (&dir);
    //  Between its bounds, a quarter of the data is kept ahead.
    dir = zsys_sprintf ("%s/quarter", parent);
    store = store_new_sized (dir, s_tables, 16 * 1024 * 1024, &err);
    for (w.step = 0; w.step < 2; w.step++)
        CHECK (store && store_write (store, s_big, &w, &err) == 0);
    CHECK (store_usage (store, &used, &mapsize) == 0 && used > 2 * 1024 * 1024);
    CHECK (store_reserve (store, 4096, 64 * 1024 * 1024, 64 * 1024 * 1024, &err) == 0);
    CHECK (s_file_size (dir) == (int64_t) (used + used / 4));
    //  The disk refuses (a file size limit): -1 and why.
    store_destroy (&store);
    tk_rmdir (&dir);
    dir = zsys_sprintf ("%s/refused", parent);
    store = store_new_sized (dir, s_tables, 4 * 1024 * 1024, &err);
    CHECK (store && store_write (store, s_fill, NULL, &err) == 0);
    struct rlimit before, limit;
    getrlimit (RLIMIT_FSIZE, &before);
    limit = before;
    limit.rlim_cur = (rlim_t) s_file_size (dir) + 64 * 1024;
    signal (SIGXFSZ, SIG_IGN);
    CHECK (setrlimit (RLIMIT_FSIZE, &limit) == 0);
    err.message[0] = 0;
    CHECK (store_reserve (store, 1024 * 1024, 1024 * 1024, 1024 * 1024, &err) == -1);
    CHECK (strstr (err.message, "store: reserve: File too large") != NULL);
    setrlimit (RLIMIT_FSIZE, &before);
    CHECK (store_write (store, s_big, &w, &err) == 0);
    CHECK (store_reserve (store, 1024 * 1024, 1024 * 1024, 1024 * 1024, &err) == 0);
    //  A file whose size cannot be read (its descriptors gone): -1 and why.
    CHECK (s_close_file (dir) >= 1);
    err.message[0] = 0;
    CHECK (store_reserve (store, 1024 * 1024, 1024 * 1024, 1024 * 1024, &err) == -1);
    CHECK (streq (err.message, "store: reserve: cannot read the size"));
    store_destroy (&store);
    zstr_free (&dir);
}

int
main (void)
{
    zsys_init ();
    char *dir = tk_tmpdir ();
    oerr_t err;
    store_t *store = store_new_sized (dir, s_tables, 1024 * 1024, &err);
    CHECK (store != NULL);
    work_t w = {0, 0};
    CHECK (store_write (store, s_fill, NULL, &err) == 0);
    CHECK (store_read (store, s_read, &w, &err) == 0);
    CHECK (store_write (store, s_nested, NULL, &err)
           != 0); //  the failed append aborts all
    CHECK (store_read (store, s_after_nested, &w, &err) == 0 && w.count == 4);
    test_steps (store);
    //  Write 8 MiB into a 1 MiB map: it grows and keeps everything.
    for (w.step = 0; w.step < 8; w.step++)
        CHECK (store_write (store, s_big, &w, &err) == 0);
    size_t used = 0, mapsize = 0;
    CHECK (store_usage (store, &used, &mapsize) == 0 && mapsize >= 8 * 1024 * 1024);
    store_destroy (&store);
    CHECK (store == NULL);
    store_destroy (&store); //  NULL is fine
    //  Reopened, the data is there and the map is not smaller.
    store = store_new_sized (dir, s_tables, 1024 * 1024, &err);
    w.count = 0;
    CHECK (store && store_read (store, s_after_nested, &w, &err) == 0
           && w.count == 4 + 8 * 256);
    store_destroy (&store);
    test_reserve (dir);
    //  A store that cannot be created reports why.
    CHECK (store_new ("/proc/opstap-no", s_tables, &err) == NULL && err.message[0]);
    tk_rmdir (&dir);
    return tk_done ("test_store");
}
