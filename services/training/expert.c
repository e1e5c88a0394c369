/*  expert - experience experts: registration, assignment to candidates
    within their caseload, release, and the suggestion of experts for a
    candidate.  */
#include "handlers.h"
#include "records.h"

#include <math.h>
#include <strings.h>

#define SUGGEST_MAX 20

//  --------------------------------------------------------------------------
//  Registration

static void
s_from_body (cmd_ctx_t *ctx, tr_expert_t *e)
{
    const msgpack_object *body = cmd_body (ctx);
    memset (e, 0, sizeof *e);
    if (!*tr_arg (ctx, "id", e->id, sizeof e->id))
        tr_new_id (e->id, "e");
    snprintf (e->office, sizeof e->office, "%s", cmd_office (ctx));
    e->paid = map_bool (body, "paid", false);
    e->fte = map_num (body, "fte", 0);
    const msgpack_object *tags = obj_get (body, "experience");
    for (uint32_t i = 0; tags && i < tags->via.array.size && i < TR_TAGS_MAX; i++)
        obj_str (&tags->via.array.ptr[i], e->tags[e->tag_count++], TR_ID);
    e->max_caseload = (int) map_int (body, "max_caseload", 0);
    tr_arg (ctx, "date", e->date, sizeof e->date);
}

static bool
s_same (const tr_expert_t *a, const tr_expert_t *b)
{
    bool same = streq (a->office, b->office) && a->paid == b->paid
                && fabs (a->fte - b->fte) < 1e-9 && a->max_caseload == b->max_caseload
                && streq (a->date, b->date) && a->tag_count == b->tag_count;
    for (uint32_t i = 0; same && i < a->tag_count; i++)
        same = streq (a->tags[i], b->tags[i]);
    return same;
}

//  Only what was registered, so a repeat answers exactly as the first time.
static void
s_reply (cmd_ctx_t *ctx, const tr_expert_t *e)
{
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", e->id);
    kv_bool (reply, "paid", e->paid);
    kv_int (reply, "max_caseload", e->max_caseload);
}

static int
s_emit_registered (cmd_ctx_t *ctx, const tr_expert_t *e)
{
    //  Areas of lived experience are health data of the expert: they stay here.
    kv_t f;
    kv_init (&f);
    kv_str (&f, "expert", e->id);
    kv_bool (&f, "paid", e->paid);
    kv_num (&f, "fte", e->fte);
    kv_int (&f, "max_caseload", e->max_caseload);
    kv_uint (&f, "experience_count", e->tag_count);
    int rc = cmd_emit (ctx, "expert.registered", *e->date ? e->date : NULL, NULL, &f);
    kv_destroy (&f);
    return rc;
}

int
expert_register (cmd_ctx_t *ctx)
{
    tr_expert_t e, old;
    s_from_body (ctx, &e);
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), tr_experts, e.id, strlen (e.id), &val, &vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0) {
        if (tr_expert_unpack (&old, val, vlen) != 0 || !s_same (&old, &e))
            return cmd_fail (ctx, ERR_CONFLICT, "id",
                             "expert %s is already registered with other details", e.id);
        s_reply (ctx, &old);
        return 0;
    }
    if (tr_expert_save (cmd_tx (ctx), &e))
        return cmd_store_fail (ctx);
    if (s_emit_registered (ctx, &e))
        return -1;
    s_reply (ctx, &e);
    return 0;
}

//  --------------------------------------------------------------------------
//  Assignment

//  Loads the expert and candidate a command names and looks their
//  assignment up: 0 assigned, 1 not, -1 failed.
static int
s_load_pair (cmd_ctx_t *ctx, tr_expert_t *e, tr_candidate_t *c, char *key, size_t *klen)
{
    char expert[TR_ID], candidate[TR_ID];
    if (tr_load_expert (ctx, "expert", tr_arg (ctx, "expert", expert, sizeof expert), e)
        || tr_load_candidate (ctx, "candidate",
                              tr_arg (ctx, "candidate", candidate, sizeof candidate), c))
        return -1;
    *klen = tr_key2 (key, e->id, c->id);
    int rc = store_get (cmd_tx (ctx), tr_assignments, key, *klen, NULL, NULL);
    return rc < 0 ? cmd_store_fail (ctx) : rc;
}

static int
s_emit_pair (cmd_ctx_t *ctx, const char *type, const tr_expert_t *e,
             const char *candidate, const char *date)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "expert", e->id);
    kv_str (&f, "candidate", candidate);
    kv_int (&f, "load", e->load);
    kv_int (&f, "max_caseload", e->max_caseload);
    int rc = cmd_emit (ctx, type, date, candidate, &f);
    kv_destroy (&f);
    if (rc == 0) {
        kv_t *reply = cmd_reply (ctx);
        kv_str (reply, "expert", e->id);
        kv_str (reply, "candidate", candidate);
        kv_int (reply, "load", e->load);
        kv_int (reply, "free", e->max_caseload - e->load);
    }
    return rc;
}

int
expert_assign (cmd_ctx_t *ctx)
{
    tr_expert_t e;
    tr_candidate_t c;
    char key[TR_KEY], date[11];
    size_t klen;
    int rc = s_load_pair (ctx, &e, &c, key, &klen);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return cmd_fail (ctx, ERR_CONFLICT, "candidate",
                         "expert %s is already assigned to %s", e.id, c.id);
    if (e.load >= e.max_caseload)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "expert",
                         "expert %s has no free place (caseload %d of %d)", e.id, e.load,
                         e.max_caseload);
    e.load++;
    kv_t rec;
    kv_init (&rec);
    kv_str (&rec, "date", tr_arg (ctx, "date", date, sizeof date));
    rc = tr_put (cmd_tx (ctx), tr_assignments, key, klen, &rec);
    kv_destroy (&rec);
    if (rc || tr_link (cmd_tx (ctx), c.id, LINK_ASSIGNMENT, e.id)
        || tr_expert_save (cmd_tx (ctx), &e))
        return cmd_store_fail (ctx);
    return s_emit_pair (ctx, "expert.assigned", &e, c.id, date);
}

int
expert_release (cmd_ctx_t *ctx)
{
    tr_expert_t e;
    tr_candidate_t c;
    char key[TR_KEY], link[TR_KEY], date[11];
    size_t klen;
    int rc = s_load_pair (ctx, &e, &c, key, &klen);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return cmd_fail (ctx, ERR_NOT_FOUND, "candidate",
                         "expert %s is not assigned to %s", e.id, c.id);
    e.load--;
    store_tx_t *tx = cmd_tx (ctx);
    if (store_del (tx, tr_assignments, key, klen)
        || store_del (tx, tr_links, link, tr_link_key (link, c.id, LINK_ASSIGNMENT, e.id))
        || tr_expert_save (tx, &e))
        return cmd_store_fail (ctx);
    return s_emit_pair (ctx, "expert.released", &e, c.id, tr_arg (ctx, "date", date, 11));
}

//  --------------------------------------------------------------------------
//  Suggestion: score = wanted areas the expert has + share of the caseload
//  still free (0-1], so one matching area outweighs any difference in free
//  capacity and, among equal matches, the freer expert comes first.

typedef struct {
    char id[TR_ID];
    double score;
    int overlap;
    int free;
    uint32_t matched; //  bit i: wanted[i] matched
} ranked_t;

typedef struct {
    store_tx_t *tx;
    const char *office;
    const char *candidate;
    char wanted[TR_TAGS_MAX][TR_ID];
    uint32_t wanted_count;
    ranked_t *items;
    size_t count;
    size_t size;
} suggest_t;

static void
s_score (suggest_t *s, const tr_expert_t *e, ranked_t *r)
{
    memset (r, 0, sizeof *r);
    snprintf (r->id, sizeof r->id, "%s", e->id);
    r->free = e->max_caseload - e->load;
    for (uint32_t w = 0; w < s->wanted_count; w++)
        for (uint32_t t = 0; t < e->tag_count; t++)
            if (strcasecmp (s->wanted[w], e->tags[t]) == 0) {
                r->overlap++;
                r->matched |= 1u << w;
                break;
            }
    r->score = r->overlap + (double) r->free / e->max_caseload;
}

//  Every expert of the office with a free place not yet assigned to the
//  candidate is a candidate for the list.
static int
s_consider (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    suggest_t *s = (suggest_t *) arg;
    tr_expert_t e;
    if (tr_expert_unpack (&e, val, vlen) != 0)
        return -1;
    if (!streq (e.office, s->office) || e.load >= e.max_caseload)
        return 0;
    char pair[TR_KEY];
    int rc = store_get (s->tx, tr_assignments, pair, tr_key2 (pair, e.id, s->candidate),
                        NULL, NULL);
    if (rc <= 0) //  already assigned (0) or a failure (-1)
        return rc;
    if (s->count == s->size) {
        s->size = s->size ? 2 * s->size : 16;
        s->items = (ranked_t *) realloc (s->items, s->size * sizeof (ranked_t));
        if (!s->items)
            return -1;
    }
    s_score (s, &e, &s->items[s->count++]);
    return 0;
}

static int
s_by_rank (const void *a, const void *b)
{
    const ranked_t *x = (const ranked_t *) a, *y = (const ranked_t *) b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->free != y->free)
        return x->free > y->free ? -1 : 1;
    return strcmp (x->id, y->id);
}

static void
s_pack_suggestions (suggest_t *s, kv_t *reply)
{
    size_t shown = s->count < SUGGEST_MAX ? s->count : SUGGEST_MAX;
    msgpack_packer *pk = kv_key (reply, "suggestions");
    msgpack_pack_array (pk, shown);
    for (size_t i = 0; i < shown; i++) {
        const ranked_t *r = &s->items[i];
        msgpack_pack_map (pk, 5);
        pk_kv_str (pk, "expert", r->id);
        pk_kv_num (pk, "score", round (r->score * 1000) / 1000);
        pk_kv_int (pk, "overlap", r->overlap);
        pk_kv_int (pk, "free", r->free);
        pk_str (pk, "matched");
        msgpack_pack_array (pk, r->overlap);
        for (uint32_t w = 0; w < s->wanted_count; w++)
            if (r->matched & (1u << w))
                pk_str (pk, s->wanted[w]);
    }
    kv_uint (reply, "count", shown);
}

int
expert_suggest (cmd_ctx_t *ctx)
{
    tr_candidate_t c;
    char id[TR_ID];
    if (tr_load_candidate (ctx, "candidate", tr_arg (ctx, "candidate", id, sizeof id),
                           &c))
        return -1;
    suggest_t *s = (suggest_t *) zmalloc (sizeof (suggest_t));
    s->tx = cmd_tx (ctx);
    s->office = cmd_office (ctx);
    s->candidate = c.id;
    const msgpack_object *wanted = obj_get (cmd_body (ctx), "wanted");
    for (uint32_t i = 0; wanted && wanted->type == MSGPACK_OBJECT_ARRAY
                         && i < wanted->via.array.size && i < TR_TAGS_MAX;
         i++)
        obj_str (&wanted->via.array.ptr[i], s->wanted[s->wanted_count++], TR_ID);
    int rc = store_scan (s->tx, tr_experts, NULL, 0, NULL, 0, s_consider, s);
    if (rc == 0) {
        qsort (s->items, s->count, sizeof (ranked_t), s_by_rank);
        kv_str (cmd_reply (ctx), "candidate", c.id);
        s_pack_suggestions (s, cmd_reply (ctx));
    }
    free (s->items);
    free (s);
    return rc ? cmd_store_fail (ctx) : 0;
}

//  --------------------------------------------------------------------------
//  Query

static int
s_list_assignment (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    tr_list_t *list = (tr_list_t *) arg;
    char candidate[TR_ID];
    oerr_t err;
    msg_t *msg = tr_key_tail (key, klen, candidate, sizeof candidate) == 0
                     ? msg_decode (val, vlen, &err)
                     : NULL;
    if (!msg)
        return -1;
    msgpack_pack_map (&list->pk, 2);
    pk_kv_str (&list->pk, "candidate", candidate);
    pk_kv_obj (&list->pk, "date", obj_get (msg_root (msg), "date"));
    msg_destroy (&msg);
    list->count++;
    return 0;
}

int
expert_get (cmd_ctx_t *ctx)
{
    tr_expert_t e;
    char id[TR_ID], prefix[TR_ID + 1];
    if (tr_load_expert (ctx, "id", tr_arg (ctx, "id", id, sizeof id), &e))
        return -1;
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", e.id);
    kv_bool (reply, "paid", e.paid);
    kv_num (reply, "fte", e.fte);
    msgpack_packer *pk = kv_key (reply, "experience");
    msgpack_pack_array (pk, e.tag_count);
    for (uint32_t i = 0; i < e.tag_count; i++)
        pk_str (pk, e.tags[i]);
    kv_int (reply, "max_caseload", e.max_caseload);
    kv_int (reply, "load", e.load);
    kv_int (reply, "free", e.max_caseload - e.load);
    tr_list_t list;
    tr_list_init (&list);
    size_t plen = tr_key2 (prefix, e.id, "");
    int rc = store_scan (cmd_tx (ctx), tr_assignments, NULL, 0, prefix, plen,
                         s_list_assignment, &list);
    tr_list_finish (&list, reply, "assignments");
    return rc ? cmd_store_fail (ctx) : 0;
}
