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
//  lists.c: the office's experts and cohorts, paged
int expert_list (cmd_ctx_t *ctx);
int cohort_list (cmd_ctx_t *ctx);
//  time.c: minutes per expert by setting and kind in a period
int expert_time (cmd_ctx_t *ctx);
//  export.c: everything training holds of one candidate
int training_export (cmd_ctx_t *ctx);
//  rights.c: the rows' rules for requests made as a person (command.h)
int training_may_expert (cmd_ctx_t *ctx);
int training_may_expert_of (cmd_ctx_t *ctx);
int training_may_activity (cmd_ctx_t *ctx);
int training_may_cohort (cmd_ctx_t *ctx);
int training_may_cohort_of (cmd_ctx_t *ctx);
int training_may_office (cmd_ctx_t *ctx);
int training_may_candidate (cmd_ctx_t *ctx);
int training_may_goal (cmd_ctx_t *ctx);
int training_may_goal_of (cmd_ctx_t *ctx);
int training_may_time (cmd_ctx_t *ctx);
//  Whether the person is the trainer named: a professional's trainer id,
//  or an experience expert's expert id.
bool training_trains (const person_t *person, const char *trainer);

//  learn.c: candidates from the intake stream
int training_learn (store_tx_t *tx, const msgpack_object *event, void *arg);
//  erase.c: the erasure hook (service_def_t.erase)
int training_erase (store_tx_t *tx, const char *id, const char *token, void *state);

#endif
