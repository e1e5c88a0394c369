/*  opstap tail - prints a service's events as JSON lines.

    Events come from the replay endpoint, the durable path. With --follow
    the live stream is only a hint that there is something new to replay,
    and a replay once a second covers whatever the stream dropped
    (PROTOCOL.md section 4).  */
#include "opstap.h"

#include <errno.h>
#include <string.h>

#define TAIL_BATCH    256
#define TAIL_IDLE_MS  1000
#define TAIL_ATTEMPTS 3

//  Outcomes of a replay besides an exit code (those are >= 0).
#define TAIL_CAUGHT_UP -1
#define TAIL_MORE      -2

typedef struct {
    const dir_entry_t *entry;
    uint64_t next; //  first seq not printed yet
    zsock_t *sub;
    int64_t replayed_at;
} source_t;

typedef struct {
    opstap_t *opstap;
    client_t *client;
    source_t *sources;
    size_t nsources;
} tail_t;

static tail_t *
tail_new (opstap_t *opstap, const char *service, const char *instance, uint64_t from)
{
    tail_t *self = (tail_t *) zmalloc (sizeof (tail_t));
    self->opstap = opstap;
    self->client = client_new (opstap->directory, opstap->keys);
    size_t size = directory_size (opstap->directory);
    self->sources = (source_t *) zmalloc ((size ? size : 1) * sizeof (source_t));
    for (size_t i = 0; i < size; i++) {
        const dir_entry_t *entry = directory_at (opstap->directory, i);
        if (strcmp (entry->service, service) == 0
            && (!instance || strcmp (entry->instance, instance) == 0))
            self->sources[self->nsources++] = (source_t){entry, from, NULL, 0};
    }
    return self;
}

static void
tail_destroy (tail_t **self_p)
{
    if (self_p && *self_p) {
        tail_t *self = *self_p;
        for (size_t i = 0; i < self->nsources; i++)
            zsock_destroy (&self->sources[i].sub);
        client_destroy (&self->client);
        free (self->sources);
        free (self);
        *self_p = NULL;
    }
}

//  Prints the events of one replay reply that are new; returns how many, or
//  -1 when an event has no seq.
static int
s_print_events (source_t *source, const msgpack_object *events)
{
    int printed = 0;
    for (uint32_t i = 0; i < events->via.array.size; i++) {
        const msgpack_object *event = &events->via.array.ptr[i];
        uint64_t seq;
        if (opstap_uint (obj_get (event, "seq"), &seq))
            return -1;
        if (seq < source->next)
            continue; //  already printed
        opstap_print (event, stdout);
        source->next = seq + 1;
        printed++;
    }
    return printed;
}

static reply_t *
s_replay (tail_t *self, source_t *source)
{
    msgpack_sbuffer body;
    msgpack_sbuffer_init (&body);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &body, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 3);
    msgpack_pack_str_with_body (&pk, "cmd", 3);
    msgpack_pack_str_with_body (&pk, "replay", 6);
    msgpack_pack_str_with_body (&pk, "from", 4);
    msgpack_pack_uint64 (&pk, source->next);
    msgpack_pack_str_with_body (&pk, "max", 3);
    msgpack_pack_uint32 (&pk, TAIL_BATCH);
    reply_t *reply =
        client_request (self->client, source->entry, CLIENT_REPLAY, body.data, body.size,
                        NULL, self->opstap->timeout_ms, TAIL_ATTEMPTS);
    msgpack_sbuffer_destroy (&body);
    return reply;
}

//  One replay round trip: TAIL_CAUGHT_UP when there was nothing new,
//  TAIL_MORE when events were printed, else the exit code to stop with.
static int
s_replay_once (tail_t *self, source_t *source)
{
    reply_t *reply = s_replay (self, source);
    if (!reply && zsys_interrupted)
        return OPSTAP_EXIT_OK;
    if (!reply) {
        fprintf (stderr, "opstap: no reply from %s at %s\n", source->entry->instance,
                 source->entry->replay);
        return OPSTAP_EXIT_USAGE;
    }
    const msgpack_object *events = obj_get (reply_root (reply), "events");
    int rc = TAIL_CAUGHT_UP;
    if (!reply_ok (reply) || !events || events->type != MSGPACK_OBJECT_ARRAY) {
        char *text = json_from_msgpack (reply_root (reply));
        fprintf (stderr, "opstap: replay from %s failed: %s\n", source->entry->instance,
                 text ? text : "?");
        free (text);
        rc = OPSTAP_EXIT_ERROR;
    } else if (events->via.array.size == 0) {
        //  A stream seen through an office filter has holes: "next" says
        //  where the producer stopped looking.
        uint64_t next = 0;
        if (opstap_uint (obj_get (reply_root (reply), "next"), &next) == 0
            && next > source->next) {
            source->next = next;
            rc = TAIL_MORE;
        }
    } else if (events->via.array.size > 0) {
        //  Events that never move next on would make us ask forever.
        rc = s_print_events (source, events) > 0 ? TAIL_MORE : OPSTAP_EXIT_ERROR;
        if (rc == OPSTAP_EXIT_ERROR)
            fprintf (stderr, "opstap: replay from %s returned no usable events\n",
                     source->entry->instance);
    }
    reply_destroy (&reply);
    return rc;
}

//  Replays until an empty batch; returns TAIL_CAUGHT_UP, else the exit code
//  to stop with (an interrupt is a normal end).
static int
s_catch_up (tail_t *self, source_t *source)
{
    int rc;
    do
        rc = s_replay_once (self, source);
    while (rc == TAIL_MORE && !zsys_interrupted);
    source->replayed_at = zclock_mono ();
    return zsys_interrupted ? OPSTAP_EXIT_OK : rc;
}

//  Reads and drops what the stream has: all we need to know is that there
//  is something new.
static void
s_drain (zsock_t *sub)
{
    while (zsock_events (sub) & ZMQ_POLLIN) {
        zmsg_t *msg = zmsg_recv (sub);
        if (!msg)
            break;
        zmsg_destroy (&msg);
    }
}

static zpoller_t *
s_subscribe (tail_t *self)
{
    zpoller_t *poller = zpoller_new (NULL);
    for (size_t i = 0; poller && i < self->nsources; i++) {
        source_t *source = &self->sources[i];
        source->sub =
            client_socket (self->client, source->entry, ZMQ_SUB, source->entry->events);
        if (!source->sub || zpoller_add (poller, source->sub)) {
            fprintf (stderr, "opstap: cannot subscribe to %s at %s\n",
                     source->entry->instance, source->entry->events);
            zpoller_destroy (&poller);
        }
    }
    return poller;
}

//  Runs until interrupted; returns the exit code.
static int
s_follow (tail_t *self)
{
    zpoller_t *poller = s_subscribe (self);
    if (!poller)
        return OPSTAP_EXIT_USAGE;
    int rc = TAIL_CAUGHT_UP;
    while (rc == TAIL_CAUGHT_UP && !zsys_interrupted) {
        void *which = zpoller_wait (poller, TAIL_IDLE_MS / 4);
        if (zpoller_terminated (poller))
            break;
        int64_t now = zclock_mono ();
        for (size_t i = 0; i < self->nsources && rc == TAIL_CAUGHT_UP; i++) {
            source_t *source = &self->sources[i];
            bool hinted = which && which == (void *) source->sub;
            if (hinted)
                s_drain (source->sub);
            if (hinted || now - source->replayed_at >= TAIL_IDLE_MS)
                rc = s_catch_up (self, source);
        }
    }
    zpoller_destroy (&poller);
    return rc == TAIL_CAUGHT_UP ? OPSTAP_EXIT_OK : rc;
}

static int
s_parse_seq (const char *text, uint64_t *value)
{
    char *end = NULL;
    errno = 0;
    unsigned long long parsed = strtoull (text, &end, 10);
    if (!text[0] || *end || errno || parsed < 1 || text[0] == '-')
        return -1;
    *value = parsed;
    return 0;
}

typedef struct {
    const char *service;
    const char *instance;
    uint64_t from;
    bool follow;
} tail_args_t;

//  0, or the usage exit code after saying what is wrong.
static int
s_parse_args (int argc, char **argv, tail_args_t *args)
{
    *args = (tail_args_t){NULL, NULL, 1, false};
    for (int i = 0; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp (argv[i], "--service") == 0 && has_value)
            args->service = argv[++i];
        else if (strcmp (argv[i], "--instance") == 0 && has_value)
            args->instance = argv[++i];
        else if (strcmp (argv[i], "--from") == 0 && has_value) {
            if (s_parse_seq (argv[++i], &args->from))
                return opstap_usage_error ("--from needs a sequence number >= 1");
        } else if (strcmp (argv[i], "--follow") == 0)
            args->follow = true;
        else
            return opstap_usage_error ("tail: unexpected argument %s", argv[i]);
    }
    return args->service ? 0 : opstap_usage_error ("tail needs --service");
}

int
opstap_tail (opstap_t *opstap, int argc, char **argv)
{
    tail_args_t args;
    if (s_parse_args (argc, argv, &args))
        return OPSTAP_EXIT_USAGE;
    //  Only a follower ends on a signal by itself; otherwise Ctrl-C kills.
    if (!args.follow)
        zsys_handler_set (NULL);
    if (opstap_known_service (opstap, args.service))
        return OPSTAP_EXIT_USAGE;
    tail_t *self = tail_new (opstap, args.service, args.instance, args.from);
    int rc = TAIL_CAUGHT_UP;
    if (self->nsources == 0) {
        fprintf (stderr, "opstap: no instance %s of service %s in the directory\n",
                 args.instance, args.service);
        rc = OPSTAP_EXIT_USAGE;
    }
    for (size_t i = 0; i < self->nsources && rc == TAIL_CAUGHT_UP; i++)
        if (opstap_handshake (opstap, self->sources[i].entry))
            rc = OPSTAP_EXIT_USAGE;
    for (size_t i = 0; i < self->nsources && rc == TAIL_CAUGHT_UP; i++)
        rc = s_catch_up (self, &self->sources[i]);
    if (rc == TAIL_CAUGHT_UP)
        rc = args.follow ? s_follow (self) : OPSTAP_EXIT_OK;
    tail_destroy (&self);
    return rc;
}
