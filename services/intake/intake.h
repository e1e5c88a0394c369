/*  intake - candidates: registration, eligibility, info session, admission,
    deferral, stage assessment, consent, erasure; the only holder of
    contact details.  */
#ifndef OPSTAP_INTAKE_H
#define OPSTAP_INTAKE_H

#include "service.h"

//  The intake service's commands, tables and memory (its search of contact
//  details), for service_start or service_main; one per running instance.
service_def_t *intake_service_new (void);
void intake_service_destroy (service_def_t **self_p);

#endif
