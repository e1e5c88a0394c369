/*  page - one page of a list query.  */
#include "page.h"

void
page_init (page_t *self, const msgpack_object *body)
{
    memset (self, 0, sizeof *self);
    self->limit = (uint32_t) map_int (body, "limit", PAGE_LIMIT_DEFAULT);
    map_str (body, "page", self->after, sizeof self->after);
    msgpack_sbuffer_init (&self->items);
    msgpack_packer_init (&self->pk, &self->items, msgpack_sbuffer_write);
}

void
page_destroy (page_t *self)
{
    msgpack_sbuffer_destroy (&self->items);
}

bool
page_full (page_t *self)
{
    if (self->count < self->limit)
        return false;
    self->more = true;
    return true;
}

msgpack_packer *
page_add (page_t *self, const char *id)
{
    snprintf (self->last, sizeof self->last, "%s", id);
    self->count++;
    return &self->pk;
}

void
page_finish (page_t *self, kv_t *reply, const char *key)
{
    kv_uint (reply, "count", self->count);
    msgpack_pack_array (kv_key (reply, key), self->count);
    if (self->items.size)
        msgpack_sbuffer_write (&reply->buf, self->items.data, self->items.size);
    if (self->more)
        kv_str (reply, "next", self->last);
}

const char *
page_from (page_t *self, size_t *len)
{
    *len = strlen (self->after);
    return *len ? self->after : NULL;
}

bool
page_before (page_t *self, const char *id)
{
    return *self->after && strcmp (id, self->after) <= 0;
}
