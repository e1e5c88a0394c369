/*  follower - a test service that follows the intake stream.  */
#include "follower.h"

static STORE_TABLE (s_seen, "seen");
static STORE_TABLE (s_tally, "tally");
static const store_table_t *const s_tables[] = {s_seen, s_tally, NULL};
static const char *const s_follows[] = {"intake", NULL};

typedef struct {
    uint64_t count;
    uint64_t dups;
    uint64_t gaps;
    uint64_t last;
} tally_t;

static int
s_load_tally (store_tx_t *tx, tally_t *t)
{
    const void *val;
    size_t vlen;
    memset (t, 0, sizeof *t);
    int rc = store_get (tx, s_tally, "t", 1, &val, &vlen);
    if (rc == 0 && vlen == sizeof *t)
        memcpy (t, val, sizeof *t);
    return rc < 0 ? -1 : 0;
}

//  Records the event by seq; a seq seen before or skipped is counted.
static int
s_apply (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    tally_t t;
    if (s_load_tally (tx, &t))
        return -1;
    uint64_t seq = (uint64_t) map_int (event, "seq", 0);
    uint8_t key[8];
    store_u64_key (seq, key);
    int seen = store_get (tx, s_seen, key, 8, NULL, NULL);
    if (seen < 0)
        return -1;
    t.dups += seen == 0 ? 1 : 0;
    t.gaps += seq != t.last + 1 ? 1 : 0;
    t.last = seq;
    t.count++;
    if (store_put (tx, s_seen, key, 8, "", 0))
        return -1;
    return store_put (tx, s_tally, "t", 1, &t, sizeof t);
}

static int
s_stats (cmd_ctx_t *ctx)
{
    tally_t t;
    if (s_load_tally (cmd_tx (ctx), &t))
        return cmd_store_fail (ctx);
    kv_t *reply = cmd_reply (ctx);
    kv_uint (reply, "count", t.count);
    kv_uint (reply, "dups", t.dups);
    kv_uint (reply, "gaps", t.gaps);
    kv_uint (reply, "last", t.last);
    return 0;
}

//  Emits an event and stores the note; with "fail" it then refuses, after
//  both changes, so the runtime must undo them for this command alone.
static int
s_note (cmd_ctx_t *ctx)
{
    char id[CODEC_ID_MAX + 1] = "";
    map_str (cmd_body (ctx), "id", id, sizeof id);
    kv_t fields;
    kv_init (&fields);
    int rc = cmd_emit (ctx, "note.added", "2020-01-01", id, &fields);
    kv_destroy (&fields);
    if (rc || store_put (cmd_tx (ctx), s_seen, id, strlen (id), "note", 4))
        return cmd_store_fail (ctx);
    if (map_bool (cmd_body (ctx), "fail", false))
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "fail", "asked to fail");
    kv_str (cmd_reply (ctx), "id", id);
    return 0;
}

//  Whether a note is stored: proof that a refused note left nothing.
static int
s_has_note (cmd_ctx_t *ctx)
{
    char id[CODEC_ID_MAX + 1] = "";
    map_str (cmd_body (ctx), "id", id, sizeof id);
    int rc = store_get (cmd_tx (ctx), s_seen, id, strlen (id), NULL, NULL);
    if (rc < 0)
        return cmd_store_fail (ctx);
    kv_bool (cmd_reply (ctx), "stored", rc == 0);
    return 0;
}

static const field_t s_no_fields[] = {{NULL, 0, false, 0, 0, 0, NULL, NULL}};
static const field_t s_note_fields[] = {{"id", F_ID, true, 0, 0, 0, NULL, NULL},
                                        {"fail", F_BOOL, false, 0, 0, 0, NULL, NULL},
                                        {NULL, 0, false, 0, 0, 0, NULL, NULL}};

static const command_t s_commands[] = {
    {"follower.stats", s_no_fields, s_stats, CMD_QUERY | CMD_ANY_OFFICE, R_ANYONE},
    {"follower.note", s_note_fields, s_note, 0, R_ANYONE},
    {"follower.has_note", s_note_fields, s_has_note, CMD_QUERY, R_ANYONE},
    {NULL, NULL, NULL, 0, 0}};

static const service_def_t s_follower = {.service = "follower",
                                         .tables = s_tables,
                                         .commands = s_commands,
                                         .follows = s_follows,
                                         .apply = s_apply};

const service_def_t *
follower_service (void)
{
    return &s_follower;
}
