/*  test_runtime - the service runtime through intake and a follower:
    group commit, rid dedup, framing, oversized messages, read-your-writes
    waits, a follower that starts late.  */
#include "follower.h"
#include "intake.h"
#include "json.h"
#include "testkit.h"

#define REG                                                                              \
    "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"id\":\"r-%d\","           \
    "\"rid\":\"rid-%d\"," TK_REGISTER_REST

typedef struct {
    char *dir;
    directory_t *directory;
    zactor_t *intake;
    zactor_t *follower;
    const dir_entry_t *in;
    const dir_entry_t *fo;
} fixture_t;

static zactor_t *
s_start (fixture_t *f, const service_def_t *def, const char *instance)
{
    char err[256];
    //  Long enough for a late follower to catch up under sanitizers on a
    //  busy machine; short enough to test the timeout.
    service_opts_t opts = {.instance = instance,
                           .data_dir = f->dir,
                           .directory = f->directory,
                           .after_wait_ms = 2000};
    zactor_t *actor = service_start (def, &opts, err, sizeof err);
    if (!CHECK (actor != NULL))
        fprintf (stderr, "start %s: %s\n", instance, err);
    return actor;
}

static zframe_t *
s_pack_json (const char *fmt, int a, int b)
{
    char *text = zsys_sprintf (fmt, a, b);
    zframe_t *frame = NULL;
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    char err[128];
    if (json_to_msgpack (text, strlen (text), &pk, err, sizeof err) == 0)
        frame = zframe_new (buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    free (text);
    return frame;
}

//  Sends count registrations at once on one socket; returns how many were
//  answered ok, each with its own seq in 1..count.
static int
s_pipeline (const char *endpoint, int count)
{
    zsock_t *dealer = zsock_new_dealer (endpoint);
    zsock_set_rcvtimeo (dealer, 10000);
    for (int i = 0; i < count; i++) {
        zframe_t *frame = s_pack_json (REG, i, i);
        zframe_send (&frame, dealer, 0);
    }
    bool *seen = (bool *) zmalloc ((size_t) count + 1);
    int ok = 0;
    for (int i = 0; i < count; i++) {
        tk_msg_t *r = tk_recv (dealer);
        if (!r)
            break;
        int64_t seq = tk_int (r, "position.seq");
        if (tk_ok (r) && seq >= 1 && seq <= count && !seen[seq]) {
            seen[seq] = true;
            ok++;
        }
        tk_msg_destroy (&r);
    }
    free (seen);
    zsock_destroy (&dealer);
    return ok;
}

//  500 commands in flight on one socket: all answered, one seq each.
static void
test_pipelined (fixture_t *f)
{
    CHECK (s_pipeline (f->in->command, 500) == 500);
}

//  A port another process holds: the service does not start, and says why.
static void
test_port_taken (void)
{
    char *dir = tk_tmpdir ();
    directory_t *directory = directory_new_defaults (tk_port_base ());
    const dir_entry_t *entry = directory_instance (directory, "intake");
    zsock_t *squatter = zsock_new (ZMQ_PUB);
    CHECK (zsock_bind (squatter, "%s", entry->command) > 0);
    service_opts_t opts = {.instance = "intake", .data_dir = dir, .directory = directory};
    char err[640] = "";
    zactor_t *actor = service_start (intake_service (), &opts, err, sizeof err);
    CHECK (actor == NULL && strstr (err, "cannot bind") && strstr (err, entry->command));
    zactor_destroy (&actor);
    zsock_destroy (&squatter);
    //  Freed, the same port serves at once.
    actor = tk_start (intake_service (), "intake", dir, directory);
    zactor_destroy (&actor);
    //  An instance the directory does not list, or lists for another
    //  service, does not start, and says which.
    opts.instance = "nobody";
    actor = service_start (intake_service (), &opts, err, sizeof err);
    CHECK (actor == NULL
           && strstr (err, "the directory lists no intake instance named nobody"));
    opts.instance = "training";
    actor = service_start (intake_service (), &opts, err, sizeof err);
    CHECK (actor == NULL
           && strstr (err, "the directory lists no intake instance named training"));
    directory_destroy (&directory);
    tk_rmdir (&dir);
}

//  A map far too small: it grows many times while batches are applied, and
//  no command fails for it (a command that hit the full map is run again
//  with its batch, not answered with an error).
static void
test_map_growth (void)
{
    char *dir = tk_tmpdir ();
    directory_t *directory = directory_new_defaults (tk_port_base ());
    service_opts_t opts = {.instance = "intake",
                           .data_dir = dir,
                           .directory = directory,
                           .map_initial = 64 * 1024};
    char err[640];
    zactor_t *actor = service_start (intake_service (), &opts, err, sizeof err);
    CHECK (actor != NULL);
    const dir_entry_t *entry = directory_instance (directory, "intake");
    CHECK (s_pipeline (entry->command, 3000) == 3000);
    zlistx_t *events = tk_replay_all (entry->replay, 1);
    CHECK (zlistx_size (events) == 3000);
    tk_events_destroy (&events);
    zactor_destroy (&actor);
    directory_destroy (&directory);
    tk_rmdir (&dir);
}

static void
test_rid (fixture_t *f)
{
    tk_client_t *client = tk_client_new (f->in->command);
    //  The same rid twice: applied once, answered the same.
    tk_msg_t *a = tk_expect (client, NULL, REG, 9000, 9000);
    tk_msg_t *b = tk_expect (client, NULL, REG, 9000, 9000);
    CHECK (tk_int (a, "position.seq") == tk_int (b, "position.seq"));
    tk_msg_destroy (&a);
    tk_msg_destroy (&b);
    //  A rid reused for another command is a conflict.
    tk_msg_t *c =
        tk_expect (client, "conflict",
                   "{\"cmd\":\"candidate.info_session\",\"rid\":\"rid-9000\","
                   "\"office\":\"nijmegen\",\"id\":\"r-9000\",\"date\":\"2020-01-07\"}");
    CHECK (streq (tk_str (c, "error.field"), "rid"));
    CHECK (streq (tk_str (c, "rid"), "rid-9000"));
    tk_msg_destroy (&c);
    //  A failed command is not remembered: the retry is evaluated anew.
    tk_msg_t *d =
        tk_expect (client, "not_found",
                   "{\"cmd\":\"candidate.info_session\",\"rid\":\"late-1\","
                   "\"office\":\"nijmegen\",\"id\":\"r-late\",\"date\":\"2020-01-07\"}");
    tk_msg_destroy (&d);
    tk_msg_t *e = tk_expect (client, NULL, REG, 777777, 777777);
    tk_msg_destroy (&e);
    tk_client_destroy (&client);
    zlistx_t *events = tk_replay_all (f->in->replay, 1);
    int registrations = 0;
    for (tk_msg_t *ev = (tk_msg_t *) zlistx_first (events); ev;
         ev = (tk_msg_t *) zlistx_next (events))
        registrations += streq (tk_str (ev, "candidate"), "r-9000");
    CHECK (registrations == 1);
    CHECK (zlistx_size (events) == 502);
    tk_events_destroy (&events);
}

static void
test_framing (fixture_t *f)
{
    tk_client_t *client = tk_client_new (f->in->command);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "one");
    zmsg_addstr (msg, "two");
    tk_msg_t *r = tk_call_frames (client, &msg);
    CHECK (streq (tk_code (r), "invalid_argument")
           && streq (tk_str (r, "error.field"), "frame"));
    tk_msg_destroy (&r);
    //  300 KiB: over the body limit, under the socket's: a clear refusal.
    size_t size = 300 * 1024;
    uint8_t *big = (uint8_t *) calloc (1, size);
    big[0] = 0x81;
    r = tk_call_raw (client, big, size);
    CHECK (streq (tk_code (r), "invalid_argument")
           && streq (tk_str (r, "error.field"), "frame"));
    tk_msg_destroy (&r);
    free (big);
    //  2 MiB: over the socket limit: the connection is dropped, others served.
    size = 2 * 1024 * 1024;
    big = (uint8_t *) calloc (1, size);
    zsock_t *hostile = zsock_new_dealer (f->in->command);
    zframe_t *huge = zframe_new (big, size);
    zframe_send (&huge, hostile, 0);
    zclock_sleep (200);
    zsock_destroy (&hostile);
    free (big);
    r = tk_expect (client, NULL, "{\"cmd\":\"service.status\"}");
    CHECK (tk_int (r, "head") == 502);
    tk_msg_destroy (&r);
    tk_client_destroy (&client);
    //  A REQ peer gets its delimiter back.
    zsock_t *req = zsock_new_req (f->in->command);
    zsock_set_rcvtimeo (req, 5000);
    zframe_t *frame = s_pack_json ("{\"cmd\":\"service.status\"}", 0, 0);
    zframe_send (&frame, req, 0);
    zframe_t *reply = zframe_recv (req);
    CHECK (reply && zframe_size (reply) > 0);
    zframe_destroy (&reply);
    zsock_destroy (&req);
}

//  The replay endpoint refuses what is not a well-formed replay request.
static void
test_replay_refusals (fixture_t *f)
{
    tk_client_t *client = tk_client_new (f->in->replay);
    const char *bad[] = {"{\"cmd\":\"candidate.get\",\"from\":1}",
                         "{\"cmd\":\"replay\",\"from\":0}",
                         "{\"cmd\":\"replay\",\"from\":1,\"max\":1001}",
                         "{\"cmd\":\"replay\",\"from\":\"1\"}", "{\"cmd\":\"replay\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tk_msg_t *r = tk_expect (client, "invalid_argument", "%s", bad[i]);
        tk_msg_destroy (&r);
    }
    tk_msg_t *r = tk_call_raw (client, "\xc1", 1);
    CHECK (streq (tk_code (r), "invalid_argument"));
    tk_msg_destroy (&r);
    //  Past the head: an empty list; max bounds the batch.
    r = tk_expect (client, NULL, "{\"cmd\":\"replay\",\"from\":100000}");
    CHECK (tk_get (r, "events") && tk_get (r, "events")->via.array.size == 0);
    CHECK (tk_int (r, "head") == 502);
    tk_msg_destroy (&r);
    r = tk_expect (client, NULL, "{\"cmd\":\"replay\",\"from\":10,\"max\":3}");
    CHECK (tk_get (r, "events") && tk_get (r, "events")->via.array.size == 3);
    CHECK (tk_int (r, "events.0.seq") == 10 && tk_int (r, "events.2.seq") == 12);
    //  The stream's identity: 20 letters, the same after a restart.
    char epoch[32];
    snprintf (epoch, sizeof epoch, "%s", tk_str (r, "epoch"));
    CHECK (strlen (epoch) == 20 && strspn (epoch, "abcdefghijklmnop") == 20);
    tk_msg_destroy (&r);
    tk_client_destroy (&client);
    zactor_destroy (&f->intake);
    f->intake = s_start (f, intake_service (), "intake");
    client = tk_client_new (f->in->replay);
    r = tk_expect (client, NULL, "{\"cmd\":\"replay\",\"from\":1,\"max\":1}");
    CHECK (streq (tk_str (r, "epoch"), epoch));
    tk_msg_destroy (&r);
    tk_client_destroy (&client);
}

static void
test_follower (fixture_t *f)
{
    //  Started after 502 events: it catches up, each once, in order.
    f->follower = s_start (f, follower_service (), "follower");
    tk_client_t *client = tk_client_new (f->fo->command);
    tk_msg_t *r =
        tk_expect (client, NULL,
                   "{\"cmd\":\"follower.stats\",\"after\":[{\"service\":\"intake\","
                   "\"instance\":\"intake\",\"seq\":502}]}");
    CHECK (tk_int (r, "count") == 502 && tk_int (r, "dups") == 0
           && tk_int (r, "gaps") == 0);
    tk_msg_destroy (&r);
    //  A position it cannot reach in time: unavailable, naming after.
    r = tk_expect (client, "unavailable",
                   "{\"cmd\":\"follower.stats\",\"after\":[{\"service\":\"intake\","
                   "\"instance\":\"intake\",\"seq\":99999}]}");
    CHECK (streq (tk_str (r, "error.field"), "after"));
    tk_msg_destroy (&r);
    r = tk_expect (client, "invalid_argument",
                   "{\"cmd\":\"follower.stats\",\"after\":[{\"service\":\"intake\"}]}");
    tk_msg_destroy (&r);
    //  Live events arrive through the hint path too.
    tk_client_t *intake = tk_client_new (f->in->command);
    tk_msg_t *reg = tk_expect (intake, NULL, REG, 424242, 424242);
    tk_msg_destroy (&reg);
    int64_t deadline = zclock_mono () + 5000;
    int64_t count = 0;
    while (count != 503 && zclock_mono () < deadline) {
        r = tk_call (client, "{\"cmd\":\"follower.stats\"}");
        count = tk_int (r, "count");
        tk_msg_destroy (&r);
        zclock_sleep (20);
    }
    CHECK (count == 503);
    r = tk_expect (client, NULL, "{\"cmd\":\"service.status\"}");
    CHECK (tk_int (r, "consumers.0.position") == 503
           && tk_int (r, "consumers.0.lag") == 0);
    tk_msg_destroy (&r);
    tk_client_destroy (&intake);
    tk_client_destroy (&client);
}

#define NOTE                                                                             \
    "{\"cmd\":\"follower.note\",\"office\":\"nijmegen\",\"id\":\"n-%d\",\"rid\":\"note-" \
    "%d\"}"
#define NOTE_FAIL                                                                        \
    "{\"cmd\":\"follower.note\",\"office\":\"nijmegen\",\"id\":\"n-%d\",\"rid\":\"note-" \
    "%d\","                                                                              \
    "\"fail\":true}"

//  One reply to a note: its index (from the rid), ok, its seq.
static int
s_note_reply (zsock_t *dealer, bool *ok, int64_t *seq)
{
    tk_msg_t *r = tk_recv (dealer);
    if (!r)
        return -1;
    const char *rid = tk_str (r, "rid");
    int index = strncmp (rid, "note-", 5) == 0 ? atoi (rid + 5) : -1;
    *ok = tk_ok (r);
    *seq = tk_int (r, "position.seq");
    bool refused = streq (tk_code (r), "failed_precondition");
    tk_msg_destroy (&r);
    return *ok || refused ? index : -1;
}

//  60 notes at once on one socket, every third refused after it emitted an
//  event and stored a record: those fail alone and leave nothing; the others
//  commit with consecutive seqs. Batches run commands directly in one
//  transaction, so a refusal after changes is undone by running the batch
//  again with each command nested: this is that path.
static void
test_refused_after_writes (fixture_t *f)
{
    zsock_t *dealer = zsock_new_dealer (f->fo->command);
    zsock_set_rcvtimeo (dealer, 10000);
    for (int i = 0; i < 60; i++) {
        zframe_t *frame = s_pack_json (i % 3 == 1 ? NOTE_FAIL : NOTE, i, i);
        zframe_send (&frame, dealer, 0);
    }
    bool seen_seq[41] = {false}, answered[60] = {false};
    int right = 0;
    for (int i = 0; i < 60; i++) {
        bool ok;
        int64_t seq;
        int index = s_note_reply (dealer, &ok, &seq);
        if (index < 0 || index >= 60 || answered[index] || ok != (index % 3 != 1))
            continue;
        answered[index] = true;
        if (ok && (seq < 1 || seq > 40 || seen_seq[seq]))
            continue;
        if (ok)
            seen_seq[seq] = true;
        right++;
    }
    CHECK (right == 60);
    zsock_destroy (&dealer);
    tk_client_t *client = tk_client_new (f->fo->command);
    int stored_right = 0;
    for (int i = 0; i < 60; i++) {
        tk_msg_t *r = tk_expect (
            client, NULL,
            "{\"cmd\":\"follower.has_note\",\"office\":\"nijmegen\",\"id\":\"n-%d\"}", i);
        const msgpack_object *stored = tk_get (r, "stored");
        stored_right += stored && stored->type == MSGPACK_OBJECT_BOOLEAN
                        && stored->via.boolean == (i % 3 != 1);
        tk_msg_destroy (&r);
    }
    CHECK (stored_right == 60);
    tk_msg_t *r = tk_expect (client, NULL, "{\"cmd\":\"service.status\"}");
    CHECK (tk_int (r, "head") == 40);
    tk_msg_destroy (&r);
    tk_client_destroy (&client);
}

//  --------------------------------------------------------------------------
//  Retention's erasures go through the checks every command goes through:
//  an id the due hook gives that is no identifier is refused before a
//  handler sees it, and a service without candidate.erase refuses the
//  erasure instead of running a handler it does not have.

typedef struct {
    int erased;            //  candidate.erase handled
    char last[64];         //  the id it was handled for
    const char *due[2][2]; //  what the due hook gives: id, office
} keeper_t;

static int
s_keeper_due (store_tx_t *tx, int64_t cutoff_ms, zlistx_t *due, size_t max, void *arg)
{
    (void) tx, (void) cutoff_ms, (void) max;
    keeper_t *k = (keeper_t *) arg;
    for (int i = 0; i < 2 && k->due[i][0]; i++) {
        size_t ilen = strlen (k->due[i][0]), olen = strlen (k->due[i][1]);
        zchunk_t *chunk = zchunk_new (NULL, ilen + olen + 2);
        zchunk_extend (chunk, k->due[i][0], ilen + 1);
        zchunk_extend (chunk, k->due[i][1], olen + 1);
        zlistx_add_end (due, chunk);
    }
    return 0;
}

static int
s_keeper_erase (cmd_ctx_t *ctx)
{
    keeper_t *k = (keeper_t *) cmd_state (ctx);
    k->erased++;
    map_str (cmd_body (ctx), "id", k->last, sizeof k->last);
    return 0;
}

static const field_t s_keeper_fields[] = {{"id", F_ID, true, 0, 0, 0, NULL, NULL},
                                          {NULL, 0, false, 0, 0, 0, NULL, NULL}};
static const command_t s_keeper_rows[] = {
    {"candidate.erase", s_keeper_fields, s_keeper_erase, CMD_ERASES, R_ANYONE},
    {NULL, NULL, NULL, 0, 0}};
static const command_t s_keeper_no_rows[] = {{NULL, NULL, NULL, 0, 0}};

static void
s_keep (fixture_t *f, const command_t *rows, keeper_t *k)
{
    service_def_t def = {.service = "follower", .commands = rows, .state = k};
    def.due = s_keeper_due;
    service_opts_t opts = {.instance = "follower",
                           .data_dir = f->dir,
                           .directory = f->directory,
                           .retention = "candidate=0s,check=1s"};
    char err[256];
    zactor_t *actor = service_start (&def, &opts, err, sizeof err);
    CHECK (actor != NULL);
    //  The first look is two seconds after the start.
    zclock_sleep (2600);
    tk_client_t *client = tk_client_new (f->fo->command);
    tk_msg_t *r = tk_call (client, "{\"cmd\":\"service.status\"}");
    CHECK (tk_ok (r));
    tk_msg_destroy (&r);
    tk_client_destroy (&client);
    zactor_destroy (&actor);
}

static void
test_retention_checked (fixture_t *f)
{
    keeper_t k = {0, "", {{"bad id!", "nijmegen"}, {"k-1", "nijmegen"}}};
    s_keep (f, s_keeper_rows, &k);
    CHECK (k.erased >= 1 && streq (k.last, "k-1"));
    keeper_t none = {0, "", {{"k-2", "nijmegen"}, {NULL, NULL}}};
    s_keep (f, s_keeper_no_rows, &none);
    CHECK (none.erased == 0);
}

int
main (void)
{
    zsys_init ();
    fixture_t f = {tk_tmpdir (), NULL, NULL, NULL, NULL, NULL};
    int base = tk_port_base ();
    char *config = tk_write_config (f.dir, base);
    tk_add_follower (config, base);
    char err[256];
    f.directory = directory_new (config, err, sizeof err);
    f.in = directory_instance (f.directory, "intake");
    f.fo = directory_instance (f.directory, "follower");
    f.intake = s_start (&f, intake_service (), "intake");
    test_pipelined (&f);
    test_rid (&f);
    test_framing (&f);
    test_replay_refusals (&f);
    test_follower (&f);
    test_refused_after_writes (&f);
    test_map_growth ();
    test_port_taken ();
    zactor_destroy (&f.follower);
    test_retention_checked (&f);
    zactor_destroy (&f.follower);
    zactor_destroy (&f.intake);
    directory_destroy (&f.directory);
    free (config);
    tk_rmdir (&f.dir);
    return tk_done ("test_runtime");
}
