/*  store - one LMDB environment per service instance. Transactions and
    cursors never leave this module: callers pass a function that runs
    inside a transaction and sees only an opaque store_tx_t.  */
#ifndef OPSTAP_STORE_H
#define OPSTAP_STORE_H

#include <czmq.h>

#include "codec.h"

typedef struct _store_t store_t;
typedef struct _store_tx_t store_tx_t;

//  A table of a store. The module that owns it defines it once as a
//  constant (STORE_TABLE) and declares it in its header; the store is
//  opened with the list of them, and every call names a table by its
//  address, so a misspelt table does not compile and no call compares
//  names. name is the LMDB database's name on disk.
typedef struct {
    const char *name;
} store_table_t;
//  Defines T as a table named N: a one-element array, so that T is the
//  address every call takes. Declare it in a header as
//  extern const store_table_t T[1].
#define STORE_TABLE(T, N) const store_table_t T[1] = {{N}}

//  Runs inside a transaction; returns 0 to commit, -1 to abort.
typedef int (store_fn) (store_tx_t *tx, void *arg);
//  Called per record by store_scan; 0 goes on, 1 stops, -1 fails the scan.
typedef int (store_each_fn) (const void *key, size_t klen, const void *val, size_t vlen,
                             void *arg);

//  Opens (creating) the store at directory path with the tables listed
//  (NULL-terminated). NULL with err set on failure.
store_t *store_new (const char *path, const store_table_t *const *tables, oerr_t *err);
//  The same with the map's first size given (it grows by doubling).
store_t *store_new_sized (const char *path, const store_table_t *const *tables,
                          size_t initial, oerr_t *err);
void store_destroy (store_t **self_p);

//  Takes the store for this process alone (an exclusive lock on a file in
//  its directory, held until store_destroy or the process ends): a second
//  process serving the same store is refused instead of answering from
//  the same data as if it were another instance. -1 with err when another
//  process holds it.
int store_lock (store_t *self, oerr_t *err);

//  Runs fn in one write transaction, committed (and synced) when fn returns
//  0. When the map is full it grows the map and runs fn again, so fn must
//  have no effects outside the transaction. Returns 0 when committed; -1
//  when fn refused (err untouched) or the store failed (err set).
int store_write (store_t *self, store_fn *fn, void *arg, oerr_t *err);
int store_read (store_t *self, store_fn *fn, void *arg, oerr_t *err);
//  Runs fn in a transaction nested in tx: when fn returns -1 only its own
//  changes are undone. Returns fn's result.
int store_nested (store_tx_t *tx, store_fn *fn, void *arg);
//  True when an LMDB call inside tx failed (the whole transaction aborts).
bool store_failed (store_tx_t *tx);

//  A batch of steps (commands, events) in one transaction, where a step that
//  fails must fail alone. A nested transaction per step costs a copy of
//  every page it touches, so steps run directly in the transaction; only
//  when one fails after it changed something does the batch run again
//  (store_write_steps) with each step nested.
typedef struct {
    bool nested; //  this run nests each step
    bool redo;   //  a step failed after changes: abort, run again nested
} store_steps_t;
//  Runs fn as one step of the batch in tx; returns fn's result. After it
//  set steps->redo the caller stops and returns -1 from its store_fn.
int store_step (store_tx_t *tx, store_steps_t *steps, store_fn *fn, void *arg);
//  store_write for a batch of store_step calls: the second run, nested,
//  when the first asked for it.
int store_write_steps (store_t *self, store_fn *fn, void *arg, store_steps_t *steps,
                       oerr_t *err);

//  0 found (val points into the map, valid until the transaction ends),
//  1 not found, -1 failure.
int store_get (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen,
               const void **val, size_t *vlen);
int store_put (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen,
               const void *val, size_t vlen);
//  Appends at the end of a table whose keys only grow (faster, checked).
int store_append (store_tx_t *tx, const store_table_t *table, const void *key,
                  size_t klen, const void *val, size_t vlen);
//  0 deleted or absent, -1 failure.
int store_del (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen);
//  Visits records with keys >= from (NULL: first) that start with prefix
//  (NULL: any) in key order.
int store_scan (store_tx_t *tx, const store_table_t *table, const void *from, size_t flen,
                const void *prefix, size_t plen, store_each_fn *fn, void *arg);
//  How many records have keys that start with prefix (NULL: all).
int store_count (store_tx_t *tx, const store_table_t *table, const void *prefix,
                 size_t plen, size_t *count);
//  0 and the last record, 1 when the table is empty, -1 failure.
int store_last (store_tx_t *tx, const store_table_t *table, const void **key,
                size_t *klen, const void **val, size_t *vlen);
//  The rest of every key in table that starts with prefix, as strings (a
//  list that frees its items); NULL on failure. For collecting the ids to
//  delete before deleting them.
zlist_t *store_suffixes (store_tx_t *tx, const store_table_t *table, const void *prefix,
                         size_t plen);
//  Deletes every record whose key starts with prefix.
int store_del_prefix (store_tx_t *tx, const store_table_t *table, const void *prefix,
                      size_t plen);

//  Commits stop waiting for the disk: what is committed survives the
//  process being killed (it is in the OS's cache) but not a power cut
//  until store_sync. For data whose loss of the last second is acceptable.
int store_set_lazy (store_t *self);
int store_sync (store_t *self, oerr_t *err);
//  Keeps zeros written past the data in use, ahead bytes of them: a quarter
//  of the data, at least least and at most most_ahead. When fewer than
//  ahead / 2 are there, writes up to ahead (at most most bytes a call, the
//  rest by the calls after; never past the map), so that the commits after
//  it overwrite blocks the file system already holds: a commit that grows
//  the file makes fdatasync commit the file system's journal too (finding
//  12). A call when the data grew by more than most since the last one
//  writes nothing. Call it between transactions. -1 with err set when the
//  disk refuses.
int store_reserve (store_t *self, size_t least, size_t most_ahead, size_t most,
                   oerr_t *err);
//  Bytes of the map in use and its size.
int store_usage (store_t *self, size_t *used, size_t *mapsize);

//  Big-endian uint64 keys sort in numeric order.
void store_u64_key (uint64_t value, uint8_t key[8]);
uint64_t store_u64_from (const void *key);

#endif
