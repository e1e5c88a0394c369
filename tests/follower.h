/*  follower - a test service that follows the intake stream and records
    every event it applies, to prove exactly-once, in-order consumption.  */
#ifndef OPSTAP_FOLLOWER_H
#define OPSTAP_FOLLOWER_H

#include "service.h"

const service_def_t *follower_service (void);

#endif
