/*  opstap submit - sends JSON lines as commands, one at a time, and prints
    each reply as a JSON line.

    Every command after the first carries the stream positions of the
    earlier replies ("after", PROTOCOL.md section 5), so the service it goes
    to first catches up on what those commands caused: read your writes
    across services without the caller having to think about it.  */
#include "opstap.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#define SUBMIT_ATTEMPTS 3

typedef struct {
    char service[DIR_NAME_MAX + 1];
    char instance[DIR_NAME_MAX + 1];
    uint64_t seq;
} position_t;

typedef struct {
    opstap_t *opstap;
    client_t *client;
    char prefix[13]; //  makes this run's request ids unique
    position_t *positions;
    size_t npositions;
    size_t line; //  number of the line being handled
    bool any_error;
} submit_t;

//  The whole point of the prefix is that two runs never share a rid, so
//  fall back to the clock and pid only when there is no /dev/urandom.
static void
s_make_prefix (char prefix[13])
{
    unsigned char bytes[6];
    int fd = open ("/dev/urandom", O_RDONLY);
    ssize_t got = fd >= 0 ? read (fd, bytes, sizeof bytes) : -1;
    if (fd >= 0)
        close (fd);
    if (got != (ssize_t) sizeof bytes) {
        uint64_t mix =
            (uint64_t) zclock_usecs () * 0x9E3779B97F4A7C15u ^ (uint64_t) getpid ();
        for (size_t i = 0; i < sizeof bytes; i++)
            bytes[i] = (unsigned char) (mix >> (8 * i));
    }
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf (prefix + 2 * i, 3, "%02x", bytes[i]);
}

static submit_t *
submit_new (opstap_t *opstap)
{
    submit_t *self = (submit_t *) zmalloc (sizeof (submit_t));
    self->opstap = opstap;
    self->client = client_new (opstap->directory, opstap->keys);
    //  At most one position per instance in the directory is ever kept.
    size_t size = directory_size (opstap->directory);
    self->positions = (position_t *) zmalloc ((size ? size : 1) * sizeof (position_t));
    s_make_prefix (self->prefix);
    return self;
}

static void
submit_destroy (submit_t **self_p)
{
    if (self_p && *self_p) {
        submit_t *self = *self_p;
        client_destroy (&self->client);
        free (self->positions);
        free (self);
        *self_p = NULL;
    }
}

//  Prints an error reply made here (the command never left); returns 1.
static int s_local_error (submit_t *self, const char *code, const char *field,
                          const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));

static int
s_local_error (submit_t *self, const char *code, const char *field, const char *fmt, ...)
{
    char message[512];
    va_list args;
    va_start (args, fmt);
    vsnprintf (message, sizeof message, fmt, args);
    va_end (args);
    msgpack_sbuffer sbuf;
    msgpack_sbuffer_init (&sbuf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &sbuf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 2);
    msgpack_pack_str_with_body (&pk, "ok", 2);
    msgpack_pack_false (&pk);
    msgpack_pack_str_with_body (&pk, "error", 5);
    msgpack_pack_map (&pk, field ? 3 : 2);
    msgpack_pack_str_with_body (&pk, "code", 4);
    msgpack_pack_str_with_body (&pk, code, strlen (code));
    msgpack_pack_str_with_body (&pk, "message", 7);
    msgpack_pack_str_with_body (&pk, message, strlen (message));
    if (field) {
        msgpack_pack_str_with_body (&pk, "field", 5);
        msgpack_pack_str_with_body (&pk, field, strlen (field));
    }
    msgpack_unpacked up;
    msgpack_unpacked_init (&up);
    if (msgpack_unpack_next (&up, sbuf.data, sbuf.size, NULL) == MSGPACK_UNPACK_SUCCESS)
        opstap_print (&up.data, stdout);
    msgpack_unpacked_destroy (&up);
    msgpack_sbuffer_destroy (&sbuf);
    self->any_error = true;
    return 1;
}

//  Keeps the highest position seen per producing instance.
static void
s_remember (submit_t *self, reply_t *reply)
{
    const msgpack_object *pos = obj_get (reply_root (reply), "position");
    position_t seen;
    if (opstap_str (obj_get (pos, "service"), seen.service, sizeof seen.service)
        || opstap_str (obj_get (pos, "instance"), seen.instance, sizeof seen.instance)
        || opstap_uint (obj_get (pos, "seq"), &seen.seq))
        return;
    for (size_t i = 0; i < self->npositions; i++) {
        position_t *known = &self->positions[i];
        if (strcmp (known->instance, seen.instance) == 0) {
            if (seen.seq > known->seq)
                *known = seen;
            return;
        }
    }
    //  Positions only ever matter for instances commands can be sent to.
    if (directory_instance (self->opstap->directory, seen.instance)
        && self->npositions < directory_size (self->opstap->directory))
        self->positions[self->npositions++] = seen;
}

static void
s_pack_after (submit_t *self, msgpack_packer *pk, const char *target, uint32_t count)
{
    msgpack_pack_str_with_body (pk, "after", 5);
    msgpack_pack_array (pk, count);
    for (size_t i = 0; i < self->npositions; i++) {
        const position_t *p = &self->positions[i];
        if (strcmp (p->instance, target) == 0)
            continue;
        msgpack_pack_map (pk, 3);
        msgpack_pack_str_with_body (pk, "service", 7);
        msgpack_pack_str_with_body (pk, p->service, strlen (p->service));
        msgpack_pack_str_with_body (pk, "instance", 8);
        msgpack_pack_str_with_body (pk, p->instance, strlen (p->instance));
        msgpack_pack_str_with_body (pk, "seq", 3);
        msgpack_pack_uint64 (pk, p->seq);
    }
}

//  The command as parsed, plus a rid and the positions to wait for unless
//  the line has its own.
static void
s_pack_body (submit_t *self, const msgpack_object *cmd, const dir_entry_t *target,
             const char *rid, msgpack_sbuffer *body)
{
    bool add_rid = !obj_get (cmd, "rid");
    uint32_t nafter = 0;
    for (size_t i = 0; i < self->npositions; i++)
        nafter += strcmp (self->positions[i].instance, target->instance) != 0;
    bool add_after = nafter > 0 && !obj_get (cmd, "after");
    msgpack_packer pk;
    msgpack_packer_init (&pk, body, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, cmd->via.map.size + add_rid + add_after);
    for (uint32_t i = 0; i < cmd->via.map.size; i++) {
        msgpack_pack_object (&pk, cmd->via.map.ptr[i].key);
        msgpack_pack_object (&pk, cmd->via.map.ptr[i].val);
    }
    if (add_rid) {
        msgpack_pack_str_with_body (&pk, "rid", 3);
        msgpack_pack_str_with_body (&pk, rid, strlen (rid));
    }
    if (add_after)
        s_pack_after (self, &pk, target->instance, nafter);
}

//  The service that owns the command named in cmd (copied into name); NULL
//  after printing why it cannot be sent.
static const char *
s_service (submit_t *self, const msgpack_object *cmd, char *name, size_t size)
{
    const msgpack_object *field = obj_get (cmd, "cmd");
    if (!field || field->type != MSGPACK_OBJECT_STR) {
        s_local_error (self, "invalid_argument", "cmd", "line %zu: cmd must be a string",
                       self->line);
        return NULL;
    }
    const char *service =
        opstap_str (field, name, size) ? NULL : directory_service_for (name);
    if (service)
        return service;
    if (strcmp (name, "service.status") == 0)
        s_local_error (self, "invalid_argument", "cmd",
                       "line %zu: service.status is a query for opstap status",
                       self->line);
    else
        s_local_error (self, "invalid_argument", "cmd", "line %zu: unknown command %.*s",
                       self->line, (int) field->via.str.size, field->via.str.ptr);
    return NULL;
}

//  The instance the command goes to; NULL after printing why there is none.
static const dir_entry_t *
s_route (submit_t *self, const msgpack_object *cmd)
{
    char name[128], office[DIR_NAME_MAX + 1];
    const char *service = s_service (self, cmd, name, sizeof name);
    if (!service)
        return NULL;
    const msgpack_object *field = obj_get (cmd, "office");
    //  Only a report may leave the office out: it then covers every office.
    bool anywhere = !field && strcmp (name, "report.summary") == 0;
    if (!anywhere && opstap_str (field, office, sizeof office)) {
        s_local_error (self, "invalid_argument", "office",
                       field ? "line %zu: office must be an identifier"
                             : "line %zu: office is required",
                       self->line);
        return NULL;
    }
    const dir_entry_t *entry =
        directory_route (self->opstap->directory, service, anywhere ? NULL : office);
    if (!entry && anywhere)
        s_local_error (self, "unavailable", NULL, "no instance of %s", service);
    else if (!entry)
        s_local_error (self, "unavailable", NULL, "no instance of %s serves office %s",
                       service, office);
    return entry;
}

//  Sends the command and prints the reply; -1 when no reply came.
static int
s_exchange (submit_t *self, const dir_entry_t *target, msgpack_sbuffer *body,
            const char *rid)
{
    if (body->size > OPSTAP_MAX_BODY)
        return s_local_error (self, "invalid_argument", "frame",
                              "line %zu: command larger than %d bytes", self->line,
                              OPSTAP_MAX_BODY);
    //  A refused handshake is never answered: say so now, not after the
    //  timeouts of every attempt.
    if (opstap_handshake (self->opstap, target))
        return -1;
    reply_t *reply =
        client_request (self->client, target, CLIENT_COMMAND, body->data, body->size, rid,
                        self->opstap->timeout_ms, SUBMIT_ATTEMPTS);
    if (!reply) {
        fprintf (stderr, "opstap: no reply from %s at %s\n", target->instance,
                 target->command);
        return -1;
    }
    opstap_print (reply_root (reply), stdout);
    bool ok = reply_ok (reply);
    if (ok)
        s_remember (self, reply);
    else
        self->any_error = true;
    reply_destroy (&reply);
    return ok ? 0 : 1;
}

//  Handles one command; 0 ok, 1 error reply, -1 when it cannot go on.
static int
s_submit_command (submit_t *self, const msgpack_object *cmd)
{
    if (cmd->type != MSGPACK_OBJECT_MAP)
        return s_local_error (self, "invalid_argument", NULL,
                              "line %zu: a command must be a JSON object", self->line);
    const dir_entry_t *target = s_route (self, cmd);
    if (!target)
        return 1;
    char rid[DIR_NAME_MAX + 1];
    if (!obj_get (cmd, "rid"))
        snprintf (rid, sizeof rid, "%s-%zu", self->prefix, self->line);
    else if (opstap_str (obj_get (cmd, "rid"), rid, sizeof rid))
        rid[0] = 0; //  not an id: the service will say so, nothing to match
    msgpack_sbuffer body;
    msgpack_sbuffer_init (&body);
    s_pack_body (self, cmd, target, rid, &body);
    int rc = s_exchange (self, target, &body, rid[0] ? rid : NULL);
    msgpack_sbuffer_destroy (&body);
    return rc;
}

static int
s_submit_line (submit_t *self, const char *text, size_t len)
{
    msgpack_sbuffer parsed;
    msgpack_sbuffer_init (&parsed);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &parsed, msgpack_sbuffer_write);
    char err[256];
    int rc;
    if (json_to_msgpack (text, len, &pk, err, sizeof err))
        rc = s_local_error (self, "invalid_argument", NULL, "line %zu: %s", self->line,
                            err);
    else {
        msgpack_unpacked up;
        msgpack_unpacked_init (&up);
        msgpack_unpack_next (&up, parsed.data, parsed.size, NULL);
        rc = s_submit_command (self, &up.data);
        msgpack_unpacked_destroy (&up);
    }
    msgpack_sbuffer_destroy (&parsed);
    return rc;
}

static bool
s_skipped (const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && isspace ((unsigned char) text[i]))
        i++;
    return i == len || text[i] == '#';
}

//  Returns the exit code.
static int
s_submit_stream (submit_t *self, FILE *in)
{
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    int code = OPSTAP_EXIT_OK;
    while (code == OPSTAP_EXIT_OK && (len = getline (&text, &cap, in)) >= 0) {
        self->line++;
        if (!s_skipped (text, (size_t) len)
            && s_submit_line (self, text, (size_t) len) < 0)
            code = OPSTAP_EXIT_USAGE;
    }
    if (code == OPSTAP_EXIT_OK && ferror (in)) {
        fprintf (stderr, "opstap: read error after line %zu\n", self->line);
        code = OPSTAP_EXIT_USAGE;
    }
    free (text);
    if (code == OPSTAP_EXIT_OK && self->any_error)
        code = OPSTAP_EXIT_ERROR;
    return code;
}

int
opstap_submit (opstap_t *opstap, int argc, char **argv)
{
    if (argc > 1)
        return opstap_usage_error ("submit takes at most one file");
    const char *path = argc == 1 ? argv[0] : "-";
    FILE *in = strcmp (path, "-") == 0 ? stdin : fopen (path, "r");
    if (!in) {
        fprintf (stderr, "opstap: cannot open %s: %s\n", path, strerror (errno));
        return OPSTAP_EXIT_USAGE;
    }
    //  Ctrl-C simply stops the run: the rid makes it safe to submit again.
    zsys_handler_set (NULL);
    submit_t *self = submit_new (opstap);
    int code = s_submit_stream (self, in);
    submit_destroy (&self);
    if (in != stdin)
        fclose (in);
    return code;
}
