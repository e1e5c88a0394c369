/*  scrub - finding and removing an erased candidate's id wherever a store
    keeps it as bytes: the check behind erase.check, and the removal of
    remembered replies (rids) that named the candidate; and the fresh
    tokens that take an erased id's place.  */
#ifndef OPSTAP_SCRUB_H
#define OPSTAP_SCRUB_H

#include "store.h"

//  Whether data holds id as a whole identifier: neither followed nor
//  preceded by another identifier character (so "c-1" is not found in
//  "c-10", nor "c8" at the end of a hex digest), a MessagePack string's
//  length before it excepted.
bool scrub_holds (const void *data, size_t len, const char *id);
//  Adds to count the records of table whose key or value holds id.
int scrub_count (store_tx_t *tx, const store_table_t *table, const char *id,
                 size_t *count);
//  Deletes the records of table whose key or value holds id.
int scrub_delete (store_tx_t *tx, const store_table_t *table, const char *id);

#define SCRUB_TOKEN_SIZE 26 //  "anon-", 20 letters, NUL
//  A fresh pseudonym in token: "anon-" and 20 letters a-p, 10 bytes of a
//  random UUID. Cannot fail: czmq's zuuid_new asserts (its allocation, its
//  source of randomness) rather than return NULL.
void scrub_token (char token[SCRUB_TOKEN_SIZE]);

#endif
