/*  chaos_work - what the workload's two files share: the flows, the pools
    of candidates they draw from and the model of accepted commands.  */
#ifndef OPSTAP_CHAOS_WORK_H
#define OPSTAP_CHAOS_WORK_H

#include "chaos.h"

typedef enum { K_CAND, K_EXPERT, K_COHORT, K_PLACE, K_SURVEY, K_SIGNAL, K_REPORT } kind_t;

//  What a candidate is drawn for; each use takes a candidate once.
enum { USE_COHORT, USE_PLACEMENT, USE_EXPERT, USE_SURVEY, USES };

#define FLOW_IDS 8

typedef struct {
    char id[24];
    int64_t seq; //  intake's position once the candidate was admitted
} pooled_t;

typedef struct {
    pooled_t *items;
    size_t count;
    size_t cap;
    size_t next[USES];
} pool_t;

typedef struct {
    kind_t kind;
    int n; //  flow number, part of every id it makes
    int step;
    int office;  //  index in ch_offices
    int variant; //  kind-specific choice made at the first step
    int sub;     //  loop counter within a step
    bool flag;   //  kind-specific: consent, a duplicate sent, a host fixed
    int choice;  //  a random choice made for the command in flight
    int count;   //  candidates in ids
    char ids[FLOW_IDS][24];
    bool present[FLOW_IDS];
    int64_t after; //  intake position the next command must see
    int service;
    const char *expect; //  error code the command must get, NULL for ok
    char cmd[32];
    bool done;
} flow_t;

struct _work_t {
    prng_t prng;
    int window;
    flow_t *flows;
    int started;
    bool draining;
    int64_t ok, refused, unexpected;
    int64_t figures[F_FIGURES];
    zhashx_t *expected[CH_SERVICES];
    zhashx_t *entities;
    pool_t admitted[CH_OFFICES];   //  uses: cohort, placement, expert
    pool_t consenting[CH_OFFICES]; //  registered with evaluation contact
};

void work_pool_add (pool_t *pool, const char *id, int64_t seq);
size_t work_pool_left (pool_t *pool, int use);
const pooled_t *work_pool_take (pool_t *pool, int use);
void work_expect (work_t *self, int service, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
entity_t *work_entity (work_t *self, const char *kind, const char *id,
                       const char *office);
void work_count (work_t *self, figure_t figure, int64_t by);
//  Drops an entity from the model (a candidate erased).
void work_forget (work_t *self, const char *kind, const char *id);

//  In chaos_steps.c: five to seven admitted members for a cohort, one
//  candidate for a use; false when there are not enough yet.
bool work_take_members (work_t *self, flow_t *f);
bool work_take_candidate (work_t *self, flow_t *f, int use);
//  The next command of the flow (NULL when it is finished).
char *steps_command (work_t *self, flow_t *f);
//  The flow's command was answered ok / refused as expected; steps_ok
//  returns -1 when the reply's content is not what the model says.
int steps_ok (work_t *self, flow_t *f, tk_msg_t *reply);
void steps_refused (work_t *self, flow_t *f);

#endif
