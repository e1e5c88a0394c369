/*  digest - a fingerprint of a MessagePack value, map keys in any order.

    Each value is fed to SHA-1 as its type, then its length or bytes, so no
    two different values (as obj_same sees them) feed the same bytes. A
    map's entries go in the order of their keys' bytes.  */
#include "digest.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>

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

static int s_value (zdigest_t *d, const msgpack_object *obj, const char *const *skip);

static int
s_map (zdigest_t *d, const msgpack_object *obj, const char *const *skip)
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
        rc = s_value (d, &pairs[i]->key, NULL) || s_value (d, &pairs[i]->val, NULL) ? -1
                                                                                    : 0;
    free (pairs);
    return rc;
}

static int
s_value (zdigest_t *d, const msgpack_object *obj, const char *const *skip)
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
            if (s_value (d, &obj->via.array.ptr[i], NULL))
                return -1;
        return 0;
    case MSGPACK_OBJECT_MAP:
        return s_map (d, obj, skip);
    case MSGPACK_OBJECT_EXT:
        s_feed_u64 (d, (uint64_t) (int64_t) obj->via.ext.type);
        s_feed_u64 (d, obj->via.ext.size);
        s_feed (d, obj->via.ext.ptr, obj->via.ext.size);
        return 0;
    default: //  nil
        return 0;
    }
}

int
obj_digest (const msgpack_object *obj, const char *const *skip, char out[DIGEST_HEX + 1])
{
    zdigest_t *d = zdigest_new ();
    if (!d)
        return -1;
    int rc = s_value (d, obj, skip);
    if (rc == 0)
        snprintf (out, DIGEST_HEX + 1, "%s", zdigest_string (d));
    zdigest_destroy (&d);
    return rc;
}
