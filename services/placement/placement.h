/*  placement - hosts, vacancies, placements, agreements, supervisor
    contacts and outcomes (paid work). Learns candidates from the intake
    stream.  */
#ifndef OPSTAP_PLACEMENT_H
#define OPSTAP_PLACEMENT_H

#include "service.h"

//  The placement service's commands, tables and follower, for service_start.
const service_def_t *placement_service (void);

#endif
