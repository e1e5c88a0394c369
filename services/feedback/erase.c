/*  erase - feedback's part of a candidate's erasure (erasure.h): every
    survey of the candidate goes, with its texts, and what was learnt of
    them. The survey's own events keep their codes, dates and grades, so
    figures rebuilt from the stream do not change, but each survey id in
    them becomes a fresh token: a caller-chosen survey id may well name the
    candidate.  */
#include "handlers.h"

#include "evlog.h"
#include "scrub.h"

static int
s_erase_survey (store_tx_t *tx, const char *id)
{
    survey_t s;
    int rc = survey_get_record (tx, id, &s);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char token[SCRUB_TOKEN_SIZE];
    scrub_token (token);
    if (evlog_retoken (tx, s.invited_seq, "survey", id, token)
        || evlog_retoken (tx, s.responded_seq, "survey", id, token))
        return -1;
    return store_del (tx, fb_surveys, id, strlen (id));
}

//  Every record kept under one name of the candidate.
static int
s_forget (store_tx_t *tx, const char *id)
{
    if (!*id)
        return 0;
    char prefix[FB_ID_SIZE + 1];
    size_t plen = strlen (id) + 1;
    memcpy (prefix, id, plen);
    zlist_t *ids = store_suffixes (tx, fb_by_candidate, prefix, plen);
    int rc = ids ? 0 : -1;
    for (char *s = ids ? (char *) zlist_first (ids) : NULL; rc == 0 && s;
         s = (char *) zlist_next (ids))
        rc = s_erase_survey (tx, s);
    zlist_destroy (&ids);
    if (rc || store_del_prefix (tx, fb_by_candidate, prefix, plen))
        return -1;
    return store_del (tx, fb_candidates, id, plen - 1);
}

int
feedback_erase (store_tx_t *tx, const char *id, const char *token, void *state)
{
    (void) state;
    return s_forget (tx, id) || s_forget (tx, token) ? -1 : 0;
}
