/*  agg - the storage every section's aggregates share, in reporting's own
    LMDB and always inside the consumer's or the query's transaction.

    counts    office \0 metric \0 'D' YYYY-MM-DD  -> int64 (big-endian)
              office \0 metric \0 'M' YYYY-MM     -> int64, the month's sum
              Every change is written at both levels, so a sum over any
              [from, to] reads at most the days of the two edge months and
              one record per month between: the cost follows the length of
              the period, never the size of the history. A state "as of to"
              is kept as dated changes (+1 on the day it begins, -1 on the
              day it ends) and read as the sum from the first date on.
    grid      office \0 metric \0 L1 L2 \0 first \0 second -> int64 (or
              a metric's fixed vector of them, summed element-wise)
              Counts by two dates (grid.c), each at the day ('D', first or
              second a YYYY-MM-DD) and month ('M', a YYYY-MM) level, all four
              combinations written on every change. Read as the sum over
              first dates in [from, to] of the records whose second date is
              on or before a bound: per first day or month of the period,
              the second's months before the bound's month and its days in
              that month. Never the history of candidates, goals or talks.
    offices   office -> ""            every office any stream has named
    labels    office \0 kind \0 label -> ""  open vocabularies (deferral
              reasons) so a query knows which metrics to read
    distinct  office \0 kind \0 date \0 candidate -> int64
              per candidate and day (distinct.c): the days a candidate has
              a record, and how many
    links     candidate \0 office \0 kind \0 date -> ""
              every distinct record of a candidate, so erasure finds them
              and a new day finds the candidate's days before and after it
    Distinct candidates over a period are counted from counts and grid
    records that name no candidate (distinct.c). Keys hold ids, codes and
    dates only.  */
#ifndef OPSTAP_REPORTING_AGG_H
#define OPSTAP_REPORTING_AGG_H

#include "records.h"
#include "service.h"

#define AGG_ID     (CODEC_ID_MAX + 1)
#define AGG_KEY    512
#define AGG_FIRST  "1900-01-01" //  the first date a date field can hold
#define AGG_BEFORE "0000-00-00" //  a second date before every date (grid)
#define AGG_SLOTS  80           //  the most int64s one grid record holds

//  What every event carries, copied out of the message.
typedef struct {
    char service[AGG_ID];
    char type[64];
    char office[AGG_ID];
    //  The business date; the day of the recording time when the event has
    //  none (a create command whose date is optional), so it still falls in
    //  exactly one period and a rebuild puts it on the same day.
    char date[11];
    const msgpack_object *event;
} agg_event_t;

//  -1 when the event lacks a usable envelope (it is then ignored).
int agg_event (agg_event_t *self, const msgpack_object *event);
//  The event's str field copied into buf; "" when absent or too long.
const char *agg_str (const agg_event_t *self, const char *key, char *buf, size_t size);
//  The event's date field key as a valid date, or NULL.
const char *agg_date (const agg_event_t *self, const char *key, char buf[11]);
//  Index of value in a NULL-terminated list, -1 when absent.
int agg_index (const char *const *list, const char *value);

//  Counters. agg_add records delta for metric on date (and its month).
int agg_add (store_tx_t *tx, const char *office, const char *metric, const char *date,
             int64_t delta);
//  The same metric "<prefix>.<name>", for breakdowns by code.
int agg_add2 (store_tx_t *tx, const char *office, const char *prefix, const char *name,
              const char *date, int64_t delta);
//  Sum of metric over [from, to]; 0 on success, -1 on a store failure.
int agg_sum (store_tx_t *tx, const char *office, const char *metric, const char *from,
             const char *to, int64_t *sum);
int agg_sum2 (store_tx_t *tx, const char *office, const char *prefix, const char *name,
              const char *from, const char *to, int64_t *sum);
//  The state as of to: the sum of its changes from the first date on.
int agg_asof (store_tx_t *tx, const char *office, const char *metric, const char *to,
              int64_t *sum);

//  A period cut into what a sum reads: the days of a partial edge month
//  (level 'D', lo and hi dates) and the whole months between (level 'M',
//  lo and hi YYYY-MM). Returns how many (0 when from is after to).
typedef struct {
    char level;
    char lo[11], hi[11];
} agg_segment_t;
size_t agg_segments (const char *from, const char *to, agg_segment_t out[3]);
//  The month after (step 1) or before (step -1) a YYYY-MM (or a date's).
void agg_month_step (const char *date, int step, char out[8]);
bool agg_last_of_month (const char *date);

//  Counts by two dates (grid.c). agg_grid_add records delta for (first,
//  second); second may be AGG_BEFORE.
int agg_grid_add (store_tx_t *tx, const char *office, const char *metric,
                  const char *first, const char *second, int64_t delta);
//  Sum over first in [from, to] and second <= upto.
int agg_grid_sum (store_tx_t *tx, const char *office, const char *metric,
                  const char *from, const char *to, const char *upto, int64_t *sum);
//  The same with a vector of slots (1 .. AGG_SLOTS) counts per record, added
//  and summed element-wise: several figures of the same two dates cost one
//  record per cell instead of one grid each. A metric keeps one slot count.
int agg_grid_add_vec (store_tx_t *tx, const char *office, const char *metric,
                      const char *first, const char *second, const int64_t *delta,
                      size_t slots);
int agg_grid_sum_vec (store_tx_t *tx, const char *office, const char *metric,
                      const char *from, const char *to, const char *upto, int64_t *sum,
                      size_t slots);

//  Offices and open vocabularies.
int agg_note_office (store_tx_t *tx, const char *office);
typedef int (agg_name_fn) (const char *name, void *arg);
int agg_offices (store_tx_t *tx, agg_name_fn *fn, void *arg);
int agg_note_label (store_tx_t *tx, const char *office, const char *kind,
                    const char *label);
int agg_labels (store_tx_t *tx, const char *office, const char *kind, agg_name_fn *fn,
                void *arg);

//  Distinct candidates (distinct.c): adds n (> 0) to the candidate's
//  record of the day.
int agg_distinct_add (store_tx_t *tx, const char *office, const char *kind,
                      const char *date, const char *candidate, int64_t n);
//  Candidates with a record in [from, to] and the sum of their records,
//  read from counts and grid records only.
int agg_distinct (store_tx_t *tx, const char *office, const char *kind, const char *from,
                  const char *to, int64_t *candidates, int64_t *sum);
//  Erasure: moves every distinct record of id to token.
int agg_distinct_rekey (store_tx_t *tx, const char *id, const char *token);

//  Key helpers: parts joined by NUL bytes (ids, codes and dates never hold
//  one). Returns the key's length, 0 when it would not fit.
size_t agg_key (char out[AGG_KEY], const char *const *parts, size_t count);
void agg_put_i64 (uint8_t out[8], int64_t value);
//  Adds delta to the int64 under key in table (a record back at 0 goes).
int agg_count (store_tx_t *tx, const store_table_t *table, const char *key, size_t klen,
               int64_t delta);
//  The same for a vector of slots (1 .. AGG_SLOTS) int64s, element-wise.
int agg_count_vec (store_tx_t *tx, const store_table_t *table, const char *key,
                   size_t klen, const int64_t *delta, size_t slots);
int64_t agg_get_i64 (const void *data, size_t size);

#endif
