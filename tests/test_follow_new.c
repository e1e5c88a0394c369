/*  test_follow_new - a producer instance added to the directory file while
    the services run (a new office's intake) is followed without a restart;
    a directory file that stops parsing changes nothing; past the most
    instances a service follows, the others are refused and it keeps
    running.  */
#include "follower.h"
#include "intake.h"
#include "testkit.h"

//  The intake service this test runs (made in main).
static service_def_t *s_intake;

#define REG                                                                              \
    "{\"cmd\":\"candidate.register\",\"office\":\"%s\",\"id\":\"n-%"                     \
    "d\"," TK_REGISTER_REST

typedef struct {
    char *dir;
    char *config;
    int base;
    tk_client_t *follower; //  its command socket
} fixture_t;

static zactor_t *
s_start (fixture_t *f, const service_def_t *def, const char *instance, bool reread)
{
    char err[640];
    directory_t *directory = directory_new (f->config, err, sizeof err);
    service_opts_t opts = {.instance = instance,
                           .data_dir = f->dir,
                           .directory = directory,
                           .config =
                               reread && directory ? directory_path (directory) : NULL};
    zactor_t *actor = directory ? service_start (def, &opts, err, sizeof err) : NULL;
    if (!CHECK (actor != NULL))
        fprintf (stderr, "start %s: %s\n", instance, err);
    directory_destroy (&directory);
    return actor;
}

static void
s_append (fixture_t *f, const char *line)
{
    FILE *file = fopen (f->config, "a");
    CHECK (file != NULL);
    if (file) {
        fputs (line, file);
        fclose (file);
    }
}

//  How many producers the follower follows, and the position of one.
static size_t
s_following (fixture_t *f, const char *instance, int64_t *position)
{
    tk_msg_t *r = tk_expect (f->follower, NULL, "{\"cmd\":\"service.status\"}");
    const msgpack_object *list = tk_get (r, "consumers");
    size_t count = list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
    *position = -1;
    for (size_t i = 0; i < count; i++) {
        const msgpack_object *c = &list->via.array.ptr[i];
        if (obj_is_str (obj_get (c, "instance"), instance))
            *position = map_int (c, "position", -1);
    }
    tk_msg_destroy (&r);
    return count;
}

//  Waits up to five seconds for the follower to reach position on instance.
static bool
s_reaches (fixture_t *f, const char *instance, int64_t want)
{
    int64_t position = -1;
    for (int i = 0; i < 50 && position != want; i++) {
        s_following (f, instance, &position);
        if (position != want)
            zclock_sleep (100);
    }
    return position == want;
}

static void
test_new_instance (fixture_t *f)
{
    //  Another intake for the office ede, started after the follower.
    char line[256];
    snprintf (line, sizeof line,
              "intake intake-ede ede tcp://127.0.0.1:%d tcp://127.0.0.1:%d "
              "tcp://127.0.0.1:%d\n",
              f->base + 55, f->base + 56, f->base + 57);
    s_append (f, line);
    zactor_t *ede = s_start (f, s_intake, "intake-ede", false);
    snprintf (line, sizeof line, "tcp://127.0.0.1:%d", f->base + 55);
    tk_client_t *client = tk_client_new (line);
    int64_t seq = 0;
    for (int i = 0; i < 3; i++)
        tk_command (client, &seq, REG, "ede", i);
    CHECK (seq == 3);
    CHECK (s_reaches (f, "intake-ede", 3));
    //  The first intake is still followed too.
    int64_t position;
    CHECK (s_following (f, "intake", &position) == 2 && position == 1);
    tk_client_destroy (&client);
    zactor_destroy (&ede);
}

static void
test_bad_file (fixture_t *f)
{
    s_append (f, "intake this line has too few columns\n");
    zclock_sleep (1500);
    int64_t position;
    CHECK (s_following (f, "intake-ede", &position) == 2 && position == 3);
}

static void
test_too_many (fixture_t *f)
{
    //  Take the bad line out again, then list more intakes than a service
    //  follows (32): the follower takes 32 and refuses the rest.
    directory_t *ok = directory_new_defaults (f->base);
    FILE *file = fopen (f->config, "w");
    CHECK (ok && file);
    for (size_t i = 0; ok && file && i < directory_size (ok); i++) {
        const dir_entry_t *e = directory_at (ok, i);
        fprintf (file, "%s %s %s %s %s %s\n", e->service, e->instance, e->offices,
                 e->command, e->events, e->replay);
    }
    for (int i = 0; file && i < 40; i++)
        fprintf (file,
                 "intake intake-x%d x%d tcp://127.0.0.1:%d tcp://127.0.0.1:%d "
                 "tcp://127.0.0.1:%d\n",
                 i, i, f->base + 55, f->base + 56, f->base + 57);
    if (file)
        fclose (file);
    directory_destroy (&ok);
    tk_add_follower (f->config, f->base);
    zclock_sleep (1500);
    int64_t position;
    CHECK (s_following (f, "intake", &position) == 32 && position == 1);
}

int
main (void)
{
    s_intake = intake_service_new ();
    zsys_init ();
    fixture_t f = {tk_tmpdir (), NULL, tk_port_base (), NULL};
    f.config = tk_write_config (f.dir, f.base);
    tk_add_follower (f.config, f.base);
    //  Only a directory read from a file has one to read again.
    directory_t *defaults = directory_new_defaults (f.base);
    CHECK (defaults && directory_path (defaults) == NULL);
    directory_destroy (&defaults);
    zactor_t *intake = s_start (&f, s_intake, "intake", false);
    zactor_t *follower = s_start (&f, follower_service (), "follower", true);
    char endpoint[64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", f.base + 50);
    f.follower = tk_client_new (endpoint);
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", f.base);
    tk_client_t *client = tk_client_new (endpoint);
    int64_t seq = 0;
    tk_command (client, &seq, REG, "nijmegen", 100);
    CHECK (seq == 1 && s_reaches (&f, "intake", 1));
    int64_t position;
    CHECK (s_following (&f, "intake", &position) == 1);
    test_new_instance (&f);
    test_bad_file (&f);
    test_too_many (&f);
    tk_client_destroy (&client);
    tk_client_destroy (&f.follower);
    zactor_destroy (&follower);
    zactor_destroy (&intake);
    free (f.config);
    tk_rmdir (&f.dir);
    int rc = tk_done ("test_follow_new");
    intake_service_destroy (&s_intake);
    return rc;
}
