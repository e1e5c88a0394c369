/*  lists - the office's hosts, vacancies and placements, a page at a time
    (page.h), with the filters the screens need. A host's supervisor sees
    only their own host, its vacancies and the placements at it.  */
#include "handlers.h"
#include "records.h"

#include "page.h"

//  What a list keeps to.
typedef struct {
    store_tx_t *tx;
    const char *office;
    bool by_host; //  only records of host (a supervisor's: maybe "", then none)
    char host[PL_ID_SIZE];
    bool by_candidate;
    char candidate[PL_ID_SIZE];
    int status; //  -1: any
    int open;   //  -1: any, 0 filled, 1 open
    page_t page;
    union { //  scratch, too big for each callback's frame
        host_t host;
        vacancy_t vacancy;
        placement_t placement;
    } rec;
} list_t;

static list_t *
s_list_new (cmd_ctx_t *ctx)
{
    list_t *l = (list_t *) zmalloc (sizeof (list_t));
    const msgpack_object *body = cmd_body (ctx);
    l->tx = cmd_tx (ctx);
    l->office = cmd_office (ctx);
    l->by_host = map_has (body, "host");
    map_str (body, "host", l->host, sizeof l->host);
    l->by_candidate = map_has (body, "candidate");
    map_str (body, "candidate", l->candidate, sizeof l->candidate);
    l->status = map_enum (body, "status", placement_statuses);
    l->open = map_has (body, "open") ? map_bool (body, "open", true) : -1;
    //  The supervisor's own host, whatever was asked (the row's rule
    //  refused another).
    const person_t *person = cmd_person (ctx);
    if (person && person->caller.role == ROLE_HOST_SUPERVISOR) {
        l->by_host = true;
        snprintf (l->host, sizeof l->host, "%s", person->host);
    }
    page_init (&l->page, body);
    return l;
}

//  Scans table from the page asked for; the reply's items under key.
static int
s_list_run (cmd_ctx_t *ctx, list_t *l, const store_table_t *table, store_each_fn *each,
            const char *key)
{
    size_t flen;
    const char *from = page_from (&l->page, &flen);
    int rc = store_scan (l->tx, table, from, flen, NULL, 0, each, l);
    if (rc == 0)
        page_finish (&l->page, cmd_reply (ctx), key);
    page_destroy (&l->page);
    free (l);
    return rc ? cmd_store_fail (ctx) : 0;
}

//  Whether the item is past the page asked for and the page has room:
//  0 add it, 1 stop, -1 skip it.
static int
s_room (list_t *l, const char *id)
{
    if (page_before (&l->page, id))
        return -1;
    return page_full (&l->page) ? 1 : 0;
}

//  --------------------------------------------------------------------------
//  Hosts

static void
s_pack_host (list_t *l, const host_t *h)
{
    bool meets = true;
    for (int i = 0; i < PL_REQUIREMENTS; i++)
        meets = meets && h->requirements[i];
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", h->id);
    kv_str (&kv, "name", h->name);
    kv_str (&kv, "sector", h->sector);
    kv_bool (&kv, "client_org", h->client_org);
    kv_bool (&kv, "meets_requirements", meets);
    rec_pack_flags (&kv, "unmet", h->requirements, false, host_requirements,
                    PL_REQUIREMENTS);
    kv_pack_map (&kv, page_add (&l->page, h->id), &l->page.items, 0);
    kv_destroy (&kv);
}

static int
s_host_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    list_t *l = (list_t *) arg;
    host_t *h = &l->rec.host;
    if (rec_decode (&rec_host, val, vlen, h))
        return -1;
    if (!streq (h->office, l->office) || (l->by_host && !streq (h->id, l->host)))
        return 0;
    int room = s_room (l, h->id);
    if (room == 0)
        s_pack_host (l, h);
    return room < 0 ? 0 : room;
}

int
host_list (cmd_ctx_t *ctx)
{
    return s_list_run (ctx, s_list_new (ctx), pl_hosts, s_host_each, "hosts");
}

//  --------------------------------------------------------------------------
//  Vacancies

static void
s_pack_vacancy (list_t *l, const vacancy_t *v)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", v->id);
    kv_str (&kv, "host", v->host);
    kv_str (&kv, "function", v->function);
    kv_str (&kv, "sector", v->sector);
    kv_int (&kv, "hours_min", v->hours_min);
    kv_int (&kv, "hours_max", v->hours_max);
    kv_bool (&kv, "open", !*v->filled_by);
    if (*v->filled_by)
        kv_str (&kv, "filled_by", v->filled_by);
    kv_pack_map (&kv, page_add (&l->page, v->id), &l->page.items, 0);
    kv_destroy (&kv);
}

static int
s_vacancy_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    list_t *l = (list_t *) arg;
    vacancy_t *v = &l->rec.vacancy;
    if (rec_decode (&rec_vacancy, val, vlen, v))
        return -1;
    if (!streq (v->office, l->office) || (l->by_host && !streq (v->host, l->host))
        || (l->open >= 0 && l->open != !*v->filled_by))
        return 0;
    int room = s_room (l, v->id);
    if (room == 0)
        s_pack_vacancy (l, v);
    return room < 0 ? 0 : room;
}

int
vacancy_list (cmd_ctx_t *ctx)
{
    return s_list_run (ctx, s_list_new (ctx), pl_vacancies, s_vacancy_each, "vacancies");
}

//  --------------------------------------------------------------------------
//  Placements: what each screen needs to see what is due (an agreement
//  unsigned, nobody named, too few contacts, the end near); the names of
//  the supervisor and buddy only in placement.get.

static void
s_pack_placement (list_t *l, const placement_t *p)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", p->id);
    kv_str (&kv, "candidate", p->candidate);
    kv_str (&kv, "vacancy", p->vacancy);
    kv_str (&kv, "host", p->host);
    kv_int (&kv, "hours_per_week", p->hours);
    kv_str (&kv, "start", p->start);
    kv_str (&kv, "status", placement_statuses[p->status]);
    for (int i = 0; i < PL_AGREEMENTS; i++) {
        char key[40];
        snprintf (key, sizeof key, "signed_%s", placement_agreements[i]);
        kv_str (&kv, key, p->signed_on[i]);
    }
    kv_bool (&kv, "supervisor_named", rec_named (p->supervisor));
    kv_bool (&kv, "buddy_named", rec_named (p->buddy));
    kv_str (&kv, "started", p->started);
    kv_str (&kv, "planned_end", p->planned_end);
    kv_str (&kv, "ended", p->ended);
    if (p->outcome >= 0)
        kv_str (&kv, "outcome", placement_outcomes[p->outcome]);
    kv_uint (&kv, "contacts", p->contacts);
    kv_pack_map (&kv, page_add (&l->page, p->id), &l->page.items, 0);
    kv_destroy (&kv);
}

static int
s_placement_take (list_t *l, placement_t *p)
{
    if (!streq (p->office, l->office) || (l->by_host && !streq (p->host, l->host))
        || (l->by_candidate && !streq (p->candidate, l->candidate))
        || (l->status >= 0 && (int) p->status != l->status))
        return 0;
    int room = s_room (l, p->id);
    if (room == 0)
        s_pack_placement (l, p);
    return room < 0 ? 0 : room;
}

static int
s_placement_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    list_t *l = (list_t *) arg;
    if (rec_decode (&rec_placement, val, vlen, &l->rec.placement))
        return -1;
    return s_placement_take (l, &l->rec.placement);
}

//  Through the candidate's index: candidate NUL placement.
static int
s_by_candidate_each (const void *key, size_t klen, const void *val, size_t vlen,
                     void *arg)
{
    (void) val, (void) vlen;
    list_t *l = (list_t *) arg;
    size_t clen = strlen (l->candidate) + 1;
    char id[PL_ID_SIZE];
    if (klen <= clen || klen - clen >= sizeof id)
        return -1;
    memcpy (id, (const char *) key + clen, klen - clen);
    id[klen - clen] = 0;
    if (rec_get (l->tx, &rec_placement, id, &l->rec.placement) != 0)
        return -1;
    return s_placement_take (l, &l->rec.placement);
}

int
placement_list (cmd_ctx_t *ctx)
{
    list_t *l = s_list_new (ctx);
    if (!l->by_candidate)
        return s_list_run (ctx, l, pl_placements, s_placement_each, "placements");
    char from[2 * PL_ID_SIZE];
    size_t clen = strlen (l->candidate) + 1;
    memcpy (from, l->candidate, clen);
    size_t flen;
    const char *after = page_from (&l->page, &flen);
    if (after)
        memcpy (from + clen, after, flen);
    int rc = store_scan (l->tx, pl_by_candidate, from, clen + (after ? flen : 0), from,
                         clen, s_by_candidate_each, l);
    if (rc == 0)
        page_finish (&l->page, cmd_reply (ctx), "placements");
    page_destroy (&l->page);
    free (l);
    return rc ? cmd_store_fail (ctx) : 0;
}
