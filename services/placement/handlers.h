/*  handlers - the placement service's command handlers and its follower
    of the intake stream, one file per entity.  */
#ifndef OPSTAP_PLACEMENT_HANDLERS_H
#define OPSTAP_PLACEMENT_HANDLERS_H

#include "records.h"

//  host.c: hosts and their vacancies
int host_register (cmd_ctx_t *ctx);
int host_update (cmd_ctx_t *ctx);
int vacancy_open (cmd_ctx_t *ctx);

//  propose.c: a placement until it starts
int placement_propose (cmd_ctx_t *ctx);
int placement_name (cmd_ctx_t *ctx);
int placement_sign (cmd_ctx_t *ctx);
int placement_get (cmd_ctx_t *ctx);
//  Appends an event about one placement: its id and candidate first, the
//  candidate also as the subject so that erasure finds the event.
int placement_emit (cmd_ctx_t *ctx, const char *type, const placement_t *p,
                    const char *date, const kv_t *fields);
//  Loads the placement named by the command's id.
int placement_load_arg (cmd_ctx_t *ctx, placement_t *p);

//  lifecycle.c: a started placement, its contacts and its end
int placement_start (cmd_ctx_t *ctx);
int placement_contact (cmd_ctx_t *ctx);
int placement_extend (cmd_ctx_t *ctx);
int placement_end (cmd_ctx_t *ctx);

//  match.c
int placement_match (cmd_ctx_t *ctx);

//  learn.c: candidates from the intake stream
int placement_learn (store_tx_t *tx, const msgpack_object *event, void *arg);
//  erase.c: the erasure hook (service_def_t.erase)
int placement_erase (store_tx_t *tx, const char *id, const char *token, void *state);

#endif
