/*  handshake - whether an instance accepts this client's security
    (handshake.h).  */
#include "handshake.h"

#include <czmq.h>
#include <string.h>

#define HANDSHAKE_EVENTS                                                                 \
    (ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL                \
     | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH             \
     | ZMQ_EVENT_CONNECT_RETRIED)

//  The sentence for a failed handshake: what the failure means from where
//  this client stands (with keys or without).
static void
s_explain (bool keyed, uint16_t event, uint32_t value, const dir_entry_t *entry,
           char *why, size_t size)
{
    const char *what;
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        what = "it does not know this client's key (OPSTAP_CERT): add the key to its "
               "keys directory (opstap keys --add), or it was revoked";
    else if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH && !keyed)
        what = "it uses CURVE: these services may need keys (OPSTAP_KEYS)";
    else if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
        what = "it runs without keys: unset OPSTAP_KEYS for these services";
    else if (keyed)
        what = "the CURVE handshake failed: is the keys directory's public key of "
               "the instance its current one?";
    else
        what = "the handshake failed: these services may need keys (OPSTAP_KEYS)";
    snprintf (why, size, "%s at %s refused the connection: %s", entry->instance,
              entry->command, what);
}

//  Reads one monitor event: its number and value.
static int
s_event (zsock_t *monitor, uint16_t *event, uint32_t *value)
{
    zmsg_t *msg = zmsg_recv (monitor);
    zframe_t *first = msg ? zmsg_first (msg) : NULL;
    int rc = first && zframe_size (first) == 6 ? 0 : -1;
    if (rc == 0) {
        memcpy (event, zframe_data (first), sizeof *event);
        memcpy (value, zframe_data (first) + 2, sizeof *value);
    }
    zmsg_destroy (&msg);
    return rc;
}

static handshake_t
s_watch (zsock_t *monitor, bool keyed, const dir_entry_t *entry, int timeout_ms,
         char *why, size_t size)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (!zsys_interrupted) {
        int64_t left = deadline - zclock_mono ();
        if (left <= 0)
            break;
        zmq_pollitem_t item = {zsock_resolve (monitor), 0, ZMQ_POLLIN, 0};
        if (zmq_poll (&item, 1, (long) left) <= 0)
            continue; //  timed out or interrupted: the tests above decide
        uint16_t event = 0;
        uint32_t value = 0;
        if (s_event (monitor, &event, &value))
            continue;
        if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
            return HANDSHAKE_OK;
        //  Nothing listens: down, which the caller finds out its own way.
        if (event == ZMQ_EVENT_CONNECT_RETRIED)
            return HANDSHAKE_UNKNOWN;
        s_explain (keyed, event, value, entry, why, size);
        return HANDSHAKE_REFUSED;
    }
    return HANDSHAKE_UNKNOWN;
}

handshake_t
handshake_check (keys_t *keys, const dir_entry_t *entry, int timeout_ms, char *why,
                 size_t size)
{
    *why = 0;
    zsock_t *probe = zsock_new (ZMQ_DEALER);
    zsock_t *monitor = zsock_new (ZMQ_PAIR);
    if (!probe || !monitor) {
        zsock_destroy (&probe);
        zsock_destroy (&monitor);
        return HANDSHAKE_UNKNOWN;
    }
    zsock_set_linger (probe, 0);
    char err[256] = "";
    if (keys && keys_connect (keys, probe, entry->instance, err, sizeof err)) {
        snprintf (why, size, "%s", err);
        zsock_destroy (&probe);
        zsock_destroy (&monitor);
        return HANDSHAKE_REFUSED;
    }
    //  The socket's address makes the monitor's name unique in the process.
    char *address = zsys_sprintf ("inproc://opstap-handshake-%p", (void *) probe);
    handshake_t verdict = HANDSHAKE_UNKNOWN;
    if (zmq_socket_monitor (zsock_resolve (probe), address, HANDSHAKE_EVENTS) == 0
        && zsock_connect (monitor, "%s", address) == 0
        && zsock_connect (probe, "%s", entry->command) == 0)
        verdict = s_watch (monitor, keys != NULL, entry, timeout_ms, why, size);
    zmq_socket_monitor (zsock_resolve (probe), NULL, 0);
    zsock_destroy (&probe);
    zsock_destroy (&monitor);
    zstr_free (&address);
    return verdict;
}
