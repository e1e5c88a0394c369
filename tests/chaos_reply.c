/*  chaos_reply - a reply taken off a DEALER socket, decoded, with lookups
    by dotted path (the test kit's messages only come from its own calls).  */
#include "chaos.h"

#include "json.h"

struct _reply_t {
    msg_t *msg;
    char text[256];
};

reply_t *
reply_new (const void *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return NULL;
    reply_t *self = (reply_t *) zmalloc (sizeof (reply_t));
    self->msg = msg;
    return self;
}

void
reply_destroy (reply_t **self_p)
{
    if (self_p && *self_p) {
        msg_destroy (&(*self_p)->msg);
        free (*self_p);
        *self_p = NULL;
    }
}

const msgpack_object *
reply_get (reply_t *self, const char *path)
{
    const msgpack_object *obj = msg_root (self->msg);
    char part[64];
    while (obj && *path) {
        size_t len = strcspn (path, ".");
        snprintf (part, sizeof part, "%.*s", (int) len, path);
        path += len + (path[len] == '.');
        if (obj->type == MSGPACK_OBJECT_ARRAY) {
            size_t index = (size_t) atoi (part);
            obj = index < obj->via.array.size ? &obj->via.array.ptr[index] : NULL;
        } else
            obj = obj_get (obj, part);
    }
    return obj;
}

int64_t
reply_int (reply_t *self, const char *path)
{
    const msgpack_object *obj = reply_get (self, path);
    if (obj && obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return (int64_t) obj->via.u64;
    if (obj && obj->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return obj->via.i64;
    return -1;
}

const char *
reply_str (reply_t *self, const char *path)
{
    if (obj_str (reply_get (self, path), self->text, sizeof self->text))
        return "";
    return self->text;
}

bool
reply_ok (reply_t *self)
{
    const msgpack_object *ok = reply_get (self, "ok");
    return ok && ok->type == MSGPACK_OBJECT_BOOLEAN && ok->via.boolean;
}

char *
reply_json (reply_t *self)
{
    return json_from_msgpack (msg_root (self->msg));
}
