/*  http - a minimal HTTP responder on a ZMQ_STREAM socket.  */
#include "http.h"

#define HTTP_REASON_MAX 200
#define HTTP_LINE_MAX   512

typedef struct {
    zframe_t *id;
    char data[HTTP_REQUEST_MAX];
    size_t size;
    int64_t since;
    bool closed; //  answered; waiting for libzmq's disconnect notice
} conn_t;

struct _http_t {
    zsock_t *sock;
    metrics_t *metrics; //  not owned
    zhashx_t *conns;    //  by the peer's routing id, in hex
    bool healthy;
    char reason[HTTP_REASON_MAX];
    char endpoint[256];
};

static void
s_conn_destroy (void **item)
{
    conn_t *conn = (conn_t *) *item;
    if (conn) {
        zframe_destroy (&conn->id);
        free (conn);
        *item = NULL;
    }
}

http_t *
http_new (const char *endpoint, metrics_t *metrics, char *err, size_t errlen)
{
    http_t *self = (http_t *) zmalloc (sizeof (http_t));
    if (!self)
        return NULL;
    self->metrics = metrics;
    self->healthy = true;
    self->conns = zhashx_new ();
    self->sock = zsock_new (ZMQ_STREAM);
    if (!self->conns || !self->sock) {
        snprintf (err, errlen, "cannot create the http socket");
        http_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->conns, s_conn_destroy);
    zsock_set_linger (self->sock, 0);
    //  Sends never wait (s_send_msg): see there.
    zsock_set_sndtimeo (self->sock, 0);
    if (zsock_bind (self->sock, "%s", endpoint) < 0) {
        snprintf (err, errlen, "cannot bind %s: %s", endpoint,
                  zmq_strerror (zmq_errno ()));
        http_destroy (&self);
        return NULL;
    }
    char *bound = zsock_last_endpoint (self->sock);
    snprintf (self->endpoint, sizeof self->endpoint, "%s", bound ? bound : endpoint);
    zstr_free (&bound);
    return self;
}

void
http_destroy (http_t **self_p)
{
    if (self_p && *self_p) {
        http_t *self = *self_p;
        zhashx_destroy (&self->conns);
        zsock_destroy (&self->sock);
        free (self);
        *self_p = NULL;
    }
}

void
http_set_health (http_t *self, bool healthy, const char *reason)
{
    self->healthy = healthy;
    snprintf (self->reason, sizeof self->reason, "%s", reason ? reason : "");
}

const char *
http_endpoint (http_t *self)
{
    return self->endpoint;
}

//  --------------------------------------------------------------------------
//  Connections

//  The socket's send timeout is 0: a client that does not take its answer
//  (a full or half-gone connection) must never stall the service's one
//  thread, which once waited forever here for a health check. What cannot
//  go at once is dropped; the client's own timeout or close ends it.
static void
s_send_msg (http_t *self, zmsg_t **msg_p)
{
    if (zmsg_send (msg_p, self->sock) != 0)
        zmsg_destroy (msg_p);
}

static void
s_close (http_t *self, conn_t *conn)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_append (msg, &(zframe_t *){zframe_dup (conn->id)});
    zmsg_addmem (msg, NULL, 0);
    s_send_msg (self, &msg);
    conn->closed = true;
    conn->since = zclock_mono ();
}

static void
s_send (http_t *self, conn_t *conn, int status, const char *extra, const char *type,
        const char *body, size_t size, bool head_only)
{
    const char *text = status == 200   ? "OK"
                       : status == 400 ? "Bad Request"
                       : status == 404 ? "Not Found"
                       : status == 405 ? "Method Not Allowed"
                                       : "Service Unavailable";
    char *head = zsys_sprintf ("HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
                               "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
                               status, text, type, size, extra);
    zmsg_t *msg = zmsg_new ();
    zmsg_append (msg, &(zframe_t *){zframe_dup (conn->id)});
    zframe_t *frame = zframe_new (NULL, strlen (head) + (head_only ? 0 : size));
    memcpy (zframe_data (frame), head, strlen (head));
    if (!head_only && size)
        memcpy (zframe_data (frame) + strlen (head), body, size);
    zmsg_append (msg, &frame);
    s_send_msg (self, &msg);
    zstr_free (&head);
    s_close (self, conn);
}

static void
s_send_text (http_t *self, conn_t *conn, int status, const char *body, bool head_only)
{
    s_send (self, conn, status, status == 405 ? "Allow: GET, HEAD\r\n" : "",
            "text/plain; charset=utf-8", body, strlen (body), head_only);
}

static void
s_health (http_t *self, conn_t *conn, bool head_only)
{
    char body[HTTP_REASON_MAX + 64];
    if (self->healthy)
        snprintf (body, sizeof body, "{\"status\":\"ok\"}\n");
    else {
        //  The reason is ours, but keep the line parseable whatever it says.
        char reason[HTTP_REASON_MAX];
        size_t n = 0;
        for (const char *p = self->reason; *p && n + 1 < sizeof reason; p++)
            reason[n++] = (*p == '"' || *p == '\\' || (unsigned char) *p < 32) ? '_' : *p;
        reason[n] = 0;
        snprintf (body, sizeof body, "{\"status\":\"unhealthy\",\"reason\":\"%s\"}\n",
                  reason);
    }
    s_send (self, conn, self->healthy ? 200 : 503, "", "application/json", body,
            strlen (body), head_only);
}

static void
s_metrics (http_t *self, conn_t *conn, bool head_only)
{
    char *text = metrics_render (self->metrics);
    if (!text) {
        s_send_text (self, conn, 503, "metrics unavailable\n", head_only);
        return;
    }
    s_send (self, conn, 200, "", "text/plain; version=0.0.4; charset=utf-8", text,
            strlen (text), head_only);
    free (text);
}

//  --------------------------------------------------------------------------
//  Requests

//  Splits "GET /path HTTP/1.1" into method and path (query dropped); -1
//  when the line is not a request line we accept.
static int
s_parse_line (char *line, char **method, char **path)
{
    for (char *p = line; *p; p++)
        if ((unsigned char) *p < 32 || (unsigned char) *p > 126)
            return -1;
    char *save = NULL;
    *method = strtok_r (line, " ", &save);
    *path = strtok_r (NULL, " ", &save);
    char *version = strtok_r (NULL, " ", &save);
    if (!*method || !*path || !version || strtok_r (NULL, " ", &save) || **path != '/'
        || (strcmp (version, "HTTP/1.0") != 0 && strcmp (version, "HTTP/1.1") != 0))
        return -1;
    char *query = strchr (*path, '?');
    if (query)
        *query = 0;
    return 0;
}

static void
s_answer (http_t *self, conn_t *conn)
{
    char line[HTTP_LINE_MAX];
    const char *eol = (const char *) memchr (conn->data, '\n', conn->size);
    size_t len = eol ? (size_t) (eol - conn->data) : conn->size;
    if (len && conn->data[len - 1] == '\r')
        len--;
    char *method, *path;
    if (len >= sizeof line) {
        s_send_text (self, conn, 400, "bad request\n", false);
        return;
    }
    memcpy (line, conn->data, len);
    line[len] = 0;
    if (s_parse_line (line, &method, &path) != 0) {
        s_send_text (self, conn, 400, "bad request\n", false);
        return;
    }
    bool head_only = strcmp (method, "HEAD") == 0;
    if (!head_only && strcmp (method, "GET") != 0)
        s_send_text (self, conn, 405, "method not allowed\n", false);
    else if (strcmp (path, "/health") == 0)
        s_health (self, conn, head_only);
    else if (strcmp (path, "/metrics") == 0 && self->metrics)
        s_metrics (self, conn, head_only);
    else
        s_send_text (self, conn, 404, "not found\n", head_only);
}

//  The end of the headers: CRLF CRLF, or LF LF from a lenient client.
static bool
s_complete (const conn_t *conn)
{
    for (size_t i = 1; i < conn->size; i++)
        if (conn->data[i] == '\n'
            && (conn->data[i - 1] == '\n'
                || (i >= 3 && memcmp (conn->data + i - 3, "\r\n\r", 3) == 0)))
            return true;
    return false;
}

static void
s_on_data (http_t *self, conn_t *conn, zframe_t *data)
{
    if (conn->closed)
        return; //  anything after the request is not read
    size_t size = zframe_size (data);
    if (size > sizeof conn->data - conn->size) {
        s_send_text (self, conn, 400, "request too large\n", false);
        return;
    }
    memcpy (conn->data + conn->size, zframe_data (data), size);
    conn->size += size;
    if (s_complete (conn))
        s_answer (self, conn);
}

//  A new peer (empty data, unknown id): kept unless there are too many.
static void
s_on_connect (http_t *self, zframe_t **id_p, const char *key)
{
    conn_t *conn = (conn_t *) zmalloc (sizeof (conn_t));
    conn->id = *id_p;
    *id_p = NULL;
    conn->since = zclock_mono ();
    zhashx_insert (self->conns, key, conn);
    if (zhashx_size (self->conns) > HTTP_CONN_MAX)
        s_close (self, conn);
}

static int
s_on_stream (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    http_t *self = (http_t *) arg;
    zmsg_t *msg = zmsg_recv (reader);
    zframe_t *id = msg ? zmsg_pop (msg) : NULL;
    zframe_t *data = msg ? zmsg_pop (msg) : NULL;
    if (id && data) {
        char *key = zframe_strhex (id);
        conn_t *conn = (conn_t *) zhashx_lookup (self->conns, key);
        if (!conn && zframe_size (data) == 0)
            s_on_connect (self, &id, key);
        else if (conn && zframe_size (data) == 0)
            zhashx_delete (self->conns, key); //  the peer went away
        else if (conn)
            s_on_data (self, conn, data);
        zstr_free (&key);
    }
    zframe_destroy (&id);
    zframe_destroy (&data);
    zmsg_destroy (&msg);
    return 0;
}

//  Closes connections that sent no complete request in time, and forgets
//  closed ones whose disconnect notice never came.
static int
s_on_idle (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    http_t *self = (http_t *) arg;
    int64_t now = zclock_mono ();
    zlistx_t *stale = zlistx_new ();
    zlistx_set_duplicator (stale, (zlistx_duplicator_fn *) strdup);
    zlistx_set_destructor (stale, (zlistx_destructor_fn *) zstr_free);
    for (conn_t *conn = (conn_t *) zhashx_first (self->conns); conn;
         conn = (conn_t *) zhashx_next (self->conns))
        if (now - conn->since > HTTP_IDLE_MS) {
            if (conn->closed)
                zlistx_add_end (stale, (void *) zhashx_cursor (self->conns));
            else
                s_close (self, conn);
        }
    for (const char *key = (const char *) zlistx_first (stale); key;
         key = (const char *) zlistx_next (stale))
        zhashx_delete (self->conns, key);
    zlistx_destroy (&stale);
    return 0;
}

int
http_attach (http_t *self, zloop_t *loop)
{
    if (zloop_reader (loop, self->sock, s_on_stream, self) != 0
        || zloop_timer (loop, HTTP_IDLE_MS / 5, 0, s_on_idle, self) < 0)
        return -1;
    zloop_reader_set_tolerant (loop, self->sock);
    return 0;
}
