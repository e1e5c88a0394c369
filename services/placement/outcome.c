/*  outcome - the end of a placement and, when it led to one, the paid job.
    The paid job is its own record (paid_jobs) and its own event
    (paid_job.recorded), so work-experience placements and paid work are
    never counted as one another.  */
#include "handlers.h"
#include "records.h"

//  Frees the vacancy and the candidate of a placement that ends.
static int
s_release (cmd_ctx_t *ctx, const placement_t *p)
{
    store_tx_t *tx = cmd_tx (ctx);
    vacancy_t v;
    known_t c;
    int rc = rec_get (tx, &rec_vacancy, p->vacancy, &v);
    if (rc == 0 && strcmp (v.filled_by, p->id) == 0) {
        v.filled_by[0] = 0;
        rc = rec_put (tx, &rec_vacancy, &v);
    }
    int known = rc < 0 ? -1 : rec_get (tx, &rec_known, p->candidate, &c);
    if (known == 0 && strcmp (c.active, p->id) == 0) {
        c.active[0] = 0;
        known = rec_put (tx, &rec_known, &c);
    }
    return rc < 0 || known < 0 ? cmd_store_fail (ctx) : 0;
}

//  outcome paid_job comes with its paid_job, and only it does.
static int
s_check_outcome (cmd_ctx_t *ctx, int outcome)
{
    bool has_job = map_has (cmd_body (ctx), "paid_job");
    if (outcome == OUTCOME_PAID_JOB && !has_job)
        return cmd_fail (
            ctx, ERR_INVALID_ARGUMENT, "paid_job",
            "outcome paid_job needs paid_job {employer_kind, hours, contract}");
    if (outcome != OUTCOME_PAID_JOB && has_job)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "paid_job",
                         "paid_job goes only with outcome paid_job");
    return 0;
}

static int
s_emit_ended (cmd_ctx_t *ctx, const placement_t *p)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "vacancy", p->vacancy);
    kv_str (&f, "host", p->host);
    kv_str (&f, "outcome", placement_outcomes[p->outcome]);
    kv_str (&f, "started", p->started);
    kv_str (&f, "planned_end", p->planned_end);
    kv_int (&f, "days", rec_days (p->started, p->ended));
    kv_int (&f, "hours_per_week", p->hours);
    kv_uint (&f, "contacts", p->contacts);
    int rc = placement_emit (ctx, "placement.ended", p, p->ended, &f);
    kv_destroy (&f);
    return rc;
}

//  The paid job's facts: the kind of employer and contract, hours a week,
//  and how long after the placement's start it came.
static void
s_job_fields (cmd_ctx_t *ctx, const placement_t *p, kv_t *f)
{
    const msgpack_object *job = obj_get (cmd_body (ctx), "paid_job");
    kv_str (f, "host", p->host);
    kv_str (f, "employer_kind",
            paid_job_employer_kinds[map_enum (job, "employer_kind",
                                              paid_job_employer_kinds)]);
    kv_int (f, "hours", map_int (job, "hours", 0));
    kv_str (f, "contract",
            paid_job_contracts[map_enum (job, "contract", paid_job_contracts)]);
    kv_str (f, "started", p->started);
    kv_int (f, "days_from_start", rec_days (p->started, p->ended));
}

static int
s_record_job (cmd_ctx_t *ctx, const placement_t *p)
{
    kv_t facts, record;
    kv_init (&facts);
    kv_init (&record);
    s_job_fields (ctx, p, &facts);
    kv_str (&record, "placement", p->id);
    kv_str (&record, "candidate", p->candidate);
    kv_str (&record, "office", p->office);
    kv_str (&record, "date", p->ended);
    kv_merge (&record, &facts);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    kv_pack_map (&record, &pk, &buf, 0);
    int rc =
        store_put (cmd_tx (ctx), pl_paid_jobs, p->id, strlen (p->id), buf.data, buf.size)
            ? cmd_store_fail (ctx)
            : placement_emit (ctx, "paid_job.recorded", p, p->ended, &facts);
    if (rc == 0) {
        msgpack_packer *reply = kv_key (cmd_reply (ctx), "paid_job");
        msgpack_pack_map (reply, facts.count);
        msgpack_sbuffer_write (&cmd_reply (ctx)->buf, facts.buf.data, facts.buf.size);
    }
    msgpack_sbuffer_destroy (&buf);
    kv_destroy (&record);
    kv_destroy (&facts);
    return rc;
}

int
placement_end (cmd_ctx_t *ctx)
{
    placement_t p;
    if (placement_load_arg (ctx, &p))
        return -1;
    if (p.status != PS_STARTED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "placement %s %s", p.id,
                         p.status == PS_PROPOSED ? "has not started"
                                                 : "has already ended");
    map_str (cmd_body (ctx), "date", p.ended, sizeof p.ended);
    if (strcmp (p.ended, p.started) < 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "date",
                         "date %s is before the start on %s", p.ended, p.started);
    p.outcome = map_enum (cmd_body (ctx), "outcome", placement_outcomes);
    if (s_check_outcome (ctx, p.outcome))
        return -1;
    p.status = PS_ENDED;
    if (s_release (ctx, &p) || rec_save (ctx, &rec_placement, &p)
        || s_emit_ended (ctx, &p)
        || (p.outcome == OUTCOME_PAID_JOB && s_record_job (ctx, &p)))
        return -1;
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", p.id);
    kv_str (reply, "status", placement_statuses[p.status]);
    kv_str (reply, "outcome", placement_outcomes[p.outcome]);
    kv_int (reply, "days", rec_days (p.started, p.ended));
    return 0;
}
