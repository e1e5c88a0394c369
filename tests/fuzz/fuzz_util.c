/*  fuzz_util - checks shared by the fuzz targets.  */
#include "fuzz.h"

#include <string.h>

bool
fuzz_tolerates (const char *finding)
{
    const char *list = getenv ("OPSTAP_FUZZ_TOLERATE");
    size_t len = strlen (finding);
    for (const char *p = list; p && *p; p += strcspn (p, ","), p += *p == ',')
        if (strncmp (p, finding, len) == 0 && (p[len] == ',' || p[len] == 0))
            return true;
    return false;
}

void
fuzz_check_error_reply (const oerr_t *err, const char *rid)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    codec_pack_error (&buf, err, rid);
    oerr_t why;
    msg_t *msg = msg_decode (buf.data, buf.size, &why);
    //  tests/fuzz/regress/fuzz_command/utf8-cut: schema.c cuts a field name
    //  to 40 bytes inside a UTF-8 sequence.
    if (!msg && fuzz_tolerates ("utf8-cut") && strstr (why.message, "UTF-8")) {
        msgpack_sbuffer_destroy (&buf);
        return;
    }
    if (!msg)
        fprintf (stderr, "fuzz: error reply undecodable (%s); field='%s' message='%s'\n",
                 why.message, err->field, err->message);
    FUZZ_CHECK (msg != NULL);
    const msgpack_object *root = msg_root (msg);
    FUZZ_CHECK (map_bool (root, "ok", true) == false);
    FUZZ_CHECK (obj_get (obj_get (root, "error"), "code") != NULL);
    msg_destroy (&msg);
    msgpack_sbuffer_destroy (&buf);
}
