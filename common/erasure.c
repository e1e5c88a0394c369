/*  erasure - a candidate's erasure, in every service under one rule.  */
#include "erasure.h"

#include "evlog.h"
#include "intake_event.h"
#include "rids.h"

#define S_AUDIT_REKEY  "audit.rekey"
#define S_VAULT_ROTATE "vault.rotate"
//  Data keys sealed again per step of a rotation.
#define S_ROTATE_STEP 2000

struct _erasure_t {
    const service_def_t *def;
    outbox_t *outbox; //  not owned
    audit_t *audit;   //  not owned
    vault_t *vault;   //  not owned, NULL: none
};

erasure_t *
erasure_new (const service_def_t *def, outbox_t *outbox, audit_t *audit, vault_t *vault)
{
    erasure_t *self = (erasure_t *) zmalloc (sizeof (erasure_t));
    self->def = def;
    self->outbox = outbox;
    self->audit = audit;
    self->vault = vault;
    return self;
}

//  The data keys of id and token go; when one was there, every wrapping
//  key that sealed it must go too: a rotation past the current one.
static int
s_forget_keys (erasure_t *self, store_tx_t *tx, const char *id, const char *token)
{
    if (!self->vault)
        return 0;
    int a = *id ? vault_forget (tx, id) : 0, b = *token ? vault_forget (tx, token) : 0;
    if (a < 0 || b < 0)
        return -1;
    if (!a && !b)
        return 0;
    uint8_t version[4];
    uint32_t v = vault_current (self->vault);
    for (int i = 0; i < 4; i++)
        version[i] = (uint8_t) (v >> (24 - 8 * i));
    return outbox_add (self->outbox, tx, S_VAULT_ROTATE, version, sizeof version);
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
    if ((def->erase && def->erase (tx, id, token, def->state))
        || s_forget_keys (self, tx, id, token))
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

//  A rotation asked for by an erasure under wrapping key version: done once
//  that key is gone; begun when no newer one is there yet.
static int
s_rotation (erasure_t *self, const uint8_t *data, size_t size)
{
    if (!self->vault || size != 4)
        return 0;
    uint32_t version = ((uint32_t) data[0] << 24) | ((uint32_t) data[1] << 16)
                       | ((uint32_t) data[2] << 8) | data[3];
    if (vault_oldest (self->vault) > version)
        return 0;
    oerr_t err;
    if (vault_current (self->vault) == version && vault_rotate_begin (self->vault, &err))
        zsys_error ("event=vault.error message=\"%s\"", err.message);
    return -1;
}

static int
s_do (const char *kind, const void *data, size_t size, void *arg)
{
    erasure_t *self = (erasure_t *) arg;
    if (streq (kind, S_VAULT_ROTATE))
        return s_rotation (self, (const uint8_t *) data, size);
    audit_t *audit = self->audit;
    const char *id = (const char *) data;
    size_t ilen = strnlen (id, size);
    if (!audit || !streq (kind, S_AUDIT_REKEY) || ilen + 1 >= size
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
    if (outbox_drain (self->outbox, s_do, self, &err))
        zsys_error ("event=outbox.error message=\"%s\"", err.message);
}

typedef struct {
    vault_t *vault;
    size_t left;
} step_t;

static int
s_step (store_tx_t *tx, void *arg)
{
    step_t *s = (step_t *) arg;
    return vault_rotate_step (s->vault, tx, S_ROTATE_STEP, &s->left);
}

void
erasure_rotate (erasure_t *self, store_t *store)
{
    if (!self->vault || vault_oldest (self->vault) == vault_current (self->vault))
        return;
    step_t s = {self->vault, 0};
    oerr_t err;
    if (store_write (store, s_step, &s, &err)
        || (s.left == 0 && vault_rotate_end (self->vault, &err))) {
        zsys_error ("event=vault.error message=\"%s\"", err.message);
        return;
    }
    if (s.left == 0) {
        zsys_info ("event=vault.rotated version=%" PRIu32, vault_current (self->vault));
        //  The rotations waiting in the outbox are done now.
        erasure_drain (self);
    }
}
