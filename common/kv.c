/*  kv - a self-counting list of key/value pairs.  */
#include "kv.h"

#include <string.h>

void
kv_init (kv_t *self)
{
    msgpack_sbuffer_init (&self->buf);
    msgpack_packer_init (&self->pk, &self->buf, msgpack_sbuffer_write);
    self->count = 0;
}

void
kv_reset (kv_t *self)
{
    msgpack_sbuffer_clear (&self->buf);
    self->count = 0;
}

void
kv_destroy (kv_t *self)
{
    msgpack_sbuffer_destroy (&self->buf);
    self->count = 0;
}

msgpack_packer *
kv_key (kv_t *self, const char *key)
{
    pk_str (&self->pk, key);
    self->count++;
    return &self->pk;
}

void
kv_str (kv_t *self, const char *key, const char *value)
{
    pk_str (kv_key (self, key), value);
}

void
kv_int (kv_t *self, const char *key, int64_t value)
{
    msgpack_pack_int64 (kv_key (self, key), value);
}

void
kv_uint (kv_t *self, const char *key, uint64_t value)
{
    msgpack_pack_uint64 (kv_key (self, key), value);
}

void
kv_num (kv_t *self, const char *key, double value)
{
    msgpack_pack_double (kv_key (self, key), value);
}

void
kv_bool (kv_t *self, const char *key, bool value)
{
    msgpack_packer *pk = kv_key (self, key);
    if (value)
        msgpack_pack_true (pk);
    else
        msgpack_pack_false (pk);
}

void
kv_nil (kv_t *self, const char *key)
{
    msgpack_pack_nil (kv_key (self, key));
}

void
kv_obj (kv_t *self, const char *key, const msgpack_object *value)
{
    msgpack_pack_object (kv_key (self, key), *value);
}

void
kv_merge (kv_t *self, const kv_t *other)
{
    msgpack_sbuffer_write (&self->buf, other->buf.data, other->buf.size);
    self->count += other->count;
}

void
kv_pack_map (const kv_t *self, msgpack_packer *pk, msgpack_sbuffer *out, uint32_t extra)
{
    msgpack_pack_map (pk, self->count + extra);
    if (self->buf.size)
        msgpack_sbuffer_write (out, self->buf.data, self->buf.size);
}

int
kv_store (const kv_t *self, store_tx_t *tx, const store_table_t *table, const void *key,
          size_t klen)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    kv_pack_map (self, &pk, &buf, 0);
    int rc = store_put (tx, table, key, klen, buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    return rc;
}
