/*  search - finding candidates by name, e-mail address or phone number, in
    memory only: the words of every candidate's contact details, made when
    intake starts (decrypted from the store) and kept up to date after each
    commit. An index on disk would keep the words of an erased candidate in
    freed pages; this one goes with the process.

    Words: a name's parts and an e-mail address, lowercase (ASCII letters);
    a phone number's digits. A query finds the candidates that have every
    word of it.  */
#ifndef OPSTAP_INTAKE_SEARCH_H
#define OPSTAP_INTAKE_SEARCH_H

#include <czmq.h>

#include "codec.h"

typedef struct _search_t search_t;

search_t *search_new (void);
void search_destroy (search_t **self_p);

//  The words of a packed contact map (as stored) for id, in place of any
//  it had; NULL or an empty map: none.
void search_put (search_t *self, const char *id, const void *contact, size_t size);
void search_remove (search_t *self, const char *id);
//  The ids that have every word of query (a new list of strings, sorted;
//  destroy it). An empty query finds nothing.
zlistx_t *search_find (search_t *self, const char *query);
size_t search_size (search_t *self);

#endif
