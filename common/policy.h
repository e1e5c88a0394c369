/*  policy - who may do what: each caller's CURVE public key mapped to a role
    and the offices it may act for (docs/SECURITY.md).

    The policy file has one caller per line:

        <public key, 40 Z85 characters>  <role>  <offices: * or a,b,c>  [name]

    A key counts only while its certificate is also in the clients
    directory, so removing either revokes it. policy_refresh rereads both
    when they changed; the runtime calls it every second.  */
#ifndef OPSTAP_POLICY_H
#define OPSTAP_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "directory.h"

#define POLICY_KEY_LEN 40

typedef enum {
    ROLE_COORDINATOR,
    ROLE_TRAINER,
    ROLE_EXPERT,
    ROLE_HOST_SUPERVISOR,
    ROLE_MANAGER,
    ROLE_OPERATOR,
    ROLE_SUBSCRIBER,
    ROLE_SERVICE,
    ROLE_COUNT
} role_t;

//  Sets of roles, as the rows of the dispatch tables name them.
#define ROLE_BIT(r)       (1u << (r))
#define R_COORDINATOR     ROLE_BIT (ROLE_COORDINATOR)
#define R_TRAINER         ROLE_BIT (ROLE_TRAINER)
#define R_EXPERT          ROLE_BIT (ROLE_EXPERT)
#define R_HOST_SUPERVISOR ROLE_BIT (ROLE_HOST_SUPERVISOR)
#define R_MANAGER         ROLE_BIT (ROLE_MANAGER)
#define R_OPERATOR        ROLE_BIT (ROLE_OPERATOR)
#define R_SUBSCRIBER      ROLE_BIT (ROLE_SUBSCRIBER)
#define R_SERVICE         ROLE_BIT (ROLE_SERVICE)
#define R_ANYONE          (ROLE_BIT (ROLE_COUNT) - 1)

typedef struct {
    char key[POLICY_KEY_LEN + 1];
    role_t role;
    char offices[DIR_OFFICES_MAX + 1]; //  "*" or comma-separated
    char name[DIR_NAME_MAX + 1];       //  a label for logs and the audit trail
} caller_t;

typedef struct _policy_t policy_t;

//  Loads the policy file and the clients directory. NULL with a reason in
//  err when either cannot be read or a line is bad.
policy_t *policy_new (const char *path, const char *clients_dir, char *err,
                      size_t errlen);
void policy_destroy (policy_t **self_p);

//  Rereads both when either changed. 1 reloaded, 0 unchanged, -1 when the
//  new files are bad: then no caller is known until they are fixed, since
//  an edit may have been meant to revoke someone.
int policy_refresh (policy_t *self, char *err, size_t errlen);

//  The caller with this key, or NULL when it is unknown or revoked.
const caller_t *policy_caller (policy_t *self, const char *key);
size_t policy_size (policy_t *self);

//  Whether the caller's role is one of roles (R_* bits of a command's row).
bool policy_permits (const caller_t *caller, unsigned roles);
//  Whether the caller's role may read the streams (replay and events).
bool policy_may_replay (const caller_t *caller);
//  Whether the caller may act for this office; "" (all offices) only when
//  it may act for every office.
bool policy_office (const caller_t *caller, const char *office);

const char *policy_role_name (role_t role);
//  -1 for an unknown name.
int policy_role_parse (const char *name);

#endif
