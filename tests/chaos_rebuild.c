/*  chaos_rebuild - every follower's derived state equals a fresh rebuild
    from the streams: a new instance of training, placement, feedback and
    reporting on an empty store catches up, then reporting's summary is
    compared figure for figure and, with every process stopped, the
    followers' tables learnt from intake record for record.  */
#include "chaos_check.h"

#include "json.h"

static STORE_TABLE (t_candidates, "candidates");

//  What each follower derives from the streams alone; keys of a record
//  that its own commands change are left out of the comparison.
static const store_table_t *const s_learnt[] = {t_candidates, consumer_positions, NULL};
static const char *const s_placement_own[] = {"active", NULL};

static void
s_compare_reports (cluster_t *cluster, tally_figures_t *t)
{
    tk_msg_t *main = check_summary (cluster_command (cluster, CH_REPORTING));
    tk_msg_t *rebuilt = check_summary (cluster_rebuild_command (cluster, CH_REPORTING));
    const char *parts[] = {"offices", "total", "from", "to", "k"};
    int same = 0;
    for (int i = 0; i < 5; i++) {
        const msgpack_object *a = tk_get (main, parts[i]),
                             *b = tk_get (rebuilt, parts[i]);
        char *ja = a ? json_from_msgpack (a) : NULL,
             *jb = b ? json_from_msgpack (b) : NULL;
        if (ja && jb && streq (ja, jb))
            same++;
        else {
            check_show (t, "rebuild: report.summary %s differs:\n  %s\n  %s", parts[i],
                        ja ? ja : "(none)", jb ? jb : "(none)");
            t->mismatches++;
        }
        free (ja);
        free (jb);
    }
    char *json = tk_ok (main) ? tk_json (main) : NULL;
    printf ("chaos: rebuild   reporting: report.summary %s (%zu bytes)\n",
            same == 5 ? "identical" : "DIFFERS", json ? strlen (json) : 0);
    free (json);
    tk_msg_destroy (&main);
    tk_msg_destroy (&rebuilt);
}

//  --------------------------------------------------------------------------
//  Stores, read after every process stopped

typedef struct {
    zhashx_t *records; //  hex key -> zchunk of the value
    const store_table_t *table;
} dump_t;

static void
s_chunk_destroy (void **item)
{
    zchunk_destroy ((zchunk_t **) item);
}

static int
s_dump_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    dump_t *dump = (dump_t *) arg;
    char *hex = (char *) zmalloc (klen * 2 + strlen (dump->table->name) + 2);
    sprintf (hex, "%s:", dump->table->name);
    for (size_t i = 0; i < klen; i++)
        sprintf (hex + strlen (hex), "%02x", ((const uint8_t *) key)[i]);
    zhashx_insert (dump->records, hex, zchunk_new (val, vlen));
    free (hex);
    return 0;
}

static int
s_dump_all (store_tx_t *tx, void *arg)
{
    dump_t *dump = (dump_t *) arg;
    for (const store_table_t *const *table = s_learnt; *table; table++) {
        dump->table = *table;
        if (store_scan (tx, *table, NULL, 0, NULL, 0, s_dump_each, dump))
            return -1;
    }
    return 0;
}

//  Every record of the learnt tables; NULL when the store cannot be read.
static zhashx_t *
s_dump (cluster_t *cluster, int service, bool rebuilt)
{
    char *path = cluster_store_path (cluster, service, rebuilt);
    oerr_t err;
    store_t *store = store_new (path, s_learnt, &err);
    dump_t dump = {zhashx_new (), NULL};
    zhashx_set_destructor (dump.records, s_chunk_destroy);
    if (!store || store_read (store, s_dump_all, &dump, &err)) {
        fprintf (stderr, "chaos: cannot read %s: %s\n", path, err.message);
        zhashx_destroy (&dump.records);
    }
    store_destroy (&store);
    free (path);
    return dump.records;
}

static bool
s_same_record (zchunk_t *a, zchunk_t *b, const char *const *skip)
{
    if (zchunk_size (a) == zchunk_size (b)
        && memcmp (zchunk_data (a), zchunk_data (b), zchunk_size (a)) == 0)
        return true;
    oerr_t err;
    msg_t *ma = msg_decode (zchunk_data (a), zchunk_size (a), &err);
    msg_t *mb = msg_decode (zchunk_data (b), zchunk_size (b), &err);
    bool same = ma && mb && obj_same (msg_root (ma), msg_root (mb), skip);
    msg_destroy (&ma);
    msg_destroy (&mb);
    return same;
}

static void
s_compare_store (cluster_t *cluster, int service, tally_figures_t *t)
{
    zhashx_t *main = s_dump (cluster, service, false);
    zhashx_t *rebuilt = s_dump (cluster, service, true);
    const char *const *skip = service == CH_PLACEMENT ? s_placement_own : NULL;
    size_t same = 0, differ = 0;
    for (zchunk_t *a = main ? (zchunk_t *) zhashx_first (main) : NULL; a;
         a = (zchunk_t *) zhashx_next (main)) {
        zchunk_t *b =
            rebuilt ? (zchunk_t *) zhashx_lookup (rebuilt, zhashx_cursor (main)) : NULL;
        if (b && s_same_record (a, b, skip))
            same++;
        else {
            differ++;
            check_show (t, "rebuild %s: record %s %s", ch_service_names[service],
                        (const char *) zhashx_cursor (main), b ? "differs" : "missing");
        }
    }
    size_t extra = 0;
    for (void *b = rebuilt ? zhashx_first (rebuilt) : NULL; b && main;
         b = zhashx_next (rebuilt))
        extra += zhashx_lookup (main, zhashx_cursor (rebuilt)) == NULL;
    if (!main || !rebuilt || same == 0)
        differ++;
    differ += extra;
    printf ("chaos: rebuild   %s: %zu records the same, %zu differ, %zu only in the "
            "rebuild\n",
            ch_service_names[service], same, differ - extra, extra);
    t->mismatches += (int64_t) differ;
    zhashx_destroy (&main);
    zhashx_destroy (&rebuilt);
}

void
check_rebuild (cluster_t *cluster, tally_figures_t *t)
{
    for (int s = CH_TRAINING; s < CH_SERVICES; s++)
        if (cluster_start_rebuild (cluster, s)) {
            fprintf (stderr, "chaos: %s-r did not start\n", ch_service_names[s]);
            t->mismatches++;
            return;
        }
    if (check_caught_up (cluster, true, 1800)) {
        t->mismatches++;
        return;
    }
    s_compare_reports (cluster, t);
    //  A clean stop exits 0, and leaves the stores to be read.
    t->mismatches += cluster_stop (cluster);
    for (int s = CH_TRAINING; s < CH_REPORTING; s++)
        s_compare_store (cluster, s, t);
}
