/*  erasure - a candidate's erasure (the right to be forgotten), in every
    service under one rule.

    An erasure reaches intake as its candidate.erase command and every
    other service as intake's candidate.erased event, which names the
    candidate's id (until the erasure completes) and the token that takes
    its place. In the transaction that applies it, each service:
      1. removes every record it holds of the candidate, under the id and
         under the token, through its hook (service_def_t.erase): a
         follower that met the candidate only through events already
         rewritten knows them by the token. What is counted stays counted,
         under the token or as anonymous totals;
      2. rewrites its own events about the id under the token, without the
         fields it names (service_def_t.erase_drop); an earlier erasure's
         own event is left for that erasure's completion;
      3. deletes the replies remembered by rid that name the id (rids.h);
      4. puts the rewrite of its audit trail (an LMDB of its own) in the
         outbox, done once the transaction has committed, or at the next
         start when the process dies first. Only when the trail holds the
         id, or will (the service's own command): a follower rebuilt after
         an erasure never writes the id into its store.
    An erasure event without a valid token cannot be applied: it is
    skipped, never guessed at.

    The erasure completes when no follower holds the id any more (opstap
    erase-status): intake's candidate.erase_complete then drops the id from
    the erasure's own event, its remembered replies and its trail.  */
#ifndef OPSTAP_ERASURE_H
#define OPSTAP_ERASURE_H

#include "audit.h"
#include "outbox.h"
#include "service.h"

typedef struct _erasure_t erasure_t;

//  The audit trail is read inside transactions (erasure_apply) and
//  rewritten by erasure_drain.
erasure_t *erasure_new (const service_def_t *def, outbox_t *outbox, audit_t *audit);
void erasure_destroy (erasure_t **self_p);

//  The rule above, inside tx, for the candidate id ("" when the event no
//  longer names it) erased under token, by this service's own command
//  (commanded: its own trail entry, written after the commit, names the
//  id) or by an event. -1 when the store failed.
int erasure_apply (erasure_t *self, store_tx_t *tx, const char *id, const char *token,
                   bool commanded);
//  The erasure's last step in the service that erased (intake), inside tx.
int erasure_complete (erasure_t *self, store_tx_t *tx, const char *id);
//  An erasure event of a followed stream: the rule when the event is
//  intake's candidate.erased with a valid token; 1 when it is not an
//  erasure event at all; -1 when it cannot be applied (no token, a store
//  failure: store_failed tells which).
int erasure_apply_event (erasure_t *self, store_tx_t *tx, const msgpack_object *event);

//  Rewrites the audit trail for the erasures committed since the last
//  call (the outbox's entries), once the trail holds them.
void erasure_drain (erasure_t *self);

#endif
