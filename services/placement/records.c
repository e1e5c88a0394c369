/*  records - the placement service's stored records.  */
#include "records.h"

STORE_TABLE (pl_candidates, "candidates");
STORE_TABLE (pl_hosts, "hosts");
STORE_TABLE (pl_vacancies, "vacancies");
STORE_TABLE (pl_placements, "placements");
STORE_TABLE (pl_by_candidate, "by_candidate");
STORE_TABLE (pl_contacts, "contacts");
STORE_TABLE (pl_paid_jobs, "paid_jobs");
STORE_TABLE (pl_originals, "originals");

#include <ctype.h>
#include <stddef.h>

const char *const host_requirements[] = {
    "one_year",         "hours_12_24", "function_profile", "onboarding",
    "fixed_supervisor", "buddy",       "allows_training",  "insured",
    "paid_job_effort",  NULL};
const char *const placement_statuses[] = {"proposed", "started", "ended", NULL};
const char *const placement_agreements[] = {"candidate_host", "programme_host", NULL};
const char *const placement_outcomes[] = {"paid_job", "completed", "continued",
                                          "ended_early", NULL};
const char *const placement_contact_with[] = {"trainer", "coordinator", NULL};
const char *const paid_job_employer_kinds[] = {
    "host", "other_employer", "social_enterprise", "self_employed", NULL};
const char *const paid_job_contracts[] = {"permanent", "temporary",     "on_call",
                                          "agency",    "self_employed", NULL};

//  Envelope keys that do not make two create commands different.
static const char *const s_not_content[] = {"rid", "after", NULL};

//  --------------------------------------------------------------------------
//  Packing, one pair of functions per kind

#define STR(map, key, rec, field) map_str (map, key, (rec)->field, sizeof (rec)->field)

static void
s_pack_known (const void *rec, kv_t *kv)
{
    const known_t *k = (const known_t *) rec;
    kv_str (kv, "id", k->id);
    kv_str (kv, "office", k->office);
    kv_int (kv, "status", k->status);
    kv_str (kv, "function", k->function);
    kv_str (kv, "sector", k->sector);
    kv_str (kv, "active", k->active);
}

static void
s_unpack_known (void *rec, const msgpack_object *m)
{
    known_t *k = (known_t *) rec;
    STR (m, "id", k, id);
    STR (m, "office", k, office);
    k->status = (int) map_int (m, "status", 0);
    if (k->status < 0 || k->status >= CS_COUNT)
        k->status = CS_REGISTERED;
    STR (m, "function", k, function);
    STR (m, "sector", k, sector);
    STR (m, "active", k, active);
}

static void
s_pack_host (const void *rec, kv_t *kv)
{
    const host_t *h = (const host_t *) rec;
    kv_str (kv, "id", h->id);
    kv_str (kv, "office", h->office);
    kv_str (kv, "name", h->name);
    kv_str (kv, "sector", h->sector);
    kv_bool (kv, "client_org", h->client_org);
    int bits = 0;
    for (int i = 0; i < PL_REQUIREMENTS; i++)
        bits |= h->requirements[i] ? 1 << i : 0;
    kv_int (kv, "requirements", bits);
}

static void
s_unpack_host (void *rec, const msgpack_object *m)
{
    host_t *h = (host_t *) rec;
    STR (m, "id", h, id);
    STR (m, "office", h, office);
    STR (m, "name", h, name);
    STR (m, "sector", h, sector);
    h->client_org = map_bool (m, "client_org", false);
    int bits = (int) map_int (m, "requirements", 0);
    for (int i = 0; i < PL_REQUIREMENTS; i++)
        h->requirements[i] = (bits >> i) & 1;
}

static void
s_pack_vacancy (const void *rec, kv_t *kv)
{
    const vacancy_t *v = (const vacancy_t *) rec;
    kv_str (kv, "id", v->id);
    kv_str (kv, "office", v->office);
    kv_str (kv, "host", v->host);
    kv_str (kv, "function", v->function);
    kv_str (kv, "sector", v->sector);
    kv_int (kv, "hours_min", v->hours_min);
    kv_int (kv, "hours_max", v->hours_max);
    kv_str (kv, "filled_by", v->filled_by);
}

static void
s_unpack_vacancy (void *rec, const msgpack_object *m)
{
    vacancy_t *v = (vacancy_t *) rec;
    STR (m, "id", v, id);
    STR (m, "office", v, office);
    STR (m, "host", v, host);
    STR (m, "function", v, function);
    STR (m, "sector", v, sector);
    v->hours_min = (int) map_int (m, "hours_min", 0);
    v->hours_max = (int) map_int (m, "hours_max", 0);
    STR (m, "filled_by", v, filled_by);
}

static void
s_pack_placement (const void *rec, kv_t *kv)
{
    const placement_t *p = (const placement_t *) rec;
    kv_str (kv, "id", p->id);
    kv_str (kv, "office", p->office);
    kv_str (kv, "candidate", p->candidate);
    kv_str (kv, "vacancy", p->vacancy);
    kv_str (kv, "host", p->host);
    kv_int (kv, "hours", p->hours);
    kv_str (kv, "start", p->start);
    kv_str (kv, "proposed", p->proposed);
    kv_str (kv, "supervisor", p->supervisor);
    kv_str (kv, "buddy", p->buddy);
    kv_int (kv, "status", p->status);
    kv_str (kv, "signed_candidate_host", p->signed_on[0]);
    kv_str (kv, "signed_programme_host", p->signed_on[1]);
    kv_str (kv, "started", p->started);
    kv_str (kv, "planned_end", p->planned_end);
    kv_str (kv, "ended", p->ended);
    kv_int (kv, "outcome", p->outcome);
    kv_uint (kv, "contacts", p->contacts);
}

static void
s_unpack_placement (void *rec, const msgpack_object *m)
{
    placement_t *p = (placement_t *) rec;
    STR (m, "id", p, id);
    STR (m, "office", p, office);
    STR (m, "candidate", p, candidate);
    STR (m, "vacancy", p, vacancy);
    STR (m, "host", p, host);
    p->hours = (int) map_int (m, "hours", 0);
    STR (m, "start", p, start);
    STR (m, "proposed", p, proposed);
    STR (m, "supervisor", p, supervisor);
    STR (m, "buddy", p, buddy);
    int64_t status = map_int (m, "status", 0);
    p->status =
        status == PS_STARTED || status == PS_ENDED ? (pstatus_t) status : PS_PROPOSED;
    STR (m, "signed_candidate_host", p, signed_on[0]);
    STR (m, "signed_programme_host", p, signed_on[1]);
    STR (m, "started", p, started);
    STR (m, "planned_end", p, planned_end);
    STR (m, "ended", p, ended);
    int64_t outcome = map_int (m, "outcome", -1);
    p->outcome = outcome >= 0 && outcome <= OUTCOME_LAST ? (int) outcome : -1;
    p->contacts = (uint32_t) map_int (m, "contacts", 0);
}

#define KIND(table, noun, type, pack, unpack)                                            \
    {                                                                                    \
        table, noun, sizeof (type), offsetof (type, id), offsetof (type, office), pack,  \
            unpack                                                                       \
    }
const rec_kind_t rec_known =
    KIND (pl_candidates, "candidate", known_t, s_pack_known, s_unpack_known);
const rec_kind_t rec_host = KIND (pl_hosts, "host", host_t, s_pack_host, s_unpack_host);
const rec_kind_t rec_vacancy =
    KIND (pl_vacancies, "vacancy", vacancy_t, s_pack_vacancy, s_unpack_vacancy);
const rec_kind_t rec_placement =
    KIND (pl_placements, "placement", placement_t, s_pack_placement, s_unpack_placement);

static const char *
s_id (const rec_kind_t *kind, const void *rec)
{
    return (const char *) rec + kind->id_at;
}

//  --------------------------------------------------------------------------
//  Loading and saving

int
rec_decode (const rec_kind_t *kind, const void *data, size_t size, void *rec)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return -1;
    memset (rec, 0, kind->size);
    kind->unpack (rec, msg_root (msg));
    msg_destroy (&msg);
    return *s_id (kind, rec) ? 0 : -1;
}

int
rec_get (store_tx_t *tx, const rec_kind_t *kind, const char *id, void *rec)
{
    const void *val;
    size_t vlen;
    int rc = store_get (tx, kind->table, id, strlen (id), &val, &vlen);
    if (rc != 0)
        return rc;
    return rec_decode (kind, val, vlen, rec);
}

int
rec_put (store_tx_t *tx, const rec_kind_t *kind, const void *rec)
{
    kv_t kv;
    kv_init (&kv);
    kind->pack (rec, &kv);
    const char *id = s_id (kind, rec);
    int rc = kv_store (&kv, tx, kind->table, id, strlen (id));
    kv_destroy (&kv);
    return rc;
}

int
rec_load (cmd_ctx_t *ctx, const rec_kind_t *kind, const char *id, const char *field,
          void *rec)
{
    int rc = rec_get (cmd_tx (ctx), kind, id, rec);
    if (rc < 0)
        return store_failed (cmd_tx (ctx))
                   ? cmd_store_fail (ctx)
                   : cmd_fail (ctx, ERR_INTERNAL, field, "stored %s %s is unreadable",
                               kind->noun, id);
    const char *office = (const char *) rec + kind->office_at;
    if (rc == 1 || strcmp (office, cmd_office (ctx)) != 0)
        return cmd_fail (ctx, ERR_NOT_FOUND, field, "no %s %s at office %s", kind->noun,
                         id, cmd_office (ctx));
    return 0;
}

int
rec_save (cmd_ctx_t *ctx, const rec_kind_t *kind, const void *rec)
{
    return rec_put (cmd_tx (ctx), kind, rec) ? cmd_store_fail (ctx) : 0;
}

//  --------------------------------------------------------------------------
//  First bodies of create commands

static size_t
s_original_key (const rec_kind_t *kind, const char *id, char *key, size_t size)
{
    return (size_t) snprintf (key, size, "%s:%s", kind->noun, id);
}

int
rec_created (cmd_ctx_t *ctx, const rec_kind_t *kind, const char *id)
{
    char key[2 * PL_ID_SIZE];
    size_t klen = s_original_key (kind, id, key, sizeof key);
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), pl_originals, key, klen, &val, &vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 1)
        return 0;
    oerr_t err;
    msg_t *first = msg_decode (val, vlen, &err);
    bool same = first && obj_same (msg_root (first), cmd_body (ctx), s_not_content);
    msg_destroy (&first);
    if (!same)
        return cmd_fail (ctx, ERR_CONFLICT, "id",
                         "%s %s already exists with other details", kind->noun, id);
    return 1;
}

int
rec_remember (cmd_ctx_t *ctx, const rec_kind_t *kind, const char *id)
{
    char key[2 * PL_ID_SIZE];
    size_t klen = s_original_key (kind, id, key, sizeof key);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_object (&pk, *cmd_body (ctx));
    int rc = store_put (cmd_tx (ctx), pl_originals, key, klen, buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    return rc ? cmd_store_fail (ctx) : 0;
}

int
rec_forget (store_tx_t *tx, const rec_kind_t *kind, const char *id)
{
    char key[2 * PL_ID_SIZE];
    size_t klen = s_original_key (kind, id, key, sizeof key);
    return store_del (tx, pl_originals, key, klen);
}

//  --------------------------------------------------------------------------
//  Small helpers

void
rec_new_id (cmd_ctx_t *ctx, const char *prefix, char id[PL_ID_SIZE])
{
    if (map_has (cmd_body (ctx), "id")) {
        map_str (cmd_body (ctx), "id", id, PL_ID_SIZE);
        return;
    }
    codec_new_id (id, PL_ID_SIZE, prefix);
}

const char *
rec_date (cmd_ctx_t *ctx, char date[11])
{
    return *map_str (cmd_body (ctx), "date", date, 11) ? date : NULL;
}

bool
rec_named (const char *text)
{
    for (; *text; text++)
        if (!isspace ((unsigned char) *text))
            return true;
    return false;
}

int
rec_days (const char *a, const char *b)
{
    int32_t da, db;
    if (codec_parse_date (a, strlen (a), &da) || codec_parse_date (b, strlen (b), &db))
        return 0;
    return (int) (db - da);
}

void
rec_year_later (const char *date, char out[11])
{
    int year = codec_date_year (date) + 1;
    bool leap_day = strcmp (date + 4, "-02-29") == 0;
    snprintf (out, 11, "%04u%.6s", (unsigned) year % 10000u,
              leap_day ? "-02-28" : date + 4);
}

void
rec_pack_flags (kv_t *kv, const char *key, const bool *flags, bool set,
                const char *const *names, int count)
{
    int n = 0;
    for (int i = 0; i < count; i++)
        n += flags[i] == set;
    msgpack_packer *pk = kv_key (kv, key);
    msgpack_pack_array (pk, (size_t) n);
    for (int i = 0; i < count; i++)
        if (flags[i] == set)
            pk_str (pk, names[i]);
}
