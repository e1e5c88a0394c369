/*  test_metrics - the Prometheus text rendering of metrics_t, and the http
    responder over a real ZMQ_STREAM socket, asked by a plain TCP client.  */
#include "http.h"
#include "metrics.h"
#include "testkit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static const double s_bounds[] = {0.001, 0.01, 0.1, 1};

//  --------------------------------------------------------------------------
//  Rendering

static const char *s_expected =
    "# HELP opstap_commands_total Commands answered, by command and outcome.\n"
    "# TYPE opstap_commands_total counter\n"
    "opstap_commands_total{cmd=\"candidate.register\",outcome=\"ok\"} 3\n"
    "opstap_commands_total{cmd=\"candidate.register\",outcome=\"invalid_argument\"} 1\n"
    "# HELP opstap_stream_head Last seq of this instance's stream.\n"
    "# TYPE opstap_stream_head gauge\n"
    "opstap_stream_head 42\n"
    "# HELP opstap_reply_seconds Reply latency.\n"
    "# TYPE opstap_reply_seconds histogram\n"
    "opstap_reply_seconds_bucket{le=\"0.001\"} 1\n"
    "opstap_reply_seconds_bucket{le=\"0.01\"} 2\n"
    "opstap_reply_seconds_bucket{le=\"0.1\"} 2\n"
    "opstap_reply_seconds_bucket{le=\"1\"} 3\n"
    "opstap_reply_seconds_bucket{le=\"+Inf\"} 4\n"
    "opstap_reply_seconds_sum 3.5055\n"
    "opstap_reply_seconds_count 4\n"
    "# HELP opstap_lag Events behind, with \\\\ and \\n in help.\n"
    "# TYPE opstap_lag gauge\n"
    "opstap_lag{producer=\"a\\\"b\\\\c\\nd\"} 2.5\n";

static void
s_collect (metrics_t *metrics, void *arg)
{
    metrics_set (metrics, "opstap_stream_head", *(double *) arg, NULL);
}

static void
test_render (void)
{
    metrics_t *m = metrics_new ();
    double head = 42;
    CHECK (metrics_counter (m, "opstap_commands_total",
                            "Commands answered, by command and outcome.")
           == 0);
    CHECK (metrics_gauge (m, "opstap_stream_head", "Last seq of this instance's stream.")
           == 0);
    CHECK (metrics_histogram (m, "opstap_reply_seconds", "Reply latency.", s_bounds, 4)
           == 0);
    CHECK (metrics_gauge (m, "opstap_lag", "Events behind, with \\ and \n in help.")
           == 0);
    for (int i = 0; i < 3; i++)
        CHECK (metrics_add (m, "opstap_commands_total", 1, "cmd", "candidate.register",
                            "outcome", "ok", NULL)
               == 0);
    CHECK (metrics_add (m, "opstap_commands_total", 1, "cmd", "candidate.register",
                        "outcome", "invalid_argument", NULL)
           == 0);
    //  Observations on a bound count in that bucket (le: less or equal).
    CHECK (metrics_observe (m, "opstap_reply_seconds", 0.0005, NULL) == 0);
    CHECK (metrics_observe (m, "opstap_reply_seconds", 0.005, NULL) == 0);
    CHECK (metrics_observe (m, "opstap_reply_seconds", 1, NULL) == 0);
    CHECK (metrics_observe (m, "opstap_reply_seconds", 2.5, NULL) == 0);
    CHECK (metrics_set (m, "opstap_lag", 2.5, "producer", "a\"b\\c\nd", NULL) == 0);
    metrics_set_collector (m, s_collect, &head);
    char *text = metrics_render (m);
    CHECK (text && strcmp (text, s_expected) == 0);
    if (text && strcmp (text, s_expected) != 0)
        printf ("rendered:\n%s\nexpected:\n%s\n", text, s_expected);
    free (text);
    CHECK (metrics_value (m, "opstap_commands_total", "cmd", "candidate.register",
                          "outcome", "ok", NULL)
           == 3);
    metrics_destroy (&m);
    metrics_destroy (&m);
    CHECK (m == NULL);
}

static void
test_refusals (void)
{
    metrics_t *m = metrics_new ();
    static const double down[] = {1, 0.5};
    CHECK (metrics_counter (m, "9bad", "") == -1);
    CHECK (metrics_counter (m, "bad-name", "") == -1);
    CHECK (metrics_counter (m, "opstap_c", "") == 0);
    CHECK (metrics_counter (m, "opstap_c", "") == -1);
    CHECK (metrics_gauge (m, "opstap_c", "") == -1);
    CHECK (metrics_histogram (m, "opstap_h", "", down, 2) == -1);
    CHECK (metrics_histogram (m, "opstap_h", "", s_bounds, 0) == -1);
    CHECK (metrics_add (m, "opstap_c", -1, NULL) == -1);
    CHECK (metrics_add (m, "opstap_missing", 1, NULL) == -1);
    CHECK (metrics_set (m, "opstap_c", 1, NULL) == -1);
    CHECK (metrics_add (m, "opstap_c", 1, "le", "x", NULL) == -1);
    CHECK (metrics_add (m, "opstap_c", 1, "bad-label", "x", NULL) == -1);
    CHECK (metrics_add (m, "opstap_c", 1, "a", "1", "b", "2", "c", "3", "d", "4", "e",
                        "5", NULL)
           == -1);
    //  Labels from the network cannot grow a family without end.
    char value[32];
    int refused = 0;
    for (int i = 0; i < METRICS_SERIES_MAX + 10; i++) {
        snprintf (value, sizeof value, "cmd%d", i);
        refused += metrics_add (m, "opstap_c", 1, "cmd", value, NULL) != 0;
    }
    CHECK (refused == 10);
    CHECK (metrics_add (m, "opstap_c", 1, "cmd", "cmd0", NULL) == 0);
    CHECK (metrics_value (m, "opstap_c", "cmd", "cmd0", NULL) == 2);
    metrics_destroy (&m);
}

//  --------------------------------------------------------------------------
//  HTTP over a real socket

static int
s_on_pipe (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    char *command = zstr_recv (reader);
    int rc = 0;
    if (!command || streq (command, "$TERM"))
        rc = -1;
    else if (streq (command, "SICK"))
        http_set_health ((http_t *) arg, false, "store \"full\"");
    else if (streq (command, "WELL"))
        http_set_health ((http_t *) arg, true, NULL);
    zstr_free (&command);
    return rc;
}

static void
s_server (zsock_t *pipe, void *arg)
{
    metrics_t *metrics = metrics_new ();
    metrics_counter (metrics, "opstap_commands_total", "Commands.");
    metrics_add (metrics, "opstap_commands_total", 7, "cmd", "x.y", "outcome", "ok",
                 NULL);
    char err[256] = "";
    http_t *http = http_new ((const char *) arg, metrics, err, sizeof err);
    zloop_t *loop = zloop_new ();
    if (http) {
        zloop_reader (loop, pipe, s_on_pipe, http);
        http_attach (http, loop);
    } else
        printf ("http_new: %s\n", err);
    zsock_signal (pipe, http ? 0 : 1);
    if (http)
        zloop_start (loop);
    zloop_destroy (&loop);
    http_destroy (&http);
    metrics_destroy (&metrics);
}

static int
s_connect (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons (port)};
    inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);
    struct timeval tv = {.tv_sec = 8};
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
        close (fd);
        return -1;
    }
    return fd;
}

//  Reads until the server closes; the bytes, or NULL on a timeout.
static char *
s_read_all (int fd)
{
    static char buf[65536];
    size_t size = 0;
    ssize_t n;
    while (size < sizeof buf - 1
           && (n = read (fd, buf + size, sizeof buf - 1 - size)) > 0)
        size += (size_t) n;
    buf[size] = 0;
    return n < 0 ? NULL : buf;
}

//  Sends raw bytes on a fresh connection and reads the whole answer.
static char *
s_ask (int port, const char *request, size_t size)
{
    int fd = s_connect (port);
    if (fd < 0)
        return NULL;
    if (write (fd, request, size) != (ssize_t) size) {
        close (fd);
        return NULL;
    }
    char *answer = s_read_all (fd);
    close (fd);
    return answer;
}

static char *
s_get (int port, const char *request)
{
    return s_ask (port, request, strlen (request));
}

static bool
s_starts (const char *text, const char *prefix)
{
    return text && strncmp (text, prefix, strlen (prefix)) == 0;
}

static void
test_http_routes (int port, zactor_t *server)
{
    char *a = s_get (port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 200 OK\r\n"));
    CHECK (a && strstr (a, "Content-Type: text/plain; version=0.0.4"));
    CHECK (a && strstr (a, "Connection: close\r\n"));
    CHECK (a && strstr (a, "\r\n\r\n# HELP opstap_commands_total Commands.\n"));
    CHECK (a && strstr (a, "opstap_commands_total{cmd=\"x.y\",outcome=\"ok\"} 7\n"));
    const char *body = a ? strstr (a, "\r\n\r\n") : NULL;
    char length[64];
    snprintf (length, sizeof length, "Content-Length: %zu\r\n",
              body ? strlen (body + 4) : 0);
    CHECK (a && strstr (a, length));

    a = s_get (port, "GET /health HTTP/1.0\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 200 OK\r\n"));
    CHECK (a && strstr (a, "\r\n\r\n{\"status\":\"ok\"}\n"));
    zstr_send (server, "SICK");
    a = s_get (port, "GET /health?verbose=1 HTTP/1.1\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 503 Service Unavailable\r\n"));
    CHECK (a && strstr (a, "{\"status\":\"unhealthy\",\"reason\":\"store _full_\"}\n"));
    zstr_send (server, "WELL");
    a = s_get (port, "GET /health HTTP/1.1\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 200 OK\r\n"));

    a = s_get (port, "GET /nowhere HTTP/1.1\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 404 Not Found\r\n"));
    a = s_get (port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 405 Method Not Allowed\r\n"));
    a = s_get (port, "HEAD /metrics HTTP/1.1\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 200 OK\r\n"));
    CHECK (a && strstr (a, "\r\n\r\n") && strlen (strstr (a, "\r\n\r\n")) == 4);
}

static void
test_http_bad (int port)
{
    char *a = s_get (port, "hello there\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 400 Bad Request\r\n"));
    a = s_get (port, "GET /metrics HTTP/2.0\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 400 Bad Request\r\n"));
    a = s_get (port, "GET metrics HTTP/1.1\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 400 Bad Request\r\n"));
    a = s_ask (port, "GET /\x01 HTTP/1.1\r\n\r\n", 19);
    CHECK (s_starts (a, "HTTP/1.1 400 Bad Request\r\n"));
    //  Past the bound without an end of headers: refused and closed.
    size_t size = HTTP_REQUEST_MAX + 100;
    char *big = (char *) malloc (size);
    memcpy (big, "GET /metrics HTTP/1.1\r\nX: ", 26);
    memset (big + 26, 'a', size - 26);
    a = s_ask (port, big, size);
    CHECK (s_starts (a, "HTTP/1.1 400 Bad Request\r\n"));
    CHECK (a && strstr (a, "request too large"));
    free (big);
}

static void
test_http_partial (int port)
{
    //  A request that arrives in pieces is answered once it is whole.
    int fd = s_connect (port);
    CHECK (fd >= 0);
    CHECK (write (fd, "GET /hea", 8) == 8);
    zclock_sleep (100);
    CHECK (write (fd, "lth HTTP/1.1\r\n", 14) == 14);
    zclock_sleep (100);
    CHECK (write (fd, "\r\n", 2) == 2);
    char *a = s_read_all (fd);
    CHECK (s_starts (a, "HTTP/1.1 200 OK\r\n"));
    close (fd);

    //  A client that never finishes is closed after HTTP_IDLE_MS.
    fd = s_connect (port);
    CHECK (write (fd, "GET /", 5) == 5);
    int64_t start = zclock_mono ();
    a = s_read_all (fd);
    int64_t waited = zclock_mono () - start;
    CHECK (a && *a == 0);
    CHECK (waited >= HTTP_IDLE_MS - 100 && waited < HTTP_IDLE_MS + 2500);
    close (fd);
}

static void
test_http_limit (int port)
{
    //  More connections than HTTP_CONN_MAX: the extra one is closed unread.
    int fds[HTTP_CONN_MAX + 1];
    for (int i = 0; i < HTTP_CONN_MAX + 1; i++) {
        fds[i] = s_connect (port);
        zclock_sleep (5);
    }
    int64_t start = zclock_mono ();
    char *a = s_read_all (fds[HTTP_CONN_MAX]);
    CHECK (a && *a == 0);
    CHECK (zclock_mono () - start < HTTP_IDLE_MS / 2);
    for (int i = 0; i < HTTP_CONN_MAX + 1; i++)
        close (fds[i]);
    zclock_sleep (200);
    //  Once they are gone it answers again.
    a = s_get (port, "GET /health HTTP/1.1\r\n\r\n");
    CHECK (s_starts (a, "HTTP/1.1 200 OK\r\n"));
}

//  Clients that ask and are gone before the answer (closed with a reset):
//  the answer must not wait for them. It once blocked the service's thread
//  for good. True when the server still answers afterwards.
static bool
test_http_gone (int port)
{
    for (int i = 0; i < 300; i++) {
        int fd = s_connect (port);
        if (fd < 0)
            continue;
        struct linger reset = {1, 0};
        setsockopt (fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        const char *ask = "GET /metrics HTTP/1.1\r\n\r\n";
        if (write (fd, ask, strlen (ask)) < 0)
            fprintf (stderr, "  write failed\n");
        if (i % 2)
            zclock_sleep (1);
        close (fd);
    }
    //  Connections whose close it has not seen fill its table until they
    //  have been idle HTTP_IDLE_MS; ask once a second meanwhile (each ask
    //  is a connection too).
    char *a = NULL;
    int64_t deadline = zclock_mono () + 2 * HTTP_IDLE_MS + 2000;
    while (!s_starts (a, "HTTP/1.1 200 OK\r\n") && zclock_mono () < deadline) {
        zclock_sleep (1000);
        a = s_get (port, "GET /health HTTP/1.1\r\n\r\n");
    }
    return CHECK (s_starts (a, "HTTP/1.1 200 OK\r\n"));
}

//  --------------------------------------------------------------------------
//  The directory's optional 7th column

static directory_t *
s_directory (const char *dir, const char *text, char *err, size_t errlen)
{
    char *path = zsys_sprintf ("%s/directory.conf", dir);
    FILE *file = fopen (path, "w");
    fputs (text, file);
    fclose (file);
    directory_t *directory = directory_new (path, err, errlen);
    zstr_free (&path);
    return directory;
}

static void
test_directory (void)
{
    char *dir = tk_tmpdir ();
    char err[256] = "";
    directory_t *d = s_directory (dir,
                                  "intake a A,B tcp://10.0.0.5:7100 tcp://*:7101 "
                                  "tcp://*:7102\n"
                                  "intake b C tcp://h:7200 tcp://h:7201 tcp://h:7202 "
                                  "tcp://0.0.0.0:9100\n"
                                  "intake c D tcp://h:7300 tcp://h:7301 tcp://h:7302 -\n"
                                  "intake d E ipc:///tmp/x ipc:///tmp/y ipc:///tmp/z\n",
                                  err, sizeof err);
    CHECK (d != NULL);
    if (d) {
        CHECK (streq (directory_instance (d, "a")->metrics, "tcp://10.0.0.5:7103"));
        CHECK (streq (directory_instance (d, "b")->metrics, "tcp://0.0.0.0:9100"));
        CHECK (streq (directory_instance (d, "c")->metrics, ""));
        CHECK (streq (directory_instance (d, "d")->metrics, ""));
        //  The offices there are: those the instances serve.
        CHECK (streq (directory_offices (d), "A,B,C,D,E"));
        CHECK (dir_office_known (directory_offices (d), "C")
               && !dir_office_known (directory_offices (d), "F")
               && !dir_office_known (directory_offices (d), "A,B"));
    }
    directory_destroy (&d);
    //  Declared by office lines too, each once, before or after the
    //  instances; all "*" and no office line: any office.
    d = s_directory (dir,
                     "office ede  wageningen\t zevenaar ede\n"
                     "intake a * tcp://h:1 tcp://h:2 tcp://h:3\n"
                     "intake b nijmegen,ede tcp://h:4 tcp://h:5 tcp://h:6\n"
                     "office a b c d e f g h i j\n",
                     err, sizeof err);
    CHECK (d
           && streq (directory_offices (d), "ede,wageningen,zevenaar,nijmegen,a,b,c,d,e,"
                                            "f,g,h,i,j"));
    directory_destroy (&d);
    d = s_directory (dir, "intake a * tcp://h:1 tcp://h:2 tcp://h:3\n", err, sizeof err);
    CHECK (d && streq (directory_offices (d), "")
           && dir_office_known (directory_offices (d), "anywhere"));
    directory_destroy (&d);
    d = s_directory (dir, "office\nintake a * tcp://h:1 tcp://h:2 tcp://h:3\n", err,
                     sizeof err);
    CHECK (d == NULL && strstr (err, "line 1: office needs one or more names"));
    d = s_directory (dir, "intake a * tcp://h:1 tcp://h:2 tcp://h:3\noffice ede n/a\n",
                     err, sizeof err);
    CHECK (d == NULL && strstr (err, "line 2: an office is a name"));
    d = s_directory (dir, "intake a ede,,x tcp://h:1 tcp://h:2 tcp://h:3\n", err,
                     sizeof err);
    CHECK (d == NULL && strstr (err, "line 1: an office is a name"));
    d = s_directory (dir, "intake a * tcp://h:1 tcp://h:2 tcp://h:3 udp://h:4\n", err,
                     sizeof err);
    CHECK (d == NULL && strstr (err, "line 1: metrics endpoint"));
    d = s_directory (dir, "intake a * tcp://h:1 tcp://h:2 tcp://h:3 tcp://h:4 x\n", err,
                     sizeof err);
    CHECK (d == NULL && strstr (err, "more than 7 columns"));
    //  What an operator's file can get wrong, each named with its line.
    d = s_directory (dir, "# comment only\nintake a * tcp://h:1 tcp://h:2\n", err,
                     sizeof err);
    CHECK (d == NULL && strstr (err, "line 2: expected 6 or 7 columns, got 5"));
    d = s_directory (dir,
                     "intake a * tcp://h:1 tcp://h:2 tcp://h:3\n"
                     "intake a * tcp://h:4 tcp://h:5 tcp://h:6\n",
                     err, sizeof err);
    CHECK (d == NULL && strstr (err, "line 2: instance a listed twice"));
    d = s_directory (dir, "# nothing here\n\n", err, sizeof err);
    CHECK (d == NULL && strstr (err, "lists no instances"));
    char *many = zsys_sprintf ("%s", "");
    for (int i = 0; i <= DIR_MAX_ENTRIES; i++) {
        char *more =
            zsys_sprintf ("%sintake i%d * tcp://h:1 tcp://h:2 tcp://h:3\n", many, i);
        zstr_free (&many);
        many = more;
    }
    d = s_directory (dir, many, err, sizeof err);
    zstr_free (&many);
    char want[64];
    snprintf (want, sizeof want, "line %d: more than %d instances", DIR_MAX_ENTRIES + 1,
              DIR_MAX_ENTRIES);
    CHECK (d == NULL && strstr (err, want));
    //  Without a file: the loopback defaults from OPSTAP_PORT_BASE, checked.
    setenv ("OPSTAP_PORT_BASE", "80", 1);
    d = directory_new ("", err, sizeof err);
    CHECK (d == NULL && strstr (err, "OPSTAP_PORT_BASE must be a port 1024-65000"));
    setenv ("OPSTAP_PORT_BASE", "7100x", 1);
    d = directory_new ("", err, sizeof err);
    CHECK (d == NULL && strstr (err, "OPSTAP_PORT_BASE must be a port"));
    unsetenv ("OPSTAP_PORT_BASE");
    char bind[DIR_ENDPOINT_MAX + 1];
    CHECK (dir_bind_endpoint ("tcp://intake:7100", bind, sizeof bind) == 0
           && streq (bind, "tcp://*:7100"));
    CHECK (dir_bind_endpoint ("tcp://localhost:7100", bind, sizeof bind) == 0
           && streq (bind, "tcp://127.0.0.1:7100"));
    CHECK (dir_bind_endpoint ("tcp://10.1.2.3:7100", bind, sizeof bind) == 0
           && streq (bind, "tcp://10.1.2.3:7100"));
    CHECK (dir_bind_endpoint ("tcp://*:7100", bind, sizeof bind) == 0
           && streq (bind, "tcp://*:7100"));
    CHECK (dir_bind_endpoint ("ipc:///tmp/x", bind, sizeof bind) == 0
           && streq (bind, "ipc:///tmp/x"));
    CHECK (dir_bind_endpoint ("tcp://intake:7100", bind, 8) == -1);
    d = directory_new_defaults (7100);
    CHECK (
        streq (directory_route (d, "reporting", NULL)->metrics, "tcp://127.0.0.1:7143"));
    directory_destroy (&d);
    tk_rmdir (&dir);
}

int
main (void)
{
    zsys_init ();
    test_render ();
    test_refusals ();
    test_directory ();

    int port = tk_port_base () + 3;
    char endpoint[64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
    zactor_t *server = zactor_new (s_server, endpoint);
    CHECK (server != NULL);
    char err[256] = "";
    http_t *taken = http_new (endpoint, NULL, err, sizeof err);
    CHECK (taken == NULL && strstr (err, "cannot bind"));
    test_http_routes (port, server);
    test_http_bad (port);
    test_http_partial (port);
    test_http_limit (port);
    //  A server stuck in a send cannot be stopped: leave it to the exit.
    if (!test_http_gone (port))
        return tk_done ("test_metrics");
    zactor_destroy (&server);
    return tk_done ("test_metrics");
}
