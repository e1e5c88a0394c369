/*  consumer - follows one producer instance's stream.  */
#include "consumer.h"

#include "codec.h"
#include "evlog.h"

//  What a follower takes in one commit: the hints waiting on its socket, or
//  one replay answer (the protocol's most). Each commit flushes the disk, so
//  behind a busy producer a smaller batch means more flushes per event and
//  a lag that grows (the full mix's reporting lag p99: 128-1032 ms at 256,
//  46-80 ms at 1000; docs/PERFORMANCE.md, finding 10).
#define CONSUMER_BATCH    EVLOG_REPLAY_MAX
#define CONSUMER_RETRY_MS 2000
#define CONSUMER_IDLE_MS  1000

STORE_TABLE (consumer_positions, "positions");

struct _consumer_t {
    store_t *store; //  not owned
    char service[CODEC_ID_MAX + 1];
    char instance[CODEC_ID_MAX + 1];
    zsock_t *sub;
    zsock_t *dealer;
    consumer_apply_fn *apply;
    void *arg;
    consumer_progress_fn *progress;
    void *progress_arg;
    uint64_t position;
    uint64_t head;
    int64_t asked_at; //  when the outstanding replay request left, 0 if none
    int64_t heard_at; //  when the producer last answered
    uint32_t ask_max; //  events asked for per replay (see s_on_replay)
};

typedef struct {
    consumer_t *self;
    const msgpack_object *events;
    uint32_t count;
    uint64_t position;
    store_steps_t steps;
} batch_t;

static int
s_load_position (store_tx_t *tx, void *arg)
{
    consumer_t *self = (consumer_t *) arg;
    const void *val;
    size_t vlen;
    int rc = store_get (tx, consumer_positions, self->instance, strlen (self->instance),
                        &val, &vlen);
    if (rc == 0 && vlen == 8)
        self->position = store_u64_from (val);
    return rc < 0 ? -1 : 0;
}

consumer_t *
consumer_new (store_t *store, const char *service, const char *instance,
              const char *events_ep, const char *replay_ep, consumer_apply_fn *apply,
              void *arg, keys_t *keys)
{
    consumer_t *self = (consumer_t *) zmalloc (sizeof (consumer_t));
    snprintf (self->service, sizeof self->service, "%s", service);
    snprintf (self->instance, sizeof self->instance, "%s", instance);
    self->store = store;
    self->ask_max = CONSUMER_BATCH;
    self->apply = apply;
    self->arg = arg;
    oerr_t err;
    self->sub = zsock_new (ZMQ_SUB);
    self->dealer = zsock_new (ZMQ_DEALER);
    if (self->dealer) {
        //  Never queue requests for a producer that is down: we ask again.
        zsock_set_immediate (self->dealer, 1);
        zsock_set_sndtimeo (self->dealer, 0);
        zsock_set_linger (self->dealer, 0);
    }
    char why[256] = "";
    if (self->sub)
        zsock_set_subscribe (self->sub, "");
    if (!self->sub || !self->dealer
        || (keys
            && (keys_connect (keys, self->sub, instance, why, sizeof why)
                || keys_connect (keys, self->dealer, instance, why, sizeof why)))
        || zsock_connect (self->sub, "%s", events_ep) != 0
        || zsock_connect (self->dealer, "%s", replay_ep) != 0
        || store_read (store, s_load_position, self, &err) != 0) {
        if (*why)
            zsys_error ("event=consumer.keys producer=%s reason=\"%s\"", instance, why);
        zsys_error ("event=consumer.fail producer=%s", instance);
        consumer_destroy (&self);
        return NULL;
    }
    zsock_set_linger (self->sub, 0);
    return self;
}

void
consumer_destroy (consumer_t **self_p)
{
    if (self_p && *self_p) {
        consumer_t *self = *self_p;
        zsock_destroy (&self->sub);
        zsock_destroy (&self->dealer);
        free (self);
        *self_p = NULL;
    }
}

static void
s_ask (consumer_t *self)
{
    int64_t now = zclock_mono ();
    if (self->asked_at && now - self->asked_at < CONSUMER_RETRY_MS)
        return;
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 3);
    pk_kv_str (&pk, "cmd", "replay");
    pk_kv_uint (&pk, "from", self->position + 1);
    pk_kv_uint (&pk, "max", self->ask_max);
    zframe_t *frame = zframe_new (buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    if (zframe_send (&frame, self->dealer, ZFRAME_DONTWAIT) == 0)
        self->asked_at = now;
    else
        zframe_destroy (&frame);
}

void
consumer_poke (consumer_t *self)
{
    s_ask (self);
}

static int
s_apply_one (store_tx_t *tx, void *arg)
{
    batch_t *b = (batch_t *) arg;
    return b->self->apply (tx, b->events, b->self->arg);
}

//  Applies the events that continue the position, skipping the rest.
static int
s_apply_batch (store_tx_t *tx, void *arg)
{
    batch_t *b = (batch_t *) arg;
    consumer_t *self = b->self;
    b->position = self->position;
    for (uint32_t i = 0; i < b->count; i++) {
        const msgpack_object *event = &b->events[i];
        uint64_t seq = consumer_event_seq (event);
        if (seq != b->position + 1)
            continue;
        batch_t one = {self, event, 1, 0, {false, false}};
        //  An event this service cannot use must not stall the stream.
        if (store_step (tx, &b->steps, s_apply_one, &one) != 0) {
            if (store_failed (tx) || b->steps.redo)
                return -1;
            zsys_warning ("event=consumer.skip producer=%s seq=%" PRIu64, self->instance,
                          seq);
        }
        b->position = seq;
    }
    if (b->position == self->position)
        return 0;
    uint8_t key[8];
    store_u64_key (b->position, key);
    return store_put (tx, consumer_positions, self->instance, strlen (self->instance),
                      key, 8);
}

static void
s_apply (consumer_t *self, const msgpack_object *events, uint32_t count)
{
    batch_t batch = {self, events, count, 0, {false, false}};
    oerr_t err;
    if (store_write_steps (self->store, s_apply_batch, &batch, &batch.steps, &err) != 0) {
        zsys_error ("event=consumer.store_error producer=%s message=\"%s\"",
                    self->instance, err.message);
        return;
    }
    if (batch.position > self->position) {
        self->position = batch.position;
        if (self->head < self->position)
            self->head = self->position;
        if (self->progress)
            self->progress (self->progress_arg);
    }
}

//  After a smaller ask (below), a full answer that took under a quarter of
//  what the decoder takes may double it again: once the producer is
//  upgraded, the follower goes back to whole batches (fewer commits, less
//  lag) instead of keeping the small ask for the life of the process.
static void
s_grow_ask (consumer_t *self, uint32_t count, size_t bytes)
{
    if (self->ask_max < CONSUMER_BATCH && count == self->ask_max
        && bytes < CODEC_MAX_BODY / 4)
        self->ask_max =
            self->ask_max > CONSUMER_BATCH / 2 ? CONSUMER_BATCH : self->ask_max * 2;
}

static int
s_on_replay (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    consumer_t *self = (consumer_t *) arg;
    zframe_t *frame = zframe_recv (reader);
    if (!frame)
        return 0;
    oerr_t err;
    msg_t *msg = msg_decode (zframe_data (frame), zframe_size (frame), &err);
    const msgpack_object *events = NULL;
    uint64_t head = 0;
    uint32_t count = 0;
    self->asked_at = 0;
    self->heard_at = zclock_mono ();
    if (msg && consumer_read_answer (msg_root (msg), &head, &events, &count) == 0) {
        if (head > self->head)
            self->head = head;
        s_apply (self, events, count);
        s_grow_ask (self, count, zframe_size (frame));
        if (count > 0 && self->position < self->head)
            s_ask (self);
    } else {
        //  A producer older than its bounded answers (evlog.c) may send more
        //  than this decoder takes: ask for fewer, or it never catches up.
        bool smaller = !msg && self->ask_max > 1;
        if (smaller)
            self->ask_max /= 2;
        zsys_warning ("event=consumer.bad_reply producer=%s bytes=%zu ask=%" PRIu32
                      " message=\"%s\"",
                      self->instance, zframe_size (frame), self->ask_max,
                      msg ? "no events in the answer" : err.message);
        if (smaller)
            s_ask (self);
    }
    msg_destroy (&msg);
    zframe_destroy (&frame);
    return 0;
}

//  Hints that continue the position are applied together, all those waiting
//  on the socket in one transaction: one commit per event would cap a
//  follower at the disk's commit rate, far below a producer that commits
//  its commands in groups.
static int
s_on_hint (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    consumer_t *self = (consumer_t *) arg;
    zmsg_t *zmsgs[CONSUMER_BATCH];
    msg_t *msgs[CONSUMER_BATCH];
    msgpack_object events[CONSUMER_BATCH];
    uint32_t count = 0;
    uint64_t next = self->position + 1;
    bool gap = false;
    do {
        zmsg_t *zmsg = zmsg_recv (reader);
        zframe_t *body = zmsg ? zmsg_last (zmsg) : NULL;
        oerr_t err;
        msg_t *msg =
            body ? msg_decode (zframe_data (body), zframe_size (body), &err) : NULL;
        uint64_t seq = msg ? consumer_event_seq (msg_root (msg)) : 0;
        if (seq > self->head)
            self->head = seq;
        if (msg && seq == next && !self->asked_at) {
            zmsgs[count] = zmsg;
            msgs[count] = msg;
            events[count++] = *msg_root (msg);
            next++;
            continue;
        }
        gap = gap || seq > next; //  the PUB socket dropped something
        msg_destroy (&msg);
        zmsg_destroy (&zmsg);
    } while (count < CONSUMER_BATCH && (zsock_events (reader) & ZMQ_POLLIN));
    if (count)
        s_apply (self, events, count);
    if (gap)
        s_ask (self);
    for (uint32_t i = 0; i < count; i++) {
        msg_destroy (&msgs[i]);
        zmsg_destroy (&zmsgs[i]);
    }
    return 0;
}

static int
s_on_timer (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    consumer_t *self = (consumer_t *) arg;
    //  The last events before a quiet spell may have been dropped: ask.
    if (zclock_mono () - self->heard_at >= CONSUMER_IDLE_MS
        || self->position < self->head)
        s_ask (self);
    return 0;
}

int
consumer_attach (consumer_t *self, zloop_t *loop, consumer_progress_fn *progress,
                 void *progress_arg)
{
    self->progress = progress;
    self->progress_arg = progress_arg;
    if (zloop_reader (loop, self->dealer, s_on_replay, self)
        || zloop_reader (loop, self->sub, s_on_hint, self)
        || zloop_timer (loop, CONSUMER_IDLE_MS / 4, 0, s_on_timer, self) < 0)
        return -1;
    s_ask (self);
    return 0;
}

const char *
consumer_service (consumer_t *self)
{
    return self->service;
}

const char *
consumer_instance (consumer_t *self)
{
    return self->instance;
}

uint64_t
consumer_position (consumer_t *self)
{
    return self->position;
}

uint64_t
consumer_head (consumer_t *self)
{
    return self->head;
}

//  A sequence number is a positive integer; anything else (a negative one
//  included, which a cast would turn into a huge head) counts as none.
static uint64_t
s_seq_field (const msgpack_object *map, const char *key)
{
    int64_t value = map_int (map, key, 0);
    return value > 0 ? (uint64_t) value : 0;
}

int
consumer_read_answer (const msgpack_object *root, uint64_t *head,
                      const msgpack_object **events, uint32_t *count)
{
    const msgpack_object *array = obj_get (root, "events");
    if (!array || array->type != MSGPACK_OBJECT_ARRAY)
        return -1;
    *head = s_seq_field (root, "head");
    *events = array->via.array.ptr;
    *count = array->via.array.size;
    return 0;
}

uint64_t
consumer_event_seq (const msgpack_object *event)
{
    return s_seq_field (event, "seq");
}
