/*  records - the placement service's stored records (known candidates,
    hosts, vacancies, placements) and the helpers every handler uses to
    load and save them. Records are MessagePack maps; whatever is read is
    copied out at once, so nothing points into LMDB after a write.  */
#ifndef OPSTAP_PLACEMENT_RECORDS_H
#define OPSTAP_PLACEMENT_RECORDS_H

#include "intake_event.h"
#include "service.h"

//  candidates    id -> what the intake stream said of a candidate (known_t)
//  hosts, vacancies, placements   id -> the record
//  by_candidate  candidate NUL placement -> "": what erasure removes
//  contacts      placement NUL date NUL with -> a supervisor contact
//  paid_jobs     placement -> the outcome, apart from the placement
//  originals     noun:id -> the first body of a create command
extern const store_table_t pl_candidates[1], pl_hosts[1], pl_vacancies[1],
    pl_placements[1], pl_by_candidate[1], pl_contacts[1], pl_paid_jobs[1],
    pl_originals[1];

#define PL_ID_SIZE      (CODEC_ID_MAX + 1)
#define PL_TEXT_SIZE    (CODEC_TEXT_MAX + 1)
#define PL_REQUIREMENTS 9
#define PL_AGREEMENTS   2
#define PL_HOURS_MIN    12
#define PL_HOURS_MAX    24

//  What placement knows of a candidate, learnt from the intake stream.
typedef struct {
    char id[PL_ID_SIZE];
    char office[PL_ID_SIZE];
    int status;                //  candidate_status_t (intake_event.h)
    char function[PL_ID_SIZE]; //  wishes, may be empty
    char sector[PL_ID_SIZE];
    char active[PL_ID_SIZE]; //  the started placement not yet ended, or empty
} known_t;

typedef struct {
    char id[PL_ID_SIZE];
    char office[PL_ID_SIZE];
    char name[PL_TEXT_SIZE]; //  an organisation's name: store only, never on a stream
    char sector[PL_ID_SIZE];
    bool client_org;
    bool requirements[PL_REQUIREMENTS];
} host_t;

typedef struct {
    char id[PL_ID_SIZE];
    char office[PL_ID_SIZE];
    char host[PL_ID_SIZE];
    char function[PL_ID_SIZE];
    char sector[PL_ID_SIZE]; //  the host's, copied when opened
    int hours_min, hours_max;
    char filled_by[PL_ID_SIZE]; //  the started placement not yet ended, or empty
} vacancy_t;

typedef enum { PS_PROPOSED, PS_STARTED, PS_ENDED } pstatus_t;

typedef struct {
    char id[PL_ID_SIZE];
    char office[PL_ID_SIZE];
    char candidate[PL_ID_SIZE];
    char vacancy[PL_ID_SIZE];
    char host[PL_ID_SIZE];
    int hours;
    char start[11];                //  planned start
    char proposed[11];             //  date of the proposal, may be empty
    char supervisor[PL_TEXT_SIZE]; //  people: store only, never on a stream
    char buddy[PL_TEXT_SIZE];
    pstatus_t status;
    char signed_on[PL_AGREEMENTS][11]; //  empty until signed
    char started[11];
    char planned_end[11];
    char ended[11];
    int outcome; //  index in placement_outcomes, -1 until ended
    uint32_t contacts;
} placement_t;

extern const char *const host_requirements[];
extern const char *const placement_statuses[];
extern const char *const placement_agreements[];
extern const char *const placement_outcomes[];
#define OUTCOME_PAID_JOB 0
#define OUTCOME_LAST     3
extern const char *const placement_contact_with[];
extern const char *const paid_job_employer_kinds[];
extern const char *const paid_job_contracts[];

//  A kind of record: its table, the noun used in messages, where its id
//  and office are, and how it is packed.
typedef struct {
    const store_table_t *table;
    const char *noun;
    size_t size;
    size_t id_at, office_at;
    void (*pack) (const void *rec, kv_t *kv);
    void (*unpack) (void *rec, const msgpack_object *map);
} rec_kind_t;

extern const rec_kind_t rec_known, rec_host, rec_vacancy, rec_placement;

//  Decodes a stored record; -1 when it is not one.
int rec_decode (const rec_kind_t *kind, const void *data, size_t size, void *rec);
//  0 found, 1 absent, -1 store failure or unreadable record.
int rec_get (store_tx_t *tx, const rec_kind_t *kind, const char *id, void *rec);
int rec_put (store_tx_t *tx, const rec_kind_t *kind, const void *rec);

//  For handlers: loads a record of the command's office; a record of
//  another office does not exist for the caller (not_found on field).
int rec_load (cmd_ctx_t *ctx, const rec_kind_t *kind, const char *id, const char *field,
              void *rec);
int rec_save (cmd_ctx_t *ctx, const rec_kind_t *kind, const void *rec);

//  Create commands keep the body they were first given, so a repeat can be
//  told apart from a reuse of the id. Returns 0 when id is new, 1 when the
//  body repeats the first one, -1 after cmd_fail (conflict or store).
int rec_created (cmd_ctx_t *ctx, const rec_kind_t *kind, const char *id);
int rec_remember (cmd_ctx_t *ctx, const rec_kind_t *kind, const char *id);
//  Drops what rec_remember kept (erasure).
int rec_forget (store_tx_t *tx, const rec_kind_t *kind, const char *id);

//  The id a create command names, or a fresh one with the given prefix.
void rec_new_id (cmd_ctx_t *ctx, const char *prefix, char id[PL_ID_SIZE]);
//  The business date of a command that may carry one, or NULL.
const char *rec_date (cmd_ctx_t *ctx, char date[11]);
//  True when a person's name holds more than blanks.
bool rec_named (const char *text);
//  Whole days from a to b (dates already valid); 0 when either is not.
int rec_days (const char *a, const char *b);
//  The same calendar day a year later (29 February: 28 February).
void rec_year_later (const char *date, char out[11]);
//  Packs the names of the set flags as an array under key.
void rec_pack_flags (kv_t *kv, const char *key, const bool *flags, bool set,
                     const char *const *names, int count);

#endif
