/*  learn - what training learns from the intake stream: which candidates
    exist, at which office, and their status (admitted or not). Runs inside
    the consumer's transaction, so what it learns and the stream position
    are committed together. Erasure is the runtime's (erasure.h), with
    training's part in erase.c.  */
#include "handlers.h"
#include "records.h"

int
training_learn (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    intake_event_t ev;
    //  Not about one candidate of intake: nothing to learn.
    if (intake_event_read (event, &ev) != 0 || ev.type == IE_OTHER)
        return 0;
    tr_candidate_t c;
    const void *val;
    size_t vlen;
    int rc = store_get (tx, tr_candidates, ev.id, strlen (ev.id), &val, &vlen);
    if (rc < 0 || (rc == 0 && tr_candidate_unpack (&c, val, vlen) != 0))
        return -1;
    if (rc == 1) {
        memset (&c, 0, sizeof c);
        snprintf (c.id, sizeof c.id, "%s", ev.id);
        snprintf (c.office, sizeof c.office, "%s", ev.office);
    }
    int status = intake_event_status (&ev, rc == 1 ? -1 : c.status);
    if (status >= 0)
        c.status = status;
    c.events++;
    return tr_candidate_save (tx, &c);
}
