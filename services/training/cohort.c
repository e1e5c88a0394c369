/*  cohort - training cohorts of "Weer aan het werk...!": creation,
    enrolment of admitted candidates, start with at least five members, and
    the cohort and candidate queries.  */
#include "handlers.h"
#include "records.h"

#define COHORT_MIN_MEMBERS 5

//  --------------------------------------------------------------------------
//  Creation

static int
s_from_body (cmd_ctx_t *ctx, tr_cohort_t *c)
{
    memset (c, 0, sizeof *c);
    if (!*tr_arg (ctx, "id", c->id, sizeof c->id))
        tr_new_id (c->id, "k");
    snprintf (c->office, sizeof c->office, "%s", cmd_office (ctx));
    c->trainer_kind = map_enum (cmd_body (ctx), "trainer_kind", tr_trainer_kinds);
    tr_arg (ctx, "trainer", c->trainer, sizeof c->trainer);
    tr_arg (ctx, "start", c->start, sizeof c->start);
    //  An experience expert who trains is one registered here; a
    //  professional is staff of the office, known by id only.
    tr_expert_t e;
    if (c->trainer_kind == 1 && tr_load_expert (ctx, "trainer", c->trainer, &e))
        return -1;
    return 0;
}

static void
s_reply (cmd_ctx_t *ctx, const tr_cohort_t *c)
{
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", c->id);
    kv_str (reply, "status", tr_cohort_statuses[c->status]);
    kv_int (reply, "members", c->members);
}

//  Only what was created, so a repeat answers exactly as the first time.
static void
s_reply_created (cmd_ctx_t *ctx, const tr_cohort_t *c)
{
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "id", c->id);
    kv_str (reply, "trainer_kind", tr_trainer_kinds[c->trainer_kind]);
    kv_str (reply, "trainer", c->trainer);
    kv_str (reply, "start", c->start);
}

static int
s_emit_created (cmd_ctx_t *ctx, const tr_cohort_t *c)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "cohort", c->id);
    kv_str (&f, "trainer_kind", tr_trainer_kinds[c->trainer_kind]);
    kv_str (&f, "trainer", c->trainer);
    kv_str (&f, "start", c->start);
    int rc = cmd_emit (ctx, "cohort.created", c->start, NULL, &f);
    kv_destroy (&f);
    return rc;
}

int
cohort_create (cmd_ctx_t *ctx)
{
    tr_cohort_t c, old;
    if (s_from_body (ctx, &c))
        return -1;
    const void *val;
    size_t vlen;
    int rc = store_get (cmd_tx (ctx), tr_cohorts, c.id, strlen (c.id), &val, &vlen);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0) {
        if (tr_cohort_unpack (&old, val, vlen) != 0 || !streq (old.office, c.office)
            || old.trainer_kind != c.trainer_kind || !streq (old.trainer, c.trainer)
            || !streq (old.start, c.start))
            return cmd_fail (ctx, ERR_CONFLICT, "id",
                             "cohort %s exists with other details", c.id);
        s_reply_created (ctx, &old);
        return 0;
    }
    if (tr_cohort_save (cmd_tx (ctx), &c))
        return cmd_store_fail (ctx);
    if (s_emit_created (ctx, &c))
        return -1;
    s_reply_created (ctx, &c);
    return 0;
}

//  --------------------------------------------------------------------------
//  Enrolment and start

//  Why the candidate cannot join the cohort now; 0 when it can.
static int
s_enrol_blocked (cmd_ctx_t *ctx, const tr_cohort_t *k, const tr_candidate_t *c,
                 const char *key, size_t klen)
{
    if (c->status != CS_ADMITTED)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "candidate",
                         "candidate %s is %s, not admitted", c->id,
                         intake_status_name (c->status));
    int rc = store_get (cmd_tx (ctx), tr_members, key, klen, NULL, NULL);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0)
        return cmd_fail (ctx, ERR_CONFLICT, "candidate", "%s is already a member of %s",
                         c->id, k->id);
    if (k->status != COHORT_OPEN)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "cohort",
                         "cohort %s is already %s", k->id, tr_cohort_statuses[k->status]);
    if (k->members >= TR_MEMBERS_MAX)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "cohort",
                         "cohort %s is full (%d members)", k->id, TR_MEMBERS_MAX);
    return 0;
}

static int
s_emit_enrolled (cmd_ctx_t *ctx, const tr_cohort_t *k, const char *candidate,
                 const char *date)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "cohort", k->id);
    kv_str (&f, "candidate", candidate);
    kv_int (&f, "members", k->members);
    int rc = cmd_emit (ctx, "cohort.enrolled", *date ? date : NULL, candidate, &f);
    kv_destroy (&f);
    if (rc == 0) {
        kv_str (cmd_reply (ctx), "cohort", k->id);
        kv_str (cmd_reply (ctx), "candidate", candidate);
        kv_int (cmd_reply (ctx), "members", k->members);
    }
    return rc;
}

int
cohort_enroll (cmd_ctx_t *ctx)
{
    tr_cohort_t k;
    tr_candidate_t c;
    char cohort[TR_ID], candidate[TR_ID], key[TR_KEY];
    if (tr_load_cohort (ctx, "cohort", tr_arg (ctx, "cohort", cohort, sizeof cohort), &k)
        || tr_load_candidate (ctx, "candidate",
                              tr_arg (ctx, "candidate", candidate, sizeof candidate), &c))
        return -1;
    size_t klen = tr_key2 (key, k.id, c.id);
    if (s_enrol_blocked (ctx, &k, &c, key, klen))
        return -1;
    tr_member_t m;
    memset (&m, 0, sizeof m);
    tr_arg (ctx, "date", m.date, sizeof m.date);
    k.members++;
    store_tx_t *tx = cmd_tx (ctx);
    if (tr_member_save (tx, k.id, c.id, &m) || tr_link (tx, c.id, LINK_MEMBER, k.id)
        || tr_cohort_save (tx, &k))
        return cmd_store_fail (ctx);
    return s_emit_enrolled (ctx, &k, c.id, m.date);
}

int
cohort_start (cmd_ctx_t *ctx)
{
    tr_cohort_t k;
    char id[TR_ID];
    if (tr_load_cohort (ctx, "cohort", tr_arg (ctx, "cohort", id, sizeof id), &k))
        return -1;
    if (k.status != COHORT_OPEN)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "cohort",
                         "cohort %s is already %s", k.id, tr_cohort_statuses[k.status]);
    if (k.members < COHORT_MIN_MEMBERS)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "cohort",
                         "cohort %s has %d members; it starts with at least %d", k.id,
                         k.members, COHORT_MIN_MEMBERS);
    k.status = COHORT_STARTED;
    tr_arg (ctx, "date", k.started, sizeof k.started);
    if (tr_cohort_save (cmd_tx (ctx), &k))
        return cmd_store_fail (ctx);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "cohort", k.id);
    kv_int (&f, "members", k.members);
    kv_str (&f, "trainer_kind", tr_trainer_kinds[k.trainer_kind]);
    int rc = cmd_emit (ctx, "cohort.started", k.started, NULL, &f);
    kv_destroy (&f);
    if (rc == 0)
        s_reply (ctx, &k);
    return rc;
}

//  --------------------------------------------------------------------------
//  Queries

static void
s_pack_attended (msgpack_packer *pk, uint32_t attended)
{
    msgpack_pack_array (pk, tr_popcount (attended));
    for (int n = 1; n <= TR_MEETINGS; n++)
        if (attended & (1u << (n - 1)))
            msgpack_pack_int (pk, n);
}

typedef struct {
    store_tx_t *tx;
    const char *cohort;
    tr_list_t list;
} members_t;

static int
s_pack_member (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    members_t *m = (members_t *) arg;
    char candidate[TR_ID], ckey[TR_KEY];
    tr_member_t member;
    if (tr_key_tail (key, klen, candidate, sizeof candidate)
        || tr_member_unpack (&member, val, vlen))
        return -1;
    int certified = store_get (m->tx, tr_certificates, ckey,
                               tr_key2 (ckey, m->cohort, candidate), NULL, NULL);
    if (certified < 0)
        return -1;
    msgpack_packer *pk = &m->list.pk;
    msgpack_pack_map (pk, 4);
    pk_kv_str (pk, "candidate", candidate);
    pk_kv_int (pk, "attended", tr_popcount (member.attended));
    pk_str (pk, "meetings");
    s_pack_attended (pk, member.attended);
    pk_kv_bool (pk, "certified", certified == 0);
    m->list.count++;
    return 0;
}

static void
s_pack_meetings (const tr_cohort_t *k, kv_t *reply)
{
    msgpack_packer *pk = kv_key (reply, "meetings");
    msgpack_pack_array (pk, tr_popcount (k->recorded));
    for (int i = 0; i < TR_MEETINGS; i++) {
        if (!(k->recorded & (1u << i)))
            continue;
        msgpack_pack_map (pk, 6);
        pk_kv_int (pk, "number", i + 1);
        pk_kv_str (pk, "kind", tr_meetings[i].kind);
        pk_kv_str (pk, "topic", tr_meetings[i].topic);
        pk_kv_str (pk, "date", k->dates[i]);
        pk_kv_int (pk, "present", k->present[i]);
        pk_kv_int (pk, "members", k->members_at[i]);
    }
}

int
cohort_get (cmd_ctx_t *ctx)
{
    tr_cohort_t k;
    char id[TR_ID], prefix[TR_ID + 1];
    if (tr_load_cohort (ctx, "id", tr_arg (ctx, "id", id, sizeof id), &k))
        return -1;
    s_reply (ctx, &k);
    kv_t *reply = cmd_reply (ctx);
    kv_str (reply, "trainer_kind", tr_trainer_kinds[k.trainer_kind]);
    kv_str (reply, "trainer", k.trainer);
    kv_str (reply, "start", k.start);
    if (*k.started)
        kv_str (reply, "started", k.started);
    if (*k.finished)
        kv_str (reply, "finished", k.finished);
    kv_int (reply, "certificates", k.certificates);
    s_pack_meetings (&k, reply);
    members_t m = {cmd_tx (ctx), k.id, {0, {0, NULL, 0}, {NULL, NULL}}};
    tr_list_init (&m.list);
    int rc = store_scan (m.tx, tr_members, NULL, 0, prefix, tr_key2 (prefix, k.id, ""),
                         s_pack_member, &m);
    tr_list_finish (&m.list, reply, "member_list");
    return rc ? cmd_store_fail (ctx) : 0;
}

typedef struct {
    store_tx_t *tx;
    const char *office;
    int status;
    tr_list_t list;
} known_t;

static int
s_pack_known (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    known_t *k = (known_t *) arg;
    tr_candidate_t c;
    if (tr_candidate_unpack (&c, val, vlen))
        return -1;
    if (!streq (c.office, k->office) || (k->status >= 0 && c.status != k->status))
        return 0;
    char prefix[TR_KEY];
    size_t plen = tr_link_key (prefix, c.id, LINK_MEMBER, "");
    size_t cohorts = 0;
    if (store_count (k->tx, tr_links, prefix, plen, &cohorts))
        return -1;
    msgpack_pack_map (&k->list.pk, 4);
    pk_kv_str (&k->list.pk, "id", c.id);
    pk_kv_str (&k->list.pk, "status", intake_status_name (c.status));
    pk_kv_int (&k->list.pk, "cohorts", (int64_t) cohorts);
    pk_kv_uint (&k->list.pk, "intake_events", c.events);
    k->list.count++;
    return 0;
}

int
cohort_candidates (cmd_ctx_t *ctx)
{
    known_t k = {cmd_tx (ctx),
                 cmd_office (ctx),
                 map_enum (cmd_body (ctx), "status", intake_statuses),
                 {0, {0, NULL, 0}, {NULL, NULL}}};
    tr_list_init (&k.list);
    int rc = store_scan (k.tx, tr_candidates, NULL, 0, NULL, 0, s_pack_known, &k);
    kv_uint (cmd_reply (ctx), "count", k.list.count);
    tr_list_finish (&k.list, cmd_reply (ctx), "candidates");
    return rc ? cmd_store_fail (ctx) : 0;
}
