/*  signal - bottleneck signals raised by staff: a category (a code the
    staff chooses, safe on a stream) and a text that stays in this store.  */
#include "handlers.h"

static int
s_load (cmd_ctx_t *ctx, signal_t *s)
{
    char id[FB_ID_SIZE];
    map_str (cmd_body (ctx), "id", id, sizeof id);
    int rc = signal_get_record (cmd_tx (ctx), id, s);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 1 || strcmp (s->office, cmd_office (ctx)) != 0)
        return cmd_fail (ctx, ERR_NOT_FOUND, "id", "no signal %s at office %s", id,
                         cmd_office (ctx));
    return 0;
}

void
signal_describe (const signal_t *s, kv_t *kv)
{
    kv_str (kv, "id", s->id);
    kv_str (kv, "category", s->category);
    kv_str (kv, "status", signal_statuses[*s->resolved ? 1 : 0]);
    kv_str (kv, "reported", s->reported);
    if (*s->resolved)
        kv_str (kv, "resolved", s->resolved);
}

static int
s_emit (cmd_ctx_t *ctx, const char *type, const signal_t *s, const char *date)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "signal", s->id);
    kv_str (&f, "category", s->category);
    if (*s->resolved)
        kv_str (&f, "reported", s->reported);
    int rc = cmd_emit (ctx, type, date, NULL, &f);
    kv_destroy (&f);
    return rc;
}

//  The same id again: the same signal answers as before, another is a
//  conflict (also when the id is taken at another office).
static int
s_report_again (cmd_ctx_t *ctx, const signal_t *first, const signal_t *asked)
{
    if (strcmp (first->office, asked->office) != 0
        || strcmp (first->category, asked->category) != 0
        || strcmp (first->text, asked->text) != 0
        || strcmp (first->reported, asked->reported) != 0)
        return cmd_fail (ctx, ERR_CONFLICT, "id", "signal %s exists with other details",
                         asked->id);
    signal_describe (first, cmd_reply (ctx));
    return 0;
}

int
signal_report (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    signal_t s, first;
    memset (&s, 0, sizeof s);
    fb_new_id (ctx, "sig", s.id);
    snprintf (s.office, sizeof s.office, "%s", cmd_office (ctx));
    map_str (body, "category", s.category, sizeof s.category);
    map_str (body, "text", s.text, sizeof s.text);
    map_str (body, "date", s.reported, sizeof s.reported);
    int rc = signal_get_record (cmd_tx (ctx), s.id, &first);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0)
        return s_report_again (ctx, &first, &s);
    if (s_emit (ctx, "signal.reported", &s, s.reported))
        return -1;
    if (signal_put_record (cmd_tx (ctx), &s))
        return cmd_store_fail (ctx);
    signal_describe (&s, cmd_reply (ctx));
    return 0;
}

int
signal_resolve (cmd_ctx_t *ctx)
{
    signal_t s;
    if (s_load (ctx, &s))
        return -1;
    //  Resolving ends the signal's life: like "already ended" elsewhere.
    if (*s.resolved)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id",
                         "signal %s was resolved on %s", s.id, s.resolved);
    map_str (cmd_body (ctx), "date", s.resolved, sizeof s.resolved);
    if (strcmp (s.resolved, s.reported) < 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "date",
                         "date %s is before the report on %s", s.resolved, s.reported);
    if (s_emit (ctx, "signal.resolved", &s, s.resolved))
        return -1;
    if (signal_put_record (cmd_tx (ctx), &s))
        return cmd_store_fail (ctx);
    signal_describe (&s, cmd_reply (ctx));
    return 0;
}
