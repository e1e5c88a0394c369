/*  json - JSON <-> MessagePack.

    Parsing takes two passes over the text because a MessagePack container
    header carries its member count up front: the first pass validates and
    counts the members of every container (in order of opening), the second
    packs. Both passes are iterative with an explicit stack of at most
    JSON_MAX_DEPTH frames, so hostile input cannot exhaust the C stack.  */
#include "json.h"

#include "codec.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_STRINGIFY_(x) #x
#define S_STRINGIFY(x)  S_STRINGIFY_ (x)

//  ---------------------------------------------------------------------
//  JSON -> MessagePack

typedef struct {
    const char *text;
    size_t len;
    size_t pos;
    msgpack_packer *pk; //  NULL in the counting pass
    uint32_t *counts;   //  members per container, in order of opening
    size_t ncontainers; //  containers opened so far in this pass
    size_t counts_cap;
    char *buf; //  the string or number being decoded
    size_t buf_size;
    size_t buf_cap;
    char *err;
    size_t errlen;
} parser_t;

typedef struct {
    bool object;
    size_t container; //  index into counts
} frame_t;

//  Reports an error at a byte offset; always returns -1.
static int
s_fail_at (parser_t *p, size_t pos, const char *message)
{
    if (p->err && p->errlen > 0)
        snprintf (p->err, p->errlen, "at byte %zu: %s", pos, message);
    return -1;
}

static int
s_fail (parser_t *p, const char *message)
{
    return s_fail_at (p, p->pos, message);
}

static int
s_peek (parser_t *p)
{
    return p->pos < p->len ? (unsigned char) p->text[p->pos] : -1;
}

static bool
s_accept (parser_t *p, char c)
{
    if (s_peek (p) != (unsigned char) c)
        return false;
    p->pos++;
    return true;
}

static void
s_skip_ws (parser_t *p)
{
    int c = s_peek (p);
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        p->pos++;
        c = s_peek (p);
    }
}

//  Turns a packer's status into ours: packing only fails when out of memory.
static int
s_packed (parser_t *p, int rc)
{
    return rc == 0 ? 0 : s_fail (p, "out of memory");
}

static int
s_buf_put (parser_t *p, const void *data, size_t n)
{
    if (p->buf_cap - p->buf_size < n + 1) {
        size_t cap = p->buf_cap ? p->buf_cap : 64;
        while (cap - p->buf_size < n + 1)
            cap *= 2;
        char *grown = (char *) realloc (p->buf, cap);
        if (!grown)
            return s_fail (p, "out of memory");
        p->buf = grown;
        p->buf_cap = cap;
    }
    memcpy (p->buf + p->buf_size, data, n);
    p->buf_size += n;
    p->buf[p->buf_size] = 0;
    return 0;
}

static int
s_put_utf8 (parser_t *p, uint32_t cp)
{
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    unsigned char out[4];
    out[0] = (unsigned char) (lead[n] | (cp >> (6 * (n - 1))));
    for (size_t i = 1; i < n; i++)
        out[i] = (unsigned char) (0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3F));
    return s_buf_put (p, out, n);
}

static int
s_hex4 (parser_t *p, uint32_t *value)
{
    *value = 0;
    for (int i = 0; i < 4; i++) {
        int c = s_peek (p);
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0)
            return c < 0 ? s_fail (p, "unterminated string")
                         : s_fail (p, "bad escape: expected 4 hex digits after \\u");
        *value = *value * 16 + (uint32_t) digit;
        p->pos++;
    }
    return 0;
}

//  At the 'u' of a \u escape that started at start; joins surrogate pairs.
static int
s_unicode_escape (parser_t *p, size_t start)
{
    uint32_t cp, low;
    p->pos++;
    if (s_hex4 (p, &cp))
        return -1;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return s_fail_at (p, start, "lone surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (p->pos + 2 > p->len || p->text[p->pos] != '\\' || p->text[p->pos + 1] != 'u')
            return s_fail_at (p, start, "lone surrogate");
        p->pos += 2;
        if (s_hex4 (p, &low))
            return -1;
        if (low < 0xDC00 || low > 0xDFFF)
            return s_fail_at (p, start, "lone surrogate");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    return s_put_utf8 (p, cp);
}

//  At the character after a backslash.
static int
s_escape (parser_t *p)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    int c = s_peek (p);
    if (c < 0)
        return s_fail (p, "unterminated string");
    if (c == 'u')
        return s_unicode_escape (p, p->pos - 1);
    const char *hit = c ? strchr (from, c) : NULL;
    if (!hit)
        return s_fail_at (p, p->pos - 1, "bad escape");
    p->pos++;
    return s_buf_put (p, &to[hit - from], 1);
}

//  At the opening quote; decodes the string into buf.
static int
s_string (parser_t *p)
{
    p->pos++;
    p->buf_size = 0;
    while (true) {
        int c = s_peek (p);
        if (c < 0)
            return s_fail (p, "unterminated string");
        if (c == '"') {
            p->pos++;
            return 0;
        }
        if (c == '\\') {
            p->pos++;
            if (s_escape (p))
                return -1;
            continue;
        }
        if (c < 0x20)
            return s_fail (p, "control character in string");
        const unsigned char *at = (const unsigned char *) p->text + p->pos;
        size_t n = codec_utf8_len (at, p->len - p->pos);
        if (n == 0)
            return s_fail (p, "invalid UTF-8");
        if (s_buf_put (p, at, n))
            return -1;
        p->pos += n;
    }
}

static int
s_pack_string (parser_t *p)
{
    if (!p->pk)
        return 0;
    if (p->buf_size > UINT32_MAX)
        return s_fail (p, "string too long");
    int rc = msgpack_pack_str (p->pk, p->buf_size);
    if (rc == 0 && p->buf_size > 0)
        rc = msgpack_pack_str_body (p->pk, p->buf, p->buf_size);
    return s_packed (p, rc);
}

static size_t
s_digits (parser_t *p)
{
    size_t start = p->pos;
    while (s_peek (p) >= '0' && s_peek (p) <= '9')
        p->pos++;
    return p->pos - start;
}

static int
s_pack_integer (parser_t *p, size_t start, bool negative)
{
    uint64_t value = 0;
    for (size_t i = start + (negative ? 1 : 0); i < p->pos; i++) {
        unsigned digit = (unsigned) (p->text[i] - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return s_fail_at (p, start, "integer out of range");
        value = value * 10 + digit;
    }
    if (negative && value > (uint64_t) INT64_MAX + 1)
        return s_fail_at (p, start, "integer out of range");
    if (!p->pk)
        return 0;
    if (!negative)
        return s_packed (p, msgpack_pack_uint64 (p->pk, value));
    int64_t signed_value =
        value == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) value;
    return s_packed (p, msgpack_pack_int64 (p->pk, signed_value));
}

static int
s_pack_float (parser_t *p, size_t start)
{
    //  strtod needs a terminated copy: the text may run on or not be terminated.
    p->buf_size = 0;
    if (s_buf_put (p, p->text + start, p->pos - start))
        return -1;
    double value = strtod (p->buf, NULL);
    if (isinf (value))
        return s_fail_at (p, start, "number out of range");
    return p->pk ? s_packed (p, msgpack_pack_double (p->pk, value)) : 0;
}

static int
s_number (parser_t *p)
{
    size_t start = p->pos;
    bool negative = s_accept (p, '-');
    size_t first = p->pos;
    size_t ndigits = s_digits (p);
    if (ndigits == 0)
        return s_fail (p, "bad number: expected a digit");
    if (p->text[first] == '0' && ndigits > 1)
        return s_fail_at (p, first + 1, "bad number: leading zero");
    bool integer = true;
    if (s_accept (p, '.')) {
        integer = false;
        if (s_digits (p) == 0)
            return s_fail (p, "bad number: expected a digit after '.'");
    }
    if (s_accept (p, 'e') || s_accept (p, 'E')) {
        integer = false;
        if (!s_accept (p, '+'))
            s_accept (p, '-');
        if (s_digits (p) == 0)
            return s_fail (p, "bad number: expected a digit in the exponent");
    }
    return integer ? s_pack_integer (p, start, negative) : s_pack_float (p, start);
}

static int
s_literal (parser_t *p, const char *word)
{
    size_t n = strlen (word);
    if (p->len - p->pos < n || memcmp (p->text + p->pos, word, n) != 0)
        return s_fail (p, "unexpected character");
    p->pos += n;
    if (!p->pk)
        return 0;
    if (word[0] == 'n')
        return s_packed (p, msgpack_pack_nil (p->pk));
    return s_packed (p, word[0] == 't' ? msgpack_pack_true (p->pk)
                                       : msgpack_pack_false (p->pk));
}

//  Starts the next member of a container: counts it and, in an object, reads
//  the key and the colon. Returns 1: a value must follow.
static int
s_member (parser_t *p, const frame_t *top)
{
    if (!p->pk && p->counts[top->container]++ == UINT32_MAX)
        return s_fail (p, "too many members");
    if (!top->object)
        return 1;
    s_skip_ws (p);
    int c = s_peek (p);
    if (c != '"')
        return s_fail (p, c < 0 ? "unexpected end of input" : "expected a string key");
    if (s_string (p) || s_pack_string (p))
        return -1;
    s_skip_ws (p);
    if (!s_accept (p, ':'))
        return s_fail (p, s_peek (p) < 0 ? "unexpected end of input" : "expected ':'");
    return 1;
}

static int
s_open_header (parser_t *p, bool object)
{
    size_t index = p->ncontainers++;
    if (p->pk) {
        uint32_t count = p->counts[index];
        return s_packed (p, object ? msgpack_pack_map (p->pk, count)
                                   : msgpack_pack_array (p->pk, count));
    }
    if (index == p->counts_cap) {
        size_t cap = p->counts_cap ? p->counts_cap * 2 : 16;
        uint32_t *grown = (uint32_t *) realloc (p->counts, cap * sizeof *grown);
        if (!grown)
            return s_fail (p, "out of memory");
        p->counts = grown;
        p->counts_cap = cap;
    }
    p->counts[index] = 0;
    return 0;
}

//  At '{' or '['. Returns 0 when the container was empty (the value is
//  complete), 1 when a member value must follow.
static int
s_open (parser_t *p, frame_t *stack, size_t *depth, bool object)
{
    if (*depth == JSON_MAX_DEPTH)
        return s_fail (p, "nesting deeper than " S_STRINGIFY (JSON_MAX_DEPTH));
    if (s_open_header (p, object))
        return -1;
    stack[*depth] = (frame_t){object, p->ncontainers - 1};
    (*depth)++;
    p->pos++;
    s_skip_ws (p);
    if (s_accept (p, object ? '}' : ']')) {
        (*depth)--;
        return 0;
    }
    return s_member (p, &stack[*depth - 1]);
}

//  Returns 0 when a value is complete, 1 when a member value must follow.
static int
s_value (parser_t *p, frame_t *stack, size_t *depth)
{
    s_skip_ws (p);
    int c = s_peek (p);
    switch (c) {
    case -1:
        return s_fail (p, "unexpected end of input");
    case '{':
    case '[':
        return s_open (p, stack, depth, c == '{');
    case '"':
        return s_string (p) || s_pack_string (p) ? -1 : 0;
    case 't':
        return s_literal (p, "true");
    case 'f':
        return s_literal (p, "false");
    case 'n':
        return s_literal (p, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return s_number (p);
        return s_fail (p, "unexpected character");
    }
}

//  After a complete value inside a container: a comma or the closing bracket.
static int
s_after (parser_t *p, frame_t *stack, size_t *depth)
{
    s_skip_ws (p);
    frame_t *top = &stack[*depth - 1];
    if (s_accept (p, ','))
        return s_member (p, top);
    if (s_accept (p, top->object ? '}' : ']')) {
        (*depth)--;
        return 0;
    }
    if (s_peek (p) < 0)
        return s_fail (p, "unexpected end of input");
    return s_fail (p, top->object ? "expected ',' or '}'" : "expected ',' or ']'");
}

static int
s_run (parser_t *p)
{
    frame_t stack[JSON_MAX_DEPTH];
    size_t depth = 0;
    p->pos = 0;
    p->ncontainers = 0;
    s_skip_ws (p);
    if (p->pos == p->len)
        return s_fail (p, "empty input");
    int rc = s_value (p, stack, &depth);
    while (rc == 1 || (rc == 0 && depth > 0))
        rc = rc == 1 ? s_value (p, stack, &depth) : s_after (p, stack, &depth);
    if (rc < 0)
        return -1;
    s_skip_ws (p);
    if (p->pos < p->len)
        return s_fail (p, "unexpected trailing characters");
    return 0;
}

int
json_to_msgpack (const char *text, size_t len, msgpack_packer *pk, char *err,
                 size_t errlen)
{
    parser_t parser = {
        .text = text ? text : "", .len = text ? len : 0, .err = err, .errlen = errlen};
    int rc = s_run (&parser);
    if (rc == 0) {
        parser.pk = pk;
        rc = s_run (&parser);
    }
    free (parser.counts);
    free (parser.buf);
    return rc;
}

zframe_t *
json_to_frame (const char *text, char *err, size_t errlen)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    zframe_t *frame = json_to_msgpack (text, strlen (text), &pk, err, errlen) == 0
                          ? zframe_new (buf.data, buf.size)
                          : NULL;
    msgpack_sbuffer_destroy (&buf);
    return frame;
}
