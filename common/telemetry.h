/*  telemetry - what one service instance exports over HTTP: its metrics
    (commands by outcome, commit batch sizes, reply latency, stream head,
    each consumer's position and lag, store size, parked commands) and its
    health, served by an http_t on the instance's metrics endpoint
    (directory column 7, default command port + 3).

    The runtime counts through telemetry_command and telemetry_batch; the
    figures that are read rather than counted are read from the service at
    each scrape.  */
#ifndef OPSTAP_TELEMETRY_H
#define OPSTAP_TELEMETRY_H

#include <czmq.h>

#include "directory.h"
#include "metrics.h"

typedef struct _telemetry_t telemetry_t;

//  Called at each scrape to fill in the read figures through the setters
//  below.
typedef void (telemetry_read_fn) (telemetry_t *self, void *arg);

//  Serves entry's metrics endpoint. When the entry names none (metrics "")
//  or it cannot be bound (logged as event=metrics.off), it counts but serves
//  nothing. NULL with a reason in err only when out of memory.
telemetry_t *telemetry_new (const dir_entry_t *entry, const char *service, char *err,
                            size_t errlen);
void telemetry_destroy (telemetry_t **self_p);
//  Registers the HTTP socket with loop (destroy telemetry after the loop).
int telemetry_attach (telemetry_t *self, zloop_t *loop, telemetry_read_fn *read,
                      void *arg);

//  One command answered: its name ("unknown" for one the service does not
//  have, so odd names from the network make no new series), "ok" or the
//  error code's name, and the milliseconds since it arrived.
void telemetry_command (telemetry_t *self, const char *cmd, const char *outcome,
                        int64_t elapsed_ms);
//  One transaction committed (or failed) with count commands; ok false when
//  the store failed, which turns /health to 503 until a commit succeeds.
void telemetry_batch (telemetry_t *self, size_t count, bool ok);

//  The read figures, from telemetry_read_fn.
void telemetry_stream (telemetry_t *self, uint64_t head, size_t parked);
void telemetry_consumer (telemetry_t *self, const char *service, const char *instance,
                         uint64_t position, uint64_t head);
void telemetry_store (telemetry_t *self, size_t used, size_t mapsize);

//  The metrics endpoint served, "" when none.
const char *telemetry_endpoint (telemetry_t *self);

#endif
