/*  section - the raw figures of one report section (an office, or the
    total) before disclosure control, the code lists they are broken down
    by, and the per-section readers of the aggregates.  */
#ifndef OPSTAP_REPORTING_SECTION_H
#define OPSTAP_REPORTING_SECTION_H

#include "agg.h"

#define RS_REASONS     6
#define RS_REFERRALS   7
#define RS_STAGES      4
#define RS_STAGNATIONS 5
#define RS_KINDS       8
#define RS_SETTINGS    3
#define RS_OUTCOMES    4
#define RS_ABOUTS      4
#define RS_GRADES      19 //  1.0, 1.5, ... 10.0
#define RS_MEETINGS    10 //  meeting numbers 1 .. 10

//  The code lists, in the order the report shows them (DOMAIN.md).
extern const char *const rs_reasons[];
extern const char *const rs_referrals[];
extern const char *const rs_stages[];
extern const char *const rs_stagnations[];
extern const char *const rs_kinds[];
extern const char *const rs_settings[];
extern const char *const rs_outcomes[];
extern const char *const rs_abouts[];
extern const char *const rs_grades[];

//  Counts by an open list of labels, kept sorted by label.
typedef struct {
    char label[AGG_ID];
    int64_t n;
} rs_tally_item_t;

typedef struct {
    rs_tally_item_t *items;
    size_t count, size;
} rs_tally_t;

int rs_tally_add (rs_tally_t *self, const char *label, int64_t n);

typedef struct {
    int64_t registered, eligible, not_eligible, by_reason[RS_REASONS];
    int64_t info_session_attended, admitted, deferred, declined, withdrawn;
    int64_t referral[RS_REFERRALS], stage[RS_STAGES], stagnation[RS_STAGNATIONS];
    int64_t in_motion;
    rs_tally_t deferral_reasons;
} rs_intake_t;

typedef struct {
    int64_t experts, fte_e4, paid, volunteer; //  fte in ten-thousandths
    int64_t count[RS_KINDS], minutes[RS_KINDS], setting_minutes[RS_SETTINGS];
    int64_t clients_reached, talks;
} rs_experts_t;

typedef struct {
    int64_t cohorts_started, cohorts_waiting, enrolled;
    //  Attendance: presences, member places, basis. A basis is exact below
    //  the period's k and may be read short at k or more (training_agg.c).
    int64_t present, places, members;
    //  The same per meeting number (index number - 1).
    int64_t by_present[RS_MEETINGS], by_places[RS_MEETINGS], by_members[RS_MEETINGS];
    int64_t certificates, goals, goals_smart, reflections_signed;
} rs_training_t;

//  How many paid jobs came that many days after their placement's start.
typedef struct {
    int64_t days, n;
} rs_days_item_t;

typedef struct {
    int64_t hosts, vacancies_open, started, active, ended[RS_OUTCOMES], ended_total;
    int64_t paid_jobs, paid_jobs_20h, under_2_contacts, hours;
    //  Days from start to the period's paid jobs as (value, count) pairs
    //  sorted by value, so memory follows distinct values, not jobs.
    rs_days_item_t *days;
    size_t day_count, day_size; //  distinct values
    int64_t day_total;          //  paid jobs in them
} rs_placement_t;

typedef struct {
    int64_t invited, responded, grades[RS_GRADES];
} rs_survey_t;

typedef struct {
    rs_intake_t intake;
    rs_experts_t experts;
    rs_training_t training;
    rs_placement_t placement;
    rs_survey_t satisfaction[RS_ABOUTS];
} rs_section_t;

void rs_section_init (rs_section_t *self);
void rs_section_destroy (rs_section_t *self);
//  Adds the figures of other (another office) to self.
int rs_section_merge (rs_section_t *self, const rs_section_t *other);
//  Adds n paid jobs that came days after their start.
int rs_days_add (rs_placement_t *self, int64_t days, int64_t n);
//  The median of the days (the mean of the middle two when even), 0 when
//  there are none.
double rs_days_median (const rs_placement_t *self);

//  The report period of a query, and the disclosure threshold in use (the
//  larger of the request's and the operator's): a basis that only decides
//  suppression may be read up to k and no further (training_agg.c).
typedef struct {
    const char *office;
    const char *from;
    const char *to;
    int64_t k;
} rs_period_t;

//  Each section's aggregates: apply an event of its stream (0 also when
//  the event is not one it uses; -1 only on a store failure) and read the
//  figures of an office over a period.
int intake_agg_apply (store_tx_t *tx, const agg_event_t *ev);
int intake_agg_read (store_tx_t *tx, const rs_period_t *p, rs_intake_t *out);
//  Erasure: moves every per-candidate record of id to token.
int intake_agg_erase (store_tx_t *tx, const char *id, const char *token);

int experts_agg_apply (store_tx_t *tx, const agg_event_t *ev);
int experts_agg_read (store_tx_t *tx, const rs_period_t *p, rs_experts_t *out);

int training_agg_apply (store_tx_t *tx, const agg_event_t *ev);
int training_agg_read (store_tx_t *tx, const rs_period_t *p, rs_training_t *out);
//  goal.set and goal.revised (goals_agg.c); the read fills goals and
//  goals_smart.
int goals_agg_apply (store_tx_t *tx, const agg_event_t *ev);
int goals_agg_read (store_tx_t *tx, const rs_period_t *p, rs_training_t *out);

int placement_agg_apply (store_tx_t *tx, const agg_event_t *ev);
int placement_agg_read (store_tx_t *tx, const rs_period_t *p, rs_placement_t *out);

int satisfaction_agg_apply (store_tx_t *tx, const agg_event_t *ev);
int satisfaction_agg_read (store_tx_t *tx, const rs_period_t *p,
                           rs_survey_t out[RS_ABOUTS]);

#endif
