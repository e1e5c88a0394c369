/*  json - conversion between JSON text (what people and the command-line
    tool read and write) and MessagePack (what goes over the wire).  */
#ifndef OPSTAP_JSON_H
#define OPSTAP_JSON_H

#include <czmq.h>
#include <msgpack.h>
#include <stddef.h>

//  Containers nested deeper than this are refused by json_to_msgpack.
#define JSON_MAX_DEPTH 32

//  Parses exactly one JSON value from text[0..len) (surrounding whitespace
//  allowed; text need not be NUL-terminated) and packs it into pk. Integers
//  without fraction or exponent become MessagePack integers, other numbers
//  float64. Returns 0, or -1 with "at byte N: reason" in err (N counts from
//  0); on error nothing is packed.
int json_to_msgpack (const char *text, size_t len, msgpack_packer *pk, char *err,
                     size_t errlen);

//  The same for a NUL-terminated text, as a MessagePack buffer in a new
//  frame (czmq's zframe_t; the caller destroys it). NULL with err set.
zframe_t *json_to_frame (const char *text, char *err, size_t errlen);

//  Renders obj as compact JSON. Floats always carry a '.' or an exponent so
//  they stay floats on the way back; NaN and infinities become null; BIN and
//  EXT become lowercase hex strings; non-string map keys become their JSON
//  text as a string. Returns a malloc'd string the caller frees, or NULL when
//  out of memory.
char *json_from_msgpack (const msgpack_object *obj);

#endif
