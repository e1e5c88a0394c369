/*  test_training_unit - the parts of training that need no running
    service: the certificate rule read from the environment, and the
    applier of the intake stream and the erasure rule on a store of its
    own.  */
#include "erasure.h"
#include "evlog.h"
#include "json.h"
#include "outbox.h"
#include "rids.h"
#include "testkit.h"
#include "records.h"
#include "training.h"

static void
test_rules_env (void)
{
    training_rules_t rules;
    char err[128];
    unsetenv ("OPSTAP_CERT_MIN_MEETINGS");
    unsetenv ("OPSTAP_CERT_REQUIRE_SMART");
    CHECK (training_rules_from_env (&rules, err, sizeof err) == 0);
    CHECK (rules.min_meetings == 8 && rules.require_smart);
    setenv ("OPSTAP_CERT_MIN_MEETINGS", "7", 1);
    setenv ("OPSTAP_CERT_REQUIRE_SMART", "0", 1);
    CHECK (training_rules_from_env (&rules, err, sizeof err) == 0);
    CHECK (rules.min_meetings == 7 && !rules.require_smart);
    const char *bad[][2] = {
        {"11", "1"}, {"x", "1"}, {"8", "2"}, {"8", "yes"}, {"-1", "0"}};
    for (int i = 0; i < 5; i++) {
        setenv ("OPSTAP_CERT_MIN_MEETINGS", bad[i][0], 1);
        setenv ("OPSTAP_CERT_REQUIRE_SMART", bad[i][1], 1);
        CHECK (training_rules_from_env (&rules, err, sizeof err) == -1);
    }
    service_def_t *def = training_service_new (NULL);
    CHECK (def == NULL);
    unsetenv ("OPSTAP_CERT_MIN_MEETINGS");
    unsetenv ("OPSTAP_CERT_REQUIRE_SMART");
    def = training_service_new (NULL);
    CHECK (def && streq (def->service, "training"));
    training_service_destroy (&def);
    CHECK (def == NULL);
}

//  The intake stream's applier on its own: what it ignores, what it refuses.

typedef struct {
    const service_def_t *def;
    erasure_t *erasure; //  as the runtime does: erasures go there first
    const msgpack_object *event;
    int rc;
} apply_t;

static int
s_apply_in_tx (store_tx_t *tx, void *arg)
{
    apply_t *a = (apply_t *) arg;
    a->rc = erasure_apply_event (a->erasure, tx, a->event);
    if (a->rc == 1)
        a->rc = a->def->apply (tx, a->event, a->def->state);
    return a->rc;
}

static int
s_apply_json (store_t *store, erasure_t *erasure, const service_def_t *def,
              const char *json)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    char err[64];
    oerr_t oerr;
    json_to_msgpack (json, strlen (json), &pk, err, sizeof err);
    msg_t *msg = msg_decode (buf.data, buf.size, &oerr);
    apply_t a = {def, erasure, msg ? msg_root (msg) : NULL, -2};
    if (msg)
        store_write (store, s_apply_in_tx, &a, &oerr);
    msg_destroy (&msg);
    msgpack_sbuffer_destroy (&buf);
    return a.rc;
}

static int
s_known (store_tx_t *tx, void *arg)
{
    *(int *) arg = store_get (tx, tr_candidates, "u-1", 3, NULL, NULL);
    return 0;
}

static void
test_apply (const char *dir, const service_def_t *def)
{
    const store_table_t *tables[24] = {EVLOG_TABLES, rids_table, OUTBOX_TABLES};
    size_t count = 0;
    while (tables[count])
        count++;
    for (const store_table_t *const *t = def->tables; *t && count < 23; t++)
        tables[count++] = *t;
    char *path = zsys_sprintf ("%s/unit", dir);
    oerr_t err;
    store_t *store = store_new (path, tables, &err);
    CHECK (store != NULL);
    outbox_t *outbox = outbox_new (store);
    char *trail = zsys_sprintf ("%s/unit.audit", dir);
    audit_t *audit = audit_new (trail, &err);
    CHECK (audit != NULL);
    audit_entry_t entry = {"", "anna", "expert.activity", "x", "u-1", "ok"};
    audit_add (audit, &entry);
    erasure_t *erasure = erasure_new (def, outbox, audit);
    int known = -1;
    CHECK (s_apply_json (store, erasure, def,
                         "{\"type\":\"candidate.registered\",\"service\":\"intake\","
                         "\"office\":\"x\",\"candidate\":\"u-1\"}")
           == 0);
    CHECK (store_read (store, s_known, &known, &err) == 0 && known == 0);
    //  Not about one candidate, not intake's, or not a candidate event:
    //  ignored.
    CHECK (s_apply_json (store, erasure, def,
                         "{\"type\":\"candidate.registered\",\"service\":\"intake\","
                         "\"office\":\"x\"}")
           == 0);
    CHECK (s_apply_json (store, erasure, def,
                         "{\"type\":\"placement.started\",\"service\":\"placement\","
                         "\"office\":\"x\",\"candidate\":\"u-1\"}")
           == 0);
    CHECK (s_apply_json (store, erasure, def, "{\"type\":7,\"candidate\":\"u-1\"}") == 0);
    //  An erasure without its token is refused (the consumer skips it).
    CHECK (s_apply_json (store, erasure, def,
                         "{\"type\":\"candidate.erased\",\"service\":\"intake\","
                         "\"office\":\"x\",\"candidate\":\"u-1\"}")
           == -1);
    CHECK (store_read (store, s_known, &known, &err) == 0 && known == 0);
    CHECK (s_apply_json (store, erasure, def,
                         "{\"type\":\"candidate.erased\",\"service\":\"intake\","
                         "\"office\":\"x\",\"candidate\":\"u-1\",\"token\":\"anon-1\"}")
           == 0);
    CHECK (store_read (store, s_known, &known, &err) == 0 && known == 1);
    //  The trail's rewrite waited in the outbox for the commit.
    size_t in_trail = 0, as_token = 0;
    CHECK (audit_count (audit, "u-1", &in_trail, &err) == 0 && in_trail == 1);
    erasure_drain (erasure);
    in_trail = 0;
    CHECK (audit_count (audit, "u-1", &in_trail, &err) == 0 && in_trail == 0);
    CHECK (audit_count (audit, "anon-1", &as_token, &err) == 0 && as_token == 1);
    CHECK (!outbox_pending (outbox));
    erasure_destroy (&erasure);
    audit_destroy (&audit);
    free (trail);
    outbox_destroy (&outbox);
    store_destroy (&store);
    free (path);
}

int
main (void)
{
    zsys_init ();
    test_rules_env ();
    char *dir = tk_tmpdir ();
    training_rules_t rules = {8, true};
    service_def_t *def = training_service_new (&rules);
    test_apply (dir, def);
    training_service_destroy (&def);
    tk_rmdir (&dir);
    return tk_done ("test_training_unit");
}
