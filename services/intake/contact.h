/*  contact - a candidate's contact details (name, e-mail, phone): stored in
    intake's contacts table encrypted under the candidate's data key
    (vault.h), so that an erasure, which destroys the key, leaves no
    readable copy in a freed page or a backup. Only candidate.get, the
    export, the list's names and the search read them.  */
#ifndef OPSTAP_INTAKE_CONTACT_H
#define OPSTAP_INTAKE_CONTACT_H

#include "service.h"

//  Stores contact (a map already checked) for id, encrypted, inside the
//  command's transaction. 0, or -1 after cmd_fail.
int contact_store (cmd_ctx_t *ctx, const char *id, const msgpack_object *contact);
//  The contact details of id, decrypted: the packed map into *out (NULL
//  when there are none; destroy it, which wipes it). 0, or -1 when they
//  cannot be read. A store written before encryption holds them as they
//  were sent: read as such.
int contact_read (store_tx_t *tx, vault_t *vault, const char *id, zchunk_t **out);
//  The same for a handler; -1 after cmd_fail.
int contact_load (cmd_ctx_t *ctx, const char *id, zchunk_t **out);
//  Whether id's stored contact details are encrypted; contact_seal
//  encrypts them when they are not (a store from before encryption).
bool contact_sealed (store_tx_t *tx, const char *id);
int contact_seal (store_tx_t *tx, vault_t *vault, const char *id);
//  Wipes and destroys what contact_read gave.
void contact_wipe (zchunk_t **chunk_p);

#endif
