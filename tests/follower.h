/*  follower - a test service that follows the intake stream and records
    every event it applies, to prove exactly-once, in-order consumption.
    Erasures are the runtime's (erasure.h): a candidate.erased event is not
    handed to it, so a workload with erasures counts them as gaps.  */
#ifndef OPSTAP_FOLLOWER_H
#define OPSTAP_FOLLOWER_H

#include "service.h"

const service_def_t *follower_service (void);

#endif
