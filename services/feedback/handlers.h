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
//  A survey as replies show it; its response's texts only when texts.
void survey_describe (const survey_t *survey, kv_t *kv, bool texts);

//  signal.c: bottleneck signals raised by staff
int signal_report (cmd_ctx_t *ctx);
int signal_resolve (cmd_ctx_t *ctx);
//  A signal as replies show it, without its text.
void signal_describe (const signal_t *signal, kv_t *kv);

//  lists.c: surveys and signals of the office, paged
int survey_list (cmd_ctx_t *ctx);
int signal_list (cmd_ctx_t *ctx);
//  export.c: everything feedback holds of one candidate
int feedback_export (cmd_ctx_t *ctx);

//  learn.c: candidates from the intake stream
int feedback_learn (store_tx_t *tx, const msgpack_object *event, void *arg);
//  erase.c: the erasure hook (service_def_t.erase)
int feedback_erase (store_tx_t *tx, const char *id, const char *token, void *state);

#endif
