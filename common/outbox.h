/*  outbox - work to do once a transaction has committed, written in that
    transaction: what cannot be part of it (the audit trail is an LMDB of
    its own) and must not be lost when the process dies after the commit.
    Entries are done oldest first after each commit that added one, and at
    start; an entry is deleted only once its work is done, so work may be
    done twice after a crash and must not mind (a rewrite that finds
    nothing left to rewrite).  */
#ifndef OPSTAP_OUTBOX_H
#define OPSTAP_OUTBOX_H

#include "store.h"

//  seq (8 bytes, big-endian) -> kind, a NUL, the data.
extern const store_table_t outbox_entries[1];
#define OUTBOX_TABLES outbox_entries

typedef struct _outbox_t outbox_t;

//  The work of one entry: 0 done, -1 not now (it stays for the next drain).
typedef int (outbox_fn) (const char *kind, const void *data, size_t size, void *arg);

outbox_t *outbox_new (store_t *store);
void outbox_destroy (outbox_t **self_p);

//  Adds an entry inside tx. The outbox counts as pending from then on,
//  whether tx commits or not (a drain that finds nothing costs a read).
int outbox_add (outbox_t *self, store_tx_t *tx, const char *kind, const void *data,
                size_t size);
//  Whether entries may be waiting: after outbox_new, an add, or a drain
//  that left some.
bool outbox_pending (outbox_t *self);
//  Does the waiting entries' work with fn and deletes those done, when
//  pending. -1 with err when the store failed.
int outbox_drain (outbox_t *self, outbox_fn *fn, void *arg, oerr_t *err);

#endif
