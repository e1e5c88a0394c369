/*  report - report.summary: every office's section (or one office's) for
    a period, with disclosure control at the service's k or higher.  */
#include "handlers.h"

#include "section.h"
#include "summary.h"

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

int
report_summary (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    char from[11], to[11];
    map_str (body, "from", from, sizeof from);
    map_str (body, "to", to, sizeof to);
    if (strcmp (from, to) > 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "to", "to %s is before from %s", to,
                         from);
    const reporting_config_t *config = (const reporting_config_t *) cmd_state (ctx);
    int64_t k = config->k, asked = map_int (body, "k", 0);
    //  A request may raise k, never lower it.
    k = asked > k ? asked : k;
    if (reporting_summary (cmd_tx (ctx), cmd_office (ctx), from, to, k, cmd_reply (ctx)))
        return cmd_store_fail (ctx);
    return 0;
}
