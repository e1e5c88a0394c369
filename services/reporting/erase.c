/*  erase - reporting's part of a candidate's erasure (erasure.h): every
    record of the candidate moves from the id to the token, so that none
    names the candidate and a rebuild from the rewritten streams, which
    know only the token, keys them the same. The figures do not change.  */
#include "handlers.h"

#include "section.h"

int
reporting_erase (store_tx_t *tx, const char *id, const char *token, void *state)
{
    (void) state;
    //  Records under the token are the candidate's anonymous aggregates:
    //  they stay.
    if (!*id || strcmp (id, token) == 0)
        return 0;
    return intake_agg_erase (tx, id, token) || agg_distinct_rekey (tx, id, token) ? -1
                                                                                  : 0;
}
