/*  propose - a placement from its proposal until it starts: the proposal,
    naming the supervisor and the buddy, signing the two agreements, and
    the placement.get query.  */
#include "conditions.h"
#include "handlers.h"
#include "records.h"

//  What a placement is while proposed: its status and the conditions it
//  does not yet meet to start.
static int
s_reply (cmd_ctx_t *ctx, const placement_t *p)
{
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", p->id);
    kv_str (reply, "status", placement_statuses[p->status]);
    if (p->status != PS_PROPOSED)
        return 0;
    conditions_t unmet;
    if (conditions_check (ctx, p, &unmet))
        return -1;
    conditions_pack (&unmet, reply, "unmet");
    return 0;
}

int
placement_emit (cmd_ctx_t *ctx, const char *type, const placement_t *p, const char *date,
                const kv_t *fields)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "placement", p->id);
    kv_str (&f, "candidate", p->candidate);
    if (fields)
        kv_merge (&f, fields);
    int rc = cmd_emit (ctx, type, date, p->candidate, &f);
    kv_destroy (&f);
    return rc;
}

//  --------------------------------------------------------------------------
//  Proposal

//  People may be named later, but a name given must hold more than blanks.
static int
s_check_people (cmd_ctx_t *ctx)
{
    const char *const people[] = {"supervisor", "buddy"};
    for (int i = 0; i < 2; i++) {
        char name[PL_TEXT_SIZE];
        if (map_has (cmd_body (ctx), people[i])
            && !rec_named (map_str (cmd_body (ctx), people[i], name, sizeof name)))
            return cmd_fail (ctx, ERR_INVALID_ARGUMENT, people[i], "%s must not be blank",
                             people[i]);
    }
    return 0;
}

//  Proposing needs an admitted candidate and hours within the vacancy's
//  range (12-24 is the schema's).
static int
s_proposable (cmd_ctx_t *ctx, const placement_t *p, vacancy_t *v)
{
    known_t c;
    if (rec_load (ctx, &rec_known, p->candidate, "candidate", &c))
        return -1;
    if (c.status != CS_ADMITTED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "candidate",
                         "candidate %s is %s, not admitted", c.id,
                         intake_status_name (c.status));
    if (rec_load (ctx, &rec_vacancy, p->vacancy, "vacancy", v))
        return -1;
    if (p->hours < v->hours_min || p->hours > v->hours_max)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "hours_per_week",
                         "hours_per_week %d is outside the vacancy's range %d-%d",
                         p->hours, v->hours_min, v->hours_max);
    return 0;
}

static void
s_from_body (placement_t *p, const msgpack_object *body, const char *office)
{
    snprintf (p->office, sizeof p->office, "%s", office);
    map_str (body, "candidate", p->candidate, sizeof p->candidate);
    map_str (body, "vacancy", p->vacancy, sizeof p->vacancy);
    p->hours = (int) map_int (body, "hours_per_week", 0);
    map_str (body, "start", p->start, sizeof p->start);
    map_str (body, "date", p->proposed, sizeof p->proposed);
    map_str (body, "supervisor", p->supervisor, sizeof p->supervisor);
    map_str (body, "buddy", p->buddy, sizeof p->buddy);
    p->status = PS_PROPOSED;
    p->outcome = -1;
}

static int
s_index (cmd_ctx_t *ctx, const placement_t *p)
{
    char key[2 * PL_ID_SIZE];
    size_t clen = strlen (p->candidate);
    memcpy (key, p->candidate, clen + 1);
    memcpy (key + clen + 1, p->id, strlen (p->id));
    size_t klen = clen + 1 + strlen (p->id);
    return store_put (cmd_tx (ctx), pl_by_candidate, key, klen, "", 0)
               ? cmd_store_fail (ctx)
               : 0;
}

static int
s_emit_proposed (cmd_ctx_t *ctx, const placement_t *p)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "vacancy", p->vacancy);
    kv_str (&f, "host", p->host);
    kv_int (&f, "hours_per_week", p->hours);
    kv_str (&f, "start", p->start);
    kv_bool (&f, "supervisor_named", rec_named (p->supervisor));
    kv_bool (&f, "buddy_named", rec_named (p->buddy));
    int rc = placement_emit (ctx, "placement.proposed", p,
                             *p->proposed ? p->proposed : NULL, &f);
    kv_destroy (&f);
    return rc;
}

int
placement_propose (cmd_ctx_t *ctx)
{
    placement_t p;
    memset (&p, 0, sizeof p);
    if (s_check_people (ctx))
        return -1;
    rec_new_id (ctx, "p", p.id);
    int created = rec_created (ctx, &rec_placement, p.id);
    if (created < 0)
        return -1;
    if (created == 1)
        return rec_load (ctx, &rec_placement, p.id, "id", &p) ? -1 : s_reply (ctx, &p);
    s_from_body (&p, cmd_body (ctx), cmd_office (ctx));
    vacancy_t v;
    if (s_proposable (ctx, &p, &v))
        return -1;
    snprintf (p.host, sizeof p.host, "%s", v.host);
    if (rec_save (ctx, &rec_placement, &p) || rec_remember (ctx, &rec_placement, p.id)
        || s_index (ctx, &p) || s_emit_proposed (ctx, &p))
        return -1;
    return s_reply (ctx, &p);
}

//  --------------------------------------------------------------------------
//  Supervisor and buddy, agreements

int
placement_load_arg (cmd_ctx_t *ctx, placement_t *p)
{
    char id[PL_ID_SIZE];
    return rec_load (ctx, &rec_placement, map_str (cmd_body (ctx), "id", id, sizeof id),
                     "id", p);
}

//  Names the work supervisor or the buddy after the proposal (or a new one
//  while the placement runs).
int
placement_name (cmd_ctx_t *ctx)
{
    placement_t p;
    if (placement_load_arg (ctx, &p))
        return -1;
    const msgpack_object *body = cmd_body (ctx);
    if (!map_has (body, "supervisor") && !map_has (body, "buddy"))
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "supervisor",
                         "name a supervisor, a buddy or both");
    if (s_check_people (ctx))
        return -1;
    if (p.status == PS_ENDED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "placement %s has ended",
                         p.id);
    if (map_has (body, "supervisor"))
        map_str (body, "supervisor", p.supervisor, sizeof p.supervisor);
    if (map_has (body, "buddy"))
        map_str (body, "buddy", p.buddy, sizeof p.buddy);
    char date[11];
    kv_t f;
    kv_init (&f);
    kv_bool (&f, "supervisor_named", rec_named (p.supervisor));
    kv_bool (&f, "buddy_named", rec_named (p.buddy));
    int rc = rec_save (ctx, &rec_placement, &p)
             || placement_emit (ctx, "placement.named", &p, rec_date (ctx, date), &f);
    kv_destroy (&f);
    return rc ? -1 : s_reply (ctx, &p);
}

int
placement_sign (cmd_ctx_t *ctx)
{
    placement_t p;
    if (placement_load_arg (ctx, &p))
        return -1;
    const msgpack_object *body = cmd_body (ctx);
    int agreement = map_enum (body, "agreement", placement_agreements);
    if (*p.signed_on[agreement])
        return cmd_fail (ctx, ERR_CONFLICT, "agreement", "agreement %s was signed on %s",
                         placement_agreements[agreement], p.signed_on[agreement]);
    map_str (body, "date", p.signed_on[agreement], sizeof p.signed_on[agreement]);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "agreement", placement_agreements[agreement]);
    kv_bool (&f, "both_signed", *p.signed_on[0] && *p.signed_on[1]);
    int rc = rec_save (ctx, &rec_placement, &p)
             || placement_emit (ctx, "placement.signed", &p, p.signed_on[agreement], &f);
    kv_destroy (&f);
    if (rc == 0)
        kv_str (cmd_reply (ctx), "agreement", placement_agreements[agreement]);
    return rc ? -1 : s_reply (ctx, &p);
}

//  --------------------------------------------------------------------------
//  Query

typedef struct {
    uint32_t count;
    msgpack_sbuffer items;
    msgpack_packer pk;
} contacts_t;

static int
s_contact_one (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    contacts_t *list = (contacts_t *) arg;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    if (!msg)
        return -1;
    msgpack_pack_object (&list->pk, *msg_root (msg));
    list->count++;
    msg_destroy (&msg);
    return 0;
}

//  The supervisor contacts in date order.
static int
s_get_contacts (cmd_ctx_t *ctx, const placement_t *p)
{
    contacts_t list = {0, {0, NULL, 0}, {NULL, NULL}};
    msgpack_sbuffer_init (&list.items);
    msgpack_packer_init (&list.pk, &list.items, msgpack_sbuffer_write);
    int rc = store_scan (cmd_tx (ctx), pl_contacts, NULL, 0, p->id, strlen (p->id) + 1,
                         s_contact_one, &list);
    if (rc == 0) {
        kv_t *reply = cmd_reply (ctx);
        msgpack_pack_array (kv_key (reply, "contact_list"), list.count);
        msgpack_sbuffer_write (&reply->buf, list.items.data, list.items.size);
    }
    msgpack_sbuffer_destroy (&list.items);
    return rc ? cmd_store_fail (ctx) : 0;
}

static int
s_get_paid_job (cmd_ctx_t *ctx, const placement_t *p)
{
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), pl_paid_jobs, p->id, strlen (p->id), &val, &vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    oerr_t err;
    msg_t *job = rc == 0 ? msg_decode (val, vlen, &err) : NULL;
    if (job)
        kv_obj (cmd_reply (ctx), "paid_job", msg_root (job));
    msg_destroy (&job);
    return 0;
}

static void
s_describe (kv_t *reply, const placement_t *p)
{
    kv_str (reply, "candidate", p->candidate);
    kv_str (reply, "vacancy", p->vacancy);
    kv_str (reply, "host", p->host);
    kv_int (reply, "hours_per_week", p->hours);
    kv_str (reply, "start", p->start);
    kv_str (reply, "supervisor", p->supervisor);
    kv_str (reply, "buddy", p->buddy);
    for (int i = 0; i < PL_AGREEMENTS; i++) {
        char key[40];
        snprintf (key, sizeof key, "signed_%s", placement_agreements[i]);
        kv_str (reply, key, p->signed_on[i]);
    }
    kv_str (reply, "started", p->started);
    kv_str (reply, "planned_end", p->planned_end);
    kv_str (reply, "ended", p->ended);
    if (p->outcome >= 0)
        kv_str (reply, "outcome", placement_outcomes[p->outcome]);
    kv_uint (reply, "contacts", p->contacts);
}

int
placement_get (cmd_ctx_t *ctx)
{
    placement_t p;
    if (placement_load_arg (ctx, &p) || s_reply (ctx, &p))
        return -1;
    s_describe (cmd_reply (ctx), &p);
    return s_get_contacts (ctx, &p) || s_get_paid_job (ctx, &p) ? -1 : 0;
}
