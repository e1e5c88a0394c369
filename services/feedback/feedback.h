/*  feedback - satisfaction surveys (invitations, responses, grades) and
    bottleneck signals from staff. Free text stays in this store.  */
#ifndef OPSTAP_FEEDBACK_H
#define OPSTAP_FEEDBACK_H

#include "service.h"

//  The feedback service's commands, tables and follower of intake.
const service_def_t *feedback_service (void);

#endif
