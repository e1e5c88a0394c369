/*  records - the feedback service's stored records: candidates as learnt
    from the intake stream, survey invitations with their response, and
    staff signals. Records are MessagePack maps; whatever is read is copied
    out at once, so nothing points into LMDB after the transaction.  */
#ifndef OPSTAP_FEEDBACK_RECORDS_H
#define OPSTAP_FEEDBACK_RECORDS_H

#include "service.h"

#define FB_ID_SIZE    (CODEC_ID_MAX + 1)
#define FB_TEXT_SIZE  (CODEC_TEXT_MAX + 1)
#define SURVEY_ABOUTS 4

//  candidates    id -> what feedback learnt of a candidate (known_t)
//  surveys       id -> an invitation with its response and texts
//  by_candidate  candidate NUL survey -> "": what erasure removes
//  signals       id -> a bottleneck signal with its text
extern const store_table_t fb_candidates[1], fb_surveys[1], fb_by_candidate[1],
    fb_signals[1];

//  What feedback knows of a candidate, learnt from candidate.registered.
typedef struct {
    char id[FB_ID_SIZE];
    char office[FB_ID_SIZE];
    bool evaluation_contact; //  consent to be asked for an evaluation
    char registered[11];
} known_t;

//  An invitation and, once given, its one response. The texts stay in this
//  store: no event and no list ever carries them.
typedef struct {
    char id[FB_ID_SIZE];
    char office[FB_ID_SIZE];
    char candidate[FB_ID_SIZE];
    int about; //  index in survey_abouts
    char invited[11];
    char responded[11];            //  empty until responded
    int half_points;               //  grade x 2 (2..20), 0 when not graded
    char experience[FB_TEXT_SIZE]; //  empty when not given
    char yield[FB_TEXT_SIZE];
    //  Where the survey's events are in this service's stream, so that
    //  erasure can replace the survey id there (0: no such event).
    uint64_t invited_seq;
    uint64_t responded_seq;
} survey_t;

typedef struct {
    char id[FB_ID_SIZE];
    char office[FB_ID_SIZE];
    char category[FB_ID_SIZE];
    char text[FB_TEXT_SIZE];
    char reported[11];
    char resolved[11]; //  empty while open
} signal_t;

extern const char *const survey_abouts[];
extern const char *const survey_statuses[];
extern const char *const signal_statuses[];

//  0 found, 1 absent, -1 store failure or unreadable record.
int known_get (store_tx_t *tx, const char *id, known_t *known);
int known_put (store_tx_t *tx, const known_t *known);
int survey_get_record (store_tx_t *tx, const char *id, survey_t *survey);
int survey_put_record (store_tx_t *tx, const survey_t *survey);
//  Index of the survey's status in survey_statuses.
int survey_status (const survey_t *survey);
int signal_get_record (store_tx_t *tx, const char *id, signal_t *signal);
int signal_put_record (store_tx_t *tx, const signal_t *signal);

//  Decoders for store_scan callbacks; -1 when the bytes are not a record.
int survey_decode (survey_t *survey, const void *data, size_t size);
int signal_decode (signal_t *signal, const void *data, size_t size);

//  For handlers: the id a create command names, or a fresh one.
void fb_new_id (cmd_ctx_t *ctx, const char *prefix, char id[FB_ID_SIZE]);

#endif
