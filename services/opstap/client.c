/*  client - requests to service instances over DEALER sockets, and the
    replies that come back.

    A timed-out request is resent on a fresh socket (the "lazy pirate"
    pattern): closing the old socket discards whatever it still had queued,
    so a late answer to an earlier request cannot be taken for the answer
    to a later one. Commands are resent with the same rid, which the service
    applies once.  */
#include "opstap.h"

#include <errno.h>
#include <string.h>

int
opstap_str (const msgpack_object *obj, char *buf, size_t size)
{
    if (!obj || obj->type != MSGPACK_OBJECT_STR || obj->via.str.size >= size)
        return -1;
    if (memchr (obj->via.str.ptr, 0, obj->via.str.size))
        return -1;
    memcpy (buf, obj->via.str.ptr, obj->via.str.size);
    buf[obj->via.str.size] = 0;
    return 0;
}

int
opstap_uint (const msgpack_object *obj, uint64_t *value)
{
    if (!obj || obj->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return -1;
    *value = obj->via.u64;
    return 0;
}

int
opstap_print (const msgpack_object *obj, FILE *out)
{
    char *text = json_from_msgpack (obj);
    if (!text)
        return -1;
    int rc = fprintf (out, "%s\n", text) < 0 || fflush (out) != 0 ? -1 : 0;
    free (text);
    return rc;
}

//  ---------------------------------------------------------------------
//  reply_t

struct _reply_t {
    zframe_t *frame; //  owns the bytes the objects point into
    msgpack_unpacked unpacked;
};

//  Takes the body frame; NULL when it is not exactly one MessagePack map.
static reply_t *
s_reply_new (zframe_t **frame_p)
{
    reply_t *self = (reply_t *) zmalloc (sizeof (reply_t));
    self->frame = *frame_p;
    *frame_p = NULL;
    msgpack_unpacked_init (&self->unpacked);
    size_t offset = 0;
    int rc =
        msgpack_unpack_next (&self->unpacked, (const char *) zframe_data (self->frame),
                             zframe_size (self->frame), &offset);
    if (rc != MSGPACK_UNPACK_SUCCESS || offset != zframe_size (self->frame)
        || self->unpacked.data.type != MSGPACK_OBJECT_MAP)
        reply_destroy (&self);
    return self;
}

void
reply_destroy (reply_t **self_p)
{
    if (self_p && *self_p) {
        reply_t *self = *self_p;
        msgpack_unpacked_destroy (&self->unpacked);
        zframe_destroy (&self->frame);
        free (self);
        *self_p = NULL;
    }
}

const msgpack_object *
reply_root (reply_t *self)
{
    return &self->unpacked.data;
}

bool
reply_ok (reply_t *self)
{
    const msgpack_object *ok = obj_get (reply_root (self), "ok");
    return ok && ok->type == MSGPACK_OBJECT_BOOLEAN && ok->via.boolean;
}

//  A reply that echoes a rid other than the one we wait for answers an
//  earlier request.
static bool
s_reply_is_stale (reply_t *self, const char *rid)
{
    const msgpack_object *echo = obj_get (reply_root (self), "rid");
    if (!rid || !echo || echo->type != MSGPACK_OBJECT_STR)
        return false;
    return echo->via.str.size != strlen (rid)
           || memcmp (echo->via.str.ptr, rid, echo->via.str.size) != 0;
}

//  ---------------------------------------------------------------------
//  client_t

struct _client_t {
    directory_t *directory;
    keys_t *keys;
    zsock_t **sockets; //  two per directory entry, by client_ep_t
    size_t size;
};

client_t *
client_new (directory_t *directory, keys_t *keys)
{
    client_t *self = (client_t *) zmalloc (sizeof (client_t));
    self->directory = directory;
    self->keys = keys;
    self->size = 2 * directory_size (directory);
    self->sockets =
        (zsock_t **) zmalloc ((self->size ? self->size : 1) * sizeof (zsock_t *));
    return self;
}

void
client_destroy (client_t **self_p)
{
    if (self_p && *self_p) {
        client_t *self = *self_p;
        for (size_t i = 0; i < self->size; i++)
            zsock_destroy (&self->sockets[i]);
        free (self->sockets);
        free (self);
        *self_p = NULL;
    }
}

const char *
client_endpoint (const dir_entry_t *entry, client_ep_t ep)
{
    return ep == CLIENT_REPLAY ? entry->replay : entry->command;
}

static zsock_t **
s_slot (client_t *self, const dir_entry_t *entry, client_ep_t ep)
{
    for (size_t i = 0; i < self->size / 2; i++)
        if (strcmp (directory_at (self->directory, i)->instance, entry->instance) == 0)
            return &self->sockets[2 * i + (size_t) ep];
    return NULL;
}

zsock_t *
client_socket (client_t *self, const dir_entry_t *entry, int type, const char *endpoint)
{
    zsock_t *sock = zsock_new (type);
    char err[256] = "";
    if (sock && self->keys
        && keys_connect (self->keys, sock, entry->instance, err, sizeof err))
        fprintf (stderr, "opstap: %s\n", err);
    else if (sock && type == ZMQ_SUB)
        zsock_set_subscribe (sock, "");
    if (sock && !*err && zsock_connect (sock, "%s", endpoint) == 0)
        return sock;
    zsock_destroy (&sock);
    return NULL;
}

int
client_send (client_t *self, const dir_entry_t *entry, client_ep_t ep, const void *body,
             size_t size)
{
    zsock_t **slot = s_slot (self, entry, ep);
    const char *endpoint = client_endpoint (entry, ep);
    if (slot && !*slot)
        *slot = client_socket (self, entry, ZMQ_DEALER, endpoint);
    if (!slot || !*slot) {
        fprintf (stderr, "opstap: cannot connect to %s at %s\n", entry->instance,
                 endpoint);
        return -1;
    }
    //  Not waiting: a DEALER that connects queues the message until the
    //  peer is there, and a full queue means something is badly wrong.
    if (zmq_send (zsock_resolve (*slot), body, size, ZMQ_DONTWAIT) < 0) {
        fprintf (stderr, "opstap: cannot send to %s at %s: %s\n", entry->instance,
                 endpoint, zmq_strerror (zmq_errno ()));
        return -1;
    }
    return 0;
}

//  The body is the last frame (PROTOCOL.md section 2).
static reply_t *
s_receive (zsock_t *sock, const dir_entry_t *entry)
{
    zmsg_t *msg = zmsg_recv (sock);
    zframe_t *body = msg ? zmsg_last (msg) : NULL;
    reply_t *reply = NULL;
    if (body) {
        zmsg_remove (msg, body);
        reply = s_reply_new (&body);
        if (!reply)
            fprintf (stderr, "opstap: ignoring a malformed reply from %s\n",
                     entry->instance);
    }
    zmsg_destroy (&msg);
    return reply;
}

reply_t *
client_recv (client_t *self, const dir_entry_t *entry, client_ep_t ep, const char *rid,
             int64_t deadline)
{
    zsock_t **slot = s_slot (self, entry, ep);
    if (!slot || !*slot)
        return NULL;
    while (!zsys_interrupted) {
        //  Past the deadline, still take a reply that is already waiting:
        //  callers collecting from several instances share one deadline.
        int64_t remaining = deadline - zclock_mono ();
        zmq_pollitem_t item = {zsock_resolve (*slot), 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll (&item, 1, remaining > 0 ? (long) remaining : 0);
        if (rc == 0)
            break;
        if (rc < 0 && zmq_errno () == EINTR)
            continue; //  zsys_interrupted says whether to stop
        if (rc < 0)
            break;
        reply_t *reply = s_receive (*slot, entry);
        if (reply && !s_reply_is_stale (reply, rid))
            return reply;
        reply_destroy (&reply);
    }
    return NULL;
}

void
client_reset (client_t *self, const dir_entry_t *entry, client_ep_t ep)
{
    zsock_t **slot = s_slot (self, entry, ep);
    if (slot)
        zsock_destroy (slot);
}

reply_t *
client_request (client_t *self, const dir_entry_t *entry, client_ep_t ep,
                const void *body, size_t size, const char *rid, int timeout_ms,
                int attempts)
{
    for (int attempt = 0; attempt < attempts && !zsys_interrupted; attempt++) {
        if (attempt > 0)
            client_reset (self, entry, ep);
        if (client_send (self, entry, ep, body, size))
            return NULL;
        reply_t *reply = client_recv (self, entry, ep, rid, zclock_mono () + timeout_ms);
        if (reply)
            return reply;
    }
    return NULL;
}
