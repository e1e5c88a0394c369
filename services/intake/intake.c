/*  intake - the intake service's commands and rules.  */
#include "intake.h"

#include "candidate.h"
#include "retention.h"
#include "evlog.h"
#include "scrub.h"

#define END                                                                              \
    {                                                                                    \
        NULL, 0, false, 0, 0, 0, NULL, NULL                                              \
    }
#define REQ(n, t)                                                                        \
    {                                                                                    \
        n, t, true, 0, 0, 0, NULL, NULL                                                  \
    }
#define OPT(n, t)                                                                        \
    {                                                                                    \
        n, t, false, 0, 0, 0, NULL, NULL                                                 \
    }
#define ENUM(n, req, values)                                                             \
    {                                                                                    \
        n, F_ENUM, req, 0, 0, 0, values, NULL                                            \
    }
#define MAP(n, req, fields)                                                              \
    {                                                                                    \
        n, F_MAP, req, 0, 0, 0, NULL, fields                                             \
    }

static const field_t s_criteria_fields[] = {
    REQ ("psych_limitation", F_BOOL), REQ ("motivated", F_BOOL),
    REQ ("willing_to_train", F_BOOL), REQ ("arranges_benefits", F_BOOL),
    REQ ("seeks_paid_work", F_BOOL),  END};
static const field_t s_consent_fields[] = {REQ ("processing", F_BOOL),
                                           REQ ("evaluation_contact", F_BOOL), END};
static const field_t s_wishes_fields[] = {OPT ("function", F_LABEL),
                                          OPT ("sector", F_LABEL), END};
static const field_t s_contact_fields[] = {{"name", F_TEXT, false, 0, 0, 0, NULL, NULL},
                                           {"email", F_TEXT, false, 0, 0, 0, NULL, NULL},
                                           {"phone", F_TEXT, false, 0, 0, 0, NULL, NULL},
                                           END};

static const field_t s_register_fields[] = {
    OPT ("id", F_ID),
    {"birth_year", F_INT, true, 1900, 2199, 0, NULL, NULL},
    ENUM ("referral", true, candidate_referrals),
    ENUM ("benefit", true, candidate_benefits),
    ENUM ("treatment", true, candidate_treatments),
    MAP ("criteria", true, s_criteria_fields),
    MAP ("consent", true, s_consent_fields),
    MAP ("wishes", false, s_wishes_fields),
    MAP ("contact", false, s_contact_fields),
    REQ ("date", F_DATE),
    END};
static const field_t s_dated_fields[] = {REQ ("id", F_ID), REQ ("date", F_DATE), END};
static const field_t s_defer_fields[] = {REQ ("id", F_ID), REQ ("reason", F_LABEL),
                                         REQ ("until", F_DATE), REQ ("date", F_DATE),
                                         END};
static const field_t s_reason_fields[] = {REQ ("id", F_ID), REQ ("reason", F_LABEL),
                                          REQ ("date", F_DATE), END};
static const field_t s_stage_fields[] = {
    REQ ("id", F_ID), ENUM ("stage", true, candidate_stages),
    ENUM ("stagnation", false, candidate_stagnations), REQ ("date", F_DATE), END};
static const field_t s_id_fields[] = {REQ ("id", F_ID), END};
static const field_t s_list_fields[] = {ENUM ("status", false, candidate_statuses), END};

//  The subject index beside the candidate records: a registration's commit
//  then changes three B-trees, not four (finding 12).
#define INTAKE_INDEX "candidates"

//  "registrations" held each registration's whole body until its digest took
//  its place in the candidate record; stores written before still have it,
//  so a repeat is checked against it and candidate.erase still clears it.
static const char *const s_tables[] = {"candidates", "registrations", "contacts",
                                       RETENTION_TABLE, NULL};
//  What an erased candidate's events lose besides the id.
static const char *const s_erase_drop[] = {"birth_year", "wishes", NULL};
//  Envelope keys that do not make two registrations different.
static const char *const s_not_content[] = {"rid", "after", NULL};

//  --------------------------------------------------------------------------
//  Loading and saving

static int
s_load (cmd_ctx_t *ctx, const char *id, candidate_t *c)
{
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), "candidates", id, strlen (id), &val, &vlen);
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

static int
s_load_arg (cmd_ctx_t *ctx, candidate_t *c)
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
        kv_str (cmd_reply (ctx), "status", candidate_statuses[c->status]);
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
    c->status = ST_REGISTERED;
    candidate_assess (c);
}

static void
s_register_reply (cmd_ctx_t *ctx, const candidate_t *c)
{
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", c->id);
    kv_str (reply, "status", candidate_statuses[c->status]);
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
    int rc =
        store_put (cmd_tx (ctx), "contacts", c->id, strlen (c->id), buf.data, buf.size);
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
    if (store_get (cmd_tx (ctx), "registrations", c->id, strlen (c->id), &stored, &size))
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

static int
s_register (cmd_ctx_t *ctx)
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
    int rc = store_get (cmd_tx (ctx), "candidates", c.id, strlen (c.id), &stored, &size);
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

static int
s_info_session (cmd_ctx_t *ctx)
{
    candidate_t c;
    char date[11];
    if (s_load_arg (ctx, &c) || s_check_date (ctx, &c, date))
        return -1;
    if (*c.info_session)
        return cmd_fail (ctx, ERR_CONFLICT, "id", "info session already recorded on %s",
                         c.info_session);
    if (c.status != ST_REGISTERED && c.status != ST_DEFERRED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate is %s",
                         candidate_statuses[c.status]);
    snprintf (c.info_session, sizeof c.info_session, "%s", date);
    if (c.status == ST_REGISTERED) {
        c.status = ST_INFO_SESSION_ATTENDED;
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
    if (c->status == ST_ADMITTED || c->status == ST_DECLINED || c->status == ST_WITHDRAWN)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate is already %s",
                         candidate_statuses[c->status]);
    if (!c->eligible)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate is not eligible");
    if (!*c->info_session)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id",
                         "candidate has not attended an info session");
    if (c->status == ST_DEFERRED && strcmp (date, c->until) < 0)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "date",
                         "candidate is deferred until %s", c->until);
    //  Still mainly in treatment: defer with a date for a new chance first.
    if (c->treatment == 0 && c->status != ST_DEFERRED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "treatment",
                         "candidate is still mainly in treatment: defer with a date");
    return 0;
}

static int
s_admit (cmd_ctx_t *ctx)
{
    candidate_t c;
    char date[11];
    if (s_load_arg (ctx, &c) || s_check_date (ctx, &c, date)
        || s_admission_blocked (ctx, &c, date))
        return -1;
    c.status = ST_ADMITTED;
    snprintf (c.admitted, sizeof c.admitted, "%s", date);
    snprintf (c.status_date, sizeof c.status_date, "%s", date);
    if (s_save (ctx, &c))
        return -1;
    return s_emit_simple (ctx, "candidate.admitted", &c, date, NULL);
}

//  Moves to a closing status with a reason: defer, decline or withdraw.
static int
s_close (cmd_ctx_t *ctx, status_t to, const char *type, unsigned allowed)
{
    candidate_t c;
    char date[11];
    if (s_load_arg (ctx, &c) || s_check_date (ctx, &c, date))
        return -1;
    if (!(allowed & (1u << c.status)))
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate is %s",
                         candidate_statuses[c.status]);
    const msgpack_object *body = cmd_body (ctx);
    map_str (body, "reason", c.reason, sizeof c.reason);
    map_str (body, "until", c.until, sizeof c.until);
    if (to == ST_DEFERRED && strcmp (c.until, date) <= 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "until", "until must be after date");
    c.status = to;
    snprintf (c.status_date, sizeof c.status_date, "%s", date);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "reason", c.reason);
    if (to == ST_DEFERRED)
        kv_str (&f, "until", c.until);
    int rc = s_save (ctx, &c) ? -1 : s_emit_simple (ctx, type, &c, date, &f);
    kv_destroy (&f);
    if (rc == 0 && (to == ST_DECLINED || to == ST_WITHDRAWN)
        && retention_mark_ended (cmd_tx (ctx), c.id))
        return cmd_store_fail (ctx);
    return rc;
}

#define OPEN_STATES                                                                      \
    ((1u << ST_REGISTERED) | (1u << ST_INFO_SESSION_ATTENDED) | (1u << ST_DEFERRED))

static int
s_defer (cmd_ctx_t *ctx)
{
    return s_close (ctx, ST_DEFERRED, "candidate.deferred", OPEN_STATES);
}

static int
s_decline (cmd_ctx_t *ctx)
{
    return s_close (ctx, ST_DECLINED, "candidate.declined", OPEN_STATES);
}

static int
s_withdraw (cmd_ctx_t *ctx)
{
    return s_close (ctx, ST_WITHDRAWN, "candidate.withdrawn",
                    OPEN_STATES | (1u << ST_ADMITTED));
}

static int
s_assess_stage (cmd_ctx_t *ctx)
{
    candidate_t c;
    char date[11];
    if (s_load_arg (ctx, &c) || s_check_date (ctx, &c, date))
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

//  --------------------------------------------------------------------------
//  Erasure and queries

static int
s_erase (cmd_ctx_t *ctx)
{
    candidate_t c;
    if (s_load_arg (ctx, &c))
        return -1;
    store_tx_t *tx = cmd_tx (ctx);
    char token[SCRUB_TOKEN_SIZE];
    scrub_token (token);
    size_t len = strlen (c.id);
    if (store_del (tx, "candidates", c.id, len)
        || store_del (tx, "registrations", c.id, len)
        || store_del (tx, "contacts", c.id, len) || retention_forget (tx, c.id)
        || evlog_pseudonymise (tx, INTAKE_INDEX, c.id, token, s_erase_drop)
        || cmd_forget (ctx, c.id, token))
        return cmd_store_fail (ctx);
    //  Followers need the id once, to remove their own records of it; the
    //  event names it as its subject so that candidate.erase_complete can
    //  take it out once every follower is done (opstap erase-status).
    kv_t f;
    kv_init (&f);
    kv_str (&f, "candidate", c.id);
    kv_str (&f, "token", token);
    int rc = cmd_emit (ctx, "candidate.erased", NULL, c.id, &f);
    kv_destroy (&f);
    return rc;
}

//  The last step of an erasure: the candidate.erased event keeps its token
//  and loses the id. Asked for by opstap erase-status --complete once no
//  follower holds the id any more.
static int
s_erase_complete (cmd_ctx_t *ctx)
{
    char id[CODEC_ID_MAX + 1];
    map_str (cmd_body (ctx), "id", id, sizeof id);
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), "candidates", id, strlen (id), &val, &vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate %s is not erased",
                         id);
    static const char *const drop[] = {"candidate", NULL};
    if (evlog_pseudonymise (cmd_tx (ctx), INTAKE_INDEX, id, "-", drop)
        || cmd_forget (ctx, id, "-"))
        return cmd_store_fail (ctx);
    return 0;
}

static int
s_get (cmd_ctx_t *ctx)
{
    candidate_t c;
    if (s_load_arg (ctx, &c))
        return -1;
    kv_t *reply = cmd_reply (ctx);
    candidate_describe (&c, reply);
    msgpack_packer *pk = kv_key (reply, "wishes");
    msgpack_pack_map (pk, 2);
    pk_kv_str (pk, "function", c.wish_function);
    pk_kv_str (pk, "sector", c.wish_sector);
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), "contacts", c.id, strlen (c.id), &val, &vlen);
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
    if (!service_record_key (key, klen))
        return 0;
    candidate_t c;
    if (candidate_unpack (&c, val, vlen) != 0)
        return -1;
    if (strcmp (c.office, list->office) != 0
        || (list->status >= 0 && (int) c.status != list->status))
        return 0;
    msgpack_pack_map (&list->pk, 3);
    pk_kv_str (&list->pk, "id", c.id);
    pk_kv_str (&list->pk, "status", candidate_statuses[c.status]);
    pk_kv_bool (&list->pk, "eligible", c.eligible);
    list->count++;
    return 0;
}

static int
s_list (cmd_ctx_t *ctx)
{
    list_t list = {cmd_office (ctx),
                   map_enum (cmd_body (ctx), "status", candidate_statuses),
                   0,
                   {0, NULL, 0},
                   {NULL, NULL}};
    msgpack_sbuffer_init (&list.items);
    msgpack_packer_init (&list.pk, &list.items, msgpack_sbuffer_write);
    int rc = store_scan (cmd_tx (ctx), "candidates", NULL, 0, NULL, 0, s_list_one, &list);
    if (rc == 0) {
        kv_t *reply = cmd_reply (ctx);
        kv_uint (reply, "count", list.count);
        msgpack_pack_array (kv_key (reply, "candidates"), list.count);
        msgpack_sbuffer_write (&reply->buf, list.items.data, list.items.size);
    }
    msgpack_sbuffer_destroy (&list.items);
    return rc ? cmd_store_fail (ctx) : 0;
}

//  --------------------------------------------------------------------------

static const command_t s_commands[] = {
    {"candidate.register", s_register_fields, s_register, false, false},
    {"candidate.info_session", s_dated_fields, s_info_session, false, false},
    {"candidate.admit", s_dated_fields, s_admit, false, false},
    {"candidate.defer", s_defer_fields, s_defer, false, false},
    {"candidate.decline", s_reason_fields, s_decline, false, false},
    {"candidate.withdraw", s_reason_fields, s_withdraw, false, false},
    {"candidate.assess_stage", s_stage_fields, s_assess_stage, false, false},
    {"candidate.erase", s_id_fields, s_erase, false, false},
    {"candidate.erase_complete", s_id_fields, s_erase_complete, false, true},
    {"candidate.get", s_id_fields, s_get, true, false},
    {"candidate.list", s_list_fields, s_list, true, false},
    {NULL, NULL, NULL, false, false}};

static const service_def_t s_intake = {.service = "intake",
                                       .tables = s_tables,
                                       .commands = s_commands,
                                       .due = retention_due,
                                       .index = INTAKE_INDEX,
                                       .subject = "id"};

const service_def_t *
intake_service (void)
{
    return &s_intake;
}
