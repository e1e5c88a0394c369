/*  digest - a fingerprint of a MessagePack value that does not depend on
    the order of map keys: two values that obj_same calls equal have the
    same digest.  */
#ifndef OPSTAP_DIGEST_H
#define OPSTAP_DIGEST_H

#include "codec.h"

#define DIGEST_HEX 40

//  SHA-1 (as 40 hex digits) of obj, leaving out the top-level map keys in
//  skip (NULL-terminated, or NULL). Returns 0, or -1 when out of memory.
int obj_digest (const msgpack_object *obj, const char *const *skip,
                char out[DIGEST_HEX + 1]);

#endif
