/*  codec - bounded MessagePack decoding, value validators, packing helpers.

    Every body is scanned byte by byte before msgpack-c unpacks it: msgpack-c
    allocates a container's declared size up front, so a 6-byte message
    claiming four billion entries would otherwise cost a huge allocation.  */
#include "codec.h"

#include <czmq.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

struct _msg_t {
    msgpack_unpacked unpacked;
};

static const char *s_err_names[] = {
    "ok",        "invalid_argument", "not_found", "conflict", "failed_precondition",
    "forbidden", "unavailable",      "internal"};

const char *
err_code_name (err_code_t code)
{
    return (unsigned) code < sizeof s_err_names / sizeof s_err_names[0]
               ? s_err_names[code]
               : "internal";
}

int
oerr_set (oerr_t *err, err_code_t code, const char *field, const char *fmt, ...)
{
    err->code = code;
    err->field_from_input = false;
    snprintf (err->field, sizeof err->field, "%s", field ? field : "");
    va_list args;
    va_start (args, fmt);
    vsnprintf (err->message, sizeof err->message, fmt, args);
    va_end (args);
    return -1;
}

//  --------------------------------------------------------------------------
//  Pre-scan of raw MessagePack

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t pos;
    oerr_t *err;
} scan_t;

static int s_scan_value (scan_t *s, int depth);

static int
s_fail (scan_t *s, const char *why)
{
    return oerr_set (s->err, ERR_INVALID_ARGUMENT, "",
                     "malformed message: %s at byte %zu", why, s->pos);
}

static int
s_take (scan_t *s, size_t n, uint64_t *value)
{
    if (s->size - s->pos < n)
        return s_fail (s, "truncated");
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | s->data[s->pos + i];
    s->pos += n;
    if (value)
        *value = v;
    return 0;
}

static int
s_scan_str (scan_t *s, uint64_t len)
{
    if (len > CODEC_MAX_STRING)
        return s_fail (s, "string too long");
    if (s->size - s->pos < len)
        return s_fail (s, "truncated string");
    if (!codec_valid_utf8 ((const char *) s->data + s->pos, (size_t) len))
        return s_fail (s, "string is not valid UTF-8");
    s->pos += len;
    return 0;
}

static bool
s_is_str_byte (uint8_t b)
{
    return (b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb);
}

static int
s_scan_container (scan_t *s, uint64_t count, bool is_map, int depth)
{
    if (depth >= CODEC_MAX_DEPTH)
        return s_fail (s, "nested too deeply");
    if (count > CODEC_MAX_ITEMS)
        return s_fail (s, "too many items");
    for (uint64_t i = 0; i < count; i++) {
        if (is_map) {
            if (s->pos >= s->size)
                return s_fail (s, "truncated");
            if (!s_is_str_byte (s->data[s->pos]))
                return s_fail (s, "map key is not a string");
            if (s_scan_value (s, depth + 1))
                return -1;
        }
        if (s_scan_value (s, depth + 1))
            return -1;
    }
    return 0;
}

static int
s_scan_value (scan_t *s, int depth)
{
    uint64_t n = 0;
    if (s_take (s, 1, &n))
        return -1;
    uint8_t b = (uint8_t) n;
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
        return 0;
    if (b >= 0x80 && b <= 0x8f)
        return s_scan_container (s, b & 0x0f, true, depth);
    if (b >= 0x90 && b <= 0x9f)
        return s_scan_container (s, b & 0x0f, false, depth);
    if (b >= 0xa0 && b <= 0xbf)
        return s_scan_str (s, b & 0x1f);
    switch (b) {
    case 0xca:
        return s_take (s, 4, NULL);
    case 0xcb:
        return s_take (s, 8, NULL);
    case 0xcc:
    case 0xd0:
        return s_take (s, 1, NULL);
    case 0xcd:
    case 0xd1:
        return s_take (s, 2, NULL);
    case 0xce:
    case 0xd2:
        return s_take (s, 4, NULL);
    case 0xcf:
    case 0xd3:
        return s_take (s, 8, NULL);
    case 0xd9:
        return s_take (s, 1, &n) ? -1 : s_scan_str (s, n);
    case 0xda:
        return s_take (s, 2, &n) ? -1 : s_scan_str (s, n);
    case 0xdb:
        return s_take (s, 4, &n) ? -1 : s_scan_str (s, n);
    case 0xdc:
        return s_take (s, 2, &n) ? -1 : s_scan_container (s, n, false, depth);
    case 0xdd:
        return s_take (s, 4, &n) ? -1 : s_scan_container (s, n, false, depth);
    case 0xde:
        return s_take (s, 2, &n) ? -1 : s_scan_container (s, n, true, depth);
    case 0xdf:
        return s_take (s, 4, &n) ? -1 : s_scan_container (s, n, true, depth);
    default:
        s->pos--;
        return s_fail (s, "binary, extension or reserved type");
    }
}

msg_t *
msg_decode (const void *data, size_t size, oerr_t *err)
{
    if (size > CODEC_MAX_BODY) {
        oerr_set (err, ERR_INVALID_ARGUMENT, "frame", "message of %zu bytes exceeds %d",
                  size, CODEC_MAX_BODY);
        return NULL;
    }
    scan_t scan = {(const uint8_t *) data, size, 0, err};
    if (size == 0 || (((const uint8_t *) data)[0] & 0xf0) != 0x80) {
        uint8_t b = size ? ((const uint8_t *) data)[0] : 0;
        if (size == 0 || (b != 0xde && b != 0xdf)) {
            oerr_set (err, ERR_INVALID_ARGUMENT, "", "message is not a MessagePack map");
            return NULL;
        }
    }
    if (s_scan_value (&scan, 0))
        return NULL;
    if (scan.pos != size) {
        s_fail (&scan, "trailing bytes");
        return NULL;
    }
    msg_t *self = (msg_t *) zmalloc (sizeof (msg_t));
    msgpack_unpacked_init (&self->unpacked);
    size_t offset = 0;
    if (msgpack_unpack_next (&self->unpacked, (const char *) data, size, &offset)
        != MSGPACK_UNPACK_SUCCESS) {
        oerr_set (err, ERR_INVALID_ARGUMENT, "", "malformed message");
        msg_destroy (&self);
    }
    return self;
}

void
msg_destroy (msg_t **self_p)
{
    if (self_p && *self_p) {
        msgpack_unpacked_destroy (&(*self_p)->unpacked);
        free (*self_p);
        *self_p = NULL;
    }
}

const msgpack_object *
msg_root (msg_t *self)
{
    return &self->unpacked.data;
}

//  --------------------------------------------------------------------------
//  Object access

const msgpack_object *
obj_get (const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t len = strlen (key);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        //  msgpack-c may give an empty str a NULL ptr: no memcmp on it.
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == len
            && (len == 0 || memcmp (k->via.str.ptr, key, len) == 0))
            return &map->via.map.ptr[i].val;
    }
    return NULL;
}

bool
obj_is_str (const msgpack_object *obj, const char *value)
{
    if (!obj || obj->type != MSGPACK_OBJECT_STR)
        return false;
    //  Validation compares each key with every field name: most differ in
    //  the first byte, which needs no strlen.
    uint32_t size = obj->via.str.size;
    if (size == 0 || obj->via.str.ptr[0] != value[0])
        return size == 0 && value[0] == 0;
    return size == strlen (value) && memcmp (obj->via.str.ptr, value, size) == 0;
}

int
obj_str (const msgpack_object *obj, char *buf, size_t size)
{
    if (!obj || obj->type != MSGPACK_OBJECT_STR || obj->via.str.size >= size)
        return -1;
    if (obj->via.str.size > 0)
        memcpy (buf, obj->via.str.ptr, obj->via.str.size);
    buf[obj->via.str.size] = 0;
    return 0;
}

bool
obj_is_one_of (const msgpack_object *obj, const char *const *names)
{
    for (size_t i = 0; names && names[i]; i++)
        if (obj_is_str (obj, names[i]))
            return true;
    return false;
}

static uint32_t
s_counted (const msgpack_object *map, const char *const *skip)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < map->via.map.size; i++)
        count += obj_is_one_of (&map->via.map.ptr[i].key, skip) ? 0 : 1;
    return count;
}

bool
obj_same (const msgpack_object *a, const msgpack_object *b, const char *const *skip)
{
    if (a->type != MSGPACK_OBJECT_MAP || b->type != MSGPACK_OBJECT_MAP) {
        if (a->type != b->type || a->type != MSGPACK_OBJECT_ARRAY)
            return msgpack_object_equal (*a, *b);
        if (a->via.array.size != b->via.array.size)
            return false;
        for (uint32_t i = 0; i < a->via.array.size; i++)
            if (!obj_same (&a->via.array.ptr[i], &b->via.array.ptr[i], NULL))
                return false;
        return true;
    }
    if (s_counted (a, skip) != s_counted (b, skip))
        return false;
    for (uint32_t i = 0; i < a->via.map.size; i++) {
        const msgpack_object_kv *pair = &a->via.map.ptr[i];
        if (obj_is_one_of (&pair->key, skip))
            continue;
        char key[CODEC_ID_MAX + 1];
        const msgpack_object *other =
            obj_str (&pair->key, key, sizeof key) == 0 ? obj_get (b, key) : NULL;
        if (!other || !obj_same (&pair->val, other, NULL))
            return false;
    }
    return true;
}

const char *
map_str (const msgpack_object *map, const char *key, char *buf, size_t size)
{
    if (obj_str (obj_get (map, key), buf, size))
        buf[0] = 0;
    return buf;
}

int64_t
map_int (const msgpack_object *map, const char *key, int64_t dflt)
{
    const msgpack_object *o = obj_get (map, key);
    if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX)
        return (int64_t) o->via.u64;
    if (o && o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return o->via.i64;
    return dflt;
}

double
map_num (const msgpack_object *map, const char *key, double dflt)
{
    const msgpack_object *o = obj_get (map, key);
    if (o && (o->type == MSGPACK_OBJECT_FLOAT64 || o->type == MSGPACK_OBJECT_FLOAT32))
        return o->via.f64;
    if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return (double) o->via.u64;
    if (o && o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return (double) o->via.i64;
    return dflt;
}

bool
map_bool (const msgpack_object *map, const char *key, bool dflt)
{
    const msgpack_object *o = obj_get (map, key);
    return o && o->type == MSGPACK_OBJECT_BOOLEAN ? o->via.boolean : dflt;
}

bool
map_has (const msgpack_object *map, const char *key)
{
    const msgpack_object *o = obj_get (map, key);
    return o && o->type != MSGPACK_OBJECT_NIL;
}

int
map_enum (const msgpack_object *map, const char *key, const char *const *values)
{
    const msgpack_object *o = obj_get (map, key);
    for (int i = 0; o && values[i]; i++)
        if (obj_is_str (o, values[i]))
            return i;
    return -1;
}

//  --------------------------------------------------------------------------
//  Validators

bool
codec_valid_id (const char *text, size_t len)
{
    if (len < 1 || len > CODEC_ID_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (!(isalnum ((unsigned char) c) || c == '_' || c == '.' || c == ':'
              || c == '-'))
            return false;
    }
    return true;
}

bool
codec_bsn_like (const char *text, size_t len)
{
    if (len != 9)
        return false;
    int sum = 0;
    for (size_t i = 0; i < 9; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        int digit = text[i] - '0';
        sum += i < 8 ? digit * (int) (9 - i) : -digit;
    }
    return sum % 11 == 0;
}

bool
codec_valid_label (const char *text, size_t len)
{
    if (len < 1 || len > CODEC_ID_MAX || text[0] == ' ' || text[len - 1] == ' ')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (!(isalnum ((unsigned char) c) || strchr ("_.:- ", c)) || c == 0)
            return false;
    }
    return true;
}

//  Length of the well-formed UTF-8 sequence at s (n >= 1 bytes available),
//  0 if it is not one: overlong forms, surrogates and code points above
//  U+10FFFF are not well formed (RFC 3629).
size_t
codec_utf8_len (const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        lo = s[0] == 0xE0 ? 0xA0 : lo;
        hi = s[0] == 0xED ? 0x9F : hi;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        lo = s[0] == 0xF0 ? 0x90 : lo;
        hi = s[0] == 0xF4 ? 0x8F : hi;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

bool
codec_valid_utf8 (const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *) text;
    for (size_t i = 0, n = 0; i < len; i += n)
        if ((n = codec_utf8_len (p + i, len - i)) == 0)
            return false;
    return true;
}

//  Days since 1970-01-01 of a proleptic Gregorian date.
static int32_t
s_days_from_civil (int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int
codec_parse_date (const char *text, size_t len, int32_t *days)
{
    if (len != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    int parts[3] = {0, 0, 0};
    const int starts[3] = {0, 5, 8}, widths[3] = {4, 2, 2};
    for (int p = 0; p < 3; p++)
        for (int i = 0; i < widths[p]; i++) {
            char c = text[starts[p] + i];
            if (c < '0' || c > '9')
                return -1;
            parts[p] = parts[p] * 10 + (c - '0');
        }
    int y = parts[0], m = parts[1], d = parts[2];
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1
        || d > mdays[m - 1] + (m == 2 && leap))
        return -1;
    if (days)
        *days = s_days_from_civil (y, m, d);
    return 0;
}

int
codec_date_year (const char *date)
{
    return atoi (date);
}

//  Writes value as width decimal digits (the lowest ones): dates and times
//  are made for every event and audit entry, so without printf.
static void
s_digits (char *out, unsigned value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char) ('0' + value % 10);
        value /= 10;
    }
}

void
codec_format_date (int32_t days, char buf[11])
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp + (mp < 10 ? 3 : -9);
    int y = yoe + era * 400 + (m <= 2);
    s_digits (buf, (unsigned) y, 4);
    buf[4] = '-';
    s_digits (buf + 5, (unsigned) m, 2);
    buf[7] = '-';
    s_digits (buf + 8, (unsigned) d, 2);
    buf[10] = 0;
}

void
codec_format_ms (int64_t ms, char buf[32])
{
    int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
    int64_t in_day = ms - days * 86400000;
    codec_format_date ((int32_t) days, buf);
    buf[10] = 'T';
    s_digits (buf + 11, (unsigned) (in_day / 3600000), 2);
    buf[13] = ':';
    s_digits (buf + 14, (unsigned) (in_day / 60000 % 60), 2);
    buf[16] = ':';
    s_digits (buf + 17, (unsigned) (in_day / 1000 % 60), 2);
    buf[19] = '.';
    s_digits (buf + 20, (unsigned) (in_day % 1000), 3);
    buf[23] = 'Z';
    buf[24] = 0;
}

void
codec_now (char buf[32])
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    codec_format_ms ((int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000, buf);
}

void
codec_letters (uint64_t value, int count, char *out)
{
    for (int i = count - 1; i >= 0; i--, value >>= 4)
        out[i] = (char) ('a' + (value & 0x0f));
    out[count] = 0;
}

void
codec_new_id (char *out, size_t size, const char *prefix)
{
    zuuid_t *uuid = zuuid_new ();
    //  The second half of a version 4 uuid: its low 52 bits are all random.
    const byte *random = zuuid_data (uuid) + 8;
    uint64_t bits = 0;
    for (size_t i = 0; i < 8; i++)
        bits = (bits << 8) | random[i];
    zuuid_destroy (&uuid);
    //  Letters where these were hex digits (until 2026-11-24): the ids
    //  made since sort after every earlier one, as '0'-'9' sort before 'a'.
    char ms[13], rest[14];
    codec_letters ((uint64_t) zclock_time (), 12, ms);
    codec_letters (bits, 13, rest);
    snprintf (out, size, "%s-%s%s", prefix, ms, rest);
}

//  --------------------------------------------------------------------------
//  Packing

void
pk_kv_obj (msgpack_packer *pk, const char *key, const msgpack_object *value)
{
    pk_str (pk, key);
    msgpack_pack_object (pk, *value);
}

int
codec_pack_error (msgpack_sbuffer *out, const oerr_t *err, const char *rid)
{
    msgpack_packer pk;
    msgpack_packer_init (&pk, out, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, rid && *rid ? 3 : 2);
    pk_kv_bool (&pk, "ok", false);
    if (rid && *rid)
        pk_kv_str (&pk, "rid", rid);
    pk_str (&pk, "error");
    msgpack_pack_map (&pk, err->field[0] ? 3 : 2);
    pk_kv_str (&pk, "code", err_code_name (err->code));
    pk_kv_str (&pk, "message", err->message);
    if (err->field[0])
        pk_kv_str (&pk, "field", err->field);
    return 0;
}
