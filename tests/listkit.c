/*  listkit - services with a stand-in gateway, requests as persons, pages.  */
#include "listkit.h"

#include "page.h"

#define LK_SERVICES 8

//  --------------------------------------------------------------------------
//  The stand-in gateway: person.add, published as the real one does.

static int
s_person_add (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    char name[CODEC_ID_MAX + 1], role[32], offices[256], link[16], ref[CODEC_ID_MAX + 1];
    map_str (body, "person", name, sizeof name);
    map_str (body, "role", role, sizeof role);
    map_str (body, "offices", offices, sizeof offices);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "person", name);
    kv_str (&f, "role", role);
    uint32_t count = 1;
    for (const char *c = offices; *c; c++)
        count += *c == ',';
    msgpack_packer *pk = kv_key (&f, "offices");
    msgpack_pack_array (pk, count);
    char *save = NULL;
    for (char *o = strtok_r (offices, ",", &save); o; o = strtok_r (NULL, ",", &save))
        pk_str (pk, o);
    if (*map_str (body, "link", link, sizeof link))
        kv_str (&f, link, map_str (body, "ref", ref, sizeof ref));
    int rc = cmd_emit (ctx, "person.added", NULL, NULL, &f);
    kv_destroy (&f);
    return rc;
}

// clang-format off
static const field_t s_add_fields[] = {
    {"person", F_ID, true, 0, 0, 0, NULL, NULL},
    {"role", F_ID, true, 0, 0, 0, NULL, NULL},
    {"offices", F_TEXT, true, 0, 0, 0, NULL, NULL},
    {"link", F_ID, false, 0, 0, 0, NULL, NULL},
    {"ref", F_ID, false, 0, 0, 0, NULL, NULL},
    {NULL, 0, false, 0, 0, 0, NULL, NULL}};
// clang-format on
static const command_t s_gateway_rows[] = {
    {"person.add", s_add_fields, s_person_add, CMD_ANY_OFFICE, R_ANYONE, NULL},
    {NULL, NULL, NULL, 0, 0, NULL}};
static const service_def_t s_gateway = {.service = "gateway", .commands = s_gateway_rows};

//  --------------------------------------------------------------------------

struct _lk_t {
    char *dir;
    directory_t *directory;
    size_t count;
    const char *names[LK_SERVICES];
    zactor_t *actors[LK_SERVICES];
    tk_client_t *clients[LK_SERVICES];
    int64_t seq[LK_SERVICES]; //  the last position of each, for after
};

lk_t *
lk_new (const service_def_t *const *defs, size_t count)
{
    assert (count < LK_SERVICES);
    lk_t *self = (lk_t *) zmalloc (sizeof (lk_t));
    self->dir = tk_tmpdir ();
    int base = tk_port_base ();
    char *config = tk_write_config (self->dir, base);
    directory_t *defaults = directory_new_defaults (base);
    if (!directory_instance (defaults, "gateway")) {
        FILE *file = fopen (config, "a");
        fprintf (file,
                 "gateway gateway * tcp://127.0.0.1:%d tcp://127.0.0.1:%d "
                 "tcp://127.0.0.1:%d -\n",
                 base + 60, base + 61, base + 62);
        fclose (file);
    }
    directory_destroy (&defaults);
    char err[256];
    self->directory = directory_new (config, err, sizeof err);
    free (config);
    if (!CHECK (self->directory != NULL)) {
        fprintf (stderr, "  directory: %s\n", err);
        lk_destroy (&self);
        return NULL;
    }
    self->count = count + 1;
    for (size_t s = 0; s < self->count; s++) {
        const service_def_t *def = s == 0 ? &s_gateway : defs[s - 1];
        self->names[s] = def->service;
        self->actors[s] = tk_start (def, def->service, self->dir, self->directory);
        self->clients[s] =
            tk_client_new (directory_instance (self->directory, def->service)->command);
    }
    return self;
}

void
lk_destroy (lk_t **self_p)
{
    lk_t *self = *self_p;
    if (!self)
        return;
    for (size_t s = self->count; s-- > 0;) {
        tk_client_destroy (&self->clients[s]);
        zactor_destroy (&self->actors[s]);
    }
    directory_destroy (&self->directory);
    tk_rmdir (&self->dir);
    free (self);
    *self_p = NULL;
}

directory_t *
lk_directory (lk_t *self)
{
    return self->directory;
}

const char *
lk_page_key (void)
{
    static const field_t page_fields[] = {PAGE_FIELDS};
    return page_fields[1].name;
}

void
lk_drop (tk_msg_t *msg)
{
    tk_msg_destroy (&msg);
}

//  --------------------------------------------------------------------------

static size_t
s_service (lk_t *self, const char *service)
{
    for (size_t s = 0; s < self->count; s++)
        if (streq (self->names[s], service))
            return s;
    assert (false);
    return 0;
}

//  "after" naming every position seen.
static char *
s_after (lk_t *self)
{
    char text[1024] = "";
    size_t len = 0;
    for (size_t s = 0; s < self->count; s++)
        if (self->seq[s])
            len += (size_t) snprintf (
                text + len, sizeof text - len,
                "%s{\"service\":\"%s\",\"instance\":\"%s\",\"seq\":%" PRId64 "}",
                len ? "," : "", self->names[s], self->names[s], self->seq[s]);
    return zsys_sprintf ("[%s]", text);
}

static tk_msg_t *
s_vcall (const char *file, int line, lk_t *self, const char *service, const char *as,
         const char *code, const char *field, const char *fmt, va_list args)
{
    size_t s = s_service (self, service);
    char *body = zsys_vprintf (fmt, args);
    char *after = s_after (self);
    char *as_field = as ? zsys_sprintf ("\"as\":\"%s\",", as) : strdup ("");
    char *cmd = zsys_sprintf ("{%s\"after\":%s,%s", as_field, after, body + 1);
    tk_msg_t *r = tk_expect_at (file, line, self->clients[s], code, "%s", cmd);
    if (tk_ok (r) && tk_int (r, "position.seq") > self->seq[s])
        self->seq[s] = tk_int (r, "position.seq");
    if (code && field
        && !tk_check (streq (tk_str (r, "error.field"), field), file, line,
                      "error.field"))
        fprintf (stderr, "  field was '%s', expected '%s' for %s\n",
                 tk_str (r, "error.field"), field, body);
    free (cmd);
    free (as_field);
    free (after);
    free (body);
    return r;
}

tk_msg_t *
lk_call_at (const char *file, int line, lk_t *self, const char *service, const char *as,
            const char *code, const char *field, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *r = s_vcall (file, line, self, service, as, code, field, fmt, args);
    va_end (args);
    return r;
}

static tk_msg_t *
s_call (const char *file, int line, lk_t *self, const char *service, const char *as,
        const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *r = s_vcall (file, line, self, service, as, NULL, NULL, fmt, args);
    va_end (args);
    return r;
}

void
lk_person (lk_t *self, const char *name, const char *role, const char *offices,
           const char *link, const char *ref)
{
    char *links =
        link ? zsys_sprintf (",\"link\":\"%s\",\"ref\":\"%s\"", link, ref) : strdup ("");
    tk_msg_t *r = s_call (__FILE__, __LINE__, self, "gateway", NULL,
                          "{\"cmd\":\"person.add\",\"person\":\"%s\",\"role\":\"%s\","
                          "\"offices\":\"%s\"%s}",
                          name, role, offices, links);
    tk_msg_destroy (&r);
    free (links);
}

char *
lk_ids (tk_msg_t *reply, const char *key, const char *field)
{
    const msgpack_object *items = tk_get (reply, key);
    char *ids = strdup ("");
    for (uint32_t i = 0;
         items && items->type == MSGPACK_OBJECT_ARRAY && i < items->via.array.size; i++) {
        char id[CODEC_ID_MAX + 1] = "?";
        map_str (&items->via.array.ptr[i], field, id, sizeof id);
        char *more = zsys_sprintf ("%s%s%s", ids, *ids ? " " : "", id);
        free (ids);
        ids = more;
    }
    return ids;
}

char *
lk_walk_at (const char *file, int line, lk_t *self, const char *service, const char *as,
            int limit, const char *key, const char *field, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *query = zsys_vprintf (fmt, args);
    va_end (args);
    char *all = strdup (""), page[CODEC_ID_MAX + 1] = "";
    for (int pages = 0; pages < 1000; pages++) {
        char *asked =
            *page ? zsys_sprintf (",\"%s\":\"%s\"", lk_page_key (), page) : strdup ("");
        //  query without its closing brace, then limit and page.
        tk_msg_t *r = s_call (file, line, self, service, as, "%.*s,\"limit\":%d%s}",
                              (int) strlen (query) - 1, query, limit, asked);
        free (asked);
        const msgpack_object *items = tk_get (r, key);
        uint32_t count =
            items && items->type == MSGPACK_OBJECT_ARRAY ? items->via.array.size : 0;
        tk_check (tk_int (r, "count") == count, file, line, "count == items");
        char *ids = lk_ids (r, key, field);
        char *more = zsys_sprintf ("%s%s%s", all, *all && *ids ? " " : "", ids);
        free (all);
        free (ids);
        all = more;
        const msgpack_object *next = tk_get (r, "next");
        bool last = !next;
        if (!last) {
            //  A page that says more follow is full, and next is its last.
            tk_check ((int) count == limit, file, line, "a page with next is full");
            const char *tail = strrchr (all, ' ') ? strrchr (all, ' ') + 1 : all;
            tk_check (streq (tk_str (r, "next"), tail), file, line, "next is the last");
            snprintf (page, sizeof page, "%s", tk_str (r, "next"));
        }
        tk_msg_destroy (&r);
        if (last)
            break;
    }
    free (query);
    return all;
}
