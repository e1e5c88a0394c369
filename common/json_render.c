/*  json_render - MessagePack to JSON text, for people and for the
    command-line tool. Walks with a heap stack, so any depth renders.  */
#include "json.h"

#include "codec.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  ---------------------------------------------------------------------
//  MessagePack -> JSON

typedef struct {
    char *data;
    size_t size;
    size_t cap;
    bool failed;
} strbuf_t;

static void
s_put (strbuf_t *b, const void *data, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (b->cap - b->size < n) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap - b->size < n && cap < SIZE_MAX / 2)
            cap *= 2;
        char *grown = cap - b->size < n ? NULL : (char *) realloc (b->data, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy (b->data + b->size, data, n);
    b->size += n;
}

static void
s_puts (strbuf_t *b, const char *text)
{
    s_put (b, text, strlen (text));
}

static void
s_putc (strbuf_t *b, char c)
{
    s_put (b, &c, 1);
}

static void
s_render_control (strbuf_t *b, unsigned char c)
{
    static const char from[] = "\b\f\n\r\t";
    static const char to[] = "bfnrt";
    const char *hit = c ? strchr (from, c) : NULL;
    char text[8];
    if (hit)
        snprintf (text, sizeof text, "\\%c", to[hit - from]);
    else
        snprintf (text, sizeof text, "\\u%04x", c);
    s_puts (b, text);
}

static void
s_render_string (strbuf_t *b, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *) text;
    if (n == 0) { //  an empty str may have a NULL ptr
        s_puts (b, "\"\"");
        return;
    }
    s_putc (b, '"');
    size_t i = 0;
    while (i < n) {
        size_t run = 0;
        while (i + run < n && s[i + run] >= 0x20 && s[i + run] < 0x80 && s[i + run] != '"'
               && s[i + run] != '\\')
            run++;
        s_put (b, s + i, run);
        i += run;
        if (i == n)
            break;
        size_t len = s[i] < 0x80 ? 1 : codec_utf8_len (s + i, n - i);
        if (s[i] == '"' || s[i] == '\\') {
            s_putc (b, '\\');
            s_putc (b, (char) s[i]);
        } else if (s[i] < 0x20)
            s_render_control (b, s[i]);
        else if (len == 0)
            s_puts (b, "\xEF\xBF\xBD");
        else
            s_put (b, s + i, len);
        i += len ? len : 1;
    }
    s_putc (b, '"');
}

static void
s_render_hex (strbuf_t *b, const char *data, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    s_putc (b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) data[i];
        char pair[2] = {digits[c >> 4], digits[c & 15]};
        s_put (b, pair, 2);
    }
    s_putc (b, '"');
}

//  The shortest of a few precisions that reads back as the same value, with
//  ".0" added to integral values so that they stay floats on the way back.
static void
s_render_float (strbuf_t *b, double value, bool single)
{
    if (!isfinite (value)) {
        s_puts (b, "null");
        return;
    }
    char text[48];
    int first = single ? 6 : 15, last = single ? 9 : 17;
    for (int precision = first; precision <= last; precision++) {
        snprintf (text, sizeof text, "%.*g", precision, value);
        double back = strtod (text, NULL);
        if (single ? (float) back == (float) value : back == value)
            break;
    }
    if (!strpbrk (text, ".e"))
        strcat (text, ".0");
    s_puts (b, text);
}

static void
s_render_scalar (strbuf_t *b, const msgpack_object *obj)
{
    char text[32];
    switch (obj->type) {
    case MSGPACK_OBJECT_BOOLEAN:
        s_puts (b, obj->via.boolean ? "true" : "false");
        break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        snprintf (text, sizeof text, "%" PRIu64, obj->via.u64);
        s_puts (b, text);
        break;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        snprintf (text, sizeof text, "%" PRId64, obj->via.i64);
        s_puts (b, text);
        break;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        s_render_float (b, obj->via.f64, obj->type == MSGPACK_OBJECT_FLOAT32);
        break;
    case MSGPACK_OBJECT_STR:
        s_render_string (b, obj->via.str.ptr, obj->via.str.size);
        break;
    case MSGPACK_OBJECT_BIN:
        s_render_hex (b, obj->via.bin.ptr, obj->via.bin.size);
        break;
    case MSGPACK_OBJECT_EXT:
        s_render_hex (b, obj->via.ext.ptr, obj->via.ext.size);
        break;
    default:
        s_puts (b, "null");
        break;
    }
}

static void
s_render_key (strbuf_t *b, const msgpack_object *key)
{
    if (key->type == MSGPACK_OBJECT_STR) {
        s_render_string (b, key->via.str.ptr, key->via.str.size);
        return;
    }
    char *text = json_from_msgpack (key);
    if (!text)
        b->failed = true;
    else
        s_render_string (b, text, strlen (text));
    free (text);
}

typedef struct {
    const msgpack_object *obj;
    uint32_t next; //  index of the next member to render
} walk_t;

static bool
s_is_container (const msgpack_object *obj)
{
    return obj->type == MSGPACK_OBJECT_MAP || obj->type == MSGPACK_OBJECT_ARRAY;
}

static void
s_push (strbuf_t *b, walk_t **stack, size_t *depth, size_t *cap,
        const msgpack_object *obj)
{
    if (*depth == *cap) {
        size_t grown_cap = *cap ? *cap * 2 : 16;
        walk_t *grown = (walk_t *) realloc (*stack, grown_cap * sizeof *grown);
        if (!grown) {
            b->failed = true;
            return;
        }
        *stack = grown;
        *cap = grown_cap;
    }
    (*stack)[(*depth)++] = (walk_t){obj, 0};
    s_putc (b, obj->type == MSGPACK_OBJECT_MAP ? '{' : '[');
}

//  Walks the tree with an explicit stack: depth is bounded only by memory.
static void
s_render (strbuf_t *b, const msgpack_object *root)
{
    walk_t *stack = NULL;
    size_t depth = 0, cap = 0;
    const msgpack_object *obj = root;
    while (!b->failed) {
        if (obj && s_is_container (obj))
            s_push (b, &stack, &depth, &cap, obj);
        else if (obj)
            s_render_scalar (b, obj);
        obj = NULL;
        if (depth == 0 || b->failed)
            break;
        walk_t *top = &stack[depth - 1];
        bool map = top->obj->type == MSGPACK_OBJECT_MAP;
        uint32_t size = map ? top->obj->via.map.size : top->obj->via.array.size;
        if (top->next == size) {
            s_putc (b, map ? '}' : ']');
            depth--;
            continue;
        }
        if (top->next > 0)
            s_putc (b, ',');
        if (map) {
            s_render_key (b, &top->obj->via.map.ptr[top->next].key);
            s_putc (b, ':');
            obj = &top->obj->via.map.ptr[top->next].val;
        } else
            obj = &top->obj->via.array.ptr[top->next];
        top->next++;
    }
    free (stack);
}

char *
json_from_msgpack (const msgpack_object *obj)
{
    strbuf_t b = {NULL, 0, 0, false};
    if (obj)
        s_render (&b, obj);
    else
        s_puts (&b, "null");
    s_putc (&b, 0);
    if (b.failed) {
        free (b.data);
        return NULL;
    }
    return b.data;
}
