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
    {"max", F_INT, false, 1, EVLOG_REPLAY_MAX, 0, NULL, NULL},
    {NULL, 0, false, 0, 0, 0, NULL, NULL}};

typedef struct {
    uint64_t from;
    uint32_t max;
    msgpack_sbuffer *out;
    evlog_filter_fn *filter;
    void *filter_arg;
} replay_args_t;

static int
s_read_replay (store_tx_t *tx, void *arg)
{
    replay_args_t *r = (replay_args_t *) arg;
    return evlog_replay_filtered (tx, r->from, r->max, r->filter, r->filter_arg, r->out);
}

int
replay_parse (request_t *request, uint64_t *from, uint32_t *max, oerr_t *err)
{
    if (request_failed (request)) {
        *err = *request_error (request);
        return -1;
    }
    if (strcmp (request_cmd (request), "replay") != 0)
        return oerr_set (err, ERR_INVALID_ARGUMENT, "cmd",
                         "the replay endpoint only takes replay");
    const msgpack_object *body = request_body (request);
    if (schema_check (body, s_replay_fields, s_envelope, err) != 0)
        return -1;
    *from = (uint64_t) map_int (body, "from", 1);
    *max = (uint32_t) map_int (body, "max", 256);
    return 0;
}

int
replay_answer (store_t *store, zsock_t *reader)
{
    zmsg_t *msg = zmsg_recv (reader);
    return replay_answer_msg (store, reader, &msg, NULL, NULL);
}

int
replay_answer_msg (store_t *store, zsock_t *reader, zmsg_t **msg_p,
                   evlog_filter_fn *filter, void *filter_arg)
{
    request_t *request = request_new (msg_p, s_always, NULL);
    if (!request)
        return -1;
    oerr_t err;
    replay_args_t r = {0, 0, request_reply (request), filter, filter_arg};
    if (replay_parse (request, &r.from, &r.max, &err) != 0) {
        if (!request_failed (request))
            request_fail (request, &err);
    } else if (store_read (store, s_read_replay, &r, &err) != 0)
        request_fail (request, &err);
    request_send (request, reader);
    request_destroy (&request);
    return 0;
}
