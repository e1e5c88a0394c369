/*  testkit - what the tests share.  */
#include "testkit.h"

#include "json.h"

#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    int failures;
    int checks;
} tally_t;

//  The only mutable state in the test kit: one tally per test process.
static tally_t s_tally;

int
tk_check (int ok, const char *file, int line, const char *what)
{
    s_tally.checks++;
    if (!ok) {
        s_tally.failures++;
        fprintf (stderr, "FAIL %s:%d: %s\n", file, line, what);
    }
    return ok;
}

int
tk_done (const char *name)
{
    printf ("%s: %d checks, %d failed\n", name, s_tally.checks, s_tally.failures);
    return s_tally.failures ? 1 : 0;
}

char *
tk_tmpdir (void)
{
    char *path = strdup ("/tmp/opstap-test-XXXXXX");
    if (!mkdtemp (path)) {
        free (path);
        return NULL;
    }
    return path;
}

void
tk_rmdir (char **path_p)
{
    if (path_p && *path_p) {
        zdir_t *dir = zdir_new (*path_p, NULL);
        if (dir)
            zdir_remove (dir, true);
        zdir_destroy (&dir);
        free (*path_p);
        *path_p = NULL;
    }
}

static bool
s_port_free (int port)
{
    zsock_t *sock = zsock_new (ZMQ_PUB);
    zsock_set_linger (sock, 0);
    bool free_port = zsock_bind (sock, "tcp://127.0.0.1:%d", port) == port;
    zsock_destroy (&sock);
    return free_port;
}

int
tk_port_base (void)
{
    //  Tests run in parallel: each process must draw its own ports.
    srandom ((unsigned) getpid () ^ (unsigned) zclock_usecs ());
    for (int attempt = 0; attempt < 200; attempt++) {
        //  Below Linux's ephemeral ports (32768 on), which every outgoing
        //  connection may take; above the shell tests' range (10000-19999).
        //  Whole blocks of 60, so two tests' blocks never overlap.
        int base = 20000 + (int) (randof (210)) * 60;
        bool ok = true;
        for (int p = base; ok && p < base + 60; p++)
            ok = s_port_free (p);
        if (ok)
            return base;
    }
    return -1;
}

char *
tk_write_config (const char *dir, int base)
{
    char *path = zsys_sprintf ("%s/directory.conf", dir);
    FILE *file = fopen (path, "w");
    directory_t *defaults = directory_new_defaults (base);
    for (size_t i = 0; file && i < directory_size (defaults); i++) {
        const dir_entry_t *e = directory_at (defaults, i);
        fprintf (file, "%s %s %s %s %s %s\n", e->service, e->instance, e->offices,
                 e->command, e->events, e->replay);
    }
    if (file)
        fclose (file);
    directory_destroy (&defaults);
    return path;
}

int
tk_add_follower (const char *config, int base)
{
    FILE *file = fopen (config, "a");
    if (!file)
        return -1;
    fprintf (file,
             "follower follower * tcp://127.0.0.1:%d tcp://127.0.0.1:%d "
             "tcp://127.0.0.1:%d\n",
             base + 50, base + 51, base + 52);
    fclose (file);
    return 0;
}

//  --------------------------------------------------------------------------

struct _tk_msg_t {
    msgpack_unpacked unpacked;
    char *data; //  msgpack-c's objects point into the bytes they came from
    char text[4096];
};

void
tk_msg_destroy (tk_msg_t **self_p)
{
    if (self_p && *self_p) {
        msgpack_unpacked_destroy (&(*self_p)->unpacked);
        free ((*self_p)->data);
        free (*self_p);
        *self_p = NULL;
    }
}

tk_msg_t *
tk_msg_new (const void *data, size_t size)
{
    tk_msg_t *self = (tk_msg_t *) zmalloc (sizeof (tk_msg_t));
    msgpack_unpacked_init (&self->unpacked);
    self->data = (char *) malloc (size ? size : 1);
    memcpy (self->data, data, size);
    size_t offset = 0;
    if (msgpack_unpack_next (&self->unpacked, self->data, size, &offset)
        != MSGPACK_UNPACK_SUCCESS)
        tk_msg_destroy (&self);
    return self;
}

tk_msg_t *
tk_recv (zsock_t *sock)
{
    zframe_t *frame = zframe_recv (sock);
    tk_msg_t *self = frame ? tk_msg_new (zframe_data (frame), zframe_size (frame)) : NULL;
    zframe_destroy (&frame);
    return self;
}

const msgpack_object *
tk_root (tk_msg_t *self)
{
    return &self->unpacked.data;
}

const msgpack_object *
tk_get (tk_msg_t *self, const char *path)
{
    if (!self)
        return NULL;
    const msgpack_object *obj = tk_root (self);
    char part[128];
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

const char *
tk_str (tk_msg_t *self, const char *path)
{
    if (!self || obj_str (tk_get (self, path), self->text, sizeof self->text))
        return "";
    return self->text;
}

int64_t
tk_int (tk_msg_t *self, const char *path)
{
    const msgpack_object *obj = tk_get (self, path);
    if (obj && obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return (int64_t) obj->via.u64;
    if (obj && obj->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return obj->via.i64;
    return -1;
}

bool
tk_ok (tk_msg_t *self)
{
    const msgpack_object *ok = tk_get (self, "ok");
    return ok && ok->type == MSGPACK_OBJECT_BOOLEAN && ok->via.boolean;
}

const char *
tk_code (tk_msg_t *self)
{
    return tk_str (self, "error.code");
}

char *
tk_json (tk_msg_t *self)
{
    return self ? json_from_msgpack (tk_root (self)) : strdup ("(no reply)");
}

//  --------------------------------------------------------------------------

struct _tk_client_t {
    zsock_t *dealer;
};

tk_client_t *
tk_client_new (const char *endpoint)
{
    tk_client_t *self = (tk_client_t *) zmalloc (sizeof (tk_client_t));
    self->dealer = zsock_new_dealer (endpoint);
    zsock_set_linger (self->dealer, 0);
    zsock_set_rcvtimeo (self->dealer, 5000);
    return self;
}

void
tk_client_destroy (tk_client_t **self_p)
{
    if (self_p && *self_p) {
        zsock_destroy (&(*self_p)->dealer);
        free (*self_p);
        *self_p = NULL;
    }
}

tk_msg_t *
tk_call_frames (tk_client_t *self, zmsg_t **msg_p)
{
    if (zmsg_send (msg_p, self->dealer))
        return NULL;
    zframe_t *reply = zframe_recv (self->dealer);
    if (!reply)
        return NULL;
    tk_msg_t *msg = tk_msg_new (zframe_data (reply), zframe_size (reply));
    zframe_destroy (&reply);
    return msg;
}

tk_msg_t *
tk_call_raw (tk_client_t *self, const void *data, size_t size)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addmem (msg, data, size);
    return tk_call_frames (self, &msg);
}

static tk_msg_t *
s_vcall (tk_client_t *self, const char *fmt, va_list args)
{
    char *text = zsys_vprintf (fmt, args);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    char err[128];
    tk_msg_t *reply = NULL;
    if (json_to_msgpack (text, strlen (text), &pk, err, sizeof err) == 0)
        reply = tk_call_raw (self, buf.data, buf.size);
    else
        fprintf (stderr, "testkit: bad JSON in test: %s: %s\n", err, text);
    msgpack_sbuffer_destroy (&buf);
    free (text);
    return reply;
}

tk_msg_t *
tk_call (tk_client_t *self, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *reply = s_vcall (self, fmt, args);
    va_end (args);
    return reply;
}

static tk_msg_t *
s_vexpect (const char *file, int line, tk_client_t *self, const char *code,
           const char *fmt, va_list args)
{
    tk_msg_t *reply = s_vcall (self, fmt, args);
    bool as_expected = reply && (code ? streq (tk_code (reply), code) : tk_ok (reply));
    if (!as_expected) {
        char *json = tk_json (reply);
        fprintf (stderr, "  expected %s, got %s\n", code ? code : "ok", json);
        free (json);
    }
    tk_check (as_expected, file, line, fmt);
    return reply;
}

tk_msg_t *
tk_expect_at (const char *file, int line, tk_client_t *self, const char *code,
              const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_msg_t *reply = s_vexpect (file, line, self, code, fmt, args);
    va_end (args);
    return reply;
}

zactor_t *
tk_start_at (const char *file, int line, const service_def_t *def, const char *instance,
             const char *dir, directory_t *directory)
{
    char err[640];
    service_opts_t opts = {.instance = instance, .data_dir = dir, .directory = directory};
    zactor_t *actor = service_start (def, &opts, err, sizeof err);
    if (!tk_check (actor != NULL, file, line, instance))
        fprintf (stderr, "  start %s: %s\n", instance, err);
    return actor;
}

void
tk_vcommand (const char *file, int line, tk_client_t *self, int64_t *seq, const char *fmt,
             va_list args)
{
    tk_msg_t *reply = s_vexpect (file, line, self, NULL, fmt, args);
    if (tk_ok (reply))
        *seq = tk_int (reply, "position.seq");
    tk_msg_destroy (&reply);
}

void
tk_command_at (const char *file, int line, tk_client_t *self, int64_t *seq,
               const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    tk_vcommand (file, line, self, seq, fmt, args);
    va_end (args);
}

zlistx_t *
tk_replay_all (const char *endpoint, uint64_t from)
{
    zlistx_t *events = zlistx_new ();
    tk_client_t *client = tk_client_new (endpoint);
    while (true) {
        tk_msg_t *reply =
            tk_call (client, "{\"cmd\":\"replay\",\"from\":%" PRIu64 "}", from);
        const msgpack_object *list = tk_get (reply, "events");
        uint32_t count =
            list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
        for (uint32_t i = 0; i < count; i++) {
            msgpack_sbuffer buf;
            msgpack_sbuffer_init (&buf);
            msgpack_packer pk;
            msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
            msgpack_pack_object (&pk, list->via.array.ptr[i]);
            zlistx_add_end (events, tk_msg_new (buf.data, buf.size));
            msgpack_sbuffer_destroy (&buf);
            from = (uint64_t) map_int (&list->via.array.ptr[i], "seq", 0) + 1;
        }
        tk_msg_destroy (&reply);
        if (count == 0)
            break;
    }
    tk_client_destroy (&client);
    return events;
}

void
tk_events_destroy (zlistx_t **events_p)
{
    if (events_p && *events_p) {
        tk_msg_t *msg = (tk_msg_t *) zlistx_first (*events_p);
        while (msg) {
            tk_msg_destroy (&msg);
            msg = (tk_msg_t *) zlistx_next (*events_p);
        }
        zlistx_destroy (events_p);
    }
}

//  --------------------------------------------------------------------------

pid_t
tk_spawn (const char *const *argv, const char *const *env, const char *log)
{
    pid_t pid = fork ();
    if (pid != 0)
        return pid;
    for (size_t i = 0; env && env[i]; i++)
        putenv ((char *) env[i]);
    if (log) {
        FILE *out = freopen (log, "a", stderr);
        (void) out;
    }
    execv (argv[0], (char *const *) argv);
    _exit (127);
}

int
tk_stop (pid_t pid, int sig)
{
    if (pid <= 0 || kill (pid, sig) != 0)
        return -1;
    //  A process that does not stop is a failure to report, not a test that
    //  hangs until ctest's timeout.
    int status = 0;
    int64_t deadline = zclock_mono () + 30000;
    pid_t done = 0;
    while ((done = waitpid (pid, &status, WNOHANG)) == 0 && zclock_mono () < deadline)
        zclock_sleep (20);
    if (done == 0) {
        fprintf (stderr, "tk_stop: process %d did not stop within 30 s; killed\n",
                 (int) pid);
        kill (pid, SIGABRT); //  a core or ASan report says where it was
        zclock_sleep (2000);
        kill (pid, SIGKILL);
        waitpid (pid, &status, 0);
        return -1;
    }
    if (done != pid)
        return -1;
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

int
tk_wait_up (const char *endpoint, int seconds)
{
    int64_t deadline = zclock_mono () + seconds * 1000;
    while (zclock_mono () < deadline) {
        tk_client_t *client = tk_client_new (endpoint);
        zsock_set_rcvtimeo (client->dealer, 200);
        tk_msg_t *reply = tk_call (client, "{\"cmd\":\"service.status\"}");
        bool up = tk_ok (reply);
        tk_msg_destroy (&reply);
        tk_client_destroy (&client);
        if (up)
            return 0;
    }
    return -1;
}
