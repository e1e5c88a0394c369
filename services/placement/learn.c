/*  learn - what placement knows of candidates, from the intake stream:
    office, wishes and whether they are admitted. Runs inside the
    consumer's transaction, so what it learns and the stream position are
    committed together. candidate.erased removes every per-candidate record
    here and pseudonymises this service's own events about the candidate
    with intake's token, so the streams stay consistent with each other.  */
#include "handlers.h"
#include "records.h"

#include "evlog.h"

//  Intake event types and the candidate status each leaves behind (the
//  order of known_statuses).
static const char *const s_types[] = {"candidate.registered",
                                      "candidate.info_session_attended",
                                      "candidate.admitted",
                                      "candidate.deferred",
                                      "candidate.declined",
                                      "candidate.withdrawn",
                                      NULL};

static int
s_learn (store_tx_t *tx, const msgpack_object *event, const char *id, int status)
{
    known_t k;
    int rc = rec_get (tx, &rec_known, id, &k);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        memset (&k, 0, sizeof k);
        snprintf (k.id, sizeof k.id, "%s", id);
    }
    map_str (event, "office", k.office, sizeof k.office);
    const msgpack_object *wishes = obj_get (event, "wishes");
    if (wishes) {
        map_str (wishes, "function", k.function, sizeof k.function);
        map_str (wishes, "sector", k.sector, sizeof k.sector);
    }
    //  A deferred candidate's info session does not undo the deferral.
    if (status != 1 || rc == 1 || k.status == 0)
        k.status = status;
    return rec_put (tx, &rec_known, &k);
}

//  --------------------------------------------------------------------------
//  Erasure

//  Removes one placement with its contacts, paid job and first body, and
//  frees the vacancy it held.
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
    if (rc < 0 || store_del (tx, "placements", id, len)
        || store_del (tx, "paid_jobs", id, len)
        || store_del_prefix (tx, "contacts", id, len + 1)
        || rec_forget (tx, &rec_placement, id))
        return -1;
    return store_failed (tx) ? -1 : 0;
}

static int
s_erase (store_tx_t *tx, const char *id, const char *token)
{
    char prefix[PL_ID_SIZE + 1];
    size_t plen = strlen (id) + 1;
    memcpy (prefix, id, plen);
    zlist_t *ids = store_suffixes (tx, "by_candidate", prefix, plen);
    int rc = ids ? 0 : -1;
    for (char *id = ids ? (char *) zlist_first (ids) : NULL; rc == 0 && id;
         id = (char *) zlist_next (ids))
        rc = s_erase_placement (tx, id);
    zlist_destroy (&ids);
    if (rc || store_del_prefix (tx, "by_candidate", prefix, plen)
        || store_del (tx, "candidates", id, plen - 1))
        return -1;
    //  A stream replayed after the erasure knows the candidate only by token.
    if (*token && store_del (tx, "candidates", token, strlen (token)))
        return -1;
    return evlog_pseudonymise (tx, NULL, id, *token ? token : "anon", NULL);
}

int
placement_apply (store_tx_t *tx, const msgpack_object *event, void *arg)
{
    (void) arg;
    char type[64], id[PL_ID_SIZE], token[PL_ID_SIZE];
    map_str (event, "type", type, sizeof type);
    map_str (event, "candidate", id, sizeof id);
    //  Events this service cannot use are ignored, never retried.
    if (!codec_valid_id (id, strlen (id)))
        return 0;
    if (strcmp (type, "candidate.erased") == 0)
        return s_erase (tx, id, map_str (event, "token", token, sizeof token));
    for (int status = 0; s_types[status]; status++)
        if (strcmp (type, s_types[status]) == 0)
            return s_learn (tx, event, id, status);
    return 0;
}
