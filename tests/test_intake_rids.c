/*  test_intake_rids - where intake keeps the replies it remembers by rid
    (finding 14): beside the candidate's record in candidates, under the
    candidate's id, a byte 0x01 and the rid; in rids when a command names no
    candidate, and in rids as stores written before kept them. Checked by
    replies, by the stream's length and by the store itself.  */
#include "intake.h"
#include "testkit.h"
#include "rids.h"

static STORE_TABLE (t_candidates, "candidates");

#define REG                                                                              \
    "{\"cmd\":\"candidate.register\",\"office\":\"nijmegen\",%s\"rid\":\"%s\","          \
    "\"birth_year\":1988,\"referral\":\"uwv\",\"benefit\":\"wia\",\"treatment\":"        \
    "\"done\",\"criteria\":{\"psych_limitation\":true,\"motivated\":true,"               \
    "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"    \
    "\"consent\":{\"processing\":true,\"evaluation_contact\":true},"                     \
    "\"contact\":{\"name\":\"Jan Jansen\"},\"date\":\"2017-07-03\"}"

#define INFO                                                                             \
    "{\"cmd\":\"candidate.info_session\",\"office\":\"nijmegen\",\"id\":\"%s\","         \
    "\"rid\":\"%s\",\"date\":\"2017-08-01\"}"

//  A reply intake never wrote, so that finding it proves where it came from.
#define OLD_REPLY "\x82\xa2ok\xc3\xa6marker\xa3old"
#define OLD_VALUE "candidate.withdraw\0" OLD_REPLY

typedef struct {
    size_t beside_r1; //  keys under "r1\x01" in candidates
    size_t in_rids;
    bool beside_info; //  "r1\x01info-1" itself
} counts_t;

static int
s_count (store_tx_t *tx, void *arg)
{
    counts_t *c = (counts_t *) arg;
    const void *val;
    size_t vlen;
    c->beside_info =
        store_get (tx, t_candidates, "r1\x01info-1", 9, &val, &vlen) == 0 && vlen > 0;
    return store_count (tx, t_candidates, "r1\x01", 3, &c->beside_r1)
           || store_count (tx, rids_table, NULL, 0, &c->in_rids);
}

static int
s_put_old (store_tx_t *tx, void *arg)
{
    (void) arg;
    return store_put (tx, rids_table, "old-1", 5, OLD_VALUE, sizeof OLD_VALUE - 1);
}

static counts_t
s_store (const char *dir, store_fn *also)
{
    counts_t c = {0, 0, false};
    char *path = zsys_sprintf ("%s/intake", dir);
    const store_table_t *const tables[] = {t_candidates, rids_table, NULL};
    oerr_t err;
    store_t *store = store_new (path, tables, &err);
    CHECK (store && (!also || store_write (store, also, NULL, &err) == 0)
           && store_read (store, s_count, &c, &err) == 0);
    store_destroy (&store);
    free (path);
    return c;
}

static int64_t
s_events (const dir_entry_t *entry)
{
    zlistx_t *events = tk_replay_all (entry->replay, 1);
    int64_t n = (int64_t) zlistx_size (events);
    tk_events_destroy (&events);
    return n;
}

//  Retries answered once, conflicts, the list; returns the generated id.
static char *
s_commands (tk_client_t *client, const dir_entry_t *entry)
{
    tk_msg_t *r = tk_expect (client, NULL, REG, "\"id\":\"r1\",", "reg-1");
    tk_msg_destroy (&r);
    r = tk_expect (client, NULL, INFO, "r1", "info-1");
    int64_t seq = tk_int (r, "position.seq");
    tk_msg_destroy (&r);
    r = tk_expect (client, NULL, INFO, "r1", "info-1");
    CHECK (tk_int (r, "position.seq") == seq);
    tk_msg_destroy (&r);
    //  The same rid for another command about the same candidate.
    r = tk_expect (client, "conflict",
                   "{\"cmd\":\"candidate.admit\",\"office\":\"nijmegen\",\"id\":\"r1\","
                   "\"rid\":\"info-1\",\"date\":\"2017-09-01\"}");
    tk_msg_destroy (&r);
    //  No id given: the reply, with the id made, is kept in rids.
    r = tk_expect (client, NULL, REG, "", "reg-gen");
    char *made = strdup (tk_str (r, "id"));
    tk_msg_destroy (&r);
    r = tk_expect (client, NULL, REG, "", "reg-gen");
    CHECK (*made && streq (tk_str (r, "id"), made));
    tk_msg_destroy (&r);
    CHECK (s_events (entry) == 3);
    //  The replies beside r1 are not candidates.
    r = tk_expect (client, NULL,
                   "{\"cmd\":\"candidate.list\",\"office\":\"nijmegen\",\"rid\":\"l\"}");
    CHECK (tk_int (r, "count") == 2);
    tk_msg_destroy (&r);
    return made;
}

int
main (void)
{
    zsys_init ();
    char *dir = tk_tmpdir ();
    directory_t *directory = directory_new_defaults (tk_port_base ());
    const dir_entry_t *entry = directory_instance (directory, "intake");
    zactor_t *actor = tk_start (intake_service (), "intake", dir, directory);
    tk_client_t *client = tk_client_new (entry->command);
    char *made = s_commands (client, entry);
    zactor_destroy (&actor);

    //  Both of r1's replies beside it; in rids the one naming no id, and a
    //  reply as a store written before kept it (put there now).
    counts_t c = s_store (dir, s_put_old);
    CHECK (c.beside_r1 == 2 && c.beside_info && c.in_rids == 2);
    actor = tk_start (intake_service (), "intake", dir, directory);
    tk_msg_t *r = tk_expect (
        client, NULL,
        "{\"cmd\":\"candidate.withdraw\",\"office\":\"nijmegen\","
        "\"id\":\"r1\",\"rid\":\"old-1\",\"reason\":\"moved\",\"date\":\"2017-10-01\"}");
    CHECK (streq (tk_str (r, "marker"), "old"));
    tk_msg_destroy (&r);
    CHECK (s_events (entry) == 3);

    //  Erasure takes the replies beside r1 with it (and leaves the others).
    r = tk_expect (client, NULL,
                   "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"r1\"}");
    tk_msg_destroy (&r);
    zactor_destroy (&actor);
    c = s_store (dir, NULL);
    CHECK (c.beside_r1 == 0 && !c.beside_info && c.in_rids == 2);

    free (made);
    tk_client_destroy (&client);
    directory_destroy (&directory);
    tk_rmdir (&dir);
    return tk_done ("test_intake_rids");
}
