/*  chaos_work - the workload: flows of commands (a candidate through
    intake, an expert, a cohort, a placement, a survey, a signal, a report)
    that run side by side, each sending its next command once the last one
    is answered. Every answer is checked against what the flow expects;
    every ok answer adds to the model: the events the streams must hold,
    the records the services must show and the figures the report must
    count. The commands are in chaos_steps.c.  */
#include "chaos_work.h"

const char *const ch_figure_paths[F_FIGURES] = {
    "total.intake.registered",
    "total.intake.eligible",
    "total.intake.info_session_attended",
    "total.intake.admitted",
    "total.intake.deferred.total",
    "total.intake.declined",
    "total.intake.withdrawn",
    "total.experts.experts",
    NULL, //  the activities of every kind, summed
    "total.training.cohorts_started",
    "total.training.enrolled",
    "total.training.goals",
    "total.training.reflections_signed",
    "total.training.certificates",
    "total.placement.hosts",
    "total.placement.started",
    NULL, //  placements ended with every outcome, summed
    "total.placement.paid_jobs",
    "total.satisfaction.all.invited",
    "total.satisfaction.all.responded",
};

//  The fields that tell one event of a type from another in our workload.
static const struct {
    const char *type;
    const char *fields[2];
} s_keys[] = {
    {"candidate.registered", {"candidate"}},
    {"candidate.info_session_attended", {"candidate"}},
    {"candidate.admitted", {"candidate"}},
    {"candidate.deferred", {"candidate"}},
    {"candidate.declined", {"candidate"}},
    {"candidate.withdrawn", {"candidate"}},
    {"candidate.stage_assessed", {"candidate", "date"}},
    {"candidate.erased", {"candidate"}},
    {"expert.registered", {"expert"}},
    {"expert.assigned", {"expert", "candidate"}},
    {"expert.released", {"expert", "candidate"}},
    {"expert.activity_logged", {"activity"}},
    {"cohort.created", {"cohort"}},
    {"cohort.enrolled", {"cohort", "candidate"}},
    {"cohort.started", {"cohort"}},
    {"meeting.recorded", {"cohort", "number"}},
    {"goal.set", {"goal"}},
    {"goal.revised", {"goal", "revision"}},
    {"reflection.recorded", {"goal", "number"}},
    {"certificate.issued", {"cohort", "candidate"}},
    {"cohort.finished", {"cohort"}},
    {"host.registered", {"host"}},
    {"host.updated", {"host"}},
    {"vacancy.opened", {"vacancy"}},
    {"placement.proposed", {"placement"}},
    {"placement.signed", {"placement", "agreement"}},
    {"placement.started", {"placement"}},
    {"placement.contacted", {"placement", "with"}},
    {"placement.extended", {"placement"}},
    {"placement.ended", {"placement"}},
    {"paid_job.recorded", {"placement"}},
    {"survey.invited", {"survey"}},
    {"survey.responded", {"survey"}},
    {"signal.reported", {"signal"}},
    {"signal.resolved", {"signal"}},
};

//  --------------------------------------------------------------------------

void
prng_seed (prng_t *self, uint64_t seed)
{
    self->state = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
    if (!self->state)
        self->state = 1;
}

uint64_t
prng_next (prng_t *self)
{
    uint64_t x = self->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    self->state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

int
prng_below (prng_t *self, int n)
{
    return n > 0 ? (int) ((prng_next (self) >> 33) % (uint64_t) n) : 0;
}

bool
prng_chance (prng_t *self, int percent)
{
    return prng_below (self, 100) < percent;
}

//  --------------------------------------------------------------------------

static void
s_pool_destroy (pool_t *pool)
{
    free (pool->items);
    memset (pool, 0, sizeof *pool);
}

void
work_pool_add (pool_t *pool, const char *id, int64_t seq)
{
    if (pool->count == pool->cap) {
        pool->cap = pool->cap ? pool->cap * 2 : 64;
        pool->items = (pooled_t *) realloc (pool->items, pool->cap * sizeof (pooled_t));
        assert (pool->items);
    }
    snprintf (pool->items[pool->count].id, sizeof pool->items[0].id, "%s", id);
    pool->items[pool->count++].seq = seq;
}

size_t
work_pool_left (pool_t *pool, int use)
{
    return pool->count - pool->next[use];
}

const pooled_t *
work_pool_take (pool_t *pool, int use)
{
    return pool->next[use] < pool->count ? &pool->items[pool->next[use]++] : NULL;
}

work_t *
work_new (uint64_t seed, int window)
{
    work_t *self = (work_t *) zmalloc (sizeof (work_t));
    prng_seed (&self->prng, seed);
    self->window = window;
    self->flows = (flow_t *) zmalloc (sizeof (flow_t) * (size_t) window);
    for (int s = 0; s < CH_SERVICES; s++) {
        self->expected[s] = zhashx_new ();
        zhashx_set_destructor (self->expected[s], (zhashx_destructor_fn *) zstr_free);
    }
    self->entities = zhashx_new ();
    zhashx_set_destructor (self->entities, (zhashx_destructor_fn *) zstr_free);
    return self;
}

void
work_destroy (work_t **self_p)
{
    if (self_p && *self_p) {
        work_t *self = *self_p;
        for (int s = 0; s < CH_SERVICES; s++)
            zhashx_destroy (&self->expected[s]);
        zhashx_destroy (&self->entities);
        for (int o = 0; o < CH_OFFICES; o++) {
            s_pool_destroy (&self->admitted[o]);
            s_pool_destroy (&self->consenting[o]);
        }
        free (self->flows);
        free (self);
        *self_p = NULL;
    }
}

void
work_expect (work_t *self, int service, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    char *key = zsys_vprintf (fmt, args);
    va_end (args);
    int *count = (int *) zhashx_lookup (self->expected[service], key);
    if (count)
        (*count)++;
    else {
        count = (int *) zmalloc (sizeof (int));
        *count = 1;
        zhashx_insert (self->expected[service], key, count);
    }
    free (key);
}

entity_t *
work_entity (work_t *self, const char *kind, const char *id, const char *office)
{
    char key[64];
    snprintf (key, sizeof key, "%s:%s", kind, id);
    entity_t *e = (entity_t *) zhashx_lookup (self->entities, key);
    if (!e) {
        e = (entity_t *) zmalloc (sizeof (entity_t));
        snprintf (e->kind, sizeof e->kind, "%s", kind);
        snprintf (e->id, sizeof e->id, "%s", id);
        snprintf (e->office, sizeof e->office, "%s", office);
        zhashx_insert (self->entities, key, e);
    }
    return e;
}

void
work_forget (work_t *self, const char *kind, const char *id)
{
    char key[64];
    snprintf (key, sizeof key, "%s:%s", kind, id);
    zhashx_delete (self->entities, key);
}

void
work_count (work_t *self, figure_t figure, int64_t by)
{
    self->figures[figure] += by;
}

//  --------------------------------------------------------------------------

bool
work_start (work_t *self, int slot)
{
    if (self->draining)
        return false;
    flow_t *f = &self->flows[slot];
    memset (f, 0, sizeof *f);
    f->n = ++self->started;
    f->office = prng_below (&self->prng, CH_OFFICES);
    int r = prng_below (&self->prng, 100);
    f->kind = r < 35   ? K_CAND
              : r < 45 ? K_EXPERT
              : r < 55 ? K_COHORT
              : r < 70 ? K_PLACE
              : r < 83 ? K_SURVEY
              : r < 93 ? K_SIGNAL
                       : K_REPORT;
    //  A cohort needs five admitted candidates and a survey one: until
    //  there are, register more.
    if (f->kind == K_COHORT && !work_take_members (self, f))
        f->kind = K_CAND;
    if (f->kind == K_SURVEY && !work_take_candidate (self, f, USE_SURVEY))
        f->kind = K_CAND;
    return true;
}

char *
work_command (work_t *self, int slot, int *service)
{
    flow_t *f = &self->flows[slot];
    if (f->done)
        return NULL;
    f->expect = NULL;
    char *json = steps_command (self, f);
    if (!json)
        f->done = true;
    *service = f->service;
    return json;
}

static void
s_unexpected (work_t *self, flow_t *f, tk_msg_t *reply)
{
    char *json = tk_json (reply);
    fprintf (stderr, "chaos: flow %d step %d (%s) expected %s, got %s\n", f->n, f->step,
             f->cmd, f->expect ? f->expect : "ok", json);
    free (json);
    self->unexpected++;
    f->done = true;
}

bool
work_reply (work_t *self, int slot, tk_msg_t *reply)
{
    flow_t *f = &self->flows[slot];
    bool ok = tk_ok (reply);
    if (ok && !f->expect) {
        self->ok++;
        if (steps_ok (self, f, reply))
            s_unexpected (self, f, reply);
    } else if (!ok && f->expect && streq (tk_str (reply, "error.code"), f->expect)) {
        self->refused++;
        steps_refused (self, f);
    } else
        s_unexpected (self, f, reply);
    return f->done;
}

void
work_drain (work_t *self)
{
    self->draining = true;
}

int64_t
work_ok (work_t *self)
{
    return self ? self->ok : 0;
}

int64_t
work_refused (work_t *self)
{
    return self ? self->refused : 0;
}

int64_t
work_unexpected (work_t *self)
{
    return self ? self->unexpected : 0;
}

zhashx_t *
work_expected (work_t *self, int service)
{
    return self->expected[service];
}

zhashx_t *
work_entities (work_t *self)
{
    return self->entities;
}

int64_t
work_figure (work_t *self, figure_t figure)
{
    return self->figures[figure];
}

static void
s_append_value (const msgpack_object *value, zhashx_t *tokens, char *buf, size_t size)
{
    size_t used = strlen (buf);
    char text[80] = "?";
    if (value && value->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        snprintf (text, sizeof text, "%" PRIu64, value->via.u64);
    else if (value)
        obj_str (value, text, sizeof text);
    const char *id = tokens ? (const char *) zhashx_lookup (tokens, text) : NULL;
    snprintf (buf + used, size - used, "|%s", id ? id : text);
}

void
work_event_key (const msgpack_object *event, zhashx_t *tokens, char *buf, size_t size)
{
    char type[64] = "";
    map_str (event, "type", type, sizeof type);
    buf[0] = 0;
    for (size_t i = 0; i < sizeof s_keys / sizeof s_keys[0]; i++)
        if (streq (type, s_keys[i].type)) {
            snprintf (buf, size, "%s", type);
            for (int k = 0; k < 2 && s_keys[i].fields[k]; k++)
                s_append_value (obj_get (event, s_keys[i].fields[k]), tokens, buf, size);
            return;
        }
    snprintf (buf, size, "%s", type);
}
