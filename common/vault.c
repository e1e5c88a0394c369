/*  vault - what makes a service's personal data readable.

    The file: a 16-byte magic, then VAULT_SLOTS slots of 40 bytes: the
    wrapping key's version (4 bytes, big-endian), whether it is live (4),
    the key (32). A slot is written in place and flushed; a retired one is
    all zeros.  */
#include "vault.h"

#include <czmq.h>
#include <fcntl.h>
#include <libgen.h>
#include <unistd.h>

#define VAULT_SLOTS 8
#define VAULT_SLOT  40
#define VAULT_MAGIC "OPSTAP-VAULT-v1"
#define VAULT_SIZE  (16 + VAULT_SLOTS * VAULT_SLOT)
#define S_WRAP      crypto_secretbox_KEYBYTES
#define S_NONCE     crypto_secretbox_NONCEBYTES
#define S_ANONCE    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
//  Seals sealed again per step at most, gathered before they are written.
#define VAULT_STEP_MAX 4096

STORE_TABLE (vault_seals, "seals");

typedef struct {
    uint32_t version; //  0: the slot is free
    uint8_t key[S_WRAP];
} slot_t;

struct _vault_t {
    int fd;
    char path[512];
    slot_t slots[VAULT_SLOTS];
};

static uint32_t
s_get32 (const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8)
           | p[3];
}

static void
s_put32 (uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

//  Writes slot i as it is in memory and flushes it.
static int
s_write_slot (vault_t *self, int i, oerr_t *err)
{
    uint8_t bytes[VAULT_SLOT];
    memset (bytes, 0, sizeof bytes);
    if (self->slots[i].version) {
        s_put32 (bytes, self->slots[i].version);
        s_put32 (bytes + 4, 1);
        memcpy (bytes + 8, self->slots[i].key, S_WRAP);
    }
    ssize_t wrote = pwrite (self->fd, bytes, sizeof bytes, 16 + (off_t) i * VAULT_SLOT);
    sodium_memzero (bytes, sizeof bytes);
    if (wrote != (ssize_t) sizeof bytes || fdatasync (self->fd) != 0)
        return oerr_set (err, ERR_UNAVAILABLE, "", "vault: cannot write %s: %s",
                         self->path, strerror (errno));
    return 0;
}

//  A new vault file: one wrapping key, written whole under another name
//  and renamed, so that no half-written vault is ever found.
static int
s_make (const char *path, oerr_t *err)
{
    uint8_t bytes[VAULT_SIZE];
    memset (bytes, 0, sizeof bytes);
    memcpy (bytes, VAULT_MAGIC, 16);
    s_put32 (bytes + 16, 1);
    s_put32 (bytes + 20, 1);
    randombytes_buf (bytes + 24, S_WRAP);
    char tmp[600], dir[600];
    snprintf (tmp, sizeof tmp, "%s.new", path);
    snprintf (dir, sizeof dir, "%s", path);
    int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write (fd, bytes, sizeof bytes) == (ssize_t) sizeof bytes
              && fsync (fd) == 0;
    sodium_memzero (bytes, sizeof bytes);
    if (fd >= 0)
        close (fd);
    int dfd = ok && rename (tmp, path) == 0 ? open (dirname (dir), O_RDONLY) : -1;
    ok = dfd >= 0 && fsync (dfd) == 0;
    if (dfd >= 0)
        close (dfd);
    return ok ? 0
              : oerr_set (err, ERR_INTERNAL, "", "vault: cannot make %s: %s", path,
                          strerror (errno));
}

static int
s_load (vault_t *self, oerr_t *err)
{
    uint8_t bytes[VAULT_SIZE];
    ssize_t got = pread (self->fd, bytes, sizeof bytes, 0);
    if (got != (ssize_t) sizeof bytes || memcmp (bytes, VAULT_MAGIC, 16) != 0) {
        sodium_memzero (bytes, sizeof bytes);
        return oerr_set (err, ERR_INTERNAL, "", "vault: %s is not a vault", self->path);
    }
    for (int i = 0; i < VAULT_SLOTS; i++) {
        const uint8_t *s = bytes + 16 + i * VAULT_SLOT;
        self->slots[i].version = s_get32 (s + 4) == 1 ? s_get32 (s) : 0;
        memcpy (self->slots[i].key, s + 8, S_WRAP);
    }
    sodium_memzero (bytes, sizeof bytes);
    return vault_current (self)
               ? 0
               : oerr_set (err, ERR_INTERNAL, "", "vault: %s holds no key", self->path);
}

vault_t *
vault_new (const char *path, oerr_t *err)
{
    if (sodium_init () < 0) {
        oerr_set (err, ERR_INTERNAL, "", "vault: libsodium cannot start");
        return NULL;
    }
    if (access (path, F_OK) != 0 && s_make (path, err))
        return NULL;
    vault_t *self = (vault_t *) zmalloc (sizeof (vault_t));
    snprintf (self->path, sizeof self->path, "%s", path);
    self->fd = open (path, O_RDWR | O_CLOEXEC);
    if (self->fd < 0) {
        oerr_set (err, ERR_INTERNAL, "", "vault: cannot open %s: %s", path,
                  strerror (errno));
        vault_destroy (&self);
    } else if (s_load (self, err))
        vault_destroy (&self);
    return self;
}

void
vault_destroy (vault_t **self_p)
{
    vault_t *self = *self_p;
    if (!self)
        return;
    if (self->fd >= 0)
        close (self->fd);
    sodium_memzero (self->slots, sizeof self->slots);
    free (self);
    *self_p = NULL;
}

uint32_t
vault_current (vault_t *self)
{
    uint32_t v = 0;
    for (int i = 0; i < VAULT_SLOTS; i++)
        if (self->slots[i].version > v)
            v = self->slots[i].version;
    return v;
}

uint32_t
vault_oldest (vault_t *self)
{
    uint32_t v = 0;
    for (int i = 0; i < VAULT_SLOTS; i++)
        if (self->slots[i].version && (!v || self->slots[i].version < v))
            v = self->slots[i].version;
    return v;
}

static const slot_t *
s_slot (vault_t *self, uint32_t version)
{
    for (int i = 0; i < VAULT_SLOTS; i++)
        if (version && self->slots[i].version == version)
            return &self->slots[i];
    return NULL;
}

//  --------------------------------------------------------------------------
//  Data keys

static void
s_seal (vault_t *self, const uint8_t dk[VAULT_KEY], uint8_t out[VAULT_SEALED])
{
    const slot_t *w = s_slot (self, vault_current (self));
    s_put32 (out, w->version);
    randombytes_buf (out + 4, S_NONCE);
    crypto_secretbox_easy (out + 4 + S_NONCE, dk, VAULT_KEY, out + 4, w->key);
}

static int
s_unseal (vault_t *self, const uint8_t *in, size_t len, uint8_t dk[VAULT_KEY])
{
    const slot_t *w = len == VAULT_SEALED ? s_slot (self, s_get32 (in)) : NULL;
    if (!w)
        return -1;
    return crypto_secretbox_open_easy (
        dk, in + 4 + S_NONCE, VAULT_KEY + crypto_secretbox_MACBYTES, in + 4, w->key);
}

int
vault_key (vault_t *self, store_tx_t *tx, const char *id, bool make,
           uint8_t dk[VAULT_KEY])
{
    const void *val;
    size_t vlen;
    int rc = store_get (tx, vault_seals, id, strlen (id), &val, &vlen);
    if (rc == 0)
        return s_unseal (self, (const uint8_t *) val, vlen, dk);
    if (rc < 0 || !make)
        return rc;
    uint8_t sealed[VAULT_SEALED];
    crypto_aead_xchacha20poly1305_ietf_keygen (dk);
    s_seal (self, dk, sealed);
    return store_put (tx, vault_seals, id, strlen (id), sealed, sizeof sealed);
}

int
vault_forget (store_tx_t *tx, const char *id)
{
    int rc = store_get (tx, vault_seals, id, strlen (id), NULL, NULL);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    return store_del (tx, vault_seals, id, strlen (id)) ? -1 : 1;
}

void
vault_encrypt (const uint8_t dk[VAULT_KEY], const char *id, const void *plain, size_t len,
               uint8_t *out)
{
    randombytes_buf (out, S_ANONCE);
    crypto_aead_xchacha20poly1305_ietf_encrypt (out + S_ANONCE, NULL, plain, len,
                                                (const uint8_t *) id, strlen (id), NULL,
                                                out, dk);
}

int
vault_decrypt (const uint8_t dk[VAULT_KEY], const char *id, const uint8_t *sealed,
               size_t len, void *plain)
{
    if (len < VAULT_OVERHEAD)
        return -1;
    return crypto_aead_xchacha20poly1305_ietf_decrypt (
        plain, NULL, NULL, sealed + S_ANONCE, len - S_ANONCE, (const uint8_t *) id,
        strlen (id), sealed, dk);
}

//  --------------------------------------------------------------------------
//  Rotation

int
vault_rotate_begin (vault_t *self, oerr_t *err)
{
    for (int i = 0; i < VAULT_SLOTS; i++)
        if (!self->slots[i].version) {
            self->slots[i].version = vault_current (self) + 1;
            randombytes_buf (self->slots[i].key, S_WRAP);
            return s_write_slot (self, i, err);
        }
    return oerr_set (err, ERR_UNAVAILABLE, "", "vault: %s has no free slot", self->path);
}

typedef struct {
    uint32_t current;
    size_t max;
    size_t left;
    zlistx_t *ids; //  of seals under an older key, at most max
} older_t;

static int
s_older (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    older_t *o = (older_t *) arg;
    if (vlen != VAULT_SEALED || s_get32 (val) >= o->current)
        return 0;
    if (zlistx_size (o->ids) < o->max)
        zlistx_add_end (o->ids, zchunk_new (key, klen));
    else
        o->left++;
    return 0;
}

int
vault_rotate_step (vault_t *self, store_tx_t *tx, size_t max, size_t *left)
{
    older_t o = {vault_current (self), max < VAULT_STEP_MAX ? max : VAULT_STEP_MAX, 0,
                 zlistx_new ()};
    zlistx_set_destructor (o.ids, (zlistx_destructor_fn *) zchunk_destroy);
    int rc = store_scan (tx, vault_seals, NULL, 0, NULL, 0, s_older, &o);
    for (zchunk_t *c = (zchunk_t *) zlistx_first (o.ids); rc == 0 && c;
         c = (zchunk_t *) zlistx_next (o.ids)) {
        const void *val;
        size_t vlen;
        uint8_t dk[VAULT_KEY], sealed[VAULT_SEALED];
        rc = store_get (tx, vault_seals, zchunk_data (c), zchunk_size (c), &val, &vlen);
        if (rc == 0 && s_unseal (self, (const uint8_t *) val, vlen, dk) == 0) {
            s_seal (self, dk, sealed);
            rc = store_put (tx, vault_seals, zchunk_data (c), zchunk_size (c), sealed,
                            sizeof sealed);
        } else if (rc == 0)
            //  A seal no key opens holds nothing anyone can read: it goes.
            rc = store_del (tx, vault_seals, zchunk_data (c), zchunk_size (c));
        sodium_memzero (dk, sizeof dk);
    }
    zlistx_destroy (&o.ids);
    *left = o.left;
    return rc;
}

int
vault_rotate_end (vault_t *self, oerr_t *err)
{
    uint32_t current = vault_current (self);
    for (int i = 0; i < VAULT_SLOTS; i++)
        if (self->slots[i].version && self->slots[i].version < current) {
            sodium_memzero (&self->slots[i], sizeof self->slots[i]);
            if (s_write_slot (self, i, err))
                return -1;
        }
    return 0;
}
