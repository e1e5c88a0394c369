/*  testkit - what the tests share: checks that count failures, temporary
    data directories, free ports, a JSON client for a service's command and
    replay endpoints, and child processes stopped by pid.  */
#ifndef OPSTAP_TESTKIT_H
#define OPSTAP_TESTKIT_H

#include <czmq.h>
#include <stdarg.h>
#include <sys/types.h>

#include "codec.h"
#include "directory.h"
#include "service.h"

//  A failed check prints where and what, and the test goes on; tk_done
//  gives the exit code.
#define CHECK(cond) tk_check ((cond), __FILE__, __LINE__, #cond)
int tk_check (int ok, const char *file, int line, const char *what);
int tk_done (const char *name);

//  A fresh directory under /tmp, removed by tk_rmdir.
char *tk_tmpdir (void);
void tk_rmdir (char **path_p);
//  A port base with the 60 ports after it free on 127.0.0.1.
int tk_port_base (void);
//  A directory file with the loopback defaults at base, written in dir;
//  returns its path (free it).
char *tk_write_config (const char *dir, int base);

//  Appends a line for the test follower (service "follower", at base+50).
int tk_add_follower (const char *config, int base);

//  The rest of a candidate.register body after its envelope and id: an
//  eligible candidate registered on 2020-01-06.
#define TK_REGISTER_REST                                                                 \
    "\"birth_year\":1980,\"referral\":\"self\",\"benefit\":\"none\","                    \
    "\"treatment\":\"done\",\"criteria\":{\"psych_limitation\":true,\"motivated\":true," \
    "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_work\":true},"    \
    "\"consent\":{\"processing\":true,\"evaluation_contact\":false},"                    \
    "\"date\":\"2020-01-06\"}"

//  A reply or event, decoded.
typedef struct _tk_msg_t tk_msg_t;
//  NULL when data is not one MessagePack value.
tk_msg_t *tk_msg_new (const void *data, size_t size);
void tk_msg_destroy (tk_msg_t **self_p);
//  The next message on sock, decoded; NULL after the socket's receive
//  timeout or when it is not one MessagePack value.
tk_msg_t *tk_recv (zsock_t *sock);
const msgpack_object *tk_root (tk_msg_t *self);
//  Value at a dotted path ("error.code", "position.seq", "events.2.type").
const msgpack_object *tk_get (tk_msg_t *self, const char *path);
//  The string at path, or "" (copied into a buffer owned by the message).
const char *tk_str (tk_msg_t *self, const char *path);
int64_t tk_int (tk_msg_t *self, const char *path);
bool tk_ok (tk_msg_t *self);
//  The error code, or "" when ok.
const char *tk_code (tk_msg_t *self);
//  The reply as JSON (free it).
char *tk_json (tk_msg_t *self);

typedef struct _tk_client_t tk_client_t;
tk_client_t *tk_client_new (const char *endpoint);
void tk_client_destroy (tk_client_t **self_p);
//  Sends a JSON command (printf-style), waits up to 5 s; NULL on timeout.
tk_msg_t *tk_call (tk_client_t *self, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
//  Sends raw bytes as one frame (or several frames) and waits for a reply.
tk_msg_t *tk_call_raw (tk_client_t *self, const void *data, size_t size);
tk_msg_t *tk_call_frames (tk_client_t *self, zmsg_t **msg_p);
//  Calls and checks the reply is ok (or has the error code); prints the
//  reply when it is not, with the caller's file and line. Returns the reply
//  (destroy it) or NULL.
#define tk_expect(self, code, ...)                                                       \
    tk_expect_at (__FILE__, __LINE__, self, code, __VA_ARGS__)
tk_msg_t *tk_expect_at (const char *file, int line, tk_client_t *self, const char *code,
                        const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));
//  Starts def as an in-process actor with its store under dir (defaults for
//  everything else); NULL, a failed check and the reason when it cannot.
#define tk_start(...) tk_start_at (__FILE__, __LINE__, __VA_ARGS__)
zactor_t *tk_start_at (const char *file, int line, const service_def_t *def,
                       const char *instance, const char *dir, directory_t *directory);
//  Sends a command that must succeed and keeps its stream position in *seq,
//  for the "after" of later commands to other services.
#define tk_command(self, seq, ...)                                                       \
    tk_command_at (__FILE__, __LINE__, self, seq, __VA_ARGS__)
void tk_command_at (const char *file, int line, tk_client_t *self, int64_t *seq,
                    const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));
void tk_vcommand (const char *file, int line, tk_client_t *self, int64_t *seq,
                  const char *fmt, va_list args);
//  Fetches every event from seq from on a replay endpoint: an array of
//  tk_msg_t * in order (destroy with tk_events_destroy).
zlistx_t *tk_replay_all (const char *endpoint, uint64_t from);
void tk_events_destroy (zlistx_t **events_p);

//  Child processes: argv NULL-terminated; env entries "K=V" added.
pid_t tk_spawn (const char *const *argv, const char *const *env, const char *log);
//  Sends sig and waits for the child; returns its exit status or -1.
int tk_stop (pid_t pid, int sig);
//  Waits until an endpoint answers service.status (up to seconds).
int tk_wait_up (const char *endpoint, int seconds);

#endif
