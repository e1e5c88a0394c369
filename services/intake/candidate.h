/*  candidate - the intake record of one candidate and its stored form.  */
#ifndef OPSTAP_CANDIDATE_H
#define OPSTAP_CANDIDATE_H

#include "codec.h"
#include "digest.h"
#include "kv.h"

#define CANDIDATE_CRITERIA   5
#define CANDIDATE_STAGES_MAX 200

typedef enum {
    ST_REGISTERED,
    ST_INFO_SESSION_ATTENDED,
    ST_ADMITTED,
    ST_DEFERRED,
    ST_DECLINED,
    ST_WITHDRAWN
} status_t;

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
    status_t status;
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
extern const char *const candidate_statuses[];
extern const char *const candidate_criteria[];
extern const char *const candidate_stages[];
extern const char *const candidate_stagnations[];
extern const char *const candidate_mechanisms[];
//  The stage each stagnation belongs to; -1: any stage.
extern const int candidate_stagnation_stage[];

//  Stores the record in the candidates table, keyed by its id.
int candidate_store (const candidate_t *self, store_tx_t *tx);
//  Reads a record stored by candidate_store; -1 when it is not one.
int candidate_unpack (candidate_t *self, const void *data, size_t size);
//  Works out age_ok and eligible from the registration (age by birth year
//  on the registration date, 18-60).
void candidate_assess (candidate_t *self);
//  The eligibility reasons (criteria names and "age") into a list field.
void candidate_reasons (const candidate_t *self, kv_t *kv, const char *key);
//  Fills the public fields of the record (no contact details).
void candidate_describe (const candidate_t *self, kv_t *kv);

#endif
