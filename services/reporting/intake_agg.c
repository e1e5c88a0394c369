/*  intake_agg - the intake section: counts of the lifecycle events by day,
    and each candidate's stage history, turned into dated changes of the
    "latest stage" counts so the state as of any day is a sum.

    stages    candidate -> [office, [[date, stage, stagnation], ...]]
              the assessments in stream order, the only per-candidate
              record of this section; erasure moves it to the token.  */
#include "intake_event.h"
#include "section.h"

#define HISTORY_MAX 256 //  intake keeps at most 200 assessments
#define CHANGES_MAX (4 * HISTORY_MAX + 2)

typedef struct {
    char date[11];
    int stage, stagnation; //  indexes, stagnation -1 when none
} assessment_t;

typedef struct {
    char office[AGG_ID];
    assessment_t items[HISTORY_MAX];
    size_t count;
} history_t;

//  A change to a dated counter; metric is "<kind>.<code>" or "in.in_motion".
typedef struct {
    const char *prefix;
    const char *code;
    char date[11];
    int64_t delta;
} change_t;

typedef struct {
    change_t items[CHANGES_MAX];
    size_t count;
} changes_t;

//  --------------------------------------------------------------------------
//  Stage history

static int
s_history_load (store_tx_t *tx, const char *id, history_t *h)
{
    const void *val;
    size_t vlen;
    int rc = store_get (tx, rt_stages, id, strlen (id), &val, &vlen);
    if (rc != 0)
        return rc;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    const msgpack_object *root = msg ? msg_root (msg) : NULL;
    const msgpack_object *items = obj_get (root, "items");
    map_str (root, "office", h->office, sizeof h->office);
    for (uint32_t i = 0; items && items->type == MSGPACK_OBJECT_ARRAY
                         && i < items->via.array.size && h->count < HISTORY_MAX;
         i++) {
        const msgpack_object *item = &items->via.array.ptr[i];
        assessment_t *a = &h->items[h->count++];
        map_str (item, "date", a->date, sizeof a->date);
        a->stage = (int) map_int (item, "stage", 0);
        a->stagnation = (int) map_int (item, "stagnation", -1);
    }
    int result = msg ? 0 : -1;
    msg_destroy (&msg);
    return result;
}

static int
s_history_save (store_tx_t *tx, const char *id, const history_t *h)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 2);
    pk_kv_str (&pk, "office", h->office);
    pk_str (&pk, "items");
    msgpack_pack_array (&pk, (uint32_t) h->count);
    for (size_t i = 0; i < h->count; i++) {
        msgpack_pack_map (&pk, 3);
        pk_kv_str (&pk, "date", h->items[i].date);
        pk_kv_int (&pk, "stage", h->items[i].stage);
        pk_kv_int (&pk, "stagnation", h->items[i].stagnation);
    }
    int rc = store_put (tx, rt_stages, id, strlen (id), buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    return rc;
}

//  Adds a change, folding it into an earlier one of the same counter and day.
static void
s_change (changes_t *c, const char *prefix, const char *code, const char *date, int64_t d)
{
    for (size_t i = 0; i < c->count; i++) {
        change_t *x = &c->items[i];
        if (strcmp (x->prefix, prefix) == 0 && strcmp (x->code, code) == 0
            && strcmp (x->date, date) == 0) {
            x->delta += d;
            return;
        }
    }
    if (c->count < CHANGES_MAX) {
        change_t *x = &c->items[c->count++];
        x->prefix = prefix;
        x->code = code;
        snprintf (x->date, sizeof x->date, "%s", date);
        x->delta = d;
    }
}

//  The history's contribution to the dated counters, times sign: on each
//  assessment day the latest assessment of that day (stream order breaks
//  ties) replaces the state before it; "in motion" begins on the day a
//  second, different stage is first assessed.
static void
s_contribute (const history_t *h, int64_t sign, changes_t *c)
{
    size_t order[HISTORY_MAX];
    for (size_t i = 0; i < h->count; i++) {
        size_t j = i;
        for (; j > 0 && strcmp (h->items[order[j - 1]].date, h->items[i].date) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    int stage = -1, stagnation = -1;
    bool moved = false;
    for (size_t i = 0; i < h->count; i++) {
        const assessment_t *a = &h->items[order[i]];
        if (!moved && a->stage != h->items[order[0]].stage) {
            s_change (c, "in.in_motion", "", a->date, sign);
            moved = true;
        }
        if (i + 1 < h->count && strcmp (h->items[order[i + 1]].date, a->date) == 0)
            continue;
        if (a->stage != stage) {
            if (stage >= 0)
                s_change (c, "in.stage", rs_stages[stage], a->date, -sign);
            s_change (c, "in.stage", rs_stages[a->stage], a->date, sign);
        }
        if (a->stagnation != stagnation) {
            if (stagnation >= 0)
                s_change (c, "in.stagnation", rs_stagnations[stagnation], a->date, -sign);
            if (a->stagnation >= 0)
                s_change (c, "in.stagnation", rs_stagnations[a->stagnation], a->date,
                          sign);
        }
        stage = a->stage;
        stagnation = a->stagnation;
    }
}

static int
s_apply_changes (store_tx_t *tx, const char *office, const changes_t *c)
{
    for (size_t i = 0; i < c->count; i++) {
        const change_t *x = &c->items[i];
        int rc = *x->code ? agg_add2 (tx, office, x->prefix, x->code, x->date, x->delta)
                          : agg_add (tx, office, x->prefix, x->date, x->delta);
        if (rc)
            return -1;
    }
    return 0;
}

static int
s_stage_assessed (store_tx_t *tx, const agg_event_t *ev, const char *id)
{
    char code[AGG_ID];
    int stage = agg_index (rs_stages, agg_str (ev, "stage", code, sizeof code));
    int stagnation =
        agg_index (rs_stagnations, agg_str (ev, "stagnation", code, sizeof code));
    if (stage < 0 || !*ev->date)
        return 0;
    history_t *h = (history_t *) zmalloc (sizeof (history_t));
    changes_t *c = (changes_t *) zmalloc (sizeof (changes_t));
    int rc = s_history_load (tx, id, h);
    if (rc == 1)
        snprintf (h->office, sizeof h->office, "%s", ev->office);
    if (rc >= 0 && h->count < HISTORY_MAX) {
        s_contribute (h, -1, c);
        assessment_t *a = &h->items[h->count++];
        memcpy (a->date, ev->date, sizeof a->date);
        a->stage = stage;
        a->stagnation = stagnation;
        s_contribute (h, 1, c);
        rc = s_apply_changes (tx, h->office, c) || s_history_save (tx, id, h) ? -1 : 0;
    }
    free (c);
    free (h);
    return rc < 0 ? -1 : 0;
}

int
intake_agg_erase (store_tx_t *tx, const char *id, const char *token)
{
    const void *val;
    size_t vlen;
    int rc = store_get (tx, rt_stages, id, strlen (id), &val, &vlen);
    if (rc == 1)
        return 0;
    //  A value read in a write transaction does not outlive the next write.
    void *copy = rc == 0 ? malloc (vlen ? vlen : 1) : NULL;
    if (copy)
        memcpy (copy, val, vlen);
    rc = copy && store_put (tx, rt_stages, token, strlen (token), copy, vlen) == 0
             ? store_del (tx, rt_stages, id, strlen (id))
             : -1;
    free (copy);
    return rc;
}

//  --------------------------------------------------------------------------
//  Lifecycle counts

static int
s_registered (store_tx_t *tx, const agg_event_t *ev)
{
    const char *o = ev->office, *d = ev->date;
    char code[AGG_ID];
    bool eligible = map_bool (ev->event, "eligible", false);
    if (agg_add (tx, o, "in.registered", d, 1)
        || agg_add (tx, o, eligible ? "in.eligible" : "in.not_eligible", d, 1))
        return -1;
    const msgpack_object *reasons = obj_get (ev->event, "reasons");
    for (uint32_t i = 0; !eligible && reasons && reasons->type == MSGPACK_OBJECT_ARRAY
                         && i < reasons->via.array.size;
         i++) {
        if (obj_str (&reasons->via.array.ptr[i], code, sizeof code) == 0
            && agg_index (rs_reasons, code) >= 0 && agg_add2 (tx, o, "in.ne", code, d, 1))
            return -1;
    }
    agg_str (ev, "referral", code, sizeof code);
    if (agg_index (rs_referrals, code) >= 0
        && agg_add2 (tx, o, "in.referral", code, d, 1))
        return -1;
    return 0;
}

static int
s_deferred (store_tx_t *tx, const agg_event_t *ev)
{
    char reason[AGG_ID];
    agg_str (ev, "reason", reason, sizeof reason);
    if (agg_add (tx, ev->office, "in.deferred", ev->date, 1))
        return -1;
    if (!codec_valid_label (reason, strlen (reason)))
        return 0;
    if (agg_note_label (tx, ev->office, "deferral", reason)
        || agg_add2 (tx, ev->office, "in.deferred", reason, ev->date, 1))
        return -1;
    return 0;
}

int
intake_agg_apply (store_tx_t *tx, const agg_event_t *ev)
{
    intake_event_t ie;
    if (!*ev->date || intake_event_read (ev->event, &ie) != 0)
        return 0;
    const char *o = ev->office, *d = ev->date;
    switch (ie.type) {
    case IE_REGISTERED:
        return s_registered (tx, ev);
    case IE_DEFERRED:
        return s_deferred (tx, ev);
    case IE_STAGE_ASSESSED:
        return s_stage_assessed (tx, ev, ie.id);
    case IE_INFO_SESSION_ATTENDED:
        return agg_add (tx, o, "in.info_session_attended", d, 1);
    case IE_ADMITTED:
        return agg_add (tx, o, "in.admitted", d, 1);
    case IE_DECLINED:
        return agg_add (tx, o, "in.declined", d, 1);
    case IE_WITHDRAWN:
        return agg_add (tx, o, "in.withdrawn", d, 1);
    default:
        return 0;
    }
}

//  --------------------------------------------------------------------------
//  Reading

//  Period sums of "<prefix>.<code>" for every code of a list.
static int
s_sum_codes (store_tx_t *tx, const rs_period_t *p, const char *prefix,
             const char *const *codes, int64_t *out)
{
    for (int i = 0; codes[i]; i++)
        if (agg_sum2 (tx, p->office, prefix, codes[i], p->from, p->to, &out[i]))
            return -1;
    return 0;
}

static int
s_asof_codes (store_tx_t *tx, const rs_period_t *p, const char *prefix,
              const char *const *codes, int64_t *out)
{
    char metric[160];
    for (int i = 0; codes[i]; i++) {
        snprintf (metric, sizeof metric, "%s.%s", prefix, codes[i]);
        if (agg_asof (tx, p->office, metric, p->to, &out[i]))
            return -1;
    }
    return 0;
}

typedef struct {
    store_tx_t *tx;
    const rs_period_t *p;
    rs_tally_t *tally;
} reasons_t;

static int
s_deferral_reason (const char *reason, void *arg)
{
    reasons_t *r = (reasons_t *) arg;
    int64_t n;
    if (agg_sum2 (r->tx, r->p->office, "in.deferred", reason, r->p->from, r->p->to, &n))
        return -1;
    return n ? rs_tally_add (r->tally, reason, n) : 0;
}

int
intake_agg_read (store_tx_t *tx, const rs_period_t *p, rs_intake_t *out)
{
    struct {
        const char *metric;
        int64_t *value;
    } sums[] = {{"in.registered", &out->registered},
                {"in.eligible", &out->eligible},
                {"in.not_eligible", &out->not_eligible},
                {"in.info_session_attended", &out->info_session_attended},
                {"in.admitted", &out->admitted},
                {"in.deferred", &out->deferred},
                {"in.declined", &out->declined},
                {"in.withdrawn", &out->withdrawn}};
    for (size_t i = 0; i < sizeof sums / sizeof sums[0]; i++)
        if (agg_sum (tx, p->office, sums[i].metric, p->from, p->to, sums[i].value))
            return -1;
    reasons_t r = {tx, p, &out->deferral_reasons};
    if (s_sum_codes (tx, p, "in.ne", rs_reasons, out->by_reason)
        || s_sum_codes (tx, p, "in.referral", rs_referrals, out->referral)
        || agg_labels (tx, p->office, "deferral", s_deferral_reason, &r)
        || s_asof_codes (tx, p, "in.stage", rs_stages, out->stage)
        || s_asof_codes (tx, p, "in.stagnation", rs_stagnations, out->stagnation)
        || agg_asof (tx, p->office, "in.in_motion", p->to, &out->in_motion))
        return -1;
    return 0;
}
