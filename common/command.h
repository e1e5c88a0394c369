/*  command - one row of a service's dispatch table: a command or query,
    the fields it takes, its handler, what the runtime does with it (its
    flags) and the roles that may send it. The runtime resolves the row of
    a request once, when it arrives (dispatch.h), and works from the row
    from then on: no command is compared by name anywhere else.  */
#ifndef OPSTAP_COMMAND_H
#define OPSTAP_COMMAND_H

#include "policy.h"
#include "schema.h"

//  The context a handler works through (service.h).
typedef struct _cmd_ctx_t cmd_ctx_t;
//  Returns 0 when the command succeeded, -1 after cmd_fail.
typedef int (cmd_handler_fn) (cmd_ctx_t *ctx);

enum {
    //  Changes nothing: its reply is not remembered by rid.
    CMD_QUERY = 1 << 0,
    //  office may be left out: all the offices the caller may see.
    CMD_ANY_OFFICE = 1 << 1,
    //  Answered as it arrives, in a read transaction of its own, before the
    //  commands waiting in the batch (the runtime's built-in queries).
    CMD_DIRECT = 1 << 2,
    //  Leaves no entry in the audit trail.
    CMD_UNAUDITED = 1 << 3,
    //  Audited without the record it names: that is an erased id, which
    //  the trail must not keep.
    CMD_NO_RECORD = 1 << 4,
    //  Erases a candidate: its reply is remembered apart from the records
    //  (in rids), so that remembering it cannot put back the id it erased.
    CMD_ERASES = 1 << 5,
    //  About the instance itself, not an office's records: office is
    //  neither needed nor checked against the caller's (service.status).
    CMD_INSTANCE = 1 << 6,
};

typedef struct {
    const char *name;      //  e.g. "candidate.register"
    const field_t *fields; //  its fields besides the envelope
    cmd_handler_fn *handler;
    unsigned flags; //  CMD_*
    unsigned roles; //  R_* of the roles that may send it (policy.h)
} command_t;

#endif
