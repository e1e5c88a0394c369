/*  test_dashboard - the reporting dashboard against report.summary: the
    history of the reporting tests in in-process actors, the page fetched
    over plain HTTP, every figure it shows compared with the service's
    reply, the charts' text alternatives, the CSV link, office scoping by
    the policy file, the 400/403/404/405/503 answers, a policy file missing
    or wrong, and the time of a page of
    50 offices (printed, not asserted).  */
#include "test_reporting_fixture.c"

#include "web.h"

#include <arpa/inet.h>
#include <sys/socket.h>

typedef struct {
    int status;
    char *head, *body; //  body points into head's allocation
} http_t;

static void
s_http_free (http_t *r)
{
    free (r->head);
    memset (r, 0, sizeof *r);
}

static int
s_connect (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset (&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons ((uint16_t) port);
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (fd >= 0 && connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
        close (fd);
        return -1;
    }
    return fd;
}

//  METHOD path with extra header lines ("" or "Name: value\r\n").
static http_t
s_request (int port, const char *method, const char *path, const char *headers)
{
    http_t r = {0, NULL, NULL};
    int fd = s_connect (port);
    if (fd < 0)
        return r;
    char *req = zsys_sprintf ("%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                              "Content-Length: 0\r\n%s\r\n",
                              method, path, headers);
    ssize_t sent = write (fd, req, strlen (req));
    free (req);
    size_t len = 0, size = 1 << 16;
    char *buf = (char *) malloc (size);
    ssize_t n = 0;
    while (sent > 0 && (n = read (fd, buf + len, size - len - 1)) > 0)
        if ((len += (size_t) n) + 1 == size)
            buf = (char *) realloc (buf, size *= 2);
    close (fd);
    buf[len] = 0;
    char *split = strstr (buf, "\r\n\r\n");
    r.head = buf;
    r.body = split ? split + 4 : buf + len;
    if (split)
        *split = 0;
    sscanf (buf, "HTTP/1.%*d %d", &r.status);
    return r;
}

static http_t
s_get (int port, const char *path, const char *headers)
{
    return s_request (port, "GET", path, headers);
}

//  --------------------------------------------------------------------------
//  What the page and the CSV must show, worked out from the JSON reply.

static bool
s_suppressed (const msgpack_object *obj)
{
    return obj->type == MSGPACK_OBJECT_MAP && obj->via.map.size == 1
           && obj->via.map.ptr[0].key.type == MSGPACK_OBJECT_STR
           && strncmp (obj->via.map.ptr[0].key.via.str.ptr, "suppressed", 10) == 0;
}

static char *
s_shown (const msgpack_object *v, const char *path)
{
    if (s_suppressed (v))
        return strdup ("&lt;5");
    if (v->type == MSGPACK_OBJECT_NIL)
        return strdup ("–");
    if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return zsys_sprintf ("%" PRIu64, v->via.u64);
    if (strstr (path, "rate") || strstr (path, "share") || strstr (path, "attendance"))
        return zsys_sprintf ("%.1f%%", v->via.f64 * 100);
    char *text = zsys_sprintf ("%.4f", v->via.f64);
    size_t len = strlen (text);
    while (text[len - 1] == '0' && text[len - 2] != '.')
        text[--len] = 0;
    return text;
}

typedef struct {
    const char *office; //  column name in the page ("total")
    const char *page;   //  NULL: write the CSV lines into csv
    zchunk_t *csv;
    int checked, wrong;
} walk_t;

static void
s_leaf (walk_t *w, const char *path, const msgpack_object *v)
{
    if (!w->page) {
        const char *dot = strchr (path, '.');
        char *json = s_suppressed (v)                ? strdup ("<5")
                     : v->type == MSGPACK_OBJECT_NIL ? strdup ("")
                                                     : json_from_msgpack (v);
        char *line = zsys_sprintf ("%s,%.*s,%s,%s\n", w->office, (int) (dot - path), path,
                                   dot + 1, json);
        zchunk_extend (w->csv, line, strlen (line));
        free (line);
        free (json);
        return;
    }
    char *shown = s_shown (v, path);
    char *cell =
        zsys_sprintf ("data-o=\"%s\" data-f=\"%s\">%s</td>", w->office, path, shown);
    w->checked++;
    if (!strstr (w->page, cell)) {
        w->wrong++;
        printf ("not on the page: %s\n", cell);
    }
    free (cell);
    free (shown);
}

static void
s_walk (walk_t *w, const msgpack_object *obj, const char *path)
{
    if (obj->type != MSGPACK_OBJECT_MAP || s_suppressed (obj)) {
        s_leaf (w, path, obj);
        return;
    }
    for (uint32_t i = 0; i < obj->via.map.size; i++) {
        const msgpack_object *key = &obj->via.map.ptr[i].key;
        char *sub = zsys_sprintf ("%s%s%.*s", path, *path ? "." : "",
                                  (int) key->via.str.size, key->via.str.ptr);
        s_walk (w, &obj->via.map.ptr[i].val, sub);
        free (sub);
    }
}

//  Every figure of every office and the total, on the page or as CSV.
static int
s_compare (tk_msg_t *reply, const char *page, zchunk_t *csv, bool total)
{
    const msgpack_object *offices = tk_get (reply, "offices");
    walk_t w = {NULL, page, csv, 0, 0};
    for (uint32_t i = 0; i < offices->via.map.size; i++) {
        char *name = strndup (offices->via.map.ptr[i].key.via.str.ptr,
                              offices->via.map.ptr[i].key.via.str.size);
        w.office = name;
        s_walk (&w, &offices->via.map.ptr[i].val, "");
        free (name);
    }
    w.office = "total";
    if (total)
        s_walk (&w, tk_get (reply, "total"), "");
    if (page)
        printf ("  %d figures compared, %d wrong\n", w.checked, w.wrong);
    return page ? w.wrong : 0;
}

//  --------------------------------------------------------------------------

static web_t *
s_web (fixture_t *f, int port, const char *policy)
{
    const dir_entry_t *e = directory_instance (f->directory, "reporting");
    web_opts_t opts = {e->command, port, policy, 0};
    char err[256] = "";
    web_t *web = web_new (&opts, err, sizeof err);
    if (!web)
        printf ("web_new: %s\n", err);
    CHECK (web != NULL);
    return web;
}

static char *
s_page (int port, const char *path, const char *headers, int status)
{
    http_t r = s_get (port, path, headers);
    if (r.status != status)
        printf ("GET %s: %d, expected %d\n%s\n", path, r.status, status, r.body);
    CHECK (r.status == status);
    char *body = strdup (r.body ? r.body : "");
    s_http_free (&r);
    return body;
}

//  The CSV link as the page writes it, &amp; undone.
static char *
s_csv_link (const char *page)
{
    const char *at = strstr (page, "href=\"/report.csv?");
    if (!at)
        return NULL;
    at += 6;
    size_t len = strcspn (at, "\"");
    char *link = strndup (at, len), *out = link;
    for (const char *p = link; *p; p++) {
        *out++ = *p;
        if (strncmp (p, "&amp;", 5) == 0)
            p += 4;
    }
    *out = 0;
    return link;
}

static int
s_count (const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr (text, needle); p; p = strstr (p + 1, needle))
        n++;
    return n;
}

//  The attendance chart: its title, and a text alternative that says the
//  total's attendance_by_meeting of the reply, number by number.
static bool
s_attendance_chart (tk_msg_t *reply, const char *page)
{
    const char *svg = strstr (page, "aria-labelledby=\"t-attendance d-attendance\">");
    if (!svg
        || !strstr (svg, "<title id=\"t-attendance\">Attendance per meeting "
                         "number</title>"))
        return false;
    zchunk_t *desc = zchunk_new ("<desc id=\"d-attendance\">", 25);
    for (int i = 1; i <= 10; i++) {
        char path[64];
        snprintf (path, sizeof path, "total.training.attendance_by_meeting.%d", i);
        const msgpack_object *v = tk_get (reply, path);
        char *shown = v ? s_shown (v, path) : strdup ("absent");
        char *part = zsys_sprintf ("%sMeeting %d: %s", i > 1 ? "; " : "", i, shown);
        zchunk_extend (desc, part, strlen (part));
        free (part);
        free (shown);
    }
    zchunk_extend (desc, ".</desc>", 9);
    bool found = strstr (svg, (char *) zchunk_data (desc)) != NULL;
    if (!found)
        printf ("attendance chart lacks %s\n", (char *) zchunk_data (desc));
    zchunk_destroy (&desc);
    return found;
}

static void
test_page (fixture_t *f, int port)
{
    tk_msg_t *reply = s_report (f, NULL, "2017-01-01", "2017-12-31", 0);
    char *page = s_page (port, "/?from=2017-01-01&to=2017-12-31&lang=en", "", 200);
    CHECK (s_compare (reply, page, NULL, true) == 0);
    //  Charts with their text alternatives, no script, real headings.
    int svgs = s_count (page, "<svg role=\"img\"");
    CHECK (svgs >= 4);
    CHECK (s_count (page, "<title id=\"t-") == svgs);
    CHECK (s_count (page, "<desc id=\"d-") == svgs);
    CHECK (strstr (page, "From registration to paid job") != NULL);
    CHECK (s_attendance_chart (reply, page));
    CHECK (strstr (page, "not per meeting") == NULL);
    CHECK (strstr (page, "<script") == NULL);
    CHECK (strstr (page, "<h1>") && strstr (page, "<h2 ") && strstr (page, "<h3 "));
    CHECK (strstr (page, "<th scope=\"row\">") && strstr (page, "<th scope=\"col\">"));
    CHECK (strstr (page, "&lt;5</td>") != NULL);
    CHECK (strstr (page, "id=\"disclosure\"") != NULL);
    CHECK (strstr (page, "@media print{@page{size:A4") != NULL);
    char *link = s_csv_link (page);
    CHECK (link != NULL);
    char *csv = link ? s_page (port, link, "", 200) : strdup ("");
    zchunk_t *expected = zchunk_new ("office,section,figure,value\n", 28);
    s_compare (reply, NULL, expected, true);
    bool same = strlen (csv) == zchunk_size (expected)
                && memcmp (csv, zchunk_data (expected), zchunk_size (expected)) == 0;
    if (!same)
        printf ("CSV differs:\n%s\n", csv);
    CHECK (same);
    zchunk_destroy (&expected);
    free (csv);
    free (link);
    free (page);
    //  Dutch by default.
    page = s_page (port, "/?from=2017-01-01&to=2017-12-31", "", 200);
    CHECK (strstr (page, "<html lang=\"nl\"") && strstr (page, "Aangemeld"));
    free (page);
    tk_msg_destroy (&reply);
}

static void
test_errors_http (int port)
{
    const char *bad[] = {"/?lang=fr", "/?from=2017-13-01&to=2017-12-31",
                         "/?from=2017-12-31&to=2017-01-01", "/?office=a%20b",
                         "/report.csv?to=yesterday"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        free (s_page (port, bad[i], "", 400));
    free (s_page (port, "/nope", "", 404));
    free (s_page (port, "/report.json", "", 404));
    http_t r = s_request (port, "POST", "/", "");
    CHECK (r.status == 405 && r.body && strstr (r.body, "only GET"));
    s_http_free (&r);
}

//  A policy file that is missing or wrong, or a reporting service that does
//  not answer: the dashboard says so rather than show anything.
static void
test_errors_setup (fixture_t *f, int port)
{
    const dir_entry_t *e = directory_instance (f->directory, "reporting");
    char *policy = zsys_sprintf ("%s/policy-bad", f->dir);
    web_opts_t opts = {e->command, port, policy, 0};
    char err[256] = "";
    CHECK (web_new (&opts, err, sizeof err) == NULL
           && strstr (err, "cannot read policy file"));
    FILE *file = fopen (policy, "w");
    if (file) {
        fprintf (file, "anna arnhem\nbob\n");
        fclose (file);
    }
    CHECK (web_new (&opts, err, sizeof err) == NULL
           && strstr (err, "line 2: expected 'user office,office' or 'user *'"));
    free (policy);
    //  Nothing listens there: 503 after the timeout.
    char nobody[64];
    snprintf (nobody, sizeof nobody, "tcp://127.0.0.1:%d", tk_port_base ());
    web_opts_t gone = {nobody, port, NULL, 300};
    web_t *web = web_new (&gone, err, sizeof err);
    CHECK (web != NULL);
    http_t r = s_get (port, "/?from=2017-01-01&to=2017-12-31", "");
    CHECK (r.status == 503 && r.body
           && strstr (r.body, "the reporting service did not answer"));
    s_http_free (&r);
    web_destroy (&web);
}

//  A viewer of arnhem only never sees nijmegen: not in the page, not in
//  the CSV, not even folded into a total.
static void
test_scoping (fixture_t *f, int port)
{
    char *policy = zsys_sprintf ("%s/policy", f->dir);
    FILE *file = fopen (policy, "w");
    fprintf (file, "# user offices\nanna arnhem\nbob *\ncarl arnhem,nijmegen\n");
    fclose (file);
    web_t *web = s_web (f, port, policy);
    const char *anna = "X-Opstap-User: anna\r\n";
    tk_msg_t *reply = s_report (f, "arnhem", "2017-01-01", "2017-12-31", 0);
    char *page = s_page (port, "/?from=2017-01-01&to=2017-12-31&lang=en", anna, 200);
    CHECK (s_compare (reply, page, NULL, true) == 0);
    CHECK (strstr (page, "nijmegen") == NULL);
    char *link = s_csv_link (page);
    char *csv = link ? s_page (port, link, anna, 200) : strdup ("nijmegen");
    CHECK (strstr (csv, "nijmegen") == NULL && strstr (csv, "arnhem,intake,") != NULL);
    free (csv);
    free (link);
    free (page);
    free (s_page (port, "/?office=nijmegen", anna, 403));
    free (s_page (port, "/report.csv?office=nijmegen", anna, 403));
    free (s_page (port, "/", "", 403));
    free (s_page (port, "/", "X-Opstap-User: eve\r\n", 403));
    page =
        s_page (port, "/?from=2017-01-01&to=2017-12-31", "X-Opstap-User: bob\r\n", 200);
    CHECK (strstr (page, "data-o=\"nijmegen\"") && strstr (page, "data-o=\"arnhem\""));
    free (page);
    //  Several offices: each on its own, no total over part of them.
    const char *carl = "X-Opstap-User: carl\r\n";
    page = s_page (port, "/?from=2017-01-01&to=2017-12-31", carl, 200);
    CHECK (strstr (page, "data-o=\"nijmegen\"") && strstr (page, "data-o=\"arnhem\""));
    CHECK (strstr (page, "data-o=\"total\"") == NULL);
    free (page);
    char *csv2 = s_page (port, "/report.csv?from=2017-01-01&to=2017-12-31", carl, 200);
    CHECK (strstr (csv2, "\ntotal,") == NULL && strstr (csv2, "\nnijmegen,"));
    free (csv2);
    tk_msg_destroy (&reply);
    web_destroy (&web);
    free (policy);
}

//  50 offices: the page's render time (Server-Timing) and the time of
//  the whole request, report.summary included. Printed, not asserted.
static void
test_fifty (fixture_t *f, int port)
{
    for (int o = 0; o < 50; o++)
        for (int c = 0; c < 6; c++) {
            char office[16], id[24];
            snprintf (office, sizeof office, "o%02d", o);
            snprintf (id, sizeof id, "c%02d-%d", o, c);
            s_candidate (f, office, id, "2018-03-01", "uwv");
            if (c < 5)
                s_step (f, "info_session", office, id, "2018-03-02");
            if (c < 5)
                s_step (f, "admit", office, id, "2018-03-03");
        }
    tk_msg_t *reply = s_report (f, NULL, "2018-01-01", "2018-12-31", 0);
    CHECK (tk_get (reply, "offices")->via.map.size == 52);
    tk_msg_destroy (&reply);
    double best = 1e9, render = 0;
    for (int i = 0; i < 5; i++) {
        int64_t start = zclock_usecs ();
        http_t r = s_get (port, "/?from=2018-01-01&to=2018-12-31", "");
        double ms = (double) (zclock_usecs () - start) / 1000.0;
        CHECK (r.status == 200);
        CHECK (s_count (r.body, "data-f=\"intake.registered\"") == 53);
        const char *timing = strstr (r.head, "render;dur=");
        if (ms < best && timing) {
            best = ms;
            render = atof (timing + 11);
        }
        s_http_free (&r);
    }
    printf ("  50 offices: page rendered in %.2f ms, whole request (report.summary "
            "included) %.2f ms, best of 5\n",
            render, best);
}

int
main (void)
{
    fixture_t f;
    s_setup (&f);
    s_history (&f);
    int port = tk_port_base ();
    web_t *web = s_web (&f, port, NULL);
    test_page (&f, port);
    test_errors_http (port);
    web_destroy (&web);
    test_errors_setup (&f, port);
    test_scoping (&f, port);
    web = s_web (&f, port, NULL);
    test_fifty (&f, port);
    web_destroy (&web);
    s_teardown (&f);
    return tk_done ("test_dashboard");
}
