/*  fuzz_command - a command body as a service's ROUTER receives it, down
    the path common/service.c s_check takes: request_new (framing,
    decoding, envelope, the row resolved in the service's dispatch table),
    schema_check with the envelope names ignored. The first input byte
    picks the service; the rest is the body frame.

    Properties: an accepted request has an envelope of real identifiers
    (the raw strings, not a C-string prefix of them); an accepted body has
    only declared fields and a digest; every refusal packs into an error
    reply that decodes.  */
#include "fuzz.h"

#include <string.h>

#include "builtin.h"
#include "digest.h"
#include "dispatch.h"
#include "feedback.h"
#include "intake.h"
#include "placement.h"
#include "reporting.h"
#include "request.h"
#include "training.h"

#define FUZZ_SERVICES 5

static const char *const s_envelope[] = {"cmd", "rid", "office", "after", NULL};

//  Made on first use and kept: building the definitions and dispatch
//  tables per input would swamp the measurement. fuzz_command_cleanup
//  frees them.
static service_def_t *s_training, *s_reporting;
static dispatch_t *s_tables[FUZZ_SERVICES];

static const service_def_t *
s_service (uint8_t pick)
{
    switch (pick % FUZZ_SERVICES) {
    case 0:
        return intake_service ();
    case 1:
        if (!s_training) {
            training_rules_t rules = {8, true};
            s_training = training_service_new (&rules);
        }
        return s_training;
    case 2:
        return placement_service ();
    case 3:
        return feedback_service ();
    default:
        if (!s_reporting)
            s_reporting = reporting_service_new (5);
        return s_reporting;
    }
}

//  The service's dispatch table, as the runtime builds it.
static dispatch_t *
s_dispatch (uint8_t pick)
{
    const service_def_t *def = s_service (pick);
    dispatch_t **table = &s_tables[pick % FUZZ_SERVICES];
    char err[256];
    if (def && !*table)
        *table =
            dispatch_new (def->service, def->commands, builtin_rows, err, sizeof err);
    return *table;
}

void
fuzz_command_cleanup (void)
{
    for (int i = 0; i < FUZZ_SERVICES; i++)
        dispatch_destroy (&s_tables[i]);
    training_service_destroy (&s_training);
    reporting_service_destroy (&s_reporting);
}

//  The envelope value as it came, when it is a string.
static void
s_check_envelope_id (const msgpack_object *body, const char *name, const char *parsed)
{
    const msgpack_object *raw = obj_get (body, name);
    if (!raw || raw->type == MSGPACK_OBJECT_NIL) {
        FUZZ_CHECK (*parsed == 0);
        return;
    }
    FUZZ_CHECK (raw->type == MSGPACK_OBJECT_STR);
    //  tests/fuzz/regress/fuzz_command/nul-in-id: "p\0jmegen" was taken
    //  as office "p".
    if (fuzz_tolerates ("nul-in-id") && memchr (raw->via.str.ptr, 0, raw->via.str.size))
        return;
    FUZZ_CHECK (codec_valid_id (raw->via.str.ptr, raw->via.str.size));
    FUZZ_CHECK (!codec_bsn_like (raw->via.str.ptr, raw->via.str.size));
    FUZZ_CHECK (raw->via.str.size == strlen (parsed)
                && memcmp (raw->via.str.ptr, parsed, raw->via.str.size) == 0);
}

static void
s_check_accepted (request_t *request, const command_t *command)
{
    const msgpack_object *body = request_body (request);
    s_check_envelope_id (body, "cmd", request_cmd (request));
    s_check_envelope_id (body, "rid", request_rid (request));
    s_check_envelope_id (body, "office", request_office (request));
    FUZZ_CHECK (*request_office (request) || (command->flags & CMD_ANY_OFFICE));
    //  Every key is the envelope's or a declared field.
    for (uint32_t i = 0; i < body->via.map.size; i++) {
        const msgpack_object *key = &body->via.map.ptr[i].key;
        bool known = false;
        for (int e = 0; !known && s_envelope[e]; e++)
            known = obj_is_str (key, s_envelope[e]);
        for (const field_t *f = command->fields; !known && f->name; f++)
            known = obj_is_str (key, f->name);
        FUZZ_CHECK (known);
    }
    //  What intake keeps to tell a repeated registration from another: any
    //  accepted body has one, and the same one every time.
    char first[DIGEST_MAX + 1], again[DIGEST_MAX + 1];
    FUZZ_CHECK (obj_digest (body, s_envelope, first) == 0
                && obj_digest (body, s_envelope, again) == 0);
    FUZZ_CHECK (strlen (first) == DIGEST_HEX && streq (first, again)
                && obj_digest_is (body, s_envelope, first));
}

int
fuzz_command (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    dispatch_t *dispatch = s_dispatch (data[0]);
    if (!dispatch)
        return 0;
    zmsg_t *msg = zmsg_new ();
    zmsg_addmem (msg, "\0fz01", 5);
    zmsg_addmem (msg, data + 1, size - 1);
    request_t *request = request_new (&msg, dispatch_resolve, dispatch);
    FUZZ_CHECK (request && !msg);
    oerr_t err;
    const command_t *command = request_command (request);
    bool refused = true;
    if (request_failed (request))
        err = *request_error (request);
    else if (schema_check (request_body (request), command->fields, s_envelope, &err)
             == 0) {
        s_check_accepted (request, command);
        refused = false;
    }
    if (refused) {
        FUZZ_CHECK (err.code == ERR_INVALID_ARGUMENT);
        fuzz_check_error_reply (&err, request_rid (request));
    }
    request_destroy (&request);
    return 0;
}

FUZZ_ENTRY (fuzz_command)
