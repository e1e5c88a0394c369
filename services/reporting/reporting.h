/*  reporting - aggregates of every stream per office and period
    (DOMAIN.md section 5): never a source of truth, always rebuilt the same
    from the streams of intake, training, placement and feedback.  */
#ifndef OPSTAP_REPORTING_H
#define OPSTAP_REPORTING_H

#include "service.h"

#define REPORTING_K_DEFAULT 5
//  The layout of reporting's store (format.c); raised whenever records are
//  added or changed, so an older store is rebuilt from the streams.
#define REPORTING_FORMAT 3

//  What the service is configured with, once, when it is made.
typedef struct {
    int64_t k; //  the operator's disclosure threshold
} reporting_config_t;

//  The reporting service with threshold k (0: the operator's, read now
//  from OPSTAP_REPORT_K), for service_start or service_main. NULL, logged,
//  when OPSTAP_REPORT_K is set to anything but an integer from 1.
service_def_t *reporting_service_new (int64_t k);
void reporting_service_destroy (service_def_t **self_p);

//  The operator's k: OPSTAP_REPORT_K (an integer >= 1), REPORTING_K_DEFAULT
//  when unset; -1 when it is set to anything else.
int64_t reporting_k (void);

//  The reply of report.summary for [from, to] at threshold k, added to
//  reply: from, to, k, each office's section under "offices" (office alone
//  when it is not NULL or "", else every office a stream has named) and
//  their total. Runs in tx, a read or write transaction of reporting's
//  store. 0, or -1 on a store failure (reply is then incomplete). The
//  service's report.summary and opstap-bench-report both call it.
int reporting_summary (store_tx_t *tx, const char *office, const char *from,
                       const char *to, int64_t k, kv_t *reply);

//  The value after the option name in argv, or dflt: for the process's own
//  start-up (the dashboard, the format check), which reads the options
//  service_main reads.
const char *reporting_arg (int argc, char *argv[], const char *name, const char *dflt);

#endif
