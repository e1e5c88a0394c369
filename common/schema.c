/*  schema - declarative validation of a command's fields.  */
#include "schema.h"

#include <time.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static int s_check_map (const msgpack_object *map, const field_t *fields,
                        const char *const *ignore, const char *prefix, oerr_t *err);

static int
s_bad (oerr_t *err, const char *path, const char *what)
{
    return oerr_set (err, ERR_INVALID_ARGUMENT, path, "%s %s", path, what);
}

//  Bytes of p (n bytes of valid UTF-8) that fit in max without splitting
//  a character: error messages quote input and must stay valid UTF-8.
static int
s_cut (const char *p, size_t n, size_t max)
{
    size_t len = 0, step;
    while (len < n && len < max
           && (step = codec_utf8_len ((const unsigned char *) p + len, n - len)) > 0
           && len + step <= max)
        len += step;
    return (int) len;
}

//  Integers past 2^53 round when made a double: compare those exactly.
static bool
s_int_above (const msgpack_object *v, double max)
{
    return v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && max >= 0
           && max < 18446744073709551616.0 && v->via.u64 > (uint64_t) max;
}

static int
s_check_id (const char *p, size_t n, const char *path, oerr_t *err)
{
    if (!codec_valid_id (p, n))
        return s_bad (err, path, "must be 1-64 characters of A-Z a-z 0-9 _ . : -");
    if (codec_bsn_like (p, n))
        return s_bad (err, path,
                      "looks like a BSN; citizen service numbers are not accepted");
    return 0;
}

//  A date; of something that happened (past), not after tomorrow: a day's
//  room for the clocks and Europe/Amsterdam's evening, which is the next
//  day in UTC.
static int
s_check_date (const char *p, size_t n, bool past, const char *path, oerr_t *err)
{
    int32_t days;
    if (codec_parse_date (p, n, &days) != 0)
        return s_bad (err, path, "must be a real date YYYY-MM-DD");
    int32_t today = (int32_t) (time (NULL) / 86400);
    if (past && days > today + 1)
        return s_bad (err, path, "lies in the future: a date of something that happened");
    return 0;
}

//  An enum's value it does not know, and the values it does.
static int
s_unknown (const char *p, size_t n, const char *const *values, const char *path,
           oerr_t *err)
{
    char known[320] = "";
    size_t used = 0;
    for (int i = 0; values[i] && used < sizeof known; i++)
        used += (size_t) snprintf (known + used, sizeof known - used, "%s%s",
                                   i ? ", " : "", values[i]);
    bool text = codec_valid_utf8 (p, n);
    return oerr_set (err, ERR_INVALID_ARGUMENT, path,
                     "%s: unknown value '%.*s'; one of %s", path,
                     text ? s_cut (p, n, 40) : 1, text ? p : "?", known);
}

static int
s_check_str (const msgpack_object *v, const field_t *f, const char *path, oerr_t *err)
{
    if (v->type != MSGPACK_OBJECT_STR)
        return s_bad (err, path, "must be a string");
    const char *p = v->via.str.ptr;
    size_t n = v->via.str.size;
    switch (f->type) {
    case F_ID:
        return s_check_id (p, n, path, err);
    case F_LABEL:
        if (!codec_valid_label (p, n))
            return s_bad (err, path, "must be 1-64 letters, digits, spaces or _ . : -");
        return codec_bsn_like (p, n) ? s_bad (err, path, "looks like a BSN") : 0;
    case F_TEXT:
        return n <= CODEC_TEXT_MAX ? 0 : s_bad (err, path, "is longer than 4000 bytes");
    case F_DATE:
    case F_PAST:
        return s_check_date (p, n, f->type == F_PAST, path, err);
    default:
        for (int i = 0; f->values[i]; i++)
            if (strlen (f->values[i]) == n && memcmp (f->values[i], p, n) == 0)
                return 0;
        return s_unknown (p, n, f->values, path, err);
    }
}

static int
s_check_number (const msgpack_object *v, const field_t *f, const char *path, oerr_t *err)
{
    double x;
    if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        x = (double) v->via.u64;
    else if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        x = (double) v->via.i64;
    else if (f->type == F_NUM
             && (v->type == MSGPACK_OBJECT_FLOAT64 || v->type == MSGPACK_OBJECT_FLOAT32))
        x = v->via.f64;
    else
        return s_bad (err, path,
                      f->type == F_INT ? "must be an integer" : "must be a number");
    if (!isfinite (x) || x < f->min || x > f->max || s_int_above (v, f->max))
        return oerr_set (err, ERR_INVALID_ARGUMENT, path, "%s must be between %g and %g",
                         path, f->min, f->max);
    if (f->step > 0 && fabs (x / f->step - round (x / f->step)) > 1e-9)
        return oerr_set (err, ERR_INVALID_ARGUMENT, path, "%s must be a multiple of %g",
                         path, f->step);
    return 0;
}

static int
s_check_list (const msgpack_object *v, const field_t *f, const char *path, oerr_t *err)
{
    if (v->type != MSGPACK_OBJECT_ARRAY)
        return s_bad (err, path, "must be an array");
    if (v->via.array.size > (uint32_t) f->max)
        return oerr_set (err, ERR_INVALID_ARGUMENT, path, "%s has more than %g items",
                         path, f->max);
    field_t item = {path, f->type == F_IDS ? F_ID : F_LABEL, true, 0, 0, 0, NULL, NULL};
    for (uint32_t i = 0; i < v->via.array.size; i++) {
        const msgpack_object *a = &v->via.array.ptr[i];
        if (s_check_str (a, &item, path, err))
            return -1;
        for (uint32_t j = 0; j < i; j++)
            if (msgpack_object_equal (*a, v->via.array.ptr[j]))
                return s_bad (err, path, "lists an item twice");
    }
    return 0;
}

static int
s_check_value (const msgpack_object *v, const field_t *f, const char *path, oerr_t *err)
{
    switch (f->type) {
    case F_BOOL:
        return v->type == MSGPACK_OBJECT_BOOLEAN
                   ? 0
                   : s_bad (err, path, "must be true or false");
    case F_INT:
    case F_NUM:
        return s_check_number (v, f, path, err);
    case F_MAP:
        if (v->type != MSGPACK_OBJECT_MAP)
            return s_bad (err, path, "must be a map");
        return s_check_map (v, f->fields, NULL, path, err);
    case F_IDS:
    case F_LABELS:
        return s_check_list (v, f, path, err);
    default:
        return s_check_str (v, f, path, err);
    }
}

static int
s_check_unknown (const msgpack_object *map, const field_t *fields,
                 const char *const *ignore, const char *prefix, oerr_t *err)
{
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *key = &map->via.map.ptr[i].key;
        bool known = obj_is_one_of (key, ignore);
        for (const field_t *f = fields; !known && f->name; f++)
            known = obj_is_str (key, f->name);
        if (!known) {
            char path[96];
            int n = key->type == MSGPACK_OBJECT_STR
                        ? s_cut (key->via.str.ptr, key->via.str.size, 40)
                        : 1;
            snprintf (path, sizeof path, "%s%s%.*s", prefix, *prefix ? "." : "", n,
                      key->type == MSGPACK_OBJECT_STR ? key->via.str.ptr : "?");
            oerr_set (err, ERR_INVALID_ARGUMENT, path, "unknown field '%s'", path);
            err->field_from_input = true;
            return -1;
        }
    }
    return 0;
}

//  prefix.name, cut to fit: made for every field checked, so no printf.
static void
s_path (char path[96], const char *prefix, const char *name)
{
    size_t plen = strnlen (prefix, 94), nlen = strnlen (name, 94 - plen);
    memcpy (path, prefix, plen);
    if (plen)
        path[plen++] = '.';
    memcpy (path + plen, name, nlen);
    path[plen + nlen] = 0;
}

static int
s_check_map (const msgpack_object *map, const field_t *fields, const char *const *ignore,
             const char *prefix, oerr_t *err)
{
    if (s_check_unknown (map, fields, ignore, prefix, err))
        return -1;
    for (const field_t *f = fields; f->name; f++) {
        char path[96];
        s_path (path, prefix, f->name);
        const msgpack_object *v = obj_get (map, f->name);
        if (!v || v->type == MSGPACK_OBJECT_NIL) {
            if (f->required)
                return oerr_set (err, ERR_INVALID_ARGUMENT, path, "%s is required", path);
            continue;
        }
        if (s_check_value (v, f, path, err))
            return -1;
    }
    return 0;
}

int
schema_check (const msgpack_object *map, const field_t *fields, const char *const *ignore,
              oerr_t *err)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return oerr_set (err, ERR_INVALID_ARGUMENT, "", "message is not a map");
    return s_check_map (map, fields, ignore, "", err);
}
