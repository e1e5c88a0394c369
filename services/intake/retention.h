/*  retention - when an intake record's time is up (docs/SECURITY.md): a
    candidate's trajectory runs until they are declined, withdraw, or are
    registered as not eligible; from then on the retention period counts,
    from the moment that was recorded.  */
#ifndef OPSTAP_INTAKE_RETENTION_H
#define OPSTAP_INTAKE_RETENTION_H

#include "service.h"

//  Notes that the candidate's trajectory ended now.
int retention_mark_ended (store_tx_t *tx, const char *id);
int retention_forget (store_tx_t *tx, const char *id);
//  The service_due_fn of intake: candidates whose trajectory ended before
//  cutoff (wall-clock ms), as "id\0office" chunks.
int retention_due (store_tx_t *tx, int64_t cutoff_ms, zlistx_t *due, size_t max,
                   void *state);

#endif
