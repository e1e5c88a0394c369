/*  test_audit - the audit trail on its own: entries kept until flushed,
    read back with every filter, counted and found for erase.check and
    erasure, rewritten under a token, expired, and still there after the
    trail is closed and opened again.  */
#include "audit.h"
#include "testkit.h"

static void
s_add (audit_t *audit, const char *key, const char *caller, const char *cmd,
       const char *office, const char *record, const char *outcome)
{
    audit_entry_t e = {key, caller, cmd, office, record, outcome};
    audit_add (audit, &e);
}

//  The entries a filter finds, as a reply's fields; -1 on failure.
static int
s_query (audit_t *audit, const audit_filter_t *filter, bool *more, char *records,
         size_t size)
{
    kv_t out;
    kv_init (&out);
    oerr_t err;
    int count = -1;
    if (audit_query (audit, filter, &out, &err) == 0) {
        msgpack_sbuffer map;
        msgpack_sbuffer_init (&map);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &map, msgpack_sbuffer_write);
        kv_pack_map (&out, &pk, &map, 0);
        tk_msg_t *m = tk_msg_new (map.data, map.size);
        const msgpack_object *entries = tk_get (m, "entries");
        count = entries ? (int) entries->via.array.size : -1;
        *more = tk_get (m, "more") && tk_get (m, "more")->via.boolean;
        records[0] = 0;
        for (int i = 0; i < count; i++) {
            char path[32];
            snprintf (path, sizeof path, "entries.%d.record", i);
            size_t len = strlen (records);
            snprintf (records + len, size - len, "%s%s", i ? "," : "", tk_str (m, path));
        }
        tk_msg_destroy (&m);
        msgpack_sbuffer_destroy (&map);
    }
    kv_destroy (&out);
    return count;
}

int
main (void)
{
    zsys_init ();
    char *dir = tk_tmpdir ();
    char *path = zsys_sprintf ("%s/intake.audit", dir);
    oerr_t err;
    audit_t *audit = audit_new (path, &err);
    CHECK (audit != NULL);
    s_add (audit, "K1", "anna", "candidate.register", "nijmegen", "c-1", "ok");
    s_add (audit, "K1", "anna", "candidate.admit", "nijmegen", "c-1",
           "failed_precondition");
    s_add (audit, "K2", "bram", "candidate.register", "arnhem", "c-10", "ok");
    s_add (audit, "", "", "replay", "", "", "ok");
    CHECK (audit_pending (audit) == 4);

    //  What is kept but not yet written is found all the same.
    bool holds = false;
    CHECK (audit_holds (audit, "c-1", &holds, &err) == 0 && holds);
    CHECK (audit_holds (audit, "c-2", &holds, &err) == 0 && !holds);
    CHECK (audit_flush (audit, &err) == 0 && audit_pending (audit) == 0);
    CHECK (audit_holds (audit, "c-10", &holds, &err) == 0 && holds);
    //  Whole ids only: c-1 is not in c-10.
    size_t count = 0;
    CHECK (audit_count (audit, "c-1", &count, &err) == 0 && count == 2);

    char records[256];
    bool more = false;
    audit_filter_t all = {NULL, NULL, NULL, NULL, NULL, 0};
    CHECK (s_query (audit, &all, &more, records, sizeof records) == 4 && !more);
    audit_filter_t office = {"arnhem", NULL, NULL, NULL, NULL, 0};
    CHECK (s_query (audit, &office, &more, records, sizeof records) == 1
           && streq (records, "c-10"));
    audit_filter_t by_name = {NULL, "anna", NULL, NULL, NULL, 0};
    audit_filter_t by_key = {NULL, "K2", NULL, NULL, NULL, 0};
    CHECK (s_query (audit, &by_name, &more, records, sizeof records) == 2);
    CHECK (s_query (audit, &by_key, &more, records, sizeof records) == 1
           && streq (records, "c-10"));
    audit_filter_t record = {NULL, NULL, "c-1", NULL, NULL, 0};
    CHECK (s_query (audit, &record, &more, records, sizeof records) == 2);
    audit_filter_t two = {NULL, NULL, NULL, NULL, NULL, 2};
    CHECK (s_query (audit, &two, &more, records, sizeof records) == 2 && more);
    audit_filter_t future = {NULL, NULL, NULL, "2999-01-01", NULL, 0};
    audit_filter_t past = {NULL, NULL, NULL, NULL, "2000-01-01", 0};
    CHECK (s_query (audit, &future, &more, records, sizeof records) == 0);
    CHECK (s_query (audit, &past, &more, records, sizeof records) == 0);

    //  Erasure: every entry about c-1 names the token; nothing else moves.
    CHECK (audit_rekey (audit, "c-1", "anon-a", &err) == 0);
    count = 0;
    CHECK (audit_count (audit, "c-1", &count, &err) == 0 && count == 0);
    count = 0;
    CHECK (audit_count (audit, "anon-a", &count, &err) == 0 && count == 2);
    CHECK (s_query (audit, &all, &more, records, sizeof records) == 4
           && streq (records, "anon-a,anon-a,c-10,"));
    CHECK (s_query (audit, &by_name, &more, records, sizeof records) == 2);
    CHECK (audit_sync (audit, &err) == 0);

    //  Closed and opened again: all there; expired by age.
    audit_destroy (&audit);
    audit = audit_new (path, &err);
    CHECK (audit && s_query (audit, &all, &more, records, sizeof records) == 4);
    size_t deleted = 99;
    CHECK (audit_expire (audit, zclock_time () - 3600 * 1000, &deleted, &err) == 0
           && deleted == 0);
    CHECK (audit_expire (audit, zclock_time () + 1000, &deleted, &err) == 0
           && deleted == 4);
    CHECK (s_query (audit, &all, &more, records, sizeof records) == 0);
    audit_destroy (&audit);

    //  A trail that cannot be made says why.
    CHECK (audit_new ("/proc/opstap-no/trail", &err) == NULL && *err.message);
    free (path);
    tk_rmdir (&dir);
    return tk_done ("test_audit");
}
