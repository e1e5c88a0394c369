/*  test_audit - the audit trail keeps every entry once: a few at a time go
    to its journal, many to its store; entries journaled when the process
    stopped are in the trail after a restart, once, in order; a torn or
    out-of-order journal record ends what is read back; a write the disk
    refuses keeps the entries for the next flush; erasure and sync empty
    the journal.  */
#include "audit.h"
#include "journal.h"
#include "testkit.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

static void
s_add (audit_t *audit, int n)
{
    char record[32];
    snprintf (record, sizeof record, "r-%d", n);
    audit_entry_t entry = {"", "tester", "candidate.get", "nijmegen", record, "ok"};
    audit_add (audit, &entry);
}

//  The records of the entries in the trail, in order, joined by ','.
static char *
s_records (audit_t *audit)
{
    audit_filter_t all = {NULL, NULL, NULL, NULL, NULL, 1000};
    msgpack_sbuffer out;
    msgpack_sbuffer_init (&out);
    oerr_t err;
    char *joined = strdup ("");
    msg_t *msg = audit_query (audit, &all, &out, &err) == 0
                     ? msg_decode (out.data, out.size, &err)
                     : NULL;
    const msgpack_object *entries = msg ? obj_get (msg_root (msg), "entries") : NULL;
    for (uint32_t i = 0; entries && i < entries->via.array.size; i++) {
        char record[32] = "";
        map_str (&entries->via.array.ptr[i], "record", record, sizeof record);
        char *longer = zsys_sprintf ("%s%s%s", joined, i ? "," : "", record);
        free (joined);
        joined = longer;
    }
    msg_destroy (&msg);
    msgpack_sbuffer_destroy (&out);
    return joined;
}

static bool
s_records_are (audit_t *audit, const char *want)
{
    char *got = s_records (audit);
    bool same = streq (got, want);
    if (!same)
        fprintf (stderr, "  records: %s, expected %s\n", got, want);
    free (got);
    return same;
}

//  "r-1,r-2,...,r-n"
static char *
s_upto (int n)
{
    char *joined = strdup ("");
    for (int i = 1; i <= n; i++) {
        char *longer = zsys_sprintf ("%s%sr-%d", joined, i > 1 ? "," : "", i);
        free (joined);
        joined = longer;
    }
    return joined;
}

static int64_t
s_journal_size (const char *dir)
{
    char *path = zsys_sprintf ("%s/journal", dir);
    struct stat st;
    int64_t size = stat (path, &st) == 0 ? (int64_t) st.st_size : -1;
    zstr_free (&path);
    return size;
}

//  A copy of the trail's files as a process that stopped at once left them.
static char *
s_copy (const char *dir, const char *name)
{
    char *copy = zsys_sprintf ("%s-%s", dir, name);
    char *cmd = zsys_sprintf ("cp -r '%s' '%s'", dir, copy);
    CHECK (system (cmd) == 0);
    zstr_free (&cmd);
    return copy;
}

static void
s_append_bytes (const char *dir, const void *data, size_t size)
{
    char *path = zsys_sprintf ("%s/journal", dir);
    FILE *file = fopen (path, "ab");
    if (CHECK (file != NULL)) {
        CHECK (fwrite (data, 1, size, file) == size);
        fclose (file);
    }
    zstr_free (&path);
}

static void
test_journal_and_restart (const char *dir)
{
    oerr_t err;
    audit_t *audit = audit_new (dir, &err);
    if (!CHECK (audit != NULL))
        return;
    //  A few: into the journal, read back all the same.
    for (int i = 1; i <= 3; i++)
        s_add (audit, i);
    CHECK (audit_flush (audit, &err) == 0 && audit_pending (audit) == 0);
    CHECK (s_journal_size (dir) > 0);
    CHECK (s_records_are (audit, "r-1,r-2,r-3"));
    s_add (audit, 4);
    s_add (audit, 5);
    CHECK (audit_flush (audit, &err) == 0);
    //  Stopped at once: 1-3 in the store, and 1-5 in the journal.
    char *stopped = s_copy (dir, "stopped");
    audit_t *after = audit_new (stopped, &err);
    CHECK (after && s_records_are (after, "r-1,r-2,r-3,r-4,r-5"));
    CHECK (s_journal_size (stopped) == 0);
    audit_destroy (&after);
    //  A torn record, then garbage: what is whole is read, the rest not.
    char *torn = s_copy (dir, "torn");
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    journal_pack (&buf, 6, "\x80", 1);
    s_append_bytes (torn, buf.data, buf.size - 1);
    s_append_bytes (torn, "garbage", 7);
    after = audit_new (torn, &err);
    CHECK (after && s_records_are (after, "r-1,r-2,r-3,r-4,r-5"));
    s_add (after, 6);
    CHECK (after && audit_flush (after, &err) == 0);
    CHECK (after && s_records_are (after, "r-1,r-2,r-3,r-4,r-5,r-6"));
    audit_destroy (&after);
    //  A record out of order ends the reading too.
    char *gap = s_copy (dir, "gap");
    msgpack_sbuffer_clear (&buf);
    journal_pack (&buf, 7, "\x80", 1);
    s_append_bytes (gap, buf.data, buf.size);
    after = audit_new (gap, &err);
    CHECK (after && s_records_are (after, "r-1,r-2,r-3,r-4,r-5"));
    audit_destroy (&after);
    msgpack_sbuffer_destroy (&buf);
    //  Many at once: straight into the store, in order after the journal's.
    for (int i = 6; i <= 25; i++)
        s_add (audit, i);
    int64_t before = s_journal_size (dir);
    CHECK (audit_flush (audit, &err) == 0 && s_journal_size (dir) == before);
    char *all = s_upto (25);
    CHECK (s_records_are (audit, all));
    //  Sync: on disk in the store, the journal empty.
    CHECK (audit_sync (audit, &err) == 0 && s_journal_size (dir) == 0);
    audit_destroy (&audit);
    audit = audit_new (dir, &err);
    CHECK (audit && s_records_are (audit, all));
    free (all);
    audit_destroy (&audit);
    const char *copies[] = {stopped, torn, gap};
    for (int i = 0; i < 3; i++) {
        char *c = (char *) copies[i];
        tk_rmdir (&c);
    }
}

//  A disk that refuses the journal's write: -1, the entries kept, and
//  written once by the next flush.
static void
test_refused (const char *parent)
{
    char *dir = zsys_sprintf ("%s/refused", parent);
    oerr_t err;
    audit_t *audit = audit_new (dir, &err);
    if (!CHECK (audit != NULL))
        return;
    s_add (audit, 1);
    CHECK (audit_flush (audit, &err) == 0);
    struct rlimit before, limit;
    getrlimit (RLIMIT_FSIZE, &before);
    limit = before;
    limit.rlim_cur = (rlim_t) s_journal_size (dir);
    signal (SIGXFSZ, SIG_IGN);
    CHECK (setrlimit (RLIMIT_FSIZE, &limit) == 0);
    s_add (audit, 2);
    err.message[0] = 0;
    CHECK (audit_flush (audit, &err) == -1
           && strstr (err.message, "journal: cannot write"));
    CHECK (audit_pending (audit) == 1);
    setrlimit (RLIMIT_FSIZE, &before);
    CHECK (audit_flush (audit, &err) == 0 && audit_pending (audit) == 0);
    CHECK (s_records_are (audit, "r-1,r-2"));
    audit_destroy (&audit);
    zstr_free (&dir);
}

//  Erasure rewrites journaled entries too, and leaves no journal holding
//  the id; a journal that cannot be opened stops the trail from opening.
static void
test_rekey_and_open (const char *parent)
{
    char *dir = zsys_sprintf ("%s/rekey", parent);
    oerr_t err;
    audit_t *audit = audit_new (dir, &err);
    if (!CHECK (audit != NULL))
        return;
    s_add (audit, 1);
    s_add (audit, 2);
    CHECK (audit_flush (audit, &err) == 0 && s_journal_size (dir) > 0);
    size_t count = 0;
    CHECK (audit_rekey (audit, "r-1", "anon-x", &err) == 0);
    CHECK (audit_count (audit, "r-1", &count, &err) == 0 && count == 0);
    CHECK (s_records_are (audit, "anon-x,r-2") && s_journal_size (dir) == 0);
    audit_destroy (&audit);
    char *journal = zsys_sprintf ("%s/journal", dir);
    CHECK (remove (journal) == 0 && mkdir (journal, 0750) == 0);
    err.message[0] = 0;
    CHECK (audit_new (dir, &err) == NULL && strstr (err.message, "journal: cannot"));
    rmdir (journal);
    zstr_free (&journal);
    zstr_free (&dir);
}

int
main (void)
{
    zsys_init ();
    char *dir = tk_tmpdir ();
    char *trail = zsys_sprintf ("%s/trail", dir);
    test_journal_and_restart (trail);
    test_refused (dir);
    test_rekey_and_open (dir);
    zstr_free (&trail);
    tk_rmdir (&dir);
    return tk_done ("test_audit");
}
