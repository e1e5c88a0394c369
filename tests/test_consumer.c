/*  test_consumer - a follower catches up from a producer whose replay
    answers are not bounded to what the follower can decode (a producer of
    an older version: up to 1 MiB against the decoder's 256 KiB). The fake
    producer here answers every request with as many events as asked, the
    first 1,000 about 400 bytes each, so asking for 1,000 gives an answer
    the follower must refuse; the follower has to ask for fewer and still
    apply every event once, in order. The events after those are small (as
    a producer's are once it is upgraded): the follower must go back to
    asking for 1,000. One event the follower cannot apply is skipped: the
    stream does not stall on it.  */
#include "consumer.h"
#include "testkit.h"

#define TOTAL      6000
#define LARGE      1000 //  events 1..LARGE are large
#define EVENT_FILL 380
#define REFUSED    3000 //  the event s_apply fails

static const store_table_t *const s_tables[] = {CONSUMER_TABLES, NULL};

typedef struct {
    zsock_t *router;
    uint32_t first_max; //  what the follower asked for first
    uint32_t least_max; //  the smallest ask
    uint32_t last_max;  //  and the last
    int requests;
    uint64_t applied; //  events the apply function took
    uint64_t refused; //  and failed
    uint64_t last;    //  the last seq it saw
    uint64_t out_of_order;
    consumer_t *consumer;
    int64_t deadline; //  the loop ends then, caught up or not
} fixture_t;

static int
s_apply (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) tx;
    fixture_t *f = (fixture_t *) arg;
    uint64_t seq = consumer_event_seq (event);
    if (seq != f->last + 1)
        f->out_of_order++;
    f->last = seq;
    if (seq == REFUSED) {
        f->refused++;
        return -1;
    }
    f->applied++;
    return 0;
}

static void
s_pack_answer (msgpack_sbuffer *buf, uint64_t from, uint32_t max)
{
    char fill[EVENT_FILL + 1];
    memset (fill, 'x', EVENT_FILL);
    fill[EVENT_FILL] = 0;
    uint64_t count = from > TOTAL ? 0 : TOTAL - from + 1;
    if (count > max)
        count = max;
    msgpack_packer pk;
    msgpack_packer_init (&pk, buf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 4);
    pk_kv_bool (&pk, "ok", true);
    pk_kv_uint (&pk, "head", TOTAL);
    pk_kv_uint (&pk, "next", from + count);
    pk_str (&pk, "events");
    msgpack_pack_array (&pk, (uint32_t) count);
    for (uint64_t seq = from; seq < from + count; seq++) {
        msgpack_pack_map (&pk, 2);
        pk_kv_uint (&pk, "seq", seq);
        pk_kv_str (&pk, "fill", seq <= LARGE ? fill : "x");
    }
}

//  The fake producer's replay endpoint: everything asked for, unbounded.
static int
s_on_request (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    fixture_t *f = (fixture_t *) arg;
    zmsg_t *request = zmsg_recv (reader);
    zframe_t *body = request ? zmsg_last (request) : NULL;
    oerr_t err;
    msg_t *msg = body ? msg_decode (zframe_data (body), zframe_size (body), &err) : NULL;
    if (msg) {
        uint64_t from = (uint64_t) map_int (msg_root (msg), "from", 1);
        uint32_t max = (uint32_t) map_int (msg_root (msg), "max", 256);
        f->first_max = f->requests++ ? f->first_max : max;
        f->least_max = f->least_max && f->least_max < max ? f->least_max : max;
        f->last_max = max;
        msgpack_sbuffer buf;
        msgpack_sbuffer_init (&buf);
        s_pack_answer (&buf, from, max);
        zmsg_t *answer = zmsg_new ();
        zframe_t *identity = zframe_dup (zmsg_first (request));
        zmsg_append (answer, &identity);
        zmsg_addmem (answer, buf.data, buf.size);
        zmsg_send (&answer, reader);
        msgpack_sbuffer_destroy (&buf);
    }
    msg_destroy (&msg);
    zmsg_destroy (&request);
    return 0;
}

//  Ends the loop once the follower has every event, or at the deadline.
static int
s_on_check (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    fixture_t *f = (fixture_t *) arg;
    return consumer_position (f->consumer) == TOTAL || zclock_mono () > f->deadline ? -1
                                                                                    : 0;
}

static void
test_catches_up_with_unbounded_answers (void)
{
    char *dir = tk_tmpdir ();
    oerr_t err;
    store_t *store = store_new (dir, s_tables, &err);
    int base = tk_port_base ();
    char events[64], replay[64];
    snprintf (events, sizeof events, "tcp://127.0.0.1:%d", base);
    snprintf (replay, sizeof replay, "tcp://127.0.0.1:%d", base + 1);
    zsock_t *pub = zsock_new_pub (events);
    fixture_t f = {.router = zsock_new_router (replay),
                   .deadline = zclock_mono () + 10000};
    CHECK (store && pub && f.router);
    f.consumer =
        consumer_new (store, "intake", "intake", events, replay, s_apply, &f, NULL);
    CHECK (f.consumer != NULL);
    zloop_t *loop = zloop_new ();
    if (f.consumer && f.router) {
        CHECK (consumer_attach (f.consumer, loop, NULL, NULL) == 0);
        zloop_reader (loop, f.router, s_on_request, &f);
        zloop_timer (loop, 10, 0, s_on_check, &f);
        zloop_start (loop);
        printf ("requests %d, first max %u, least %u, last %u, position %" PRIu64 "\n",
                f.requests, f.first_max, f.least_max, f.last_max,
                consumer_position (f.consumer));
    }
    //  The first answer (1,000 events, about 400 KiB) could not be read.
    CHECK (f.first_max == 1000);
    CHECK (f.least_max > 0 && f.least_max <= 500);
    //  Small answers again: back to whole batches.
    CHECK (f.last_max == 1000);
    CHECK (f.consumer && consumer_position (f.consumer) == TOTAL);
    CHECK (f.applied == TOTAL - 1 && f.refused == 1 && f.out_of_order == 0);
    zloop_destroy (&loop);
    consumer_destroy (&f.consumer);
    zsock_destroy (&f.router);
    zsock_destroy (&pub);
    store_destroy (&store);
    tk_rmdir (&dir);
}

int
main (void)
{
    zsys_init ();
    test_catches_up_with_unbounded_answers ();
    return tk_done ("test_consumer");
}
