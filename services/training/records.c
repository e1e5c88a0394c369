/*  records - the training service's stored records and shared lookups.  */
#include "records.h"

STORE_TABLE (tr_candidates, "candidates");
STORE_TABLE (tr_experts, "experts");
STORE_TABLE (tr_assignments, "assignments");
STORE_TABLE (tr_activities, "activities");
STORE_TABLE (tr_expert_activities, "expert_activities");
STORE_TABLE (tr_cohorts, "cohorts");
STORE_TABLE (tr_members, "members");
STORE_TABLE (tr_goals, "goals");
STORE_TABLE (tr_goal_history, "goal_history");
STORE_TABLE (tr_reflections, "reflections");
STORE_TABLE (tr_certificates, "certificates");
STORE_TABLE (tr_links, "links");

const char *const tr_activity_kinds[] = {
    "one_on_one",   "joint_talk",      "group_session", "workshop", "case_consultation",
    "presentation", "network_contact", "employer_info", NULL};
const char *const tr_settings[] = {"own_office", "other_office", "external", NULL};
const char *const tr_trainer_kinds[] = {"professional", "experience_expert", NULL};
const char *const tr_cohort_statuses[] = {"open", "started", "finished", NULL};
const char *const tr_smart_checks[] = {"concrete", "divisible", "measurable", "feasible",
                                       NULL};
const char *const tr_goal_texts[] = {"goal",   "situation",  "task", "action",
                                     "result", "reflection", NULL};
const char *const tr_reflection_texts[] = {"action_taken",  "went_well",
                                           "could_improve", "supervisor_response",
                                           "improvement",   NULL};
//  "Weer aan het werk...!": the ten meetings in their fixed order.
const tr_meeting_t tr_meetings[TR_MEETINGS] = {
    {"info", "information_session", "information session"},
    {"training", "learning_goals", "working with learning goals"},
    {"coaching", "coaching_1", "coaching 1"},
    {"training", "personal_effectiveness",
     "personal effectiveness (Wie ben jij met tijd?)"},
    {"coaching", "coaching_2", "coaching 2"},
    {"training", "communication", "communication (Ben ik zo duidelijk?)"},
    {"coaching", "coaching_3", "coaching 3"},
    {"training", "collaboration", "collaboration (Samen zijn wij sterk)"},
    {"coaching", "coaching_4", "coaching 4"},
    {"training", "applying_for_jobs", "applying for jobs"}};

//  --------------------------------------------------------------------------
//  Keys and small helpers

size_t
tr_key2 (char *out, const char *a, const char *b)
{
    size_t la = strlen (a), lb = strlen (b);
    memcpy (out, a, la);
    out[la] = 0;
    memcpy (out + la + 1, b, lb);
    return la + 1 + lb;
}

size_t
tr_link_key (char *out, const char *candidate, char kind, const char *ref)
{
    size_t len = strlen (candidate);
    memcpy (out, candidate, len);
    out[len] = 0;
    out[len + 1] = kind;
    out[len + 2] = 0;
    size_t lr = strlen (ref);
    memcpy (out + len + 3, ref, lr);
    return len + 3 + lr;
}

int
tr_key_tail (const void *key, size_t klen, char *out, size_t size)
{
    const char *nul = (const char *) memchr (key, 0, klen);
    if (!nul)
        return -1;
    size_t len = klen - (size_t) (nul + 1 - (const char *) key);
    if (len >= size)
        return -1;
    memcpy (out, nul + 1, len);
    out[len] = 0;
    return 0;
}

int
tr_link_parse (const void *key, size_t klen, char *kind, char *ref, size_t size)
{
    const char *nul = (const char *) memchr (key, 0, klen);
    size_t rest = nul ? klen - (size_t) (nul + 1 - (const char *) key) : 0;
    if (rest < 2 || nul[2] != 0)
        return -1;
    *kind = nul[1];
    return tr_key_tail (nul + 1, rest, ref, size);
}

int
tr_put (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen,
        const kv_t *kv)
{
    return kv_store (kv, tx, table, key, klen);
}

int
tr_link (store_tx_t *tx, const char *candidate, char kind, const char *ref)
{
    char key[TR_KEY];
    return store_put (tx, tr_links, key, tr_link_key (key, candidate, kind, ref), "", 0);
}

void
tr_new_id (char *out, const char *prefix)
{
    codec_new_id (out, TR_ID, prefix);
}

const char *
tr_arg (cmd_ctx_t *ctx, const char *key, char *buf, size_t size)
{
    return map_str (cmd_body (ctx), key, buf, size);
}

void
tr_pack_smart (msgpack_packer *pk, const bool smart[4])
{
    msgpack_pack_map (pk, 4);
    for (int i = 0; i < 4; i++)
        pk_kv_bool (pk, tr_smart_checks[i], smart[i]);
}

bool
tr_smart_all (const bool smart[4])
{
    return smart[0] && smart[1] && smart[2] && smart[3];
}

int
tr_popcount (uint32_t bits)
{
    int count = 0;
    for (; bits; bits &= bits - 1)
        count++;
    return count;
}

void
tr_list_init (tr_list_t *self)
{
    self->count = 0;
    msgpack_sbuffer_init (&self->items);
    msgpack_packer_init (&self->pk, &self->items, msgpack_sbuffer_write);
}

void
tr_list_finish (tr_list_t *self, kv_t *kv, const char *key)
{
    msgpack_pack_array (kv_key (kv, key), self->count);
    if (self->items.size)
        msgpack_sbuffer_write (&kv->buf, self->items.data, self->items.size);
    msgpack_sbuffer_destroy (&self->items);
}

static void
s_pack_strs (msgpack_packer *pk, const char *strs, size_t stride, uint32_t count)
{
    msgpack_pack_array (pk, count);
    for (uint32_t i = 0; i < count; i++)
        pk_str (pk, strs + i * stride);
}

//  Copies an array of strings; -1 when it is not one or does not fit.
static int
s_unpack_strs (const msgpack_object *array, char *strs, size_t stride, uint32_t max,
               uint32_t *count)
{
    if (!array || array->type != MSGPACK_OBJECT_ARRAY || array->via.array.size > max)
        return -1;
    for (uint32_t i = 0; i < array->via.array.size; i++)
        if (obj_str (&array->via.array.ptr[i], strs + i * stride, stride))
            return -1;
    if (count)
        *count = array->via.array.size;
    return 0;
}

static int
s_save_kv (store_tx_t *tx, const store_table_t *table, const char *id, kv_t *kv)
{
    int rc = tr_put (tx, table, id, strlen (id), kv);
    kv_destroy (kv);
    return rc;
}

//  --------------------------------------------------------------------------
//  Candidates, experts, activities

int
tr_candidate_unpack (tr_candidate_t *self, const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return -1;
    const msgpack_object *m = msg_root (msg);
    memset (self, 0, sizeof *self);
    map_str (m, "id", self->id, sizeof self->id);
    map_str (m, "office", self->office, sizeof self->office);
    self->status = (int) map_int (m, "status", 0);
    self->events = (uint32_t) map_int (m, "events", 0);
    msg_destroy (&msg);
    return self->status >= 0 && self->status < CS_COUNT ? 0 : -1;
}

int
tr_candidate_save (store_tx_t *tx, const tr_candidate_t *self)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", self->id);
    kv_str (&kv, "office", self->office);
    kv_int (&kv, "status", self->status);
    kv_uint (&kv, "events", self->events);
    return s_save_kv (tx, tr_candidates, self->id, &kv);
}

int
tr_expert_unpack (tr_expert_t *self, const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return -1;
    const msgpack_object *m = msg_root (msg);
    memset (self, 0, sizeof *self);
    map_str (m, "id", self->id, sizeof self->id);
    map_str (m, "office", self->office, sizeof self->office);
    self->paid = map_bool (m, "paid", false);
    self->fte = map_num (m, "fte", 0);
    int rc = s_unpack_strs (obj_get (m, "tags"), self->tags[0], TR_ID, TR_TAGS_MAX,
                            &self->tag_count);
    self->max_caseload = (int) map_int (m, "max_caseload", 0);
    self->load = (int) map_int (m, "load", 0);
    map_str (m, "date", self->date, sizeof self->date);
    msg_destroy (&msg);
    return rc;
}

int
tr_expert_save (store_tx_t *tx, const tr_expert_t *self)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", self->id);
    kv_str (&kv, "office", self->office);
    kv_bool (&kv, "paid", self->paid);
    kv_num (&kv, "fte", self->fte);
    s_pack_strs (kv_key (&kv, "tags"), self->tags[0], TR_ID, self->tag_count);
    kv_int (&kv, "max_caseload", self->max_caseload);
    kv_int (&kv, "load", self->load);
    kv_str (&kv, "date", self->date);
    return s_save_kv (tx, tr_experts, self->id, &kv);
}

int
tr_activity_unpack (tr_activity_t *self, const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return -1;
    const msgpack_object *m = msg_root (msg);
    memset (self, 0, sizeof *self);
    map_str (m, "id", self->id, sizeof self->id);
    map_str (m, "office", self->office, sizeof self->office);
    map_str (m, "expert", self->expert, sizeof self->expert);
    self->kind = (int) map_int (m, "kind", 0);
    self->minutes = (int) map_int (m, "minutes", 0);
    self->setting = (int) map_int (m, "setting", 0);
    map_str (m, "candidate", self->candidate, sizeof self->candidate);
    map_str (m, "date", self->date, sizeof self->date);
    msg_destroy (&msg);
    bool known =
        self->kind >= 0 && self->kind < 8 && self->setting >= 0 && self->setting < 3;
    return known ? 0 : -1;
}

int
tr_activity_save (store_tx_t *tx, const tr_activity_t *self)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", self->id);
    kv_str (&kv, "office", self->office);
    kv_str (&kv, "expert", self->expert);
    kv_int (&kv, "kind", self->kind);
    kv_int (&kv, "minutes", self->minutes);
    kv_int (&kv, "setting", self->setting);
    kv_str (&kv, "candidate", self->candidate);
    kv_str (&kv, "date", self->date);
    return s_save_kv (tx, tr_activities, self->id, &kv);
}

//  --------------------------------------------------------------------------
//  Cohorts and members

static void
s_pack_ints (msgpack_packer *pk, const int *values, uint32_t count)
{
    msgpack_pack_array (pk, count);
    for (uint32_t i = 0; i < count; i++)
        msgpack_pack_int (pk, values[i]);
}

static int
s_unpack_ints (const msgpack_object *array, int *values, uint32_t count)
{
    if (!array || array->type != MSGPACK_OBJECT_ARRAY || array->via.array.size != count)
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        const msgpack_object *o = &array->via.array.ptr[i];
        if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > INT32_MAX)
            return -1;
        values[i] = (int) o->via.u64;
    }
    return 0;
}

int
tr_cohort_unpack (tr_cohort_t *self, const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return -1;
    const msgpack_object *m = msg_root (msg);
    memset (self, 0, sizeof *self);
    map_str (m, "id", self->id, sizeof self->id);
    map_str (m, "office", self->office, sizeof self->office);
    self->trainer_kind = (int) map_int (m, "trainer_kind", 0);
    map_str (m, "trainer", self->trainer, sizeof self->trainer);
    map_str (m, "start", self->start, sizeof self->start);
    self->status = (cohort_status_t) map_int (m, "status", 0);
    map_str (m, "started", self->started, sizeof self->started);
    map_str (m, "finished", self->finished, sizeof self->finished);
    self->members = (int) map_int (m, "members", 0);
    self->recorded = (uint32_t) map_int (m, "recorded", 0);
    self->certificates = (int) map_int (m, "certificates", 0);
    int rc = s_unpack_strs (obj_get (m, "dates"), self->dates[0], 11, TR_MEETINGS, NULL);
    if (rc == 0)
        rc = s_unpack_ints (obj_get (m, "present"), self->present, TR_MEETINGS);
    if (rc == 0)
        rc = s_unpack_ints (obj_get (m, "members_at"), self->members_at, TR_MEETINGS);
    msg_destroy (&msg);
    bool known = self->trainer_kind >= 0 && self->trainer_kind < 2
                 && self->status >= COHORT_OPEN && self->status <= COHORT_FINISHED;
    return known ? rc : -1;
}

int
tr_cohort_save (store_tx_t *tx, const tr_cohort_t *self)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", self->id);
    kv_str (&kv, "office", self->office);
    kv_int (&kv, "trainer_kind", self->trainer_kind);
    kv_str (&kv, "trainer", self->trainer);
    kv_str (&kv, "start", self->start);
    kv_int (&kv, "status", self->status);
    kv_str (&kv, "started", self->started);
    kv_str (&kv, "finished", self->finished);
    kv_int (&kv, "members", self->members);
    kv_uint (&kv, "recorded", self->recorded);
    kv_int (&kv, "certificates", self->certificates);
    s_pack_strs (kv_key (&kv, "dates"), self->dates[0], 11, TR_MEETINGS);
    s_pack_ints (kv_key (&kv, "present"), self->present, TR_MEETINGS);
    s_pack_ints (kv_key (&kv, "members_at"), self->members_at, TR_MEETINGS);
    return s_save_kv (tx, tr_cohorts, self->id, &kv);
}

int
tr_member_unpack (tr_member_t *self, const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return -1;
    memset (self, 0, sizeof *self);
    self->attended = (uint32_t) map_int (msg_root (msg), "attended", 0);
    map_str (msg_root (msg), "date", self->date, sizeof self->date);
    msg_destroy (&msg);
    return 0;
}

int
tr_member_save (store_tx_t *tx, const char *cohort, const char *candidate,
                const tr_member_t *self)
{
    kv_t kv;
    kv_init (&kv);
    kv_uint (&kv, "attended", self->attended);
    kv_str (&kv, "date", self->date);
    char key[TR_KEY];
    int rc = tr_put (tx, tr_members, key, tr_key2 (key, cohort, candidate), &kv);
    kv_destroy (&kv);
    return rc;
}

//  --------------------------------------------------------------------------
//  Goals (the current version in "goals", earlier ones in "goal_history")

static int
s_unpack_bools (const msgpack_object *array, bool *values, uint32_t count)
{
    if (!array || array->type != MSGPACK_OBJECT_ARRAY || array->via.array.size != count)
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        if (array->via.array.ptr[i].type != MSGPACK_OBJECT_BOOLEAN)
            return -1;
        values[i] = array->via.array.ptr[i].via.boolean;
    }
    return 0;
}

int
tr_goal_unpack (tr_goal_t *self, const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return -1;
    const msgpack_object *m = msg_root (msg);
    memset (self, 0, sizeof *self);
    map_str (m, "id", self->id, sizeof self->id);
    map_str (m, "office", self->office, sizeof self->office);
    map_str (m, "candidate", self->candidate, sizeof self->candidate);
    map_str (m, "cohort", self->cohort, sizeof self->cohort);
    self->revision = (uint32_t) map_int (m, "revision", 0);
    self->reflections = (uint32_t) map_int (m, "reflections", 0);
    map_str (m, "date", self->date, sizeof self->date);
    int rc = s_unpack_strs (obj_get (m, "texts"), self->texts[0], CODEC_TEXT_MAX + 1,
                            TR_TEXTS, NULL);
    if (rc == 0)
        rc = s_unpack_bools (obj_get (m, "smart"), self->smart, 4);
    msg_destroy (&msg);
    return rc;
}

int
tr_goal_save (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen,
              const tr_goal_t *self)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", self->id);
    kv_str (&kv, "office", self->office);
    kv_str (&kv, "candidate", self->candidate);
    kv_str (&kv, "cohort", self->cohort);
    kv_uint (&kv, "revision", self->revision);
    kv_uint (&kv, "reflections", self->reflections);
    kv_str (&kv, "date", self->date);
    s_pack_strs (kv_key (&kv, "texts"), self->texts[0], CODEC_TEXT_MAX + 1, TR_TEXTS);
    msgpack_packer *pk = kv_key (&kv, "smart");
    msgpack_pack_array (pk, 4);
    for (int i = 0; i < 4; i++) {
        if (self->smart[i])
            msgpack_pack_true (pk);
        else
            msgpack_pack_false (pk);
    }
    int rc = tr_put (tx, table, key, klen, &kv);
    kv_destroy (&kv);
    return rc;
}

//  --------------------------------------------------------------------------
//  Loading for a command

static int
s_not_found (cmd_ctx_t *ctx, const char *what, const char *field, const char *id)
{
    return cmd_fail (ctx, ERR_NOT_FOUND, field, "no %s %s at office %s", what, id,
                     cmd_office (ctx));
}

//  The stored bytes of table[id], valid until the next write.
static int
s_fetch (cmd_ctx_t *ctx, const store_table_t *table, const char *what, const char *field,
         const char *id, const void **val, size_t *vlen)
{
    int rc = store_get (cmd_tx (ctx), table, id, strlen (id), val, vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    return rc == 1 ? s_not_found (ctx, what, field, id) : 0;
}

//  Another office's record does not exist for this caller.
static int
s_check (cmd_ctx_t *ctx, int unpacked, const char *office, const char *what,
         const char *field, const char *id)
{
    if (unpacked != 0)
        return cmd_fail (ctx, ERR_INTERNAL, field, "stored %s %s is unreadable", what,
                         id);
    return strcmp (office, cmd_office (ctx)) == 0 ? 0
                                                  : s_not_found (ctx, what, field, id);
}

int
tr_load_candidate (cmd_ctx_t *ctx, const char *field, const char *id, tr_candidate_t *c)
{
    const void *val;
    size_t vlen;
    if (s_fetch (ctx, tr_candidates, "candidate", field, id, &val, &vlen))
        return -1;
    return s_check (ctx, tr_candidate_unpack (c, val, vlen), c->office, "candidate",
                    field, id);
}

int
tr_load_expert (cmd_ctx_t *ctx, const char *field, const char *id, tr_expert_t *e)
{
    const void *val;
    size_t vlen;
    if (s_fetch (ctx, tr_experts, "expert", field, id, &val, &vlen))
        return -1;
    return s_check (ctx, tr_expert_unpack (e, val, vlen), e->office, "expert", field, id);
}

int
tr_load_cohort (cmd_ctx_t *ctx, const char *field, const char *id, tr_cohort_t *c)
{
    const void *val;
    size_t vlen;
    if (s_fetch (ctx, tr_cohorts, "cohort", field, id, &val, &vlen))
        return -1;
    return s_check (ctx, tr_cohort_unpack (c, val, vlen), c->office, "cohort", field, id);
}

int
tr_load_goal (cmd_ctx_t *ctx, const char *field, const char *id, tr_goal_t *g)
{
    const void *val;
    size_t vlen;
    if (s_fetch (ctx, tr_goals, "goal", field, id, &val, &vlen))
        return -1;
    return s_check (ctx, tr_goal_unpack (g, val, vlen), g->office, "goal", field, id);
}
