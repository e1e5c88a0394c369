/*  test_json - JSON <-> MessagePack conversion (common/json.c).  */
#include "json.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int checks;
    int failures;
} tally_t;

#define CHECK(t, cond, ...)                                                              \
    do {                                                                                 \
        (t)->checks++;                                                                   \
        if (!(cond)) {                                                                   \
            (t)->failures++;                                                             \
            fprintf (stderr, "%s:%d: FAILED %s: ", __FILE__, __LINE__, #cond);           \
            fprintf (stderr, __VA_ARGS__);                                               \
            fprintf (stderr, "\n");                                                      \
        }                                                                                \
    } while (0)

//  Parses a copy of text in a buffer of exactly len bytes, no terminator, so
//  AddressSanitizer catches any read past the end. Returns the packed bytes
//  in sbuf, or -1 with the error in err.
static int
s_parse (const char *text, size_t len, msgpack_sbuffer *sbuf, char *err, size_t errlen)
{
    char *copy = (char *) malloc (len ? len : 1);
    if (!copy)
        return -1;
    memcpy (copy, text, len);
    msgpack_sbuffer_init (sbuf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, sbuf, msgpack_sbuffer_write);
    int rc = json_to_msgpack (copy, len, &pk, err, errlen);
    free (copy);
    return rc;
}

//  JSON -> msgpack -> JSON; NULL (with the reason in err) on any failure.
static char *
s_cycle (const char *text, size_t len, char *err, size_t errlen)
{
    msgpack_sbuffer sbuf;
    char *out = NULL;
    if (s_parse (text, len, &sbuf, err, errlen) == 0) {
        msgpack_unpacked up;
        msgpack_unpacked_init (&up);
        size_t off = 0;
        int rc = msgpack_unpack_next (&up, sbuf.data, sbuf.size, &off);
        if (rc == MSGPACK_UNPACK_SUCCESS && off == sbuf.size)
            out = json_from_msgpack (&up.data);
        else
            snprintf (err, errlen, "packed bytes do not unpack (rc %d)", rc);
        msgpack_unpacked_destroy (&up);
    }
    msgpack_sbuffer_destroy (&sbuf);
    return out;
}

static void
s_check_cycle (tally_t *t, const char *text, const char *expected)
{
    char err[256] = "";
    char *out = s_cycle (text, strlen (text), err, sizeof err);
    CHECK (t, out && strcmp (out, expected) == 0, "%s -> %s (%s), expected %s", text,
           out ? out : "NULL", err, expected);
    //  The canonical text is a fixed point.
    char *again = out ? s_cycle (out, strlen (out), err, sizeof err) : NULL;
    CHECK (t, again && strcmp (again, expected) == 0, "%s is not a fixed point",
           expected);
    free (out);
    free (again);
}

static void
s_check_error_n (tally_t *t, const char *text, size_t len, const char *expected)
{
    msgpack_sbuffer sbuf;
    char err[256] = "";
    int rc = s_parse (text, len, &sbuf, err, sizeof err);
    CHECK (t, rc == -1 && strcmp (err, expected) == 0,
           "%.*s -> rc %d '%s', expected '%s'", (int) len, text, rc, err, expected);
    CHECK (t, sbuf.size == 0, "%.*s packed %zu bytes despite the error", (int) len, text,
           sbuf.size);
    msgpack_sbuffer_destroy (&sbuf);
}

static void
s_check_error (tally_t *t, const char *text, const char *expected)
{
    s_check_error_n (t, text, strlen (text), expected);
}

//  The msgpack type the text parses to.
static int
s_type_of (const char *text)
{
    msgpack_sbuffer sbuf;
    char err[256];
    int type = -1;
    if (s_parse (text, strlen (text), &sbuf, err, sizeof err) == 0) {
        msgpack_unpacked up;
        msgpack_unpacked_init (&up);
        if (msgpack_unpack_next (&up, sbuf.data, sbuf.size, NULL)
            == MSGPACK_UNPACK_SUCCESS)
            type = (int) up.data.type;
        msgpack_unpacked_destroy (&up);
    }
    msgpack_sbuffer_destroy (&sbuf);
    return type;
}

static void
s_test_round_trips (tally_t *t)
{
    s_check_cycle (t, "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
                   "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}");
    s_check_cycle (t, " \t\r\n[ 1 , -2 ,\n3.5 ]\n ", "[1,-2,3.5]");
    s_check_cycle (t, "{ }", "{}");
    s_check_cycle (t, "[[],{},[[]],\"\"]", "[[],{},[[]],\"\"]");
    s_check_cycle (t, "{\"\":\"\",\"dup\":1,\"dup\":2}",
                   "{\"\":\"\",\"dup\":1,\"dup\":2}");
    s_check_cycle (t, "\"plain\"", "\"plain\"");
    s_check_cycle (t, "true", "true");
    s_check_cycle (t, "null", "null");
    s_check_cycle (t, "0", "0");
    s_check_cycle (t, "-0", "0");
    s_check_cycle (t, "-17", "-17");
    s_check_cycle (t, "18446744073709551615", "18446744073709551615");
    s_check_cycle (t, "-9223372036854775808", "-9223372036854775808");
    s_check_cycle (t,
                   "{\"cmd\":\"candidate.register\",\"criteria\":{\"motivated\":true},"
                   "\"birth_year\":1988,\"fte\":0.8}",
                   "{\"cmd\":\"candidate.register\",\"criteria\":{\"motivated\":true},"
                   "\"birth_year\":1988,\"fte\":0.8}");
    char deep[2 * JSON_MAX_DEPTH + 1], canon[2 * JSON_MAX_DEPTH + 1];
    for (int i = 0; i < JSON_MAX_DEPTH; i++) {
        deep[i] = '[';
        deep[2 * JSON_MAX_DEPTH - 1 - i] = ']';
    }
    deep[2 * JSON_MAX_DEPTH] = 0;
    memcpy (canon, deep, sizeof canon);
    s_check_cycle (t, deep, canon);
}

static void
s_test_strings (tally_t *t)
{
    s_check_cycle (t, "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
                   "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\"");
    s_check_cycle (t, "\"\\u0001\\u001F\\u007f\"", "\"\\u0001\\u001f\x7f\"");
    s_check_cycle (t, "\"nul\\u0000byte\"", "\"nul\\u0000byte\"");
    s_check_cycle (t, "\"\\u00e9\\u20AC\"", "\"\xc3\xa9\xe2\x82\xac\"");
    s_check_cycle (t, "\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"");
    s_check_cycle (t, "\"\xf4\x8f\xbf\xbf\xef\xbf\xbf\"",
                   "\"\xf4\x8f\xbf\xbf\xef\xbf\xbf\"");
    s_check_cycle (t, "\"Zo\xc3\xab\"", "\"Zo\xc3\xab\"");
    s_check_cycle (t, "{\"\\u006b\":1}", "{\"k\":1}");
}

static void
s_test_numbers (tally_t *t)
{
    s_check_cycle (t, "8.5", "8.5");
    s_check_cycle (t, "0.1", "0.1");
    s_check_cycle (t, "1e300", "1e+300");
    s_check_cycle (t, "-0.0", "-0.0");
    s_check_cycle (t, "10.0", "10.0");
    s_check_cycle (t, "1E2", "100.0");
    s_check_cycle (t, "2.5e-3", "0.0025");
    s_check_cycle (t, "1.5e-7", "1.5e-07");
    s_check_cycle (t, "0.30000000000000004", "0.30000000000000004");
    s_check_cycle (t, "123456789012345678901234567890.0", "1.2345678901234568e+29");
    s_check_cycle (t, "1e-400", "0.0");
    CHECK (t, s_type_of ("18446744073709551615") == MSGPACK_OBJECT_POSITIVE_INTEGER,
           "uint");
    CHECK (t, s_type_of ("-5") == MSGPACK_OBJECT_NEGATIVE_INTEGER, "negative int");
    CHECK (t, s_type_of ("7") == MSGPACK_OBJECT_POSITIVE_INTEGER, "positive int");
    CHECK (t, s_type_of ("10.0") == MSGPACK_OBJECT_FLOAT64, "10.0 stays a float");
    CHECK (t, s_type_of ("1e2") == MSGPACK_OBJECT_FLOAT64, "exponent makes a float");
}

//  Truncated and empty input.
static void
s_test_errors (tally_t *t)
{
    s_check_error (t, "", "at byte 0: empty input");
    s_check_error (t, "  \n ", "at byte 4: empty input");
    s_check_error (t, "{\"a\":1", "at byte 6: unexpected end of input");
    s_check_error (t, "[1,", "at byte 3: unexpected end of input");
    s_check_error (t, "{\"a\"", "at byte 4: unexpected end of input");
    s_check_error (t, "\"abc", "at byte 4: unterminated string");
    s_check_error (t, "\"ab\\", "at byte 4: unterminated string");
    s_check_error (t, "\"\\u12", "at byte 5: unterminated string");
    s_check_error (t, "tru", "at byte 0: unexpected character");
}

static void
s_test_string_errors (tally_t *t)
{
    s_check_error (t, "\"a\\x\"", "at byte 2: bad escape");
    s_check_error (t, "\"\\u12g4\"",
                   "at byte 5: bad escape: expected 4 hex digits after \\u");
    s_check_error (t, "\"\xff\"", "at byte 1: invalid UTF-8");
    s_check_error (t, "\"\xc0\xaf\"", "at byte 1: invalid UTF-8");
    s_check_error (t, "\"\xed\xa0\x80\"", "at byte 1: invalid UTF-8");
    s_check_error (t, "\"\xf4\x90\x80\x80\"", "at byte 1: invalid UTF-8");
    s_check_error (t, "\"ok\xe2\x82\"", "at byte 3: invalid UTF-8");
    s_check_error_n (t, "\"\xe2\x82", 3, "at byte 1: invalid UTF-8");
    s_check_error (t, "\"a\nb\"", "at byte 2: control character in string");
    s_check_error (t, "\"\\ud800\"", "at byte 1: lone surrogate");
    s_check_error (t, "\"x\\udc00\"", "at byte 2: lone surrogate");
    s_check_error (t, "\"\\ud800\\u0041\"", "at byte 1: lone surrogate");
    s_check_error (t, "\"\\ud800\\n\"", "at byte 1: lone surrogate");
}

static void
s_test_syntax_errors (tally_t *t)
{
    s_check_error (t, "{} x", "at byte 3: unexpected trailing characters");
    s_check_error (t, "1 2", "at byte 2: unexpected trailing characters");
    s_check_error (t, "nullx", "at byte 4: unexpected trailing characters");
    s_check_error (t, "{\"a\" 1}", "at byte 5: expected ':'");
    s_check_error (t, "{1:2}", "at byte 1: expected a string key");
    s_check_error (t, "{\"a\":1,}", "at byte 7: expected a string key");
    s_check_error (t, "[1 2]", "at byte 3: expected ',' or ']'");
    s_check_error (t, "{\"a\":1]", "at byte 6: expected ',' or '}'");
    s_check_error (t, "[1,]", "at byte 3: unexpected character");
}

static void
s_test_number_errors (tally_t *t)
{
    s_check_error (t, "01", "at byte 1: bad number: leading zero");
    s_check_error (t, "-", "at byte 1: bad number: expected a digit");
    s_check_error (t, "-a", "at byte 1: bad number: expected a digit");
    s_check_error (t, "1.", "at byte 2: bad number: expected a digit after '.'");
    s_check_error (t, "1.e5", "at byte 2: bad number: expected a digit after '.'");
    s_check_error (t, "1e+", "at byte 3: bad number: expected a digit in the exponent");
    s_check_error (t, "+1", "at byte 0: unexpected character");
    s_check_error (t, ".5", "at byte 0: unexpected character");
    s_check_error (t, "[1e400]", "at byte 1: number out of range");
    s_check_error (t, "18446744073709551616", "at byte 0: integer out of range");
    s_check_error (t, "[-9223372036854775809]", "at byte 1: integer out of range");
    s_check_error (t, "99999999999999999999999", "at byte 0: integer out of range");
}

//  One level more than the parser accepts, and in an object too.
static void
s_test_depth_error (tally_t *t)
{
    s_check_error (
        t,
        "{\"a\":[{\"b\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]"
        "]]]]]]]}]}",
        "at byte 40: nesting deeper than 32");
    char deep[2 * (JSON_MAX_DEPTH + 1) + 1];
    for (int i = 0; i <= JSON_MAX_DEPTH; i++) {
        deep[i] = '[';
        deep[2 * (JSON_MAX_DEPTH + 1) - 1 - i] = ']';
    }
    deep[2 * (JSON_MAX_DEPTH + 1)] = 0;
    s_check_error (t, deep, "at byte 32: nesting deeper than 32");
}

//  Only len bytes count, whatever follows in memory.
static void
s_test_length (tally_t *t)
{
    char err[256] = "";
    char *out = s_cycle ("[1]xyz", 3, err, sizeof err);
    CHECK (t, out && strcmp (out, "[1]") == 0, "len 3 of [1]xyz gave %s",
           out ? out : err);
    free (out);
    out = s_cycle ("123", 2, err, sizeof err);
    CHECK (t, out && strcmp (out, "12") == 0, "len 2 of 123 gave %s", out ? out : err);
    free (out);
    out = s_cycle ("\"a\"", 0, err, sizeof err);
    CHECK (t, !out && strcmp (err, "at byte 0: empty input") == 0, "len 0: %s", err);
    free (out);
    //  A tiny error buffer truncates and never overflows.
    msgpack_sbuffer sbuf;
    char small[8];
    CHECK (t, s_parse ("[", 1, &sbuf, small, sizeof small) == -1, "small err buffer");
    CHECK (t, strcmp (small, "at byte") == 0, "truncated error is '%s'", small);
    msgpack_sbuffer_destroy (&sbuf);
}

static char *
s_render_packed (msgpack_sbuffer *sbuf)
{
    msgpack_unpacked up;
    msgpack_unpacked_init (&up);
    char *out = NULL;
    if (msgpack_unpack_next (&up, sbuf->data, sbuf->size, NULL) == MSGPACK_UNPACK_SUCCESS)
        out = json_from_msgpack (&up.data);
    msgpack_unpacked_destroy (&up);
    return out;
}

//  Values JSON cannot express directly.
static void
s_test_from_msgpack (tally_t *t)
{
    msgpack_sbuffer sbuf;
    msgpack_sbuffer_init (&sbuf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &sbuf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 5);
    msgpack_pack_int (&pk, 1);
    msgpack_pack_bin (&pk, 3);
    msgpack_pack_bin_body (&pk, "\x00\xab\xff", 3);
    msgpack_pack_array (&pk, 1);
    msgpack_pack_nil (&pk);
    msgpack_pack_ext (&pk, 2, 7);
    msgpack_pack_ext_body (&pk, "\x01\x02", 2);
    msgpack_pack_str (&pk, 2);
    msgpack_pack_str_body (&pk, "f4", 2);
    msgpack_pack_float (&pk, 0.1f);
    msgpack_pack_str (&pk, 1);
    msgpack_pack_str_body (&pk, "s", 1);
    msgpack_pack_str (&pk, 6);
    msgpack_pack_str_body (&pk, "a\xff\x1f\xc3\"b", 6);
    msgpack_pack_str (&pk, 3);
    msgpack_pack_str_body (&pk, "big", 3);
    msgpack_pack_array (&pk, 5);
    msgpack_pack_uint64 (&pk, UINT64_MAX);
    msgpack_pack_double (&pk, NAN);
    msgpack_pack_double (&pk, -INFINITY);
    msgpack_pack_float (&pk, 3.0f);
    msgpack_pack_double (&pk, 1e21);
    char *out = s_render_packed (&sbuf);
    const char *expected = "{\"1\":\"00abff\",\"[null]\":\"0102\",\"f4\":0.1,"
                           "\"s\":\"a\xef\xbf\xbd\\u001f\xef\xbf\xbd\\\"b\","
                           "\"big\":[18446744073709551615,null,null,3.0,1e+21]}";
    CHECK (t, out && strcmp (out, expected) == 0, "got %s", out ? out : "NULL");
    free (out);
    msgpack_sbuffer_destroy (&sbuf);
    out = json_from_msgpack (NULL);
    CHECK (t, out && strcmp (out, "null") == 0, "NULL object");
    free (out);
}

//  Mutated inputs must never crash, and whatever parses must render to a
//  fixed point. The generator state lives here, not in a global.
static void
s_test_mutations (tally_t *t)
{
    static const char *seeds[] = {
        "{\"cmd\":\"x.y\",\"a\":[1,2.5,-3,true,null],\"s\":\"\\u00e9\\ud83d\\ude00\"}",
        "[[[[{\"k\":[\"v\",{\"w\":1e5}]}]]]]", "\"\\\"\\\\\\n\"", "-12.5e-3"};
    uint64_t state = 0x9E3779B97F4A7C15u;
    int parsed = 0;
    for (int round = 0; round < 20000; round++) {
        const char *seed = seeds[round % 4];
        char text[128];
        size_t len = strlen (seed);
        memcpy (text, seed, len);
        for (int k = 0; k < 1 + round % 3; k++) {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            text[state % len] = (char) (state >> 32);
        }
        len -= (state >> 40) % 2 ? (state >> 48) % len : 0;
        char err[256];
        char *out = s_cycle (text, len, err, sizeof err);
        if (out) {
            parsed++;
            char *again = s_cycle (out, strlen (out), err, sizeof err);
            CHECK (t, again && strcmp (out, again) == 0, "%s not stable", out);
            free (again);
        } else
            CHECK (t, strncmp (err, "at byte ", 8) == 0, "error without position: %s",
                   err);
        free (out);
    }
    CHECK (t, parsed > 100, "only %d mutations parsed", parsed);
}

int
main (void)
{
    tally_t tally = {0, 0};
    s_test_round_trips (&tally);
    s_test_strings (&tally);
    s_test_numbers (&tally);
    s_test_errors (&tally);
    s_test_string_errors (&tally);
    s_test_syntax_errors (&tally);
    s_test_number_errors (&tally);
    s_test_depth_error (&tally);
    s_test_length (&tally);
    s_test_from_msgpack (&tally);
    s_test_mutations (&tally);
    if (tally.failures) {
        printf ("test_json: %d of %d checks FAILED\n", tally.failures, tally.checks);
        return 1;
    }
    printf ("test_json: all %d checks passed\n", tally.checks);
    return 0;
}
