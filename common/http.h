/*  http - a minimal HTTP/1.0 and 1.1 responder for health checks and
    Prometheus scrapes, on a ZeroMQ ZMQ_STREAM socket so it runs in the
    service's own zloop, without threads.

        GET /metrics  200, text/plain; version=0.0.4, the metrics rendered
        GET /health   200 {"status":"ok"}, or 503 when set unhealthy
        GET other     404;  other methods 405;  a bad request line, a
                      request over HTTP_REQUEST_MAX bytes: 400

    Every connection is closed after its one response; one that sends no
    complete request within HTTP_IDLE_MS is closed, and at most
    HTTP_CONN_MAX are open at once (more are closed at once).  */
#ifndef OPSTAP_HTTP_H
#define OPSTAP_HTTP_H

#include <czmq.h>

#include "metrics.h"

#define HTTP_REQUEST_MAX 4096
#define HTTP_CONN_MAX    32
#define HTTP_IDLE_MS     5000

typedef struct _http_t http_t;

//  Binds a ZMQ_STREAM socket at endpoint ("tcp://127.0.0.1:7103"); metrics
//  is not owned (NULL: /metrics answers 404). NULL and a reason in err when
//  the endpoint cannot be bound.
http_t *http_new (const char *endpoint, metrics_t *metrics, char *err, size_t errlen);
//  Destroy it after the loop it was attached to (as with any socket there).
void http_destroy (http_t **self_p);

//  Registers the socket and the idle timer with loop.
int http_attach (http_t *self, zloop_t *loop);

//  What /health says: healthy, or 503 with reason (NULL: none).
void http_set_health (http_t *self, bool healthy, const char *reason);

//  The endpoint bound, with the port resolved when bound to "*".
const char *http_endpoint (http_t *self);

#endif
