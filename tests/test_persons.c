/*  test_persons - requests the gateway makes "as" a person: every service
    learns the persons from the gateway's stream, and allows each only what
    their role, their offices and (training, placement) the records linked
    to them allow; the audit trail names the person. A stand-in gateway
    here publishes the person events the real one does.  */
#include "intake.h"
#include "placement.h"
#include "testkit.h"
#include "training.h"

//  The intake service this test runs (made in main).
static service_def_t *s_intake;

//  --------------------------------------------------------------------------
//  The stand-in gateway: person.add and person.disable, published.

static int
s_person_add (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    char name[CODEC_ID_MAX + 1], role[32], offices[256], link[CODEC_ID_MAX + 1];
    map_str (body, "person", name, sizeof name);
    map_str (body, "role", role, sizeof role);
    map_str (body, "offices", offices, sizeof offices);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "person", name);
    kv_str (&f, "role", role);
    int count = 1;
    for (const char *c = offices; *c; c++)
        count += *c == ',';
    msgpack_packer *pk = kv_key (&f, "offices");
    msgpack_pack_array (pk, (uint32_t) count);
    char *save = NULL;
    for (char *o = strtok_r (offices, ",", &save); o; o = strtok_r (NULL, ",", &save))
        pk_str (pk, o);
    const char *links[] = {"expert", "trainer", "host"};
    for (int i = 0; i < 3; i++)
        if (*map_str (body, links[i], link, sizeof link))
            kv_str (&f, links[i], link);
    int rc = cmd_emit (ctx, "person.added", NULL, NULL, &f);
    kv_destroy (&f);
    return rc;
}

static int
s_person_disable (cmd_ctx_t *ctx)
{
    char name[CODEC_ID_MAX + 1];
    kv_t f;
    kv_init (&f);
    kv_str (&f, "person", map_str (cmd_body (ctx), "person", name, sizeof name));
    int rc = cmd_emit (ctx, "person.disabled", NULL, NULL, &f);
    kv_destroy (&f);
    return rc;
}

static const field_t s_add_fields[] = {{"person", F_ID, true, 0, 0, 0, NULL, NULL},
                                       {"role", F_ID, true, 0, 0, 0, NULL, NULL},
                                       {"offices", F_TEXT, true, 0, 0, 0, NULL, NULL},
                                       {"expert", F_ID, false, 0, 0, 0, NULL, NULL},
                                       {"trainer", F_ID, false, 0, 0, 0, NULL, NULL},
                                       {"host", F_ID, false, 0, 0, 0, NULL, NULL},
                                       {NULL, 0, false, 0, 0, 0, NULL, NULL}};
static const field_t s_disable_fields[] = {{"person", F_ID, true, 0, 0, 0, NULL, NULL},
                                           {NULL, 0, false, 0, 0, 0, NULL, NULL}};
static const command_t s_gateway_rows[] = {
    {"person.add", s_add_fields, s_person_add, CMD_ANY_OFFICE, R_ANYONE, NULL},
    {"person.disable", s_disable_fields, s_person_disable, CMD_ANY_OFFICE, R_ANYONE,
     NULL},
    {NULL, NULL, NULL, 0, 0, NULL}};
static const service_def_t s_gateway = {.service = "gateway", .commands = s_gateway_rows};

//  --------------------------------------------------------------------------

enum { GW, IN, TR, PL, SERVICES };
static const char *const s_names[SERVICES] = {"gateway", "intake", "training",
                                              "placement"};

typedef struct {
    char *dir;
    directory_t *directory;
    service_def_t *training;
    zactor_t *actors[SERVICES];
    tk_client_t *clients[SERVICES];
    int64_t seq[SERVICES]; //  last position of each, for after
} fixture_t;

//  "after" naming every position seen.
static char *
s_after (fixture_t *f)
{
    char text[512] = "";
    size_t len = 0;
    for (int s = 0; s < SERVICES; s++)
        if (f->seq[s])
            len += (size_t) snprintf (
                text + len, sizeof text - len,
                "%s{\"service\":\"%s\",\"instance\":\"%s\",\"seq\":%" PRId64 "}",
                len ? "," : "", s_names[s], s_names[s], f->seq[s]);
    return zsys_sprintf ("[%s]", text);
}

//  A command to service s, as person (NULL: none), that must get code
//  (NULL: ok) and, when refused, name field.
#define s_as(f, s, as, code, ...)                                                        \
    s_as_at (__FILE__, __LINE__, f, s, as, code, __VA_ARGS__)
static void s_as_at (const char *file, int line, fixture_t *f, int s, const char *as,
                     const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 7, 8)));
static void
s_as_at (const char *file, int line, fixture_t *f, int s, const char *as,
         const char *code, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *body = zsys_vprintf (fmt, args);
    va_end (args);
    char *after = s_after (f);
    char *as_field = as ? zsys_sprintf ("\"as\":\"%s\",", as) : strdup ("");
    char *cmd = zsys_sprintf ("{%s\"after\":%s,%s", as_field, after, body + 1);
    tk_msg_t *r = tk_expect_at (file, line, f->clients[s], code, "%s", cmd);
    if (tk_ok (r) && tk_int (r, "position.seq") > f->seq[s])
        f->seq[s] = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    free (cmd);
    free (as_field);
    free (after);
    free (body);
}

static void
s_setup (fixture_t *f)
{
    memset (f, 0, sizeof *f);
    f->dir = tk_tmpdir ();
    int base = tk_port_base ();
    char *config = tk_write_config (f->dir, base);
    FILE *file = fopen (config, "a");
    fprintf (
        file,
        "gateway gateway * tcp://127.0.0.1:%d tcp://127.0.0.1:%d tcp://127.0.0.1:%d -\n",
        base + 60, base + 61, base + 62);
    fclose (file);
    char err[256];
    f->directory = directory_new (config, err, sizeof err);
    free (config);
    training_rules_t rules = {8, true};
    f->training = training_service_new (&rules);
    const service_def_t *defs[SERVICES] = {&s_gateway, s_intake, f->training,
                                           placement_service ()};
    for (int s = 0; s < SERVICES; s++) {
        f->actors[s] = tk_start (defs[s], s_names[s], f->dir, f->directory);
        f->clients[s] =
            tk_client_new (directory_instance (f->directory, s_names[s])->command);
    }
}

static void
s_teardown (fixture_t *f)
{
    for (int s = SERVICES - 1; s >= 0; s--) {
        tk_client_destroy (&f->clients[s]);
        zactor_destroy (&f->actors[s]);
    }
    training_service_destroy (&f->training);
    directory_destroy (&f->directory);
    tk_rmdir (&f->dir);
}

#define REGISTER                                                                         \
    "{\"cmd\":\"candidate.register\",\"office\":\"%s\",\"id\":\"%s\"," TK_REGISTER_REST

static void
s_admit (fixture_t *f, const char *id)
{
    s_as (f, IN, "anna", NULL, REGISTER, "nijmegen", id);
    s_as (f, IN, "anna", NULL,
          "{\"cmd\":\"candidate.info_session\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"date\":\"2020-01-08\"}",
          id);
    s_as (f, IN, "anna", NULL,
          "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"date\":\"2020-01-09\"}",
          id);
}

static void
test_roles_and_offices (fixture_t *f)
{
    //  Not known (yet): refused.
    s_as (f, IN, "anna", "forbidden", REGISTER, "nijmegen", "c-0");
    s_as (f, GW, NULL, NULL,
          "{\"cmd\":\"person.add\",\"person\":\"anna\",\"role\":\"coordinator\","
          "\"offices\":\"nijmegen\"}");
    s_as (f, GW, NULL, NULL,
          "{\"cmd\":\"person.add\",\"person\":\"tess\",\"role\":\"trainer\","
          "\"offices\":\"nijmegen\",\"trainer\":\"t-1\"}");
    s_as (f, GW, NULL, NULL,
          "{\"cmd\":\"person.add\",\"person\":\"eva\",\"role\":\"expert\","
          "\"offices\":\"nijmegen\",\"expert\":\"e-1\"}");
    s_as (f, GW, NULL, NULL,
          "{\"cmd\":\"person.add\",\"person\":\"hugo\",\"role\":\"host_supervisor\","
          "\"offices\":\"nijmegen\",\"host\":\"h-1\"}");
    s_as (f, GW, NULL, NULL,
          "{\"cmd\":\"person.add\",\"person\":\"mia\",\"role\":\"manager\","
          "\"offices\":\"*\"}");
    s_as (f, IN, "anna", NULL, REGISTER, "nijmegen", "c-1");
    //  Another office, another role, nobody.
    s_as (f, IN, "anna", "forbidden", REGISTER, "arnhem", "c-2");
    s_as (f, IN, "tess", "forbidden",
          "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-1\"}");
    s_as (f, IN, "mia", "forbidden",
          "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-1\"}");
    s_as (f, IN, "nobody", "forbidden",
          "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-1\"}");
    s_as (f, IN, "anna", NULL,
          "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-1\"}");
    //  The trail names the person.
    tk_msg_t *r =
        tk_expect (f->clients[IN], NULL,
                   "{\"cmd\":\"audit.list\",\"caller\":\"anna\",\"record\":\"c-1\"}");
    CHECK (tk_get (r, "entries") && tk_get (r, "entries")->via.array.size >= 2);
    CHECK (streq (tk_str (r, "entries.0.caller"), "anna"));
    tk_msg_destroy (&r);
}

static void
test_training_records (fixture_t *f)
{
    s_admit (f, "c-3");
    s_admit (f, "c-4");
    const char *experts[] = {"e-1", "e-2"};
    for (int i = 0; i < 2; i++)
        s_as (
            f, TR, "anna", NULL,
            "{\"cmd\":\"expert.register\",\"office\":\"nijmegen\",\"id\":\"%s\","
            "\"paid\":true,\"fte\":0.5,\"experience\":[\"anxiety\"],\"max_caseload\":5}",
            experts[i]);
    s_as (f, TR, "anna", NULL,
          "{\"cmd\":\"expert.assign\",\"office\":\"nijmegen\",\"expert\":\"e-1\","
          "\"candidate\":\"c-3\",\"date\":\"2020-01-10\"}");
#define ACTIVITY                                                                         \
    "{\"cmd\":\"expert.activity\",\"office\":\"nijmegen\",\"expert\":\"%s\","            \
    "\"kind\":\"one_on_one\",\"minutes\":30,\"setting\":\"own_office\","                 \
    "\"candidate\":\"%s\",\"date\":\"2020-01-11\"}"
    //  Eva is e-1: her own candidate, not another's; not as another expert.
    s_as (f, TR, "eva", NULL, ACTIVITY, "e-1", "c-3");
    s_as (f, TR, "eva", "forbidden", ACTIVITY, "e-1", "c-4");
    s_as (f, TR, "eva", "forbidden", ACTIVITY, "e-2", "c-3");
    s_as (f, TR, "eva", "forbidden",
          "{\"cmd\":\"expert.get\",\"office\":\"nijmegen\",\"id\":\"e-2\"}");
    s_as (f, TR, "eva", NULL,
          "{\"cmd\":\"expert.get\",\"office\":\"nijmegen\",\"id\":\"e-1\"}");
    //  Tess trains k-1, not k-2; the candidates of an office are not hers.
    const char *cohorts[][2] = {{"k-1", "t-1"}, {"k-2", "t-9"}};
    for (int i = 0; i < 2; i++)
        s_as (f, TR, "anna", NULL,
              "{\"cmd\":\"cohort.create\",\"office\":\"nijmegen\",\"id\":\"%s\","
              "\"trainer_kind\":\"professional\",\"trainer\":\"%s\","
              "\"start\":\"2020-02-01\"}",
              cohorts[i][0], cohorts[i][1]);
    s_as (f, TR, "anna", NULL,
          "{\"cmd\":\"cohort.enroll\",\"office\":\"nijmegen\",\"cohort\":\"k-1\","
          "\"candidate\":\"c-4\"}");
    s_as (f, TR, "tess", NULL,
          "{\"cmd\":\"cohort.get\",\"office\":\"nijmegen\",\"id\":\"k-1\"}");
    s_as (f, TR, "tess", "forbidden",
          "{\"cmd\":\"cohort.get\",\"office\":\"nijmegen\",\"id\":\"k-2\"}");
    s_as (f, TR, "tess", "forbidden",
          "{\"cmd\":\"cohort.candidates\",\"office\":\"nijmegen\"}");
#define GOAL                                                                             \
    "{\"cmd\":\"goal.set\",\"office\":\"nijmegen\",\"id\":\"%s\",\"candidate\":\"%s\","  \
    "\"goal\":\"g\",\"situation\":\"s\",\"task\":\"t\",\"action\":\"a\",\"result\":"     \
    "\"r\","                                                                             \
    "\"reflection\":\"x\",\"smart\":{\"concrete\":true,\"divisible\":true,"              \
    "\"measurable\":true,\"feasible\":true}}"
    //  A member of her cohort, not a candidate she does not train.
    s_as (f, TR, "tess", NULL, GOAL, "g-1", "c-4");
    s_as (f, TR, "tess", "forbidden", GOAL, "g-2", "c-3");
    s_as (f, TR, "tess", NULL,
          "{\"cmd\":\"goal.get\",\"office\":\"nijmegen\",\"id\":\"g-1\"}");
    s_as (f, TR, "eva", "forbidden",
          "{\"cmd\":\"goal.get\",\"office\":\"nijmegen\",\"id\":\"g-1\"}");
}

static void
test_placement_records (fixture_t *f)
{
    const char *hosts[] = {"h-1", "h-2"};
    for (int i = 0; i < 2; i++) {
        s_as (f, PL, "anna", NULL,
              "{\"cmd\":\"host.register\",\"office\":\"nijmegen\",\"id\":\"%s\","
              "\"name\":\"Tuin\",\"sector\":\"groen\",\"client_org\":false,"
              "\"requirements\":{\"one_year\":true,\"hours_12_24\":true,"
              "\"function_profile\":true,\"onboarding\":true,\"fixed_supervisor\":true,"
              "\"buddy\":true,\"allows_training\":true,\"insured\":true,"
              "\"paid_job_effort\":true}}",
              hosts[i]);
        s_as (f, PL, "anna", NULL,
              "{\"cmd\":\"vacancy.open\",\"office\":\"nijmegen\",\"id\":\"v-%d\","
              "\"host\":\"%s\",\"function\":\"gardener\",\"hours_min\":12,"
              "\"hours_max\":24}",
              i + 1, hosts[i]);
        s_as (f, PL, "anna", NULL,
              "{\"cmd\":\"placement.propose\",\"office\":\"nijmegen\",\"id\":\"p-%d\","
              "\"candidate\":\"c-%d\",\"vacancy\":\"v-%d\",\"hours_per_week\":16,"
              "\"start\":\"2020-03-01\"}",
              i + 1, i + 3, i + 1);
    }
    s_as (f, PL, "hugo", NULL,
          "{\"cmd\":\"placement.get\",\"office\":\"nijmegen\",\"id\":\"p-1\"}");
    s_as (f, PL, "hugo", "forbidden",
          "{\"cmd\":\"placement.get\",\"office\":\"nijmegen\",\"id\":\"p-2\"}");
    s_as (f, PL, "hugo", "forbidden",
          "{\"cmd\":\"placement.sign\",\"office\":\"nijmegen\",\"id\":\"p-2\","
          "\"agreement\":\"programme_host\",\"date\":\"2020-02-20\"}");
    s_as (f, PL, "hugo", NULL,
          "{\"cmd\":\"placement.sign\",\"office\":\"nijmegen\",\"id\":\"p-1\","
          "\"agreement\":\"programme_host\",\"date\":\"2020-02-20\"}");
    s_as (f, PL, "hugo", "forbidden",
          "{\"cmd\":\"placement.propose\",\"office\":\"nijmegen\",\"id\":\"p-9\","
          "\"candidate\":\"c-3\",\"vacancy\":\"v-1\",\"hours_per_week\":16,"
          "\"start\":\"2020-03-01\"}");
    //  Training learnt where c-3 is placed: Hugo may sign c-3's reflection,
    //  not c-4's (no placement at his host).
    s_as (f, TR, "eva", NULL, GOAL, "g-3", "c-3");
#define REFLECTION                                                                       \
    "{\"cmd\":\"reflection.record\",\"office\":\"nijmegen\",\"goal\":\"%s\","            \
    "\"date\":\"2020-03-10\",\"action_taken\":\"a\",\"went_well\":\"w\","                \
    "\"could_improve\":\"c\",\"supervisor_response\":\"s\",\"improvement\":\"i\","       \
    "\"signed_candidate\":true,\"signed_supervisor\":true}"
    s_as (f, TR, "hugo", NULL, REFLECTION, "g-3");
    s_as (f, TR, "hugo", "forbidden", REFLECTION, "g-1");
}

//  Events of intake's stream a replay as person is given: their offices
//  joined into seen (each once), the reply's error code into code.
static void
s_replay_as (fixture_t *f, const char *as, char *seen, size_t size, char *code,
             size_t csize)
{
    tk_client_t *client =
        tk_client_new (directory_instance (f->directory, "intake")->replay);
    tk_msg_t *r = tk_call (client, "{\"cmd\":\"replay\",\"as\":\"%s\",\"from\":1}", as);
    seen[0] = 0;
    snprintf (code, csize, "%s", tk_ok (r) ? "" : tk_str (r, "error.code"));
    const msgpack_object *list = tk_get (r, "events");
    size_t used = 0;
    for (uint32_t i = 0; list && i < list->via.array.size; i++) {
        char office[64] = "";
        map_str (&list->via.array.ptr[i], "office", office, sizeof office);
        if (!strstr (seen, office))
            used += (size_t) snprintf (seen + used, size - used, "%s%s", used ? "," : "",
                                       office);
    }
    tk_msg_destroy (&r);
    tk_client_destroy (&client);
}

static void
test_replay_as (fixture_t *f)
{
    s_as (f, GW, NULL, NULL,
          "{\"cmd\":\"person.add\",\"person\":\"dana\",\"role\":\"data\","
          "\"offices\":\"arnhem\"}");
    //  Without keys a request with no "as" is the operator's own (and,
    //  with after, waits for intake to have learnt dana).
    s_as (f, IN, NULL, NULL, REGISTER, "arnhem", "c-9");
    char seen[256], code[64];
    s_replay_as (f, "dana", seen, sizeof seen, code, sizeof code);
    if (!CHECK (streq (code, "") && streq (seen, "arnhem")))
        fprintf (stderr, "  as dana: code %s, offices %s\n", code, seen);
    s_replay_as (f, "mia", seen, sizeof seen, code, sizeof code);
    CHECK (streq (code, "") && strstr (seen, "arnhem") && strstr (seen, "nijmegen"));
    s_replay_as (f, "tess", seen, sizeof seen, code, sizeof code);
    CHECK (streq (code, "forbidden") && streq (seen, ""));
    s_replay_as (f, "nobody", seen, sizeof seen, code, sizeof code);
    CHECK (streq (code, "forbidden") && streq (seen, ""));
    //  The trail names who read, and which offices; a name nobody has is
    //  not written.
    tk_msg_t *r =
        tk_expect (f->clients[IN], NULL, "{\"cmd\":\"audit.list\",\"caller\":\"dana\"}");
    CHECK (streq (tk_str (r, "entries.0.cmd"), "replay")
           && streq (tk_str (r, "entries.0.office"), "arnhem"));
    tk_msg_destroy (&r);
    r = tk_expect (f->clients[IN], NULL,
                   "{\"cmd\":\"audit.list\",\"caller\":\"nobody\"}");
    CHECK (tk_get (r, "entries") && tk_get (r, "entries")->via.array.size == 0);
    tk_msg_destroy (&r);
}

static void
test_disabled (fixture_t *f)
{
    s_as (f, GW, NULL, NULL, "{\"cmd\":\"person.disable\",\"person\":\"anna\"}");
    s_as (f, IN, "anna", "forbidden",
          "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-1\"}");
    s_as (f, PL, "anna", "forbidden",
          "{\"cmd\":\"placement.get\",\"office\":\"nijmegen\",\"id\":\"p-1\"}");
    s_as (f, GW, NULL, NULL, "{\"cmd\":\"person.disable\",\"person\":\"dana\"}");
    //  A command with after waits for intake to have learnt it; the replay
    //  endpoint does not wait.
    s_as (f, IN, NULL, NULL,
          "{\"cmd\":\"candidate.get\",\"office\":\"arnhem\",\"id\":\"c-9\"}");
    char seen[256], code[64];
    s_replay_as (f, "dana", seen, sizeof seen, code, sizeof code);
    CHECK (streq (code, "forbidden") && streq (seen, ""));
}

int
main (void)
{
    s_intake = intake_service_new ();
    zsys_init ();
    fixture_t f;
    s_setup (&f);
    test_roles_and_offices (&f);
    test_training_records (&f);
    test_placement_records (&f);
    test_replay_as (&f);
    test_disabled (&f);
    s_teardown (&f);
    int rc = tk_done ("test_persons");
    intake_service_destroy (&s_intake);
    return rc;
}
