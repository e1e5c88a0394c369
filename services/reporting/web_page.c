/*  web_page - the dashboard's HTML and CSV, written from report.summary's
    replies as they are: every figure, suppression and null is the
    service's; this file only lays them out.  */
#include "web.h"

#include "codec.h"
#include "json.h"

#include <stdarg.h>

//  --------------------------------------------------------------------------
//  Text

void
web_buf_printf (web_buf_t *self, const char *fmt, ...)
{
    for (int attempt = 0; attempt < 2 && !self->failed; attempt++) {
        va_list args;
        va_start (args, fmt);
        int n = vsnprintf (self->data ? self->data + self->len : NULL,
                           self->size - self->len, fmt, args);
        va_end (args);
        if (n < 0) {
            self->failed = true;
        } else if ((size_t) n < self->size - self->len) {
            self->len += (size_t) n;
            return;
        } else {
            size_t size = (self->size ? self->size : 4096) * 2 + (size_t) n;
            char *data = (char *) realloc (self->data, size);
            if (!data)
                self->failed = true;
            self->data = data ? data : self->data;
            self->size = data ? size : self->size;
        }
    }
}

void
web_buf_puts (web_buf_t *self, const char *text)
{
    web_buf_printf (self, "%s", text);
}

void
web_buf_html (web_buf_t *self, const char *text)
{
    for (const char *p = text; *p; p++)
        switch (*p) {
        case '<':
            web_buf_puts (self, "&lt;");
            break;
        case '>':
            web_buf_puts (self, "&gt;");
            break;
        case '&':
            web_buf_puts (self, "&amp;");
            break;
        case '"':
            web_buf_puts (self, "&quot;");
            break;
        case '\'':
            web_buf_puts (self, "&#39;");
            break;
        default:
            web_buf_printf (self, "%c", *p);
        }
}

//  --------------------------------------------------------------------------
//  Figures

//  A key may hold dots itself (the grades "6.5"): a key is matched when the
//  path goes on after it with a dot or ends there.
const msgpack_object *
web_get (const msgpack_object *map, const char *path)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *key = &map->via.map.ptr[i].key;
        size_t len = key->type == MSGPACK_OBJECT_STR ? key->via.str.size : 0;
        if (!len || strncmp (path, key->via.str.ptr, len) != 0)
            continue;
        if (path[len] == 0)
            return &map->via.map.ptr[i].val;
        const msgpack_object *found =
            path[len] == '.' ? web_get (&map->via.map.ptr[i].val, path + len + 1) : NULL;
        if (found)
            return found;
    }
    return NULL;
}

bool
web_suppressed (const msgpack_object *obj)
{
    const msgpack_object *flag =
        obj && obj->type == MSGPACK_OBJECT_MAP && obj->via.map.size == 1
            ? web_get (obj, "suppressed")
            : NULL;
    return flag && flag->type == MSGPACK_OBJECT_BOOLEAN && flag->via.boolean;
}

int64_t
web_k (const web_view_t *view)
{
    const msgpack_object *k = view->count ? web_get (view->replies[0], "k") : NULL;
    return k && k->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? (int64_t) k->via.u64 : 0;
}

//  Fractions keep the service's 4 decimals, trailing zeros dropped.
static void
s_number (web_buf_t *out, double value, bool percent)
{
    char text[64];
    snprintf (text, sizeof text, percent ? "%.1f" : "%.4f",
              percent ? value * 100 : value);
    size_t len = strlen (text);
    while (!percent && len > 1 && text[len - 1] == '0' && text[len - 2] != '.')
        text[--len] = 0;
    web_buf_printf (out, "%s%s", text, percent ? "%" : "");
}

void
web_value (web_buf_t *out, const msgpack_object *obj, bool percent, int64_t k)
{
    if (web_suppressed (obj))
        web_buf_printf (out, "&lt;%" PRId64, k);
    else if (!obj || obj->type == MSGPACK_OBJECT_NIL)
        web_buf_puts (out, "–");
    else if (obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        web_buf_printf (out, "%" PRIu64, obj->via.u64);
    else if (obj->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        web_buf_printf (out, "%" PRId64, obj->via.i64);
    else if (obj->type == MSGPACK_OBJECT_FLOAT64 || obj->type == MSGPACK_OBJECT_FLOAT32)
        s_number (out, obj->via.f64, percent);
    else
        web_buf_puts (out, "?");
}

void
web_columns (const web_view_t *view, bool total, web_column_fn *fn, void *arg)
{
    for (size_t r = 0; r < view->count; r++) {
        const msgpack_object *offices = web_get (view->replies[r], "offices");
        for (uint32_t i = 0;
             offices && offices->type == MSGPACK_OBJECT_MAP && i < offices->via.map.size;
             i++) {
            const msgpack_object_kv *kv = &offices->via.map.ptr[i];
            char name[CODEC_ID_MAX + 1];
            if (obj_str (&kv->key, name, sizeof name) == 0)
                fn (name, &kv->val, arg);
        }
    }
    //  One office's total is the office again: shown once.
    if (total && view->has_total && streq (view->office, "all"))
        fn (NULL, web_get (view->replies[0], "total"), arg);
}

//  --------------------------------------------------------------------------
//  Tables

typedef struct {
    const char *name; //  NULL: the total
    const msgpack_object *section;
} column_t;

typedef struct {
    column_t *cols;
    size_t count, size;
} columns_t;

static void
s_add_column (const char *office, const msgpack_object *section, void *arg)
{
    columns_t *c = (columns_t *) arg;
    if (c->count == c->size) {
        c->size = c->size ? c->size * 2 : 16;
        c->cols = (column_t *) realloc (c->cols, c->size * sizeof (column_t));
        assert (c->cols);
    }
    //  Names live in the replies' buffers; the copy web_columns passes
    //  does not outlive the call.
    c->cols[c->count].name = office ? strdup (office) : NULL;
    c->cols[c->count++].section = section;
}

static void
s_columns_free (columns_t *c)
{
    for (size_t i = 0; i < c->count; i++)
        free ((char *) c->cols[i].name);
    free (c->cols);
}

static bool
s_percent (const char *path)
{
    return strstr (path, "rate") || strstr (path, "share") || strstr (path, "attendance");
}

//  A row label: the labels of the path's parts.
static void
s_row_label (web_buf_t *out, web_lang_t lang, const char *path)
{
    char copy[256];
    snprintf (copy, sizeof copy, "%s", path);
    char *save = NULL;
    int n = 0;
    for (char *part = strtok_r (copy, ".", &save); part;
         part = strtok_r (NULL, ".", &save)) {
        web_buf_printf (out, "%s%s", n++ ? " – " : "", web_label (lang, part));
        //  What follows is a grade, dots and all.
        if (streq (part, "histogram") && save && *save) {
            web_buf_printf (out, " %s", save);
            break;
        }
    }
}

typedef struct {
    web_buf_t *out;
    const web_view_t *view;
    const columns_t *cols;
    const char *section;
} table_t;

static void
s_row (table_t *t, const char *path)
{
    web_buf_t *out = t->out;
    web_buf_puts (out, "<tr><th scope=\"row\">");
    s_row_label (out, t->view->lang, path);
    web_buf_puts (out, "</th>");
    for (size_t c = 0; c < t->cols->count; c++) {
        const column_t *col = &t->cols->cols[c];
        web_buf_puts (out, "<td data-o=\"");
        web_buf_html (out, col->name ? col->name : "total");
        web_buf_printf (out, "\" data-f=\"%s.%s\">", t->section, path);
        char full[300];
        snprintf (full, sizeof full, "%s.%s", t->section, path);
        const msgpack_object *v = web_get (col->section, full);
        //  An open list (deferral reasons) lacks what an office never had.
        web_value (out,
                   v ? v : &(msgpack_object){.type = MSGPACK_OBJECT_POSITIVE_INTEGER},
                   s_percent (path), web_k (t->view));
        web_buf_puts (out, "</td>");
    }
    web_buf_puts (out, "</tr>\n");
}

//  One row per leaf of the template section, in the reply's order.
static void
s_rows (table_t *t, const msgpack_object *obj, const char *path)
{
    if (obj->type != MSGPACK_OBJECT_MAP || web_suppressed (obj)) {
        s_row (t, path);
        return;
    }
    for (uint32_t i = 0; i < obj->via.map.size; i++) {
        char key[CODEC_ID_MAX + 1], sub[256];
        if (obj_str (&obj->via.map.ptr[i].key, key, sizeof key))
            continue;
        snprintf (sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
        s_rows (t, &obj->via.map.ptr[i].val, sub);
    }
}

static void
s_table_head (table_t *t)
{
    web_lang_t lang = t->view->lang;
    web_buf_printf (t->out,
                    "<table aria-labelledby=\"h-%s\"><thead><tr><th "
                    "scope=\"col\">%s</th>",
                    t->section, web_label (lang, "figure"));
    for (size_t c = 0; c < t->cols->count; c++) {
        web_buf_puts (t->out, "<th scope=\"col\">");
        const char *name = t->cols->cols[c].name;
        web_buf_html (t->out, name ? name : web_label (lang, "total"));
        web_buf_puts (t->out, "</th>");
    }
    web_buf_puts (t->out, "</tr></thead>\n<tbody>\n");
}

static void
s_tables (web_buf_t *out, const web_view_t *view, const columns_t *cols)
{
    static const char *const sections[] = {"intake",    "experts",      "training",
                                           "placement", "satisfaction", NULL};
    if (!cols->count)
        return;
    //  The last column (the total when there is one) has every open label.
    const msgpack_object *tmpl = cols->cols[cols->count - 1].section;
    for (int s = 0; sections[s]; s++) {
        table_t t = {out, view, cols, sections[s]};
        const msgpack_object *section = web_get (tmpl, sections[s]);
        if (!section)
            continue;
        web_buf_printf (out,
                        "<section aria-labelledby=\"h-%s\"><h3 id=\"h-%s\">%s</h3>\n",
                        sections[s], sections[s], web_label (view->lang, sections[s]));
        web_buf_puts (out, "<div class=\"scroll\" tabindex=\"0\">");
        s_table_head (&t);
        s_rows (&t, section, "");
        web_buf_puts (out, "</tbody></table></div></section>\n");
    }
}

//  --------------------------------------------------------------------------
//  The page

//  Screen: fluid to phone width; print: A4 portrait, charts kept whole,
//  the form and links left out.
static const char s_style[] =
    "body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;"
    "padding:0 1rem;color:#1b1b1b;background:#fff}"
    "h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:2px solid "
    "#245;margin-top:2rem}"
    "h3{font-size:1.1rem}form{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end}"
    "label{display:flex;flex-direction:column;font-size:.9rem}"
    "input,select,button{font:inherit;padding:.3rem}"
    "button{background:#245;color:#fff;border:0;padding:.4rem 1rem}"
    ":focus-visible{outline:3px solid #e80;outline-offset:2px}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0;"
    "min-width:20rem}th,td{padding:.2rem .6rem;border-bottom:1px solid #ccc;"
    "text-align:right}th[scope=row]{text-align:left;font-weight:400}"
    "thead th{background:#eef2f6}.charts{display:grid;gap:1rem;"
    "grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr))}"
    "figure{margin:0;border:1px solid #ddd;padding:.5rem;min-width:0}"
    "svg{width:100%;height:auto}"
    ".note{background:#fff8e0;border-left:4px solid #e80;padding:.5rem 1rem}"
    "@media print{@page{size:A4 portrait;margin:15mm}body{max-width:none;font-size:10pt;"
    "padding:0}form,.links{display:none}.charts{grid-template-columns:1fr 1fr}"
    "figure,table,tr{break-inside:avoid}.scroll{overflow:visible}"
    "h2{break-after:avoid}a{color:inherit;text-decoration:none}}";

static void
s_query (web_buf_t *out, const web_view_t *view, const char *lang)
{
    web_buf_puts (out, "office=");
    web_buf_html (out, view->office);
    web_buf_printf (out, "&amp;from=%s&amp;to=%s&amp;lang=%s", view->from, view->to,
                    lang);
}

static void
s_option (web_buf_t *out, const char *value, const char *text, bool selected)
{
    web_buf_puts (out, "<option value=\"");
    web_buf_html (out, value);
    web_buf_printf (out, "\"%s>", selected ? " selected" : "");
    web_buf_html (out, text);
    web_buf_puts (out, "</option>");
}

static void
s_form (web_buf_t *out, const web_view_t *view)
{
    web_lang_t lang = view->lang;
    web_buf_printf (out,
                    "<form method=\"get\" action=\"/\"><label>%s<select name=\"office\">",
                    web_label (lang, "office"));
    s_option (out, "all", web_label (lang, "all_offices"), streq (view->office, "all"));
    bool listed = streq (view->office, "all");
    for (size_t i = 0; view->choices && view->choices[i]; i++) {
        s_option (out, view->choices[i], view->choices[i],
                  streq (view->office, view->choices[i]));
        listed = listed || streq (view->office, view->choices[i]);
    }
    if (!listed)
        s_option (out, view->office, view->office, true);
    web_buf_printf (out,
                    "</select></label><label>%s<input type=\"date\" name=\"from\" "
                    "value=\"%s\" required></label>",
                    web_label (lang, "from"), view->from);
    web_buf_printf (out,
                    "<label>%s<input type=\"date\" name=\"to\" value=\"%s\" "
                    "required></label><label>%s<select name=\"lang\">",
                    web_label (lang, "to"), view->to, web_label (lang, "language"));
    s_option (out, "nl", "Nederlands", lang == WEB_NL);
    s_option (out, "en", "English", lang == WEB_EN);
    web_buf_printf (out, "</select></label><button type=\"submit\">%s</button></form>\n",
                    web_label (lang, "show"));
}

static void
s_header (web_buf_t *out, const web_view_t *view)
{
    web_lang_t lang = view->lang;
    web_buf_printf (out,
                    "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\"><title>%s</title><style>%s</style></head>\n"
                    "<body><header><h1>%s</h1><p>%s: ",
                    lang == WEB_EN ? "en" : "nl", web_label (lang, "title"), s_style,
                    web_label (lang, "title"), web_label (lang, "office"));
    web_buf_html (out, streq (view->office, "all") ? web_label (lang, "all_offices")
                                                   : view->office);
    web_buf_printf (out, " · %s: %s – %s · k = %" PRId64 "</p>\n",
                    web_label (lang, "period"), view->from, view->to, web_k (view));
    s_form (out, view);
    web_buf_puts (out, "<p class=\"links\"><a href=\"/report.csv?");
    s_query (out, view, lang == WEB_EN ? "en" : "nl");
    web_buf_printf (out, "\" download>%s</a> · <a href=\"/?", web_label (lang, "csv"));
    s_query (out, view, lang == WEB_EN ? "nl" : "en");
    web_buf_printf (out, "\" hreflang=\"%s\">%s</a></p></header>\n",
                    lang == WEB_EN ? "nl" : "en",
                    lang == WEB_EN ? "Nederlands" : "English");
}

static void
s_note (web_buf_t *out, const web_view_t *view)
{
    web_buf_puts (out, "<aside class=\"note\" id=\"disclosure\" aria-labelledby=\"h-k\">"
                       "<h2 id=\"h-k\">");
    web_buf_html (out, web_label (view->lang, "disclosure"));
    web_buf_puts (out, "</h2><p>");
    web_buf_html (out, web_label (view->lang, "disclosure_text"));
    web_buf_printf (out, "%" PRId64 ".</p></aside>\n", web_k (view));
}

void
web_page_render (web_buf_t *out, const web_view_t *view)
{
    int64_t start = zclock_usecs ();
    columns_t cols = {NULL, 0, 0};
    web_columns (view, true, s_add_column, &cols);
    s_header (out, view);
    web_buf_puts (out, "<main>\n");
    s_note (out, view);
    web_buf_printf (out,
                    "<section aria-labelledby=\"h-charts\"><h2 id=\"h-charts\">%s</h2>\n",
                    web_label (view->lang, "charts"));
    web_svg_render (out, view);
    web_buf_printf (out,
                    "</section>\n<section aria-labelledby=\"h-figures\">"
                    "<h2 id=\"h-figures\">%s</h2>\n",
                    web_label (view->lang, "figures"));
    s_tables (out, view, &cols);
    web_buf_puts (out, "</section></main></body></html>\n");
    s_columns_free (&cols);
    if (view->render_ms)
        *view->render_ms = (double) (zclock_usecs () - start) / 1000.0;
}

void
web_error_render (web_buf_t *out, web_lang_t lang, int status, const char *why)
{
    web_buf_printf (out,
                    "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                    "<title>%d</title></head><body><h1>%s %d</h1><p>",
                    lang == WEB_EN ? "en" : "nl", status, web_label (lang, "error"),
                    status);
    web_buf_html (out, why);
    web_buf_puts (out, "</p><p><a href=\"/\">Opstap</a></p></body></html>\n");
}

//  --------------------------------------------------------------------------
//  CSV: the rows of `opstap report --format csv` (office, section, figure,
//  value; "<k" for suppressed, empty for null), from the same replies.

static void
s_csv_cell (web_buf_t *out, const char *office, const char *path,
            const msgpack_object *obj, int64_t k)
{
    const char *dot = strchr (path, '.');
    web_buf_printf (out, "%s,%.*s,%s,", office, (int) (dot - path), path, dot + 1);
    if (web_suppressed (obj))
        web_buf_printf (out, "<%" PRId64 "\n", k);
    else if (obj->type == MSGPACK_OBJECT_NIL)
        web_buf_puts (out, "\n");
    else if (obj->type == MSGPACK_OBJECT_FLOAT64 || obj->type == MSGPACK_OBJECT_FLOAT32) {
        char *json = json_from_msgpack (obj);
        web_buf_printf (out, "%s\n", json ? json : "");
        free (json);
    } else
        web_buf_printf (out, "%" PRId64 "\n",
                        obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER
                            ? (int64_t) obj->via.u64
                            : obj->via.i64);
}

typedef struct {
    web_buf_t *out;
    int64_t k;
} csv_t;

static void
s_csv_walk (csv_t *c, const char *office, const msgpack_object *obj, const char *path)
{
    if (obj->type != MSGPACK_OBJECT_MAP || web_suppressed (obj)) {
        s_csv_cell (c->out, office, path, obj, c->k);
        return;
    }
    for (uint32_t i = 0; i < obj->via.map.size; i++) {
        char key[CODEC_ID_MAX + 1], sub[256];
        if (obj_str (&obj->via.map.ptr[i].key, key, sizeof key))
            continue;
        snprintf (sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
        s_csv_walk (c, office, &obj->via.map.ptr[i].val, sub);
    }
}

static void
s_csv_column (const char *office, const msgpack_object *section, void *arg)
{
    csv_t *c = (csv_t *) arg;
    s_csv_walk (c, office ? office : "total", section, "");
}

void
web_csv_render (web_buf_t *out, const web_view_t *view)
{
    web_buf_puts (out, "office,section,figure,value\n");
    csv_t c = {out, web_k (view)};
    //  As the command-line tool: the total follows even a single office.
    web_columns (view, false, s_csv_column, &c);
    if (view->has_total && view->count)
        s_csv_column (NULL, web_get (view->replies[0], "total"), &c);
}
