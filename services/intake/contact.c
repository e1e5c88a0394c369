/*  contact - a candidate's contact details, encrypted.  */
#include "contact.h"

#include "records.h"

//  The first byte of an encrypted value; an older, plain one is a
//  MessagePack map (0x80-0x8f, 0xde, 0xdf).
#define CONTACT_SEALED 0x01

//  Puts the packed map plain, encrypted under key, as id's contact details.
static int
s_put (store_tx_t *tx, const uint8_t key[VAULT_KEY], const char *id, const void *plain,
       size_t len)
{
    size_t size = 1 + len + VAULT_OVERHEAD;
    uint8_t *sealed = (uint8_t *) malloc (size);
    if (!sealed)
        return -1;
    sealed[0] = CONTACT_SEALED;
    vault_encrypt (key, id, plain, len, sealed + 1);
    int rc = store_put (tx, intake_contacts, id, strlen (id), sealed, size);
    free (sealed);
    return rc;
}

int
contact_store (cmd_ctx_t *ctx, const char *id, const msgpack_object *contact)
{
    uint8_t key[VAULT_KEY];
    if (cmd_key (ctx, id, true, key) != 0)
        return -1;
    msgpack_sbuffer plain;
    msgpack_sbuffer_init (&plain);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &plain, msgpack_sbuffer_write);
    msgpack_pack_object (&pk, *contact);
    int rc = s_put (cmd_tx (ctx), key, id, plain.data, plain.size);
    sodium_memzero (plain.data, plain.size);
    sodium_memzero (key, sizeof key);
    msgpack_sbuffer_destroy (&plain);
    return rc ? cmd_store_fail (ctx) : 0;
}

bool
contact_sealed (store_tx_t *tx, const char *id)
{
    const void *val;
    size_t vlen;
    return store_get (tx, intake_contacts, id, strlen (id), &val, &vlen) == 0 && vlen
           && ((const uint8_t *) val)[0] == CONTACT_SEALED;
}

int
contact_seal (store_tx_t *tx, vault_t *vault, const char *id)
{
    const void *val;
    size_t vlen;
    uint8_t key[VAULT_KEY];
    if (store_get (tx, intake_contacts, id, strlen (id), &val, &vlen) != 0
        || vault_key (vault, tx, id, true, key) != 0)
        return -1;
    //  A value read in a write transaction does not outlive the next write.
    zchunk_t *plain = zchunk_new (val, vlen);
    int rc = s_put (tx, key, id, zchunk_data (plain), zchunk_size (plain));
    sodium_memzero (key, sizeof key);
    contact_wipe (&plain);
    return rc;
}

//  The packed map in val, decrypted with the key key gives when it is
//  sealed.
static int
s_open (const char *id, const uint8_t *val, size_t vlen, int (*key) (void *, uint8_t *),
        void *arg, zchunk_t **out)
{
    *out = NULL;
    if (vlen == 0 || val[0] != CONTACT_SEALED) {
        *out = zchunk_new (val, vlen);
        return 0;
    }
    uint8_t dk[VAULT_KEY];
    if (vlen < 1 + VAULT_OVERHEAD || key (arg, dk) != 0)
        return -1;
    size_t size = vlen - 1 - VAULT_OVERHEAD;
    uint8_t *plain = (uint8_t *) malloc (size ? size : 1);
    int rc = plain ? vault_decrypt (dk, id, val + 1, vlen - 1, plain) : -1;
    sodium_memzero (dk, sizeof dk);
    if (rc == 0)
        *out = zchunk_new (plain, size);
    if (plain) {
        sodium_memzero (plain, size);
        free (plain);
    }
    return rc;
}

typedef struct {
    store_tx_t *tx;
    vault_t *vault;
    cmd_ctx_t *ctx;
    const char *id;
} opener_t;

static int
s_vault_key (void *arg, uint8_t *dk)
{
    opener_t *o = (opener_t *) arg;
    return vault_key (o->vault, o->tx, o->id, false, dk) == 0 ? 0 : -1;
}

static int
s_cmd_key (void *arg, uint8_t *dk)
{
    opener_t *o = (opener_t *) arg;
    return cmd_key (o->ctx, o->id, false, dk) == 0 ? 0 : -1;
}

int
contact_read (store_tx_t *tx, vault_t *vault, const char *id, zchunk_t **out)
{
    *out = NULL;
    const void *val;
    size_t vlen;
    int rc = store_get (tx, intake_contacts, id, strlen (id), &val, &vlen);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    opener_t o = {tx, vault, NULL, id};
    return s_open (id, (const uint8_t *) val, vlen, s_vault_key, &o, out);
}

int
contact_load (cmd_ctx_t *ctx, const char *id, zchunk_t **out)
{
    *out = NULL;
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), intake_contacts, id, strlen (id), &val, &vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    opener_t o = {NULL, NULL, ctx, id};
    if (rc == 0 && s_open (id, (const uint8_t *) val, vlen, s_cmd_key, &o, out))
        return cmd_fail (ctx, ERR_INTERNAL, "contact",
                         "the contact details of %s cannot be read", id);
    return 0;
}

void
contact_wipe (zchunk_t **chunk_p)
{
    if (*chunk_p)
        sodium_memzero (zchunk_data (*chunk_p), zchunk_size (*chunk_p));
    zchunk_destroy (chunk_p);
}
