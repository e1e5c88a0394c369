/*  telemetry - one service instance's metrics and health over HTTP.  */
#include "telemetry.h"

#include "http.h"

static const double s_latency[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                   0.1,   0.25,   0.5,   1,    2.5,   5};
static const double s_batch[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};

struct _telemetry_t {
    metrics_t *metrics;
    http_t *http; //  NULL when the entry names no metrics endpoint
    telemetry_read_fn *read;
    void *read_arg;
    int64_t started;
};

static int
s_declare (metrics_t *m)
{
    return metrics_gauge (m, "opstap_service_info",
                          "This instance: service, instance and offices served.")
           || metrics_counter (m, "opstap_commands_total",
                               "Commands answered, by command and outcome (ok or the "
                               "error code).")
           || metrics_histogram (m, "opstap_commit_batch_size",
                                 "Commands applied per write transaction.", s_batch,
                                 sizeof s_batch / sizeof s_batch[0])
           || metrics_histogram (m, "opstap_reply_seconds",
                                 "From a command's arrival to its reply.", s_latency,
                                 sizeof s_latency / sizeof s_latency[0])
           || metrics_counter (m, "opstap_store_failures_total",
                               "Write transactions the store failed.")
           || metrics_gauge (m, "opstap_stream_head",
                             "Last seq of this instance's stream.")
           || metrics_gauge (m, "opstap_parked_commands",
                             "Commands waiting for the streams named in their after.")
           || metrics_gauge (m, "opstap_consumer_position",
                             "Last seq applied from each producer instance followed.")
           || metrics_gauge (m, "opstap_consumer_lag",
                             "Events a producer instance has that are not applied yet.")
           || metrics_gauge (m, "opstap_store_used_bytes",
                             "Bytes of the LMDB map in use.")
           || metrics_gauge (m, "opstap_store_map_bytes", "Size of the LMDB map.")
           || metrics_gauge (m, "opstap_uptime_seconds", "Seconds since the start.");
}

static void
s_collect (metrics_t *metrics, void *arg)
{
    telemetry_t *self = (telemetry_t *) arg;
    metrics_set (metrics, "opstap_uptime_seconds",
                 (double) (zclock_mono () - self->started) / 1000.0, NULL);
    if (self->read)
        self->read (self, self->read_arg);
}

telemetry_t *
telemetry_new (const dir_entry_t *entry, const char *service, char *err, size_t errlen)
{
    telemetry_t *self = (telemetry_t *) zmalloc (sizeof (telemetry_t));
    if (!self)
        return NULL;
    self->started = zclock_mono ();
    self->metrics = metrics_new ();
    if (!self->metrics || s_declare (self->metrics)) {
        snprintf (err, errlen, "cannot declare the metrics");
        telemetry_destroy (&self);
        return NULL;
    }
    metrics_set (self->metrics, "opstap_service_info", 1, "service", service, "instance",
                 entry->instance, "offices", entry->offices, NULL);
    metrics_set_collector (self->metrics, s_collect, self);
    //  As with the dashboard, a port that cannot be bound costs the
    //  endpoint, not the service: commands matter more than their figures.
    char why[256] = "";
    char bind[DIR_ENDPOINT_MAX + 1];
    if (*entry->metrics && dir_bind_endpoint (entry->metrics, bind, sizeof bind) == 0
        && !(self->http = http_new (bind, self->metrics, why, sizeof why)))
        zsys_warning ("event=metrics.off instance=%s reason=\"%s\"", entry->instance,
                      why);
    return self;
}

void
telemetry_destroy (telemetry_t **self_p)
{
    if (self_p && *self_p) {
        telemetry_t *self = *self_p;
        http_destroy (&self->http);
        metrics_destroy (&self->metrics);
        free (self);
        *self_p = NULL;
    }
}

int
telemetry_attach (telemetry_t *self, zloop_t *loop, telemetry_read_fn *read, void *arg)
{
    self->read = read;
    self->read_arg = arg;
    return self->http ? http_attach (self->http, loop) : 0;
}

void
telemetry_command (telemetry_t *self, const char *cmd, const char *outcome,
                   int64_t elapsed_ms)
{
    metrics_add (self->metrics, "opstap_commands_total", 1, "cmd", cmd, "outcome",
                 outcome, NULL);
    metrics_observe (self->metrics, "opstap_reply_seconds",
                     (double) (elapsed_ms > 0 ? elapsed_ms : 0) / 1000.0, NULL);
}

void
telemetry_batch (telemetry_t *self, size_t count, bool ok)
{
    if (count)
        metrics_observe (self->metrics, "opstap_commit_batch_size", (double) count, NULL);
    if (!ok)
        metrics_add (self->metrics, "opstap_store_failures_total", 1, NULL);
    if (self->http)
        http_set_health (self->http, ok, ok ? NULL : "the store failed the last commit");
}

void
telemetry_stream (telemetry_t *self, uint64_t head, size_t parked)
{
    metrics_set (self->metrics, "opstap_stream_head", (double) head, NULL);
    metrics_set (self->metrics, "opstap_parked_commands", (double) parked, NULL);
}

void
telemetry_consumer (telemetry_t *self, const char *service, const char *instance,
                    uint64_t position, uint64_t head)
{
    metrics_set (self->metrics, "opstap_consumer_position", (double) position, "service",
                 service, "producer", instance, NULL);
    metrics_set (self->metrics, "opstap_consumer_lag",
                 (double) (head > position ? head - position : 0), "service", service,
                 "producer", instance, NULL);
}

void
telemetry_store (telemetry_t *self, size_t used, size_t mapsize)
{
    metrics_set (self->metrics, "opstap_store_used_bytes", (double) used, NULL);
    metrics_set (self->metrics, "opstap_store_map_bytes", (double) mapsize, NULL);
}

const char *
telemetry_endpoint (telemetry_t *self)
{
    return self->http ? http_endpoint (self->http) : "";
}
