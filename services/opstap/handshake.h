/*  handshake - whether an instance accepts this client's security, found
    out in milliseconds rather than by waiting for replies that never come.

    A service with keys is a CURVE server: a client without keys (or with a
    key it does not know) completes no handshake, so its requests are never
    answered and it would wait out every timeout to say only "no reply".
    ZeroMQ reports the failed handshake on a socket monitor; handshake_check
    connects a probe socket, set up exactly as the client's, and reads it.  */
#ifndef OPSTAP_HANDSHAKE_H
#define OPSTAP_HANDSHAKE_H

#include "directory.h"
#include "keys.h"

#include <stddef.h>

typedef enum {
    HANDSHAKE_OK,      //  the instance accepted the handshake
    HANDSHAKE_REFUSED, //  it did not: why says what to do about it
    HANDSHAKE_UNKNOWN  //  nothing answered in time (down, or far away)
} handshake_t;

//  Connects to the instance's command endpoint (with CURVE when keys is not
//  NULL) and waits up to timeout_ms for the handshake's outcome; returns
//  early when nothing listens there. With HANDSHAKE_REFUSED, why holds a
//  sentence for people.
handshake_t handshake_check (keys_t *keys, const dir_entry_t *entry, int timeout_ms,
                             char *why, size_t size);

#endif
