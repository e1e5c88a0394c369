/*  handlers - the training service's command handlers, one group per
    entity file, and the applier of the intake stream.  */
#ifndef OPSTAP_TRAINING_HANDLERS_H
#define OPSTAP_TRAINING_HANDLERS_H

#include "training.h"

//  expert.c
int expert_register (cmd_ctx_t *ctx);
int expert_assign (cmd_ctx_t *ctx);
int expert_release (cmd_ctx_t *ctx);
int expert_suggest (cmd_ctx_t *ctx);
int expert_get (cmd_ctx_t *ctx);
//  activity.c
int activity_log (cmd_ctx_t *ctx);
int activity_list (cmd_ctx_t *ctx);
//  cohort.c
int cohort_create (cmd_ctx_t *ctx);
int cohort_enroll (cmd_ctx_t *ctx);
int cohort_start (cmd_ctx_t *ctx);
int cohort_get (cmd_ctx_t *ctx);
int cohort_candidates (cmd_ctx_t *ctx);
//  meeting.c
int meeting_record (cmd_ctx_t *ctx);
int cohort_subgroups (cmd_ctx_t *ctx);
int cohort_finish (cmd_ctx_t *ctx);
//  goal.c
int goal_set (cmd_ctx_t *ctx);
int goal_revise (cmd_ctx_t *ctx);
int goal_get (cmd_ctx_t *ctx);
int reflection_record (cmd_ctx_t *ctx);
//  learn.c: candidates from the intake stream
int training_learn (store_tx_t *tx, const msgpack_object *event, void *arg);
//  erase.c: the erasure hook (service_def_t.erase)
int training_erase (store_tx_t *tx, const char *id, const char *token, void *state);

#endif
