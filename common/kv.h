/*  kv - a growing list of key/value pairs that counts itself, so a map can
    be packed without knowing its size in advance.  */
#ifndef OPSTAP_KV_H
#define OPSTAP_KV_H

#include "codec.h"
#include "store.h"

typedef struct {
    msgpack_sbuffer buf;
    msgpack_packer pk;
    uint32_t count;
} kv_t;

void kv_init (kv_t *self);
void kv_reset (kv_t *self);
void kv_destroy (kv_t *self);

void kv_str (kv_t *self, const char *key, const char *value);
void kv_int (kv_t *self, const char *key, int64_t value);
void kv_uint (kv_t *self, const char *key, uint64_t value);
void kv_num (kv_t *self, const char *key, double value);
void kv_bool (kv_t *self, const char *key, bool value);
void kv_nil (kv_t *self, const char *key);
void kv_obj (kv_t *self, const char *key, const msgpack_object *value);
//  Adds key and returns the packer: the caller packs exactly one value.
msgpack_packer *kv_key (kv_t *self, const char *key);
//  Appends the pairs of other.
void kv_merge (kv_t *self, const kv_t *other);

//  Packs the pairs as one map (pk's map of count + extra pairs: the caller
//  packs the extra pairs right after).
void kv_pack_map (const kv_t *self, msgpack_packer *pk, msgpack_sbuffer *out,
                  uint32_t extra);

//  Stores the pairs as one map: the stored form of a record.
int kv_store (const kv_t *self, store_tx_t *tx, const store_table_t *table,
              const void *key, size_t klen);

#endif
