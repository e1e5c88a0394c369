/*  codec - bounded MessagePack decoding, value validators and packing
    helpers shared by every service (proto/PROTOCOL.md sections 2 and 6).  */
#ifndef OPSTAP_CODEC_H
#define OPSTAP_CODEC_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CODEC_MAX_BODY   (256 * 1024)
#define CODEC_MAX_DEPTH  8
#define CODEC_MAX_ITEMS  1024
#define CODEC_MAX_STRING (64 * 1024)
#define CODEC_ID_MAX     64
#define CODEC_TEXT_MAX   4000

typedef enum {
    ERR_NONE = 0,
    ERR_INVALID_ARGUMENT,
    ERR_NOT_FOUND,
    ERR_CONFLICT,
    ERR_FAILED_PRECONDITION,
    ERR_FORBIDDEN,
    ERR_UNAVAILABLE,
    ERR_INTERNAL
} err_code_t;

//  Why a request failed; filled by whoever refuses it first.
typedef struct {
    err_code_t code;
    char field[96];
    char message[512];
    bool field_from_input; //  field names a key the caller made up: never log it
} oerr_t;

const char *err_code_name (err_code_t code);
//  Sets the error and returns -1, so callers can "return oerr_set (...)".
int oerr_set (oerr_t *err, err_code_t code, const char *field, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

//  A decoded message. Its objects point into the bytes it was decoded from
//  (msgpack-c does not copy strings): keep those bytes alive as long as the
//  message, and copy out what must outlive them.
typedef struct _msg_t msg_t;

//  Decodes one map of at most CODEC_MAX_BODY bytes within the limits above;
//  NULL with err set (invalid_argument) on anything else.
msg_t *msg_decode (const void *data, size_t size, oerr_t *err);
void msg_destroy (msg_t **self_p);
const msgpack_object *msg_root (msg_t *self);

//  Looks a key up in a map object; NULL when absent or obj is not a map.
const msgpack_object *obj_get (const msgpack_object *map, const char *key);
bool obj_is_str (const msgpack_object *obj, const char *value);
//  True when obj is a string equal to one of names (NULL-terminated, or NULL).
bool obj_is_one_of (const msgpack_object *obj, const char *const *names);
//  Copies a str object into buf (NUL-terminated); -1 if not a str or too long.
int obj_str (const msgpack_object *obj, char *buf, size_t size);
//  Equal values, with maps compared regardless of key order; at the top
//  level the keys in skip (NULL-terminated, may be NULL) are ignored.
bool obj_same (const msgpack_object *a, const msgpack_object *b, const char *const *skip);
//  Field helpers for maps already validated by a schema: absent -> default.
const char *map_str (const msgpack_object *map, const char *key, char *buf, size_t size);
int64_t map_int (const msgpack_object *map, const char *key, int64_t dflt);
double map_num (const msgpack_object *map, const char *key, double dflt);
bool map_bool (const msgpack_object *map, const char *key, bool dflt);
bool map_has (const msgpack_object *map, const char *key);
//  Index of a str field's value in a NULL-terminated list, -1 if absent.
int map_enum (const msgpack_object *map, const char *key, const char *const *values);

//  Value validators.
bool codec_valid_id (const char *text, size_t len);
bool codec_bsn_like (const char *text, size_t len);
bool codec_valid_label (const char *text, size_t len);
bool codec_valid_utf8 (const char *text, size_t len);
//  Length of the well-formed UTF-8 sequence at s (n >= 1 bytes), 0 when it
//  is not one (overlong forms, surrogates, above U+10FFFF: RFC 3629).
size_t codec_utf8_len (const unsigned char *s, size_t n);
//  Parses YYYY-MM-DD into days since 1970-01-01; -1 if not a real date.
int codec_parse_date (const char *text, size_t len, int32_t *days);
int codec_date_year (const char *date);
void codec_format_date (int32_t days, char buf[11]);
//  Recording time now, UTC, millisecond precision.
//  YYYY-MM-DDTHH:MM:SS.mmmZ (UTC) of ms since 1970.
void codec_format_ms (int64_t ms, char buf[32]);
void codec_now (char buf[32]);
//  A fresh id: PREFIX, a dash, the time in ms (12 nibbles) and 52 random
//  bits (13), each nibble a letter a-p. Ids made later sort later, so new
//  records land at the end of every table keyed by them instead of on a
//  random page; and no id holds a digit, so none looks like a BSN or a
//  phone number to a scan of the streams.
void codec_new_id (char *out, size_t size, const char *prefix);
//  The low count nibbles of value as letters a-p, most significant first
//  (they sort as the number does), and a NUL: out holds count + 1.
void codec_letters (uint64_t value, int count, char *out);

//  Packing helpers: key/value pairs into a map being packed. Inline, so a
//  literal key's length is known when compiled (they run for every field of
//  every record, event and reply).
static inline void
pk_str (msgpack_packer *pk, const char *value)
{
    size_t len = strlen (value);
    msgpack_pack_str (pk, len);
    msgpack_pack_str_body (pk, value, len);
}

static inline void
pk_kv_str (msgpack_packer *pk, const char *key, const char *value)
{
    pk_str (pk, key);
    pk_str (pk, value);
}

static inline void
pk_kv_int (msgpack_packer *pk, const char *key, int64_t value)
{
    pk_str (pk, key);
    msgpack_pack_int64 (pk, value);
}

static inline void
pk_kv_uint (msgpack_packer *pk, const char *key, uint64_t value)
{
    pk_str (pk, key);
    msgpack_pack_uint64 (pk, value);
}

static inline void
pk_kv_num (msgpack_packer *pk, const char *key, double value)
{
    pk_str (pk, key);
    msgpack_pack_double (pk, value);
}

static inline void
pk_kv_bool (msgpack_packer *pk, const char *key, bool value)
{
    pk_str (pk, key);
    if (value)
        msgpack_pack_true (pk);
    else
        msgpack_pack_false (pk);
}

void pk_kv_obj (msgpack_packer *pk, const char *key, const msgpack_object *value);

//  An error reply body.
int codec_pack_error (msgpack_sbuffer *out, const oerr_t *err, const char *rid);

#endif
