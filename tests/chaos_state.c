/*  chaos_state - every record the model expects, as the services answer
    for it: listed (every page) with the expected status (candidates in intake and
    in training, surveys, signals) and with the expected counts (an
    expert's load and activities, a cohort's members, meetings and
    certificates, a goal's revision and reflections, a placement's
    contacts).  */
#include "chaos_check.h"

#include "json.h"
#include "listkit.h"

typedef struct {
    char status[32];
    int64_t events;
    int count;
} listed_t;

//  Adds the items of one page to listed.
static void
s_add_items (zhashx_t *listed, const msgpack_object *items)
{
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        const msgpack_object *item = &items->via.array.ptr[i];
        char id[64] = "";
        map_str (item, "id", id, sizeof id);
        listed_t *l = (listed_t *) zhashx_lookup (listed, id);
        if (!l) {
            l = (listed_t *) zmalloc (sizeof (listed_t));
            zhashx_insert (listed, id, l);
        }
        map_str (item, "status", l->status, sizeof l->status);
        l->events = map_int (item, "intake_events", -1);
        l->count++;
    }
}

//  The items of a list query by id, every page of it: a page that says
//  more follow names the last of its items (next) to ask after.
static zhashx_t *
s_list (const char *endpoint, const char *cmd, const char *office, const char *array)
{
    zhashx_t *listed = zhashx_new ();
    zhashx_set_destructor (listed, (zhashx_destructor_fn *) zstr_free);
    char next[CODEC_ID_MAX + 1] = "";
    for (int pages = 0;; pages++) {
        char *page =
            *next ? zsys_sprintf (",\"%s\":\"%s\"", lk_page_key (), next) : strdup ("");
        tk_msg_t *r = check_call (endpoint, "{\"cmd\":\"%s\",\"office\":\"%s\"%s}", cmd,
                                  office, page);
        free (page);
        const msgpack_object *items = tk_get (r, array);
        if (items && items->type == MSGPACK_OBJECT_ARRAY)
            s_add_items (listed, items);
        else {
            char *json = r ? tk_json (r) : NULL;
            fprintf (stderr, "chaos: %s at %s: no %s on page %d: %s\n", cmd, office,
                     array, pages + 1, json ? json : "no reply");
            free (json);
        }
        bool more = items && tk_get (r, "next") && !streq (tk_str (r, "next"), next);
        snprintf (next, sizeof next, "%s", more ? tk_str (r, "next") : "");
        tk_msg_destroy (&r);
        if (!more)
            break;
    }
    return listed;
}

//  Compares a list with the model's entities of kind at office; events:
//  also the count of intake events the follower applied per candidate.
static void
s_compare (tally_figures_t *t, zhashx_t *listed, work_t *work, const char *kind,
           const char *office, bool events, const char *what)
{
    zhashx_t *entities = work_entities (work);
    for (entity_t *e = (entity_t *) zhashx_first (entities); e;
         e = (entity_t *) zhashx_next (entities)) {
        if (!streq (e->kind, kind) || !streq (e->office, office))
            continue;
        listed_t *l = (listed_t *) zhashx_lookup (listed, e->id);
        if (!l) {
            check_show (t, "%s: %s %s missing", what, kind, e->id);
            t->lost++;
            continue;
        }
        t->duplicated += l->count - 1;
        //  A follower that applied an intake event twice, or missed one.
        if (events && l->events > e->a)
            t->duplicated += l->events - e->a;
        if (events && l->events < e->a)
            t->lost += e->a - l->events;
        if (!streq (l->status, e->status)) {
            t->mismatches++;
        }
        if (!streq (l->status, e->status) || (events && l->events != e->a))
            check_show (t, "%s: %s %s is %s (%" PRId64 " events), expected %s (%d)", what,
                        kind, e->id, l->status, l->events, e->status, e->a);
        l->count = -1;
    }
    for (listed_t *l = (listed_t *) zhashx_first (listed); l;
         l = (listed_t *) zhashx_next (listed))
        if (l->count > 0) {
            check_show (t, "%s: %s %s never accepted", what, kind,
                        (const char *) zhashx_cursor (listed));
            t->duplicated += l->count;
        }
}

static void
s_lists (cluster_t *cluster, work_t *work, tally_figures_t *t)
{
    static const struct {
        int service;
        const char *cmd, *array, *kind;
        bool events;
    } lists[] = {
        {CH_INTAKE, "candidate.list", "candidates", "candidate", false},
        {CH_TRAINING, "cohort.candidates", "candidates", "candidate", true},
        {CH_FEEDBACK, "survey.list", "surveys", "survey", false},
        {CH_FEEDBACK, "signal.list", "signals", "signal", false},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        for (int o = 0; o < CH_OFFICES; o++) {
            zhashx_t *listed = s_list (cluster_command (cluster, lists[i].service),
                                       lists[i].cmd, ch_offices[o], lists[i].array);
            s_compare (t, listed, work, lists[i].kind, ch_offices[o], lists[i].events,
                       lists[i].cmd);
            zhashx_destroy (&listed);
        }
}

//  --------------------------------------------------------------------------
//  One record at a time

typedef struct {
    const char *kind;
    int service;
    const char *cmd;
    const char *key;       //  the field that names the record
    const char *status;    //  path of the status in the reply, or NULL
    const char *a, *b, *c; //  paths of the counts a, b, c, or NULL
} record_check_t;

static const record_check_t s_records[] = {
    {"expert", CH_TRAINING, "expert.get", "id", NULL, "load", NULL, NULL},
    {"expert", CH_TRAINING, "expert.activities", "expert", NULL, NULL, "count", NULL},
    {"cohort", CH_TRAINING, "cohort.get", "id", "status", "members", "meetings",
     "certificates"},
    {"goal", CH_TRAINING, "goal.get", "id", NULL, "revision", "reflection_count", NULL},
    {"placement", CH_PLACEMENT, "placement.get", "id", "status", "contacts", NULL, NULL},
    {"survey", CH_FEEDBACK, "survey.get", "id", "status", NULL, NULL, NULL},
};

static int64_t
s_value (tk_msg_t *r, const char *path)
{
    const msgpack_object *obj = tk_get (r, path);
    if (obj && obj->type == MSGPACK_OBJECT_ARRAY)
        return obj->via.array.size;
    return tk_int (r, path);
}

static bool
s_record_same (const record_check_t *rc, tk_msg_t *r, entity_t *e)
{
    const char *paths[3] = {rc->a, rc->b, rc->c};
    int want[3] = {e->a, e->b, e->c};
    for (int i = 0; i < 3; i++)
        if (paths[i] && s_value (r, paths[i]) != want[i])
            return false;
    return !rc->status || streq (tk_str (r, rc->status), e->status);
}

static void
s_record (const record_check_t *rc, entity_t *e, tk_msg_t *r, tally_figures_t *t)
{
    if (!tk_ok (r)) {
        check_show (t, "%s %s: %s", rc->cmd, e->id, tk_str (r, "error.code"));
        t->lost++;
    } else if (!s_record_same (rc, r, e)) {
        char *json = tk_json (r);
        check_show (t, "%s %s: %s, expected status %s counts %d %d %d", rc->cmd, e->id,
                    json, e->status, e->a, e->b, e->c);
        free (json);
        t->mismatches++;
    }
}

typedef struct {
    entity_t *entity;
    const record_check_t *check;
} query_t;

#define QUERIES_IN_FLIGHT 256

static void
s_query_send (zsock_t *dealer, query_t *q, size_t index)
{
    char *json = zsys_sprintf ("{\"cmd\":\"%s\",\"rid\":\"q%zu\",\"office\":\"%s\","
                               "\"%s\":\"%s\"}",
                               q->check->cmd, index, q->entity->office, q->check->key,
                               q->entity->id);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    char err[128];
    if (json_to_msgpack (json, strlen (json), &pk, err, sizeof err) == 0)
        zsock_send (dealer, "b", buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    free (json);
}

//  The queries to one service, many in flight (a query runs in a batch
//  like any command: one at a time would wait for a commit each).
static void
s_query_all (const char *endpoint, query_t *queries, size_t count, tally_figures_t *t)
{
    zsock_t *dealer = zsock_new_dealer (endpoint);
    zsock_set_rcvtimeo (dealer, 10000);
    size_t sent = 0, answered = 0;
    while (answered < count) {
        while (sent < count && sent - answered < QUERIES_IN_FLIGHT)
            s_query_send (dealer, &queries[sent], sent), sent++;
        zframe_t *frame = zframe_recv (dealer);
        if (!frame) {
            check_show (t, "%s: %zu queries unanswered", endpoint, count - answered);
            t->lost += (int64_t) (count - answered);
            break;
        }
        tk_msg_t *r = tk_msg_new (zframe_data (frame), zframe_size (frame));
        const char *rid = r ? tk_str (r, "rid") : "";
        size_t index = *rid == 'q' ? (size_t) atol (rid + 1) : count;
        if (index < count) {
            s_record (queries[index].check, queries[index].entity, r, t);
            answered++;
        }
        tk_msg_destroy (&r);
        zframe_destroy (&frame);
    }
    zsock_destroy (&dealer);
}

void
check_state (cluster_t *cluster, work_t *work, tally_figures_t *t)
{
    int64_t lost = t->lost, duplicated = t->duplicated, mismatches = t->mismatches;
    s_lists (cluster, work, t);
    zhashx_t *entities = work_entities (work);
    query_t *queries =
        (query_t *) zmalloc (sizeof (query_t) * (zhashx_size (entities) + 1));
    size_t checked = 0;
    for (int s = 0; s < CH_SERVICES; s++) {
        size_t count = 0;
        for (entity_t *e = (entity_t *) zhashx_first (entities); e;
             e = (entity_t *) zhashx_next (entities))
            for (size_t i = 0; i < sizeof s_records / sizeof s_records[0]; i++)
                if (s_records[i].service == s && streq (e->kind, s_records[i].kind))
                    queries[count++] = (query_t){e, &s_records[i]};
        s_query_all (cluster_command (cluster, s), queries, count, t);
        checked += count;
    }
    free (queries);
    printf (
        "chaos: state     %zu records in the model, %zu read one by one; lost %" PRId64
        ", duplicated %" PRId64 ", mismatches %" PRId64 "\n",
        zhashx_size (entities), checked, t->lost - lost, t->duplicated - duplicated,
        t->mismatches - mismatches);
}
