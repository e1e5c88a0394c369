/*  records - the training service's stored records, their packed form and
    the lookups every handler shares (the candidate known from the intake
    stream, an expert, a cohort, a goal), each refusing a record of another
    office as not_found.

    Keys: one id, or two ids joined by a NUL ("cohort\0candidate"); ids
    never contain a NUL, so a pair key is unambiguous and its first part is
    a scan prefix. The "links" table indexes every per-candidate record by
    "candidate\0kind\0ref" so erasure finds all of them.  */
#ifndef OPSTAP_TRAINING_RECORDS_H
#define OPSTAP_TRAINING_RECORDS_H

#include "intake_event.h"
#include "service.h"

//  The tables, keyed as above:
//    candidates         id -> what the intake stream said of the candidate
//    experts            id -> an expert; assignments  expert\0candidate -> a match
//    activities         id -> an activity; expert_activities  expert\0id -> ""
//    cohorts            id -> a cohort; members  cohort\0candidate -> attendance
//    goals              id -> the current version; goal_history  goal\0n -> earlier
//    reflections        goal\0n -> a reflection report
//    certificates       cohort\0candidate -> when issued
//    links              candidate\0kind\0ref -> "" (every per-candidate record)
extern const store_table_t tr_candidates[1], tr_experts[1], tr_assignments[1],
    tr_activities[1], tr_expert_activities[1], tr_cohorts[1], tr_members[1], tr_goals[1],
    tr_goal_history[1], tr_reflections[1], tr_certificates[1], tr_links[1];

#define TR_ID          (CODEC_ID_MAX + 1)
#define TR_KEY         (3 * TR_ID + 2)
#define TR_TAGS_MAX    16
#define TR_MEETINGS    10
#define TR_MEMBERS_MAX 20
#define TR_MINUTES_MAX 1440
#define TR_TEXTS       6 //  the DSTARR parts of a goal
#define TR_REFL_TEXTS  5 //  the text parts of a reflection report

//  Kinds of per-candidate records in the links table.
#define LINK_ASSIGNMENT  'a'
#define LINK_MEMBER      'm'
#define LINK_GOAL        'g'
#define LINK_ACTIVITY    'v'
#define LINK_CERTIFICATE 'c'

typedef enum { COHORT_OPEN, COHORT_STARTED, COHORT_FINISHED } cohort_status_t;

typedef struct {
    const char *kind;
    const char *code;
    const char *topic;
} tr_meeting_t;

extern const char *const tr_activity_kinds[];
extern const char *const tr_settings[];
extern const char *const tr_trainer_kinds[];
extern const char *const tr_cohort_statuses[];
extern const char *const tr_smart_checks[];
extern const char *const tr_goal_texts[];
extern const char *const tr_reflection_texts[];
extern const tr_meeting_t tr_meetings[TR_MEETINGS];

//  What training knows of a candidate, from the intake stream only.
typedef struct {
    char id[TR_ID];
    char office[TR_ID];
    int status;      //  candidate_status_t (intake_event.h)
    uint32_t events; //  intake events applied about this candidate
} tr_candidate_t;

typedef struct {
    char id[TR_ID];
    char office[TR_ID];
    bool paid;
    double fte;
    char tags[TR_TAGS_MAX][TR_ID];
    uint32_t tag_count;
    int max_caseload;
    int load; //  candidates assigned now
    char date[11];
} tr_expert_t;

typedef struct {
    char id[TR_ID];
    char office[TR_ID];
    char expert[TR_ID];
    int kind;
    int minutes;
    int setting;
    char candidate[TR_ID]; //  empty when none (or erased)
    char date[11];
} tr_activity_t;

typedef struct {
    char id[TR_ID];
    char office[TR_ID];
    int trainer_kind;
    char trainer[TR_ID];
    char start[11];
    cohort_status_t status;
    char started[11];
    char finished[11];
    int members;                 //  current members
    uint32_t recorded;           //  bit n-1: meeting n recorded
    char dates[TR_MEETINGS][11]; //  of the recorded meetings
    int present[TR_MEETINGS];    //  anonymous counts, kept after erasure
    int members_at[TR_MEETINGS]; //  members when the meeting was recorded
    int certificates;
} tr_cohort_t;

typedef struct {
    uint32_t attended; //  bit n-1: present at meeting n
    char date[11];     //  enrolment date, empty when not given
} tr_member_t;

typedef struct {
    char id[TR_ID];
    char office[TR_ID];
    char candidate[TR_ID];
    char cohort[TR_ID]; //  empty when none
    char texts[TR_TEXTS][CODEC_TEXT_MAX + 1];
    bool smart[4];
    uint32_t revision; //  0 as set, +1 per revision
    uint32_t reflections;
    char date[11]; //  of this version, empty when not given
} tr_goal_t;

//  Pair and link keys; each returns the key's length.
size_t tr_key2 (char *out, const char *a, const char *b);
size_t tr_link_key (char *out, const char *candidate, char kind, const char *ref);

//  The part of a pair key after its first NUL, copied; -1 when none or too long.
int tr_key_tail (const void *key, size_t klen, char *out, size_t size);

//  Splits a link key into its kind and ref; -1 when it is not one.
int tr_link_parse (const void *key, size_t klen, char *kind, char *ref, size_t size);

//  Packs kv as one map and stores it under key.
int tr_put (store_tx_t *tx, const store_table_t *table, const void *key, size_t klen,
            const kv_t *kv);
int tr_link (store_tx_t *tx, const char *candidate, char kind, const char *ref);

//  Unpacking: -1 when the bytes are not such a record.
int tr_candidate_unpack (tr_candidate_t *self, const void *data, size_t size);
int tr_expert_unpack (tr_expert_t *self, const void *data, size_t size);
int tr_activity_unpack (tr_activity_t *self, const void *data, size_t size);
int tr_cohort_unpack (tr_cohort_t *self, const void *data, size_t size);
int tr_member_unpack (tr_member_t *self, const void *data, size_t size);
int tr_goal_unpack (tr_goal_t *self, const void *data, size_t size);

//  Saving: 0, or -1 when the store failed.
int tr_candidate_save (store_tx_t *tx, const tr_candidate_t *self);
int tr_expert_save (store_tx_t *tx, const tr_expert_t *self);
int tr_activity_save (store_tx_t *tx, const tr_activity_t *self);
int tr_cohort_save (store_tx_t *tx, const tr_cohort_t *self);
int tr_member_save (store_tx_t *tx, const char *cohort, const char *candidate,
                    const tr_member_t *self);
int tr_goal_save (store_tx_t *tx, const store_table_t *table, const void *key,
                  size_t klen, const tr_goal_t *self);

//  Loading for a command: 0 found, else -1 after cmd_fail (not_found on
//  field when absent or of another office).
int tr_load_candidate (cmd_ctx_t *ctx, const char *field, const char *id,
                       tr_candidate_t *c);
int tr_load_expert (cmd_ctx_t *ctx, const char *field, const char *id, tr_expert_t *e);
int tr_load_cohort (cmd_ctx_t *ctx, const char *field, const char *id, tr_cohort_t *c);
int tr_load_goal (cmd_ctx_t *ctx, const char *field, const char *id, tr_goal_t *g);

//  Items packed one by one, then added to a reply as one array.
typedef struct {
    uint32_t count;
    msgpack_sbuffer items;
    msgpack_packer pk;
} tr_list_t;
void tr_list_init (tr_list_t *self);
//  Adds the items under key to kv and frees them.
void tr_list_finish (tr_list_t *self, kv_t *kv, const char *key);

//  A new id for a create without one: prefix and 16 hex digits.
void tr_new_id (char *out, const char *prefix);
//  The body's str field, copied (empty when absent).
const char *tr_arg (cmd_ctx_t *ctx, const char *key, char *buf, size_t size);
//  Packs the four SMART checks as a map.
void tr_pack_smart (msgpack_packer *pk, const bool smart[4]);
bool tr_smart_all (const bool smart[4]);
int tr_popcount (uint32_t bits);

#endif
