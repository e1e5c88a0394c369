/*  test_evlog - the event stream in the store: sequence numbers, replay
    batches, erasure's rewrite of every event about a subject, and the
    tokens that replace an erased id.  */
#include "evlog.h"
#include "scrub.h"
#include "testkit.h"

static STORE_TABLE (t_people, "people");

static const store_table_t *const s_tables[] = {EVLOG_TABLES, NULL};
static const char *const s_drop[] = {"birth_year", NULL};

#define MANY 10000

//  A stage assessment about who, its subject indexed in index (NULL: the
//  default table).
static evlog_meta_t
s_meta (const char *who, const store_table_t *index)
{
    return (evlog_meta_t){.service = "intake",
                          .instance = "intake",
                          .type = "candidate.stage_assessed",
                          .office = "nijmegen",
                          .date = "2020-01-01",
                          .subject = who,
                          .index = index};
}

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
        evlog_meta_t meta = s_meta (who, NULL);
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
    return evlog_pseudonymise (tx, NULL, "c-gone", "anon-1", s_drop, NULL);
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
    return store_scan (tx, evlog_events, NULL, 0, NULL, 0, s_tally, arg);
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
        evlog_meta_t meta = s_meta ("c-large", NULL);
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
    char token[SCRUB_TOKEN_SIZE], other[SCRUB_TOKEN_SIZE];
    int letters_only = 0;
    for (int i = 0; i < 1000; i++) {
        scrub_token (token);
        letters_only += strlen (token) == 25 && strncmp (token, "anon-", 5) == 0
                        && strspn (token + 5, "abcdefghijklmnop") == 20;
    }
    CHECK (letters_only == 1000);
    scrub_token (other);
    CHECK (strcmp (token, other) != 0);
}

//  A store that indexed its first events in "subjects" and the later ones
//  in its own table "people", beside the records keyed by the subjects.
static int
s_append_own (store_tx_t *tx, void *arg)
{
    (void) arg;
    msgpack_sbuffer out;
    msgpack_sbuffer_init (&out);
    int rc = store_put (tx, t_people, "c-a", 3, "record", 6)
             || store_put (tx, t_people, "c-b", 3, "record", 6);
    for (int i = 0; i < 40 && rc == 0; i++) {
        kv_t f;
        kv_init (&f);
        const char *who = i % 4 ? "c-a" : "c-b";
        kv_str (&f, "candidate", who);
        evlog_meta_t meta = s_meta (who, i < 20 ? NULL : t_people);
        rc = evlog_append (tx, &meta, &f, &out) ? 0 : -1;
        kv_destroy (&f);
    }
    msgpack_sbuffer_destroy (&out);
    return rc;
}

typedef struct {
    int records, entries, of_a;
} people_t;

static int
s_count_people (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    people_t *p = (people_t *) arg;
    bool entry = evlog_index_key (key, klen);
    p->records += !entry;
    p->entries += entry;
    p->of_a += entry && klen == 12 && memcmp (key, "c-a", 4) == 0;
    return 0;
}

typedef struct {
    people_t people, subjects; //  subjects: only c-a's entries
    tally_t tally;
} own_t;

static int
s_check_own (store_tx_t *tx, void *arg)
{
    own_t *o = (own_t *) arg;
    memset (o, 0, sizeof *o);
    if (store_scan (tx, t_people, NULL, 0, NULL, 0, s_count_people, &o->people)
        || store_scan (tx, evlog_subjects, NULL, 0, "c-a", 4, s_count_people,
                       &o->subjects))
        return -1;
    return store_scan (tx, evlog_events, NULL, 0, NULL, 0, s_tally, &o->tally);
}

static int
s_erase_own (store_tx_t *tx, void *arg)
{
    return evlog_pseudonymise (tx, t_people, (const char *) arg, "anon-1", s_drop, NULL);
}

//  Erasure finds a subject's events by both its service's own index and the
//  one the store kept before; the records beside the entries stay.
static void
test_own_index (const char *dir)
{
    const store_table_t *const tables[] = {EVLOG_TABLES, t_people, NULL};
    char *path = zsys_sprintf ("%s/own", dir);
    oerr_t err;
    store_t *store = store_new (path, tables, &err);
    CHECK (store && store_write (store, s_append_own, NULL, &err) == 0);
    own_t o;
    CHECK (store_read (store, s_check_own, &o, &err) == 0);
    CHECK (o.people.records == 2 && o.people.entries == 20 && o.people.of_a == 15);
    CHECK (o.subjects.entries == 15);
    CHECK (store_write (store, s_erase_own, "c-a", &err) == 0);
    CHECK (store_read (store, s_check_own, &o, &err) == 0);
    CHECK (o.people.records == 2 && o.people.entries == 5 && o.people.of_a == 0);
    CHECK (o.subjects.entries == 0);
    CHECK (o.tally.token == 30);
    //  A subject longer than any id is refused, not copied past its buffer.
    char *longer = zsys_sprintf ("c-%0*d", CODEC_ID_MAX, 7);
    CHECK (store_write (store, s_erase_own, longer, &err) == -1);
    zstr_free (&longer);
    CHECK (!evlog_index_key ("c-a", 3) && !evlog_index_key ("", 0));
    store_destroy (&store);
    zstr_free (&path);
}

//  What erase.check and the removal of replies take for an id: whole
//  identifiers only, on both sides, through MessagePack's string lengths.
static void
test_scrub_holds (void)
{
    CHECK (scrub_holds ("c-1", 3, "c-1"));
    CHECK (!scrub_holds ("c-10", 4, "c-1"));
    CHECK (!scrub_holds ("xc-1", 4, "c-1") && !scrub_holds ("erase-c-1", 9, "c-1"));
    CHECK (scrub_holds ("c-10\0c-1", 8, "c-1"));
    //  A fixstr's length byte is no identifier character.
    CHECK (scrub_holds ("\xa3"
                        "c-1",
                        4, "c-1"));
    //  A hex digest that ends in the id's letters: not the id.
    CHECK (!scrub_holds ("\xd9\x20"
                         "e2c0b5250f2a35c8b2118a22629306c8\xa6",
                         36, "c8"));
    //  A str8 of exactly the id, its length byte an identifier character
    //  ('-' is 45: an id of 45 characters).
    char str8[64] = "\xd9-";
    memset (str8 + 2, 'x', 45);
    char id[46];
    memset (id, 'x', 45);
    id[45] = 0;
    CHECK (scrub_holds (str8, 47, id));
    str8[1] = '.'; //  46: another length, so these 45 are inside a longer id
    CHECK (!scrub_holds (str8, 47, id));
    CHECK (!scrub_holds ("", 0, "c-1") && !scrub_holds ("c-", 2, "c-1"));
}

int
main (void)
{
    zsys_init ();
    test_scrub_holds ();
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
    test_own_index (dir);
    store_destroy (&store);
    tk_rmdir (&dir);
    return tk_done ("test_evlog");
}
