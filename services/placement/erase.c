/*  erase - placement's part of a candidate's erasure (erasure.h): every
    placement of the candidate goes, with its contacts, paid job and first
    body, and the vacancy it held is free again.  */
#include "handlers.h"
#include "records.h"

static int
s_erase_placement (store_tx_t *tx, const char *id)
{
    placement_t p;
    vacancy_t v;
    int rc = rec_get (tx, &rec_placement, id, &p);
    if (rc == 0 && rec_get (tx, &rec_vacancy, p.vacancy, &v) == 0
        && strcmp (v.filled_by, id) == 0) {
        v.filled_by[0] = 0;
        rc = rec_put (tx, &rec_vacancy, &v);
    }
    size_t len = strlen (id);
    if (rc < 0 || store_del (tx, pl_placements, id, len)
        || store_del (tx, pl_paid_jobs, id, len)
        || store_del_prefix (tx, pl_contacts, id, len + 1)
        || rec_forget (tx, &rec_placement, id))
        return -1;
    return store_failed (tx) ? -1 : 0;
}

//  Every record kept under one name of the candidate.
static int
s_forget (store_tx_t *tx, const char *id)
{
    if (!*id)
        return 0;
    char prefix[PL_ID_SIZE + 1];
    size_t plen = strlen (id) + 1;
    memcpy (prefix, id, plen);
    zlist_t *ids = store_suffixes (tx, pl_by_candidate, prefix, plen);
    int rc = ids ? 0 : -1;
    for (char *p = ids ? (char *) zlist_first (ids) : NULL; rc == 0 && p;
         p = (char *) zlist_next (ids))
        rc = s_erase_placement (tx, p);
    zlist_destroy (&ids);
    if (rc || store_del_prefix (tx, pl_by_candidate, prefix, plen)
        || store_del (tx, pl_candidates, id, plen - 1))
        return -1;
    return 0;
}

int
placement_erase (store_tx_t *tx, const char *id, const char *token, void *state)
{
    (void) state;
    return s_forget (tx, id) || s_forget (tx, token) ? -1 : 0;
}
