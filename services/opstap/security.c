/*  opstap keys, audit, erase-status - the security subcommands
    (docs/SECURITY.md): make a certificate, read the audit trail of a
    service, and follow an erasure until no store holds the id.  */
#include "opstap.h"

#include "codec.h"
#include "policy.h"

#define SECURITY_ATTEMPTS 3

//  --------------------------------------------------------------------------
//  keys

static int
s_save_cert (const char *dir, const char *name, const char *role, const char *offices,
             bool add)
{
    zcert_t *cert = zcert_new ();
    zcert_set_meta (cert, "name", "%s", name);
    char *path = zsys_sprintf ("%s/%s.key", dir, name);
    char *client = zsys_sprintf ("%s/clients/%s.key", dir, name);
    char *policy = zsys_sprintf ("%s/policy", dir);
    int rc = zsys_file_exists (path) ? -1 : 0;
    if (rc)
        fprintf (stderr, "opstap: %s exists; remove it first to make a new key\n", path);
    else if (zsys_dir_create ("%s/clients", dir) || zcert_save (cert, path)
             || zcert_save_public (cert, client)) {
        fprintf (stderr, "opstap: cannot write %s: %s\n", path, strerror (errno));
        rc = -1;
    }
    if (rc == 0) {
        char line[256];
        snprintf (line, sizeof line, "%s %s %s %s", zcert_public_txt (cert), role,
                  offices, name);
        FILE *file = add ? fopen (policy, "a") : NULL;
        if (file) {
            fprintf (file, "%s\n", line);
            fclose (file);
        }
        printf ("%s\n", line);
        fprintf (stderr, "opstap: certificate %s, public part in %s; %s %s\n", path,
                 client, add ? "added to" : "add the line above to", policy);
    }
    zstr_free (&path);
    zstr_free (&client);
    zstr_free (&policy);
    zcert_destroy (&cert);
    return rc ? OPSTAP_EXIT_ERROR : OPSTAP_EXIT_OK;
}

int
opstap_keys (opstap_t *opstap, int argc, char **argv)
{
    (void) opstap;
    const char *dir = getenv ("OPSTAP_KEYS") && *getenv ("OPSTAP_KEYS")
                          ? getenv ("OPSTAP_KEYS")
                          : "var/keys";
    const char *name = NULL, *role = "subscriber", *offices = "*";
    bool add = false;
    for (int i = 0; i < argc; i++) {
        bool has = i + 1 < argc;
        if (streq (argv[i], "--dir") && has)
            dir = argv[++i];
        else if (streq (argv[i], "--role") && has)
            role = argv[++i];
        else if (streq (argv[i], "--offices") && has)
            offices = argv[++i];
        else if (streq (argv[i], "--add"))
            add = true;
        else if (!name && argv[i][0] != '-')
            name = argv[i];
        else
            return opstap_usage_error ("keys: unexpected %s", argv[i]);
    }
    if (!name || !codec_valid_id (name, strlen (name)))
        return opstap_usage_error ("keys needs a NAME (letters, digits, _.:-)");
    if (policy_role_parse (role) < 0)
        return opstap_usage_error ("keys: unknown role %s", role);
    return s_save_cert (dir, name, role, offices, add);
}

//  --------------------------------------------------------------------------
//  Asking every instance

typedef struct {
    const char *key;
    const char *value;
} pair_t;

//  Sends {cmd, office?, pairs...} to an instance and returns the reply.
static reply_t *
s_ask (client_t *client, opstap_t *opstap, const dir_entry_t *entry, const char *cmd,
       const char *office, const pair_t *pairs, size_t npairs)
{
    if (opstap_handshake (opstap, entry))
        return NULL;
    msgpack_sbuffer body;
    msgpack_sbuffer_init (&body);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &body, msgpack_sbuffer_write);
    size_t count = 1 + (office ? 1 : 0);
    for (size_t i = 0; i < npairs; i++)
        count += pairs[i].value ? 1 : 0;
    msgpack_pack_map (&pk, count);
    pk_kv_str (&pk, "cmd", cmd);
    if (office)
        pk_kv_str (&pk, "office", office);
    for (size_t i = 0; i < npairs; i++)
        if (pairs[i].value)
            pk_kv_str (&pk, pairs[i].key, pairs[i].value);
    reply_t *reply = client_request (client, entry, CLIENT_COMMAND, body.data, body.size,
                                     NULL, opstap->timeout_ms, SECURITY_ATTEMPTS);
    msgpack_sbuffer_destroy (&body);
    return reply;
}

static int
s_failed (const dir_entry_t *entry, reply_t *reply)
{
    if (!reply) {
        fprintf (stderr, "opstap: no reply from %s at %s\n", entry->instance,
                 entry->command);
        return OPSTAP_EXIT_ERROR;
    }
    char *text = json_from_msgpack (reply_root (reply));
    fprintf (stderr, "opstap: %s: %s\n", entry->instance, text ? text : "?");
    free (text);
    return OPSTAP_EXIT_ERROR;
}

//  --------------------------------------------------------------------------
//  audit

//  An answer holds the oldest entries that match, up to its bound: say so
//  when it left some out, or a reader takes the first ones for all of them.
static void
s_note_more (const dir_entry_t *entry, const msgpack_object *root, uint32_t shown)
{
    const msgpack_object *more = obj_get (root, "more");
    if (more && more->type == MSGPACK_OBJECT_BOOLEAN && more->via.boolean)
        fprintf (stderr,
                 "opstap: %s holds more matching entries than the %" PRIu32
                 " oldest shown; narrow with --from, --to, --caller or --record\n",
                 entry->instance, shown);
}

int
opstap_audit (opstap_t *opstap, int argc, char **argv)
{
    const char *service = NULL, *office = NULL;
    pair_t pairs[] = {{"caller", NULL}, {"record", NULL}, {"from", NULL}, {"to", NULL}};
    for (int i = 0; i < argc; i++) {
        bool has = i + 1 < argc, known = false;
        if (streq (argv[i], "--service") && has)
            service = argv[++i], known = true;
        else if (streq (argv[i], "--office") && has)
            office = argv[++i], known = true;
        for (size_t p = 0; !known && has && p < 4; p++)
            if (strncmp (argv[i], "--", 2) == 0 && streq (argv[i] + 2, pairs[p].key))
                pairs[p].value = argv[++i], known = true;
        if (!known)
            return opstap_usage_error ("audit: unexpected %s", argv[i]);
    }
    if (!service)
        return opstap_usage_error ("audit needs --service");
    if (opstap_known_service (opstap, service)
        || opstap_known_office (opstap, service, office))
        return OPSTAP_EXIT_USAGE;
    client_t *client = client_new (opstap->directory, opstap->keys);
    int code = OPSTAP_EXIT_OK;
    for (size_t i = 0; i < directory_size (opstap->directory); i++) {
        const dir_entry_t *entry = directory_at (opstap->directory, i);
        if (!streq (entry->service, service))
            continue;
        reply_t *reply = s_ask (client, opstap, entry, "audit.list", office, pairs, 4);
        const msgpack_object *entries =
            reply ? obj_get (reply_root (reply), "entries") : NULL;
        if (!reply || !reply_ok (reply) || !entries
            || entries->type != MSGPACK_OBJECT_ARRAY)
            code = s_failed (entry, reply);
        else {
            for (uint32_t e = 0; e < entries->via.array.size; e++)
                opstap_print (&entries->via.array.ptr[e], stdout);
            s_note_more (entry, reply_root (reply), entries->via.array.size);
        }
        reply_destroy (&reply);
    }
    client_destroy (&client);
    return code;
}

//  --------------------------------------------------------------------------
//  erase-status

//  What the instances answered to erase.check for one id.
typedef struct {
    bool unknown;    //  an instance did not answer
    uint64_t total;  //  records holding the id, in all
    uint64_t others; //  of those, outside intake
} holding_t;

//  One instance's line; how many records it holds, or -1 when it did not
//  answer.
static int64_t
s_erase_row (const dir_entry_t *entry, reply_t *reply, bool print)
{
    uint64_t holds = 0;
    if (!reply || !reply_ok (reply)
        || opstap_uint (obj_get (reply_root (reply), "holds"), &holds)) {
        if (print) {
            s_failed (entry, reply);
            printf ("%-12s %-20s unknown\n", entry->service, entry->instance);
        }
        return -1;
    }
    char *tables = json_from_msgpack (obj_get (reply_root (reply), "tables"));
    if (print)
        printf ("%-12s %-20s %s %s\n", entry->service, entry->instance,
                holds ? "holds" : "clean", holds && tables ? tables : "");
    free (tables);
    return (int64_t) holds;
}

static holding_t
s_holding (client_t *client, opstap_t *opstap, const char *id, const char *office,
           bool print)
{
    holding_t holding = {false, 0, 0};
    pair_t pairs[] = {{"candidate", id}};
    for (size_t i = 0; i < directory_size (opstap->directory); i++) {
        const dir_entry_t *entry = directory_at (opstap->directory, i);
        reply_t *reply = s_ask (client, opstap, entry, "erase.check", office, pairs, 1);
        int64_t holds = s_erase_row (entry, reply, print);
        reply_destroy (&reply);
        holding.unknown |= holds < 0;
        holding.total += holds > 0 ? (uint64_t) holds : 0;
        if (holds > 0 && !streq (entry->service, "intake"))
            holding.others += (uint64_t) holds;
    }
    return holding;
}

static int
s_complete (client_t *client, opstap_t *opstap, const char *id, const char *office)
{
    const dir_entry_t *entry = directory_route (opstap->directory, "intake", office);
    pair_t pairs[] = {{"id", id}};
    reply_t *reply = entry ? s_ask (client, opstap, entry, "candidate.erase_complete",
                                    office, pairs, 1)
                           : NULL;
    int code = reply && reply_ok (reply) ? OPSTAP_EXIT_OK : OPSTAP_EXIT_ERROR;
    if (code == OPSTAP_EXIT_OK)
        printf ("complete: intake %s no longer names %s\n", entry->instance, id);
    else if (entry)
        s_failed (entry, reply);
    reply_destroy (&reply);
    return code;
}

static int
s_parse_wait (const char *text, int64_t *wait_ms)
{
    char *end = NULL;
    double seconds = strtod (text, &end);
    if (!*text || *end || !(seconds >= 0 && seconds <= 3600))
        return -1;
    *wait_ms = (int64_t) (seconds * 1000);
    return 0;
}

int
opstap_erase_status (opstap_t *opstap, int argc, char **argv)
{
    const char *id = NULL, *office = NULL;
    bool complete = false;
    int64_t wait_ms = 0;
    for (int i = 0; i < argc; i++) {
        if (streq (argv[i], "--office") && i + 1 < argc)
            office = argv[++i];
        else if (streq (argv[i], "--complete"))
            complete = true;
        else if (streq (argv[i], "--wait") && i + 1 < argc) {
            if (s_parse_wait (argv[++i], &wait_ms))
                return opstap_usage_error ("erase-status: --wait needs seconds, 0-3600");
        } else if (!id && argv[i][0] != '-')
            id = argv[i];
        else
            return opstap_usage_error ("erase-status: unexpected %s", argv[i]);
    }
    if (!id || !codec_valid_id (id, strlen (id)))
        return opstap_usage_error ("erase-status needs a candidate ID");
    if (opstap_known_office (opstap, "intake", office))
        return OPSTAP_EXIT_USAGE;
    zsys_handler_set (NULL);
    client_t *client = client_new (opstap->directory, opstap->keys);
    //  With --wait, ask quietly until no follower holds the id (intake
    //  keeps it until --complete), then once more to print.
    int64_t give_up = zclock_mono () + wait_ms;
    holding_t holding = s_holding (client, opstap, id, office, wait_ms == 0);
    while (wait_ms > 0 && (holding.unknown || holding.others)
           && zclock_mono () < give_up) {
        zclock_sleep (200);
        holding = s_holding (client, opstap, id, office, false);
    }
    if (wait_ms > 0)
        holding = s_holding (client, opstap, id, office, true);
    int code = holding.unknown || holding.total ? OPSTAP_EXIT_ERROR : OPSTAP_EXIT_OK;
    //  Only when every follower is done may intake forget the id: a
    //  follower that has not applied candidate.erased yet still needs it.
    if (complete && !holding.unknown && holding.others == 0 && holding.total > 0)
        code = s_complete (client, opstap, id, office);
    else if (complete && (holding.unknown || holding.others))
        fprintf (stderr, "opstap: not complete: %s\n",
                 holding.unknown ? "an instance did not answer"
                                 : "followers still hold the id");
    else if (!holding.unknown)
        printf ("%s\n", holding.total ? "erasure pending" : "erased everywhere");
    client_destroy (&client);
    return code;
}
