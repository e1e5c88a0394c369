/*  metrics - counters, gauges and fixed-bucket histograms, each series
    named by its labels, rendered in the Prometheus text exposition format
    0.0.4 (with # HELP and # TYPE). One instance per service, used from the
    service's own thread only.

    Label values may come from the network (a command name): the number of
    series per family is bounded, so a flood of odd names cannot grow the
    memory without end; updates past the bound are refused (-1).  */
#ifndef OPSTAP_METRICS_H
#define OPSTAP_METRICS_H

#include <stddef.h>

#define METRICS_BUCKETS_MAX 20
#define METRICS_SERIES_MAX  256 //  per family
#define METRICS_LABELS_MAX  4   //  per series

typedef struct _metrics_t metrics_t;

//  Called by metrics_render before it renders: the place to set gauges that
//  are read rather than counted (a stream head, a store's size).
typedef void (metrics_collect_fn) (metrics_t *metrics, void *arg);

metrics_t *metrics_new (void);
void metrics_destroy (metrics_t **self_p);

//  Declares a family. Names follow [a-zA-Z_:][a-zA-Z0-9_:]*; -1 for a bad
//  or repeated name, or (histogram) bounds not strictly ascending.
int metrics_counter (metrics_t *self, const char *name, const char *help);
int metrics_gauge (metrics_t *self, const char *name, const char *help);
int metrics_histogram (metrics_t *self, const char *name, const char *help,
                       const double *bounds, size_t count);

//  Updates the series of name with the given labels: after the value come
//  pairs of label name and value, ended by NULL. -1 when the family is not
//  declared or not of that kind, a label name is bad, a counter would go
//  down, or the family holds METRICS_SERIES_MAX series already.
int metrics_add (metrics_t *self, const char *name, double delta, ...);
int metrics_set (metrics_t *self, const char *name, double value, ...);
int metrics_observe (metrics_t *self, const char *name, double value, ...);

//  The value of a counter or gauge series (labels as above), or -1 when it
//  does not exist. For tests.
double metrics_value (metrics_t *self, const char *name, ...);

void metrics_set_collector (metrics_t *self, metrics_collect_fn *fn, void *arg);

//  Every family in the order declared, series in the order first seen.
//  Returns a string to free, or NULL when out of memory.
char *metrics_render (metrics_t *self);

#endif
