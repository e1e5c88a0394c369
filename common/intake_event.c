/*  intake_event - the one reading of intake's events.  */
#include "intake_event.h"

#include <czmq.h>

const char *const intake_statuses[] = {"registered", "info_session_attended",
                                       "admitted",   "deferred",
                                       "declined",   "withdrawn",
                                       NULL};

static const char *const s_types[] = {"candidate.registered",
                                      "candidate.info_session_attended",
                                      "candidate.admitted",
                                      "candidate.deferred",
                                      "candidate.declined",
                                      "candidate.withdrawn",
                                      "candidate.stage_assessed",
                                      INTAKE_EVENT_ERASED,
                                      NULL};

const char *
intake_status_name (int status)
{
    return status >= 0 && status < CS_COUNT ? intake_statuses[status] : "unknown";
}

static bool
s_date (const msgpack_object *event, char date[11])
{
    int32_t days;
    const msgpack_object *value = obj_get (event, "date");
    if (!value)
        return true;
    return obj_str (value, date, 11) == 0
           && codec_parse_date (date, strlen (date), &days) == 0;
}

int
intake_event_read (const msgpack_object *event, intake_event_t *out)
{
    memset (out, 0, sizeof *out);
    out->event = event;
    char type[40] = "";
    if (!obj_is_str (obj_get (event, "service"), "intake")
        || obj_str (obj_get (event, "type"), type, sizeof type)
        || obj_str (obj_get (event, "office"), out->office, sizeof out->office)
        || !codec_valid_id (out->office, strlen (out->office))
        || !s_date (event, out->date))
        return -1;
    out->type = IE_OTHER;
    for (int i = 0; s_types[i]; i++)
        if (streq (type, s_types[i]))
            out->type = (ie_type_t) i;
    const msgpack_object *id = obj_get (event, "candidate");
    if (out->type == IE_ERASED) {
        //  After its completion an erasure names only the token; one with
        //  no usable token is still an erasure, which cannot be applied.
        if (id && obj_str (id, out->id, sizeof out->id))
            return -1;
        if (obj_str (obj_get (event, "token"), out->token, sizeof out->token))
            out->token[0] = 0;
        return 0;
    }
    if (obj_str (id, out->id, sizeof out->id)
        || !codec_valid_id (out->id, strlen (out->id)))
        return -1;
    return 0;
}

int
intake_event_status (const intake_event_t *ev, int before)
{
    switch (ev->type) {
    case IE_REGISTERED:
        return CS_REGISTERED;
    case IE_INFO_SESSION_ATTENDED:
        return before < 0 || before == CS_REGISTERED ? CS_INFO_SESSION_ATTENDED : -1;
    case IE_ADMITTED:
        return CS_ADMITTED;
    case IE_DEFERRED:
        return CS_DEFERRED;
    case IE_DECLINED:
        return CS_DECLINED;
    case IE_WITHDRAWN:
        return CS_WITHDRAWN;
    default:
        return -1;
    }
}
