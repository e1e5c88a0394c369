/*  fuzz_json - the JSON <-> MessagePack conversion the command-line tool
    uses on what people write (opstap submit) and on what services answer.
    The first input byte picks:
      0  JSON text: parsed, rendered back and parsed again, which must give
         the same MessagePack bytes (the renderer promises floats and
         integers keep their kind and value)
      1  a MessagePack body as the decoder accepts it: rendered as JSON,
         which must parse, and render again to the same text (float32s
         come back float64: from then on the same text)  */
#include "fuzz.h"

#include <string.h>

#include "json.h"

//  Parses text into buf (cleared first); 0 or -1.
static int
s_parse (const char *text, size_t len, msgpack_sbuffer *buf)
{
    msgpack_sbuffer_clear (buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, buf, msgpack_sbuffer_write);
    char err[128];
    int rc = json_to_msgpack (text, len, &pk, err, sizeof err);
    FUZZ_CHECK (rc == 0 || strncmp (err, "at byte ", 8) == 0);
    return rc;
}

//  The JSON text of packed bytes; NULL when they do not unpack.
static char *
s_render (const msgpack_sbuffer *buf)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    char *text = NULL;
    if (msgpack_unpack_next (&unpacked, buf->data, buf->size, &offset)
        == MSGPACK_UNPACK_SUCCESS)
        text = json_from_msgpack (&unpacked.data);
    msgpack_unpacked_destroy (&unpacked);
    return text;
}

static void
s_from_text (const uint8_t *data, size_t size)
{
    msgpack_sbuffer first, second;
    msgpack_sbuffer_init (&first);
    msgpack_sbuffer_init (&second);
    if (s_parse ((const char *) data, size, &first) == 0) {
        char *text = s_render (&first);
        FUZZ_CHECK (text != NULL);
        if (s_parse (text, strlen (text), &second) != 0)
            fprintf (stderr, "fuzz: rendered JSON does not parse: %s\n", text);
        FUZZ_CHECK (second.size > 0);
        FUZZ_CHECK (first.size == second.size
                    && memcmp (first.data, second.data, first.size) == 0);
        free (text);
    }
    msgpack_sbuffer_destroy (&first);
    msgpack_sbuffer_destroy (&second);
}

//  A float32 is rendered with the digits that read back as the same float32;
//  JSON has one kind of number, so it comes back a float64 of that text.
static bool
s_has_float32 (const msgpack_object *obj)
{
    if (obj->type == MSGPACK_OBJECT_FLOAT32)
        return true;
    for (uint32_t i = 0; obj->type == MSGPACK_OBJECT_ARRAY && i < obj->via.array.size;
         i++)
        if (s_has_float32 (&obj->via.array.ptr[i]))
            return true;
    for (uint32_t i = 0; obj->type == MSGPACK_OBJECT_MAP && i < obj->via.map.size; i++)
        if (s_has_float32 (&obj->via.map.ptr[i].val))
            return true;
    return false;
}

static void
s_from_msgpack (const uint8_t *data, size_t size)
{
    oerr_t err;
    msg_t *msg = msg_decode (data, size, &err);
    if (!msg)
        return;
    char *text = json_from_msgpack (msg_root (msg));
    FUZZ_CHECK (text != NULL);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    if (s_parse (text, strlen (text), &buf) != 0)
        fprintf (stderr, "fuzz: rendered JSON does not parse: %s\n", text);
    FUZZ_CHECK (buf.size > 0);
    char *again = s_render (&buf);
    FUZZ_CHECK (again != NULL);
    if (s_has_float32 (msg_root (msg))) {
        //  Stable from the first round on.
        FUZZ_CHECK (s_parse (again, strlen (again), &buf) == 0);
        char *third = s_render (&buf);
        FUZZ_CHECK (third && strcmp (third, again) == 0);
        free (third);
    } else
        FUZZ_CHECK (strcmp (again, text) == 0);
    free (again);
    free (text);
    msgpack_sbuffer_destroy (&buf);
    msg_destroy (&msg);
}

int
fuzz_json (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] % 2 == 0)
        s_from_text (data + 1, size - 1);
    else
        s_from_msgpack (data + 1, size - 1);
    return 0;
}

FUZZ_ENTRY (fuzz_json)
