/*  test_evlog - the event stream in the store: sequence numbers, replay
    batches, erasure's rewrite of every event about a subject, and the
    tokens that replace an erased id.  */
#include "evlog.h"
#include "scrub.h"
#include "testkit.h"

static const char *const s_tables[] = {EVLOG_TABLES, NULL};
static const char *const s_drop[] = {"birth_year", NULL};

#define MANY 10000

static int
s_append_many (store_tx_t *tx, void *arg)
{
    (void) arg;
    msgpack_sbuffer out;
    msgpack_sbuffer_init (&out);
    int rc = 0;
    for (int i = 0; i < MANY && rc == 0; i++) {
        kv_t f;
        kv_init (&f);
        const char *who = i % 2 ? "c-other" : "c-gone";
        kv_str (&f, "candidate", who);
        kv_int (&f, "birth_year", 1980);
        evlog_meta_t meta = {"intake",   "intake",     "candidate.stage_assessed",
                             "nijmegen", "2020-01-01", who};
        rc = evlog_append (tx, &meta, &f, &out) == (uint64_t) i + 1 ? 0 : -1;
        kv_destroy (&f);
    }
    msgpack_sbuffer_destroy (&out);
    return rc;
}

static int
s_erase (store_tx_t *tx, void *arg)
{
    (void) arg;
    return evlog_pseudonymise (tx, "c-gone", "anon-1", s_drop);
}

typedef struct {
    int gone, token, other, with_year, other_with_year;
} tally_t;

static int
s_tally (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    tally_t *t = (tally_t *) arg;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    const msgpack_object *event = msg ? msg_root (msg) : NULL;
    const msgpack_object *who = obj_get (event, "candidate");
    bool year = obj_get (event, "birth_year") != NULL;
    t->gone += obj_is_str (who, "c-gone");
    t->token += obj_is_str (who, "anon-1") && !year;
    t->other += obj_is_str (who, "c-other");
    t->other_with_year += obj_is_str (who, "c-other") && year;
    msg_destroy (&msg);
    return 0;
}

static int
s_check (store_tx_t *tx, void *arg)
{
    CHECK (evlog_head (tx) == MANY);
    return store_scan (tx, "events", NULL, 0, NULL, 0, s_tally, arg);
}

static int
s_replay (store_tx_t *tx, void *arg)
{
    return evlog_replay (tx, MANY - 10, 256, (msgpack_sbuffer *) arg);
}

//  1,000 events of about 1 KiB each after the MANY small ones.
static int
s_append_large (store_tx_t *tx, void *arg)
{
    (void) arg;
    char filler[1001];
    memset (filler, 'x', 1000);
    filler[1000] = 0;
    msgpack_sbuffer out;
    msgpack_sbuffer_init (&out);
    int rc = 0;
    for (int i = 0; i < 1000 && rc == 0; i++) {
        kv_t f;
        kv_init (&f);
        kv_str (&f, "candidate", "c-large");
        kv_str (&f, "filler", filler);
        evlog_meta_t meta = {"intake",   "intake",     "candidate.stage_assessed",
                             "nijmegen", "2020-01-01", "c-large"};
        rc = evlog_append (tx, &meta, &f, &out) ? 0 : -1;
        kv_destroy (&f);
    }
    msgpack_sbuffer_destroy (&out);
    return rc;
}

static int
s_replay_large (store_tx_t *tx, void *arg)
{
    return evlog_replay (tx, MANY + 1, 1000, (msgpack_sbuffer *) arg);
}

//  The most a consumer may ask for, of events that together exceed what
//  it can decode: the answer stops short and still decodes, and `next`
//  continues it.
static void
test_replay_fits_decoder (store_t *store)
{
    oerr_t err;
    CHECK (store_write (store, s_append_large, NULL, &err) == 0);
    msgpack_sbuffer out;
    msgpack_sbuffer_init (&out);
    CHECK (store_read (store, s_replay_large, &out, &err) == 0);
    CHECK (out.size <= CODEC_MAX_BODY);
    msg_t *reply = msg_decode (out.data, out.size, &err);
    CHECK (reply != NULL);
    const msgpack_object *events = reply ? obj_get (msg_root (reply), "events") : NULL;
    uint32_t count = events ? events->via.array.size : 0;
    CHECK (count > 100 && count < 1000);
    CHECK (reply && map_int (msg_root (reply), "next", 0) == MANY + 1 + count);
    msg_destroy (&reply);
    msgpack_sbuffer_destroy (&out);
}

//  Tokens are "anon-" and 20 letters: never a digit, so never nine in a row
//  that a scan for BSNs would flag (the hex tokens before did, 1 in 13).
static void
test_tokens (void)
{
    char token[SCRUB_TOKEN_SIZE], other[SCRUB_TOKEN_SIZE], small[SCRUB_TOKEN_SIZE - 1];
    int letters_only = 0;
    for (int i = 0; i < 1000; i++)
        letters_only += scrub_token (token, sizeof token) == 0 && strlen (token) == 25
                        && strncmp (token, "anon-", 5) == 0
                        && strspn (token + 5, "abcdefghijklmnop") == 20;
    CHECK (letters_only == 1000);
    CHECK (scrub_token (other, sizeof other) == 0 && strcmp (token, other) != 0);
    CHECK (scrub_token (small, sizeof small) == -1);
}

int
main (void)
{
    zsys_init ();
    char *dir = tk_tmpdir ();
    oerr_t err;
    store_t *store = store_new (dir, s_tables, &err);
    CHECK (store_write (store, s_append_many, NULL, &err) == 0);
    //  More events than one round of the rewrite gathers: all are reached.
    CHECK (store_write (store, s_erase, NULL, &err) == 0);
    tally_t t = {0, 0, 0, 0, 0};
    CHECK (store_read (store, s_check, &t, &err) == 0);
    CHECK (t.gone == 0);
    CHECK (t.token == MANY / 2);
    CHECK (t.other == MANY / 2 && t.other_with_year == MANY / 2);
    msgpack_sbuffer out;
    msgpack_sbuffer_init (&out);
    CHECK (store_read (store, s_replay, &out, &err) == 0);
    msg_t *reply = msg_decode (out.data, out.size, &err);
    const msgpack_object *events = reply ? obj_get (msg_root (reply), "events") : NULL;
    CHECK (events && events->via.array.size == 11);
    CHECK (reply && map_int (msg_root (reply), "head", 0) == MANY);
    msg_destroy (&reply);
    msgpack_sbuffer_destroy (&out);
    test_replay_fits_decoder (store);
    test_tokens ();
    store_destroy (&store);
    tk_rmdir (&dir);
    return tk_done ("test_evlog");
}
