/*  fuzz_replay - the messages of the replay/subscription path
    (proto/PROTOCOL.md section 4). The first input byte picks one:
      0  a replay request as the producer's replay ROUTER receives it
         (request_new + replay_parse); the second byte picks the framing
      1  a replay answer {ok, head, events} as a consumer reads it
      2  an event as a consumer reads it from a PUB hint
    Properties: an accepted replay request asks for a range within the
    documented bounds and a refusal packs into a decodable error reply; a
    consumer never takes a sequence number that is not a positive integer
    in the message.  */
#include "fuzz.h"

#include <string.h>

#include "consumer.h"
#include "replay.h"

//  The frames a replay request may come in: a DEALER's, a REQ's (empty
//  delimiter), none after the routing id, or one frame too many.
static zmsg_t *
s_frames (uint8_t shape, const uint8_t *body, size_t size)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addmem (msg, "\0rp01", 5);
    if (shape % 4 == 1)
        zmsg_addmem (msg, "", 0);
    if (shape % 4 != 2)
        zmsg_addmem (msg, body, size);
    if (shape % 4 == 3)
        zmsg_addmem (msg, body, size / 2);
    return msg;
}

static void
s_replay_request (const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    zmsg_t *msg = s_frames (data[0], data + 1, size - 1);
    request_t *request = request_new (&msg, replay_resolve, NULL);
    FUZZ_CHECK (request && !msg);
    uint64_t from = 0;
    uint32_t max = 0;
    oerr_t err;
    if (replay_parse (request, &from, &max, &err) == 0) {
        FUZZ_CHECK (!request_failed (request));
        FUZZ_CHECK (strcmp (request_cmd (request), "replay") == 0);
        FUZZ_CHECK (from >= 1);
        //  tests/fuzz/regress/fuzz_replay/int-above-max: 2^53 + 1 passed
        //  schema_check, which compares integers as doubles.
        FUZZ_CHECK (from <= 9007199254740992ull || fuzz_tolerates ("int-above-max"));
        FUZZ_CHECK (max >= 1 && max <= 1000);
    } else {
        FUZZ_CHECK (err.code == ERR_INVALID_ARGUMENT);
        fuzz_check_error_reply (&err, request_rid (request));
    }
    request_destroy (&request);
}

//  The seq a consumer reads must be the message's own positive integer.
static void
s_check_seq (const msgpack_object *map, const char *key, uint64_t seq)
{
    const msgpack_object *raw = obj_get (map, key);
    if (seq == 0)
        FUZZ_CHECK (!raw || raw->type != MSGPACK_OBJECT_POSITIVE_INTEGER
                    || raw->via.u64 == 0 || raw->via.u64 > INT64_MAX);
    else
        FUZZ_CHECK (raw && raw->type == MSGPACK_OBJECT_POSITIVE_INTEGER
                    && raw->via.u64 == seq);
}

static void
s_replay_answer (const uint8_t *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return;
    const msgpack_object *root = msg_root (msg);
    const msgpack_object *events = NULL;
    uint64_t head = 0;
    uint32_t count = 0;
    if (consumer_read_answer (root, &head, &events, &count) == 0) {
        const msgpack_object *array = obj_get (root, "events");
        FUZZ_CHECK (array && array->type == MSGPACK_OBJECT_ARRAY);
        FUZZ_CHECK (events == array->via.array.ptr && count == array->via.array.size);
        s_check_seq (root, "head", head);
        for (uint32_t i = 0; i < count; i++)
            s_check_seq (&events[i], "seq", consumer_event_seq (&events[i]));
    } else {
        const msgpack_object *array = obj_get (root, "events");
        FUZZ_CHECK (!array || array->type != MSGPACK_OBJECT_ARRAY);
    }
    msg_destroy (&msg);
}

static void
s_hint (const uint8_t *data, size_t size)
{
    //  As s_on_hint: [topic, body], the body is the last frame.
    zmsg_t *zmsg = zmsg_new ();
    zmsg_addstr (zmsg, "intake.candidate.registered");
    zmsg_addmem (zmsg, data, size);
    zframe_t *body = zmsg_last (zmsg);
    oerr_t err;
    msg_t *msg = msg_decode (zframe_data (body), zframe_size (body), &err);
    if (msg) {
        const msgpack_object *event = msg_root (msg);
        s_check_seq (event, "seq", consumer_event_seq (event));
    }
    msg_destroy (&msg);
    zmsg_destroy (&zmsg);
}

int
fuzz_replay (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0:
        s_replay_request (data + 1, size - 1);
        break;
    case 1:
        s_replay_answer (data + 1, size - 1);
        break;
    default:
        s_hint (data + 1, size - 1);
    }
    return 0;
}

FUZZ_ENTRY (fuzz_replay)
