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

static void
s_describe (const signal_t *s, kv_t *kv)
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
    s_describe (first, cmd_reply (ctx));
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
    s_describe (&s, cmd_reply (ctx));
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
    s_describe (&s, cmd_reply (ctx));
    return 0;
}

typedef struct {
    const char *office;
    int status; //  -1: any
    uint32_t count;
    msgpack_sbuffer items;
    msgpack_packer pk;
    signal_t signal; //  scratch, too big for each callback's stack frame
} list_t;

static int
s_list_one (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    list_t *list = (list_t *) arg;
    signal_t *s = &list->signal;
    if (signal_decode (s, val, vlen))
        return -1;
    if (strcmp (s->office, list->office) != 0
        || (list->status >= 0 && (*s->resolved ? 1 : 0) != list->status))
        return 0;
    kv_t kv;
    kv_init (&kv);
    s_describe (s, &kv);
    //  Staff read the texts here: the store is where they live.
    kv_str (&kv, "text", s->text);
    kv_pack_map (&kv, &list->pk, &list->items, 0);
    kv_destroy (&kv);
    list->count++;
    return 0;
}

int
signal_list (cmd_ctx_t *ctx)
{
    list_t *list = (list_t *) zmalloc (sizeof (list_t));
    list->office = cmd_office (ctx);
    list->status = map_enum (cmd_body (ctx), "status", signal_statuses);
    msgpack_sbuffer_init (&list->items);
    msgpack_packer_init (&list->pk, &list->items, msgpack_sbuffer_write);
    int rc = store_scan (cmd_tx (ctx), fb_signals, NULL, 0, NULL, 0, s_list_one, list);
    if (rc == 0) {
        kv_t *reply = cmd_reply (ctx);
        kv_uint (reply, "count", list->count);
        msgpack_pack_array (kv_key (reply, "signals"), list->count);
        msgpack_sbuffer_write (&reply->buf, list->items.data, list->items.size);
    }
    msgpack_sbuffer_destroy (&list->items);
    free (list);
    return rc ? cmd_store_fail (ctx) : 0;
}
