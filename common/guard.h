/*  guard - who calls one service instance, what they may do, and what they
    did: the CURVE keys the instance serves with, the policy that gives each
    caller's key a role and offices, the process's ZAP handler that checks
    every handshake, and the audit trail of what each caller sent.

    Without a keys directory there are no keys and no policy: every caller
    may do anything, and the trail records commands without a caller.  */
#ifndef OPSTAP_GUARD_H
#define OPSTAP_GUARD_H

#include <czmq.h>

#include "audit.h"
#include "keys.h"
#include "policy.h"
#include "request.h"

typedef struct _guard_t guard_t;

//  Opens the audit trail at <store_path>.audit and, when keys_dir is not
//  "", this instance's certificate (cert, "": <keys_dir>/<instance>.key_secret)
//  and the policy. NULL with a reason in err.
guard_t *guard_new (const char *instance, const char *store_path, const char *keys_dir,
                    const char *cert, char *err, size_t errlen);
//  Writes what the trail still holds in memory and syncs it.
void guard_destroy (guard_t **self_p);

//  This instance's keys (NULL without CURVE), for its sockets and followers.
keys_t *guard_keys (guard_t *self);
audit_t *guard_audit (guard_t *self);

//  Called every second: a key removed from the clients directory or the
//  policy stops working without a restart, and the trail reaches the disk.
void guard_refresh (guard_t *self);

//  The CURVE public key ZAP attached to a message, "" without one. Read it
//  before the message is handed to request_new.
void guard_key_of (guard_t *self, zmsg_t *msg, char key[POLICY_KEY_LEN + 1]);
//  The caller with that key, NULL when unknown (or without a policy).
const caller_t *guard_caller (guard_t *self, const char *key);

//  Names the caller in request and refuses it (forbidden) when the key is
//  unknown, its role is not one of the row's, or it may not act for the
//  request's office. 0 allowed, -1 refused (or failed before).
int guard_admit (guard_t *self, request_t *request, const char *key);
//  Whether a caller with that key may read the streams, and of which
//  offices: *offices "*" for all. Records the read in the trail (callers
//  that are services excepted). Without a policy, everyone reads all.
bool guard_admit_replay (guard_t *self, const char *key, const char **offices);

//  Keeps the trail's entry for a request (unless its row says not to);
//  guard_flush writes the entries kept.
void guard_record (guard_t *self, request_t *request);
void guard_flush (guard_t *self);

#endif
