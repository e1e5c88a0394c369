/*  guard - who calls one service instance, what they may do, and what they
    did.  */
#include "guard.h"

struct _guard_t {
    char instance[CODEC_ID_MAX + 1];
    keys_t *keys;     //  NULL without CURVE
    policy_t *policy; //  NULL without CURVE: every caller may do anything
    zactor_t *auth;   //  the process's ZAP handler (zauth)
    audit_t *audit;   //  the trail, in an LMDB of its own
};

//  Fields that name the record a command is about, in the order looked for.
static const char *const s_record_fields[] = {
    "id",     "candidate", "placement", "cohort", "host", "vacancy",
    "expert", "goal",      "survey",    "signal", NULL};

static int
s_open_policy (guard_t *self, const char *dir, const char *cert, char *err, size_t errlen)
{
    self->keys = keys_new (dir, self->instance, *cert ? cert : NULL, err, errlen);
    if (!self->keys)
        return -1;
    char *policy = zsys_sprintf ("%s/policy", dir);
    char *clients = zsys_sprintf ("%s/clients", dir);
    self->policy = policy_new (policy, clients, err, errlen);
    if (self->policy) {
        //  One ZAP handler per process: it checks every CURVE handshake
        //  against the clients directory, rereading it when it changes.
        self->auth = zactor_new (zauth, NULL);
        zstr_sendx (self->auth, "CURVE", clients, NULL);
        zsock_wait (self->auth);
    }
    zstr_free (&policy);
    zstr_free (&clients);
    return self->policy ? 0 : -1;
}

guard_t *
guard_new (const char *instance, const char *store_path, const char *keys_dir,
           const char *cert, char *err, size_t errlen)
{
    guard_t *self = (guard_t *) zmalloc (sizeof (guard_t));
    snprintf (self->instance, sizeof self->instance, "%s", instance);
    oerr_t oerr;
    char *path = zsys_sprintf ("%s.audit", store_path);
    self->audit = audit_new (path, &oerr);
    zstr_free (&path);
    if (!self->audit) {
        snprintf (err, errlen, "audit trail: %s", oerr.message);
        guard_destroy (&self);
    } else if (*keys_dir && s_open_policy (self, keys_dir, cert, err, errlen))
        guard_destroy (&self);
    return self;
}

void
guard_destroy (guard_t **self_p)
{
    guard_t *self = *self_p;
    if (!self)
        return;
    zactor_destroy (&self->auth);
    policy_destroy (&self->policy);
    keys_destroy (&self->keys);
    oerr_t err;
    if (self->audit
        && (audit_flush (self->audit, &err) || audit_sync (self->audit, &err)))
        zsys_error ("event=audit.error instance=%s message=\"%s\"", self->instance,
                    err.message);
    audit_destroy (&self->audit);
    free (self);
    *self_p = NULL;
}

keys_t *
guard_keys (guard_t *self)
{
    return self->keys;
}

audit_t *
guard_audit (guard_t *self)
{
    return self->audit;
}

void
guard_refresh (guard_t *self)
{
    char err[256] = "";
    int rc = self->policy ? policy_refresh (self->policy, err, sizeof err) : 0;
    if (rc > 0)
        zsys_info ("event=policy.reload instance=%s callers=%zu", self->instance,
                   policy_size (self->policy));
    else if (rc < 0)
        zsys_error ("event=policy.bad instance=%s reason=\"%s\" callers=0",
                    self->instance, err);
    oerr_t oerr;
    if ((audit_pending (self->audit) && audit_flush (self->audit, &oerr))
        || audit_sync (self->audit, &oerr))
        zsys_error ("event=audit.error instance=%s message=\"%s\"", self->instance,
                    oerr.message);
}

//  --------------------------------------------------------------------------
//  Callers

void
guard_key_of (guard_t *self, zmsg_t *msg, char key[POLICY_KEY_LEN + 1])
{
    //  Only a service with keys has callers to tell apart.
    zframe_t *last = self->policy && msg ? zmsg_last (msg) : NULL;
    const char *uid = last ? zframe_meta (last, "User-Id") : NULL;
    snprintf (key, POLICY_KEY_LEN + 1, "%s", uid ? uid : "");
}

const caller_t *
guard_caller (guard_t *self, const char *key)
{
    return self->policy ? policy_caller (self->policy, key) : NULL;
}

static int
s_refuse (request_t *request, const char *field, const char *message)
{
    oerr_t err;
    oerr_set (&err, ERR_FORBIDDEN, field, "%s", message);
    request_fail (request, &err);
    return -1;
}

int
guard_admit (guard_t *self, request_t *request, const char *key)
{
    if (!self->policy)
        return request_failed (request) ? -1 : 0;
    const caller_t *caller = policy_caller (self->policy, key);
    request_set_caller (request, key, caller ? caller->name : "");
    if (request_failed (request))
        return -1;
    const command_t *row = request_command (request);
    if (!caller)
        return s_refuse (request, NULL, "this key is unknown or revoked");
    if (!policy_permits (caller, row->roles)) {
        char why[256];
        snprintf (why, sizeof why, "role %s may not send %s",
                  policy_role_name (caller->role), row->name);
        return s_refuse (request, "cmd", why);
    }
    const char *office = request_office (request);
    if (!(row->flags & CMD_INSTANCE) && !policy_office (caller, office))
        return s_refuse (request, "office",
                         *office ? "this key may not act for that office"
                                 : "this key acts for some offices only: name one");
    return 0;
}

bool
guard_admit_replay (guard_t *self, const char *key, const char **offices)
{
    *offices = "*";
    if (!self->policy)
        return true;
    const caller_t *caller = policy_caller (self->policy, key);
    if (!caller || !policy_may_replay (caller))
        return false;
    *offices = caller->offices;
    if (caller->role != ROLE_SERVICE) {
        bool all = streq (caller->offices, "*");
        audit_entry_t entry = {key, caller->name, "replay", all ? "" : caller->offices,
                               "",  "ok"};
        audit_add (self->audit, &entry);
    }
    return true;
}

//  --------------------------------------------------------------------------
//  The audit trail

static const char *
s_record (request_t *request)
{
    const msgpack_object *body = request_body (request);
    for (const char *const *f = s_record_fields; body && *f; f++) {
        const msgpack_object *value = obj_get (body, *f);
        if (value && value->type == MSGPACK_OBJECT_STR
            && value->via.str.size <= CODEC_ID_MAX
            && codec_valid_id (value->via.str.ptr, value->via.str.size))
            return *f;
    }
    return NULL;
}

void
guard_record (guard_t *self, request_t *request)
{
    const command_t *row = request_command (request);
    if (row && (row->flags & CMD_UNAUDITED))
        return;
    char record[CODEC_ID_MAX + 1] = "";
    //  An erasure, or a check of one, names the id the trail must lose: the
    //  trail takes only what the handler gave (an erasure's token).
    bool given = row && (row->flags & (CMD_NO_RECORD | CMD_ERASES));
    const char *field =
        request_failed (request) || !row || given ? NULL : s_record (request);
    if (field)
        map_str (request_body (request), field, record, sizeof record);
    else if (given && !request_failed (request))
        snprintf (record, sizeof record, "%s", request_record (request));
    audit_entry_t entry = {
        request_caller_key (request),
        request_caller_name (request),
        *request_cmd (request) ? request_cmd (request) : "-",
        request_office (request),
        record,
        request_failed (request) ? err_code_name (request_error (request)->code) : "ok"};
    audit_add (self->audit, &entry);
}

void
guard_flush (guard_t *self)
{
    oerr_t err;
    if (audit_flush (self->audit, &err))
        zsys_error ("event=audit.error instance=%s message=\"%s\"", self->instance,
                    err.message);
}
