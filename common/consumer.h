/*  consumer - follows one producer instance's stream into this service's
    store: the position (last seq applied) is stored in the same transaction
    as the state derived from the events, so after a crash the service goes
    on exactly where its last commit left it. PUB messages are only hints;
    replay is the durable path and fills every gap.  */
#ifndef OPSTAP_CONSUMER_H
#define OPSTAP_CONSUMER_H

#include <czmq.h>

#include "keys.h"
#include "store.h"

//  producer instance -> the last seq applied (8 bytes, big-endian).
extern const store_table_t consumer_positions[1];
#define CONSUMER_TABLES consumer_positions

//  Applies one event inside the consumer's transaction (nested: a refusal
//  undoes only this event's changes). Returns 0 when applied or ignored.
//  -1 with a store failure aborts the batch, which is fetched and applied
//  again; -1 otherwise means the event cannot be used: it is logged and
//  passed, so one bad event never stalls the stream.
typedef int (consumer_apply_fn) (store_tx_t *tx, const msgpack_object *event, void *arg);
//  Called after the position advanced (committed).
typedef void (consumer_progress_fn) (void *arg);

typedef struct _consumer_t consumer_t;

//  Follows instance (of service) at the given endpoints. The store must
//  hold the CONSUMER_TABLES. NULL on failure.
consumer_t *consumer_new (store_t *store, const char *service, const char *instance,
                          const char *events_ep, const char *replay_ep,
                          consumer_apply_fn *apply, void *arg, keys_t *keys);
void consumer_destroy (consumer_t **self_p);

//  Registers the consumer's sockets and timer with loop and starts replay.
int consumer_attach (consumer_t *self, zloop_t *loop, consumer_progress_fn *progress,
                     void *progress_arg);
//  Asks the producer for anything new now (a caller is waiting).
void consumer_poke (consumer_t *self);

const char *consumer_service (consumer_t *self);
const char *consumer_instance (consumer_t *self);
uint64_t consumer_position (consumer_t *self);
//  The producer's head as last heard.
uint64_t consumer_head (consumer_t *self);

//  Pure readers of what a producer sends (the fuzz targets call them).
//  A replay answer {ok, head, events}: its head (0 when absent) and events
//  array; -1 when it is not one.
int consumer_read_answer (const msgpack_object *root, uint64_t *head,
                          const msgpack_object **events, uint32_t *count);
//  The seq of an event (replayed, or a PUB hint's body), 0 when it has none.
uint64_t consumer_event_seq (const msgpack_object *event);

#endif
