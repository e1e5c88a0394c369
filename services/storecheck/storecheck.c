/*  opstap-storecheck - checks one instance's store (a copy: a backup or a
    restore) for the invariants the runtime relies on, prints its figures
    and exits 1 on a problem:

      - the events are seq 1..head with no gap, each decodes to a map whose
        seq, service, instance, type and office are there and agree;
      - every subject index entry points at an event that exists (intake
        keeps its entries in candidates, beside the records);
      - each consumer position is a number, and no higher than the head of
        the producer's store when that store is given too.

        opstap-storecheck DIR [PRODUCER_DIR...]

    DIR is the instance's store directory (DATA/INSTANCE). The store is
    opened normally, so check a copy, never the store of a running service.  */
#include "consumer.h"
#include "evlog.h"
#include "intake.h"
#include "opstap_version.h"
#include "store.h"

#include <libgen.h>
#include <sys/stat.h>

#define CHECK_PROBLEMS_SHOWN 10

typedef struct {
    uint64_t events;
    uint64_t expect; //  next seq expected
    uint64_t bytes;
    uint64_t subjects;
    uint64_t positions;
    uint64_t problems;
    char instance[CODEC_ID_MAX + 1]; //  as the first event names it
    char service[CODEC_ID_MAX + 1];  //  the same
    bool own_index;                  //  scanning a table that also holds records
    store_tx_t *tx;
    zlist_t *producers; //  of producer_t
} check_t;

typedef struct {
    char instance[256];
    uint64_t head;
} producer_t;

static void
s_problem (check_t *self, const char *fmt, ...)
{
    if (self->problems++ >= CHECK_PROBLEMS_SHOWN)
        return;
    va_list args;
    va_start (args, fmt);
    fputs ("problem: ", stdout);
    vprintf (fmt, args);
    fputs ("\n", stdout);
    va_end (args);
}

static bool
s_has_str (const msgpack_object *map, const char *key, char *buf, size_t size)
{
    const msgpack_object *value = obj_get (map, key);
    return value && obj_str (value, buf, size) == 0 && *buf;
}

static void
s_check_event (check_t *self, uint64_t seq, const void *val, size_t vlen)
{
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    const msgpack_object *root = msg ? msg_root (msg) : NULL;
    const msgpack_object *at = root ? obj_get (root, "seq") : NULL;
    char buf[CODEC_ID_MAX + 1];
    if (!root || root->type != MSGPACK_OBJECT_MAP)
        s_problem (self, "event %" PRIu64 " does not decode to a map", seq);
    else if (!at || at->type != MSGPACK_OBJECT_POSITIVE_INTEGER || at->via.u64 != seq)
        s_problem (self, "event %" PRIu64 " carries another seq", seq);
    else if (!s_has_str (root, "service", buf, sizeof buf)
             || !s_has_str (root, "type", buf, sizeof buf)
             || !s_has_str (root, "office", buf, sizeof buf)
             || !s_has_str (root, "instance", buf, sizeof buf))
        s_problem (self, "event %" PRIu64 " lacks service, type, office or instance",
                   seq);
    else if (!*self->instance) {
        snprintf (self->instance, sizeof self->instance, "%s", buf);
        s_has_str (root, "service", self->service, sizeof self->service);
    } else if (strcmp (self->instance, buf) != 0)
        s_problem (self, "event %" PRIu64 " is of instance %s, not %s", seq, buf,
                   self->instance);
    msg_destroy (&msg);
}

static int
s_each_event (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    check_t *self = (check_t *) arg;
    if (klen != 8) {
        s_problem (self, "an events key of %zu bytes", klen);
        return 0;
    }
    uint64_t seq = store_u64_from (key);
    if (seq != self->expect)
        s_problem (self, "seq %" PRIu64 " follows %" PRIu64 " (a gap)", seq,
                   self->expect - 1);
    self->expect = seq + 1;
    self->events++;
    self->bytes += vlen;
    s_check_event (self, seq, val, vlen);
    return 0;
}

//  A subjects key: the subject, a NUL, the event's seq (8 bytes).
static int
s_each_subject (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    check_t *self = (check_t *) arg;
    if (self->own_index && !evlog_index_key (key, klen))
        return 0;
    self->subjects++;
    const uint8_t *k = (const uint8_t *) key;
    if (klen < 10 || k[klen - 9] != 0) {
        s_problem (self, "a subjects key of %zu bytes is malformed", klen);
        return 0;
    }
    uint64_t seq = store_u64_from (k + klen - 8);
    uint8_t event[8];
    store_u64_key (seq, event);
    const void *found;
    size_t flen;
    if (store_get (self->tx, evlog_events, event, 8, &found, &flen) != 0)
        s_problem (self, "subject %.*s points at event %" PRIu64 ", which is missing",
                   (int) (klen - 9), (const char *) key, seq);
    return 0;
}

static int
s_each_position (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    check_t *self = (check_t *) arg;
    self->positions++;
    if (vlen != 8) {
        s_problem (self, "position of %.*s is %zu bytes", (int) klen, (const char *) key,
                   vlen);
        return 0;
    }
    uint64_t position = store_u64_from (val);
    printf ("position %.*s %" PRIu64, (int) klen, (const char *) key, position);
    for (producer_t *p = (producer_t *) zlist_first (self->producers); p;
         p = (producer_t *) zlist_next (self->producers))
        if (strlen (p->instance) == klen && memcmp (p->instance, key, klen) == 0) {
            printf (" (producer head %" PRIu64 ")", p->head);
            if (position > p->head)
                s_problem (self, "position %" PRIu64 " of %s is past its head %" PRIu64,
                           position, p->instance, p->head);
        }
    printf ("\n");
    return 0;
}

static int
s_check (store_tx_t *tx, void *arg)
{
    check_t *self = (check_t *) arg;
    self->tx = tx;
    if (store_scan (tx, evlog_events, NULL, 0, NULL, 0, s_each_event, self)
        || store_scan (tx, evlog_subjects, NULL, 0, NULL, 0, s_each_subject, self)
        || store_scan (tx, consumer_positions, NULL, 0, NULL, 0, s_each_position, self)) {
        s_problem (self, "the store failed a scan");
        return -1;
    }
    return 0;
}

static int
s_read_head (store_tx_t *tx, void *arg)
{
    *(uint64_t *) arg = evlog_head (tx);
    return 0;
}

//  The table besides evlog_subjects where a service keeps its subject
//  index, or NULL. Only intake has one.
static const store_table_t *
s_own_index (const char *service)
{
    const service_def_t *intake = intake_service ();
    return streq (service, intake->service) ? intake->index : NULL;
}

//  Opens the store at path, with the table index too unless NULL; NULL with
//  the reason printed.
static store_t *
s_open (const char *path, const store_table_t *index)
{
    const store_table_t *const tables[] = {EVLOG_TABLES, CONSUMER_TABLES, index, NULL};
    char *data = zsys_sprintf ("%s/data.mdb", path);
    struct stat st;
    bool there = data && stat (data, &st) == 0;
    zstr_free (&data);
    if (!there) {
        printf ("problem: %s holds no store (no data.mdb)\n", path);
        return NULL;
    }
    oerr_t err;
    store_t *store = store_new (path, tables, &err);
    if (!store)
        printf ("problem: cannot open %s: %s\n", path, err.message);
    return store;
}

//  The entries in the service's own index table (s_own_index).
static int
s_check_own (store_tx_t *tx, void *arg)
{
    check_t *self = (check_t *) arg;
    self->tx = tx;
    self->own_index = true;
    const store_table_t *index = s_own_index (self->service);
    if (store_scan (tx, index, NULL, 0, NULL, 0, s_each_subject, self)) {
        s_problem (self, "the store failed a scan of %s", index->name);
        return -1;
    }
    return 0;
}

//  Checks the store at path; NULL when it could not be opened, else the
//  store, open for its figures.
static store_t *
s_check_store (check_t *self, const char *path)
{
    store_t *store = s_open (path, NULL);
    oerr_t err;
    if (!store || store_read (store, s_check, self, &err) != 0)
        return store;
    const store_table_t *index = s_own_index (self->service);
    if (!index)
        return store;
    //  Tables are named when the store is opened: open it again with it.
    store_destroy (&store);
    store = s_open (path, index);
    if (store)
        store_read (store, s_check_own, self, &err);
    return store;
}

//  The heads of the producer stores given after DIR, named by their
//  directory's last part (the instance).
static int
s_load_producers (check_t *self, int argc, char *argv[])
{
    for (int i = 2; i < argc; i++) {
        store_t *store = s_open (argv[i], NULL);
        producer_t *p = (producer_t *) zmalloc (sizeof (producer_t));
        oerr_t err;
        char *copy = strdup (argv[i]);
        snprintf (p->instance, sizeof p->instance, "%s", basename (copy));
        free (copy);
        zlist_append (self->producers, p);
        zlist_freefn (self->producers, p, free, true);
        if (!store || store_read (store, s_read_head, &p->head, &err) != 0) {
            store_destroy (&store);
            return -1;
        }
        store_destroy (&store);
    }
    return 0;
}

static const char s_usage[] =
    "usage: opstap-storecheck DIR [PRODUCER_DIR...]\n"
    "       opstap-storecheck --help | --version\n"
    "Checks one instance's store (DIR: DATA/INSTANCE, a copy such as a backup,\n"
    "never the store of a running service): the events are seq 1..head without\n"
    "a gap and agree with the instance; every subject index entry points at an\n"
    "event; each consumer position is no higher than the head of the producer\n"
    "stores given as PRODUCER_DIR. Prints the store's figures in one line.\n"
    "Exit status: 0 clean, 1 a problem (the first ones are printed), 2 usage.\n";

int
main (int argc, char *argv[])
{
    if (argc == 2 && (streq (argv[1], "--help") || streq (argv[1], "-h"))) {
        fputs (s_usage, stdout);
        return 0;
    }
    if (argc == 2 && streq (argv[1], "--version")) {
        printf ("opstap-storecheck %s (commit %s)\n", opstap_version, opstap_commit);
        return 0;
    }
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2)
            fprintf (stderr, "opstap-storecheck: unknown option %s\n", argv[1]);
        fputs (s_usage, stderr);
        return 2;
    }
    zsys_init ();
    check_t check = {.expect = 1, .producers = zlist_new ()};
    store_t *store = NULL;
    int rc = 1;
    if (s_load_producers (&check, argc, argv) == 0
        && (store = s_check_store (&check, argv[1]))) {
        size_t used = 0, mapsize = 0;
        store_usage (store, &used, &mapsize);
        printf ("store %s instance %s events %" PRIu64 " head %" PRIu64 " bytes %" PRIu64
                " subjects %" PRIu64 " positions %" PRIu64
                " used %zu map %zu problems %" PRIu64 "\n",
                argv[1], *check.instance ? check.instance : "-", check.events,
                check.expect - 1, check.bytes, check.subjects, check.positions, used,
                mapsize, check.problems);
        rc = check.problems ? 1 : 0;
    }
    store_destroy (&store);
    zlist_destroy (&check.producers);
    return rc;
}
