/*  test_reporting_rebuild - reporting is never a source of truth: a
    restart, a rebuild from the streams after its store is deleted, and a
    rebuild of a store of an older format give the same report byte for
    byte; a candidate erased after being
    counted leaves every figure as it was and no record in reporting's
    store names them, also after a rebuild from the rewritten streams.  */
#include "test_reporting_fixture.c"

#include "consumer.h"
#include "evlog.h"
#include "section.h"
#include "rids.h"

#define ERASED "nij-01"

//  The JSON of a report over the quarter for every office (free it).
static char *
s_report_json (fixture_t *f, const char *office, int k)
{
    tk_msg_t *r = s_report (f, office, "2017-07-01", "2017-09-30", k);
    char *json = tk_ok (r) ? tk_json (r) : NULL;
    tk_msg_destroy (&r);
    return json ? json : strdup ("(no report)");
}

typedef struct {
    char *all_k1, *all_k5, *nijmegen;
} reports_t;

static void
s_reports (fixture_t *f, reports_t *out)
{
    out->all_k1 = s_report_json (f, NULL, 1);
    out->all_k5 = s_report_json (f, NULL, 5);
    out->nijmegen = s_report_json (f, "nijmegen", 0);
}

static void
s_reports_free (reports_t *r)
{
    zstr_free (&r->all_k1);
    zstr_free (&r->all_k5);
    zstr_free (&r->nijmegen);
}

static void
s_same_reports (fixture_t *f, const reports_t *expected, const char *when)
{
    reports_t now;
    s_reports (f, &now);
    const char *got[] = {now.all_k1, now.all_k5, now.nijmegen};
    const char *want[] = {expected->all_k1, expected->all_k5, expected->nijmegen};
    for (int i = 0; i < 3; i++)
        if (!CHECK (streq (got[i], want[i])))
            fprintf (stderr, "  %s, report %d differs:\n  was %s\n  now %s\n", when, i,
                     want[i], got[i]);
    s_reports_free (&now);
}

static void
s_delete_store (fixture_t *f)
{
    const char *files[] = {"data.mdb", "lock.mdb", "opstap.lock"};
    for (int i = 0; i < 3; i++) {
        char *path = zsys_sprintf ("%s/reporting/%s", f->dir, files[i]);
        zsys_file_delete (path);
        free (path);
    }
    char *dir = zsys_sprintf ("%s/reporting", f->dir);
    CHECK (zsys_dir_delete (dir) == 0);
    free (dir);
}

//  Waits until every follower of intake has applied the last intake event.
static void
s_followers_caught_up (fixture_t *f)
{
    for (int s = TRAINING; s <= FEEDBACK; s++) {
        bool done = false;
        for (int tries = 0; tries < 100 && !done; tries++) {
            tk_msg_t *r = tk_call (f->clients[s], "{\"cmd\":\"service.status\"}");
            done = tk_int (r, "consumers.0.position") >= f->seq[INTAKE];
            tk_msg_destroy (&r);
            if (!done)
                zclock_sleep (50);
        }
        CHECK (done);
    }
}

//  --------------------------------------------------------------------------
//  Looking for the erased id in reporting's store

typedef struct {
    const char *needle;
    const char *table;
    int hits;
} find_t;

static bool
s_holds (const void *data, size_t size, const char *needle)
{
    size_t len = strlen (needle);
    const char *bytes = (const char *) data;
    for (size_t i = 0; i + len <= size; i++)
        if (bytes[i] == needle[0] && memcmp (bytes + i, needle, len) == 0)
            return true;
    return false;
}

static int
s_find_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    find_t *find = (find_t *) arg;
    if (s_holds (key, klen, find->needle) || s_holds (val, vlen, find->needle)) {
        fprintf (stderr, "  table %s holds %s\n", find->table, find->needle);
        find->hits++;
    }
    return 0;
}

static const store_table_t *const s_tables[] = {EVLOG_TABLES, CONSUMER_TABLES, rids_table,
                                                RS_TABLES,    RS_RETIRED,      NULL};

static int
s_find_all (store_tx_t *tx, void *arg)
{
    find_t *find = (find_t *) arg;
    for (const store_table_t *const *t = s_tables; *t; t++) {
        find->table = (*t)->name;
        if (store_scan (tx, *t, NULL, 0, NULL, 0, s_find_each, find))
            return -1;
    }
    return 0;
}

//  Records (keys and values of every table) that hold needle; -1 on failure.
static int
s_records_holding (fixture_t *f, const char *needle)
{
    char *path = zsys_sprintf ("%s/reporting", f->dir);
    oerr_t err;
    store_t *store = store_new (path, s_tables, &err);
    find_t find = {needle, NULL, 0};
    int rc = store ? store_read (store, s_find_all, &find, &err) : -1;
    store_destroy (&store);
    free (path);
    return rc ? -1 : find.hits;
}

//  Whether the store file's bytes hold needle anywhere, free pages included.
static bool
s_file_holds (fixture_t *f, const char *needle)
{
    char *path = zsys_sprintf ("%s/reporting/data.mdb", f->dir);
    zfile_t *file = zfile_new (NULL, path);
    zchunk_t *chunk = file && zfile_input (file) == 0
                          ? zfile_read (file, zfile_cursize (file), 0)
                          : NULL;
    bool holds = chunk && s_holds (zchunk_data (chunk), zchunk_size (chunk), needle);
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    free (path);
    return holds;
}

//  --------------------------------------------------------------------------
//  An older format: what older code left (no marker, or an older one) and
//  records the streams never make, in a table in use and in a retired one
//  (format 2's responses), which must go

typedef struct {
    const char *format; //  NULL: no marker
    char found[16];     //  the marker read back
} format_t;

static int
s_make_old (store_tx_t *tx, void *arg)
{
    format_t *old = (format_t *) arg;
    int rc = old->format
                 ? store_put (tx, rt_meta, "format", 6, old->format, strlen (old->format))
                 : store_del (tx, rt_meta, "format", 6);
    if (rc || store_put (tx, rt_offices, "zz-stale", 8, "", 0))
        return -1;
    return store_put (tx, RS_RETIRED, "zz-stale", 8, "", 0);
}

static int
s_read_format (store_tx_t *tx, void *arg)
{
    format_t *read = (format_t *) arg;
    const void *val;
    size_t vlen;
    if (store_get (tx, rt_meta, "format", 6, &val, &vlen) == 0 && vlen < 16) {
        memcpy (read->found, val, vlen);
        read->found[vlen] = 0;
    }
    return 0;
}

static int
s_store_run (fixture_t *f, store_fn *fn, void *arg, bool write)
{
    char *path = zsys_sprintf ("%s/reporting", f->dir);
    oerr_t err;
    store_t *store = store_new (path, s_tables, &err);
    int rc = !store  ? -1
             : write ? store_write (store, fn, arg, &err)
                     : store_read (store, fn, arg, &err);
    store_destroy (&store);
    free (path);
    return rc;
}

static void
test_format (fixture_t *f, const reports_t *first)
{
    const char *olds[] = {NULL, "1", "2"};
    char now[16];
    snprintf (now, sizeof now, "%d", REPORTING_FORMAT);
    for (int i = 0; i < 3; i++) {
        s_stop_reporting (f);
        format_t old = {olds[i], ""};
        CHECK (s_store_run (f, s_read_format, &old, false) == 0);
        CHECK (streq (old.found, now));
        CHECK (s_store_run (f, s_make_old, &old, true) == 0);
        CHECK (s_records_holding (f, "zz-stale") == 2);
        //  Emptied and rebuilt from the streams: the same reports, and the
        //  stale office is gone (the report of every office would list it).
        s_start_reporting (f);
        s_same_reports (f, first, "after a rebuild for the format");
        s_stop_reporting (f);
        format_t read = {NULL, ""};
        CHECK (s_store_run (f, s_read_format, &read, false) == 0);
        CHECK (streq (read.found, now));
        CHECK (s_records_holding (f, "zz-stale") == 0);
        s_start_reporting (f);
    }
}

//  A store that cannot be opened (its directory is a file) stops the start
//  with an error instead of running on a store of unknown format.
static void
test_format_unopenable (fixture_t *f)
{
    char *file = zsys_sprintf ("%s/not-a-dir", f->dir);
    FILE *out = fopen (file, "w");
    CHECK (out != NULL);
    if (out)
        fclose (out);
    service_opts_t opts = {
        .instance = "reporting", .data_dir = file, .directory = f->directory};
    char err[256] = "";
    zactor_t *actor = service_start (f->reporting_def, &opts, err, sizeof err);
    CHECK (actor == NULL && strstr (err, "cannot create"));
    zactor_destroy (&actor);
    remove (file);
    free (file);
}

//  --------------------------------------------------------------------------

static void
test_restart_and_rebuild (fixture_t *f, const reports_t *first)
{
    //  A restart goes on from the stored positions.
    s_stop_reporting (f);
    s_start_reporting (f);
    s_same_reports (f, first, "after a restart");
    //  A rebuild replays every stream from the start.
    s_stop_reporting (f);
    s_delete_store (f);
    s_start_reporting (f);
    s_same_reports (f, first, "after a rebuild");
}

static void
test_erasure (fixture_t *f, const reports_t *first)
{
    //  Counted before: nij-01 has stages, talks, a goal, a placement with a
    //  paid job, surveys, a certificate; some records name them.
    s_stop_reporting (f);
    CHECK (s_records_holding (f, ERASED) > 0);
    s_start_reporting (f);
    s_do (f,
          "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"" ERASED "\"}");
    s_followers_caught_up (f);
    s_same_reports (f, first, "after the erasure");
    s_stop_reporting (f);
    int hits = s_records_holding (f, ERASED);
    CHECK (hits == 0);
    if (s_file_holds (f, ERASED))
        fprintf (stderr, "  note: data.mdb still holds %s in a page LMDB freed\n",
                 ERASED);
    //  Rebuilt from the rewritten streams: the same figures, no id.
    s_delete_store (f);
    s_start_reporting (f);
    s_same_reports (f, first, "after a rebuild that follows the erasure");
    s_stop_reporting (f);
    CHECK (s_records_holding (f, ERASED) == 0);
    CHECK (!s_file_holds (f, ERASED));
    s_start_reporting (f);
}

int
main (void)
{
    fixture_t f;
    s_setup (&f);
    s_set_k (&f, 1);
    s_history (&f);
    reports_t first;
    s_reports (&f, &first);
    CHECK (strstr (first.all_k1, "\"registered\":10") != NULL);
    test_restart_and_rebuild (&f, &first);
    test_format (&f, &first);
    test_erasure (&f, &first);
    test_format_unopenable (&f);
    s_reports_free (&first);
    s_teardown (&f);
    return tk_done ("test_reporting_rebuild");
}
