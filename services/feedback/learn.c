/*  learn - what feedback knows of candidates, from the intake stream: the
    office, the consent to evaluation contact and the registration date.
    Runs inside the consumer's transaction, so what it learns and the
    stream position are committed together.

    candidate.erased removes every survey of the candidate (with its texts)
    and what was learnt of it, and rewrites this service's own events about
    it: the candidate id becomes intake's token and each survey id a fresh
    token, because a caller-chosen survey id may well name the candidate.
    The codes, dates and grades stay, so figures rebuilt from the stream do
    not change.  */
#include "handlers.h"

#include "evlog.h"
#include "scrub.h"

static int
s_learn (store_tx_t *tx, const msgpack_object *event, const char *id)
{
    known_t k;
    memset (&k, 0, sizeof k);
    snprintf (k.id, sizeof k.id, "%s", id);
    map_str (event, "office", k.office, sizeof k.office);
    map_str (event, "date", k.registered, sizeof k.registered);
    k.evaluation_contact = map_bool (event, "evaluation_contact", false);
    return known_put (tx, &k);
}

//  --------------------------------------------------------------------------
//  Erasure

//  Re-packs one stored event of this stream with its survey id replaced;
//  sequence number and every other field stay.
static int
s_retoken (store_tx_t *tx, uint64_t seq, const char *survey, const char *token)
{
    uint8_t key[8];
    store_u64_key (seq, key);
    const void *val;
    size_t vlen;
    int rc = seq ? store_get (tx, "events", key, 8, &val, &vlen) : 1;
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
        if (obj_is_str (&pair->key, "survey") && obj_is_str (&pair->val, survey))
            pk_str (&pk, token);
        else
            msgpack_pack_object (&pk, pair->val);
    }
    //  The decoded event points into the stored bytes: done before the put.
    msg_destroy (&msg);
    rc = store_put (tx, "events", key, 8, buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    return rc;
}

static int
s_erase_survey (store_tx_t *tx, const char *id)
{
    survey_t s;
    int rc = survey_get_record (tx, id, &s);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char token[SCRUB_TOKEN_SIZE];
    scrub_token (token);
    if (s_retoken (tx, s.invited_seq, id, token)
        || s_retoken (tx, s.responded_seq, id, token))
        return -1;
    return store_del (tx, "surveys", id, strlen (id));
}

//  Removes what is kept under one name of the candidate.
static int
s_forget (store_tx_t *tx, const char *id)
{
    char prefix[FB_ID_SIZE + 1];
    size_t plen = strlen (id) + 1;
    memcpy (prefix, id, plen);
    zlist_t *ids = store_suffixes (tx, "by_candidate", prefix, plen);
    int rc = ids ? 0 : -1;
    for (char *id = ids ? (char *) zlist_first (ids) : NULL; rc == 0 && id;
         id = (char *) zlist_next (ids))
        rc = s_erase_survey (tx, id);
    zlist_destroy (&ids);
    if (rc || store_del_prefix (tx, "by_candidate", prefix, plen))
        return -1;
    return store_del (tx, "candidates", id, plen - 1);
}

static int
s_erase (store_tx_t *tx, const char *id, const char *token)
{
    if (s_forget (tx, id))
        return -1;
    //  A stream replayed after the erasure knows the candidate only by the
    //  token: that name goes too.
    if (*token && s_forget (tx, token))
        return -1;
    return evlog_pseudonymise (tx, NULL, id, *token ? token : "anon", NULL);
}

int
feedback_apply (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    char type[64], id[FB_ID_SIZE], token[FB_ID_SIZE];
    map_str (event, "type", type, sizeof type);
    map_str (event, "candidate", id, sizeof id);
    //  Events this service cannot use are ignored, never retried.
    if (!codec_valid_id (id, strlen (id)))
        return 0;
    if (strcmp (type, "candidate.erased") == 0)
        return s_erase (tx, id, map_str (event, "token", token, sizeof token));
    if (strcmp (type, "candidate.registered") == 0)
        return s_learn (tx, event, id);
    return 0;
}
