/*  learn - what placement knows of candidates, from the intake stream:
    office, wishes and their status (admitted or not). Runs inside the
    consumer's transaction, so what it learns and the stream position are
    committed together. Erasure is the runtime's (erasure.h), with
    placement's part in erase.c.  */
#include "handlers.h"
#include "records.h"

int
placement_learn (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    intake_event_t ev;
    //  Events this service cannot use are ignored, never retried.
    if (intake_event_read (event, &ev) != 0 || ev.type == IE_OTHER)
        return 0;
    known_t k;
    int rc = rec_get (tx, &rec_known, ev.id, &k);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        memset (&k, 0, sizeof k);
        snprintf (k.id, sizeof k.id, "%s", ev.id);
    }
    snprintf (k.office, sizeof k.office, "%s", ev.office);
    const msgpack_object *wishes = obj_get (event, "wishes");
    if (wishes) {
        map_str (wishes, "function", k.function, sizeof k.function);
        map_str (wishes, "sector", k.sector, sizeof k.sector);
    }
    int status = intake_event_status (&ev, rc == 1 ? -1 : k.status);
    if (status >= 0)
        k.status = status;
    return rec_put (tx, &rec_known, &k);
}
