/*  test_logline - every log line key=value with an ISO 8601 UTC time:
    czmq's prefix rewritten, a message that is not key=value quoted, no
    control character left to forge a line; and a refused command logged
    with codes and ids only.  */
#include "json.h"
#include "logline.h"
#include "request.h"
#include "testkit.h"

static void
s_expect (const char *line, const char *want)
{
    char out[512];
    //  2026-12-05T07:55:48.123Z
    logline_format (line, strlen (line), 1796457348123LL, out, sizeof out);
    if (!CHECK (streq (out, want)))
        fprintf (stderr, "  got  %s\n  want %s\n", out, want);
}

static void
test_format (void)
{
    s_expect ("I: (intake) 26-12-05 08:55:48 event=service.stop instance=intake head=3",
              "at=2026-12-05T07:55:48.123Z level=info service=intake "
              "event=service.stop instance=intake head=3");
    s_expect ("E: (training) 26-12-05 08:55:48 event=store.error message=\"disk\"",
              "at=2026-12-05T07:55:48.123Z level=error service=training "
              "event=store.error message=\"disk\"");
    //  czmq's own words: quoted, the quote inside escaped.
    s_expect ("W: 26-12-05 08:55:48 zsys_shutdown: 1 \"socket\" not closed",
              "at=2026-12-05T07:55:48.123Z level=warning "
              "msg=\"zsys_shutdown: 1 \\\"socket\\\" not closed\"");
    //  A newline or another control character cannot start a line of its own.
    s_expect ("I: (intake) 26-12-05 08:55:48 event=x office=a\nI: forged\t\x01",
              "at=2026-12-05T07:55:48.123Z level=info service=intake "
              "event=x office=a\\nI: forged\\t\\x01");
    s_expect ("", "at=2026-12-05T07:55:48.123Z level=info msg=\"\"");
    //  Any room at all: cut short, never past it.
    const char *line = "I: (intake) 26-12-05 08:55:48 event=x \"quoted\"\n";
    for (size_t size = 1; size < 90; size++) {
        char *small = (char *) malloc (size);
        logline_format (line, strlen (line), 0, small, size);
        if (!CHECK (strlen (small) < size))
            fprintf (stderr, "  size %zu: %s\n", size, small);
        free (small);
    }
}

static const command_t *
s_one_row (const char *cmd, void *arg, oerr_t *err)
{
    static const field_t none[] = {{NULL, 0, false, 0, 0, 0, NULL, NULL}};
    static const command_t row = {"candidate.get", none, NULL, CMD_QUERY, 0, NULL};
    (void) arg;
    if (streq (cmd, row.name))
        return &row;
    oerr_set (err, ERR_INVALID_ARGUMENT, "cmd", "unknown command %s", cmd);
    return NULL;
}

//  What a refusal logs of a request: never what the caller made up.
static void
s_refuse (const char *json, const char *want, const char *never)
{
    FILE *log = tmpfile ();
    zsys_set_logstream (log);
    char err[64];
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    CHECK (json_to_msgpack (json, strlen (json), &pk, err, sizeof err) == 0);
    request_t *request = request_new_local ("peer", buf.data, buf.size, s_one_row, NULL);
    if (!request_failed (request)) {
        oerr_t refused;
        oerr_set (&refused, ERR_NOT_FOUND, "id", "no such candidate");
        request_fail (request, &refused);
    }
    request_log_t limit = {0, 0, 0};
    request_log_refusal (request, &limit, "intake");
    request_destroy (&request);
    msgpack_sbuffer_destroy (&buf);
    zsys_set_logstream (stdout);
    char text[1024] = "";
    rewind (log);
    size_t n = fread (text, 1, sizeof text - 1, log);
    text[n] = 0;
    fclose (log);
    if (!CHECK (strstr (text, want) && (!never || !strstr (text, never))))
        fprintf (stderr, "  logged: %s", text);
}

static void
test_refusals (void)
{
    s_refuse ("{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"rid\":\"r-1\","
              "\"id\":\"c-1\"}",
              "cmd=candidate.get office=nijmegen rid=r-1 code=not_found", NULL);
    //  An unknown command is logged by its length: it may be a name.
    s_refuse ("{\"cmd\":\"AnnadeVries\",\"office\":\"nijmegen\"}", "cmd=unknown:11",
              "Anna");
    //  An office that is no identifier (an e-mail address, a forged line).
    s_refuse ("{\"cmd\":\"candidate.get\",\"office\":\"anna@example.nl\"}",
              "office=- rid=- code=invalid_argument field=office", "anna");
    s_refuse ("{\"cmd\":\"candidate.get\",\"office\":\"x\\nI: forged\"}", "office=-",
              "forged");
}

int
main (void)
{
    zsys_init ();
    test_format ();
    test_refusals ();
    return tk_done ("test_logline");
}
