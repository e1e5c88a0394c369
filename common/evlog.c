/*  evlog - the per-instance event stream.  */
#include "evlog.h"

#include <czmq.h>
#include <string.h>

//  A replay answer must be decodable by the consumer asking for it, whose
//  decoder takes CODEC_MAX_BODY at most: the events leave room for the
//  answer's own fields. (It was 1 MiB, so a batch of large events past
//  256 KiB left the consumer refusing every answer and never catching up.)
#define EVLOG_REPLAY_BYTES (CODEC_MAX_BODY - 1024)

STORE_TABLE (evlog_events, "events");
STORE_TABLE (evlog_subjects, "subjects");
STORE_TABLE (evlog_stream, "stream");

int
evlog_epoch (store_tx_t *tx, char out[EVLOG_EPOCH_SIZE])
{
    const void *val;
    size_t vlen;
    out[0] = 0;
    int rc = store_get (tx, evlog_stream, "epoch", 5, &val, &vlen);
    if (rc == 0 && vlen < EVLOG_EPOCH_SIZE) {
        memcpy (out, val, vlen);
        out[vlen] = 0;
    }
    return rc < 0 ? -1 : 0;
}

int
evlog_epoch_ensure (store_tx_t *tx)
{
    char epoch[EVLOG_EPOCH_SIZE];
    if (evlog_epoch (tx, epoch))
        return -1;
    if (*epoch)
        return 0;
    //  Letters a-p of 80 random bits, as tokens are made.
    zuuid_t *uuid = zuuid_new ();
    const byte *data = zuuid_data (uuid);
    uint64_t high = 0, low = 0;
    for (int i = 0; i < 5; i++) {
        high = (high << 8) | data[i];
        low = (low << 8) | data[8 + i];
    }
    zuuid_destroy (&uuid);
    codec_letters (high, 10, epoch);
    codec_letters (low, 10, epoch + 10);
    return store_put (tx, evlog_stream, "epoch", 5, epoch, 20);
}

uint64_t
evlog_head (store_tx_t *tx)
{
    const void *key;
    size_t klen;
    if (store_last (tx, evlog_events, &key, &klen, NULL, NULL) != 0 || klen != 8)
        return 0;
    return store_u64_from (key);
}

static int
s_index_subject (store_tx_t *tx, const store_table_t *index, const char *subject,
                 uint64_t seq)
{
    size_t len = strlen (subject);
    uint8_t key[CODEC_ID_MAX + 9];
    memcpy (key, subject, len);
    key[len] = 0;
    store_u64_key (seq, key + len + 1);
    return store_put (tx, index ? index : evlog_subjects, key, len + 9, "", 0);
}

//  instance:seq, made for every event, so without printf.
static void
s_eid (char eid[CODEC_ID_MAX + 24], const char *instance, uint64_t seq)
{
    size_t len = strnlen (instance, CODEC_ID_MAX);
    memcpy (eid, instance, len);
    eid[len++] = ':';
    char digits[21];
    size_t n = 0;
    do
        digits[n++] = (char) ('0' + seq % 10);
    while ((seq /= 10) > 0);
    while (n > 0)
        eid[len++] = digits[--n];
    eid[len] = 0;
}

uint64_t
evlog_append (store_tx_t *tx, const evlog_meta_t *meta, const kv_t *fields,
              msgpack_sbuffer *out)
{
    uint64_t seq = evlog_head (tx) + 1;
    if (store_failed (tx))
        return 0;
    char eid[CODEC_ID_MAX + 24], at[32];
    s_eid (eid, meta->instance, seq);
    codec_now (at);
    msgpack_sbuffer_clear (out);
    msgpack_packer pk;
    msgpack_packer_init (&pk, out, msgpack_sbuffer_write);
    kv_pack_map (fields, &pk, out, 7 + (meta->date ? 1 : 0));
    pk_kv_str (&pk, "type", meta->type);
    pk_kv_str (&pk, "service", meta->service);
    pk_kv_str (&pk, "instance", meta->instance);
    pk_kv_uint (&pk, "seq", seq);
    pk_kv_str (&pk, "eid", eid);
    pk_kv_str (&pk, "office", meta->office);
    if (meta->date)
        pk_kv_str (&pk, "date", meta->date);
    pk_kv_str (&pk, "at", at);
    uint8_t key[8];
    store_u64_key (seq, key);
    if (store_append (tx, evlog_events, key, 8, out->data, out->size))
        return 0;
    if (meta->subject && s_index_subject (tx, meta->index, meta->subject, seq))
        return 0;
    return seq;
}

//  How many events one filtered replay looks at before it answers with what
//  it found: a subscriber of one small office must not make the producer
//  walk the whole stream in one go.
#define EVLOG_REPLAY_SCAN 16384

typedef struct {
    uint32_t max;
    uint32_t count;
    size_t bytes;
    msgpack_sbuffer events;
    evlog_filter_fn *filter;
    void *filter_arg;
    uint64_t next; //  the seq after the last one looked at
    uint32_t scanned;
} replay_t;

static bool
s_wanted (replay_t *r, const void *val, size_t vlen)
{
    if (!r->filter)
        return true;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    char office[CODEC_ID_MAX + 1] = "";
    if (msg)
        map_str (msg_root (msg), "office", office, sizeof office);
    msg_destroy (&msg);
    return r->filter (office, r->filter_arg);
}

static int
s_collect (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) klen;
    replay_t *r = (replay_t *) arg;
    if (r->count == r->max || (r->count > 0 && r->bytes + vlen > EVLOG_REPLAY_BYTES)
        || r->scanned == EVLOG_REPLAY_SCAN)
        return 1;
    r->next = store_u64_from (key) + 1;
    r->scanned++;
    if (!s_wanted (r, val, vlen))
        return 0;
    msgpack_sbuffer_write (&r->events, (const char *) val, vlen);
    r->count++;
    r->bytes += vlen;
    return 0;
}

int
evlog_replay (store_tx_t *tx, uint64_t from, uint32_t max, msgpack_sbuffer *out)
{
    return evlog_replay_filtered (tx, from, max, NULL, NULL, out);
}

int
evlog_replay_filtered (store_tx_t *tx, uint64_t from, uint32_t max,
                       evlog_filter_fn *filter, void *filter_arg, msgpack_sbuffer *out)
{
    replay_t r = {max, 0, 0, {0, NULL, 0}, filter, filter_arg, from, 0};
    msgpack_sbuffer_init (&r.events);
    uint8_t key[8];
    store_u64_key (from, key);
    int rc = store_scan (tx, evlog_events, key, 8, NULL, 0, s_collect, &r);
    if (rc == 0) {
        msgpack_packer pk;
        msgpack_packer_init (&pk, out, msgpack_sbuffer_write);
        char epoch[EVLOG_EPOCH_SIZE];
        evlog_epoch (tx, epoch);
        msgpack_pack_map (&pk, 5);
        pk_kv_bool (&pk, "ok", true);
        pk_kv_uint (&pk, "head", evlog_head (tx));
        pk_kv_uint (&pk, "next", r.next);
        pk_kv_str (&pk, "epoch", epoch);
        pk_str (&pk, "events");
        msgpack_pack_array (&pk, r.count);
        if (r.events.size)
            msgpack_sbuffer_write (out, r.events.data, r.events.size);
    }
    msgpack_sbuffer_destroy (&r.events);
    return rc;
}

//  Re-packs one stored event with the subject replaced and fields dropped;
//  1 (nothing written) when it is of type keep.
static int
s_rewrite (store_tx_t *tx, uint64_t seq, const char *subject, const char *token,
           const char *const *drop, const char *keep)
{
    uint8_t key[8];
    store_u64_key (seq, key);
    const void *val;
    size_t vlen;
    if (store_get (tx, evlog_events, key, 8, &val, &vlen) != 0)
        return -1;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    if (!msg)
        return -1;
    const msgpack_object *map = msg_root (msg);
    if (keep && obj_is_str (obj_get (map, "type"), keep)) {
        msg_destroy (&msg);
        return 1;
    }
    kv_t out;
    kv_init (&out);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object_kv *pair = &map->via.map.ptr[i];
        if (obj_is_one_of (&pair->key, drop))
            continue;
        char name[64];
        if (obj_str (&pair->key, name, sizeof name))
            continue;
        if (obj_is_str (&pair->val, subject))
            kv_str (&out, name, token);
        else
            kv_obj (&out, name, &pair->val);
    }
    msgpack_sbuffer packed;
    msgpack_sbuffer_init (&packed);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &packed, msgpack_sbuffer_write);
    kv_pack_map (&out, &pk, &packed, 0);
    //  The decoded event points into the stored bytes: done before the put.
    msg_destroy (&msg);
    int rc = store_put (tx, evlog_events, key, 8, packed.data, packed.size);
    msgpack_sbuffer_destroy (&packed);
    kv_destroy (&out);
    return rc;
}

typedef struct {
    uint64_t seqs[4096];
    size_t count;
    size_t prefix;
} seqs_t;

static int
s_gather (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val;
    (void) vlen;
    seqs_t *s = (seqs_t *) arg;
    if (klen != s->prefix + 8 || s->count == sizeof s->seqs / sizeof s->seqs[0])
        return klen != s->prefix + 8 ? 0 : 1;
    s->seqs[s->count++] = store_u64_from ((const uint8_t *) key + s->prefix);
    return 0;
}

//  Rewrites the events that table's index entries for subject point at,
//  each entry removed once its event is rewritten; the entries of kept
//  events stay, and each round goes on after the last entry it saw.
static int
s_pseudonymise_in (store_tx_t *tx, const store_table_t *table, const char *subject,
                   const char *token, const char *const *drop, const char *keep)
{
    size_t len = strlen (subject);
    uint8_t prefix[CODEC_ID_MAX + 1], from[CODEC_ID_MAX + 9];
    memcpy (prefix, subject, len);
    prefix[len] = 0;
    memcpy (from, prefix, len + 1);
    store_u64_key (0, from + len + 1);
    seqs_t *seqs = (seqs_t *) zmalloc (sizeof (seqs_t));
    seqs->prefix = len + 1;
    int rc = 0;
    //  In rounds of at most 4096 events, until the subject has none left
    //  past the last one seen.
    do {
        seqs->count = 0;
        rc = store_scan (tx, table, from, len + 9, prefix, len + 1, s_gather, seqs);
        for (size_t i = 0; rc == 0 && i < seqs->count; i++) {
            uint8_t key[CODEC_ID_MAX + 9];
            memcpy (key, prefix, len + 1);
            store_u64_key (seqs->seqs[i], key + len + 1);
            rc = s_rewrite (tx, seqs->seqs[i], subject, token, drop, keep);
            if (rc == 0)
                rc = store_del (tx, table, key, len + 9);
            else if (rc == 1)
                rc = 0;
            store_u64_key (seqs->seqs[i] + 1, from + len + 1);
        }
    } while (rc == 0 && seqs->count > 0);
    free (seqs);
    return rc;
}

int
evlog_pseudonymise (store_tx_t *tx, const store_table_t *index, const char *subject,
                    const char *token, const char *const *drop, const char *keep)
{
    if (strlen (subject) > CODEC_ID_MAX)
        return -1;
    if (index && index != evlog_subjects
        && s_pseudonymise_in (tx, index, subject, token, drop, keep))
        return -1;
    return s_pseudonymise_in (tx, evlog_subjects, subject, token, drop, keep);
}

int
evlog_retoken (store_tx_t *tx, uint64_t seq, const char *field, const char *value,
               const char *token)
{
    uint8_t key[8];
    store_u64_key (seq, key);
    const void *val;
    size_t vlen;
    int rc = seq ? store_get (tx, evlog_events, key, 8, &val, &vlen) : 1;
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    if (!msg)
        return -1;
    const msgpack_object *map = msg_root (msg);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, map->via.map.size);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object_kv *pair = &map->via.map.ptr[i];
        msgpack_pack_object (&pk, pair->key);
        if (obj_is_str (&pair->key, field) && obj_is_str (&pair->val, value))
            pk_str (&pk, token);
        else
            msgpack_pack_object (&pk, pair->val);
    }
    //  The decoded event points into the stored bytes: done before the put.
    msg_destroy (&msg);
    rc = store_put (tx, evlog_events, key, 8, buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    return rc;
}

bool
evlog_index_key (const void *key, size_t klen)
{
    return klen >= 10 && ((const uint8_t *) key)[klen - 9] == 0;
}
