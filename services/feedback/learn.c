/*  learn - what feedback knows of candidates, from the intake stream: the
    office, the consent to evaluation contact and the registration date.
    Runs inside the consumer's transaction, so what it learns and the
    stream position are committed together. Erasure is the runtime's
    (erasure.h), with feedback's part in erase.c.  */
#include "handlers.h"

int
feedback_learn (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    intake_event_t ev;
    //  Events this service cannot use are ignored, never retried.
    if (intake_event_read (event, &ev) != 0 || ev.type != IE_REGISTERED)
        return 0;
    known_t k;
    memset (&k, 0, sizeof k);
    snprintf (k.id, sizeof k.id, "%s", ev.id);
    snprintf (k.office, sizeof k.office, "%s", ev.office);
    snprintf (k.registered, sizeof k.registered, "%s", ev.date);
    k.evaluation_contact = map_bool (event, "evaluation_contact", false);
    return known_put (tx, &k);
}
