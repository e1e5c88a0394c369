/*  lifecycle - a placement from its start to its end: supervisor contacts,
    extension, and the outcome. A paid job found at the end is a record and
    an event of its own (paid_jobs, paid_job.recorded): the work-experience
    placement and the job it led to are never mixed.  */
#include "conditions.h"
#include "handlers.h"
#include "records.h"

//  A started placement holds its vacancy and its candidate until it ends
//  (the start conditions made sure both were free).
static int
s_occupy (cmd_ctx_t *ctx, const placement_t *p)
{
    store_tx_t *tx = cmd_tx (ctx);
    vacancy_t v;
    known_t c;
    int rc = rec_get (tx, &rec_vacancy, p->vacancy, &v);
    if (rc == 0) {
        snprintf (v.filled_by, sizeof v.filled_by, "%s", p->id);
        rc = rec_put (tx, &rec_vacancy, &v);
    }
    if (rc == 0)
        rc = rec_get (tx, &rec_known, p->candidate, &c);
    if (rc == 0) {
        snprintf (c.active, sizeof c.active, "%s", p->id);
        rc = rec_put (tx, &rec_known, &c);
    }
    return rc ? cmd_store_fail (ctx) : 0;
}

//  Contacts, extension and end need a placement that has started.
static int
s_require_started (cmd_ctx_t *ctx, const placement_t *p, bool may_have_ended)
{
    if (p->status == PS_PROPOSED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id",
                         "placement %s has not started", p->id);
    if (p->status == PS_ENDED && !may_have_ended)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "placement %s ended on %s",
                         p->id, p->ended);
    return 0;
}

//  A dated step of a started placement may not precede its start.
static int
s_check_date (cmd_ctx_t *ctx, const placement_t *p, char date[11])
{
    map_str (cmd_body (ctx), "date", date, 11);
    if (strcmp (date, p->started) < 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "date",
                         "date %s is before the start on %s", date, p->started);
    return 0;
}

//  --------------------------------------------------------------------------
//  Start

static int
s_emit_started (cmd_ctx_t *ctx, const placement_t *p)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "vacancy", p->vacancy);
    kv_str (&f, "host", p->host);
    kv_int (&f, "hours_per_week", p->hours);
    kv_str (&f, "planned_end", p->planned_end);
    int rc = placement_emit (ctx, "placement.started", p, p->started, &f);
    kv_destroy (&f);
    return rc;
}

int
placement_start (cmd_ctx_t *ctx)
{
    placement_t p;
    if (placement_load_arg (ctx, &p))
        return -1;
    if (p.status != PS_PROPOSED)
        return cmd_fail (
            ctx, ERR_FAILED_PRECONDITION, "id", "placement %s already %s on %s", p.id,
            placement_statuses[p.status], p.status == PS_STARTED ? p.started : p.ended);
    conditions_t unmet;
    if (conditions_check (ctx, &p, &unmet))
        return -1;
    if (unmet.count) {
        char message[512];
        conditions_message (&unmet, message, sizeof message);
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, unmet.code[0], "%s", message);
    }
    map_str (cmd_body (ctx), "date", p.started, sizeof p.started);
    rec_year_later (p.started, p.planned_end);
    p.status = PS_STARTED;
    if (s_occupy (ctx, &p) || rec_save (ctx, &rec_placement, &p)
        || s_emit_started (ctx, &p))
        return -1;
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", p.id);
    kv_str (reply, "status", placement_statuses[p.status]);
    kv_str (reply, "started", p.started);
    kv_str (reply, "planned_end", p.planned_end);
    return 0;
}

//  --------------------------------------------------------------------------
//  Supervisor contacts and extension

//  One contact per placement, day and person: a repeat is a double entry.
static int
s_store_contact (cmd_ctx_t *ctx, const placement_t *p, const char *with, const char *date)
{
    char key[PL_ID_SIZE + 32];
    size_t klen =
        (size_t) snprintf (key, sizeof key, "%s%c%s%c%s", p->id, 0, date, 0, with);
    int rc = store_get (cmd_tx (ctx), pl_contacts, key, klen, NULL, NULL);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0)
        return cmd_fail (ctx, ERR_CONFLICT, "date",
                         "a contact with the %s on %s is recorded", with, date);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "with", with);
    kv_str (&f, "date", date);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    kv_pack_map (&f, &pk, &buf, 0);
    rc = store_put (cmd_tx (ctx), pl_contacts, key, klen, buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    kv_destroy (&f);
    return rc ? cmd_store_fail (ctx) : 0;
}

int
placement_contact (cmd_ctx_t *ctx)
{
    placement_t p;
    char date[11];
    if (placement_load_arg (ctx, &p) || s_require_started (ctx, &p, false)
        || s_check_date (ctx, &p, date))
        return -1;
    const char *with =
        placement_contact_with[map_enum (cmd_body (ctx), "with", placement_contact_with)];
    if (s_store_contact (ctx, &p, with, date))
        return -1;
    p.contacts++;
    kv_t f;
    kv_init (&f);
    kv_str (&f, "with", with);
    kv_uint (&f, "contacts", p.contacts);
    int rc = rec_save (ctx, &rec_placement, &p)
             || placement_emit (ctx, "placement.contacted", &p, date, &f);
    kv_destroy (&f);
    kv_str (cmd_reply (ctx), "id", p.id);
    kv_uint (cmd_reply (ctx), "contacts", p.contacts);
    return rc ? -1 : 0;
}

int
placement_extend (cmd_ctx_t *ctx)
{
    placement_t p;
    if (placement_load_arg (ctx, &p) || s_require_started (ctx, &p, false))
        return -1;
    char until[11], previous[11], date[11];
    map_str (cmd_body (ctx), "until", until, sizeof until);
    if (strcmp (until, p.planned_end) <= 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "until",
                         "until %s is not after the planned end %s", until,
                         p.planned_end);
    snprintf (previous, sizeof previous, "%s", p.planned_end);
    snprintf (p.planned_end, sizeof p.planned_end, "%s", until);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "until", until);
    kv_str (&f, "previous_end", previous);
    int rc = rec_save (ctx, &rec_placement, &p)
             || placement_emit (ctx, "placement.extended", &p, rec_date (ctx, date), &f);
    kv_destroy (&f);
    kv_str (cmd_reply (ctx), "id", p.id);
    kv_str (cmd_reply (ctx), "planned_end", p.planned_end);
    return rc ? -1 : 0;
}
