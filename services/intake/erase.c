/*  erase - a candidate's erasure in intake: the command that starts it,
    the one that completes it once no follower holds the id, and intake's
    part of the rule every service follows (erasure.h).  */
#include "handlers.h"

#include "retention.h"
#include "scrub.h"

//  What intake's events about an erased candidate lose besides the id.
const char *const intake_erase_drop[] = {"birth_year", "wishes", NULL};

int
intake_erase (store_tx_t *tx, const char *id, const char *token, void *state)
{
    (void) state;
    (void) token; //  intake never knows a candidate by a token
    size_t len = strlen (id);
    if (!len)
        return 0;
    return store_del (tx, intake_candidates, id, len)
                   || store_del (tx, intake_registrations, id, len)
                   || store_del (tx, intake_contacts, id, len)
                   || retention_forget (tx, id)
               ? -1
               : 0;
}

int
candidate_erase (cmd_ctx_t *ctx)
{
    candidate_t c;
    if (candidate_load (ctx, &c))
        return -1;
    char token[SCRUB_TOKEN_SIZE];
    scrub_token (token);
    if (cmd_erase (ctx, c.id, token))
        return -1;
    //  Followers need the id once, to remove their own records of it; the
    //  event names it as its subject so that candidate.erase_complete can
    //  take it out once every follower is done (opstap erase-status).
    kv_t f;
    kv_init (&f);
    kv_str (&f, "candidate", c.id);
    kv_str (&f, "token", token);
    int rc = cmd_emit (ctx, INTAKE_EVENT_ERASED, NULL, c.id, &f);
    kv_destroy (&f);
    return rc;
}

//  The last step of an erasure: the candidate.erased event keeps its token
//  and loses the id. Asked for by opstap erase-status --complete once no
//  follower holds the id any more.
int
candidate_erase_complete (cmd_ctx_t *ctx)
{
    char id[CODEC_ID_MAX + 1];
    map_str (cmd_body (ctx), "id", id, sizeof id);
    int rc = store_get (cmd_tx (ctx), intake_candidates, id, strlen (id), NULL, NULL);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "id", "candidate %s is not erased",
                         id);
    return cmd_erase_complete (ctx, id);
}
