/*  request - one command as it arrived on a ROUTER socket.  */
#include "request.h"

struct _request_t {
    zframe_t *routing;
    bool delimiter; //  a REQ peer: answer with the empty frame too
    zframe_t *body_frame;
    msg_t *msg;
    char cmd[CODEC_ID_MAX + 1];
    const command_t *command;
    char rid[CODEC_ID_MAX + 1];
    char office[CODEC_ID_MAX + 1];
    position_t after[REQUEST_AFTER_MAX];
    size_t after_count;
    int64_t arrived;
    oerr_t err;
    bool failed;
    msgpack_sbuffer reply;
    zlist_t *events;
    char caller_key[REQUEST_CALLER_MAX + 1];
    char caller_name[REQUEST_CALLER_MAX + 1];
    char record[CODEC_ID_MAX + 1];
};

static int
s_fail (request_t *self, err_code_t code, const char *field, const char *message)
{
    oerr_set (&self->err, code, field, "%s", message);
    self->failed = true;
    return -1;
}

static int
s_parse_frames (request_t *self, zmsg_t *msg)
{
    self->routing = zmsg_pop (msg);
    zframe_t *next = zmsg_pop (msg);
    if (next && zframe_size (next) == 0) {
        self->delimiter = true;
        zframe_destroy (&next);
        next = zmsg_pop (msg);
    }
    self->body_frame = next;
    if (!next || zmsg_size (msg) > 0)
        return s_fail (self, ERR_INVALID_ARGUMENT, "frame",
                       "a request is exactly one MessagePack frame");
    return 0;
}

static int
s_parse_position (request_t *self, const msgpack_object *item)
{
    position_t *pos = &self->after[self->after_count];
    const msgpack_object *seq = obj_get (item, "seq");
    if (obj_str (obj_get (item, "service"), pos->service, sizeof pos->service)
        || obj_str (obj_get (item, "instance"), pos->instance, sizeof pos->instance)
        || !seq || seq->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return s_fail (self, ERR_INVALID_ARGUMENT, "after",
                       "after holds maps of service, instance and seq");
    pos->seq = seq->via.u64;
    self->after_count++;
    return 0;
}

static int
s_parse_after (request_t *self, const msgpack_object *after)
{
    if (!after || after->type == MSGPACK_OBJECT_NIL)
        return 0;
    if (after->type != MSGPACK_OBJECT_ARRAY || after->via.array.size > REQUEST_AFTER_MAX)
        return s_fail (self, ERR_INVALID_ARGUMENT, "after",
                       "after is an array of at most 16 positions");
    for (uint32_t i = 0; i < after->via.array.size; i++)
        if (s_parse_position (self, &after->via.array.ptr[i]))
            return -1;
    return 0;
}

static int
s_parse_id_field (request_t *self, const char *name, char *buf, size_t size,
                  bool required)
{
    const msgpack_object *value = obj_get (request_body (self), name);
    if (!value || value->type == MSGPACK_OBJECT_NIL) {
        if (!required)
            return 0;
        char message[64];
        snprintf (message, sizeof message, "%s is required", name);
        return s_fail (self, ERR_INVALID_ARGUMENT, name, message);
    }
    //  Checked as sent: a NUL inside would make buf a mere prefix of it.
    if (obj_str (value, buf, size) || strlen (buf) != value->via.str.size
        || !codec_valid_id (buf, strlen (buf)) || codec_bsn_like (buf, strlen (buf))) {
        char message[96];
        snprintf (message, sizeof message,
                  "%s must be an identifier (1-64 of A-Za-z0-9_.:-)", name);
        return s_fail (self, ERR_INVALID_ARGUMENT, name, message);
    }
    return 0;
}

static int
s_parse_envelope (request_t *self, request_resolve_fn *resolve, void *arg)
{
    self->msg = msg_decode (zframe_data (self->body_frame),
                            zframe_size (self->body_frame), &self->err);
    if (!self->msg) {
        self->failed = true;
        return -1;
    }
    //  The rid first, so that even a refused command's reply names it.
    if (s_parse_id_field (self, "rid", self->rid, sizeof self->rid, false)) {
        self->rid[0] = 0;
        return -1;
    }
    if (s_parse_id_field (self, "cmd", self->cmd, sizeof self->cmd, true))
        return -1;
    self->command = resolve (self->cmd, arg, &self->err);
    if (!self->command) {
        self->failed = true;
        return -1;
    }
    bool optional = (self->command->flags & CMD_ANY_OFFICE) != 0;
    if (s_parse_id_field (self, "office", self->office, sizeof self->office, !optional))
        return -1;
    return s_parse_after (self, obj_get (request_body (self), "after"));
}

request_t *
request_new (zmsg_t **msg_p, request_resolve_fn *resolve, void *arg)
{
    zmsg_t *msg = *msg_p;
    *msg_p = NULL;
    if (!msg || zmsg_size (msg) < 1) {
        zmsg_destroy (&msg);
        return NULL;
    }
    request_t *self = (request_t *) zmalloc (sizeof (request_t));
    self->arrived = zclock_mono ();
    msgpack_sbuffer_init (&self->reply);
    self->events = zlist_new ();
    if (s_parse_frames (self, msg) == 0)
        s_parse_envelope (self, resolve, arg);
    zmsg_destroy (&msg);
    return self;
}

request_t *
request_new_local (const char *routing, const void *body, size_t size,
                   request_resolve_fn *resolve, void *arg)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, routing);
    zmsg_addmem (msg, body, size);
    return request_new (&msg, resolve, arg);
}

void
request_destroy (request_t **self_p)
{
    if (self_p && *self_p) {
        request_t *self = *self_p;
        zframe_destroy (&self->routing);
        zframe_destroy (&self->body_frame);
        msg_destroy (&self->msg);
        msgpack_sbuffer_destroy (&self->reply);
        request_clear_events (self);
        zlist_destroy (&self->events);
        free (self);
        *self_p = NULL;
    }
}

bool
request_failed (request_t *self)
{
    return self->failed;
}

const oerr_t *
request_error (request_t *self)
{
    return &self->err;
}

void
request_fail (request_t *self, const oerr_t *err)
{
    self->err = *err;
    self->failed = true;
}

const char *
request_cmd (request_t *self)
{
    return self->cmd;
}

const command_t *
request_command (request_t *self)
{
    return self->command;
}

const char *
request_rid (request_t *self)
{
    return self->rid;
}

const char *
request_office (request_t *self)
{
    return self->office;
}

const msgpack_object *
request_body (request_t *self)
{
    return self->msg ? msg_root (self->msg) : NULL;
}

size_t
request_after_count (request_t *self)
{
    return self->after_count;
}

const position_t *
request_after (request_t *self, size_t index)
{
    return index < self->after_count ? &self->after[index] : NULL;
}

int64_t
request_arrived (request_t *self)
{
    return self->arrived;
}

void
request_set_caller (request_t *self, const char *key, const char *name)
{
    snprintf (self->caller_key, sizeof self->caller_key, "%s", key ? key : "");
    snprintf (self->caller_name, sizeof self->caller_name, "%s", name ? name : "");
}

const char *
request_caller_key (request_t *self)
{
    return self->caller_key;
}

const char *
request_caller_name (request_t *self)
{
    return self->caller_name;
}

void
request_set_record (request_t *self, const char *record)
{
    snprintf (self->record, sizeof self->record, "%s", record ? record : "");
}

const char *
request_record (request_t *self)
{
    return self->record;
}

void
request_set_reply (request_t *self, const void *data, size_t size)
{
    msgpack_sbuffer_clear (&self->reply);
    msgpack_sbuffer_write (&self->reply, (const char *) data, size);
}

msgpack_sbuffer *
request_reply (request_t *self)
{
    return &self->reply;
}

void
request_add_event (request_t *self, const char *topic, const void *data, size_t size)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, topic);
    zmsg_addmem (msg, data, size);
    zlist_append (self->events, msg);
}

void
request_clear_events (request_t *self)
{
    zmsg_t *msg;
    while ((msg = (zmsg_t *) zlist_pop (self->events)))
        zmsg_destroy (&msg);
}

//  Sends without waiting and destroys msg either way. A peer that does not
//  read (or has gone) must never stall the one thread that serves everyone,
//  whatever the socket's options; zmsg_send would also keep (leak) a
//  message it could not send.
static int
s_send_now (zmsg_t **msg_p, zsock_t *sock)
{
    int rc = 0;
    size_t left = zmsg_size (*msg_p);
    for (zframe_t *frame = zmsg_first (*msg_p); frame && rc == 0;
         frame = zmsg_next (*msg_p)) {
        int flags = ZFRAME_REUSE | ZFRAME_DONTWAIT | (--left ? ZFRAME_MORE : 0);
        rc = zframe_send (&frame, sock, flags);
    }
    zmsg_destroy (msg_p);
    return rc;
}

void
request_publish (request_t *self, zsock_t *pub)
{
    zmsg_t *msg;
    while ((msg = (zmsg_t *) zlist_pop (self->events)))
        s_send_now (&msg, pub); //  a slow subscriber loses hints
}

int
request_send (request_t *self, zsock_t *router)
{
    if (self->failed) {
        msgpack_sbuffer_clear (&self->reply);
        codec_pack_error (&self->reply, &self->err, self->rid);
    }
    //  Frame by frame, without waiting (as s_send_now): a ROUTER refuses or
    //  drops a whole message at its first frame, so none goes out in part.
    void *handle = zsock_resolve (router);
    int rc = self->routing
                 ? zframe_send (&self->routing, router, ZFRAME_MORE | ZFRAME_DONTWAIT)
                 : -1;
    if (rc == 0 && self->delimiter)
        rc = zmq_send (handle, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ? -1 : 0;
    if (rc == 0)
        rc = zmq_send (handle, self->reply.data, self->reply.size, ZMQ_DONTWAIT) < 0 ? -1
                                                                                     : 0;
    return rc;
}

void
request_log_flush (request_log_t *log, const char *instance)
{
    if (zclock_mono () - log->window < 1000)
        return;
    if (log->suppressed)
        zsys_info ("event=command.refused.suppressed instance=%s count=%" PRIu64,
                   instance, log->suppressed);
    log->window = zclock_mono ();
    log->logged = 0;
    log->suppressed = 0;
}

void
request_log_refusal (request_t *self, request_log_t *log, const char *instance)
{
    if (!self->failed)
        return;
    request_log_flush (log, instance);
    if (log->logged == REQUEST_LOG_BURST) {
        log->suppressed++;
        return;
    }
    log->logged++;
    const oerr_t *err = &self->err;
    //  Ids and codes only: a message may echo input, so it is not logged.
    zsys_info ("event=command.refused instance=%s cmd=%s office=%s code=%s field=%s",
               instance, *self->cmd ? self->cmd : "-", *self->office ? self->office : "-",
               err_code_name (err->code),
               err->field_from_input ? "(unknown)"
               : *err->field         ? err->field
                                     : "-");
}
