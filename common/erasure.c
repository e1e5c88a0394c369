/*  erasure - a candidate's erasure, in every service under one rule.  */
#include "erasure.h"

#include "evlog.h"
#include "intake_event.h"
#include "rids.h"

#define S_AUDIT_REKEY "audit.rekey"

struct _erasure_t {
    const service_def_t *def;
    outbox_t *outbox; //  not owned
    audit_t *audit;   //  not owned
};

erasure_t *
erasure_new (const service_def_t *def, outbox_t *outbox, audit_t *audit)
{
    erasure_t *self = (erasure_t *) zmalloc (sizeof (erasure_t));
    self->def = def;
    self->outbox = outbox;
    self->audit = audit;
    return self;
}

void
erasure_destroy (erasure_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

//  The audit trail's entries about id are to name token instead, when
//  there are or will be any.
static int
s_rekey_later (erasure_t *self, store_tx_t *tx, const char *id, const char *token,
               bool commanded)
{
    bool holds = commanded;
    oerr_t err;
    if (!holds && self->audit && audit_holds (self->audit, id, &holds, &err))
        return -1;
    if (!holds)
        return 0;
    size_t ilen = strlen (id), tlen = strlen (token);
    char data[2 * CODEC_ID_MAX + 2];
    if (ilen > CODEC_ID_MAX || tlen > CODEC_ID_MAX)
        return -1;
    memcpy (data, id, ilen + 1);
    memcpy (data + ilen + 1, token, tlen + 1);
    return outbox_add (self->outbox, tx, S_AUDIT_REKEY, data, ilen + tlen + 2);
}

//  The index table that may hold replies beside the records.
static const store_table_t *
s_rid_index (erasure_t *self)
{
    return self->def->subject ? self->def->index : NULL;
}

int
erasure_apply (erasure_t *self, store_tx_t *tx, const char *id, const char *token,
               bool commanded)
{
    const service_def_t *def = self->def;
    if (def->erase && def->erase (tx, id, token, def->state))
        return -1;
    if (!*id)
        return store_failed (tx) ? -1 : 0;
    //  Remembered replies may name the candidate: the client that sent
    //  those commands can no longer retry them, which is what erasure means.
    if (evlog_pseudonymise (tx, def->index, id, token, def->erase_drop,
                            INTAKE_EVENT_ERASED)
        || rids_forget (tx, s_rid_index (self), id)
        || s_rekey_later (self, tx, id, token, commanded))
        return -1;
    return store_failed (tx) ? -1 : 0;
}

int
erasure_complete (erasure_t *self, store_tx_t *tx, const char *id)
{
    static const char *const drop[] = {"candidate", NULL};
    if (evlog_pseudonymise (tx, self->def->index, id, "-", drop, NULL)
        || rids_forget (tx, s_rid_index (self), id)
        || s_rekey_later (self, tx, id, "-", false))
        return -1;
    return store_failed (tx) ? -1 : 0;
}

int
erasure_apply_event (erasure_t *self, store_tx_t *tx, const msgpack_object *event)
{
    intake_event_t ev;
    if (intake_event_read (event, &ev) != 0 || ev.type != IE_ERASED)
        return 1;
    if (!codec_valid_id (ev.token, strlen (ev.token)) || streq (ev.id, ev.token))
        return -1;
    return erasure_apply (self, tx, ev.id, ev.token, false);
}

static int
s_rekey_now (const char *kind, const void *data, size_t size, void *arg)
{
    audit_t *audit = (audit_t *) arg;
    const char *id = (const char *) data;
    size_t ilen = strnlen (id, size);
    if (!streq (kind, S_AUDIT_REKEY) || ilen + 1 >= size
        || strnlen (id + ilen + 1, size - ilen - 1) != size - ilen - 2)
        return -1;
    oerr_t err;
    //  Synced before the outbox lets the entry go: the trail's commits do
    //  not wait for the disk by themselves.
    if (audit_rekey (audit, id, id + ilen + 1, &err) || audit_sync (audit, &err)) {
        zsys_error ("event=audit.error message=\"%s\"", err.message);
        return -1;
    }
    return 0;
}

void
erasure_drain (erasure_t *self)
{
    oerr_t err;
    if (self->audit && outbox_drain (self->outbox, s_rekey_now, self->audit, &err))
        zsys_error ("event=outbox.error message=\"%s\"", err.message);
}
