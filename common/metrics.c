/*  metrics - counters, gauges and histograms in Prometheus text format.  */
#include "metrics.h"

#include <czmq.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METRICS_NAME_MAX   100
#define METRICS_LABELS_LEN 512

typedef enum { KIND_COUNTER, KIND_GAUGE, KIND_HISTOGRAM } kind_t;

typedef struct {
    char labels[METRICS_LABELS_LEN]; //  rendered: a="x",b="y"
    double value;                    //  counter, gauge; histogram: sum
    uint64_t count;                  //  histogram: observations
    uint64_t buckets[METRICS_BUCKETS_MAX];
} series_t;

typedef struct {
    char name[METRICS_NAME_MAX + 1];
    char *help;
    kind_t kind;
    double bounds[METRICS_BUCKETS_MAX];
    size_t bound_count;
    series_t *series[METRICS_SERIES_MAX];
    size_t series_count;
} family_t;

struct _metrics_t {
    zlistx_t *families;
    metrics_collect_fn *collect;
    void *collect_arg;
};

static void
s_family_destroy (void **item)
{
    family_t *family = (family_t *) *item;
    if (!family)
        return;
    for (size_t i = 0; i < family->series_count; i++)
        free (family->series[i]);
    free (family->help);
    free (family);
    *item = NULL;
}

metrics_t *
metrics_new (void)
{
    metrics_t *self = (metrics_t *) zmalloc (sizeof (metrics_t));
    if (!self)
        return NULL;
    self->families = zlistx_new ();
    if (!self->families) {
        free (self);
        return NULL;
    }
    zlistx_set_destructor (self->families, s_family_destroy);
    return self;
}

void
metrics_destroy (metrics_t **self_p)
{
    if (self_p && *self_p) {
        zlistx_destroy (&(*self_p)->families);
        free (*self_p);
        *self_p = NULL;
    }
}

//  Metric names may hold colons, label names may not.
static bool
s_valid_name (const char *name, bool colon)
{
    if (!name || !*name || strlen (name) > METRICS_NAME_MAX || isdigit (*name))
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum ((unsigned char) *p) && *p != '_' && !(colon && *p == ':'))
            return false;
    return true;
}

static family_t *
s_family (metrics_t *self, const char *name)
{
    for (family_t *f = (family_t *) zlistx_first (self->families); f;
         f = (family_t *) zlistx_next (self->families))
        if (strcmp (f->name, name) == 0)
            return f;
    return NULL;
}

static family_t *
s_declare (metrics_t *self, const char *name, const char *help, kind_t kind)
{
    if (!s_valid_name (name, true) || s_family (self, name))
        return NULL;
    family_t *family = (family_t *) zmalloc (sizeof (family_t));
    if (!family)
        return NULL;
    snprintf (family->name, sizeof family->name, "%s", name);
    family->help = strdup (help ? help : "");
    family->kind = kind;
    if (!family->help || !zlistx_add_end (self->families, family)) {
        void *item = family;
        s_family_destroy (&item);
        return NULL;
    }
    return family;
}

int
metrics_counter (metrics_t *self, const char *name, const char *help)
{
    return s_declare (self, name, help, KIND_COUNTER) ? 0 : -1;
}

int
metrics_gauge (metrics_t *self, const char *name, const char *help)
{
    return s_declare (self, name, help, KIND_GAUGE) ? 0 : -1;
}

int
metrics_histogram (metrics_t *self, const char *name, const char *help,
                   const double *bounds, size_t count)
{
    if (count == 0 || count > METRICS_BUCKETS_MAX)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (!isfinite (bounds[i]) || (i && bounds[i] <= bounds[i - 1]))
            return -1;
    family_t *family = s_declare (self, name, help, KIND_HISTOGRAM);
    if (!family)
        return -1;
    memcpy (family->bounds, bounds, count * sizeof (double));
    family->bound_count = count;
    return 0;
}

//  Appends text to out (size bytes in all), escaping as label values must.
static int
s_append_escaped (char *out, size_t size, const char *text)
{
    size_t len = strlen (out);
    for (const char *p = text; *p; p++) {
        const char *esc = *p == '\\'   ? "\\\\"
                          : *p == '"'  ? "\\\""
                          : *p == '\n' ? "\\n"
                                       : NULL;
        size_t n = esc ? 2 : 1;
        if (len + n >= size)
            return -1;
        memcpy (out + len, esc ? esc : p, n);
        len += n;
    }
    out[len] = 0;
    return 0;
}

//  Renders the NULL-ended pairs of label name and value into out.
static int
s_labels (char *out, size_t size, va_list args)
{
    *out = 0;
    for (int pairs = 0;; pairs++) {
        const char *key = va_arg (args, const char *);
        if (!key)
            return 0;
        const char *value = va_arg (args, const char *);
        if (pairs == METRICS_LABELS_MAX || !s_valid_name (key, false)
            || strcmp (key, "le") == 0 || !value)
            return -1;
        size_t len = strlen (out);
        int n = snprintf (out + len, size - len, "%s%s=\"", pairs ? "," : "", key);
        if (n < 0 || (size_t) n >= size - len || s_append_escaped (out, size, value)
            || strlen (out) + 2 > size)
            return -1;
        strcat (out, "\"");
    }
}

static series_t *
s_series (family_t *family, const char *labels)
{
    for (size_t i = 0; i < family->series_count; i++)
        if (strcmp (family->series[i]->labels, labels) == 0)
            return family->series[i];
    if (family->series_count == METRICS_SERIES_MAX)
        return NULL;
    series_t *series = (series_t *) zmalloc (sizeof (series_t));
    if (!series)
        return NULL;
    snprintf (series->labels, sizeof series->labels, "%s", labels);
    family->series[family->series_count++] = series;
    return series;
}

static series_t *
s_lookup (metrics_t *self, const char *name, kind_t kind, bool create, va_list args)
{
    family_t *family = s_family (self, name);
    char labels[METRICS_LABELS_LEN];
    if (!family || family->kind != kind || s_labels (labels, sizeof labels, args))
        return NULL;
    if (create)
        return s_series (family, labels);
    for (size_t i = 0; i < family->series_count; i++)
        if (strcmp (family->series[i]->labels, labels) == 0)
            return family->series[i];
    return NULL;
}

int
metrics_add (metrics_t *self, const char *name, double delta, ...)
{
    if (!(delta >= 0))
        return -1;
    va_list args;
    va_start (args, delta);
    series_t *series = s_lookup (self, name, KIND_COUNTER, true, args);
    va_end (args);
    if (!series)
        return -1;
    series->value += delta;
    return 0;
}

int
metrics_set (metrics_t *self, const char *name, double value, ...)
{
    va_list args;
    va_start (args, value);
    series_t *series = s_lookup (self, name, KIND_GAUGE, true, args);
    va_end (args);
    if (!series)
        return -1;
    series->value = value;
    return 0;
}

int
metrics_observe (metrics_t *self, const char *name, double value, ...)
{
    va_list args;
    va_start (args, value);
    series_t *series = s_lookup (self, name, KIND_HISTOGRAM, true, args);
    va_end (args);
    if (!series || isnan (value))
        return -1;
    family_t *family = s_family (self, name);
    for (size_t i = 0; i < family->bound_count; i++)
        if (value <= family->bounds[i])
            series->buckets[i]++;
    series->count++;
    series->value += value;
    return 0;
}

double
metrics_value (metrics_t *self, const char *name, ...)
{
    family_t *family = s_family (self, name);
    if (!family || family->kind == KIND_HISTOGRAM)
        return -1;
    va_list args;
    va_start (args, name);
    series_t *series = s_lookup (self, name, family->kind, false, args);
    va_end (args);
    return series ? series->value : -1;
}

void
metrics_set_collector (metrics_t *self, metrics_collect_fn *fn, void *arg)
{
    self->collect = fn;
    self->collect_arg = arg;
}

//  --------------------------------------------------------------------------
//  Rendering

//  Shortest form that reads back as the same double; Prometheus' spelling
//  of the infinities.
static void
s_number (char *out, size_t size, double value)
{
    if (isnan (value))
        snprintf (out, size, "NaN");
    else if (isinf (value))
        snprintf (out, size, value > 0 ? "+Inf" : "-Inf");
    else {
        snprintf (out, size, "%.15g", value);
        if (strtod (out, NULL) != value)
            snprintf (out, size, "%.17g", value);
    }
}

static void
s_render_help (FILE *out, const family_t *family)
{
    static const char *types[] = {"counter", "gauge", "histogram"};
    fprintf (out, "# HELP %s ", family->name);
    for (const char *p = family->help; *p; p++)
        if (*p == '\\' || *p == '\n')
            fputs (*p == '\\' ? "\\\\" : "\\n", out);
        else
            fputc (*p, out);
    fprintf (out, "\n# TYPE %s %s\n", family->name, types[family->kind]);
}

static void
s_render_bucket (FILE *out, const family_t *family, const series_t *series,
                 const char *le, uint64_t count)
{
    fprintf (out, "%s_bucket{%s%sle=\"%s\"} %" PRIu64 "\n", family->name, series->labels,
             *series->labels ? "," : "", le, count);
}

static void
s_render_histogram (FILE *out, const family_t *family, const series_t *series)
{
    char number[40];
    for (size_t i = 0; i < family->bound_count; i++) {
        s_number (number, sizeof number, family->bounds[i]);
        s_render_bucket (out, family, series, number, series->buckets[i]);
    }
    s_render_bucket (out, family, series, "+Inf", series->count);
    const char *open = *series->labels ? "{" : "";
    const char *close = *series->labels ? "}" : "";
    s_number (number, sizeof number, series->value);
    fprintf (out, "%s_sum%s%s%s %s\n", family->name, open, series->labels, close, number);
    fprintf (out, "%s_count%s%s%s %" PRIu64 "\n", family->name, open, series->labels,
             close, series->count);
}

static void
s_render_family (FILE *out, const family_t *family)
{
    s_render_help (out, family);
    char number[40];
    for (size_t i = 0; i < family->series_count; i++) {
        const series_t *series = family->series[i];
        if (family->kind == KIND_HISTOGRAM) {
            s_render_histogram (out, family, series);
            continue;
        }
        s_number (number, sizeof number, series->value);
        if (*series->labels)
            fprintf (out, "%s{%s} %s\n", family->name, series->labels, number);
        else
            fprintf (out, "%s %s\n", family->name, number);
    }
}

char *
metrics_render (metrics_t *self)
{
    if (self->collect)
        self->collect (self, self->collect_arg);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    if (!out)
        return NULL;
    for (family_t *f = (family_t *) zlistx_first (self->families); f;
         f = (family_t *) zlistx_next (self->families))
        s_render_family (out, f);
    if (fclose (out) != 0) {
        free (text);
        return NULL;
    }
    return text;
}
