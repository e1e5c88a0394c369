/*  fuzz_codec - the bounded pre-scan and decoder, the object accessors and
    the value validators on arbitrary bytes. Besides "no crash, no leak",
    it checks properties: what decodes stays within the limits and packs
    back to bytes that decode again to the same packing; the validators
    agree with an independent UTF-8 decoder and with each other; a date
    that parses formats back to the same text.  */
#include "fuzz.h"

#include <string.h>

//  Written from RFC 3629 independently of codec_utf8_len: decode each code
//  point, then refuse overlong forms, surrogates and values past U+10FFFF.
static bool
s_reference_utf8 (const uint8_t *p, size_t n)
{
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t i = 0;
    while (i < n) {
        uint32_t c = p[i];
        size_t len = c < 0x80           ? 1
                     : (c >> 5) == 0x06 ? 2
                     : (c >> 4) == 0x0e ? 3
                     : (c >> 3) == 0x1e ? 4
                                        : 0;
        if (len == 0 || n - i < len)
            return false;
        if (len > 1)
            c &= 0xffu >> (len + 1);
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            c = (c << 6) | (p[i + k] & 0x3f);
        }
        if (c < least[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

static void
s_check_validators (const uint8_t *data, size_t size)
{
    const char *text = (const char *) data;
    bool utf8 = codec_valid_utf8 (text, size);
    FUZZ_CHECK (utf8 == s_reference_utf8 (data, size));
    bool id = codec_valid_id (text, size);
    bool label = codec_valid_label (text, size);
    //  Identifier characters are a subset of label characters.
    FUZZ_CHECK (!id || label);
    FUZZ_CHECK (!label || utf8);
    FUZZ_CHECK (!codec_bsn_like (text, size) || id);
    int32_t days = 0;
    if (codec_parse_date (text, size, &days) == 0) {
        char back[11];
        codec_format_date (days, back);
        FUZZ_CHECK (size == 10 && memcmp (back, text, 10) == 0);
        char copy[11];
        memcpy (copy, text, 10);
        copy[10] = 0;
        int year = codec_date_year (copy);
        FUZZ_CHECK (year >= 1900 && year <= 2199);
    }
}

//  tests/fuzz/regress/fuzz_codec/empty-key: msgpack-c gives an empty fixstr
//  a NULL pointer, and obj_get / obj_is_str / obj_same then pass it to
//  memcmp (undefined even for 0 bytes). Tolerated: such strings are left out.
static bool
s_null_str (const msgpack_object *obj)
{
    return obj->type == MSGPACK_OBJECT_STR && obj->via.str.ptr == NULL
           && fuzz_tolerates ("empty-key");
}

//  The accessors on one key of map: they must find what the map holds.
static void
s_check_key (const msgpack_object *map, const msgpack_object_kv *kv)
{
    char key[CODEC_ID_MAX + 1], buf[CODEC_ID_MAX + 1];
    bool tolerate = fuzz_tolerates ("empty-key");
    if ((tolerate && s_null_str (&kv->key)) || s_null_str (&kv->val)
        || obj_str (&kv->key, key, sizeof key) != 0)
        return;
    //  "" as a C string (a key of NULs too) would meet an empty key.
    if (tolerate && *key == 0)
        return;
    const msgpack_object *found = obj_get (map, key);
    //  A key with a NUL inside is not found by its C prefix.
    FUZZ_CHECK (found || strlen (key) != kv->key.via.str.size);
    FUZZ_CHECK (map_has (map, key) == (found && found->type != MSGPACK_OBJECT_NIL));
    map_str (map, key, buf, sizeof buf);
    FUZZ_CHECK (strlen (buf) < sizeof buf);
    (void) map_int (map, key, 0);
    (void) map_num (map, key, 0);
    (void) map_bool (map, key, false);
    const char *const values[] = {"a", key, NULL};
    (void) map_enum (map, key, values);
}

static void
s_walk (const msgpack_object *obj, int depth, bool *null_str)
{
    if (s_null_str (obj))
        *null_str = true;
    switch (obj->type) {
    case MSGPACK_OBJECT_STR:
        FUZZ_CHECK (obj->via.str.size <= CODEC_MAX_STRING);
        FUZZ_CHECK (codec_valid_utf8 (obj->via.str.ptr, obj->via.str.size));
        break;
    case MSGPACK_OBJECT_BIN:
    case MSGPACK_OBJECT_EXT:
        FUZZ_CHECK (!"the pre-scan lets no bin or ext through");
        break;
    case MSGPACK_OBJECT_ARRAY:
        FUZZ_CHECK (depth < CODEC_MAX_DEPTH && obj->via.array.size <= CODEC_MAX_ITEMS);
        for (uint32_t i = 0; i < obj->via.array.size; i++)
            s_walk (&obj->via.array.ptr[i], depth + 1, null_str);
        break;
    case MSGPACK_OBJECT_MAP:
        FUZZ_CHECK (depth < CODEC_MAX_DEPTH && obj->via.map.size <= CODEC_MAX_ITEMS);
        for (uint32_t i = 0; i < obj->via.map.size; i++) {
            const msgpack_object_kv *kv = &obj->via.map.ptr[i];
            FUZZ_CHECK (kv->key.type == MSGPACK_OBJECT_STR);
            s_check_key (obj, kv);
            s_walk (&kv->key, depth + 1, null_str);
            s_walk (&kv->val, depth + 1, null_str);
        }
        break;
    default:
        break;
    }
}

static void
s_pack (const msgpack_object *obj, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init (&pk, out, msgpack_sbuffer_write);
    msgpack_pack_object (&pk, *obj);
}

//  Decoded, packed again, decoded again: the second packing must equal the
//  first (floats and key order survive; NaN makes obj_same useless here).
static void
s_check_round_trip (const msgpack_object *root, bool null_str)
{
    msgpack_sbuffer once, twice;
    msgpack_sbuffer_init (&once);
    msgpack_sbuffer_init (&twice);
    s_pack (root, &once);
    oerr_t err;
    msg_t *again = msg_decode (once.data, once.size, &err);
    FUZZ_CHECK (again != NULL);
    s_pack (msg_root (again), &twice);
    FUZZ_CHECK (once.size == twice.size
                && memcmp (once.data, twice.data, once.size) == 0);
    if (!null_str) {
        const char *const skip[] = {"rid", NULL};
        (void) obj_same (root, msg_root (again), NULL);
        (void) obj_same (msg_root (again), root, skip);
    }
    msg_destroy (&again);
    msgpack_sbuffer_destroy (&once);
    msgpack_sbuffer_destroy (&twice);
}

int
fuzz_codec (const uint8_t *data, size_t size)
{
    s_check_validators (data, size);
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg) {
        FUZZ_CHECK (err.code == ERR_INVALID_ARGUMENT);
        fuzz_check_error_reply (&err, NULL);
        return 0;
    }
    const msgpack_object *root = msg_root (msg);
    FUZZ_CHECK (root->type == MSGPACK_OBJECT_MAP);
    bool null_str = false;
    s_walk (root, 0, &null_str);
    //  The packing again has fixstr where the input may have had str8.
    msgpack_sbuffer once;
    msgpack_sbuffer_init (&once);
    s_pack (root, &once);
    msg_t *again = msg_decode (once.data, once.size, &err);
    if (again)
        s_walk (msg_root (again), 0, &null_str);
    msg_destroy (&again);
    msgpack_sbuffer_destroy (&once);
    s_check_round_trip (root, null_str);
    msg_destroy (&msg);
    return 0;
}

FUZZ_ENTRY (fuzz_codec)
