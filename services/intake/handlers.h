/*  handlers - the intake service's command handlers, by file, and its part
    of an erasure.  */
#ifndef OPSTAP_INTAKE_HANDLERS_H
#define OPSTAP_INTAKE_HANDLERS_H

#include "intake.h"
#include "records.h"

//  candidate.c
int candidate_register (cmd_ctx_t *ctx);
int candidate_info_session (cmd_ctx_t *ctx);
int candidate_admit (cmd_ctx_t *ctx);
int candidate_defer (cmd_ctx_t *ctx);
int candidate_decline (cmd_ctx_t *ctx);
int candidate_withdraw (cmd_ctx_t *ctx);
int candidate_assess_stage (cmd_ctx_t *ctx);
int candidate_get (cmd_ctx_t *ctx);
int candidate_list (cmd_ctx_t *ctx);
//  The candidate the command's id names, at the command's office; -1
//  after cmd_fail (not_found for another office's, as for none).
int candidate_load (cmd_ctx_t *ctx, candidate_t *c);

//  erase.c
int candidate_erase (cmd_ctx_t *ctx);
int candidate_erase_complete (cmd_ctx_t *ctx);
//  The erasure hook (service_def_t.erase) and what intake's events lose.
int intake_erase (store_tx_t *tx, const char *id, const char *token, void *state);
extern const char *const intake_erase_drop[];

#endif
