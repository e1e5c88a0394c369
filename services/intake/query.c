/*  query - what intake answers about candidates: one candidate, a page of
    an office's candidates (by status, by stage, or found by name, e-mail
    address or phone number), and everything intake holds about one
    candidate (the export of GDPR art. 15).  */
#include "handlers.h"

#include "contact.h"
#include "page.h"
#include "rids.h"

//  The contact details of c into reply under key (nothing when none).
static int
s_contact (cmd_ctx_t *ctx, const candidate_t *c, kv_t *reply, const char *key)
{
    zchunk_t *packed = NULL;
    if (contact_load (ctx, c->id, &packed))
        return -1;
    oerr_t err;
    msg_t *msg =
        packed ? msg_decode (zchunk_data (packed), zchunk_size (packed), &err) : NULL;
    if (msg)
        kv_obj (reply, key, msg_root (msg));
    msg_destroy (&msg);
    contact_wipe (&packed);
    return 0;
}

static void
s_wishes (const candidate_t *c, kv_t *reply)
{
    msgpack_packer *pk = kv_key (reply, "wishes");
    msgpack_pack_map (pk, 2);
    pk_kv_str (pk, "function", c->wish_function);
    pk_kv_str (pk, "sector", c->wish_sector);
}

int
candidate_get (cmd_ctx_t *ctx)
{
    candidate_t c;
    if (candidate_load (ctx, &c))
        return -1;
    kv_t *reply = cmd_reply (ctx);
    candidate_describe (&c, reply);
    s_wishes (&c, reply);
    return s_contact (ctx, &c, reply, "contact");
}

int
candidate_export (cmd_ctx_t *ctx)
{
    candidate_t c;
    if (candidate_load (ctx, &c))
        return -1;
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "service", "intake");
    candidate_describe (&c, reply);
    s_wishes (&c, reply);
    kv_str (reply, "status_date", c.status_date);
    kv_bool (reply, "consent_processing", true);
    return s_contact (ctx, &c, reply, "contact");
}

//  --------------------------------------------------------------------------
//  A page of candidates

typedef struct {
    cmd_ctx_t *ctx;
    page_t page;
    int status; //  -1: any
    int stage;  //  -1: any (the latest assessment's)
} list_t;

//  Whether c passes the filters and goes on the page (0), is left out
//  (0 too), or the page is full (1), or the store failed (-1).
static int
s_consider (list_t *l, const candidate_t *c)
{
    if (!streq (c->office, cmd_office (l->ctx))
        || (l->status >= 0 && (int) c->status != l->status))
        return 0;
    int stage = c->stage_count ? c->stages[c->stage_count - 1].stage : -1;
    if (l->stage >= 0 && stage != l->stage)
        return 0;
    if (page_full (&l->page))
        return 1;
    zchunk_t *packed = NULL;
    oerr_t err;
    if (contact_load (l->ctx, c->id, &packed))
        return -1;
    msg_t *contact =
        packed ? msg_decode (zchunk_data (packed), zchunk_size (packed), &err) : NULL;
    char name[CODEC_TEXT_MAX + 1] = "";
    if (contact)
        map_str (msg_root (contact), "name", name, sizeof name);
    msgpack_packer *pk = page_add (&l->page, c->id);
    msgpack_pack_map (pk, 4 + (stage >= 0 ? 1 : 0) + (*name ? 1 : 0));
    pk_kv_str (pk, "id", c->id);
    pk_kv_str (pk, "status", intake_status_name (c->status));
    pk_kv_bool (pk, "eligible", c->eligible);
    pk_kv_str (pk, "registered", c->registered);
    if (stage >= 0)
        pk_kv_str (pk, "stage", candidate_stages[stage]);
    if (*name)
        pk_kv_str (pk, "name", name);
    sodium_memzero (name, sizeof name);
    msg_destroy (&contact);
    contact_wipe (&packed);
    return 0;
}

static int
s_consider_id (list_t *l, const char *id)
{
    const void *val;
    size_t vlen;
    candidate_t c;
    int rc = store_get (cmd_tx (l->ctx), intake_candidates, id, strlen (id), &val, &vlen);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    return candidate_unpack (&c, val, vlen) ? -1 : s_consider (l, &c);
}

static int
s_office_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val, (void) vlen;
    list_t *l = (list_t *) arg;
    const char *nul = (const char *) memchr (key, 0, klen);
    char id[CODEC_ID_MAX + 1];
    size_t ilen = nul ? klen - (size_t) (nul + 1 - (const char *) key) : 0;
    if (!ilen || ilen > CODEC_ID_MAX)
        return 0;
    memcpy (id, nul + 1, ilen);
    id[ilen] = 0;
    if (page_before (&l->page, id))
        return 0;
    return s_consider_id (l, id);
}

int
candidate_list (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    list_t l = {ctx,
                {0},
                map_enum (body, "status", intake_statuses),
                map_enum (body, "stage", candidate_stages)};
    page_init (&l.page, body);
    char q[CODEC_TEXT_MAX + 1] = "";
    map_str (body, "q", q, sizeof q);
    int rc = 0;
    if (*q) {
        //  By name, e-mail address or phone number; or the id itself.
        intake_state_t *state = (intake_state_t *) cmd_state (ctx);
        zlistx_t *ids = search_find (state->search, q);
        if (codec_valid_id (q, strlen (q)) && !zlistx_find (ids, q)) {
            zlistx_add_end (ids, q);
            zlistx_sort (ids);
        }
        for (const char *id = (const char *) zlistx_first (ids); rc == 0 && id;
             id = (const char *) zlistx_next (ids))
            if (!page_before (&l.page, id))
                rc = s_consider_id (&l, id);
        zlistx_destroy (&ids);
        sodium_memzero (q, sizeof q);
    } else {
        char prefix[2 * CODEC_ID_MAX + 2], from[2 * CODEC_ID_MAX + 2];
        size_t plen = intake_office_key (prefix, cmd_office (ctx), "");
        size_t flen = intake_office_key (from, cmd_office (ctx), l.page.after);
        rc = store_scan (cmd_tx (ctx), intake_by_office, from, flen, prefix, plen,
                         s_office_each, &l);
    }
    if (rc >= 0)
        page_finish (&l.page, cmd_reply (ctx), "candidates");
    page_destroy (&l.page);
    return rc < 0 ? cmd_store_fail (ctx) : 0;
}
