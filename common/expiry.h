/*  expiry - personal records removed by the services on their own when
    their retention ends (docs/SECURITY.md). The retention spec names a
    period per kind of record, e.g. "candidate=7y,audit=10y,check=3600s":
      candidate  after a trajectory ended (the service's due hook decides
                 when), the candidate is erased with candidate.erase
      audit      entries of the audit trail
      check      how often the services look
    Units: s, d, y (365 days).  */
#ifndef OPSTAP_EXPIRY_H
#define OPSTAP_EXPIRY_H

#include "request.h"
#include "service.h"

typedef struct {
    int64_t candidate_ms; //  after a trajectory ends
    int64_t audit_ms;     //  audit trail entries
    int64_t check_ms;     //  how often to look
} expiry_t;

//  Reads spec (NULL or "": the defaults). -1 with a reason in err.
int expiry_parse (const char *spec, expiry_t *out, char *err, size_t errlen);

//  The erasures due now in store, as requests made by the process itself
//  (request_new_local, caller "retention"), resolved by resolve: each is
//  then checked and run like any other. Returns how many it put in out (at
//  most max); 0 when the service has no due hook.
size_t expiry_due (const service_def_t *def, const expiry_t *expiry, store_t *store,
                   request_resolve_fn *resolve, void *arg, request_t **out, size_t max);

#endif
