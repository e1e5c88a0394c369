/*  rids - the replies remembered by request id.  */
#include "rids.h"

#include "scrub.h"

#include <string.h>

STORE_TABLE (rids_table, "rids");

bool
rids_record_key (const void *key, size_t klen)
{
    return !memchr (key, 0, klen) && !memchr (key, 1, klen);
}

//  id, a byte 0x01, rid: the key of a reply beside id's record, or with
//  rid "" the prefix of all of them. Returns the key's length.
static size_t
s_beside_key (uint8_t key[RIDS_KEY_MAX], const char *id, const char *rid)
{
    size_t ilen = strlen (id), rlen = strlen (rid);
    memcpy (key, id, ilen);
    key[ilen] = 1;
    memcpy (key + ilen + 1, rid, rlen);
    return ilen + 1 + rlen;
}

void
rids_key (request_t *request, const store_table_t *index, const char *subject,
          rid_key_t *out)
{
    const char *rid = request_rid (request);
    const command_t *row = request_command (request);
    char id[CODEC_ID_MAX + 1] = "";
    if (subject)
        map_str (request_body (request), subject, id, sizeof id);
    //  A valid id holds neither a NUL nor 0x01, so the key cannot be taken
    //  for a record or a subject index entry.
    bool valid = *id && codec_valid_id (id, strlen (id));
    out->beside = index && valid && !(row->flags & CMD_ERASES);
    if (out->beside) {
        out->table = index;
        out->klen = s_beside_key (out->key, id, rid);
        return;
    }
    out->klen = strlen (rid);
    memcpy (out->key, rid, out->klen);
    //  An erasure's reply under a rid that names the erased candidate
    //  would keep the id it erased: not remembered, the retry is answered
    //  afresh (an erasure done is not done twice).
    out->table =
        (row->flags & CMD_ERASES) && valid && strstr (rid, id) ? NULL : rids_table;
}

int
rids_recall (store_tx_t *tx, request_t *request, const rid_key_t *key)
{
    const char *rid = request_rid (request);
    const void *val;
    size_t vlen;
    if (!key->table)
        return 0;
    int rc = store_get (tx, key->table, key->key, key->klen, &val, &vlen);
    //  Replies kept before service_def_t.subject are in rids.
    if (rc != 0 && key->beside)
        rc = store_get (tx, rids_table, rid, strlen (rid), &val, &vlen);
    if (rc != 0)
        return 0;
    const char *cmd = (const char *) val;
    size_t clen = strnlen (cmd, vlen);
    if (clen == vlen || strcmp (cmd, request_cmd (request)) != 0) {
        oerr_t err;
        oerr_set (&err, ERR_CONFLICT, "rid", "rid %s was used for another command", rid);
        request_fail (request, &err);
        return 1;
    }
    request_set_reply (request, cmd + clen + 1, vlen - clen - 1);
    return 1;
}

int
rids_remember (store_tx_t *tx, request_t *request, const rid_key_t *key)
{
    if (!key->table)
        return 0;
    const char *cmd = request_cmd (request);
    msgpack_sbuffer *reply = request_reply (request);
    size_t clen = strlen (cmd) + 1;
    uint8_t *value = (uint8_t *) malloc (clen + reply->size);
    if (!value)
        return -1;
    memcpy (value, cmd, clen);
    memcpy (value + clen, reply->data, reply->size);
    int rc = store_put (tx, key->table, key->key, key->klen, value, clen + reply->size);
    free (value);
    return rc;
}

int
rids_forget (store_tx_t *tx, const store_table_t *index, const char *id)
{
    if (index && strlen (id) <= CODEC_ID_MAX) {
        uint8_t prefix[RIDS_KEY_MAX];
        size_t plen = s_beside_key (prefix, id, "");
        if (store_del_prefix (tx, index, prefix, plen))
            return -1;
    }
    //  A reply kept in rids may name the candidate in its body alone.
    return scrub_delete (tx, rids_table, id);
}
