/*  reporting - the reporting service: its one query, its tables and the
    applier that turns every followed stream's events into aggregates.  */
#include "reporting.h"

#include "section.h"
#include "summary.h"

#include <errno.h>

// clang-format off
#define END {NULL, 0, false, 0, 0, 0, NULL, NULL}
#define REQ(n, t) {n, t, true, 0, 0, 0, NULL, NULL}
// clang-format on

static const field_t s_summary_fields[] = {REQ ("from", F_DATE),
                                           REQ ("to", F_DATE),
                                           {"k", F_INT, false, 1, 1000000, 0, NULL, NULL},
                                           END};

static const char *const s_tables[] = {RS_TABLES, NULL};
static const char *const s_follows[] = {"intake", "training", "placement", "feedback",
                                        NULL};

int64_t
reporting_k (void)
{
    const char *text = getenv ("OPSTAP_REPORT_K");
    if (!text || !*text)
        return REPORTING_K_DEFAULT;
    char *end = NULL;
    errno = 0;
    long long k = strtoll (text, &end, 10);
    return *end || errno || k < 1 || k > 1000000 ? -1 : (int64_t) k;
}

//  --------------------------------------------------------------------------
//  Applying events

//  Every record of the candidate moves from the id to intake's token, so
//  none names the candidate and a rebuild from the rewritten streams,
//  which know only the token, keys them the same.
static int
s_erased (store_tx_t *tx, const agg_event_t *ev)
{
    char id[AGG_ID], token[AGG_ID];
    agg_str (ev, "candidate", id, sizeof id);
    agg_str (ev, "token", token, sizeof token);
    if (!codec_valid_id (id, strlen (id)) || !codec_valid_id (token, strlen (token))
        || strcmp (id, token) == 0)
        return 0;
    if (intake_agg_erase (tx, id, token) || agg_distinct_rekey (tx, id, token))
        return -1;
    return 0;
}

static int
s_note_office (store_tx_t *tx, const char *office)
{
    int rc = store_get (tx, "offices", office, strlen (office), NULL, NULL);
    return rc == 1 ? agg_note_office (tx, office) : rc;
}

static int
s_apply (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    agg_event_t ev;
    //  What cannot be read is not a figure: skipped, never retried.
    if (agg_event (&ev, event))
        return 0;
    if (strcmp (ev.type, "candidate.erased") == 0)
        return s_erased (tx, &ev);
    if (s_note_office (tx, ev.office))
        return -1;
    if (strcmp (ev.service, "intake") == 0)
        return intake_agg_apply (tx, &ev);
    if (strcmp (ev.service, "training") == 0)
        return experts_agg_apply (tx, &ev) || training_agg_apply (tx, &ev) ? -1 : 0;
    if (strcmp (ev.service, "placement") == 0)
        return placement_agg_apply (tx, &ev);
    if (strcmp (ev.service, "feedback") == 0)
        return satisfaction_agg_apply (tx, &ev);
    return 0;
}

//  --------------------------------------------------------------------------
//  report.summary

static int
s_read_section (store_tx_t *tx, const rs_period_t *p, rs_section_t *s)
{
    if (intake_agg_read (tx, p, &s->intake) || experts_agg_read (tx, p, &s->experts)
        || training_agg_read (tx, p, &s->training)
        || placement_agg_read (tx, p, &s->placement)
        || satisfaction_agg_read (tx, p, s->satisfaction))
        return -1;
    return 0;
}

static int
s_collect_office (const char *name, void *arg)
{
    return zlistx_add_end ((zlistx_t *) arg, (void *) name) ? 0 : -1;
}

//  Packs each office's section under "offices" and adds it to total.
static int
s_pack_offices (store_tx_t *tx, kv_t *reply, zlistx_t *offices, rs_period_t *p,
                rs_section_t *total)
{
    msgpack_packer *pk = kv_key (reply, "offices");
    msgpack_pack_map (pk, (uint32_t) zlistx_size (offices));
    for (const char *office = (const char *) zlistx_first (offices); office;
         office = (const char *) zlistx_next (offices)) {
        rs_section_t section;
        rs_section_init (&section);
        p->office = office;
        int rc = s_read_section (tx, p, &section);
        if (rc == 0)
            rc = rs_section_merge (total, &section);
        if (rc == 0) {
            pk_str (pk, office);
            summary_pack (pk, &section, p->k);
        }
        rs_section_destroy (&section);
        if (rc)
            return -1;
    }
    return 0;
}

int
reporting_summary (store_tx_t *tx, const char *office, const char *from, const char *to,
                   int64_t k, kv_t *reply)
{
    zlistx_t *offices = zlistx_new ();
    zlistx_set_duplicator (offices, (zlistx_duplicator_fn *) strdup);
    zlistx_set_destructor (offices, (zlistx_destructor_fn *) zstr_free);
    int rc = office && *office ? s_collect_office (office, offices)
                               : agg_offices (tx, s_collect_office, offices);
    kv_str (reply, "from", from);
    kv_str (reply, "to", to);
    kv_int (reply, "k", k);
    rs_section_t total;
    rs_section_init (&total);
    rs_period_t p = {NULL, from, to, k};
    if (rc == 0)
        rc = s_pack_offices (tx, reply, offices, &p, &total);
    if (rc == 0)
        summary_pack (kv_key (reply, "total"), &total, k);
    rs_section_destroy (&total);
    zlistx_destroy (&offices);
    return rc ? -1 : 0;
}

static int
s_summary (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    char from[11], to[11];
    map_str (body, "from", from, sizeof from);
    map_str (body, "to", to, sizeof to);
    if (strcmp (from, to) > 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "to", "to %s is before from %s", to,
                         from);
    int64_t k = reporting_k (), asked = map_int (body, "k", 0);
    if (k < 0)
        return cmd_fail (ctx, ERR_INTERNAL, NULL,
                         "OPSTAP_REPORT_K is not an integer >= 1");
    //  A request may raise k, never lower it.
    k = asked > k ? asked : k;
    if (reporting_summary (cmd_tx (ctx), cmd_office (ctx), from, to, k, cmd_reply (ctx)))
        return cmd_store_fail (ctx);
    return 0;
}

//  --------------------------------------------------------------------------

static const command_t s_commands[] = {
    {"report.summary", s_summary_fields, s_summary, true, true},
    {NULL, NULL, NULL, false, false}};

static const service_def_t s_reporting = {.service = "reporting",
                                          .tables = s_tables,
                                          .commands = s_commands,
                                          .follows = s_follows,
                                          .apply = s_apply};

const service_def_t *
reporting_service (void)
{
    return &s_reporting;
}

const char *
reporting_arg (int argc, char *argv[], const char *name, const char *dflt)
{
    for (int i = 1; i + 1 < argc; i++)
        if (streq (argv[i], name))
            return argv[i + 1];
    return dflt;
}
