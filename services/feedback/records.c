/*  records - the feedback service's stored records.  */
#include "records.h"

STORE_TABLE (fb_candidates, "candidates");
STORE_TABLE (fb_surveys, "surveys");
STORE_TABLE (fb_by_candidate, "by_candidate");
STORE_TABLE (fb_signals, "signals");

const char *const survey_abouts[] = {"expert", "training", "placement", "programme",
                                     NULL};
const char *const survey_statuses[] = {"invited", "responded", NULL};
const char *const signal_statuses[] = {"open", "resolved", NULL};

typedef void (unpack_fn) (void *rec, const msgpack_object *map);

static int
s_decode (const void *data, size_t size, unpack_fn *unpack, void *rec)
{
    oerr_t err;
    //  The decoded objects point into data: copied out before it goes.
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return -1;
    unpack (rec, msg_root (msg));
    msg_destroy (&msg);
    return 0;
}

static int
s_get (store_tx_t *tx, const store_table_t *table, const char *id, unpack_fn *unpack,
       void *rec)
{
    const void *val;
    size_t vlen;
    int rc = store_get (tx, table, id, strlen (id), &val, &vlen);
    if (rc != 0)
        return rc;
    return s_decode (val, vlen, unpack, rec);
}

//  --------------------------------------------------------------------------
//  Known candidates

static void
s_known_unpack (void *rec, const msgpack_object *m)
{
    known_t *k = (known_t *) rec;
    memset (k, 0, sizeof *k);
    map_str (m, "id", k->id, sizeof k->id);
    map_str (m, "office", k->office, sizeof k->office);
    k->evaluation_contact = map_bool (m, "evaluation_contact", false);
    map_str (m, "registered", k->registered, sizeof k->registered);
}

int
known_get (store_tx_t *tx, const char *id, known_t *known)
{
    return s_get (tx, fb_candidates, id, s_known_unpack, known);
}

int
known_put (store_tx_t *tx, const known_t *known)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", known->id);
    kv_str (&kv, "office", known->office);
    kv_bool (&kv, "evaluation_contact", known->evaluation_contact);
    kv_str (&kv, "registered", known->registered);
    int rc = kv_store (&kv, tx, fb_candidates, known->id, strlen (known->id));
    kv_destroy (&kv);
    return rc;
}

//  --------------------------------------------------------------------------
//  Surveys

static void
s_survey_unpack (void *rec, const msgpack_object *m)
{
    survey_t *s = (survey_t *) rec;
    memset (s, 0, sizeof *s);
    map_str (m, "id", s->id, sizeof s->id);
    map_str (m, "office", s->office, sizeof s->office);
    map_str (m, "candidate", s->candidate, sizeof s->candidate);
    s->about = (int) map_int (m, "about", 0);
    if (s->about < 0 || s->about >= SURVEY_ABOUTS)
        s->about = 0;
    map_str (m, "invited", s->invited, sizeof s->invited);
    map_str (m, "responded", s->responded, sizeof s->responded);
    s->half_points = (int) map_int (m, "half_points", 0);
    map_str (m, "experience", s->experience, sizeof s->experience);
    map_str (m, "yield", s->yield, sizeof s->yield);
    s->invited_seq = (uint64_t) map_int (m, "invited_seq", 0);
    s->responded_seq = (uint64_t) map_int (m, "responded_seq", 0);
}

int
survey_decode (survey_t *survey, const void *data, size_t size)
{
    return s_decode (data, size, s_survey_unpack, survey);
}

int
survey_get_record (store_tx_t *tx, const char *id, survey_t *survey)
{
    return s_get (tx, fb_surveys, id, s_survey_unpack, survey);
}

int
survey_put_record (store_tx_t *tx, const survey_t *s)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", s->id);
    kv_str (&kv, "office", s->office);
    kv_str (&kv, "candidate", s->candidate);
    kv_int (&kv, "about", s->about);
    kv_str (&kv, "invited", s->invited);
    kv_str (&kv, "responded", s->responded);
    kv_int (&kv, "half_points", s->half_points);
    kv_str (&kv, "experience", s->experience);
    kv_str (&kv, "yield", s->yield);
    kv_uint (&kv, "invited_seq", s->invited_seq);
    kv_uint (&kv, "responded_seq", s->responded_seq);
    int rc = kv_store (&kv, tx, fb_surveys, s->id, strlen (s->id));
    kv_destroy (&kv);
    return rc;
}

int
survey_status (const survey_t *survey)
{
    return *survey->responded ? 1 : 0;
}

//  --------------------------------------------------------------------------
//  Signals

static void
s_signal_unpack (void *rec, const msgpack_object *m)
{
    signal_t *s = (signal_t *) rec;
    memset (s, 0, sizeof *s);
    map_str (m, "id", s->id, sizeof s->id);
    map_str (m, "office", s->office, sizeof s->office);
    map_str (m, "category", s->category, sizeof s->category);
    map_str (m, "text", s->text, sizeof s->text);
    map_str (m, "reported", s->reported, sizeof s->reported);
    map_str (m, "resolved", s->resolved, sizeof s->resolved);
}

int
signal_decode (signal_t *signal, const void *data, size_t size)
{
    return s_decode (data, size, s_signal_unpack, signal);
}

int
signal_get_record (store_tx_t *tx, const char *id, signal_t *signal)
{
    return s_get (tx, fb_signals, id, s_signal_unpack, signal);
}

int
signal_put_record (store_tx_t *tx, const signal_t *s)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "id", s->id);
    kv_str (&kv, "office", s->office);
    kv_str (&kv, "category", s->category);
    kv_str (&kv, "text", s->text);
    kv_str (&kv, "reported", s->reported);
    kv_str (&kv, "resolved", s->resolved);
    int rc = kv_store (&kv, tx, fb_signals, s->id, strlen (s->id));
    kv_destroy (&kv);
    return rc;
}

//  --------------------------------------------------------------------------

void
fb_new_id (cmd_ctx_t *ctx, const char *prefix, char id[FB_ID_SIZE])
{
    const msgpack_object *body = cmd_body (ctx);
    if (map_has (body, "id")) {
        map_str (body, "id", id, FB_ID_SIZE);
        return;
    }
    codec_new_id (id, FB_ID_SIZE, prefix);
}
