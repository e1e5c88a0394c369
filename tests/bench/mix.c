/*  mix - the full programme mix against all five services: GROUPS groups of
    ten candidates (see mix_script.h), IN_FLIGHT commands at a time over one
    DEALER per service. Measures commands/s, reply latency, events/s through
    to reporting and reporting lag: the time from an ok reply to reporting's
    consumer position (service.status, polled every 2 ms) reaching the
    reply's position.
        opstap-bench-mix PORT_BASE GROUPS IN_FLIGHT  */
#include "mix_script.h"

#include "codec.h"
#include "json.h"

#include <czmq.h>

typedef struct {
    int id, phase, count, next, pending;
    uint64_t intake_seq;
    mix_cmd_t cmds[MIX_PHASE_MAX];
} group_t;

//  The ok replies of one producer whose events reporting has not yet
//  applied, by position: one connection answers in commit order, so the
//  positions only grow and a status reply pops from the front.
typedef struct {
    uint64_t *seq;
    int64_t *at;
    size_t head, tail;
} fifo_t;

typedef struct {
    int run, groups, window, started, done, in_flight, refused;
    void *sock[MIX_SERVICES];
    zsock_t *socks[MIX_SERVICES];
    zsock_t *status;
    bool status_waiting;
    group_t *group;
    //  Groups with commands of their current phase still to send, a ring.
    int *ready;
    size_t ready_head, ready_tail;
    int *cmd_group;
    int64_t *cmd_sent, *latency, *lag;
    size_t commands, lags;
    fifo_t fifo[MIX_SERVICES];
} mix_t;

//  The PER_MILLE-th value of the sorted V.
static int64_t
s_pct (const int64_t *v, size_t n, int per_mille)
{
    return n ? v[(n - 1) * (size_t) per_mille / 1000] : 0;
}

static int
s_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y ? -1 : x > y;
}

//  Starts a group's next phase, or counts it done.
static void
s_advance (mix_t *self, group_t *g)
{
    for (int i = 0; i < g->count; i++)
        zstr_free (&g->cmds[i].fields);
    g->count = mix_phase (self->run, g->id, ++g->phase, g->cmds);
    g->next = 0;
    g->pending = g->count;
    if (g->count)
        self->ready[self->ready_tail++ % (size_t) self->groups] = g->id;
    else
        self->done++;
}

static int
s_send (mix_t *self, group_t *g)
{
    mix_cmd_t *c = &g->cmds[g->next++];
    size_t n = self->commands++;
    char after[128] = "";
    if (c->after_intake)
        snprintf (
            after, sizeof after,
            "\"after\":[{\"service\":\"intake\",\"instance\":\"intake\",\"seq\":%" PRIu64
            "}],",
            g->intake_seq);
    char *text =
        zsys_sprintf ("{\"rid\":\"m%d-%zu\",%s%s}", self->run, n, after, c->fields);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    char err[128];
    int rc = json_to_msgpack (text, strlen (text), &pk, err, sizeof err);
    if (rc)
        fprintf (stderr, "opstap-bench-mix: %s: %s\n", err, text);
    else
        rc = zmq_send (self->sock[c->service], buf.data, buf.size, 0) < 0 ? -1 : 0;
    msgpack_sbuffer_destroy (&buf);
    free (text);
    self->cmd_group[n] = g->id * MIX_PHASE_MAX + (g->next - 1);
    self->cmd_sent[n] = zclock_usecs ();
    self->in_flight++;
    return rc;
}

static int
s_fill (mix_t *self)
{
    while (self->in_flight < self->window) {
        if (self->ready_head == self->ready_tail) {
            if (self->started == self->groups)
                return 0;
            group_t *g = &self->group[self->started];
            g->id = self->started++;
            g->phase = -1;
            s_advance (self, g);
            continue;
        }
        group_t *g = &self->group[self->ready[self->ready_head % (size_t) self->groups]];
        if (s_send (self, g))
            return -1;
        if (g->next == g->count)
            self->ready_head++;
    }
    return 0;
}

static void
s_refused (mix_t *self, const msgpack_object *root, const mix_cmd_t *c)
{
    if (self->refused++ < 10) {
        char code[32] = "?", message[256] = "";
        const msgpack_object *e = obj_get (root, "error");
        map_str (e, "code", code, sizeof code);
        map_str (e, "message", message, sizeof message);
        fprintf (stderr, "opstap-bench-mix: refused %s: %s %s\n", c->fields, code,
                 message);
    }
}

static void
s_on_reply (mix_t *self, const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    const msgpack_object *root = msg ? msg_root (msg) : NULL;
    char rid[40] = "";
    obj_str (obj_get (root, "rid"), rid, sizeof rid);
    const char *dash = strchr (rid, '-');
    size_t n = dash ? strtoul (dash + 1, NULL, 10) : self->commands;
    if (n >= self->commands) {
        fprintf (stderr, "opstap-bench-mix: a reply without a known rid\n");
        self->refused++;
        msg_destroy (&msg);
        return;
    }
    int64_t now = zclock_usecs ();
    self->latency[n] = now - self->cmd_sent[n];
    group_t *g = &self->group[self->cmd_group[n] / MIX_PHASE_MAX];
    const mix_cmd_t *c = &g->cmds[self->cmd_group[n] % MIX_PHASE_MAX];
    if (!map_bool (root, "ok", false))
        s_refused (self, root, c);
    else if (!c->query) {
        uint64_t seq = (uint64_t) map_int (obj_get (root, "position"), "seq", 0);
        fifo_t *f = &self->fifo[c->service];
        f->seq[f->tail] = seq;
        f->at[f->tail++] = now;
        if (c->service == MIX_INTAKE && seq > g->intake_seq)
            g->intake_seq = seq;
    }
    msg_destroy (&msg);
    self->in_flight--;
    if (--g->pending == 0)
        s_advance (self, g);
}

//  Reporting's consumer positions: every reply waiting for one is done.
static void
s_on_status (mix_t *self, const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    const msgpack_object *list = obj_get (msg ? msg_root (msg) : NULL, "consumers");
    int64_t now = zclock_usecs ();
    for (uint32_t i = 0;
         list && list->type == MSGPACK_OBJECT_ARRAY && i < list->via.array.size; i++) {
        const msgpack_object *c = &list->via.array.ptr[i];
        uint64_t position = (uint64_t) map_int (c, "position", 0);
        for (int s = 0; s < MIX_REPORTING; s++) {
            fifo_t *f = &self->fifo[s];
            if (!obj_is_str (obj_get (c, "service"), mix_service_names[s]))
                continue;
            while (f->head < f->tail && f->seq[f->head] <= position)
                self->lag[self->lags++] = now - f->at[f->head++];
        }
    }
    msg_destroy (&msg);
    self->status_waiting = false;
}

static void
s_send_status (zsock_t *sock)
{
    //  {"cmd": "service.status"}
    static const uint8_t body[] = {0x81, 0xa3, 'c', 'm', 'd', 0xae, 's', 'e', 'r', 'v',
                                   'i',  'c',  'e', '.', 's', 't',  'a', 't', 'u', 's'};
    zmq_send (zsock_resolve (sock), body, sizeof body, 0);
}

//  The stream head of the service behind SOCK (nothing else in flight).
static uint64_t
s_head (zsock_t *sock)
{
    s_send_status (sock);
    zframe_t *reply = zframe_recv (sock);
    oerr_t err;
    msg_t *msg =
        reply ? msg_decode (zframe_data (reply), zframe_size (reply), &err) : NULL;
    uint64_t head = msg ? (uint64_t) map_int (msg_root (msg), "head", 0) : 0;
    msg_destroy (&msg);
    zframe_destroy (&reply);
    return head;
}

//  Waits up to MS for replies and status; sends a status poll when due.
static int
s_poll (mix_t *self, int ms)
{
    if (!self->status_waiting) {
        s_send_status (self->status);
        self->status_waiting = true;
    }
    zmq_pollitem_t items[MIX_SERVICES + 1];
    for (int i = 0; i < MIX_SERVICES; i++)
        items[i] = (zmq_pollitem_t){self->sock[i], 0, ZMQ_POLLIN, 0};
    items[MIX_SERVICES] =
        (zmq_pollitem_t){zsock_resolve (self->status), 0, ZMQ_POLLIN, 0};
    if (zmq_poll (items, MIX_SERVICES + 1, ms) < 0)
        return -1;
    for (int i = 0; i <= MIX_SERVICES; i++) {
        zmq_msg_t m;
        zmq_msg_init (&m);
        while ((items[i].revents & ZMQ_POLLIN)
               && zmq_msg_recv (&m, items[i].socket, ZMQ_DONTWAIT) >= 0) {
            if (i < MIX_SERVICES)
                s_on_reply (self, zmq_msg_data (&m), zmq_msg_size (&m));
            else
                s_on_status (self, zmq_msg_data (&m), zmq_msg_size (&m));
        }
        zmq_msg_close (&m);
    }
    return 0;
}

static bool
s_fifos_empty (mix_t *self)
{
    for (int s = 0; s < MIX_REPORTING; s++)
        if (self->fifo[s].head < self->fifo[s].tail)
            return false;
    return true;
}

static mix_t *
s_new (int base, int groups, int window)
{
    mix_t *self = (mix_t *) zmalloc (sizeof (mix_t));
    size_t cap = (size_t) groups * (size_t) mix_group_commands ();
    self->run = (int) (zclock_time () % 1000000);
    self->groups = groups;
    self->window = window;
    for (int i = 0; i < MIX_SERVICES; i++) {
        char endpoint[64];
        snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", base + 10 * i);
        self->socks[i] = zsock_new_dealer (endpoint);
        self->sock[i] = zsock_resolve (self->socks[i]);
        self->fifo[i].seq = (uint64_t *) zmalloc (sizeof (uint64_t) * cap);
        self->fifo[i].at = (int64_t *) zmalloc (sizeof (int64_t) * cap);
    }
    char endpoint[64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", base + 40);
    self->status = zsock_new_dealer (endpoint);
    self->group = (group_t *) zmalloc (sizeof (group_t) * (size_t) groups);
    self->ready = (int *) zmalloc (sizeof (int) * (size_t) groups);
    self->cmd_group = (int *) zmalloc (sizeof (int) * cap);
    self->cmd_sent = (int64_t *) zmalloc (sizeof (int64_t) * cap);
    self->latency = (int64_t *) zmalloc (sizeof (int64_t) * cap);
    self->lag = (int64_t *) zmalloc (sizeof (int64_t) * cap);
    return self;
}

static void
s_destroy (mix_t **self_p)
{
    mix_t *self = *self_p;
    if (!self)
        return;
    for (int i = 0; i < MIX_SERVICES; i++) {
        zsock_destroy (&self->socks[i]);
        free (self->fifo[i].seq);
        free (self->fifo[i].at);
    }
    for (int g = 0; g < self->started; g++)
        for (int i = 0; i < self->group[g].count; i++)
            zstr_free (&self->group[g].cmds[i].fields);
    zsock_destroy (&self->status);
    free (self->group);
    free (self->ready);
    free (self->cmd_group);
    free (self->cmd_sent);
    free (self->latency);
    free (self->lag);
    free (self);
    *self_p = NULL;
}

static uint64_t
s_events (mix_t *self)
{
    uint64_t sum = 0;
    for (int i = 0; i < MIX_REPORTING; i++)
        sum += s_head (self->socks[i]);
    return sum;
}

static void
s_print (mix_t *self, double seconds, double through, uint64_t events)
{
    qsort (self->latency, self->commands, sizeof (int64_t), s_compare);
    qsort (self->lag, self->lags, sizeof (int64_t), s_compare);
    printf ("groups=%d commands=%zu refused=%d seconds=%.2f commands_per_s=%.0f "
            "p50_us=%" PRId64 " p99_us=%" PRId64 " p999_us=%" PRId64 " events=%" PRIu64
            " events_per_s=%.0f lag_p50_ms=%.1f lag_p99_ms=%.1f lag_max_ms=%.1f\n",
            self->groups, self->commands, self->refused, seconds,
            self->commands / seconds, s_pct (self->latency, self->commands, 500),
            s_pct (self->latency, self->commands, 990),
            s_pct (self->latency, self->commands, 999), events, events / through,
            s_pct (self->lag, self->lags, 500) / 1e3,
            s_pct (self->lag, self->lags, 990) / 1e3,
            s_pct (self->lag, self->lags, 1000) / 1e3);
}

int
main (int argc, char *argv[])
{
    if (argc != 4 || atoi (argv[1]) < 1024 || atoi (argv[2]) < 1 || atoi (argv[3]) < 1) {
        fprintf (stderr, "usage: opstap-bench-mix PORT_BASE GROUPS IN_FLIGHT\n");
        return 2;
    }
    mix_t *self = s_new (atoi (argv[1]), atoi (argv[2]), atoi (argv[3]));
    uint64_t events = s_events (self);
    int64_t start = zclock_usecs (), answered = 0, deadline = 0;
    int rc = 0;
    while (rc == 0 && (self->done < self->groups || !s_fifos_empty (self))) {
        rc = s_fill (self) || s_poll (self, 2);
        if (!answered && self->done == self->groups) {
            answered = zclock_usecs ();
            deadline = answered + 120 * 1000000LL;
        }
        if (deadline && zclock_usecs () > deadline) {
            fprintf (stderr, "opstap-bench-mix: reporting did not catch up in 120 s\n");
            rc = -1;
        }
    }
    double through = (double) (zclock_usecs () - start) / 1e6;
    while (self->status_waiting && s_poll (self, 1000) == 0 && self->status_waiting)
        ;
    events = s_events (self) - events;
    s_print (self, (double) (answered - start) / 1e6, through, events);
    rc = rc || self->refused ? 1 : 0;
    s_destroy (&self);
    return rc;
}
