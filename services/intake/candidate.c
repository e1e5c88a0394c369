/*  candidate - the intake service's handlers of a candidate's registration
    and lifecycle, and the queries that read them.  */
#include "handlers.h"

#include "retention.h"
#include "rids.h"

//  Envelope keys that do not make two registrations different.
static const char *const s_not_content[] = {"rid", "after", NULL};

//  --------------------------------------------------------------------------
//  Loading and saving

static int
s_load (cmd_ctx_t *ctx, const char *id, candidate_t *c)
{
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), intake_candidates, id, strlen (id), &val, &vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0 && candidate_unpack (c, val, vlen) != 0)
        return cmd_fail (ctx, ERR_INTERNAL, "id", "stored candidate %s is unreadable",
                         id);
    //  Another office's candidate does not exist for this caller.
    if (rc == 1 || strcmp (c->office, cmd_office (ctx)) != 0)
        return cmd_fail (ctx, ERR_NOT_FOUND, "id", "no candidate %s at office %s", id,
                         cmd_office (ctx));
    return 0;
}

static int
s_save (cmd_ctx_t *ctx, const candidate_t *c)
{
    return candidate_store (c, cmd_tx (ctx)) ? cmd_store_fail (ctx) : 0;
}

int
candidate_load (cmd_ctx_t *ctx, candidate_t *c)
{
    char id[CODEC_ID_MAX + 1];
    return s_load (ctx, map_str (cmd_body (ctx), "id", id, sizeof id), c);
}

//  A transition's date may not precede the registration.
static int
s_check_date (cmd_ctx_t *ctx, const candidate_t *c, char date[11])
{
    map_str (cmd_body (ctx), "date", date, 11);
    if (strcmp (date, c->registered) < 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "date",
                         "date %s is before the registration on %s", date, c->registered);
    return 0;
}

static int
s_emit_simple (cmd_ctx_t *ctx, const char *type, const candidate_t *c, const char *date,
               kv_t *fields)
{
    kv_t own;
    kv_init (&own);
    kv_str (&own, "candidate", c->id);
    if (fields)
        kv_merge (&own, fields);
    int rc = cmd_emit (ctx, type, date, c->id, &own);
    kv_destroy (&own);
    if (rc == 0) {
        kv_str (cmd_reply (ctx), "id", c->id);
        kv_str (cmd_reply (ctx), "status", intake_status_name (c->status));
    }
    return rc;
}

//  --------------------------------------------------------------------------
//  Registration

static void
s_from_body (candidate_t *c, const msgpack_object *body, const char *office)
{
    snprintf (c->office, sizeof c->office, "%s", office);
    c->birth_year = (int) map_int (body, "birth_year", 0);
    c->referral = map_enum (body, "referral", candidate_referrals);
    c->benefit = map_enum (body, "benefit", candidate_benefits);
    c->treatment = map_enum (body, "treatment", candidate_treatments);
    const msgpack_object *criteria = obj_get (body, "criteria");
    for (int i = 0; i < CANDIDATE_CRITERIA; i++)
        c->criteria[i] = map_bool (criteria, candidate_criteria[i], false);
    c->consent_evaluation =
        map_bool (obj_get (body, "consent"), "evaluation_contact", false);
    const msgpack_object *wishes = obj_get (body, "wishes");
    map_str (wishes, "function", c->wish_function, sizeof c->wish_function);
    map_str (wishes, "sector", c->wish_sector, sizeof c->wish_sector);
    map_str (body, "date", c->registered, sizeof c->registered);
    snprintf (c->status_date, sizeof c->status_date, "%s", c->registered);
    c->status = CS_REGISTERED;
    candidate_assess (c);
}

static void
s_register_reply (cmd_ctx_t *ctx, const candidate_t *c)
{
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", c->id);
    kv_str (reply, "status", intake_status_name (c->status));
    kv_bool (reply, "eligible", c->eligible);
    candidate_reasons (c, reply, "reasons");
    if (c->treatment == 0)
        kv_str (reply, "contra_indication", "in_treatment");
}

static int
s_emit_registered (cmd_ctx_t *ctx, const candidate_t *c)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "candidate", c->id);
    kv_int (&f, "birth_year", c->birth_year);
    kv_str (&f, "referral", candidate_referrals[c->referral]);
    kv_str (&f, "benefit", candidate_benefits[c->benefit]);
    kv_str (&f, "treatment", candidate_treatments[c->treatment]);
    kv_bool (&f, "eligible", c->eligible);
    candidate_reasons (c, &f, "reasons");
    kv_bool (&f, "evaluation_contact", c->consent_evaluation);
    msgpack_packer *pk = kv_key (&f, "wishes");
    msgpack_pack_map (pk, 2);
    pk_kv_str (pk, "function", c->wish_function);
    pk_kv_str (pk, "sector", c->wish_sector);
    int rc = cmd_emit (ctx, "candidate.registered", c->registered, c->id, &f);
    kv_destroy (&f);
    return rc;
}

//  The contact details, in their own table: only candidate.get reads it.
static int
s_store_contact (cmd_ctx_t *ctx, const candidate_t *c)
{
    const msgpack_object *contact = obj_get (cmd_body (ctx), "contact");
    if (!contact || contact->type != MSGPACK_OBJECT_MAP)
        return 0;
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_object (&pk, *contact);
    int rc = store_put (cmd_tx (ctx), intake_contacts, c->id, strlen (c->id), buf.data,
                        buf.size);
    msgpack_sbuffer_destroy (&buf);
    return rc ? cmd_store_fail (ctx) : 0;
}

//  Whether the body repeats the registration stored as c: by its digest, or
//  (a store written before digests were kept) by the body stored then.
static bool
s_same_registration (cmd_ctx_t *ctx, const candidate_t *c)
{
    if (*c->digest)
        return obj_digest_is (cmd_body (ctx), s_not_content, c->digest);
    const void *stored;
    size_t size;
    if (store_get (cmd_tx (ctx), intake_registrations, c->id, strlen (c->id), &stored,
                   &size))
        return false;
    oerr_t err;
    msg_t *first = msg_decode (stored, size, &err);
    bool same = first && obj_same (msg_root (first), cmd_body (ctx), s_not_content);
    msg_destroy (&first);
    return same;
}

//  Same id again: the same registration answers as before, another is a
//  conflict.
static int
s_register_again (cmd_ctx_t *ctx, const char *id, const void *stored, size_t size)
{
    candidate_t c;
    if (candidate_unpack (&c, stored, size) != 0)
        return cmd_fail (ctx, ERR_INTERNAL, "id", "stored candidate %s is unreadable",
                         id);
    if (!streq (c.office, cmd_office (ctx)) || !s_same_registration (ctx, &c))
        return cmd_fail (ctx, ERR_CONFLICT, "id",
                         "candidate %s is already registered with other details", id);
    s_register_reply (ctx, &c);
    return 0;
}

int
candidate_register (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    if (!map_bool (obj_get (body, "consent"), "processing", false))
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "consent.processing",
                         "a candidate can only be registered with consent to processing");
    candidate_t c;
    memset (&c, 0, sizeof c);
    if (map_has (body, "id"))
        map_str (body, "id", c.id, sizeof c.id);
    else
        codec_new_id (c.id, sizeof c.id, "c");
    const void *stored;
    size_t size;
    int rc =
        store_get (cmd_tx (ctx), intake_candidates, c.id, strlen (c.id), &stored, &size);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0)
        return s_register_again (ctx, c.id, stored, size);
    s_from_body (&c, body, cmd_office (ctx));
    obj_digest (body, s_not_content, c.digest);
    if (s_save (ctx, &c) || s_store_contact (ctx, &c) || s_emit_registered (ctx, &c))
        return -1;
    if (!c.eligible && retention_mark_ended (cmd_tx (ctx), c.id))
        return cmd_store_fail (ctx);
    s_register_reply (ctx, &c);
    return 0;
}

//  --------------------------------------------------------------------------
//  Lifecycle

int
candidate_info_session (cmd_ctx_t *ctx)
{
    candidate_t c;
    char date[11];
    if (candidate_load (ctx, &c) || s_check_date (ctx, &c, date))
        return -1;
    if (*c.info_session)
        return cmd_fail (ctx, ERR_CONFLICT, "id", "info session already recorded on %s",
                         c.info_session);
    if (c.status != CS_REGISTERED && c.status != CS_DEFERRED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate is %s",
                         intake_status_name (c.status));
    snprintf (c.info_session, sizeof c.info_session, "%s", date);
    if (c.status == CS_REGISTERED) {
        c.status = CS_INFO_SESSION_ATTENDED;
        snprintf (c.status_date, sizeof c.status_date, "%s", date);
    }
    if (s_save (ctx, &c))
        return -1;
    return s_emit_simple (ctx, "candidate.info_session_attended", &c, date, NULL);
}

//  Why a candidate cannot be admitted on date, or NULL.
static int
s_admission_blocked (cmd_ctx_t *ctx, const candidate_t *c, const char *date)
{
    if (c->status == CS_ADMITTED || c->status == CS_DECLINED || c->status == CS_WITHDRAWN)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate is already %s",
                         intake_status_name (c->status));
    if (!c->eligible)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate is not eligible");
    if (!*c->info_session)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id",
                         "candidate has not attended an info session");
    if (c->status == CS_DEFERRED && strcmp (date, c->until) < 0)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "date",
                         "candidate is deferred until %s", c->until);
    //  Still mainly in treatment: defer with a date for a new chance first.
    if (c->treatment == 0 && c->status != CS_DEFERRED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "treatment",
                         "candidate is still mainly in treatment: defer with a date");
    return 0;
}

int
candidate_admit (cmd_ctx_t *ctx)
{
    candidate_t c;
    char date[11];
    if (candidate_load (ctx, &c) || s_check_date (ctx, &c, date)
        || s_admission_blocked (ctx, &c, date))
        return -1;
    c.status = CS_ADMITTED;
    snprintf (c.admitted, sizeof c.admitted, "%s", date);
    snprintf (c.status_date, sizeof c.status_date, "%s", date);
    if (s_save (ctx, &c))
        return -1;
    return s_emit_simple (ctx, "candidate.admitted", &c, date, NULL);
}

//  Moves to a closing status with a reason: defer, decline or withdraw.
static int
s_close (cmd_ctx_t *ctx, candidate_status_t to, const char *type, unsigned allowed)
{
    candidate_t c;
    char date[11];
    if (candidate_load (ctx, &c) || s_check_date (ctx, &c, date))
        return -1;
    if (!(allowed & (1u << c.status)))
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate is %s",
                         intake_status_name (c.status));
    const msgpack_object *body = cmd_body (ctx);
    map_str (body, "reason", c.reason, sizeof c.reason);
    map_str (body, "until", c.until, sizeof c.until);
    if (to == CS_DEFERRED && strcmp (c.until, date) <= 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "until", "until must be after date");
    c.status = to;
    snprintf (c.status_date, sizeof c.status_date, "%s", date);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "reason", c.reason);
    if (to == CS_DEFERRED)
        kv_str (&f, "until", c.until);
    int rc = s_save (ctx, &c) ? -1 : s_emit_simple (ctx, type, &c, date, &f);
    kv_destroy (&f);
    if (rc == 0 && (to == CS_DECLINED || to == CS_WITHDRAWN)
        && retention_mark_ended (cmd_tx (ctx), c.id))
        return cmd_store_fail (ctx);
    return rc;
}

#define OPEN_STATES                                                                      \
    ((1u << CS_REGISTERED) | (1u << CS_INFO_SESSION_ATTENDED) | (1u << CS_DEFERRED))

int
candidate_defer (cmd_ctx_t *ctx)
{
    return s_close (ctx, CS_DEFERRED, "candidate.deferred", OPEN_STATES);
}

int
candidate_decline (cmd_ctx_t *ctx)
{
    return s_close (ctx, CS_DECLINED, "candidate.declined", OPEN_STATES);
}

int
candidate_withdraw (cmd_ctx_t *ctx)
{
    return s_close (ctx, CS_WITHDRAWN, "candidate.withdrawn",
                    OPEN_STATES | (1u << CS_ADMITTED));
}

int
candidate_assess_stage (cmd_ctx_t *ctx)
{
    candidate_t c;
    char date[11];
    if (candidate_load (ctx, &c) || s_check_date (ctx, &c, date))
        return -1;
    const msgpack_object *body = cmd_body (ctx);
    int stage = map_enum (body, "stage", candidate_stages);
    int stagnation = map_enum (body, "stagnation", candidate_stagnations);
    if (stagnation >= 0 && candidate_stagnation_stage[stagnation] >= 0
        && candidate_stagnation_stage[stagnation] != stage)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "stagnation",
                         "%s belongs to stage %s", candidate_stagnations[stagnation],
                         candidate_stages[candidate_stagnation_stage[stagnation]]);
    if (c.stage_count == CANDIDATE_STAGES_MAX)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "stage history is full");
    stage_entry_t *e = &c.stages[c.stage_count++];
    e->stage = (int8_t) stage;
    e->stagnation = (int8_t) stagnation;
    snprintf (e->date, sizeof e->date, "%s", date);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "stage", candidate_stages[stage]);
    if (stagnation >= 0) {
        kv_str (&f, "stagnation", candidate_stagnations[stagnation]);
        kv_str (&f, "mechanism", candidate_mechanisms[stagnation]);
    }
    int rc = s_save (ctx, &c)
                 ? -1
                 : s_emit_simple (ctx, "candidate.stage_assessed", &c, date, &f);
    kv_destroy (&f);
    if (rc == 0 && stagnation >= 0)
        kv_str (cmd_reply (ctx), "mechanism", candidate_mechanisms[stagnation]);
    return rc;
}

int
candidate_get (cmd_ctx_t *ctx)
{
    candidate_t c;
    if (candidate_load (ctx, &c))
        return -1;
    kv_t *reply = cmd_reply (ctx);
    candidate_describe (&c, reply);
    msgpack_packer *pk = kv_key (reply, "wishes");
    msgpack_pack_map (pk, 2);
    pk_kv_str (pk, "function", c.wish_function);
    pk_kv_str (pk, "sector", c.wish_sector);
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), intake_contacts, c.id, strlen (c.id), &val, &vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    oerr_t err;
    msg_t *contact = rc == 0 ? msg_decode (val, vlen, &err) : NULL;
    if (contact)
        kv_obj (reply, "contact", msg_root (contact));
    msg_destroy (&contact);
    return 0;
}

typedef struct {
    const char *office;
    int status;
    uint32_t count;
    msgpack_sbuffer items;
    msgpack_packer pk;
} list_t;

static int
s_list_one (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    list_t *list = (list_t *) arg;
    if (!rids_record_key (key, klen))
        return 0;
    candidate_t c;
    if (candidate_unpack (&c, val, vlen) != 0)
        return -1;
    if (strcmp (c.office, list->office) != 0
        || (list->status >= 0 && (int) c.status != list->status))
        return 0;
    msgpack_pack_map (&list->pk, 3);
    pk_kv_str (&list->pk, "id", c.id);
    pk_kv_str (&list->pk, "status", intake_status_name (c.status));
    pk_kv_bool (&list->pk, "eligible", c.eligible);
    list->count++;
    return 0;
}

int
candidate_list (cmd_ctx_t *ctx)
{
    list_t list = {cmd_office (ctx),
                   map_enum (cmd_body (ctx), "status", intake_statuses),
                   0,
                   {0, NULL, 0},
                   {NULL, NULL}};
    msgpack_sbuffer_init (&list.items);
    msgpack_packer_init (&list.pk, &list.items, msgpack_sbuffer_write);
    int rc =
        store_scan (cmd_tx (ctx), intake_candidates, NULL, 0, NULL, 0, s_list_one, &list);
    if (rc == 0) {
        kv_t *reply = cmd_reply (ctx);
        kv_uint (reply, "count", list.count);
        msgpack_pack_array (kv_key (reply, "candidates"), list.count);
        msgpack_sbuffer_write (&reply->buf, list.items.data, list.items.size);
    }
    msgpack_sbuffer_destroy (&list.items);
    return rc ? cmd_store_fail (ctx) : 0;
}
