/*  learn - what feedback knows of candidates, from the intake stream: the
    office, the consent to evaluation contact and the registration date;
    a change of that consent (candidate.consent_changed), so that a
    withdrawn consent stops new invitations. Runs inside the consumer's
    transaction, so what it learns and the stream position are committed
    together. Erasure is the runtime's (erasure.h), with feedback's part in
    erase.c.  */
#include "handlers.h"

static int
s_registered (store_tx_t *tx, const intake_event_t *ev)
{
    known_t k;
    memset (&k, 0, sizeof k);
    snprintf (k.id, sizeof k.id, "%s", ev->id);
    snprintf (k.office, sizeof k.office, "%s", ev->office);
    snprintf (k.registered, sizeof k.registered, "%s", ev->date);
    k.evaluation_contact = map_bool (ev->event, "evaluation_contact", false);
    return known_put (tx, &k);
}

//  Only a yes or no about a candidate registered at the event's office
//  changes anything: whatever else the event says is not this service's.
static int
s_consent_changed (store_tx_t *tx, const intake_event_t *ev)
{
    const msgpack_object *consent = obj_get (ev->event, "evaluation_contact");
    if (!consent || consent->type != MSGPACK_OBJECT_BOOLEAN)
        return 0;
    known_t k;
    int rc = known_get (tx, ev->id, &k);
    if (rc != 0 || strcmp (k.office, ev->office) != 0)
        return rc < 0 ? -1 : 0;
    k.evaluation_contact = consent->via.boolean;
    return known_put (tx, &k);
}

int
feedback_learn (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    intake_event_t ev;
    //  Events this service cannot use are ignored, never retried.
    if (intake_event_read (event, &ev) != 0)
        return 0;
    if (ev.type == IE_REGISTERED)
        return s_registered (tx, &ev);
    if (ev.type == IE_CONSENT_CHANGED)
        return s_consent_changed (tx, &ev);
    return 0;
}
