/*  opstap - the command-line tool: declarations shared by its subcommands
    (DOMAIN.md section 4, proto/PROTOCOL.md).  */
#ifndef OPSTAP_CLI_H
#define OPSTAP_CLI_H

#include "codec.h"
#include "directory.h"
#include "json.h"
#include "keys.h"

#include <czmq.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

//  Exit codes: every reply ok / some reply was an error / usage or
//  connection problem.
#define OPSTAP_EXIT_OK    0
#define OPSTAP_EXIT_ERROR 1
#define OPSTAP_EXIT_USAGE 2

//  Protocol limit on a request body (PROTOCOL.md section 2).
#define OPSTAP_MAX_BODY (256 * 1024)

//  What every subcommand gets: where the instances are and how long to
//  wait for one reply.
typedef struct {
    directory_t *directory;
    int timeout_ms;
    keys_t *keys; //  from OPSTAP_KEYS and OPSTAP_CERT; NULL: no encryption
    //  Per directory entry, whether its handshake was checked this run:
    //  -1 not yet, else a handshake_t (handshake.h).
    int *handshakes;
} opstap_t;

int opstap_submit (opstap_t *opstap, int argc, char **argv);
int opstap_tail (opstap_t *opstap, int argc, char **argv);
int opstap_status (opstap_t *opstap, int argc, char **argv);
int opstap_report (opstap_t *opstap, int argc, char **argv);
int opstap_keys (opstap_t *opstap, int argc, char **argv);
int opstap_audit (opstap_t *opstap, int argc, char **argv);
int opstap_erase_status (opstap_t *opstap, int argc, char **argv);
int opstap_endpoints (opstap_t *opstap, int argc, char **argv);

//  Prints the reason and where help is on stderr; returns OPSTAP_EXIT_USAGE.
int opstap_usage_error (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

//  0 when the directory lists an instance of service; else a usage error
//  that names the services it lists.
int opstap_known_service (opstap_t *opstap, const char *service);
//  0 when office is an identifier that an instance of service may serve (one
//  serving every office, "*", may); else a usage error naming the offices
//  the directory lists for it. NULL office: 0.
int opstap_known_office (opstap_t *opstap, const char *service, const char *office);
//  0 when the instance accepts this client's handshake, or did not answer
//  soon enough to tell (it may be down: the request itself finds out); -1
//  after saying on stderr why it refused (no keys, or a key it does not
//  know). Checked once per instance and run.
int opstap_handshake (opstap_t *opstap, const dir_entry_t *entry);
//  Whether the instance was found to refuse this client's handshake.
bool opstap_refused (opstap_t *opstap, const dir_entry_t *entry);

//  Copies a str object into buf with a terminator; -1 when obj is not a str,
//  holds a NUL byte or does not fit.
int opstap_str (const msgpack_object *obj, char *buf, size_t size);
//  -1 when obj is not a non-negative integer.
int opstap_uint (const msgpack_object *obj, uint64_t *value);
//  Writes obj as one JSON line and flushes, so a reader sees each reply at once.
int opstap_print (const msgpack_object *obj, FILE *out);

//  A reply: one frame holding one MessagePack map.
typedef struct _reply_t reply_t;

const msgpack_object *reply_root (reply_t *self);
//  True when the reply says "ok": true.
bool reply_ok (reply_t *self);
void reply_destroy (reply_t **self_p);

//  The endpoints a client talks to; events are subscribed to directly.
typedef enum { CLIENT_COMMAND = 0, CLIENT_REPLAY = 1 } client_ep_t;

//  One DEALER socket per instance and endpoint, connected on first use and
//  kept for the run.
typedef struct _client_t client_t;

client_t *client_new (directory_t *directory, keys_t *keys);
//  A socket of the given type connected to endpoint of the instance, with
//  CURVE when the client has keys; NULL with a message on stderr.
zsock_t *client_socket (client_t *self, const dir_entry_t *entry, int type,
                        const char *endpoint);
void client_destroy (client_t **self_p);
const char *client_endpoint (const dir_entry_t *entry, client_ep_t ep);
//  Sends body as one frame; -1 (with a message on stderr) when the
//  endpoint cannot be used.
int client_send (client_t *self, const dir_entry_t *entry, client_ep_t ep,
                 const void *body, size_t size);
//  Waits until deadline (zclock_mono) for a reply. With rid, replies that
//  echo another rid are stale and skipped. NULL on timeout or interrupt.
reply_t *client_recv (client_t *self, const dir_entry_t *entry, client_ep_t ep,
                      const char *rid, int64_t deadline);
//  Drops the socket, and with it any unanswered request and late reply.
void client_reset (client_t *self, const dir_entry_t *entry, client_ep_t ep);
//  Sends and waits timeout_ms, resending the same bytes on a fresh socket up
//  to attempts times in all. NULL when no reply came (or on interrupt).
reply_t *client_request (client_t *self, const dir_entry_t *entry, client_ep_t ep,
                         const void *body, size_t size, const char *rid, int timeout_ms,
                         int attempts);

#endif
