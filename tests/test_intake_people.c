/*  test_intake_people - what coordinators do with candidates beyond their
    lifecycle: a page of an office's candidates (by status, by stage, found
    by name, e-mail address, phone number or id), corrections and a changed
    consent, the export of everything intake holds about one candidate; and
    what protects them: contact details encrypted in the store (no name in
    the file), the search rebuilt from them at a restart, and the vault's
    wrapping key rotated after an erasure.  */
#include "intake.h"
#include "testkit.h"

#include "evlog.h"
#include "vault.h"

#define REG                                                                              \
    "{\"cmd\":\"candidate.register\",\"office\":\"%s\",\"id\":\"%s\","                   \
    "\"birth_year\":1980,\"referral\":\"uwv\",\"benefit\":\"ww\",\"treatment\":"         \
    "\"done\","                                                                          \
    "\"criteria\":{\"psych_limitation\":true,\"motivated\":true,\"willing_to_train\":"   \
    "true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"                         \
    "\"consent\":{\"processing\":true,\"evaluation_contact\":true},"                     \
    "\"contact\":{\"name\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\"},"                   \
    "\"date\":\"2020-01-06\"}"

typedef struct {
    char *dir;
    directory_t *directory;
    service_def_t *def;
    zactor_t *actor;
    tk_client_t *client;
} fixture_t;

static void
s_start (fixture_t *f)
{
    f->actor = tk_start (f->def, "intake", f->dir, f->directory);
    f->client = tk_client_new (directory_instance (f->directory, "intake")->command);
}

static void
s_stop (fixture_t *f)
{
    tk_client_destroy (&f->client);
    zactor_destroy (&f->actor);
}

//  The ids of a list query's reply, joined by commas, and its next page.
static void
s_ids (tk_msg_t *r, char *out, size_t size, char *next, size_t nsize)
{
    out[0] = 0;
    const msgpack_object *list = tk_get (r, "candidates");
    size_t used = 0;
    for (uint32_t i = 0; list && i < list->via.array.size; i++) {
        char id[64] = "";
        map_str (&list->via.array.ptr[i], "id", id, sizeof id);
        used += (size_t) snprintf (out + used, size - used, "%s%s", i ? "," : "", id);
    }
    snprintf (next, nsize, "%s", tk_str (r, "next"));
}

static void
s_list (fixture_t *f, const char *extra, const char *want, const char *want_next)
{
    tk_msg_t *r = tk_expect (
        f->client, NULL, "{\"cmd\":\"candidate.list\",\"office\":\"nijmegen\"%s}", extra);
    char ids[512], next[64];
    s_ids (r, ids, sizeof ids, next, sizeof next);
    if (!CHECK (streq (ids, want) && streq (next, want_next)))
        fprintf (stderr, "  list%s: %s (next %s), want %s (next %s)\n", extra, ids, next,
                 want, want_next);
    tk_msg_destroy (&r);
}

static void
test_list_and_search (fixture_t *f)
{
    const char *people[][5] = {
        {"nijmegen", "c-1", "Anna de Vries", "anna@example.nl", "06-12345678"},
        {"nijmegen", "c-2", "Bram de Vries", "bram@example.nl", "0612 000 111"},
        {"nijmegen", "c-3", "Carla Jansen", "carla@example.nl", "06 99887766"},
        {"arnhem", "c-4", "Anna Smit", "anna.smit@example.nl", "0622334455"},
    };
    for (int i = 0; i < 4; i++) {
        tk_msg_t *r = tk_expect (f->client, NULL, REG, people[i][0], people[i][1],
                                 people[i][2], people[i][3], people[i][4]);
        tk_msg_destroy (&r);
    }
    tk_msg_t *r =
        tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.assess_stage\",\"office\":\"nijmegen\","
                   "\"id\":\"c-2\",\"stage\":\"growth\",\"date\":\"2020-01-10\"}");
    tk_msg_destroy (&r);
    //  Pages of an office, in id order; names for the coordinator.
    s_list (f, "", "c-1,c-2,c-3", "");
    s_list (f, ",\"limit\":2", "c-1,c-2", "c-2");
    s_list (f, ",\"limit\":2,\"page\":\"c-2\"", "c-3", "");
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.list\",\"office\":\"nijmegen\",\"limit\":1}");
    CHECK (streq (tk_str (r, "candidates.0.name"), "Anna de Vries"));
    CHECK (tk_int (r, "count") == 1);
    tk_msg_destroy (&r);
    s_list (f, ",\"stage\":\"growth\"", "c-2", "");
    s_list (f, ",\"status\":\"admitted\"", "", "");
    //  Found by name (all its words, any case), e-mail address, phone number
    //  (its digits) or id; within the office only.
    s_list (f, ",\"q\":\"de vries\"", "c-1,c-2", "");
    s_list (f, ",\"q\":\"VRIES anna\"", "c-1", "");
    s_list (f, ",\"q\":\"anna\"", "c-1", "");
    s_list (f, ",\"q\":\"carla@example.nl\"", "c-3", "");
    s_list (f, ",\"q\":\"0612000111\"", "c-2", "");
    s_list (f, ",\"q\":\"c-3\"", "c-3", "");
    s_list (f, ",\"q\":\"nobody\"", "", "");
    s_list (f, ",\"q\":\"de vries\",\"limit\":1", "c-1", "c-1");
    r = tk_expect (f->client, "invalid_argument",
                   "{\"cmd\":\"candidate.list\",\"office\":\"nijmegen\",\"limit\":201}");
    tk_msg_destroy (&r);
}

static void
test_corrections (fixture_t *f)
{
    //  Not motivated after all: not eligible, with its reason; then a new
    //  e-mail address, found by the search from then on.
    tk_msg_t *r =
        tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.update\",\"office\":\"nijmegen\",\"id\":\"c-3\","
                   "\"referral\":\"municipality\",\"criteria\":{\"motivated\":false},"
                   "\"contact\":{\"name\":\"Carla Jansen\",\"email\":\"cj@example.nl\"},"
                   "\"date\":\"2020-01-12\"}");
    CHECK (tk_ok (r) && !tk_get (r, "eligible")->via.boolean);
    CHECK (streq (tk_str (r, "reasons.0"), "motivated"));
    int64_t seq = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    s_list (f, ",\"q\":\"cj@example.nl\"", "c-3", "");
    s_list (f, ",\"q\":\"carla@example.nl\"", "", "");
    //  The event: codes, what they were, no contact detail.
    zlistx_t *events = tk_replay_all (directory_instance (f->directory, "intake")->replay,
                                      (uint64_t) seq);
    tk_msg_t *e = (tk_msg_t *) zlistx_first (events);
    CHECK (e && streq (tk_str (e, "type"), "candidate.updated"));
    CHECK (e && streq (tk_str (e, "referral"), "municipality")
           && streq (tk_str (e, "previous.referral"), "uwv")
           && tk_get (e, "previous.eligible")->via.boolean
           && !tk_get (e, "eligible")->via.boolean);
    char *json = e ? tk_json (e) : NULL;
    CHECK (json && !strstr (json, "cj@example") && !strstr (json, "Carla"));
    free (json);
    tk_events_destroy (&events);
    r = tk_expect (f->client, "not_found",
                   "{\"cmd\":\"candidate.update\",\"office\":\"arnhem\",\"id\":\"c-3\","
                   "\"birth_year\":1990,\"date\":\"2020-01-12\"}");
    tk_msg_destroy (&r);
    r = tk_expect (f->client, "invalid_argument",
                   "{\"cmd\":\"candidate.update\",\"office\":\"nijmegen\",\"id\":\"c-3\","
                   "\"birth_year\":1990,\"date\":\"2019-01-12\"}");
    tk_msg_destroy (&r);
    //  Consent withdrawn, then the same again: one event.
    r = tk_expect (
        f->client, NULL,
        "{\"cmd\":\"candidate.consent\",\"office\":\"nijmegen\",\"id\":\"c-1\","
        "\"evaluation_contact\":false,\"date\":\"2020-01-12\"}");
    int64_t first = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    r = tk_expect (
        f->client, NULL,
        "{\"cmd\":\"candidate.consent\",\"office\":\"nijmegen\",\"id\":\"c-1\","
        "\"evaluation_contact\":false,\"date\":\"2020-01-13\"}");
    CHECK (tk_int (r, "position.seq") == first);
    tk_msg_destroy (&r);
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-1\"}");
    CHECK (!tk_get (r, "evaluation_contact")->via.boolean);
    tk_msg_destroy (&r);
}

static void
test_export (fixture_t *f)
{
    tk_msg_t *r = tk_expect (f->client, NULL,
                             "{\"cmd\":\"candidate.export\",\"office\":\"nijmegen\","
                             "\"id\":\"c-2\"}");
    CHECK (streq (tk_str (r, "service"), "intake") && streq (tk_str (r, "id"), "c-2"));
    CHECK (streq (tk_str (r, "contact.name"), "Bram de Vries"));
    CHECK (streq (tk_str (r, "stages.0.stage"), "growth"));
    tk_msg_destroy (&r);
    r = tk_expect (
        f->client, "not_found",
        "{\"cmd\":\"candidate.export\",\"office\":\"nijmegen\",\"id\":\"c-4\"}");
    tk_msg_destroy (&r);
}

//  Whether the store's file holds text anywhere, free pages included.
static bool
s_file_holds (fixture_t *f, const char *file, const char *text)
{
    char *path = zsys_sprintf ("%s/%s", f->dir, file);
    zfile_t *z = zfile_new (NULL, path);
    zchunk_t *chunk =
        z && zfile_input (z) == 0 ? zfile_read (z, zfile_cursize (z), 0) : NULL;
    bool holds = false;
    size_t n = strlen (text), size = chunk ? zchunk_size (chunk) : 0;
    for (size_t i = 0; !holds && i + n <= size; i++)
        holds = memcmp (zchunk_data (chunk) + i, text, n) == 0;
    zchunk_destroy (&chunk);
    zfile_destroy (&z);
    free (path);
    return holds;
}

static void
test_at_rest (fixture_t *f)
{
    //  The contact details are not in the file as written.
    CHECK (!s_file_holds (f, "intake/data.mdb", "Bram de Vries"));
    CHECK (!s_file_holds (f, "intake/data.mdb", "bram@example.nl"));
    //  After a restart the search knows them again.
    s_stop (f);
    s_start (f);
    s_list (f, ",\"q\":\"bram\"", "c-2", "");
    //  Erasure: the data key goes and the wrapping key is rotated; the old
    //  one is overwritten in the vault.
    char *path = zsys_sprintf ("%s/intake.vault", f->dir);
    oerr_t err;
    vault_t *vault = vault_new (path, &err);
    uint32_t before = vault ? vault_current (vault) : 0;
    vault_destroy (&vault);
    tk_msg_t *r = tk_expect (f->client, NULL,
                             "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\","
                             "\"id\":\"c-2\"}");
    tk_msg_destroy (&r);
    s_list (f, ",\"q\":\"bram\"", "", "");
    uint32_t oldest = 0, current = 0;
    for (int tries = 0; tries < 50 && oldest <= before; tries++) {
        zclock_sleep (100);
        vault = vault_new (path, &err);
        oldest = vault ? vault_oldest (vault) : 0;
        current = vault ? vault_current (vault) : 0;
        vault_destroy (&vault);
    }
    CHECK (current == before + 1 && oldest == current);
    free (path);
    //  The others' contact details are still read (sealed again).
    s_list (f, ",\"q\":\"anna\"", "c-1", "");
}

int
main (void)
{
    zsys_init ();
    fixture_t f;
    memset (&f, 0, sizeof f);
    f.dir = tk_tmpdir ();
    char *config = tk_write_config (f.dir, tk_port_base ());
    char err[256];
    f.directory = directory_new (config, err, sizeof err);
    free (config);
    f.def = intake_service_new ();
    s_start (&f);
    test_list_and_search (&f);
    test_corrections (&f);
    test_export (&f);
    test_at_rest (&f);
    s_stop (&f);
    intake_service_destroy (&f.def);
    directory_destroy (&f.directory);
    tk_rmdir (&f.dir);
    return tk_done ("test_intake_people");
}
