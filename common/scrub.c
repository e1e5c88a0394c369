/*  scrub - finding and removing an erased candidate's id in a store.  */
#include "scrub.h"

static bool
s_id_char (uint8_t c)
{
    return isalnum (c) || c == '_' || c == '.' || c == ':' || c == '-';
}

//  Whether the bytes before hit start an id there: nothing, a byte that
//  is no identifier character, or the length of a MessagePack str8 that
//  holds exactly the id (0xd9, then a length that may happen to be an
//  identifier character). Inside another identifier (the "c8" at the end of
//  a digest's hex) it is not the id.
static bool
s_starts_id (const uint8_t *data, const uint8_t *hit, size_t ilen)
{
    if (hit == data || !s_id_char (hit[-1]))
        return true;
    return hit - data >= 2 && hit[-2] == 0xd9 && hit[-1] == ilen;
}

bool
scrub_holds (const void *data, size_t len, const char *id)
{
    size_t ilen = strlen (id);
    const uint8_t *start = (const uint8_t *) data, *p = start, *end = p + len;
    while (ilen && (size_t) (end - p) >= ilen) {
        const uint8_t *hit = (const uint8_t *) memchr (p, id[0], (size_t) (end - p));
        if (!hit || (size_t) (end - hit) < ilen)
            return false;
        if (memcmp (hit, id, ilen) == 0 && (hit + ilen == end || !s_id_char (hit[ilen]))
            && s_starts_id (start, hit, ilen))
            return true;
        p = hit + 1;
    }
    return false;
}

typedef struct {
    const char *id;
    size_t count;
    zlistx_t *keys; //  when deleting: the keys found, zchunk_t
} find_t;

static int
s_find (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    find_t *f = (find_t *) arg;
    if (scrub_holds (key, klen, f->id) || scrub_holds (val, vlen, f->id)) {
        f->count++;
        if (f->keys)
            zlistx_add_end (f->keys, zchunk_new (key, klen));
    }
    return 0;
}

int
scrub_count (store_tx_t *tx, const store_table_t *table, const char *id, size_t *count)
{
    find_t f = {id, 0, NULL};
    int rc = store_scan (tx, table, NULL, 0, NULL, 0, s_find, &f);
    *count += f.count;
    return rc;
}

int
scrub_delete (store_tx_t *tx, const store_table_t *table, const char *id)
{
    find_t f = {id, 0, zlistx_new ()};
    zlistx_set_destructor (f.keys, (zlistx_destructor_fn *) zchunk_destroy);
    int rc = store_scan (tx, table, NULL, 0, NULL, 0, s_find, &f);
    for (zchunk_t *k = (zchunk_t *) zlistx_first (f.keys); rc == 0 && k;
         k = (zchunk_t *) zlistx_next (f.keys))
        rc = store_del (tx, table, zchunk_data (k), zchunk_size (k));
    zlistx_destroy (&f.keys);
    return rc;
}

//  Letters, not hex digits: a hex token held nine or more digits in a row
//  about once in 13, which a scan for BSNs on the streams (ours in
//  test_erasure, or a data team's) rightly flags.
void
scrub_token (char token[SCRUB_TOKEN_SIZE])
{
    zuuid_t *uuid = zuuid_new ();
    assert (uuid);
    //  The first 10 bytes, as the hex tokens took them: 80 bits, 74 of
    //  them random (a version 4 UUID fixes 6).
    const byte *data = zuuid_data (uuid);
    uint64_t high = 0, low = 0;
    for (int i = 0; i < 5; i++) {
        high = (high << 8) | data[i];
        low = (low << 8) | data[5 + i];
    }
    zuuid_destroy (&uuid);
    memcpy (token, "anon-", 5);
    codec_letters (high, 10, token + 5);
    codec_letters (low, 10, token + 15);
}
