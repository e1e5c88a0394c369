/*  replay - answers replay requests: the durable path by which any
    subscriber fetches stored events from a sequence number onward.  */
#include "replay.h"

#include "evlog.h"
#include "request.h"
#include "schema.h"

static const char *const s_envelope[] = {"cmd", "rid", "office", "after", NULL};

static bool
s_always (const char *cmd, void *arg)
{
    (void) cmd;
    (void) arg;
    return true;
}

static const field_t s_replay_fields[] = {
    {"from", F_INT, true, 1, 9007199254740992.0, 0, NULL, NULL},
    {"max", F_INT, false, 1, 1000, 0, NULL, NULL},
    {NULL, 0, false, 0, 0, 0, NULL, NULL}};

typedef struct {
    uint64_t from;
    uint32_t max;
    msgpack_sbuffer *out;
} replay_args_t;

static int
s_read_replay (store_tx_t *tx, void *arg)
{
    replay_args_t *r = (replay_args_t *) arg;
    return evlog_replay (tx, r->from, r->max, r->out);
}

int
replay_answer (store_t *store, zsock_t *reader)
{
    zmsg_t *msg = zmsg_recv (reader);
    request_t *request = request_new (&msg, s_always, NULL);
    if (!request)
        return -1;
    oerr_t err;
    const msgpack_object *body = request_body (request);
    if (!request_failed (request) && strcmp (request_cmd (request), "replay") != 0) {
        oerr_set (&err, ERR_INVALID_ARGUMENT, "cmd",
                  "the replay endpoint only takes replay");
        request_fail (request, &err);
    } else if (!request_failed (request)
               && schema_check (body, s_replay_fields, s_envelope, &err) != 0)
        request_fail (request, &err);
    if (!request_failed (request)) {
        replay_args_t r = {(uint64_t) map_int (body, "from", 1),
                           (uint32_t) map_int (body, "max", 256),
                           request_reply (request)};
        if (store_read (store, s_read_replay, &r, &err) != 0)
            request_fail (request, &err);
    }
    request_send (request, reader);
    request_destroy (&request);
    return 0;
}
