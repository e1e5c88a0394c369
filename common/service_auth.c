/*  service_auth - who is calling and what they did: CURVE keys and the
    policy at dispatch, office-scoped streams, the audit trail, and the
    built-in queries that read the trail and check an erasure.  */
#include "service_internal.h"

#include "replay.h"
#include "schema.h"
#include "scrub.h"

//  Fields that name the record a command is about, in the order looked for.
static const char *const s_record_fields[] = {
    "id",     "candidate", "placement", "cohort", "host", "vacancy",
    "expert", "goal",      "survey",    "signal", NULL};

static void s_forget_now (service_t *self);

//  --------------------------------------------------------------------------
//  Opening and closing

int
service_auth_open (service_t *self, char *err, size_t errlen)
{
    oerr_t oerr;
    char *path = zsys_sprintf ("%s.audit", self->args.store_path);
    self->audit = audit_new (path, &oerr);
    self->forgotten = zlistx_new ();
    zlistx_set_destructor (self->forgotten, (zlistx_destructor_fn *) zchunk_destroy);
    zstr_free (&path);
    if (!self->audit) {
        snprintf (err, errlen, "audit trail: %s", oerr.message);
        return -1;
    }
    const char *dir = self->args.keys_dir;
    if (!*dir)
        return 0;
    self->keys = keys_new (dir, self->args.entry.instance,
                           *self->args.cert ? self->args.cert : NULL, err, errlen);
    char *policy = zsys_sprintf ("%s/policy", dir);
    char *clients = zsys_sprintf ("%s/clients", dir);
    if (self->keys)
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

void
service_auth_close (service_t *self)
{
    zactor_destroy (&self->auth);
    policy_destroy (&self->policy);
    keys_destroy (&self->keys);
    oerr_t err;
    if (self->audit
        && (audit_flush (self->audit, &err) || audit_sync (self->audit, &err)))
        zsys_error ("event=audit.error instance=%s message=\"%s\"",
                    self->args.entry.instance, err.message);
    audit_destroy (&self->audit);
    zlistx_destroy (&self->forgotten);
}

//  Called every second: a key removed from the clients directory or the
//  policy stops working without a restart.
void
service_auth_refresh (service_t *self)
{
    char err[256] = "";
    int rc = self->policy ? policy_refresh (self->policy, err, sizeof err) : 0;
    if (rc > 0)
        zsys_info ("event=policy.reload instance=%s callers=%zu",
                   self->args.entry.instance, policy_size (self->policy));
    else if (rc < 0)
        zsys_error ("event=policy.bad instance=%s reason=\"%s\" callers=0",
                    self->args.entry.instance, err);
    s_forget_now (self);
    oerr_t oerr;
    if ((audit_pending (self->audit) && audit_flush (self->audit, &oerr))
        || audit_sync (self->audit, &oerr))
        zsys_error ("event=audit.error instance=%s message=\"%s\"",
                    self->args.entry.instance, oerr.message);
}

//  --------------------------------------------------------------------------
//  Callers

void
service_caller_key (zmsg_t *msg, char key[POLICY_KEY_LEN + 1])
{
    zframe_t *last = msg ? zmsg_last (msg) : NULL;
    const char *uid = last ? zframe_meta (last, "User-Id") : NULL;
    snprintf (key, POLICY_KEY_LEN + 1, "%s", uid ? uid : "");
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
service_authorize (service_t *self, request_t *request, const char *key)
{
    if (!self->policy)
        return 0;
    const caller_t *caller = policy_caller (self->policy, key);
    request_set_caller (request, key, caller ? caller->name : "");
    if (request_failed (request))
        return -1;
    const char *cmd = request_cmd (request);
    char why[256];
    if (!caller)
        return s_refuse (request, NULL, "this key is unknown or revoked");
    if (!policy_permits (caller, cmd)) {
        snprintf (why, sizeof why, "role %s may not send %s",
                  policy_role_name (caller->role), cmd);
        return s_refuse (request, "cmd", why);
    }
    if (!streq (cmd, "service.status")
        && !policy_office (caller, request_office (request)))
        return s_refuse (request, "office",
                         *request_office (request)
                             ? "this key may not act for that office"
                             : "this key acts for some offices only: name one");
    return 0;
}

//  --------------------------------------------------------------------------
//  Streams: subscriptions and replay only for what the caller may see

static void
s_grant (zsock_t *xpub, bool subscribe, const char *topic, size_t len)
{
    zmq_setsockopt (zsock_resolve (xpub), subscribe ? ZMQ_SUBSCRIBE : ZMQ_UNSUBSCRIBE,
                    topic, len);
}

//  A caller limited to some offices gets, for a prefix it asks, the topics
//  of its own offices that the prefix covers (topics end in '/', so one
//  office's topic never covers another's).
static void
s_grant_offices (service_t *self, bool subscribe, const char *prefix, size_t plen,
                 const caller_t *caller)
{
    char offices[DIR_OFFICES_MAX + 1];
    snprintf (offices, sizeof offices, "%s", caller->offices);
    char *save = NULL;
    for (char *o = strtok_r (offices, ",", &save); o; o = strtok_r (NULL, ",", &save)) {
        char *topic = zsys_sprintf ("%s.%s/", self->args.def->service, o);
        if (plen <= strlen (topic) && memcmp (topic, prefix, plen) == 0)
            s_grant (self->pub, subscribe, topic, strlen (topic));
        zstr_free (&topic);
    }
}

int
service_on_subscribe (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    service_t *self = (service_t *) arg;
    zmsg_t *msg = zmsg_recv (reader);
    zframe_t *frame = msg ? zmsg_first (msg) : NULL;
    if (frame && zframe_size (frame) >= 1 && zframe_data (frame)[0] <= 1) {
        bool subscribe = zframe_data (frame)[0] == 1;
        const char *prefix = (const char *) zframe_data (frame) + 1;
        size_t plen = zframe_size (frame) - 1;
        char key[POLICY_KEY_LEN + 1];
        service_caller_key (msg, key);
        const caller_t *caller = self->policy ? policy_caller (self->policy, key) : NULL;
        if (!self->policy
            || (caller && streq (caller->offices, "*")
                && policy_permits (caller, "replay")))
            s_grant (reader, subscribe, prefix, plen);
        else if (caller && policy_permits (caller, "replay"))
            s_grant_offices (self, subscribe, prefix, plen, caller);
    }
    zmsg_destroy (&msg);
    return 0;
}

static bool
s_office_visible (const char *office, void *arg)
{
    return policy_office ((const caller_t *) arg, office);
}

int
service_on_replay (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    service_t *self = (service_t *) arg;
    zmsg_t *msg = zmsg_recv (reader);
    if (!self->policy) {
        replay_answer_msg (self->store, reader, &msg, NULL, NULL);
        return 0;
    }
    char key[POLICY_KEY_LEN + 1];
    service_caller_key (msg, key);
    const caller_t *caller = policy_caller (self->policy, key);
    if (caller && policy_permits (caller, "replay")) {
        bool all = streq (caller->offices, "*");
        if (caller->role != ROLE_SERVICE) {
            audit_entry_t entry = {
                key, caller->name, "replay", all ? "" : caller->offices, "", "ok"};
            audit_add (self->audit, &entry);
        }
        replay_answer_msg (self->store, reader, &msg, all ? NULL : s_office_visible,
                           (void *) caller);
        return 0;
    }
    request_t *request = request_new (&msg, service_office_optional, self);
    if (request) {
        s_refuse (request, NULL,
                  caller ? "this role may not read the streams"
                         : "this key is unknown or revoked");
        request_send (request, reader);
        request_destroy (&request);
    }
    return 0;
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
service_audit (service_t *self, request_t *request)
{
    char record[CODEC_ID_MAX + 1] = "";
    //  erase.check names an erased id: recording it would keep what the
    //  check is there to prove gone.
    const char *field =
        request_failed (request) || streq (request_cmd (request), "erase.check")
            ? NULL
            : s_record (request);
    if (field)
        map_str (request_body (request), field, record, sizeof record);
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
service_audit_flush (service_t *self)
{
    s_forget_now (self);
    oerr_t err;
    if (audit_flush (self->audit, &err))
        zsys_error ("event=audit.error instance=%s message=\"%s\"",
                    self->args.entry.instance, err.message);
}

void
service_forget (service_t *self, const char *id, const char *token)
{
    size_t ilen = strlen (id), tlen = strlen (token);
    zchunk_t *chunk = zchunk_new (NULL, ilen + tlen + 2);
    zchunk_extend (chunk, id, ilen + 1);
    zchunk_extend (chunk, token, tlen + 1);
    zlistx_add_end (self->forgotten, chunk);
}

//  Rewrites the trail for the ids erased since the last call. Runs after
//  the commit that erased them: the trail is another LMDB.
static void
s_forget_now (service_t *self)
{
    zchunk_t *chunk;
    while ((chunk = (zchunk_t *) zlistx_first (self->forgotten))) {
        const char *id = (const char *) zchunk_data (chunk);
        oerr_t err;
        if (audit_rekey (self->audit, id, id + strlen (id) + 1, &err)) {
            zsys_error ("event=audit.error instance=%s message=\"%s\"",
                        self->args.entry.instance, err.message);
            return;
        }
        zlistx_delete (self->forgotten, NULL);
    }
}

int
service_apply (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    service_t *self = (service_t *) arg;
    if (self->args.def->apply (tx, event, self->args.def->state))
        return -1;
    char type[32] = "", id[CODEC_ID_MAX + 1] = "", token[CODEC_ID_MAX + 1] = "";
    map_str (event, "type", type, sizeof type);
    map_str (event, "candidate", id, sizeof id);
    map_str (event, "token", token, sizeof token);
    if (!streq (type, "candidate.erased") || !*id || !*token)
        return 0;
    //  Remembered replies may name the candidate: the client that sent
    //  those commands can no longer retry them, which is what erasure means.
    if (service_forget_rids (self, tx, id))
        return -1;
    service_forget (self, id, token);
    return 0;
}
