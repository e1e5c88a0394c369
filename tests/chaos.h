/*  chaos - the chaos test: every service as a process, a seeded mixed
    workload with many commands in flight and retries under the same rid,
    random SIGKILLs and restarts, then checks that nothing acknowledged was
    lost or applied twice, that streams have no gap, that followers equal a
    fresh rebuild and that the report counts what was accepted.

    prng (a seeded generator, chaos_work.c), cluster (the processes,
    chaos_cluster.c; replies are the test kit's tk_msg_t), work (the
    flows of commands and the model of what was accepted, chaos_work.c and
    chaos_steps*.c) and the end checks (chaos_check.c, chaos_state.c,
    chaos_rebuild.c); chaos.c drives them.  */
#ifndef OPSTAP_CHAOS_H
#define OPSTAP_CHAOS_H

#include "testkit.h"

enum { CH_INTAKE, CH_TRAINING, CH_PLACEMENT, CH_FEEDBACK, CH_REPORTING, CH_SERVICES };
#define CH_OFFICES 3

extern const char *const ch_service_names[CH_SERVICES];
extern const char *const ch_offices[CH_OFFICES];

//  --------------------------------------------------------------------------
//  prng: xorshift64*, one per purpose so that kills do not shift the
//  workload's choices.
typedef struct {
    uint64_t state;
} prng_t;

void prng_seed (prng_t *self, uint64_t seed);
uint64_t prng_next (prng_t *self);
//  0 .. n-1
int prng_below (prng_t *self, int n);
//  true with probability percent / 100
bool prng_chance (prng_t *self, int percent);

//  --------------------------------------------------------------------------
//  cluster: the five service processes of one directory, and fresh
//  instances rebuilt from the streams under other names.
typedef struct _cluster_t cluster_t;

cluster_t *cluster_new (const char *bin, const char *dir);
void cluster_destroy (cluster_t **self_p);
//  Starts every service and waits until each answers; -1 when one does not.
int cluster_start (cluster_t *self);
//  SIGKILL; 0 when it died of it.
int cluster_kill (cluster_t *self, int service);
int cluster_restart (cluster_t *self, int service);
bool cluster_up (cluster_t *self, int service);
//  SIGTERM to every process; the number that did not exit 0.
int cluster_stop (cluster_t *self);
const char *cluster_command (cluster_t *self, int service);
const char *cluster_replay (cluster_t *self, int service);
//  Starts instance "<service>-r" of a follower on an empty store; its own
//  directory file lists the producers and itself only.
int cluster_start_rebuild (cluster_t *self, int service);
const char *cluster_rebuild_command (cluster_t *self, int service);
//  The store directory of a service's instance (rebuilt: "-r").
char *cluster_store_path (cluster_t *self, int service, bool rebuilt);
const char *cluster_dir (cluster_t *self);

//  --------------------------------------------------------------------------
//  work: up to window flows at once, each a sequence of commands to one or
//  more services; the model of every accepted command.
typedef struct _work_t work_t;

//  Figures the report must show, from the accepted commands.
typedef enum {
    F_REGISTERED,
    F_ELIGIBLE,
    F_INFO,
    F_ADMITTED,
    F_DEFERRED,
    F_DECLINED,
    F_WITHDRAWN,
    F_EXPERTS,
    F_ACTIVITIES,
    F_COHORTS_STARTED,
    F_ENROLLED,
    F_GOALS,
    F_REFLECTIONS_SIGNED,
    F_CERTIFICATES,
    F_HOSTS,
    F_STARTED,
    F_ENDED,
    F_PAID_JOBS,
    F_INVITED,
    F_RESPONDED,
    F_FIGURES
} figure_t;

extern const char *const ch_figure_paths[F_FIGURES];

//  A record the model expects in a service's state.
typedef struct {
    char kind[16]; //  candidate, expert, cohort, goal, placement, survey, signal
    char id[40];
    char office[16];
    char status[32];
    int a, b, c; //  kind-specific counts (see chaos_work.c)
} entity_t;

work_t *work_new (uint64_t seed, int window);
void work_destroy (work_t **self_p);
//  Starts a new flow in slot (false when draining).
bool work_start (work_t *self, int slot);
//  The JSON body (free it) of the slot's next command and its service.
char *work_command (work_t *self, int slot, int *service);
//  Takes the reply to the slot's command; true when its flow is finished.
bool work_reply (work_t *self, int slot, tk_msg_t *reply);
void work_drain (work_t *self);
int64_t work_ok (work_t *self);
int64_t work_refused (work_t *self);
//  Replies that were not what the flow expected (printed as they come).
int64_t work_unexpected (work_t *self);
//  Events expected in a service's stream: "type|key" -> count (int *).
zhashx_t *work_expected (work_t *self, int service);
//  Every entity the model holds (entity_t *).
zhashx_t *work_entities (work_t *self);
int64_t work_figure (work_t *self, figure_t figure);
//  The stream key of an event, the same as work_expected's (the type
//  alone for a type the workload does not make).
//  tokens (NULL: none) maps an erased candidate's token to its id, so that
//  its events, rewritten under the token, count where the model put them.
void work_event_key (const msgpack_object *event, zhashx_t *tokens, char *buf,
                     size_t size);

//  --------------------------------------------------------------------------
//  The end checks; each adds to the figures and prints what differs.
typedef struct {
    int64_t lost;
    int64_t duplicated;
    int64_t gaps;
    int64_t mismatches;
    int64_t events;
    int shown; //  differences printed so far
} tally_figures_t;

void check_streams (cluster_t *cluster, work_t *work, tally_figures_t *t);
void check_state (cluster_t *cluster, work_t *work, tally_figures_t *t);
void check_report (cluster_t *cluster, work_t *work, tally_figures_t *t);
//  Every erased candidate: no follower holds the id; the erasure is
//  completed, and intake holds it no more either.
void check_erasures (cluster_t *cluster, work_t *work, tally_figures_t *t);
//  Starts the rebuilt followers, compares their answers, stops everything
//  and compares the derived tables in the stores.
void check_rebuild (cluster_t *cluster, tally_figures_t *t);
//  Waits until every follower (rebuilt too) has applied every producer's
//  head; -1 on timeout.
int check_caught_up (cluster_t *cluster, bool rebuilt, int seconds);

#endif
