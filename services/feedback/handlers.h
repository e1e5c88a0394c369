/*  handlers - the feedback service's command handlers and its follower of
    the intake stream, one file per entity.  */
#ifndef OPSTAP_FEEDBACK_HANDLERS_H
#define OPSTAP_FEEDBACK_HANDLERS_H

#include "intake_event.h"
#include "records.h"

//  survey.c: invitations, responses and the queries on them
int survey_invite (cmd_ctx_t *ctx);
int survey_respond (cmd_ctx_t *ctx);
int survey_get (cmd_ctx_t *ctx);
int survey_list (cmd_ctx_t *ctx);

//  signal.c: bottleneck signals raised by staff
int signal_report (cmd_ctx_t *ctx);
int signal_resolve (cmd_ctx_t *ctx);
int signal_list (cmd_ctx_t *ctx);

//  learn.c: candidates from the intake stream
int feedback_learn (store_tx_t *tx, const msgpack_object *event, void *arg);
//  erase.c: the erasure hook (service_def_t.erase)
int feedback_erase (store_tx_t *tx, const char *id, const char *token, void *state);

#endif
