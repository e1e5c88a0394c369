/*  dispatch - one service's dispatch table.  */
#include "dispatch.h"

#include <czmq.h>

struct _dispatch_t {
    char service[CODEC_ID_MAX + 1];
    zhashx_t *by_name; //  name -> const command_t *, not owned
    zlistx_t *rows;    //  in the order given, not owned
};

static int
s_add (dispatch_t *self, const command_t *rows, char *err, size_t errlen)
{
    for (const command_t *row = rows; row && row->name; row++) {
        if (!row->handler || zhashx_insert (self->by_name, row->name, (void *) row)) {
            snprintf (err, errlen, "%s: command %s is listed twice or has no handler",
                      self->service, row->name);
            return -1;
        }
        zlistx_add_end (self->rows, (void *) row);
    }
    return 0;
}

dispatch_t *
dispatch_new (const char *service, const command_t *own, const command_t *extra,
              char *err, size_t errlen)
{
    dispatch_t *self = (dispatch_t *) zmalloc (sizeof (dispatch_t));
    snprintf (self->service, sizeof self->service, "%s", service);
    self->by_name = zhashx_new ();
    self->rows = zlistx_new ();
    if (s_add (self, own, err, errlen) || s_add (self, extra, err, errlen))
        dispatch_destroy (&self);
    return self;
}

void
dispatch_destroy (dispatch_t **self_p)
{
    dispatch_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->by_name);
    zlistx_destroy (&self->rows);
    free (self);
    *self_p = NULL;
}

const command_t *
dispatch_find (dispatch_t *self, const char *name, oerr_t *err)
{
    const command_t *row = (const command_t *) zhashx_lookup (self->by_name, name);
    if (!row)
        oerr_set (err, ERR_INVALID_ARGUMENT, "cmd", "unknown command %s for %s", name,
                  self->service);
    return row;
}

const command_t *
dispatch_resolve (const char *name, void *arg, oerr_t *err)
{
    return dispatch_find ((dispatch_t *) arg, name, err);
}

size_t
dispatch_size (dispatch_t *self)
{
    return zlistx_size (self->rows);
}

const command_t *
dispatch_at (dispatch_t *self, size_t index)
{
    const command_t *row = (const command_t *) zlistx_first (self->rows);
    for (size_t i = 0; row && i < index; i++)
        row = (const command_t *) zlistx_next (self->rows);
    return row;
}
