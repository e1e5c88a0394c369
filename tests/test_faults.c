/*  test_faults - resource faults against an in-process intake.

    Disk full: the data directory is a small tmpfs filled with a file until
    no byte is left. Commands are answered ok (a page LMDB can reuse) or
    unavailable, never internal; reads go on; once the file is deleted the
    same running service accepts commands again; after a restart every
    acknowledged command is there and the store reads whole.

    Map full: a 64 KiB map grows many times under pipelined commands; every
    live event is published once, with the bytes that were stored, and
    after a restart every acknowledged command is there.

    Needs root for the tmpfs; without it the disk-full part prints SKIP and
    the test exits 77 (ctest's skip code) when nothing else failed.  */
#include "intake.h"
#include "json.h"
#include "testkit.h"
#include "evlog.h"
#include "rids.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

static STORE_TABLE (t_candidates, "candidates");

#define REG                                                                              \
    "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"id\":\"%s\","             \
    "\"rid\":\"rid-%s\",\"birth_year\":1980,\"referral\":\"self\",\"benefit\":\"none\"," \
    "\"treatment\":\"done\",\"criteria\":{\"psych_limitation\":true,\"motivated\":true," \
    "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"    \
    "\"consent\":{\"processing\":true,\"evaluation_contact\":false},"                    \
    "\"contact\":{\"name\":\"%s\"},\"date\":\"2020-01-06\"}"

#define SKIP_CODE 77

typedef struct {
    char *dir;
    directory_t *directory;
    const dir_entry_t *entry;
    size_t map_initial;
    zactor_t *actor;
    zlistx_t *acked; //  ids answered ok, in order
} fixture_t;

static void
s_start (fixture_t *f)
{
    char err[640];
    service_opts_t opts = {.instance = "intake",
                           .data_dir = f->dir,
                           .directory = f->directory,
                           .map_initial = f->map_initial};
    f->actor = service_start (intake_service (), &opts, err, sizeof err);
    if (!CHECK (f->actor != NULL))
        fprintf (stderr, "  start: %s\n", err);
}

static void
s_fixture_init (fixture_t *f, char *dir, size_t map_initial)
{
    f->dir = dir;
    f->directory = directory_new_defaults (tk_port_base ());
    f->entry = directory_instance (f->directory, "intake");
    f->map_initial = map_initial;
    f->acked = zlistx_new ();
    zlistx_set_destructor (f->acked, (zlistx_destructor_fn *) zstr_free);
    zlistx_set_duplicator (f->acked, (zlistx_duplicator_fn *) strdup);
    s_start (f);
}

static void
s_fixture_destroy (fixture_t *f)
{
    zactor_destroy (&f->actor);
    zlistx_destroy (&f->acked);
    directory_destroy (&f->directory);
}

//  A contact name of about 3 KB, so that a few hundred commands fill pages.
static char *
s_name (int i)
{
    char *name = (char *) malloc (3001);
    memset (name, 'a' + i % 26, 3000);
    name[3000] = 0;
    return name;
}

//  Calls with patience (a loaded machine, a sanitizer build): after a
//  timeout the client starts afresh, or a late answer would be read as the
//  next one's, and asks again (every command here is safe to repeat: a
//  query, or a command with a rid).
static tk_msg_t *
s_call (fixture_t *f, tk_client_t **client_p, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *text = zsys_vprintf (fmt, args);
    va_end (args);
    tk_msg_t *r = NULL;
    for (int attempt = 0; attempt < 6 && !r; attempt++) {
        if (!*client_p)
            *client_p = tk_client_new (f->entry->command);
        r = tk_call (*client_p, "%s", text);
        if (!r)
            tk_client_destroy (client_p);
    }
    free (text);
    return r;
}

//  Registers id; returns the reply (destroy it).
static tk_msg_t *
s_register (fixture_t *f, tk_client_t **client_p, const char *id, int i)
{
    char *name = s_name (i);
    tk_msg_t *r = s_call (f, client_p, REG, id, id, name);
    free (name);
    return r;
}

//  --------------------------------------------------------------------------
//  After a restart: every acked id is there with its contact, the stream
//  has no gap, and every record of the store reads back.

typedef struct {
    uint64_t expect;
    bool whole;
} walk_t;

static int
s_walk_event (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    walk_t *w = (walk_t *) arg;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    uint64_t seq = (uint64_t) map_int (msg ? msg_root (msg) : NULL, "seq", 0);
    if (klen != 8 || store_u64_from (key) != w->expect || seq != w->expect)
        w->whole = false;
    w->expect++;
    msg_destroy (&msg);
    return 0;
}

static int
s_walk (store_tx_t *tx, void *arg)
{
    return store_scan (tx, evlog_events, NULL, 0, NULL, 0, s_walk_event, arg);
}

static void
s_check_store (fixture_t *f, uint64_t head)
{
    char path[600];
    snprintf (path, sizeof path, "%s/intake", f->dir);
    const store_table_t *tables[] = {evlog_events, evlog_subjects, rids_table,
                                     t_candidates, NULL};
    oerr_t err;
    store_t *store = store_new (path, tables, &err);
    walk_t walk = {1, true};
    CHECK (store && store_read (store, s_walk, &walk, &err) == 0);
    if (!CHECK (walk.whole && walk.expect == head + 1))
        fprintf (stderr,
                 "  store walk: whole %d, next seq %" PRIu64 ", head %" PRIu64 "\n",
                 walk.whole, walk.expect, head);
    store_destroy (&store);
}

static void
s_check_acked (fixture_t *f, tk_client_t **client_p)
{
    int missing = 0, i = 0;
    for (const char *id = (const char *) zlistx_first (f->acked); id;
         id = (const char *) zlistx_next (f->acked), i++) {
        tk_msg_t *r = s_call (f, client_p,
                              "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\","
                              "\"id\":\"%s\"}",
                              id);
        char *name = s_name (atoi (strrchr (id, '-') + 1));
        missing += !tk_ok (r) || !streq (tk_str (r, "contact.name"), name);
        free (name);
        tk_msg_destroy (&r);
    }
    if (!CHECK (missing == 0))
        fprintf (stderr, "  %d of %zu acknowledged commands missing or changed\n",
                 missing, zlistx_size (f->acked));
}

//  Stops the service, walks its store, starts it again and checks every
//  acknowledged command; the head must equal the number acknowledged.
static void
s_restart_and_verify (fixture_t *f)
{
    zactor_destroy (&f->actor);
    s_check_store (f, zlistx_size (f->acked));
    s_start (f);
    tk_client_t *client = NULL;
    tk_msg_t *r = s_call (f, &client, "{\"cmd\":\"service.status\"}");
    if (!CHECK (tk_ok (r) && tk_int (r, "head") == (int64_t) zlistx_size (f->acked)))
        fprintf (stderr, "  head %" PRId64 ", acknowledged %zu\n", tk_int (r, "head"),
                 zlistx_size (f->acked));
    tk_msg_destroy (&r);
    s_check_acked (f, &client);
    //  A rid answered before is answered the same, not applied again.
    const char *first = (const char *) zlistx_first (f->acked);
    if (first) {
        r = s_register (f, &client, first, atoi (strrchr (first, '-') + 1));
        CHECK (tk_ok (r) && tk_int (r, "position.seq") == 1);
        tk_msg_destroy (&r);
    }
    tk_client_destroy (&client);
}

//  --------------------------------------------------------------------------
//  Disk full

//  Writes into path until the file system is full; -1 when it never was.
static int
s_fill (const char *path)
{
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    char block[4096];
    memset (block, 'x', sizeof block);
    ssize_t n;
    while ((n = write (fd, block, sizeof block)) > 0)
        ;
    int full = n < 0 && errno == ENOSPC;
    //  The last bytes a partial block might leave.
    while (write (fd, block, 1) > 0)
        ;
    close (fd);
    return full ? 0 : -1;
}

//  Registers ids prefix-from.. until one is refused, at most limit; counts
//  the refusals by code. Returns how many were acknowledged.
static int
s_register_until_refused (fixture_t *f, tk_client_t **client_p, int from, int limit,
                          int *unavailable, int *other)
{
    int acked = 0;
    for (int i = from; i < from + limit; i++) {
        char id[32];
        snprintf (id, sizeof id, "disk-%d", i);
        tk_msg_t *r = s_register (f, client_p, id, i);
        if (tk_ok (r)) {
            zlistx_add_end (f->acked, id);
            acked++;
        } else if (r && streq (tk_code (r), "unavailable"))
            (*unavailable)++;
        else {
            char *json = tk_json (r);
            fprintf (stderr, "  disk full: %s answered %s\n", id, json);
            free (json);
            (*other)++;
        }
        tk_msg_destroy (&r);
        if (*unavailable || *other)
            break;
    }
    return acked;
}

static void
s_disk_full (fixture_t *f, const char *mnt)
{
    tk_client_t *client = NULL;
    int unavailable = 0, other = 0;
    //  Some commands acknowledged while there is room.
    CHECK (s_register_until_refused (f, &client, 0, 100, &unavailable, &other) == 100);
    char filler[600];
    snprintf (filler, sizeof filler, "%s/filler", mnt);
    CHECK (s_fill (filler) == 0);
    //  Pages LMDB can reuse may still take a few; then refusals.
    s_register_until_refused (f, &client, 100, 3000, &unavailable, &other);
    CHECK (unavailable == 1 && other == 0);
    for (int i = 0; i < 20; i++)
        s_register_until_refused (f, &client, 5000 + i, 1, &unavailable, &other);
    CHECK (other == 0);
    printf ("disk full: %zu acknowledged, %d unavailable, %d other\n",
            zlistx_size (f->acked), unavailable, other);
    //  Reads go on.
    tk_msg_t *r = s_call (f, &client, "{\"cmd\":\"service.status\"}");
    CHECK (tk_ok (r) && tk_int (r, "head") == (int64_t) zlistx_size (f->acked));
    tk_msg_destroy (&r);
    r = s_call (f, &client, "{\"cmd\":\"candidate.list\",\"office\":\"nijmegen\"}");
    CHECK (tk_ok (r) && tk_int (r, "count") == (int64_t) zlistx_size (f->acked));
    tk_msg_destroy (&r);
    //  Room again: the same process takes commands.
    CHECK (unlink (filler) == 0);
    unavailable = other = 0;
    CHECK (s_register_until_refused (f, &client, 9000, 20, &unavailable, &other) == 20);
    tk_client_destroy (&client);
    s_restart_and_verify (f);
}

//  Mounts a small tmpfs at a fresh directory; NULL (and why on stdout)
//  when this process may not.
static char *
s_mount_tmpfs (void)
{
    char *mnt = tk_tmpdir ();
    if (mount ("tmpfs", mnt, "tmpfs", 0, "size=8m,mode=0700") != 0) {
        printf ("SKIP test_faults disk full: cannot mount a tmpfs at %s: %s\n", mnt,
                strerror (errno));
        rmdir (mnt);
        free (mnt);
        return NULL;
    }
    return mnt;
}

static bool
test_disk_full (void)
{
    char *mnt = s_mount_tmpfs ();
    if (!mnt)
        return false;
    char *dir = zsys_sprintf ("%s/data", mnt);
    fixture_t f;
    s_fixture_init (&f, dir, 0);
    if (f.actor)
        s_disk_full (&f, mnt);
    s_fixture_destroy (&f);
    free (dir);
    if (!CHECK (umount2 (mnt, 0) == 0))
        umount2 (mnt, MNT_DETACH);
    rmdir (mnt);
    free (mnt);
    return true;
}

//  --------------------------------------------------------------------------
//  Map full

//  Keeps the first copy of each live event by seq; counts repeats.
typedef struct {
    zsock_t *sub;
    zhashx_t *seen; //  seq as text -> event bytes (a zchunk)
    int repeats;
} live_t;

static void
s_drain (live_t *live, int wait_ms)
{
    zsock_set_rcvtimeo (live->sub, wait_ms);
    zmsg_t *msg;
    while ((msg = zmsg_recv (live->sub))) {
        zframe_t *body = zmsg_last (msg);
        oerr_t err;
        msg_t *event =
            body ? msg_decode (zframe_data (body), zframe_size (body), &err) : NULL;
        char key[24];
        snprintf (key, sizeof key, "%" PRId64,
                  map_int (event ? msg_root (event) : NULL, "seq", 0));
        if (zhashx_lookup (live->seen, key))
            live->repeats++;
        else {
            zchunk_t *chunk = zchunk_new (zframe_data (body), zframe_size (body));
            zhashx_insert (live->seen, key, chunk);
        }
        msg_destroy (&event);
        zmsg_destroy (&msg);
    }
}

//  count registrations in flight on one socket, reading the live stream
//  between sends; the ids answered ok go into acked in seq order.
static void
s_pipeline (fixture_t *f, live_t *live, int count)
{
    zsock_t *dealer = zsock_new_dealer (f->entry->command);
    zsock_set_rcvtimeo (dealer, 60000);
    char **by_seq = (char **) zmalloc (sizeof (char *) * ((size_t) count + 1));
    for (int i = 0; i < count; i++) {
        char id[32];
        snprintf (id, sizeof id, "map-%d", i);
        char *name = s_name (i);
        char *text = zsys_sprintf (REG, id, id, name);
        msgpack_sbuffer buf;
        msgpack_sbuffer_init (&buf);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
        char err[128];
        if (json_to_msgpack (text, strlen (text), &pk, err, sizeof err) == 0)
            zsock_send (dealer, "b", buf.data, buf.size);
        msgpack_sbuffer_destroy (&buf);
        free (text);
        free (name);
        if (i % 100 == 0)
            s_drain (live, 0);
    }
    int ok = 0;
    for (int i = 0; i < count; i++) {
        tk_msg_t *r = tk_recv (dealer);
        if (!r)
            break;
        int64_t seq = tk_int (r, "position.seq");
        if (tk_ok (r) && seq >= 1 && seq <= count && !by_seq[seq]) {
            const char *rid = tk_str (r, "rid");
            by_seq[seq] = strdup (strlen (rid) > 4 ? rid + 4 : rid);
            ok++;
        }
        tk_msg_destroy (&r);
    }
    CHECK (ok == count);
    for (int seq = 1; seq <= count; seq++)
        if (by_seq[seq]) {
            zlistx_add_end (f->acked, by_seq[seq]);
            free (by_seq[seq]);
        }
    free (by_seq);
    zsock_destroy (&dealer);
}

//  Every live event is the stored event of its seq, byte for byte.
static void
s_check_live (fixture_t *f, live_t *live)
{
    CHECK (live->repeats == 0);
    zlistx_t *stored = tk_replay_all (f->entry->replay, 1);
    int differ = 0;
    size_t seen = 0;
    for (tk_msg_t *ev = (tk_msg_t *) zlistx_first (stored); ev;
         ev = (tk_msg_t *) zlistx_next (stored)) {
        char key[24];
        snprintf (key, sizeof key, "%" PRId64, tk_int (ev, "seq"));
        zchunk_t *chunk = (zchunk_t *) zhashx_lookup (live->seen, key);
        if (!chunk)
            continue;
        seen++;
        msgpack_sbuffer buf;
        msgpack_sbuffer_init (&buf);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
        msgpack_pack_object (&pk, *tk_root (ev));
        differ += buf.size != zchunk_size (chunk)
                  || memcmp (buf.data, zchunk_data (chunk), buf.size) != 0;
        msgpack_sbuffer_destroy (&buf);
    }
    if (!CHECK (differ == 0 && seen == zhashx_size (live->seen) && seen > 0))
        fprintf (stderr, "  live events: %zu seen, %zu matched a stored seq, %d differ\n",
                 zhashx_size (live->seen), seen, differ);
    printf ("map full: %zu events stored, %zu seen live, %d repeated\n",
            zlistx_size (stored), zhashx_size (live->seen), live->repeats);
    tk_events_destroy (&stored);
}

static void
test_map_full (void)
{
    fixture_t f;
    s_fixture_init (&f, tk_tmpdir (), 64 * 1024);
    live_t live = {zsock_new (ZMQ_SUB), zhashx_new (), 0};
    zhashx_set_destructor (live.seen, (zhashx_destructor_fn *) zchunk_destroy);
    zsock_set_rcvhwm (live.sub, 0);
    zsock_set_subscribe (live.sub, "");
    zsock_connect (live.sub, "%s", f.entry->events);
    zclock_sleep (200);
    s_pipeline (&f, &live, 3000);
    s_drain (&live, 500);
    s_check_live (&f, &live);
    zsock_destroy (&live.sub);
    zhashx_destroy (&live.seen);
    s_restart_and_verify (&f);
    tk_client_t *client = NULL;
    tk_msg_t *r =
        s_call (&f, &client, "{\"cmd\":\"candidate.list\",\"office\":\"nijmegen\"}");
    CHECK (tk_ok (r) && tk_int (r, "count") == 3000);
    tk_msg_destroy (&r);
    tk_client_destroy (&client);
    char *dir = f.dir;
    s_fixture_destroy (&f);
    tk_rmdir (&dir);
}

int
main (void)
{
    zsys_init ();
    test_map_full ();
    bool disk = test_disk_full ();
    int rc = tk_done ("test_faults");
    return rc == 0 && !disk ? SKIP_CODE : rc;
}
