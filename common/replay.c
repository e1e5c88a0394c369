/*  replay - the streams as subscribers reach them.  */
#include "replay.h"

#include "evlog.h"
#include "request.h"
#include "schema.h"

static const char *const s_envelope[] = {"cmd", "rid", "office", "after", NULL};

static const field_t s_replay_fields[] = {
    {"from", F_INT, true, 1, 9007199254740992.0, 0, NULL, NULL},
    {"max", F_INT, false, 1, EVLOG_REPLAY_MAX, 0, NULL, NULL},
    {NULL, 0, false, 0, 0, 0, NULL, NULL}};

static int
s_no_handler (cmd_ctx_t *ctx)
{
    (void) ctx;
    return -1;
}

//  The endpoint's one row: it runs no handler (replay_serve answers it).
static const command_t s_replay = {"replay", s_replay_fields, s_no_handler,
                                   CMD_QUERY | CMD_ANY_OFFICE, 0};

const command_t *
replay_resolve (const char *cmd, void *arg, oerr_t *err)
{
    (void) arg;
    if (streq (cmd, s_replay.name))
        return &s_replay;
    oerr_set (err, ERR_INVALID_ARGUMENT, "cmd", "the replay endpoint only takes replay");
    return NULL;
}

typedef struct {
    uint64_t from;
    uint32_t max;
    msgpack_sbuffer *out;
    const char *offices; //  "*" or the caller's offices
} replay_args_t;

static bool
s_office_visible (const char *office, void *arg)
{
    caller_t caller;
    memset (&caller, 0, sizeof caller);
    snprintf (caller.offices, sizeof caller.offices, "%s", (const char *) arg);
    return policy_office (&caller, office);
}

static int
s_read_replay (store_tx_t *tx, void *arg)
{
    replay_args_t *r = (replay_args_t *) arg;
    bool all = streq (r->offices, "*");
    return evlog_replay_filtered (tx, r->from, r->max, all ? NULL : s_office_visible,
                                  (void *) r->offices, r->out);
}

int
replay_parse (request_t *request, uint64_t *from, uint32_t *max, oerr_t *err)
{
    if (request_failed (request)) {
        *err = *request_error (request);
        return -1;
    }
    const msgpack_object *body = request_body (request);
    if (schema_check (body, s_replay_fields, s_envelope, err) != 0)
        return -1;
    *from = (uint64_t) map_int (body, "from", 1);
    *max = (uint32_t) map_int (body, "max", 256);
    return 0;
}

int
replay_serve (store_t *store, guard_t *guard, zsock_t *reader)
{
    zmsg_t *msg = zmsg_recv (reader);
    char key[POLICY_KEY_LEN + 1] = "";
    if (guard)
        guard_key_of (guard, msg, key);
    request_t *request = request_new (&msg, replay_resolve, NULL);
    if (!request)
        return -1;
    oerr_t err;
    replay_args_t r = {0, 0, request_reply (request), "*"};
    if (guard && !guard_admit_replay (guard, key, &r.offices))
        oerr_set (&err, ERR_FORBIDDEN, NULL, "%s",
                  guard_caller (guard, key) ? "this role may not read the streams"
                                            : "this key is unknown or revoked");
    else if (replay_parse (request, &r.from, &r.max, &err) == 0
             && store_read (store, s_read_replay, &r, &err) == 0)
        err.code = ERR_NONE;
    if (err.code != ERR_NONE)
        request_fail (request, &err);
    request_send (request, reader);
    request_destroy (&request);
    return 0;
}

//  --------------------------------------------------------------------------
//  Subscriptions

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
s_grant_offices (const char *service, zsock_t *xpub, bool subscribe, const char *prefix,
                 size_t plen, const char *offices)
{
    char copy[DIR_OFFICES_MAX + 1];
    snprintf (copy, sizeof copy, "%s", offices);
    char *save = NULL;
    for (char *o = strtok_r (copy, ",", &save); o; o = strtok_r (NULL, ",", &save)) {
        char *topic = zsys_sprintf ("%s.%s/", service, o);
        if (plen <= strlen (topic) && memcmp (topic, prefix, plen) == 0)
            s_grant (xpub, subscribe, topic, strlen (topic));
        zstr_free (&topic);
    }
}

int
replay_grant (const char *service, guard_t *guard, zsock_t *xpub)
{
    zmsg_t *msg = zmsg_recv (xpub);
    if (!msg)
        return -1;
    zframe_t *frame = zmsg_first (msg);
    if (frame && zframe_size (frame) >= 1 && zframe_data (frame)[0] <= 1) {
        bool subscribe = zframe_data (frame)[0] == 1;
        const char *prefix = (const char *) zframe_data (frame) + 1;
        size_t plen = zframe_size (frame) - 1;
        char key[POLICY_KEY_LEN + 1] = "";
        const caller_t *caller = NULL;
        if (guard) {
            guard_key_of (guard, msg, key);
            caller = guard_caller (guard, key);
        }
        //  A subscription is not a read: it is not written to the trail.
        if (!guard || !guard_keys (guard)
            || (caller && streq (caller->offices, "*") && policy_may_replay (caller)))
            s_grant (xpub, subscribe, prefix, plen);
        else if (caller && policy_may_replay (caller))
            s_grant_offices (service, xpub, subscribe, prefix, plen, caller->offices);
    }
    zmsg_destroy (&msg);
    return 0;
}
