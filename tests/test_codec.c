/*  test_codec - decoding limits, validators and round trips.  */
#include "kv.h"
#include "schema.h"
#include "digest.h"
#include "json.h"
#include "testkit.h"

static bool
s_refused (const void *data, size_t size)
{
    oerr_t err = {ERR_NONE, "", "", false};
    msg_t *msg = msg_decode (data, size, &err);
    bool refused = !msg && err.code == ERR_INVALID_ARGUMENT && err.message[0];
    msg_destroy (&msg);
    return refused;
}

//  Refused, and the reason says why.
static bool
s_refused_as (const void *data, size_t size, const char *why)
{
    oerr_t err = {ERR_NONE, "", "", false};
    msg_t *msg = msg_decode (data, size, &err);
    bool refused = !msg && err.code == ERR_INVALID_ARGUMENT && strstr (err.message, why);
    msg_destroy (&msg);
    return refused;
}

//  Arrays compare element by element; numbers read as doubles keep their sign.
static void
test_arrays_and_numbers (void)
{
    oerr_t err;
    //  {"a": [1, 2]}, {"a": [1]}, {"a": [1, 3]}, {"a": [1, 2]}, {"x": -3}
    msg_t *two = msg_decode ("\x81\xa1\x61\x92\x01\x02", 6, &err);
    msg_t *one = msg_decode ("\x81\xa1\x61\x91\x01", 5, &err);
    msg_t *other = msg_decode ("\x81\xa1\x61\x92\x01\x03", 6, &err);
    msg_t *same = msg_decode ("\x81\xa1\x61\x92\x01\x02", 6, &err);
    msg_t *neg = msg_decode ("\x81\xa1x\xfd", 4, &err);
    if (CHECK (two && one && other && same && neg)) {
        CHECK (!obj_same (msg_root (two), msg_root (one), NULL));
        CHECK (!obj_same (msg_root (two), msg_root (other), NULL));
        CHECK (obj_same (msg_root (two), msg_root (same), NULL));
        CHECK (map_num (msg_root (neg), "x", 0) == -3.0);
    }
    msg_destroy (&two);
    msg_destroy (&one);
    msg_destroy (&other);
    msg_destroy (&same);
    msg_destroy (&neg);
}

static void
test_malformed (void)
{
    CHECK (s_refused ("", 0));
    CHECK (s_refused ("\x81\xa3"
                      "cmd",
                      5)); //  truncated
    CHECK (s_refused ("\x81\xa3"
                      "cmd\xa1x\xc0",
                      8));                              //  trailing bytes
    CHECK (s_refused ("\x92\x01\x02", 3));              //  not a map
    CHECK (s_refused ("\xdf\xff\xff\xff\xff", 5));      //  4G entries claimed
    CHECK (s_refused ("\x81\x01\x02", 3));              //  key not a string
    CHECK (s_refused ("\x81\xa1k\xc4\x01x", 6));        //  binary
    CHECK (s_refused ("\x81\xa1k\xd4\x01\x01", 6));     //  extension
    CHECK (s_refused ("\x81\xa1k\xc1", 4));             //  reserved byte
    CHECK (s_refused ("\x81\xa1k\xa2\xc3\x28", 6));     //  invalid UTF-8
    CHECK (s_refused ("\x81\xa1k\xa3\xed\xa0\x80", 7)); //  encoded surrogate
    CHECK (s_refused_as ("\x81\xa1k\xa5"
                         "ab",
                         6, "truncated string"));           //  5 bytes claimed, 2 sent
    CHECK (s_refused_as ("\x82\xa1k\x01", 4, "truncated")); //  2 entries claimed
    //  Nine levels of maps: one more than allowed.
    uint8_t deep[64];
    size_t n = 0;
    for (int i = 0; i < 9; i++) {
        deep[n++] = 0x81;
        deep[n++] = 0xa1;
        deep[n++] = 'k';
    }
    deep[n++] = 0x01;
    CHECK (s_refused (deep, n));
    CHECK (!s_refused (deep + 3, n - 3)); //  eight levels pass
    //  Oversized body.
    size_t big = CODEC_MAX_BODY + 1;
    uint8_t *huge = (uint8_t *) calloc (1, big);
    huge[0] = 0x80;
    CHECK (s_refused (huge, big));
    free (huge);
    //  A container with 1025 items.
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 1);
    pk_str (&pk, "list");
    msgpack_pack_array (&pk, 1025);
    for (int i = 0; i < 1025; i++)
        msgpack_pack_int (&pk, i);
    CHECK (s_refused (buf.data, buf.size));
    msgpack_sbuffer_destroy (&buf);
}

static void
test_round_trip (void)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "cmd", "candidate.get");
    kv_int (&kv, "n", -7);
    kv_uint (&kv, "big", UINT64_MAX);
    kv_num (&kv, "grade", 8.5);
    kv_bool (&kv, "yes", true);
    kv_nil (&kv, "none");
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    kv_pack_map (&kv, &pk, &buf, 0);
    oerr_t err;
    msg_t *msg = msg_decode (buf.data, buf.size, &err);
    CHECK (msg != NULL);
    const msgpack_object *m = msg ? msg_root (msg) : NULL;
    char text[32];
    CHECK (streq (map_str (m, "cmd", text, sizeof text), "candidate.get"));
    CHECK (map_int (m, "n", 0) == -7);
    CHECK (obj_get (m, "big") && obj_get (m, "big")->via.u64 == UINT64_MAX);
    CHECK (map_num (m, "grade", 0) == 8.5);
    CHECK (map_bool (m, "yes", false));
    CHECK (!map_has (m, "none") && obj_get (m, "none") != NULL);
    CHECK (obj_get (m, "missing") == NULL);
    //  The same map in another key order is the same content.
    kv_t other;
    kv_init (&other);
    kv_nil (&other, "none");
    kv_bool (&other, "yes", true);
    kv_num (&other, "grade", 8.5);
    kv_uint (&other, "big", UINT64_MAX);
    kv_int (&other, "n", -7);
    kv_str (&other, "cmd", "candidate.get");
    kv_str (&other, "rid", "skipped");
    msgpack_sbuffer buf2;
    msgpack_sbuffer_init (&buf2);
    msgpack_packer_init (&pk, &buf2, msgpack_sbuffer_write);
    kv_pack_map (&other, &pk, &buf2, 0);
    msg_t *msg2 = msg_decode (buf2.data, buf2.size, &err);
    const char *const skip[] = {"rid", NULL};
    CHECK (msg2 && obj_same (m, msg_root (msg2), skip));
    CHECK (msg2 && !obj_same (m, msg_root (msg2), NULL));
    msg_destroy (&msg2);
    msg_destroy (&msg);
    msgpack_sbuffer_destroy (&buf2);
    msgpack_sbuffer_destroy (&buf);
    kv_destroy (&other);
    kv_destroy (&kv);
}

static void
test_validators (void)
{
    CHECK (codec_valid_id ("c-17", 4));
    CHECK (codec_valid_id ("A.b:c_d-9", 9));
    CHECK (!codec_valid_id ("", 0));
    CHECK (!codec_valid_id ("a b", 3));
    CHECK (!codec_valid_id ("é", 2));
    char long_id[66];
    memset (long_id, 'a', 65);
    long_id[65] = 0;
    CHECK (!codec_valid_id (long_id, 65));
    CHECK (codec_valid_id (long_id, 64));
    //  Eleven-test: 111222333 passes (9+8+7+12+10+8+9+6-3 = 66), 111222334 does not.
    CHECK (codec_bsn_like ("111222333", 9));
    CHECK (!codec_bsn_like ("111222334", 9));
    CHECK (codec_bsn_like ("123456782", 9));
    CHECK (!codec_bsn_like ("12345678", 8));
    CHECK (!codec_bsn_like ("12345678a", 9));
    CHECK (codec_valid_label ("administratief medewerker", 25));
    CHECK (!codec_valid_label (" leading", 8));
    CHECK (!codec_valid_label ("semi;colon", 10));
    int32_t days = 0;
    CHECK (codec_parse_date ("1970-01-01", 10, &days) == 0 && days == 0);
    CHECK (codec_parse_date ("2017-07-03", 10, &days) == 0);
    char back[11];
    codec_format_date (days, back);
    CHECK (streq (back, "2017-07-03"));
    CHECK (codec_parse_date ("2016-02-29", 10, NULL) == 0);
    CHECK (codec_parse_date ("2017-02-29", 10, NULL) != 0);
    CHECK (codec_parse_date ("1900-02-29", 10, NULL) != 0);
    CHECK (codec_parse_date ("2000-02-29", 10, NULL) == 0);
    CHECK (codec_parse_date ("2017-13-01", 10, NULL) != 0);
    CHECK (codec_parse_date ("2017-7-3", 8, NULL) != 0);
    CHECK (codec_parse_date ("17-07-2017", 10, NULL) != 0);
    CHECK (codec_parse_date ("2017-07-0x", 10, NULL) != 0);
    CHECK (codec_parse_date ("1899-12-31", 10, NULL) != 0);
}

static int
s_schema (const char *what, const msgpack_object *map, const field_t *fields, oerr_t *err)
{
    int rc = schema_check (map, fields, NULL, err);
    if (rc == 0 && *what == '!')
        fprintf (stderr, "  %s was accepted\n", what + 1);
    return rc;
}

static void
test_schema (void)
{
    static const char *const colours[] = {"red", "green", NULL};
    static const field_t sub[] = {{"on", F_BOOL, true, 0, 0, 0, NULL, NULL},
                                  {NULL, 0, false, 0, 0, 0, NULL, NULL}};
    static const field_t fields[] = {{"grade", F_NUM, false, 1, 10, 0.5, NULL, NULL},
                                     {"hours", F_INT, false, 12, 24, 0, NULL, NULL},
                                     {"colour", F_ENUM, false, 0, 0, 0, colours, NULL},
                                     {"ids", F_IDS, false, 0, 3, 0, NULL, NULL},
                                     {"sub", F_MAP, false, 0, 0, 0, NULL, sub},
                                     {NULL, 0, false, 0, 0, 0, NULL, NULL}};
    kv_t kv;
    const struct {
        const char *key;
        double num;
        bool is_int;
        const char *field;
    } nums[] = {{"grade", 8.5, false, NULL},     {"grade", 7.3, false, "grade"},
                {"grade", 10.5, false, "grade"}, {"grade", 1, true, NULL},
                {"hours", 24, true, NULL},       {"hours", 25, true, "hours"},
                {"hours", 11, true, "hours"},    {"hours", 12.5, false, "hours"}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        kv_init (&kv);
        if (nums[i].is_int)
            kv_int (&kv, nums[i].key, (int64_t) nums[i].num);
        else
            kv_num (&kv, nums[i].key, nums[i].num);
        msgpack_sbuffer buf;
        msgpack_sbuffer_init (&buf);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
        kv_pack_map (&kv, &pk, &buf, 0);
        oerr_t err = {ERR_NONE, "", "", false};
        msg_t *msg = msg_decode (buf.data, buf.size, &err);
        int rc = msg ? s_schema ("num", msg_root (msg), fields, &err) : -1;
        if (nums[i].field)
            CHECK (rc == -1 && streq (err.field, nums[i].field));
        else
            CHECK (rc == 0);
        msg_destroy (&msg);
        msgpack_sbuffer_destroy (&buf);
        kv_destroy (&kv);
    }
    //  Enum, list and nested map checks.
    const char *const bad_lists[][4] = {
        {"a", "a", NULL, NULL}, {"a", "b", "c", "d"}, {"111222333", NULL, NULL, NULL}};
    for (int i = 0; i < 3; i++) {
        kv_init (&kv);
        msgpack_packer *p = kv_key (&kv, "ids");
        int count = 0;
        while (count < 4 && bad_lists[i][count])
            count++;
        msgpack_pack_array (p, count);
        for (int k = 0; k < count; k++)
            pk_str (p, bad_lists[i][k]);
        msgpack_sbuffer buf;
        msgpack_sbuffer_init (&buf);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
        kv_pack_map (&kv, &pk, &buf, 0);
        oerr_t err = {ERR_NONE, "", "", false};
        msg_t *msg = msg_decode (buf.data, buf.size, &err);
        CHECK (msg && s_schema ("ids", msg_root (msg), fields, &err) == -1
               && streq (err.field, "ids"));
        msg_destroy (&msg);
        msgpack_sbuffer_destroy (&buf);
        kv_destroy (&kv);
    }
    kv_init (&kv);
    kv_str (&kv, "colour", "blue");
    msgpack_pack_map (kv_key (&kv, "sub"), 0);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    kv_pack_map (&kv, &pk, &buf, 0);
    oerr_t err = {ERR_NONE, "", "", false};
    msg_t *msg = msg_decode (buf.data, buf.size, &err);
    CHECK (msg && s_schema ("!enum", msg_root (msg), fields, &err) == -1
           && streq (err.field, "colour"));
    msg_destroy (&msg);
    msgpack_sbuffer_destroy (&buf);
    kv_destroy (&kv);
    //  A nested map misses its required field: the path names it.
    kv_init (&kv);
    msgpack_pack_map (kv_key (&kv, "sub"), 0);
    msgpack_sbuffer_init (&buf);
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    kv_pack_map (&kv, &pk, &buf, 0);
    msg = msg_decode (buf.data, buf.size, &err);
    CHECK (msg && s_schema ("!sub", msg_root (msg), fields, &err) == -1
           && streq (err.field, "sub.on"));
    msg_destroy (&msg);
    msgpack_sbuffer_destroy (&buf);
    kv_destroy (&kv);
}

//  Times as events and the audit trail carry them, and ids that sort by the
//  time they were made.
static void
test_times_and_ids (void)
{
    char at[32];
    codec_format_ms (0, at);
    CHECK (streq (at, "1970-01-01T00:00:00.000Z"));
    codec_format_ms (1767225599999, at);
    CHECK (streq (at, "2025-12-31T23:59:59.999Z"));
    codec_format_ms (951782400123, at); //  a leap day
    CHECK (streq (at, "2000-02-29T00:00:00.123Z"));
    codec_format_ms (-1, at);
    CHECK (streq (at, "1969-12-31T23:59:59.999Z"));
    char first[CODEC_ID_MAX + 1], second[CODEC_ID_MAX + 1], small[8];
    codec_new_id (first, sizeof first, "c");
    zclock_sleep (2);
    codec_new_id (second, sizeof second, "c");
    CHECK (strlen (first) == 27 && strncmp (first, "c-", 2) == 0);
    CHECK (strspn (first + 2, "abcdefghijklmnop") == 25);
    //  After every id made with hex digits (the format until 2026-11-24, the
    //  time's first digit 0 until the year 2527).
    CHECK (strcmp (first, "c-0ffffffffffffffffffffffff") > 0);
    char letters[6];
    codec_letters (0x1f, 5, letters);
    CHECK (streq (letters, "aaabp"));
    CHECK (codec_valid_id (first, strlen (first)) && strcmp (first, second) < 0);
    codec_new_id (small, sizeof small, "c"); //  cut, never past the buffer
    CHECK (strlen (small) == 7);
}

//  Longer than one SHA-1 block.
#define TEXT_144                                                                         \
    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"           \
    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
#define LONG_TEXT     TEXT_144 TEXT_144 TEXT_144 TEXT_144 TEXT_144 TEXT_144 TEXT_144 TEXT_144
#define CURRENT_SHORT "21b9e2e9bca63632228c69e10c7f1889"
#define CURRENT_LONG  "b316e02d96dc12bd60482e5b249d692e"
#define KNOWN(text)                                                                      \
    "{\"n\":-3,\"f\":0.5,\"s\":\"" text "\",\"m\":{\"b\":false,\"a\":[null,1]}}"

static const char *const s_skip[] = {"rid", NULL};

//  The decoded message points into buf, which the caller destroys after it.
static msg_t *
s_decode_json (const char *json, msgpack_sbuffer *buf)
{
    msgpack_sbuffer_init (buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, buf, msgpack_sbuffer_write);
    char err[128];
    oerr_t oerr;
    msg_t *msg = json_to_msgpack (json, strlen (json), &pk, err, sizeof err) == 0
                     ? msg_decode (buf->data, buf->size, &oerr)
                     : NULL;
    CHECK (msg != NULL);
    return msg;
}

static void
s_digest_of (const char *json, char out[DIGEST_MAX + 1])
{
    msgpack_sbuffer buf;
    msg_t *msg = s_decode_json (json, &buf);
    out[0] = 0;
    CHECK (msg && obj_digest (msg_root (msg), s_skip, out) == 0);
    msg_destroy (&msg);
    msgpack_sbuffer_destroy (&buf);
}

static bool
s_digest_is (const char *json, const char *digest)
{
    msgpack_sbuffer buf;
    msg_t *msg = s_decode_json (json, &buf);
    bool is = msg && obj_digest_is (msg_root (msg), s_skip, digest);
    msg_destroy (&msg);
    msgpack_sbuffer_destroy (&buf);
    return is;
}

//  Stores keep digests, so what one hashes may never change. The first
//  version's (SHA-1, printed by that version) must still be recognised,
//  and the current one is pinned the same way: a nested map, an array, a
//  float, a negative number and a string, short and long.
static void
test_digest_known (void)
{
    const char *known[][2] = {
        {KNOWN (TEXT_144), "EC377FECDDD7B1DB4CF86571E914143A0E6D854A"},
        {KNOWN (LONG_TEXT), "1D6DF7F6E68909AB2EE87E2168EDDAA6F321F728"},
        {KNOWN (TEXT_144), "ec377fecddd7b1db4cf86571e914143a0e6d854a"},
        {KNOWN (TEXT_144), CURRENT_SHORT},
        {KNOWN (LONG_TEXT), CURRENT_LONG}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        CHECK (s_digest_is (known[i][0], known[i][1]));
    char now[DIGEST_MAX + 1];
    s_digest_of (KNOWN (TEXT_144), now);
    if (!CHECK (streq (now, CURRENT_SHORT)))
        fprintf (stderr, "  digest %s\n", now);
    s_digest_of (KNOWN (LONG_TEXT), now);
    if (!CHECK (streq (now, CURRENT_LONG)))
        fprintf (stderr, "  digest %s\n", now);
    //  Another value is not recognised under either version's digest, nor
    //  is a digest of any other length.
    CHECK (!s_digest_is (KNOWN ("x"), known[0][1]));
    CHECK (!s_digest_is (KNOWN ("x"), CURRENT_SHORT));
    CHECK (!s_digest_is (KNOWN (TEXT_144), "EC377FECDDD7"));
    CHECK (!s_digest_is (KNOWN (TEXT_144), ""));
}

//  A digest ignores the order of map keys (at every depth) and the skipped
//  top-level keys, and nothing else.
static void
test_digest (void)
{
    char a[DIGEST_MAX + 1], b[DIGEST_MAX + 1];
    s_digest_of ("{\"x\":1,\"m\":{\"p\":true,\"q\":[1,\"2\"]},\"rid\":\"r1\"}", a);
    CHECK (strlen (a) == DIGEST_HEX);
    s_digest_of ("{\"m\":{\"q\":[1,\"2\"],\"p\":true},\"x\":1}", b);
    CHECK (streq (a, b));
    const char *others[] = {
        "{\"x\":2,\"m\":{\"p\":true,\"q\":[1,\"2\"]}}",           //  a value
        "{\"x\":1.0,\"m\":{\"p\":true,\"q\":[1,\"2\"]}}",         //  a type
        "{\"x\":1,\"m\":{\"p\":true,\"q\":[\"2\",1]}}",           //  an array's order
        "{\"x\":1,\"m\":{\"p\":true,\"q\":[1,\"2\"],\"rid\":1}}", //  skipped at the top
                                                                  //  only
        "{\"x\":1,\"m\":{\"p\":true}}",                           //  a key fewer
        "{\"x\":\"1\",\"m\":{\"p\":true,\"q\":[1,\"2\"]}}",       //  a string
        "{\"m\":{\"p\":true,\"q\":[1,\"2\"]},\"y\":1}"};          //  a key's name
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        s_digest_of (others[i], b);
        if (!CHECK (!streq (a, b)))
            fprintf (stderr, "  same digest for %s\n", others[i]);
    }
    //  Values swapped between two keys.
    s_digest_of ("{\"a\":1,\"b\":2}", a);
    s_digest_of ("{\"a\":2,\"b\":1}", b);
    CHECK (!streq (a, b));
    s_digest_of ("{\"q\":[\"ab\",\"c\"]}", a);
    s_digest_of ("{\"q\":[\"a\",\"bc\"]}", b);
    CHECK (!streq (a, b));
}

int
main (void)
{
    test_times_and_ids ();
    test_digest ();
    test_digest_known ();
    test_malformed ();
    test_arrays_and_numbers ();
    test_round_trip ();
    test_validators ();
    test_schema ();
    return tk_done ("test_codec");
}
