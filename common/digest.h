/*  digest - a fingerprint of a MessagePack value that does not depend on
    the order of map keys: two values that obj_same calls equal have the
    same digest.  */
#ifndef OPSTAP_DIGEST_H
#define OPSTAP_DIGEST_H
#include "codec.h"

#define DIGEST_HEX 32 //  what obj_digest writes
#define DIGEST_MAX 40 //  what a stored digest may hold (the first version's)

//  The digest (DIGEST_HEX hex digits) of obj, leaving out the top-level map
//  keys in skip (NULL-terminated, or NULL). Returns 0.
int obj_digest (const msgpack_object *obj, const char *const *skip,
                char out[DIGEST_MAX + 1]);
//  Whether digest, of this version or the first (SHA-1, 40 digits), is
//  obj's.
bool obj_digest_is (const msgpack_object *obj, const char *const *skip,
                    const char *digest);
#endif
