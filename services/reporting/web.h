/*  web - the reporting dashboard: a read-only HTML page (and its CSV) of
    report.summary for an office or all, over a period, served by
    libmicrohttpd on its own thread. It asks the reporting service itself
    for the figures over its command socket, so the page shows exactly what
    report.summary answers, disclosure control included, and never touches
    the store the service's actor owns.  */
#ifndef OPSTAP_REPORTING_WEB_H
#define OPSTAP_REPORTING_WEB_H

#include <czmq.h>
#include <msgpack.h>

#define WEB_PORT_OFFSET 45 //  from the port base: 7145 by default

typedef struct {
    const char *command; //  the reporting instance's command endpoint
    int port;            //  on 127.0.0.1
    const char *policy;  //  policy file path, NULL: loopback, every office
    int timeout_ms;      //  for report.summary, 0: 5000
} web_opts_t;

typedef struct _web_t web_t;

//  Loads the policy and starts listening. NULL with a reason in err.
web_t *web_new (const web_opts_t *opts, char *err, size_t errlen);
void web_destroy (web_t **self_p);

//  For opstap-reporting: starts the dashboard for the instance named in
//  argv (--instance, --config as service_main reads them) on
//  OPSTAP_WEB_PORT (default: its command port + 5, i.e. port base + 45)
//  with OPSTAP_WEB_POLICY.
//  NULL when OPSTAP_WEB_PORT is 0 or it cannot start (logged): the
//  service runs on without it.
web_t *web_start (int argc, char *argv[]);

//  --------------------------------------------------------------------------
//  Shared by the page, chart and CSV writers.

//  A growing text; after an allocation failure it stays failed.
typedef struct {
    char *data;
    size_t len, size;
    bool failed;
} web_buf_t;

void web_buf_printf (web_buf_t *self, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
void web_buf_puts (web_buf_t *self, const char *text);
//  Appends text escaped for HTML text and attribute values.
void web_buf_html (web_buf_t *self, const char *text);

typedef enum { WEB_NL, WEB_EN } web_lang_t;

//  What a page shows: one reply of report.summary per office asked (one
//  for all offices when the viewer may see them all).
typedef struct {
    web_lang_t lang;
    const char *office; //  "all" or one office
    const char *from, *to;
    const msgpack_object **replies;
    size_t count;
    bool has_total;             //  replies[0]'s total covers what is shown
    const char *const *choices; //  offices the viewer may choose, NULL-ended
    double *render_ms;          //  set by web_page_render
} web_view_t;

//  The value at a dotted path of a map ("intake.not_eligible.total").
const msgpack_object *web_get (const msgpack_object *map, const char *path);
bool web_suppressed (const msgpack_object *obj);
int64_t web_k (const web_view_t *view);
//  A figure as shown: count, percentage, "<k" or "–".
void web_value (web_buf_t *out, const msgpack_object *obj, bool percent, int64_t k);

//  Calls fn for each office column: its name and SECTION, then the total
//  (name NULL) when there is one.
typedef void (web_column_fn) (const char *office, const msgpack_object *section,
                              void *arg);
void web_columns (const web_view_t *view, bool total, web_column_fn *fn, void *arg);

void web_page_render (web_buf_t *out, const web_view_t *view);
void web_csv_render (web_buf_t *out, const web_view_t *view);
void web_error_render (web_buf_t *out, web_lang_t lang, int status, const char *why);
//  The charts of the page (web_svg.c).
void web_svg_render (web_buf_t *out, const web_view_t *view);
//  A label in the page's language, the key itself when it has none.
const char *web_label (web_lang_t lang, const char *key);

#endif
