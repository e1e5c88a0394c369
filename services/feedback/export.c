/*  export - everything feedback holds about one candidate, for the access
    request (GDPR art. 15) and the candidate's page: what it learnt of them
    (registration date, consent to evaluation contact) and every survey
    with its grade and, unless texts is false (the overview), the response's
    texts.  */
#include "handlers.h"

typedef struct {
    store_tx_t *tx;
    const char *candidate;
    bool texts;
    survey_t survey; //  scratch
    uint32_t count;
    msgpack_sbuffer items;
    msgpack_packer pk;
} export_t;

//  A key of the index: candidate NUL survey.
static int
s_survey_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val, (void) vlen;
    export_t *ex = (export_t *) arg;
    size_t clen = strlen (ex->candidate) + 1;
    char id[FB_ID_SIZE];
    if (klen <= clen || klen - clen >= sizeof id)
        return -1;
    memcpy (id, (const char *) key + clen, klen - clen);
    id[klen - clen] = 0;
    if (survey_get_record (ex->tx, id, &ex->survey) != 0)
        return -1;
    kv_t kv;
    kv_init (&kv);
    survey_describe (&ex->survey, &kv, ex->texts);
    kv_pack_map (&kv, &ex->pk, &ex->items, 0);
    kv_destroy (&kv);
    ex->count++;
    return 0;
}

static void
s_candidate (kv_t *reply, const known_t *k)
{
    msgpack_packer *pk = kv_key (reply, "candidate");
    msgpack_pack_map (pk, 4);
    pk_kv_str (pk, "id", k->id);
    pk_kv_str (pk, "office", k->office);
    pk_kv_str (pk, "registered", k->registered);
    pk_kv_bool (pk, "evaluation_contact", k->evaluation_contact);
}

int
feedback_export (cmd_ctx_t *ctx)
{
    known_t k;
    char id[FB_ID_SIZE];
    map_str (cmd_body (ctx), "candidate", id, sizeof id);
    int rc = known_get (cmd_tx (ctx), id, &k);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 1 || strcmp (k.office, cmd_office (ctx)) != 0)
        return cmd_fail (ctx, ERR_NOT_FOUND, "candidate", "no candidate %s at office %s",
                         id, cmd_office (ctx));
    export_t *ex = (export_t *) zmalloc (sizeof (export_t));
    ex->tx = cmd_tx (ctx);
    ex->candidate = k.id;
    ex->texts = map_bool (cmd_body (ctx), "texts", true);
    msgpack_sbuffer_init (&ex->items);
    msgpack_packer_init (&ex->pk, &ex->items, msgpack_sbuffer_write);
    char prefix[FB_ID_SIZE + 1];
    size_t plen = strlen (k.id) + 1;
    memcpy (prefix, k.id, plen);
    rc = store_scan (ex->tx, fb_by_candidate, NULL, 0, prefix, plen, s_survey_each, ex);
    if (rc == 0) {
        kv_t *reply = cmd_reply (ctx);
        s_candidate (reply, &k);
        kv_bool (reply, "texts", ex->texts);
        msgpack_pack_array (kv_key (reply, "surveys"), ex->count);
        if (ex->items.size)
            msgpack_sbuffer_write (&reply->buf, ex->items.data, ex->items.size);
    }
    msgpack_sbuffer_destroy (&ex->items);
    free (ex);
    if (rc == 0)
        return 0;
    return store_failed (cmd_tx (ctx))
               ? cmd_store_fail (ctx)
               : cmd_fail (ctx, ERR_INTERNAL, "candidate",
                           "a stored survey of candidate %s is unreadable", k.id);
}
