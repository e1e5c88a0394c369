/*  web - the dashboard's HTTP side: libmicrohttpd on its own thread, the
    viewer's offices from the policy file, the query, and report.summary
    asked of the reporting service over its own command socket.

    Why over the socket: the service's store belongs to its actor, whose
    write transactions may grow the LMDB map, which no reader in another
    thread may hold a transaction across; a query to the service reads
    the same aggregates (no scan of history) and gives the very figures
    report.summary gives, disclosure control included.  */
#include "web.h"
#include "reporting.h"

#include "codec.h"
#include "directory.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <time.h>

#define WEB_TIMEOUT_MS 5000
#define WEB_REPLIES    DIR_OFFICES_MAX

struct _web_t {
    struct MHD_Daemon *daemon;
    char *command;
    int timeout_ms;
    zhashx_t *policy; //  user -> "*" or "a,b"; NULL: no policy file
};

//  One request's figures and what they are about.
typedef struct {
    web_t *web;
    web_lang_t lang;
    char office[CODEC_ID_MAX + 1], from[11], to[11];
    char viewer[DIR_OFFICES_MAX + 1]; //  "*" or the offices it may see
    zframe_t *frames[WEB_REPLIES];
    msgpack_unpacked unpacked[WEB_REPLIES];
    const msgpack_object *roots[WEB_REPLIES];
    size_t count;
    char *choices[WEB_REPLIES + 1];
    int status;
    char why[200];
} query_t;

//  --------------------------------------------------------------------------
//  Policy

static int
s_policy_line (zhashx_t *policy, char *line)
{
    char *user = strtok (line, " \t\r\n");
    char *offices = user ? strtok (NULL, " \t\r\n") : NULL;
    if (!user || *user == '#')
        return 0;
    if (!offices || strtok (NULL, " \t\r\n") || strlen (offices) > DIR_OFFICES_MAX)
        return -1;
    zhashx_update (policy, user, offices);
    return 0;
}

static zhashx_t *
s_policy_load (const char *path, char *err, size_t errlen)
{
    FILE *file = fopen (path, "r");
    if (!file) {
        snprintf (err, errlen, "cannot read policy file %s", path);
        return NULL;
    }
    zhashx_t *policy = zhashx_new ();
    zhashx_set_duplicator (policy, (zhashx_duplicator_fn *) strdup);
    zhashx_set_destructor (policy, (zhashx_destructor_fn *) zstr_free);
    char line[1024];
    for (int n = 1; policy && fgets (line, sizeof line, file); n++)
        if (s_policy_line (policy, line)) {
            snprintf (err, errlen,
                      "%s line %d: expected 'user office,office' or "
                      "'user *'",
                      path, n);
            zhashx_destroy (&policy);
        }
    fclose (file);
    return policy;
}

static bool
s_may_see (const char *viewer, const char *office)
{
    if (streq (viewer, "*"))
        return true;
    size_t len = strlen (office);
    for (const char *p = viewer; p && *p;
         p = strchr (p, ',') ? strchr (p, ',') + 1 : NULL)
        if (strncmp (p, office, len) == 0 && (p[len] == ',' || p[len] == 0))
            return true;
    return false;
}

//  --------------------------------------------------------------------------
//  The query

static bool
s_date (const char *text)
{
    int32_t days;
    return strlen (text) == 10 && codec_parse_date (text, 10, &days) == 0;
}

static int
s_bad (query_t *q, int status, const char *why)
{
    q->status = status;
    snprintf (q->why, sizeof q->why, "%s", why);
    return -1;
}

//  A missing period is this year up to today (UTC).
static void
s_default_period (query_t *q)
{
    time_t now = time (NULL);
    struct tm tm;
    gmtime_r (&now, &tm);
    strftime (q->to, sizeof q->to, "%Y-%m-%d", &tm);
    strftime (q->from, sizeof q->from, "%Y-01-01", &tm);
}

static int
s_parse_query (query_t *q, struct MHD_Connection *conn)
{
    const char *lang = MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND, "lang");
    const char *office =
        MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND, "office");
    const char *from = MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND, "from");
    const char *to = MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND, "to");
    q->lang = lang && streq (lang, "en") ? WEB_EN : WEB_NL;
    if (lang && !streq (lang, "en") && !streq (lang, "nl"))
        return s_bad (q, 400, "lang is nl or en");
    if (!office || !*office)
        office = "all";
    if (!streq (office, "all") && !codec_valid_id (office, strlen (office)))
        return s_bad (q, 400, "office is not an office name");
    snprintf (q->office, sizeof q->office, "%s", office);
    s_default_period (q);
    if ((from && !s_date (from)) || (to && !s_date (to)))
        return s_bad (q, 400, "from and to are dates YYYY-MM-DD");
    if (from)
        snprintf (q->from, sizeof q->from, "%s", from);
    if (to)
        snprintf (q->to, sizeof q->to, "%s", to);
    if (strcmp (q->from, q->to) > 0)
        return s_bad (q, 400, "from is after to");
    return 0;
}

//  Who is asking: without a policy file the page is loopback only and
//  shows every office; with one, the proxy's user must be in it.
static int
s_viewer (query_t *q, struct MHD_Connection *conn)
{
    if (!q->web->policy) {
        snprintf (q->viewer, sizeof q->viewer, "*");
        return 0;
    }
    const char *user =
        MHD_lookup_connection_value (conn, MHD_HEADER_KIND, "X-Opstap-User");
    const char *offices =
        user ? (const char *) zhashx_lookup (q->web->policy, user) : NULL;
    if (!offices)
        return s_bad (q, 403, "no offices for this user");
    snprintf (q->viewer, sizeof q->viewer, "%s", offices);
    if (!streq (q->office, "all") && !s_may_see (q->viewer, q->office))
        return s_bad (q, 403, "not an office this user may see");
    return 0;
}

//  --------------------------------------------------------------------------
//  report.summary

static zframe_t *
s_call (web_t *self, const char *office, const char *from, const char *to)
{
    msgpack_sbuffer body;
    msgpack_sbuffer_init (&body);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &body, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, office ? 4 : 3);
    pk_kv_str (&pk, "cmd", "report.summary");
    if (office)
        pk_kv_str (&pk, "office", office);
    pk_kv_str (&pk, "from", from);
    pk_kv_str (&pk, "to", to);
    //  A socket per call: a late reply to an earlier call can never be
    //  taken for this one's.
    zsock_t *dealer = zsock_new_dealer (self->command);
    zframe_t *reply = NULL;
    if (dealer) {
        zsock_set_linger (dealer, 0);
        zsock_set_rcvtimeo (dealer, self->timeout_ms);
        if (zsock_send (dealer, "b", body.data, body.size) == 0)
            reply = zframe_recv (dealer);
        zsock_destroy (&dealer);
    }
    msgpack_sbuffer_destroy (&body);
    return reply;
}

static int
s_check_reply (query_t *q, const msgpack_object *root)
{
    const msgpack_object *ok = web_get (root, "ok");
    if (ok && ok->type == MSGPACK_OBJECT_BOOLEAN && ok->via.boolean)
        return 0;
    char code[64] = "", message[160] = "";
    obj_str (web_get (root, "error.code"), code, sizeof code);
    obj_str (web_get (root, "error.message"), message, sizeof message);
    return s_bad (q, streq (code, "invalid_argument") ? 400 : 502,
                  *message ? message : "report.summary failed");
}

static int
s_ask (query_t *q, const char *office)
{
    if (q->count == WEB_REPLIES)
        return s_bad (q, 500, "too many offices");
    size_t i = q->count;
    q->frames[i] = s_call (q->web, office, q->from, q->to);
    if (!q->frames[i])
        return s_bad (q, 503, "the reporting service did not answer");
    msgpack_unpacked_init (&q->unpacked[i]);
    q->count++;
    if (msgpack_unpack_next (&q->unpacked[i], (const char *) zframe_data (q->frames[i]),
                             zframe_size (q->frames[i]), NULL)
        != MSGPACK_UNPACK_SUCCESS)
        return s_bad (q, 502, "unreadable reply");
    q->roots[i] = &q->unpacked[i].data;
    return s_check_reply (q, q->roots[i]);
}

//  What the office chooser lists: the viewer's offices, or every office a
//  report for all named.
static void
s_choices (query_t *q)
{
    size_t n = 0;
    const msgpack_object *offices = q->count ? web_get (q->roots[0], "offices") : NULL;
    if (!streq (q->viewer, "*")) {
        char *copy = strdup (q->viewer), *save = NULL;
        for (char *o = strtok_r (copy, ",", &save); o && n < WEB_REPLIES;
             o = strtok_r (NULL, ",", &save))
            q->choices[n++] = strdup (o);
        free (copy);
    } else if (offices && offices->type == MSGPACK_OBJECT_MAP)
        for (uint32_t i = 0; i < offices->via.map.size && n < WEB_REPLIES; i++) {
            const msgpack_object *key = &offices->via.map.ptr[i].key;
            if (key->type == MSGPACK_OBJECT_STR)
                q->choices[n++] = strndup (key->via.str.ptr, key->via.str.size);
        }
    q->choices[n] = NULL;
}

//  A viewer who may see every office gets one report (its total covers
//  them all); a scoped viewer one per office, so no figure of another
//  office, not even inside a total, ever reaches it.
static int
s_fetch (query_t *q)
{
    bool one = !streq (q->office, "all");
    if (streq (q->viewer, "*") || one)
        return s_ask (q, one ? q->office : NULL);
    char *copy = strdup (q->viewer), *save = NULL;
    int rc = 0;
    for (char *o = strtok_r (copy, ",", &save); o && rc == 0;
         o = strtok_r (NULL, ",", &save))
        rc = s_ask (q, o);
    free (copy);
    return rc;
}

static void
s_query_free (query_t *q)
{
    for (size_t i = 0; i < q->count; i++) {
        msgpack_unpacked_destroy (&q->unpacked[i]);
        zframe_destroy (&q->frames[i]);
    }
    for (size_t i = 0; q->choices[i]; i++)
        zstr_free (&q->choices[i]);
}

//  --------------------------------------------------------------------------
//  HTTP

static enum MHD_Result
s_send (struct MHD_Connection *conn, int status, web_buf_t *body, const char *type,
        double render_ms)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer (body->len, body->data, MHD_RESPMEM_MUST_FREE);
    body->data = NULL;
    MHD_add_response_header (response, "Content-Type", type);
    MHD_add_response_header (response, "Cache-Control", "no-store");
    MHD_add_response_header (response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header (response, "Content-Security-Policy",
                             "default-src 'none'; style-src 'unsafe-inline'; "
                             "img-src 'self'; form-action 'self'");
    char timing[64];
    snprintf (timing, sizeof timing, "render;dur=%.2f", render_ms);
    MHD_add_response_header (response, "Server-Timing", timing);
    enum MHD_Result rc = MHD_queue_response (conn, (unsigned) status, response);
    MHD_destroy_response (response);
    return rc;
}

static enum MHD_Result
s_error (struct MHD_Connection *conn, web_lang_t lang, int status, const char *why)
{
    web_buf_t body = {NULL, 0, 0, false};
    web_error_render (&body, lang, status, why);
    if (body.failed)
        return MHD_NO;
    return s_send (conn, status, &body, "text/html; charset=utf-8", 0);
}

static enum MHD_Result
s_answer (query_t *q, struct MHD_Connection *conn, bool csv)
{
    s_choices (q);
    double render_ms = 0;
    web_view_t view = {q->lang,
                       q->office,
                       q->from,
                       q->to,
                       q->roots,
                       q->count,
                       streq (q->viewer, "*") || q->count == 1,
                       (const char *const *) q->choices,
                       &render_ms};
    web_buf_t body = {NULL, 0, 0, false};
    if (csv)
        web_csv_render (&body, &view);
    else
        web_page_render (&body, &view);
    if (body.failed) {
        free (body.data);
        return s_error (conn, q->lang, 500, "out of memory");
    }
    return s_send (conn, 200, &body,
                   csv ? "text/csv; charset=utf-8" : "text/html; charset=utf-8",
                   render_ms);
}

static enum MHD_Result
s_handle (void *cls, struct MHD_Connection *conn, const char *url, const char *method,
          const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void) version, (void) upload, (void) upload_size, (void) state;
    if (!streq (method, "GET") && !streq (method, "HEAD"))
        return s_error (conn, WEB_NL, 405, "only GET");
    bool csv = streq (url, "/report.csv");
    if (!csv && !streq (url, "/"))
        return s_error (conn, WEB_NL, 404, "no such page");
    query_t *q = (query_t *) zmalloc (sizeof (query_t));
    q->web = (web_t *) cls;
    enum MHD_Result rc;
    if (s_parse_query (q, conn) || s_viewer (q, conn) || s_fetch (q))
        rc = s_error (conn, q->lang, q->status, q->why);
    else
        rc = s_answer (q, conn, csv);
    s_query_free (q);
    free (q);
    return rc;
}

//  --------------------------------------------------------------------------

//  libmicrohttpd's own messages (a port it cannot bind, a connection it
//  drops) in the service's log format, not as raw lines.
static void
s_mhd_log (void *arg, const char *fmt, va_list args)
{
    (void) arg;
    char text[512];
    vsnprintf (text, sizeof text, fmt, args);
    for (char *c = text; *c; c++)
        if (*c == '"' || *c == '\n')
            *c = *c == '"' ? '\'' : ' ';
    zsys_warning ("event=http.error message=\"%s\"", text);
}

web_t *
web_new (const web_opts_t *opts, char *err, size_t errlen)
{
    web_t *self = (web_t *) zmalloc (sizeof (web_t));
    self->command = strdup (opts->command);
    self->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : WEB_TIMEOUT_MS;
    if (opts->policy && !(self->policy = s_policy_load (opts->policy, err, errlen))) {
        web_destroy (&self);
        return NULL;
    }
    struct sockaddr_in addr;
    memset (&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons ((uint16_t) opts->port);
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    self->daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, (uint16_t) opts->port, NULL,
        NULL, s_handle, self, MHD_OPTION_EXTERNAL_LOGGER, s_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 30,
        MHD_OPTION_END);
    if (!self->daemon) {
        snprintf (err, errlen, "cannot listen on 127.0.0.1:%d", opts->port);
        web_destroy (&self);
    }
    return self;
}

void
web_destroy (web_t **self_p)
{
    web_t *self = *self_p;
    if (!self)
        return;
    if (self->daemon)
        MHD_stop_daemon (self->daemon);
    zhashx_destroy (&self->policy);
    free (self->command);
    free (self);
    *self_p = NULL;
}

//  --------------------------------------------------------------------------

static int
s_env_int (const char *name, int dflt)
{
    const char *text = getenv (name);
    if (!text || !*text)
        return dflt;
    char *end = NULL;
    long value = strtol (text, &end, 10);
    return *end || value < 0 || value > 65535 ? -1 : (int) value;
}

//  The default port: 5 above the instance's command port, which is port
//  base + 40 in the loopback defaults, so port base + 45 (7145).
static int
s_default_port (const dir_entry_t *entry)
{
    const char *colon = strrchr (entry->command, ':');
    int port = colon ? atoi (colon + 1) : 0;
    return port > 0 && port + 5 < 65536 ? port + 5 : -1;
}

web_t *
web_start (int argc, char *argv[])
{
    char err[640] = "";
    directory_t *directory =
        directory_new (reporting_arg (argc, argv, "--config", NULL), err, sizeof err);
    const dir_entry_t *entry =
        directory ? directory_instance (
            directory, reporting_arg (argc, argv, "--instance", "reporting"))
                  : NULL;
    int port = entry ? s_env_int ("OPSTAP_WEB_PORT", s_default_port (entry)) : -1;
    const char *policy = getenv ("OPSTAP_WEB_POLICY");
    web_t *self = NULL;
    if (port > 0) {
        web_opts_t opts = {entry->command, port, policy && *policy ? policy : NULL, 0};
        self = web_new (&opts, err, sizeof err);
    }
    if (port != 0 && !self)
        zsys_warning ("event=web.off message=\"%s\"",
                      *err ? err : "no port or no such instance");
    else if (self)
        zsys_info ("event=web.listening address=127.0.0.1:%d", port);
    directory_destroy (&directory);
    return self;
}
