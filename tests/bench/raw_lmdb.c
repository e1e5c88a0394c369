/*  raw_lmdb - the disk's limit as LMDB sees it: COUNT puts of a command-sized
    value into a fresh environment with default (durable) flags, BATCH puts
    per committed transaction, each put in a nested transaction of its own
    when "nested" is given (as the runtime runs each command). Prints
    commits/s and puts/s.
        opstap-bench-lmdb DIR COUNT BATCH [nested]  */
#include <czmq.h>
#include <lmdb.h>

#define VALUE_SIZE 400

static int
s_fail (const char *what, int rc)
{
    fprintf (stderr, "opstap-bench-lmdb: %s: %s\n", what, mdb_strerror (rc));
    return 1;
}

//  One transaction of BATCH appends; keys are big-endian sequence numbers,
//  as an event log's are.
static int
s_put (MDB_txn *parent, MDB_dbi dbi, uint64_t *seq, uint8_t *value, bool nested)
{
    MDB_txn *txn = parent;
    int rc = nested ? mdb_txn_begin (mdb_txn_env (parent), parent, 0, &txn) : 0;
    uint8_t key[8];
    uint64_t n = ++*seq;
    for (int b = 7; b >= 0; b--, n >>= 8)
        key[b] = (uint8_t) n;
    memcpy (value, key, sizeof key);
    MDB_val k = {sizeof key, key}, v = {VALUE_SIZE, value};
    if (rc == 0)
        rc = mdb_put (txn, dbi, &k, &v, MDB_APPEND);
    if (nested && rc == 0)
        rc = mdb_txn_commit (txn);
    else if (nested && txn != parent)
        mdb_txn_abort (txn);
    return rc;
}

static int
s_commit (MDB_env *env, MDB_dbi dbi, uint64_t *seq, int batch, uint8_t *value,
          bool nested)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin (env, NULL, 0, &txn);
    for (int i = 0; rc == 0 && i < batch; i++)
        rc = s_put (txn, dbi, seq, value, nested);
    if (rc) {
        mdb_txn_abort (txn);
        return rc;
    }
    return mdb_txn_commit (txn);
}

int
main (int argc, char *argv[])
{
    bool nested = argc == 5 && streq (argv[4], "nested");
    if (argc < 4 || argc > 5 || (argc == 5 && !nested) || atoi (argv[2]) < 1
        || atoi (argv[3]) < 1) {
        fprintf (stderr, "usage: opstap-bench-lmdb DIR COUNT BATCH [nested]\n");
        return 2;
    }
    int count = atoi (argv[2]), batch = atoi (argv[3]);
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    int rc = mdb_env_create (&env);
    if (rc == 0)
        rc = mdb_env_set_mapsize (env, (size_t) 1 << 32);
    if (rc == 0)
        rc = mdb_env_open (env, argv[1], 0, 0640);
    if (rc == 0)
        rc = mdb_txn_begin (env, NULL, 0, &txn);
    if (rc == 0 && (rc = mdb_dbi_open (txn, NULL, 0, &dbi)) == 0)
        rc = mdb_txn_commit (txn);
    if (rc)
        return s_fail (argv[1], rc);
    uint8_t value[VALUE_SIZE];
    memset (value, 'x', sizeof value);
    uint64_t seq = 0;
    int commits = 0;
    int64_t start = zclock_usecs ();
    while ((int) seq < count) {
        int n = count - (int) seq < batch ? count - (int) seq : batch;
        if ((rc = s_commit (env, dbi, &seq, n, value, nested)))
            return s_fail ("commit", rc);
        commits++;
    }
    double seconds = (double) (zclock_usecs () - start) / 1e6;
    printf ("nested=%d batch=%d puts=%d commits=%d seconds=%.2f commits_per_s=%.0f "
            "puts_per_s=%.0f\n",
            nested, batch, count, commits, seconds, commits / seconds, count / seconds);
    mdb_env_close (env);
    return 0;
}
