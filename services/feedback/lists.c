/*  lists - the office's surveys (without their texts) and signals (with
    theirs: staff read them here, the store is where they live), a page at
    a time (page.h), in id order. A candidate's surveys are found through
    the by_candidate index, not by reading every survey.  */
#include "handlers.h"

#include "page.h"

//  --------------------------------------------------------------------------
//  Surveys

typedef struct {
    store_tx_t *tx;
    const char *office;
    char candidate[FB_ID_SIZE]; //  empty: any
    int about, status;          //  -1: any
    page_t page;
    survey_t survey; //  scratch, too big for each callback's stack frame
} surveys_t;

//  0 goes on, 1 stops (the page is full and another matched).
static int
s_survey_take (surveys_t *l, const survey_t *s)
{
    if (page_before (&l->page, s->id) || strcmp (s->office, l->office) != 0
        || (*l->candidate && strcmp (s->candidate, l->candidate) != 0)
        || (l->about >= 0 && s->about != l->about)
        || (l->status >= 0 && survey_status (s) != l->status))
        return 0;
    if (page_full (&l->page))
        return 1;
    kv_t kv;
    kv_init (&kv);
    survey_describe (s, &kv, false);
    kv_pack_map (&kv, page_add (&l->page, s->id), &l->page.items, 0);
    kv_destroy (&kv);
    return 0;
}

static int
s_survey_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    surveys_t *l = (surveys_t *) arg;
    if (survey_decode (&l->survey, val, vlen))
        return -1;
    return s_survey_take (l, &l->survey);
}

//  A key of the index: candidate NUL survey.
static int
s_indexed_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) val, (void) vlen;
    surveys_t *l = (surveys_t *) arg;
    size_t clen = strlen (l->candidate) + 1;
    char id[FB_ID_SIZE];
    if (klen <= clen || klen - clen >= sizeof id)
        return -1;
    memcpy (id, (const char *) key + clen, klen - clen);
    id[klen - clen] = 0;
    if (survey_get_record (l->tx, id, &l->survey) != 0)
        return -1;
    return s_survey_take (l, &l->survey);
}

static int
s_scan_candidate (surveys_t *l)
{
    char from[2 * FB_ID_SIZE];
    size_t clen = strlen (l->candidate) + 1, flen;
    memcpy (from, l->candidate, clen);
    const char *after = page_from (&l->page, &flen);
    if (after)
        memcpy (from + clen, after, flen);
    return store_scan (l->tx, fb_by_candidate, from, clen + (after ? flen : 0), from,
                       clen, s_indexed_each, l);
}

int
survey_list (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    surveys_t *l = (surveys_t *) zmalloc (sizeof (surveys_t));
    l->tx = cmd_tx (ctx);
    l->office = cmd_office (ctx);
    map_str (body, "candidate", l->candidate, sizeof l->candidate);
    l->about = map_enum (body, "about", survey_abouts);
    l->status = map_enum (body, "status", survey_statuses);
    page_init (&l->page, body);
    size_t flen;
    const char *from = page_from (&l->page, &flen);
    int rc = *l->candidate
                 ? s_scan_candidate (l)
                 : store_scan (l->tx, fb_surveys, from, flen, NULL, 0, s_survey_each, l);
    if (rc == 0)
        page_finish (&l->page, cmd_reply (ctx), "surveys");
    page_destroy (&l->page);
    free (l);
    return rc ? cmd_store_fail (ctx) : 0;
}

//  --------------------------------------------------------------------------
//  Signals

typedef struct {
    const char *office;
    int status; //  -1: any
    page_t page;
    signal_t signal; //  scratch
} signals_t;

static int
s_signal_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key, (void) klen;
    signals_t *l = (signals_t *) arg;
    signal_t *s = &l->signal;
    if (signal_decode (s, val, vlen))
        return -1;
    if (page_before (&l->page, s->id) || strcmp (s->office, l->office) != 0
        || (l->status >= 0 && (*s->resolved ? 1 : 0) != l->status))
        return 0;
    if (page_full (&l->page))
        return 1;
    kv_t kv;
    kv_init (&kv);
    signal_describe (s, &kv);
    kv_str (&kv, "text", s->text);
    kv_pack_map (&kv, page_add (&l->page, s->id), &l->page.items, 0);
    kv_destroy (&kv);
    return 0;
}

int
signal_list (cmd_ctx_t *ctx)
{
    signals_t *l = (signals_t *) zmalloc (sizeof (signals_t));
    l->office = cmd_office (ctx);
    l->status = map_enum (cmd_body (ctx), "status", signal_statuses);
    page_init (&l->page, cmd_body (ctx));
    size_t flen;
    const char *from = page_from (&l->page, &flen);
    int rc = store_scan (cmd_tx (ctx), fb_signals, from, flen, NULL, 0, s_signal_each, l);
    if (rc == 0)
        page_finish (&l->page, cmd_reply (ctx), "signals");
    page_destroy (&l->page);
    free (l);
    return rc ? cmd_store_fail (ctx) : 0;
}
