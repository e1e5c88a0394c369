/*  learn - what reporting makes of every followed stream: each event
    counted in its section's aggregates, on its business date. Runs inside
    the consumer's transaction. Erasure is the runtime's (erasure.h), with
    reporting's part in erase.c.  */
#include "handlers.h"

#include "section.h"

static int
s_note_office (store_tx_t *tx, const char *office)
{
    int rc = store_get (tx, rt_offices, office, strlen (office), NULL, NULL);
    return rc == 1 ? agg_note_office (tx, office) : rc;
}

int
reporting_learn (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    agg_event_t ev;
    //  What cannot be read is not a figure: skipped, never retried.
    if (agg_event (&ev, event))
        return 0;
    if (s_note_office (tx, ev.office))
        return -1;
    if (strcmp (ev.service, "intake") == 0)
        return intake_agg_apply (tx, &ev);
    if (strcmp (ev.service, "training") == 0)
        return experts_agg_apply (tx, &ev) || training_agg_apply (tx, &ev) ? -1 : 0;
    if (strcmp (ev.service, "placement") == 0)
        return placement_agg_apply (tx, &ev);
    if (strcmp (ev.service, "feedback") == 0)
        return satisfaction_agg_apply (tx, &ev);
    return 0;
}
