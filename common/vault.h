/*  vault - what makes a service's personal data readable, kept where an
    erasure can destroy it for good (docs/SECURITY.md, crypto-shredding).

    Everything personal a service stores (contact details, free texts) is
    encrypted under a data key of its own per candidate (XChaCha20-Poly1305,
    the candidate's id as associated data). The data keys are stored in the
    service's LMDB (the seals table), each sealed under a wrapping key. The
    wrapping keys are not in the LMDB: they are in a small file of their own
    beside it, <store>.vault, whose slots are overwritten in place and
    flushed, and which ordinary backups of the store do not hold.

    An erasure deletes the candidate's sealed data key; the copy left in a
    freed page or an older backup of the store is still sealed under a
    wrapping key that exists. So every erasure leads to a rotation: a new
    wrapping key, every sealed key sealed again under it (a bounded number
    per step, in the background), then the old wrapping key overwritten with
    zeros. From then on no copy of the erased candidate's data key can be
    opened, nor anything encrypted under it.  */
#ifndef OPSTAP_VAULT_H
#define OPSTAP_VAULT_H

#include <sodium.h>

#include "codec.h"
#include "store.h"

//  candidate id -> the candidate's data key, sealed (VAULT_SEALED bytes).
extern const store_table_t vault_seals[1];
#define VAULT_TABLES vault_seals

#define VAULT_KEY crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define VAULT_SEALED                                                                     \
    (4 + crypto_secretbox_NONCEBYTES + VAULT_KEY + crypto_secretbox_MACBYTES)
//  What encryption adds to a text: its nonce and its tag.
#define VAULT_OVERHEAD                                                                   \
    (crypto_aead_xchacha20poly1305_ietf_NPUBBYTES                                        \
     + crypto_aead_xchacha20poly1305_ietf_ABYTES)

typedef struct _vault_t vault_t;

//  Opens the vault file at path, making it (one wrapping key) when there is
//  none. NULL with err when it cannot be read, made or is not a vault.
vault_t *vault_new (const char *path, oerr_t *err);
void vault_destroy (vault_t **self_p);

//  The wrapping key new seals use, and the oldest one still there.
uint32_t vault_current (vault_t *self);
uint32_t vault_oldest (vault_t *self);

//  The candidate's data key into dk, inside tx: unsealed when there is one;
//  made and sealed when there is none and make is true. 0 found or made, 1
//  none (make false), -1 failure (store, or a seal no wrapping key opens).
int vault_key (vault_t *self, store_tx_t *tx, const char *id, bool make,
               uint8_t dk[VAULT_KEY]);
//  Deletes the candidate's sealed data key (erasure), inside tx: 1 when
//  there was one (a rotation is then due), 0 when none, -1 failure.
int vault_forget (store_tx_t *tx, const char *id);

//  Encrypts len bytes of plain under dk for id into out (len + VAULT_OVERHEAD
//  bytes); decrypts likewise, -1 when the text was not made so.
void vault_encrypt (const uint8_t dk[VAULT_KEY], const char *id, const void *plain,
                    size_t len, uint8_t *out);
int vault_decrypt (const uint8_t dk[VAULT_KEY], const char *id, const uint8_t *sealed,
                   size_t len, void *plain);

//  Rotation, after an erasure committed under the current wrapping key:
//  vault_rotate_begin adds a new wrapping key (flushed) when the current one
//  is not new yet; vault_rotate_step seals again, inside tx, at most max
//  sealed keys still under an older key (*left: how many it saw left over);
//  vault_rotate_end overwrites every wrapping key older than the current one
//  with zeros (flushed), once no seal uses it.
int vault_rotate_begin (vault_t *self, oerr_t *err);
int vault_rotate_step (vault_t *self, store_tx_t *tx, size_t max, size_t *left);
int vault_rotate_end (vault_t *self, oerr_t *err);

#endif
