/*  lists - the office's experts and cohorts, a page at a time (page.h),
    for the screens that list them. A trainer, or an experience expert who
    trains, sees only the cohorts they train; everyone else who may send
    the query sees every cohort of the office.  */
#include "handlers.h"
#include "records.h"

#include "page.h"

//  --------------------------------------------------------------------------
//  Experts

typedef struct {
    const char *office;
    page_t page;
    tr_expert_t expert; //  scratch: too big for each callback's frame
} experts_t;

static void
s_pack_expert (msgpack_packer *pk, const tr_expert_t *e)
{
    msgpack_pack_map (pk, 7);
    pk_kv_str (pk, "id", e->id);
    pk_kv_bool (pk, "paid", e->paid);
    pk_kv_num (pk, "fte", e->fte);
    pk_str (pk, "experience");
    msgpack_pack_array (pk, e->tag_count);
    for (uint32_t i = 0; i < e->tag_count; i++)
        pk_str (pk, e->tags[i]);
    pk_kv_int (pk, "max_caseload", e->max_caseload);
    pk_kv_int (pk, "load", e->load);
    pk_kv_int (pk, "free", e->max_caseload - e->load);
}

static int
s_expert_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    experts_t *l = (experts_t *) arg;
    tr_expert_t *e = &l->expert;
    if (tr_expert_unpack (e, val, vlen))
        return -1;
    if (page_before (&l->page, e->id) || !streq (e->office, l->office))
        return 0;
    if (page_full (&l->page))
        return 1;
    s_pack_expert (page_add (&l->page, e->id), e);
    return 0;
}

int
expert_list (cmd_ctx_t *ctx)
{
    experts_t *l = (experts_t *) zmalloc (sizeof (experts_t));
    l->office = cmd_office (ctx);
    page_init (&l->page, cmd_body (ctx));
    size_t flen;
    const char *from = page_from (&l->page, &flen);
    int rc = store_scan (cmd_tx (ctx), tr_experts, from, flen, NULL, 0, s_expert_each, l);
    if (rc == 0)
        page_finish (&l->page, cmd_reply (ctx), "experts");
    page_destroy (&l->page);
    free (l);
    return rc ? cmd_store_fail (ctx) : 0;
}

//  --------------------------------------------------------------------------
//  Cohorts

typedef struct {
    const char *office;
    int status;             //  -1: any
    const person_t *person; //  NULL: every cohort; else only theirs
    page_t page;
    tr_cohort_t cohort;
} cohorts_t;

static void
s_pack_cohort (page_t *page, const tr_cohort_t *k)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", k->id);
    kv_str (&kv, "trainer_kind", tr_trainer_kinds[k->trainer_kind]);
    kv_str (&kv, "trainer", k->trainer);
    kv_str (&kv, "start", k->start);
    kv_str (&kv, "status", tr_cohort_statuses[k->status]);
    if (*k->started)
        kv_str (&kv, "started", k->started);
    if (*k->finished)
        kv_str (&kv, "finished", k->finished);
    kv_int (&kv, "members", k->members);
    //  Meetings are recorded in their order: the count says which.
    kv_int (&kv, "meetings_recorded", tr_popcount (k->recorded));
    kv_int (&kv, "certificates", k->certificates);
    kv_pack_map (&kv, page_add (page, k->id), &page->items, 0);
    kv_destroy (&kv);
}

static int
s_cohort_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    cohorts_t *l = (cohorts_t *) arg;
    tr_cohort_t *k = &l->cohort;
    if (tr_cohort_unpack (k, val, vlen))
        return -1;
    if (page_before (&l->page, k->id) || !streq (k->office, l->office)
        || (l->status >= 0 && (int) k->status != l->status)
        || (l->person && !training_trains (l->person, k->trainer)))
        return 0;
    if (page_full (&l->page))
        return 1;
    s_pack_cohort (&l->page, k);
    return 0;
}

int
cohort_list (cmd_ctx_t *ctx)
{
    cohorts_t *l = (cohorts_t *) zmalloc (sizeof (cohorts_t));
    l->office = cmd_office (ctx);
    l->status = map_enum (cmd_body (ctx), "status", tr_cohort_statuses);
    const person_t *person = cmd_person (ctx);
    if (person && person->caller.role != ROLE_COORDINATOR)
        l->person = person;
    page_init (&l->page, cmd_body (ctx));
    size_t flen;
    const char *from = page_from (&l->page, &flen);
    int rc = store_scan (cmd_tx (ctx), tr_cohorts, from, flen, NULL, 0, s_cohort_each, l);
    if (rc == 0)
        page_finish (&l->page, cmd_reply (ctx), "cohorts");
    page_destroy (&l->page);
    free (l);
    return rc ? cmd_store_fail (ctx) : 0;
}
