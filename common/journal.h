/*  journal - an append-only file of numbered records, each written with
    one write(2): a record in it survives the process ending at once (it is
    in the kernel's cache), not a power cut (nothing here flushes it). A
    record torn by a failed or cut-short write, and everything after it, is
    not read back.  */
#ifndef OPSTAP_JOURNAL_H
#define OPSTAP_JOURNAL_H

#include <czmq.h>
#include <msgpack.h>

#include "codec.h"

typedef struct _journal_t journal_t;

//  Each record read back, in the order written; non-zero stops the read.
typedef int (journal_fn) (uint64_t seq, const void *data, size_t size, void *arg);

//  Opens (creating) the file at path. NULL with err on failure.
journal_t *journal_new (const char *path, oerr_t *err);
void journal_destroy (journal_t **self_p);

//  Adds one record to buf, to be written by journal_write.
void journal_pack (msgpack_sbuffer *buf, uint64_t seq, const void *data, size_t size);
//  Appends buf (records packed by journal_pack) with one write; on failure
//  the file is cut back to what it held, and -1 with err.
int journal_write (journal_t *self, const msgpack_sbuffer *buf, oerr_t *err);
//  Calls fn for each whole record from the start. -1 with err when the file
//  cannot be read.
int journal_read (journal_t *self, journal_fn *fn, void *arg, oerr_t *err);
//  Empties the file.
int journal_clear (journal_t *self, oerr_t *err);
//  Bytes in the file.
size_t journal_size (journal_t *self);

#endif
