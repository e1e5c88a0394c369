/*  records - what intake stores: the record of each candidate, its
    contact details apart, and the tables that hold them.  */
#ifndef OPSTAP_INTAKE_RECORDS_H
#define OPSTAP_INTAKE_RECORDS_H

#include "codec.h"
#include "digest.h"
#include "intake_event.h"
#include "kv.h"

//  candidates     id -> the candidate record; beside it (rids.h, evlog.h)
//                 the replies remembered for it and its events' index
//  registrations  id -> a registration's whole body, in stores written
//                 before its digest was kept in the record: read to tell a
//                 repeat, deleted on erasure, never written
//  contacts       id -> the contact details as sent; only candidate.get
//                 reads them
//  ended          id -> when the trajectory ended (retention.h)
extern const store_table_t intake_candidates[1], intake_registrations[1],
    intake_contacts[1], intake_ended[1];

#define CANDIDATE_CRITERIA   5
#define CANDIDATE_STAGES_MAX 200

typedef struct {
    int8_t stage;
    int8_t stagnation; //  -1 when none
    char date[11];
} stage_entry_t;

typedef struct {
    char id[CODEC_ID_MAX + 1];
    char office[CODEC_ID_MAX + 1];
    int birth_year;
    int referral, benefit, treatment;
    bool criteria[CANDIDATE_CRITERIA];
    bool consent_evaluation;
    char wish_function[CODEC_ID_MAX + 1];
    char wish_sector[CODEC_ID_MAX + 1];
    candidate_status_t status;
    bool eligible;
    bool age_ok;
    char registered[11];
    char info_session[11]; //  empty until attended
    char admitted[11];
    char status_date[11];
    char reason[CODEC_ID_MAX + 1]; //  of deferral, decline or withdrawal
    char until[11];                //  end of a deferral
    uint32_t stage_count;
    stage_entry_t stages[CANDIDATE_STAGES_MAX];
    //  Of the registration's body (obj_digest), to tell a repeat from
    //  another registration under the same id; empty in stores written
    //  before it was kept.
    char digest[DIGEST_MAX + 1];
} candidate_t;

extern const char *const candidate_referrals[];
extern const char *const candidate_benefits[];
extern const char *const candidate_treatments[];
extern const char *const candidate_criteria[];
extern const char *const candidate_stages[];
extern const char *const candidate_stagnations[];
extern const char *const candidate_mechanisms[];
//  The stage each stagnation belongs to; -1: any stage.
extern const int candidate_stagnation_stage[];

//  Stores the record in the candidates table, keyed by its id.
int candidate_store (const candidate_t *self, store_tx_t *tx);
//  Reads a record stored by candidate_store; -1 when it is not one (every
//  code in range, so that it can name nothing it should not).
int candidate_unpack (candidate_t *self, const void *data, size_t size);
//  Works out age_ok and eligible from the registration (age by birth year
//  on the registration date, 18-60).
void candidate_assess (candidate_t *self);
//  The eligibility reasons (criteria names and "age") into a list field.
void candidate_reasons (const candidate_t *self, kv_t *kv, const char *key);
//  Fills the public fields of the record (no contact details).
void candidate_describe (const candidate_t *self, kv_t *kv);

#endif
