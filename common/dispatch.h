/*  dispatch - one service's dispatch table: its own rows and the runtime's
    built-in ones (builtin.h), found by name in one hash lookup when a
    request arrives. Every name is there once.  */
#ifndef OPSTAP_DISPATCH_H
#define OPSTAP_DISPATCH_H

#include "codec.h"
#include "command.h"

typedef struct _dispatch_t dispatch_t;

//  The rows of own and of extra (each terminated by a row whose name is
//  NULL; extra may be NULL). NULL with a reason in err when a name is
//  there twice or a row has no handler.
dispatch_t *dispatch_new (const char *service, const command_t *own,
                          const command_t *extra, char *err, size_t errlen);
void dispatch_destroy (dispatch_t **self_p);

//  The row named, or NULL with err set (invalid_argument on cmd).
const command_t *dispatch_find (dispatch_t *self, const char *name, oerr_t *err);
//  The same as a request_resolve_fn (request.h): arg is the dispatch_t.
const command_t *dispatch_resolve (const char *name, void *arg, oerr_t *err);

//  Every row, own first, in the order given.
size_t dispatch_size (dispatch_t *self);
const command_t *dispatch_at (dispatch_t *self, size_t index);

#endif
