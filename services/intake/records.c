/*  records - what intake stores.  */
#include "records.h"

#include <string.h>

STORE_TABLE (intake_candidates, "candidates");
STORE_TABLE (intake_registrations, "registrations");
STORE_TABLE (intake_contacts, "contacts");
STORE_TABLE (intake_ended, "ended");

const char *const candidate_referrals[] = {"self",          "uwv",         "municipality",
                                           "mental_health", "social_team", "client_org",
                                           "other",         NULL};
const char *const candidate_benefits[] = {
    "wia", "wga", "wajong", "zw", "ww", "social_assistance", "none", "other", NULL};
const char *const candidate_treatments[] = {"in_treatment", "nearly_done", "done", "none",
                                            NULL};
const char *const candidate_criteria[] = {"psych_limitation", "motivated",
                                          "willing_to_train", "arranges_benefits",
                                          "seeks_paid_work",  NULL};
const char *const candidate_stages[] = {"equilibrium", "disruption", "reorientation",
                                        "growth", NULL};
const char *const candidate_stagnations[] = {
    "stuck_in_equilibrium", "fighting_in_disruption",  "lost_in_reorientation",
    "inhibited_in_growth",  "running_through_process", NULL};
const char *const candidate_mechanisms[] = {
    "help to disrupt safely",
    "room to accept limitations",
    "create variety and perspective",
    "resources to build a support system",
    "guidance to build self-knowledge and buffers",
    NULL};
const int candidate_stagnation_stage[] = {0, 1, 2, 3, -1};

static void
s_pack_stages (const candidate_t *self, msgpack_packer *pk)
{
    msgpack_pack_array (pk, self->stage_count);
    for (uint32_t i = 0; i < self->stage_count; i++) {
        const stage_entry_t *s = &self->stages[i];
        msgpack_pack_array (pk, 3);
        msgpack_pack_int (pk, s->stage);
        msgpack_pack_int (pk, s->stagnation);
        pk_str (pk, s->date);
    }
}

int
candidate_store (const candidate_t *self, store_tx_t *tx)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", self->id);
    kv_str (&kv, "office", self->office);
    kv_int (&kv, "birth_year", self->birth_year);
    kv_int (&kv, "referral", self->referral);
    kv_int (&kv, "benefit", self->benefit);
    kv_int (&kv, "treatment", self->treatment);
    int bits = 0;
    for (int i = 0; i < CANDIDATE_CRITERIA; i++)
        bits |= self->criteria[i] ? 1 << i : 0;
    kv_int (&kv, "criteria", bits);
    kv_bool (&kv, "consent_evaluation", self->consent_evaluation);
    kv_str (&kv, "wish_function", self->wish_function);
    kv_str (&kv, "wish_sector", self->wish_sector);
    kv_int (&kv, "status", self->status);
    kv_str (&kv, "registered", self->registered);
    kv_str (&kv, "info_session", self->info_session);
    kv_str (&kv, "admitted", self->admitted);
    kv_str (&kv, "status_date", self->status_date);
    kv_str (&kv, "reason", self->reason);
    kv_str (&kv, "until", self->until);
    kv_str (&kv, "digest", self->digest);
    s_pack_stages (self, kv_key (&kv, "stages"));
    int rc = kv_store (&kv, tx, intake_candidates, self->id, strlen (self->id));
    kv_destroy (&kv);
    return rc;
}

//  Whether value indexes a NULL-terminated list of names.
static bool
s_in (int64_t value, const char *const *names)
{
    for (int64_t i = 0; names[i]; i++)
        if (i == value)
            return true;
    return false;
}

static int
s_unpack_stages (candidate_t *self, const msgpack_object *stages)
{
    if (!stages || stages->type != MSGPACK_OBJECT_ARRAY
        || stages->via.array.size > CANDIDATE_STAGES_MAX)
        return -1;
    self->stage_count = stages->via.array.size;
    for (uint32_t i = 0; i < self->stage_count; i++) {
        const msgpack_object *e = &stages->via.array.ptr[i];
        if (e->type != MSGPACK_OBJECT_ARRAY || e->via.array.size != 3)
            return -1;
        const msgpack_object *stage = &e->via.array.ptr[0], *stuck = &e->via.array.ptr[1];
        bool ints = (stage->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
                    && (stuck->type == MSGPACK_OBJECT_POSITIVE_INTEGER
                        || stuck->type == MSGPACK_OBJECT_NEGATIVE_INTEGER);
        if (!ints || !s_in (stage->via.i64, candidate_stages)
            || (stuck->via.i64 != -1 && !s_in (stuck->via.i64, candidate_stagnations))
            || obj_str (&e->via.array.ptr[2], self->stages[i].date, 11))
            return -1;
        self->stages[i].stage = (int8_t) stage->via.i64;
        self->stages[i].stagnation = (int8_t) stuck->via.i64;
    }
    return 0;
}

int
candidate_unpack (candidate_t *self, const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return -1;
    const msgpack_object *m = msg_root (msg);
    memset (self, 0, sizeof *self);
    map_str (m, "id", self->id, sizeof self->id);
    map_str (m, "office", self->office, sizeof self->office);
    self->birth_year = (int) map_int (m, "birth_year", 0);
    self->referral = (int) map_int (m, "referral", 0);
    self->benefit = (int) map_int (m, "benefit", 0);
    self->treatment = (int) map_int (m, "treatment", 0);
    int bits = (int) map_int (m, "criteria", 0);
    for (int i = 0; i < CANDIDATE_CRITERIA; i++)
        self->criteria[i] = (bits >> i) & 1;
    self->consent_evaluation = map_bool (m, "consent_evaluation", false);
    map_str (m, "wish_function", self->wish_function, sizeof self->wish_function);
    map_str (m, "wish_sector", self->wish_sector, sizeof self->wish_sector);
    int64_t status = map_int (m, "status", 0);
    self->status = (candidate_status_t) status;
    map_str (m, "registered", self->registered, sizeof self->registered);
    map_str (m, "info_session", self->info_session, sizeof self->info_session);
    map_str (m, "admitted", self->admitted, sizeof self->admitted);
    map_str (m, "status_date", self->status_date, sizeof self->status_date);
    map_str (m, "reason", self->reason, sizeof self->reason);
    map_str (m, "until", self->until, sizeof self->until);
    map_str (m, "digest", self->digest, sizeof self->digest);
    int rc = s_unpack_stages (self, obj_get (m, "stages"));
    msg_destroy (&msg);
    if (!s_in (self->referral, candidate_referrals)
        || !s_in (self->benefit, candidate_benefits)
        || !s_in (self->treatment, candidate_treatments) || status < 0
        || status >= CS_COUNT)
        rc = -1;
    candidate_assess (self);
    return rc;
}

void
candidate_assess (candidate_t *self)
{
    int age = codec_date_year (self->registered) - self->birth_year;
    self->age_ok = age >= 18 && age <= 60;
    self->eligible = self->age_ok;
    for (int i = 0; i < CANDIDATE_CRITERIA; i++)
        self->eligible = self->eligible && self->criteria[i];
}

void
candidate_reasons (const candidate_t *self, kv_t *kv, const char *key)
{
    int count = self->age_ok ? 0 : 1;
    for (int i = 0; i < CANDIDATE_CRITERIA; i++)
        count += self->criteria[i] ? 0 : 1;
    msgpack_packer *pk = kv_key (kv, key);
    msgpack_pack_array (pk, count);
    for (int i = 0; i < CANDIDATE_CRITERIA; i++)
        if (!self->criteria[i])
            pk_str (pk, candidate_criteria[i]);
    if (!self->age_ok)
        pk_str (pk, "age");
}

static void
s_describe_stages (const candidate_t *self, msgpack_packer *pk)
{
    msgpack_pack_array (pk, self->stage_count);
    for (uint32_t i = 0; i < self->stage_count; i++) {
        const stage_entry_t *s = &self->stages[i];
        bool stuck = s->stagnation >= 0;
        msgpack_pack_map (pk, stuck ? 4 : 2);
        pk_kv_str (pk, "stage", candidate_stages[s->stage]);
        pk_kv_str (pk, "date", s->date);
        if (stuck) {
            pk_kv_str (pk, "stagnation", candidate_stagnations[s->stagnation]);
            pk_kv_str (pk, "mechanism", candidate_mechanisms[s->stagnation]);
        }
    }
}

void
candidate_describe (const candidate_t *self, kv_t *kv)
{
    kv_str (kv, "id", self->id);
    kv_str (kv, "office", self->office);
    kv_str (kv, "status", intake_status_name (self->status));
    kv_int (kv, "birth_year", self->birth_year);
    kv_str (kv, "referral", candidate_referrals[self->referral]);
    kv_str (kv, "benefit", candidate_benefits[self->benefit]);
    kv_str (kv, "treatment", candidate_treatments[self->treatment]);
    kv_bool (kv, "eligible", self->eligible);
    candidate_reasons (self, kv, "reasons");
    kv_bool (kv, "evaluation_contact", self->consent_evaluation);
    kv_str (kv, "registered", self->registered);
    if (*self->info_session)
        kv_str (kv, "info_session", self->info_session);
    if (*self->admitted)
        kv_str (kv, "admitted", self->admitted);
    if (*self->reason)
        kv_str (kv, "reason", self->reason);
    if (*self->until)
        kv_str (kv, "until", self->until);
    s_describe_stages (self, kv_key (kv, "stages"));
}
