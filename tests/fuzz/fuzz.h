/*  fuzz - the entry functions of the libFuzzer targets. Each fuzz_*.c
    defines one; built with OPSTAP_LIBFUZZER it also becomes that program's
    LLVMFuzzerTestOneInput, and fuzz_regress (a plain program) calls the
    same functions on the stored seeds and findings, so a fixed finding
    stays fixed in the normal (gcc, sanitizer) build.  */
#ifndef OPSTAP_FUZZ_H
#define OPSTAP_FUZZ_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec.h"

//  Each returns 0; a broken property aborts (libFuzzer records the input).
int fuzz_codec (const uint8_t *data, size_t size);
int fuzz_command (const uint8_t *data, size_t size);
int fuzz_replay (const uint8_t *data, size_t size);
int fuzz_json (const uint8_t *data, size_t size);
//  fuzz_command keeps the service definitions between inputs.
void fuzz_command_cleanup (void);

//  A property every input must keep; not assert (), which NDEBUG removes.
#define FUZZ_CHECK(cond)                                                                 \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf (stderr, "fuzz: property failed: %s (%s:%d)\n", #cond, __FILE__,     \
                     __LINE__);                                                          \
            abort ();                                                                    \
        }                                                                                \
    } while (0)

//  Whether a known finding that is not fixed yet is to be let through, so
//  a long run can look past it: OPSTAP_FUZZ_TOLERATE lists their names,
//  comma-separated (scripts/fuzz sets it; fuzz_regress never does).
bool fuzz_tolerates (const char *finding);

//  Every error reply leaves through codec_pack_error; whatever reaches a
//  client must be a message our own decoder (and so any strict client)
//  accepts. Aborts when it is not.
void fuzz_check_error_reply (const oerr_t *err, const char *rid);

#ifdef OPSTAP_LIBFUZZER
#define FUZZ_ENTRY(fn)                                                                   \
    int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);                       \
    int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)                        \
    {                                                                                    \
        return fn (data, size);                                                          \
    }
#else
#define FUZZ_ENTRY(fn)
#endif

#endif
