/*  evlog - the per-instance event stream, kept in the instance's store.
    Events have big-endian uint64 keys (seq 1, 2, 3, ...) so LMDB's order
    is the stream's order. Each event may name a subject (a candidate id)
    so erasure can find and pseudonymise its events: an index entry is the
    subject, a NUL and the event's seq, with an empty value.  */
#ifndef OPSTAP_EVLOG_H
#define OPSTAP_EVLOG_H

#include "kv.h"
#include "store.h"

//  The stream (seq -> event) and the subject index (subject NUL seq ->
//  ""), unless a service keeps the index in a table of its own. A
//  service's store must hold both (EVLOG_TABLES).
//  The stream's identity is in a table of its own ("epoch" -> 20 letters).
extern const store_table_t evlog_events[1], evlog_subjects[1], evlog_stream[1];
#define EVLOG_TABLES     evlog_events, evlog_subjects, evlog_stream
#define EVLOG_EPOCH_SIZE 21

typedef struct {
    const char *service;
    const char *instance;
    const char *type;
    const char *office;
    const char *date;    //  business date, NULL when none
    const char *subject; //  candidate the event is about, NULL when none
    //  The subject index's table, NULL: evlog_subjects. A service whose
    //  own table is keyed by the subjects names that table, so that an
    //  entry lands on the page of its subject's record (finding 12).
    const store_table_t *index;
} evlog_meta_t;

//  Appends one event made of the envelope and fields; its bytes are put in
//  out (cleared first). Returns its seq, 0 on failure.
uint64_t evlog_append (store_tx_t *tx, const evlog_meta_t *meta, const kv_t *fields,
                       msgpack_sbuffer *out);
//  The stream's epoch: made once, when the store has none (a new store, or
//  one written before epochs), and kept with it. A subscriber that finds
//  another epoch than the one it followed knows the producer's stream was
//  reset (proto/PROTOCOL.md). Call once in a write transaction at start.
int evlog_epoch_ensure (store_tx_t *tx);
//  The epoch into out, "" when none was made yet.
int evlog_epoch (store_tx_t *tx, char out[EVLOG_EPOCH_SIZE]);
//  Last seq stored, 0 when none.
uint64_t evlog_head (store_tx_t *tx);
//  The most events a replay request may ask for (proto/PROTOCOL.md).
#define EVLOG_REPLAY_MAX 1000

//  Packs the replay reply {ok, head, next, epoch, events} for events from
//  seq on.
int evlog_replay (store_tx_t *tx, uint64_t from, uint32_t max, msgpack_sbuffer *out);
//  Whether a subscriber may see an event of this office.
typedef bool (evlog_filter_fn) (const char *office, void *arg);
//  The same, with only the events filter accepts; "next" in the answer says
//  where to ask from next, since skipped events leave holes in the seqs.
int evlog_replay_filtered (store_tx_t *tx, uint64_t from, uint32_t max,
                           evlog_filter_fn *filter, void *filter_arg,
                           msgpack_sbuffer *out);
//  Erasure: rewrites every event about subject, replacing the subject's id
//  by token and dropping the named fields (NULL-terminated). Seqs stay.
//  index is the table the events were indexed in (NULL: evlog_subjects);
//  evlog_subjects is read as well, for events indexed before a service
//  named its own table. Events of type keep (NULL: none) are left as they
//  are, and stay indexed: an erasure's own event is rewritten only when
//  that erasure completes, never by a later erasure of the same id.
int evlog_pseudonymise (store_tx_t *tx, const store_table_t *index, const char *subject,
                        const char *token, const char *const *drop, const char *keep);
//  Rewrites one stored event: its string field named field, when it holds
//  value, holds token instead; seq and every other field stay. 0 also when
//  there is no such event or it holds another value.
int evlog_retoken (store_tx_t *tx, uint64_t seq, const char *field, const char *value,
                   const char *token);
//  Whether a key of a table holding a subject index is an index entry
//  (records' own keys hold no NUL).
bool evlog_index_key (const void *key, size_t klen);

#endif
