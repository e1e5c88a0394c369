/*  web_svg - the dashboard's charts as inline SVG, drawn from the same
    replies as the tables. Each chart carries a <title> and a <desc> that
    says in words what it shows, so a screen reader (or a printout without
    colour) loses nothing; a suppressed figure draws no bar and says "<k".  */
#include "web.h"

#define SVG_W     640
#define SVG_LABEL 190 //  room for the row labels
#define SVG_ROW   34

static const char *const s_colours[] = {"#24527a", "#e07b00", "#4a8a3c", "#a33333"};

//  A drawable value: -1 when suppressed or null.
static double
s_num (const msgpack_object *obj)
{
    if (!obj || web_suppressed (obj))
        return -1;
    if (obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return (double) obj->via.u64;
    if (obj->type == MSGPACK_OBJECT_FLOAT64 || obj->type == MSGPACK_OBJECT_FLOAT32)
        return obj->via.f64;
    return -1;
}

typedef struct {
    const char *id;
    const char *title;
    size_t n;
    const char *const *labels;
    const msgpack_object **values;
    bool percent;
} chart_t;

static void
s_open (web_buf_t *out, const web_view_t *view, const chart_t *c, int height)
{
    web_buf_printf (out,
                    "<figure><svg role=\"img\" viewBox=\"0 0 %d %d\" "
                    "aria-labelledby=\"t-%s d-%s\"><title id=\"t-%s\">%s</title>"
                    "<desc id=\"d-%s\">",
                    SVG_W, height, c->id, c->id, c->id, c->title, c->id);
    for (size_t i = 0; i < c->n; i++) {
        web_buf_printf (out, "%s%s: ", i ? "; " : "", c->labels[i]);
        web_value (out, c->values[i], c->percent, web_k (view));
    }
    web_buf_puts (out, ".</desc>");
}

static void
s_close (web_buf_t *out, const char *title)
{
    web_buf_printf (out, "</svg><figcaption>%s</figcaption></figure>\n", title);
}

static double
s_max (const chart_t *c)
{
    double max = 0;
    for (size_t i = 0; i < c->n; i++)
        max = s_num (c->values[i]) > max ? s_num (c->values[i]) : max;
    return max > 0 ? max : 1;
}

//  Horizontal bars, one row per value, the value written after the bar.
static void
s_bars (web_buf_t *out, const web_view_t *view, const chart_t *c)
{
    int height = (int) c->n * SVG_ROW + 10;
    double max = c->percent ? 1.0 : s_max (c), room = SVG_W - SVG_LABEL - 70;
    s_open (out, view, c, height);
    for (size_t i = 0; i < c->n; i++) {
        double v = s_num (c->values[i]), w = v > 0 ? v / max * room : 0;
        int y = 5 + (int) i * SVG_ROW;
        web_buf_printf (out,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
                        "font-size=\"18\">%s</text>",
                        SVG_LABEL - 8, y + 22, c->labels[i]);
        web_buf_printf (out,
                        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                        "fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" font-size=\"18\">",
                        SVG_LABEL, y + 3, w, SVG_ROW - 8, s_colours[0], SVG_LABEL + w + 6,
                        y + 22);
        web_value (out, c->values[i], c->percent, web_k (view));
        web_buf_puts (out, "</text>");
    }
    s_close (out, c->title);
}

//  Vertical bars for the grade histogram: grades along the bottom.
static void
s_histogram (web_buf_t *out, const web_view_t *view, const chart_t *c)
{
    int height = 220, base = 180;
    double max = s_max (c), step = (double) (SVG_W - 40) / (double) c->n;
    s_open (out, view, c, height);
    web_buf_printf (out,
                    "<line x1=\"20\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>",
                    base, SVG_W - 20, base);
    for (size_t i = 0; i < c->n; i++) {
        double v = s_num (c->values[i]), h = v > 0 ? v / max * 150 : 0;
        double x = 20 + step * (double) i;
        web_buf_printf (out,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        "fill=\"%s\"/>",
                        x + 2, base - h, step - 4, h, s_colours[1]);
        web_buf_printf (out,
                        "<text x=\"%.1f\" y=\"%d\" font-size=\"13\" "
                        "text-anchor=\"middle\">%s</text>",
                        x + step / 2, base + 16, c->labels[i]);
        if (v != 0) {
            web_buf_printf (out,
                            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
                            "text-anchor=\"middle\">",
                            x + step / 2, base - h - 4);
            web_value (out, c->values[i], false, web_k (view));
            web_buf_puts (out, "</text>");
        }
    }
    s_close (out, c->title);
}

//  A chart of the whole view needs its total; a scoped viewer with several
//  offices has none (see web.c).
static const msgpack_object *
s_scope (const web_view_t *view)
{
    return view->has_total && view->count ? web_get (view->replies[0], "total") : NULL;
}

static void
s_no_total (web_buf_t *out, const web_view_t *view, const char *title)
{
    web_buf_printf (out, "<figure><figcaption>%s</figcaption><p>%s</p></figure>\n", title,
                    web_label (view->lang, "no_total"));
}

static void
s_chart (web_buf_t *out, const web_view_t *view, chart_t *c, const char *const *paths,
         bool histogram)
{
    const msgpack_object *scope = s_scope (view);
    if (!scope) {
        s_no_total (out, view, c->title);
        return;
    }
    const msgpack_object *values[32];
    for (size_t i = 0; i < c->n && i < 32; i++)
        values[i] = web_get (scope, paths[i]);
    c->values = values;
    if (histogram)
        s_histogram (out, view, c);
    else
        s_bars (out, view, c);
}

static void
s_funnel (web_buf_t *out, const web_view_t *view)
{
    static const char *const paths[] = {"intake.registered", "intake.eligible",
                                        "intake.admitted", "placement.started",
                                        "placement.paid_jobs"};
    web_lang_t l = view->lang;
    const char *labels[] = {web_label (l, "registered"), web_label (l, "eligible"),
                            web_label (l, "admitted"),
                            l == WEB_EN ? "Placement started" : "Werkplek gestart",
                            web_label (l, "paid_jobs")};
    chart_t c = {"funnel", web_label (l, "funnel"), 5, labels, NULL, false};
    s_chart (out, view, &c, paths, false);
}

static void
s_grades (web_buf_t *out, const web_view_t *view)
{
    static const char *const grades[] = {"1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0",
                                         "4.5", "5.0", "5.5", "6.0", "6.5", "7.0", "7.5",
                                         "8.0", "8.5", "9.0", "9.5", "10.0"};
    char paths[19][48];
    const char *pp[19];
    for (int i = 0; i < 19; i++) {
        snprintf (paths[i], sizeof paths[i], "satisfaction.all.histogram.%s", grades[i]);
        pp[i] = paths[i];
    }
    chart_t c = {"grades", web_label (view->lang, "grades"), 19, grades, NULL, false};
    s_chart (out, view, &c, pp, true);
}

static void
s_time_split (web_buf_t *out, const web_view_t *view)
{
    static const char *const paths[] = {"experts.setting_share.own_office",
                                        "experts.setting_share.other_office",
                                        "experts.setting_share.external"};
    web_lang_t l = view->lang;
    const char *labels[] = {web_label (l, "own_office"), web_label (l, "other_office"),
                            web_label (l, "external")};
    chart_t c = {"time", web_label (l, "time_split"), 3, labels, NULL, true};
    s_chart (out, view, &c, paths, false);
}

//  Attendance per meeting number, 1 .. 10, as shares of the members.
static void
s_attendance (web_buf_t *out, const web_view_t *view)
{
    char paths[10][48], labels[10][40];
    const char *pp[10], *ll[10];
    for (int i = 0; i < 10; i++) {
        snprintf (paths[i], sizeof paths[i], "training.attendance_by_meeting.%d", i + 1);
        snprintf (labels[i], sizeof labels[i], "%s %d", web_label (view->lang, "meeting"),
                  i + 1);
        pp[i] = paths[i];
        ll[i] = labels[i];
    }
    chart_t c = {"attendance", web_label (view->lang, "attendance"), 10, ll, NULL, true};
    s_chart (out, view, &c, pp, false);
}

//  --------------------------------------------------------------------------
//  Outcomes by office: one stacked bar per office, drawn in three passes
//  over the offices (size, words, bars) since <desc> must come first.

static const char *const s_outcomes[] = {"paid_job", "completed", "continued",
                                         "ended_early"};

typedef struct {
    web_buf_t *out;
    const web_view_t *view;
    int pass;
    size_t row;
    double max;
} outcomes_t;

static void
s_outcome_desc (outcomes_t *o, const char *office, const msgpack_object *section)
{
    web_buf_printf (o->out, "%s", o->row ? "; " : "");
    web_buf_html (o->out, office);
    for (int i = 0; i < 4; i++) {
        char path[64];
        snprintf (path, sizeof path, "placement.ended.%s", s_outcomes[i]);
        web_buf_printf (o->out, "%s %s ", i ? "," : ":",
                        web_label (o->view->lang, s_outcomes[i]));
        web_value (o->out, web_get (section, path), false, web_k (o->view));
    }
}

static void
s_outcome_row (outcomes_t *o, const char *office, const msgpack_object *section)
{
    double x = SVG_LABEL, room = SVG_W - SVG_LABEL - 20;
    int y = 40 + (int) o->row * 24;
    web_buf_printf (o->out,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"16\">",
                    SVG_LABEL - 8, y + 15);
    web_buf_html (o->out, office);
    web_buf_puts (o->out, "</text>");
    for (int i = 0; i < 4; i++) {
        char path[64];
        snprintf (path, sizeof path, "placement.ended.%s", s_outcomes[i]);
        double v = s_num (web_get (section, path)), w = v > 0 ? v / o->max * room : 0;
        web_buf_printf (o->out,
                        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" "
                        "fill=\"%s\"/>",
                        x, y + 2, w, s_colours[i]);
        x += w;
    }
}

static void
s_outcome_each (const char *office, const msgpack_object *section, void *arg)
{
    outcomes_t *o = (outcomes_t *) arg;
    if (o->pass == 0) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            char path[64];
            snprintf (path, sizeof path, "placement.ended.%s", s_outcomes[i]);
            double v = s_num (web_get (section, path));
            sum += v > 0 ? v : 0;
        }
        o->max = sum > o->max ? sum : o->max;
    } else if (o->pass == 1)
        s_outcome_desc (o, office, section);
    else
        s_outcome_row (o, office, section);
    o->row++;
}

static void
s_legend (web_buf_t *out, web_lang_t lang)
{
    for (int i = 0; i < 4; i++) {
        web_buf_printf (out,
                        "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"14\" "
                        "fill=\"%s\"/><text x=\"%d\" y=\"20\" font-size=\"16\">%s</text>",
                        20 + i * 150, s_colours[i], 38 + i * 150,
                        web_label (lang, s_outcomes[i]));
    }
}

static void
s_outcomes_chart (web_buf_t *out, const web_view_t *view)
{
    outcomes_t o = {out, view, 0, 0, 1};
    web_columns (view, false, s_outcome_each, &o);
    const char *title = web_label (view->lang, "outcomes");
    web_buf_printf (out,
                    "<figure><svg role=\"img\" viewBox=\"0 0 %d %d\" "
                    "aria-labelledby=\"t-outcomes d-outcomes\"><title "
                    "id=\"t-outcomes\">%s</title><desc id=\"d-outcomes\">",
                    SVG_W, 50 + (int) o.row * 24, title);
    o.pass = 1, o.row = 0;
    web_columns (view, false, s_outcome_each, &o);
    web_buf_puts (out, ".</desc>");
    s_legend (out, view->lang);
    o.pass = 2, o.row = 0;
    web_columns (view, false, s_outcome_each, &o);
    s_close (out, title);
}

void
web_svg_render (web_buf_t *out, const web_view_t *view)
{
    web_buf_puts (out, "<div class=\"charts\">\n");
    s_funnel (out, view);
    s_grades (out, view);
    s_time_split (out, view);
    s_outcomes_chart (out, view);
    s_attendance (out, view);
    web_buf_puts (out, "</div>\n");
}
