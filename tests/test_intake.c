/*  test_intake - every intake rule and error code, against an in-process
    intake actor: replies, stored state (through queries) and the stream.  */
#include "evlog.h"
#include "records.h"
#include "intake.h"
#include "json.h"
#include "testkit.h"

#define REG                                                                              \
    "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"id\":\"%s\","             \
    "\"birth_year\":%d,\"referral\":\"uwv\",\"benefit\":\"wia\",\"treatment\":\"%s\","   \
    "\"criteria\":{\"psych_limitation\":true,\"motivated\":%s,\"willing_to_train\":"     \
    "true,"                                                                              \
    "\"arranges_benefits\":true,\"seeks_paid_work\":true},"                              \
    "\"consent\":{\"processing\":true,\"evaluation_contact\":true},"                     \
    "\"contact\":{\"name\":\"Jan Jansen\",\"email\":\"jan@example.nl\","                 \
    "\"phone\":\"0612345678\"},\"date\":\"2017-07-03\"}"

typedef struct {
    char *dir;
    directory_t *directory;
    zactor_t *actor;
    tk_client_t *client;
    const dir_entry_t *entry;
} fixture_t;

static void
s_start (fixture_t *f)
{
    f->actor = tk_start (intake_service (), "intake", f->dir, f->directory);
}

static void
s_ok (fixture_t *f, const char *fmt, const char *id)
{
    char *cmd = zsys_sprintf (fmt, id);
    tk_msg_t *reply = tk_expect (f->client, NULL, "%s", cmd);
    tk_msg_destroy (&reply);
    free (cmd);
}

static void
s_err (fixture_t *f, const char *code, const char *field, const char *cmd)
{
    tk_msg_t *reply = tk_expect (f->client, code, "%s", cmd);
    if (field && !CHECK (streq (tk_str (reply, "error.field"), field)))
        fprintf (stderr, "  field was '%s', expected '%s' for %s\n",
                 tk_str (reply, "error.field"), field, cmd);
    tk_msg_destroy (&reply);
}

//  text with the first `from` replaced by `to` (free it).
static char *
s_replace (const char *text, const char *from, const char *to)
{
    const char *at = strstr (text, from);
    if (!CHECK (at != NULL))
        return strdup (text);
    return zsys_sprintf ("%.*s%s%s", (int) (at - text), text, to, at + strlen (from));
}

static void
test_register (fixture_t *f)
{
    tk_msg_t *r = tk_expect (f->client, NULL, REG, "c-1", 1988, "nearly_done", "true");
    CHECK (streq (tk_str (r, "status"), "registered"));
    CHECK (tk_get (r, "eligible")->via.boolean);
    CHECK (tk_int (r, "position.seq") == 1);
    tk_msg_destroy (&r);
    //  The same again is a no-op with the same answer; other content conflicts.
    r = tk_expect (f->client, NULL, REG, "c-1", 1988, "nearly_done", "true");
    CHECK (tk_int (r, "position.seq") == 1);
    tk_msg_destroy (&r);
    r = tk_expect (f->client, "conflict", REG, "c-1", 1989, "nearly_done", "true");
    tk_msg_destroy (&r);
    //  The same fields in another order (and another rid) are the same
    //  registration; another phone number or office is not.
    r = tk_expect (
        f->client, NULL,
        "{\"date\":\"2017-07-03\",\"rid\":\"again-1\",\"contact\":{\"phone\":"
        "\"0612345678\",\"email\":\"jan@example.nl\",\"name\":\"Jan Jansen\"},"
        "\"consent\":{\"evaluation_contact\":true,\"processing\":true},"
        "\"criteria\":{\"seeks_paid_work\":true,\"arranges_benefits\":true,"
        "\"willing_to_train\":true,\"motivated\":true,\"psych_limitation\":true},"
        "\"treatment\":\"nearly_done\",\"benefit\":\"wia\",\"referral\":\"uwv\","
        "\"birth_year\":1988,\"id\":\"c-1\",\"office\":\"nijmegen\","
        "\"cmd\":\"candidate.register\"}");
    CHECK (tk_int (r, "position.seq") == 1 && streq (tk_str (r, "id"), "c-1"));
    tk_msg_destroy (&r);
    char *reg = zsys_sprintf (REG, "c-1", 1988, "nearly_done", "true");
    char *other = s_replace (reg, "0612345678", "0612345679");
    r = tk_expect (f->client, "conflict", "%s", other);
    tk_msg_destroy (&r);
    free (other);
    other = s_replace (reg, "\"nijmegen\"", "\"arnhem\"");
    r = tk_expect (f->client, "conflict", "%s", other);
    tk_msg_destroy (&r);
    free (other);
    free (reg);
    //  Not eligible: every failing reason listed (criteria and age).
    r = tk_expect (f->client, NULL, REG, "c-2", 1950, "done", "false");
    CHECK (!tk_get (r, "eligible")->via.boolean);
    CHECK (streq (tk_str (r, "reasons.0"), "motivated"));
    CHECK (streq (tk_str (r, "reasons.1"), "age"));
    tk_msg_destroy (&r);
    //  Age edges by birth year: 18 and 60 in, 17 and 61 out.
    const int years[] = {1999, 1957, 2000, 1956};
    const bool eligible[] = {true, true, false, false};
    for (int i = 0; i < 4; i++) {
        char id[16];
        snprintf (id, sizeof id, "age-%d", years[i]);
        r = tk_expect (f->client, NULL, REG, id, years[i], "done", "true");
        CHECK (tk_get (r, "eligible")
               && tk_get (r, "eligible")->via.boolean == eligible[i]);
        tk_msg_destroy (&r);
    }
    //  In treatment: registered, flagged as a contra-indication.
    r = tk_expect (f->client, NULL, REG, "c-3", 1980, "in_treatment", "true");
    CHECK (streq (tk_str (r, "contra_indication"), "in_treatment"));
    tk_msg_destroy (&r);
}

static void
test_register_refusals (fixture_t *f)
{
    s_err (f, "invalid_argument", "id",
           "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"id\":\"111222333\","
           "\"birth_year\":1980,\"referral\":\"uwv\",\"benefit\":\"wia\",\"treatment\":"
           "\"done\","
           "\"criteria\":{\"psych_limitation\":true,\"motivated\":true,\"willing_to_"
           "train\":true,"
           "\"arranges_benefits\":true,\"seeks_paid_work\":true},"
           "\"consent\":{\"processing\":true,\"evaluation_contact\":true},\"date\":"
           "\"2017-07-03\"}");
    s_err (f, "failed_precondition", "consent.processing",
           "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"id\":\"c-9\","
           "\"birth_year\":1980,\"referral\":\"uwv\",\"benefit\":\"wia\",\"treatment\":"
           "\"done\","
           "\"criteria\":{\"psych_limitation\":true,\"motivated\":true,\"willing_to_"
           "train\":true,"
           "\"arranges_benefits\":true,\"seeks_paid_work\":true},"
           "\"consent\":{\"processing\":false,\"evaluation_contact\":true},\"date\":"
           "\"2017-07-03\"}");
    s_err (f, "invalid_argument", "referral",
           "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"birth_year\":1980,"
           "\"referral\":\"police\",\"benefit\":\"wia\",\"treatment\":\"done\","
           "\"criteria\":{},\"consent\":{},\"date\":\"2017-07-03\"}");
    s_err (f, "invalid_argument", "criteria.psych_limitation",
           "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"birth_year\":1980,"
           "\"referral\":\"uwv\",\"benefit\":\"wia\",\"treatment\":\"done\","
           "\"criteria\":{},\"consent\":{},\"date\":\"2017-07-03\"}");
    s_err (f, "invalid_argument", "date",
           "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"c-1\","
           "\"date\":\"2017-02-30\"}");
    s_err (f, "invalid_argument", "birth_year",
           "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",\"birth_year\":"
           "\"1980\"}");
    s_err (f, "invalid_argument", "diagnosis",
           "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-1\","
           "\"diagnosis\":\"x\"}");
    s_err (f, "invalid_argument", "office", "{\"cmd\":\"candidate.get\",\"id\":\"c-1\"}");
    s_err (f, "invalid_argument", "cmd",
           "{\"cmd\":\"candidate.fly\",\"office\":\"nijmegen\"}");
    s_err (f, "not_found", "id",
           "{\"cmd\":\"candidate.get\",\"office\":\"arnhem\",\"id\":\"c-1\"}");
}

static void
test_lifecycle (fixture_t *f)
{
    const char *info = "{\"cmd\":\"candidate.info_session\",\"office\":\"nijmegen\","
                       "\"id\":\"%s\",\"date\":\"2017-07-10\"}";
    const char *admit =
        "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"%s\","
        "\"date\":\"2017-07-20\"}";
    s_err (f, "failed_precondition", "id",
           "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"c-1\","
           "\"date\":\"2017-07-20\"}");
    s_ok (f, info, "c-1");
    s_err (f, "conflict", "id",
           "{\"cmd\":\"candidate.info_session\",\"office\":\"nijmegen\",\"id\":\"c-1\","
           "\"date\":\"2017-07-11\"}");
    s_err (f, "invalid_argument", "date",
           "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"c-1\","
           "\"date\":\"2017-07-01\"}");
    s_ok (f, admit, "c-1");
    s_err (f, "failed_precondition", "id",
           "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"c-1\","
           "\"date\":\"2017-07-21\"}");
    //  Not eligible: info session yes, admission no.
    s_ok (f, info, "c-2");
    s_err (f, "failed_precondition", "id",
           "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"c-2\","
           "\"date\":\"2017-07-20\"}");
    //  In treatment: admission refused until deferred and the date reached.
    s_ok (f, info, "c-3");
    s_err (f, "failed_precondition", "treatment",
           "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"c-3\","
           "\"date\":\"2017-07-20\"}");
    s_err (
        f, "invalid_argument", "until",
        "{\"cmd\":\"candidate.defer\",\"office\":\"nijmegen\",\"id\":\"c-3\","
        "\"reason\":\"in_treatment\",\"until\":\"2017-07-01\",\"date\":\"2017-07-20\"}");
    s_ok (f,
          "{\"cmd\":\"candidate.defer\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"reason\":\"in_treatment\",\"until\":\"2018-01-01\",\"date\":\"2017-07-20\"}",
          "c-3");
    s_err (f, "failed_precondition", "date",
           "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"c-3\","
           "\"date\":\"2017-12-31\"}");
    s_ok (f,
          "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"date\":\"2018-01-01\"}",
          "c-3");
    //  Decline and withdraw close a trajectory; nothing moves after them.
    s_ok (f,
          "{\"cmd\":\"candidate.decline\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"reason\":\"not_motivated\",\"date\":\"2017-07-21\"}",
          "c-2");
    s_err (f, "failed_precondition", "id",
           "{\"cmd\":\"candidate.withdraw\",\"office\":\"nijmegen\",\"id\":\"c-2\","
           "\"reason\":\"moved\",\"date\":\"2017-07-22\"}");
    s_ok (f,
          "{\"cmd\":\"candidate.withdraw\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"reason\":\"found_work\",\"date\":\"2017-08-01\"}",
          "c-1");
    s_err (f, "failed_precondition", "id",
           "{\"cmd\":\"candidate.decline\",\"office\":\"nijmegen\",\"id\":\"c-1\","
           "\"reason\":\"x\",\"date\":\"2017-08-02\"}");
}

static void
test_stages (fixture_t *f)
{
    tk_msg_t *r =
        tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.assess_stage\",\"office\":\"nijmegen\","
                   "\"id\":\"c-3\",\"stage\":\"reorientation\","
                   "\"stagnation\":\"lost_in_reorientation\",\"date\":\"2017-08-01\"}");
    CHECK (streq (tk_str (r, "mechanism"), "create variety and perspective"));
    tk_msg_destroy (&r);
    s_ok (f,
          "{\"cmd\":\"candidate.assess_stage\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"stage\":\"growth\",\"date\":\"2017-09-01\"}",
          "c-3");
    s_err (f, "invalid_argument", "stagnation",
           "{\"cmd\":\"candidate.assess_stage\",\"office\":\"nijmegen\",\"id\":\"c-3\","
           "\"stage\":\"growth\",\"stagnation\":\"stuck_in_equilibrium\",\"date\":\"2017-"
           "09-02\"}");
    s_err (f, "invalid_argument", "stage",
           "{\"cmd\":\"candidate.assess_stage\",\"office\":\"nijmegen\",\"id\":\"c-3\","
           "\"stage\":\"panic\",\"date\":\"2017-09-02\"}");
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-3\"}");
    CHECK (streq (tk_str (r, "stages.0.stage"), "reorientation"));
    CHECK (streq (tk_str (r, "stages.0.mechanism"), "create variety and perspective"));
    CHECK (streq (tk_str (r, "stages.1.stage"), "growth"));
    CHECK (tk_get (r, "stages.1.stagnation") == NULL);
    CHECK (streq (tk_str (r, "contact.email"), "jan@example.nl"));
    CHECK (streq (tk_str (r, "status"), "admitted"));
    tk_msg_destroy (&r);
    r = tk_expect (
        f->client, NULL,
        "{\"cmd\":\"candidate.list\",\"office\":\"nijmegen\",\"status\":\"admitted\"}");
    CHECK (tk_int (r, "count") == 1);
    CHECK (streq (tk_str (r, "candidates.0.id"), "c-3"));
    tk_msg_destroy (&r);
}

static bool
s_contains (const char *haystack, const char *needle)
{
    return haystack && strstr (haystack, needle) != NULL;
}

//  Without an id, intake makes one; a closed trajectory takes no info
//  session; the stage history holds CANDIDATE_STAGES_MAX entries and no more;
//  erase_complete needs an erased candidate.
static void
test_edges (fixture_t *f)
{
    char *reg = zsys_sprintf (REG, "x", 1985, "done", "true");
    char *anonymous = s_replace (reg, "\"id\":\"x\",", "");
    tk_msg_t *r = tk_expect (f->client, NULL, "%s", anonymous);
    char id[64] = "";
    snprintf (id, sizeof id, "%s", tk_str (r, "id") ? tk_str (r, "id") : "");
    CHECK (id[0] == 'c' && strlen (id) > 1 && !streq (id, "c-1"));
    tk_msg_destroy (&r);
    r = tk_expect (f->client, NULL,
                   "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\","
                   "\"id\":\"%s\"}",
                   id);
    CHECK (streq (tk_str (r, "status"), "registered"));
    tk_msg_destroy (&r);
    //  A second one without an id is another candidate.
    r = tk_expect (f->client, NULL, "%s", anonymous);
    CHECK (tk_str (r, "id") && !streq (tk_str (r, "id"), id));
    tk_msg_destroy (&r);
    free (anonymous);
    free (reg);
    s_ok (f,
          "{\"cmd\":\"candidate.withdraw\",\"office\":\"nijmegen\",\"id\":\"%s\","
          "\"reason\":\"moved\",\"date\":\"2017-08-01\"}",
          id);
    char *info = zsys_sprintf ("{\"cmd\":\"candidate.info_session\",\"office\":"
                               "\"nijmegen\",\"id\":\"%s\",\"date\":\"2017-08-02\"}",
                               id);
    s_err (f, "failed_precondition", "id", info);
    free (info);
    const char *stage =
        "{\"cmd\":\"candidate.assess_stage\",\"office\":\"nijmegen\","
        "\"id\":\"age-1999\",\"stage\":\"growth\",\"date\":\"2017-09-01\"}";
    int accepted = 0;
    for (int i = 0; i < CANDIDATE_STAGES_MAX; i++) {
        r = tk_call (f->client, "%s", stage);
        accepted += tk_ok (r);
        tk_msg_destroy (&r);
    }
    CHECK (accepted == CANDIDATE_STAGES_MAX);
    s_err (f, "failed_precondition", "id", stage);
    s_err (f, "failed_precondition", "id",
           "{\"cmd\":\"candidate.erase_complete\",\"id\":\"age-1957\"}");
}

//  An instance answers only for the offices the directory gives it.
static void
test_other_office (fixture_t *f)
{
    int base = tk_port_base ();
    char *path = zsys_sprintf ("%s/arnhem.conf", f->dir);
    FILE *file = fopen (path, "w");
    if (CHECK (file != NULL)) {
        fprintf (file,
                 "intake arnhem arnhem,ede tcp://127.0.0.1:%d tcp://127.0.0.1:%d "
                 "tcp://127.0.0.1:%d\n",
                 base, base + 1, base + 2);
        fclose (file);
    }
    char err[256] = "";
    directory_t *directory = directory_new (path, err, sizeof err);
    zstr_free (&path);
    if (!CHECK (directory != NULL))
        return;
    zactor_t *actor = tk_start (intake_service (), "arnhem", f->dir, directory);
    tk_client_t *client =
        tk_client_new (directory_instance (directory, "arnhem")->command);
    tk_msg_t *r =
        tk_expect (client, "failed_precondition", REG, "o-1", 1985, "done", "true");
    CHECK (streq (tk_str (r, "error.field"), "office"));
    CHECK (s_contains (tk_str (r, "error.message"), "does not serve office nijmegen"));
    tk_msg_destroy (&r);
    char *reg = zsys_sprintf (REG, "o-1", 1985, "done", "true");
    char *ede = s_replace (reg, "\"nijmegen\"", "\"ede\"");
    r = tk_expect (client, NULL, "%s", ede);
    CHECK (streq (tk_str (r, "status"), "registered"));
    tk_msg_destroy (&r);
    free (ede);
    free (reg);
    tk_client_destroy (&client);
    zactor_destroy (&actor);
    directory_destroy (&directory);
}

//  No event carries contact details; erasure leaves only a token.
static void
test_stream_and_erasure (fixture_t *f)
{
    s_ok (f, "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"%s\"}",
          "c-3");
    s_err (f, "not_found", "id",
           "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-3\"}");
    s_err (f, "not_found", "id",
           "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"c-3\","
           "\"date\":\"2018-02-01\"}");
    zlistx_t *events = tk_replay_all (f->entry->replay, 1);
    uint64_t expected = 1;
    const char *token = NULL;
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events)) {
        CHECK (tk_int (e, "seq") == (int64_t) expected++);
        char *json = tk_json (e);
        CHECK (!s_contains (json, "Jansen") && !s_contains (json, "example.nl")
               && !s_contains (json, "0612345678"));
        if (streq (tk_str (e, "type"), "candidate.erased"))
            token = strdup (tk_str (e, "token"));
        //  Before erasure c-3 had events; now only the erasure names it.
        if (!streq (tk_str (e, "type"), "candidate.erased"))
            CHECK (!streq (tk_str (e, "candidate"), "c-3"));
        free (json);
    }
    CHECK (zlistx_size (events) == 18);
    CHECK (token && strncmp (token, "anon-", 5) == 0 && strlen (token) == 25
           && strspn (token + 5, "abcdefghijklmnop") == 20);
    int with_token = 0;
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e && token;
         e = (tk_msg_t *) zlistx_next (events))
        if (streq (tk_str (e, "candidate"), token)) {
            with_token++;
            CHECK (tk_get (e, "birth_year") == NULL);
        }
    CHECK (with_token == 6); //  registered, info, defer, admit, two stages
    free ((char *) token);
    tk_events_destroy (&events);
}

//  A digest the first version stored (SHA-1, worked out apart from this code
//  for REG with c-9, 1988, nearly_done, true), put in place of the current
//  one.
#define LEGACY_DIGEST "5D4C5B2179D8E471A712233DBD5DAB8B69007216"

//  The stored record of id into c; 0 or -1.
static int
s_stored (store_tx_t *tx, const char *id, candidate_t *c)
{
    const void *data;
    size_t size;
    return store_get (tx, intake_candidates, id, strlen (id), &data, &size) == 0
                   && candidate_unpack (c, data, size) == 0
               ? 0
               : -1;
}

static int
s_put_legacy_digest (store_tx_t *tx, void *arg)
{
    (void) arg;
    candidate_t c;
    if (s_stored (tx, "c-9", &c))
        return -1;
    snprintf (c.digest, sizeof c.digest, "%s", LEGACY_DIGEST);
    return candidate_store (&c, tx);
}

//  c-10 as a store from before digests kept it: no digest in the record,
//  the registration's whole body in "registrations".
static int
s_put_pre_digest (store_tx_t *tx, void *arg)
{
    (void) arg;
    candidate_t c;
    if (s_stored (tx, "c-10", &c))
        return -1;
    c.digest[0] = 0;
    char *json = zsys_sprintf (REG, "c-10", 1988, "nearly_done", "true");
    char err[128];
    zframe_t *body = json_to_frame (json, err, sizeof err);
    free (json);
    int rc = !body || candidate_store (&c, tx)
             || store_put (tx, intake_registrations, "c-10", 4, zframe_data (body),
                           zframe_size (body));
    zframe_destroy (&body);
    return rc ? -1 : 0;
}

typedef struct {
    size_t of_c9, in_subjects;
} index_t;

//  The subject index sits in candidates, beside the record (finding 12):
//  under the prefix "c-9\0" are only c-9's index entries, never a record.
static int
s_count_index (store_tx_t *tx, void *arg)
{
    index_t *index = (index_t *) arg;
    return store_count (tx, intake_candidates, "c-9", 4, &index->of_c9)
           || store_count (tx, evlog_subjects, NULL, 0, &index->in_subjects);
}

//  A store written by the version before: its registrations are still told
//  from other ones under the same id.
static void
test_legacy_digest (fixture_t *f)
{
    tk_msg_t *r = tk_expect (f->client, NULL, REG, "c-10", 1988, "nearly_done", "true");
    tk_msg_destroy (&r);
    r = tk_expect (f->client, NULL, REG, "c-9", 1988, "nearly_done", "true");
    int64_t seq = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    zactor_destroy (&f->actor);
    char *path = zsys_sprintf ("%s/intake", f->dir);
    const store_table_t *const tables[] = {intake_candidates, evlog_subjects,
                                           intake_registrations, NULL};
    oerr_t err;
    store_t *store = store_new (path, tables, &err);
    index_t index = {0, 0};
    CHECK (store && store_read (store, s_count_index, &index, &err) == 0);
    CHECK (index.of_c9 == 1 && index.in_subjects == 0);
    CHECK (store && store_write (store, s_put_legacy_digest, NULL, &err) == 0);
    CHECK (store && store_write (store, s_put_pre_digest, NULL, &err) == 0);
    store_destroy (&store);
    free (path);
    s_start (f);
    r = tk_expect (f->client, NULL, REG, "c-9", 1988, "nearly_done", "true");
    CHECK (tk_int (r, "position.seq") == seq);
    tk_msg_destroy (&r);
    r = tk_expect (f->client, "conflict", REG, "c-9", 1989, "nearly_done", "true");
    tk_msg_destroy (&r);
    //  Before digests: told apart by the body kept in "registrations".
    r = tk_expect (f->client, NULL, REG, "c-10", 1988, "nearly_done", "true");
    CHECK (streq (tk_str (r, "id"), "c-10")
           && streq (tk_str (r, "status"), "registered"));
    tk_msg_destroy (&r);
    r = tk_expect (f->client, "conflict", REG, "c-10", 1989, "nearly_done", "true");
    tk_msg_destroy (&r);
}

int
main (void)
{
    zsys_init ();
    fixture_t f = {tk_tmpdir (), NULL, NULL, NULL, NULL};
    f.directory = directory_new_defaults (tk_port_base ());
    f.entry = directory_instance (f.directory, "intake");
    s_start (&f);
    f.client = tk_client_new (f.entry->command);
    test_register (&f);
    test_register_refusals (&f);
    test_lifecycle (&f);
    test_stages (&f);
    test_stream_and_erasure (&f);
    test_legacy_digest (&f);
    test_edges (&f);
    test_other_office (&f);
    tk_client_destroy (&f.client);
    zactor_destroy (&f.actor);
    directory_destroy (&f.directory);
    tk_rmdir (&f.dir);
    return tk_done ("test_intake");
}
