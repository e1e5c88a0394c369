/*  handlers - the reporting service's query, what it makes of the streams
    it follows, and its part of an erasure.  */
#ifndef OPSTAP_REPORTING_HANDLERS_H
#define OPSTAP_REPORTING_HANDLERS_H

#include "records.h"
#include "reporting.h"

//  report.c
int report_summary (cmd_ctx_t *ctx);
//  learn.c: every followed stream's events into the aggregates
int reporting_learn (store_tx_t *tx, const msgpack_object *event, void *arg);
//  format.c: when the store opens (service_def_t.prepare), a store of
//  another format is emptied (reporting tables and stream positions) so
//  that it is rebuilt from the streams, logged as event=reporting.rebuild;
//  a new one gets the format.
int reporting_format (store_tx_t *tx, void *state);
//  erase.c: the erasure hook (service_def_t.erase)
int reporting_erase (store_tx_t *tx, const char *id, const char *token, void *state);

#endif
