/*  digest - a fingerprint of a MessagePack value, map keys in any order.

    The fingerprint is 128 bits: each value hashes its type, its length and
    its bytes; an array folds its items in order; a map adds up a hash of
    each entry, so the order of its keys cannot matter and no sort is
    needed. It tells a repeated registration from another one (whoever
    could craft a collision is the caller repeating its own command).

    The first version was SHA-1 over a canonical form (keys sorted): it cost
    a sixth of a registration's time. Stores still hold such digests, 40
    hex digits; obj_digest_is recognises both.  */
#include "digest.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DIGEST_LEGACY_HEX 40

//  --------------------------------------------------------------------------
//  The first version: SHA-1 fed each value's type, then its 8-byte length
//  or value and its bytes, map entries in the order of their keys. Read
//  only to recognise digests stored by that version, so it is left simple.

static void
s_feed (zdigest_t *d, const void *data, size_t size)
{
    zdigest_update (d, (const byte *) data, size);
}

static void
s_feed_u64 (zdigest_t *d, uint64_t value)
{
    byte bytes[8];
    for (int i = 7; i >= 0; i--, value >>= 8)
        bytes[i] = (byte) (value & 0xff);
    s_feed (d, bytes, sizeof bytes);
}

static int
s_key_order (const void *a, const void *b)
{
    const msgpack_object *ka = &(*(const msgpack_object_kv *const *) a)->key;
    const msgpack_object *kb = &(*(const msgpack_object_kv *const *) b)->key;
    if (ka->type != kb->type)
        return ka->type < kb->type ? -1 : 1;
    if (ka->type != MSGPACK_OBJECT_STR)
        return 0;
    uint32_t n =
        ka->via.str.size < kb->via.str.size ? ka->via.str.size : kb->via.str.size;
    int c = n ? memcmp (ka->via.str.ptr, kb->via.str.ptr, n) : 0;
    if (c)
        return c;
    return ka->via.str.size == kb->via.str.size  ? 0
           : ka->via.str.size < kb->via.str.size ? -1
                                                 : 1;
}

static int s_sha1_value (zdigest_t *d, const msgpack_object *obj,
                         const char *const *skip);

static int
s_sha1_map (zdigest_t *d, const msgpack_object *obj, const char *const *skip)
{
    uint32_t size = obj->via.map.size, kept = 0;
    const msgpack_object_kv **pairs =
        (const msgpack_object_kv **) malloc (sizeof *pairs * (size ? size : 1));
    if (!pairs)
        return -1;
    for (uint32_t i = 0; i < size; i++)
        if (!obj_is_one_of (&obj->via.map.ptr[i].key, skip))
            pairs[kept++] = &obj->via.map.ptr[i];
    qsort (pairs, kept, sizeof *pairs, s_key_order);
    s_feed_u64 (d, kept);
    int rc = 0;
    for (uint32_t i = 0; i < kept && rc == 0; i++)
        rc = s_sha1_value (d, &pairs[i]->key, NULL)
                     || s_sha1_value (d, &pairs[i]->val, NULL)
                 ? -1
                 : 0;
    free (pairs);
    return rc;
}

static int
s_sha1_value (zdigest_t *d, const msgpack_object *obj, const char *const *skip)
{
    byte type = (byte) obj->type;
    s_feed (d, &type, 1);
    switch (obj->type) {
    case MSGPACK_OBJECT_BOOLEAN:
        s_feed_u64 (d, obj->via.boolean ? 1 : 0);
        return 0;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        s_feed_u64 (d, obj->via.u64);
        return 0;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        s_feed_u64 (d, (uint64_t) obj->via.i64);
        return 0;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: {
        uint64_t bits;
        memcpy (&bits, &obj->via.f64, sizeof bits);
        s_feed_u64 (d, bits);
        return 0;
    }
    case MSGPACK_OBJECT_STR:
    case MSGPACK_OBJECT_BIN:
        s_feed_u64 (d, obj->via.str.size);
        s_feed (d, obj->via.str.ptr, obj->via.str.size);
        return 0;
    case MSGPACK_OBJECT_ARRAY:
        s_feed_u64 (d, obj->via.array.size);
        for (uint32_t i = 0; i < obj->via.array.size; i++)
            if (s_sha1_value (d, &obj->via.array.ptr[i], NULL))
                return -1;
        return 0;
    case MSGPACK_OBJECT_MAP:
        return s_sha1_map (d, obj, skip);
    case MSGPACK_OBJECT_EXT:
        s_feed_u64 (d, (uint64_t) (int64_t) obj->via.ext.type);
        s_feed_u64 (d, obj->via.ext.size);
        s_feed (d, obj->via.ext.ptr, obj->via.ext.size);
        return 0;
    default: //  nil
        return 0;
    }
}

static int
s_sha1_digest (const msgpack_object *obj, const char *const *skip,
               char out[DIGEST_LEGACY_HEX + 1])
{
    zdigest_t *d = zdigest_new ();
    int rc = d ? s_sha1_value (d, obj, skip) : -1;
    if (rc == 0)
        snprintf (out, DIGEST_LEGACY_HEX + 1, "%s", zdigest_string (d));
    zdigest_destroy (&d);
    return rc;
}

//  --------------------------------------------------------------------------
//  The current digest

typedef struct {
    uint64_t a, b;
} h128_t;

//  A bijective mixer (xor-shifts and odd multipliers): every input bit
//  reaches every output bit.
static uint64_t
s_mix (uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    x ^= x >> 33;
    return x;
}

static h128_t
s_start (int type, uint64_t size)
{
    uint64_t t = (uint64_t) type + 1;
    return (h128_t){s_mix (t * 0x9e3779b97f4a7c15ULL ^ size),
                    s_mix (t * 0xc2b2ae3d27d4eb4fULL + size)};
}

static void
s_word (h128_t *h, uint64_t w)
{
    h->a = s_mix (h->a ^ w);
    h->b = s_mix (h->b + (w ^ 0x165667b19e3779f9ULL));
}

static h128_t
s_bytes (int type, const void *data, size_t size)
{
    h128_t h = s_start (type, size);
    const uint8_t *p = (const uint8_t *) data;
    for (; size >= 8; p += 8, size -= 8) {
        uint64_t w;
        memcpy (&w, p, 8);
        s_word (&h, w);
    }
    uint64_t last = 0;
    for (size_t i = 0; i < size; i++)
        last |= (uint64_t) p[i] << (8 * i);
    s_word (&h, last);
    return h;
}

static h128_t s_hash (const msgpack_object *obj, const char *const *skip);

//  Entries are added up, so their order cannot matter; a repeated entry
//  counts twice instead of cancelling out.
static h128_t
s_hash_map (const msgpack_object *obj, const char *const *skip)
{
    uint64_t sum_a = 0, sum_b = 0, kept = 0;
    for (uint32_t i = 0; i < obj->via.map.size; i++) {
        const msgpack_object_kv *kv = &obj->via.map.ptr[i];
        if (obj_is_one_of (&kv->key, skip))
            continue;
        h128_t k = s_hash (&kv->key, NULL), v = s_hash (&kv->val, NULL);
        sum_a += s_mix (k.a ^ s_mix (v.a));
        sum_b += s_mix (k.b + s_mix (v.b ^ 0x94d049bb133111ebULL));
        kept++;
    }
    h128_t h = s_start (MSGPACK_OBJECT_MAP, kept);
    s_word (&h, sum_a);
    s_word (&h, sum_b);
    return h;
}

static h128_t
s_hash (const msgpack_object *obj, const char *const *skip)
{
    uint64_t bits = 0;
    switch (obj->type) {
    case MSGPACK_OBJECT_STR:
    case MSGPACK_OBJECT_BIN:
        return s_bytes (obj->type, obj->via.str.ptr, obj->via.str.size);
    case MSGPACK_OBJECT_EXT: {
        h128_t h = s_bytes (obj->type, obj->via.ext.ptr, obj->via.ext.size);
        s_word (&h, (uint64_t) (int64_t) obj->via.ext.type);
        return h;
    }
    case MSGPACK_OBJECT_ARRAY: {
        h128_t h = s_start (obj->type, obj->via.array.size);
        for (uint32_t i = 0; i < obj->via.array.size; i++) {
            h128_t item = s_hash (&obj->via.array.ptr[i], NULL);
            s_word (&h, item.a);
            s_word (&h, item.b);
        }
        return h;
    }
    case MSGPACK_OBJECT_MAP:
        return s_hash_map (obj, skip);
    case MSGPACK_OBJECT_BOOLEAN:
        bits = obj->via.boolean ? 1 : 0;
        break;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        memcpy (&bits, &obj->via.f64, sizeof bits);
        break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        bits = obj->via.u64;
        break;
    default: //  nil
        break;
    }
    return s_bytes (obj->type, &bits, sizeof bits);
}

int
obj_digest (const msgpack_object *obj, const char *const *skip, char out[DIGEST_MAX + 1])
{
    static const char hex[] = "0123456789abcdef";
    h128_t h = s_hash (obj, skip);
    uint64_t lanes[2] = {h.a, h.b};
    for (int lane = 0; lane < 2; lane++)
        for (int i = 0; i < 16; i++)
            out[lane * 16 + i] = hex[(lanes[lane] >> (60 - 4 * i)) & 0xf];
    out[DIGEST_HEX] = 0;
    return 0;
}

bool
obj_digest_is (const msgpack_object *obj, const char *const *skip, const char *digest)
{
    char mine[DIGEST_MAX + 1];
    size_t len = strlen (digest);
    int rc = len == DIGEST_LEGACY_HEX ? s_sha1_digest (obj, skip, mine)
             : len == DIGEST_HEX      ? obj_digest (obj, skip, mine)
                                      : -1;
    //  The first version wrote upper-case hex (zdigest_string).
    return rc == 0 && strcasecmp (mine, digest) == 0;
}
