/*  raw_lmdb - the disk's limit as LMDB sees it: COUNT puts of a command-sized
    value into a fresh environment with default (durable) flags, BATCH puts
    per committed transaction, each put in a nested transaction of its own
    when "nested" is given (as the runtime runs each command). Prints
    commits/s and puts/s.
    With "registration" each put is instead what one registration writes
    in intake (tables, key shapes and sizes measured on a bench store): a
    candidate record with its subject index entry and the rid's reply beside
    it (keys "<id>", "<id>\0<seq>" and "<id>\1<rid>", since findings 12 and
    14) and an event, in two B-trees. Nothing else of Opstap is in it: it is
    the LMDB cost of what a registration must keep.
    With "shared" the rid reply is instead an 8-byte reference to the event
    in a third B-tree, a store format intake does not have (finding 11).
    With "ahead" the data file is first written with zeros past its end, as
    the runtime keeps it (store_reserve, finding 12), so that no commit
    grows the file.
        opstap-bench-lmdb DIR COUNT BATCH [nested|registration|shared] [ahead]  */
#include <czmq.h>
#include <lmdb.h>
#include <sys/stat.h>
#include <unistd.h>

#define VALUE_SIZE 400

//  Sizes of a bench registration's records in intake's store (mdb_dump).
#define CANDIDATE_SIZE 271
#define EVENT_SIZE     277
#define REPLY_SIZE     141

static const char *const s_tables[] = {"candidates", "events", "rids"};

typedef struct {
    MDB_dbi dbi;       //  the one table of the plain shape
    MDB_dbi tables[3]; //  s_tables, for "registration"
    bool registration;
    bool shared; //  registration's records, three B-trees (see above)
    bool nested;
    bool ahead; //  the file written ahead before the first commit
} shape_t;

static int
s_fail (const char *what, int rc)
{
    fprintf (stderr, "opstap-bench-lmdb: %s: %s\n", what, mdb_strerror (rc));
    return 1;
}

//  The four puts of registration number n; ids are the bench client's
//  ("B<pid>-<n>", so they sort as strings, not as numbers).
static int
s_put_registration (MDB_txn *txn, const shape_t *shape, const uint8_t key[8], uint64_t n,
                    uint8_t *value)
{
    char id[32];
    int idlen = snprintf (id, sizeof id, "B355647-%" PRIu64, n);
    uint8_t subject[48], rid[64];
    memcpy (subject, id, (size_t) idlen + 1);
    memcpy (subject + idlen + 1, key, 8);
    //  The bench client's rid is the id.
    memcpy (rid, id, (size_t) idlen);
    rid[idlen] = 1;
    memcpy (rid + idlen + 1, id, (size_t) idlen);
    MDB_val ids = {(size_t) idlen, id}, seq = {8, (void *) key},
            sub = {(size_t) idlen + 9, subject}, beside = {2 * (size_t) idlen + 1, rid};
    MDB_val cand = {CANDIDATE_SIZE, value}, event = {EVENT_SIZE, value},
            reply = {shape->shared ? 8 : REPLY_SIZE, value}, none = {0, value};
    int rc = mdb_put (txn, shape->tables[0], &ids, &cand, 0);
    if (rc == 0)
        rc = mdb_put (txn, shape->tables[1], &seq, &event, MDB_APPEND);
    if (rc == 0 && shape->shared)
        rc = mdb_put (txn, shape->tables[2], &ids, &reply, 0);
    else if (rc == 0)
        rc = mdb_put (txn, shape->tables[0], &beside, &reply, 0);
    return rc ? rc : mdb_put (txn, shape->tables[0], &sub, &none, 0);
}

//  One put of the shape; keys are big-endian sequence numbers, as an event
//  log's are.
static int
s_put (MDB_txn *parent, const shape_t *shape, uint64_t *seq, uint8_t *value)
{
    MDB_txn *txn = parent;
    int rc = shape->nested ? mdb_txn_begin (mdb_txn_env (parent), parent, 0, &txn) : 0;
    uint8_t key[8];
    uint64_t n = ++*seq;
    for (int b = 7; b >= 0; b--, n >>= 8)
        key[b] = (uint8_t) n;
    memcpy (value, key, sizeof key);
    MDB_val k = {sizeof key, key}, v = {VALUE_SIZE, value};
    if (rc == 0 && shape->registration)
        rc = s_put_registration (txn, shape, key, *seq, value);
    else if (rc == 0)
        rc = mdb_put (txn, shape->dbi, &k, &v, MDB_APPEND);
    if (shape->nested && rc == 0)
        rc = mdb_txn_commit (txn);
    else if (shape->nested && txn != parent)
        mdb_txn_abort (txn);
    return rc;
}

static int
s_commit (MDB_env *env, const shape_t *shape, uint64_t *seq, int batch, uint8_t *value)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin (env, NULL, 0, &txn);
    for (int i = 0; rc == 0 && i < batch; i++)
        rc = s_put (txn, shape, seq, value);
    if (rc) {
        mdb_txn_abort (txn);
        return rc;
    }
    return mdb_txn_commit (txn);
}

static int
s_open (MDB_env *env, shape_t *shape)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin (env, NULL, 0, &txn);
    if (rc == 0)
        rc = mdb_dbi_open (txn, NULL, 0, &shape->dbi);
    for (int i = 0; rc == 0 && shape->registration && i < 3; i++)
        rc = mdb_dbi_open (txn, s_tables[i], MDB_CREATE, &shape->tables[i]);
    if (rc) {
        mdb_txn_abort (txn);
        return rc;
    }
    return mdb_txn_commit (txn);
}

//  Zeros past the file's end, room for count puts of up to 2 KiB each
//  and 1 MiB more, flushed.
static int
s_write_ahead (MDB_env *env, int count)
{
    int fd;
    struct stat st;
    if (mdb_env_get_fd (env, &fd) || fstat (fd, &st))
        return -1;
    static const uint8_t zeros[64 * 1024];
    off_t end = st.st_size + (off_t) count * 2048 + (1 << 20);
    for (off_t at = st.st_size; at < end; at += (off_t) sizeof zeros)
        if (pwrite (fd, zeros, sizeof zeros, at) != (ssize_t) sizeof zeros)
            return -1;
    return fdatasync (fd);
}

//  The words after BATCH; false on one it does not know.
static bool
s_parse (shape_t *shape, int argc, char *argv[])
{
    for (int i = 4; i < argc; i++) {
        if (streq (argv[i], "nested"))
            shape->nested = true;
        else if (streq (argv[i], "shared"))
            shape->shared = shape->registration = true;
        else if (streq (argv[i], "registration"))
            shape->registration = true;
        else if (streq (argv[i], "ahead"))
            shape->ahead = true;
        else
            return false;
    }
    return true;
}

int
main (int argc, char *argv[])
{
    shape_t shape = {0};
    if (argc < 4 || !s_parse (&shape, argc, argv) || atoi (argv[2]) < 1
        || atoi (argv[3]) < 1) {
        fprintf (stderr, "usage: opstap-bench-lmdb DIR COUNT BATCH "
                         "[nested|registration|shared] [ahead]\n");
        return 2;
    }
    int count = atoi (argv[2]), batch = atoi (argv[3]);
    MDB_env *env;
    int rc = mdb_env_create (&env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs (env, 4);
    if (rc == 0)
        rc = mdb_env_set_mapsize (env, (size_t) 1 << 32);
    if (rc == 0)
        rc = mdb_env_open (env, argv[1], 0, 0640);
    if (rc == 0)
        rc = s_open (env, &shape);
    if (rc)
        return s_fail (argv[1], rc);
    if (shape.ahead && s_write_ahead (env, count)) {
        fprintf (stderr, "opstap-bench-lmdb: cannot write ahead in %s\n", argv[1]);
        return 1;
    }
    uint8_t value[VALUE_SIZE];
    memset (value, 'x', sizeof value);
    uint64_t seq = 0;
    int commits = 0;
    int64_t start = zclock_usecs ();
    while ((int) seq < count) {
        int n = count - (int) seq < batch ? count - (int) seq : batch;
        if ((rc = s_commit (env, &shape, &seq, n, value)))
            return s_fail ("commit", rc);
        commits++;
    }
    double seconds = (double) (zclock_usecs () - start) / 1e6;
    printf ("shape=%s nested=%d ahead=%d batch=%d puts=%d commits=%d seconds=%.2f "
            "commits_per_s=%.0f puts_per_s=%.0f\n",
            shape.shared         ? "shared"
            : shape.registration ? "registration"
                                 : "append",
            shape.nested, shape.ahead, batch, count, commits, seconds, commits / seconds,
            count / seconds);
    mdb_env_close (env);
    return 0;
}
