/*  intake - candidates: registration, eligibility, info session, admission,
    deferral, stage assessment, consent, erasure; the only holder of
    contact details.  */
#ifndef OPSTAP_INTAKE_H
#define OPSTAP_INTAKE_H

#include "service.h"

//  The intake service's commands and tables, for service_start.
const service_def_t *intake_service (void);

#endif
