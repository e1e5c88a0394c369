/*  handlers - the intake service's command handlers, by file, and its part
    of an erasure.  */
#ifndef OPSTAP_INTAKE_HANDLERS_H
#define OPSTAP_INTAKE_HANDLERS_H

#include "intake.h"
#include "records.h"
#include "search.h"

//  What intake keeps besides its store: the search of contact details.
typedef struct {
    search_t *search;
} intake_state_t;

//  candidate.c
int candidate_register (cmd_ctx_t *ctx);
int candidate_info_session (cmd_ctx_t *ctx);
int candidate_admit (cmd_ctx_t *ctx);
int candidate_defer (cmd_ctx_t *ctx);
int candidate_decline (cmd_ctx_t *ctx);
int candidate_withdraw (cmd_ctx_t *ctx);
int candidate_assess_stage (cmd_ctx_t *ctx);
//  correct.c
int candidate_update (cmd_ctx_t *ctx);
int candidate_consent (cmd_ctx_t *ctx);
//  query.c
int candidate_get (cmd_ctx_t *ctx);
int candidate_list (cmd_ctx_t *ctx);
int candidate_export (cmd_ctx_t *ctx);
//  The candidate the command's id names, at the command's office; -1
//  after cmd_fail (not_found for another office's, as for none).
int candidate_load (cmd_ctx_t *ctx, candidate_t *c);
//  Stores the record (and its place in the office's list); -1 after cmd_fail.
int candidate_save (cmd_ctx_t *ctx, const candidate_t *c);
//  The command's date, which may not precede the registration; -1 after
//  cmd_fail.
int candidate_date (cmd_ctx_t *ctx, const candidate_t *c, char date[11]);
//  Stores the contact details (encrypted) and files their words for the
//  search once committed; -1 after cmd_fail.
int candidate_contact (cmd_ctx_t *ctx, const char *id, const msgpack_object *contact);
//  An event about c with fields, and the reply's id and status.
int candidate_emit (cmd_ctx_t *ctx, const char *type, const candidate_t *c,
                    const char *date, kv_t *fields);

//  erase.c
int candidate_erase (cmd_ctx_t *ctx);
int candidate_erase_complete (cmd_ctx_t *ctx);
//  The erasure hook (service_def_t.erase) and what intake's events lose.
int intake_erase (store_tx_t *tx, const char *id, const char *token, void *state);
extern const char *const intake_erase_drop[];

#endif
