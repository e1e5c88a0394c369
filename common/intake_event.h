/*  intake_event - the one reading of intake's events (proto/intake.md)
    that every follower uses: what happened to which candidate, at which
    office and on which date, and the status it leaves them in. Statuses
    are the contract's names, as intake keeps them; a status read back from
    a store is checked against them before it names anything.  */
#ifndef OPSTAP_INTAKE_EVENT_H
#define OPSTAP_INTAKE_EVENT_H

#include "codec.h"

#define INTAKE_EVENT_ERASED "candidate.erased"

typedef enum {
    IE_REGISTERED,
    IE_INFO_SESSION_ATTENDED,
    IE_ADMITTED,
    IE_DEFERRED,
    IE_DECLINED,
    IE_WITHDRAWN,
    IE_STAGE_ASSESSED,
    IE_ERASED,
    IE_OTHER //  a type this reading does not know: ignore it
} ie_type_t;

//  A candidate's status in intake, in the order of intake_statuses.
typedef enum {
    CS_REGISTERED,
    CS_INFO_SESSION_ATTENDED,
    CS_ADMITTED,
    CS_DEFERRED,
    CS_DECLINED,
    CS_WITHDRAWN,
    CS_COUNT
} candidate_status_t;

//  "registered", "info_session_attended", ... (NULL-terminated).
extern const char *const intake_statuses[];
//  The status's name; "unknown" for a value out of range (a damaged store).
const char *intake_status_name (int status);

typedef struct {
    ie_type_t type;
    char id[CODEC_ID_MAX + 1]; //  the candidate; "" when an erasure completed
    char office[CODEC_ID_MAX + 1];
    char date[11];                //  the business date, "" when none
    char token[CODEC_ID_MAX + 1]; //  IE_ERASED: the id's replacement
    //  The whole event, for the fields only one follower reads (valid as
    //  long as the event).
    const msgpack_object *event;
} intake_event_t;

//  0 for an event of intake about a candidate (its id a valid identifier,
//  or an erasure), -1 for anything else: another service's event, no
//  type, no office.
int intake_event_read (const msgpack_object *event, intake_event_t *out);
//  The status the event leaves a candidate in whose status was before (-1:
//  not known yet); -1 when it does not change it. An info session does not
//  undo a deferral.
int intake_event_status (const intake_event_t *ev, int before);

#endif
