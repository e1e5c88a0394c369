/*  training - experience experts and their activities, expert-candidate
    matching, the "Weer aan het werk...!" cohorts with their meetings and
    attendance, learning goals, reflections and certificates. Candidates
    are known only from the intake stream.  */
#ifndef OPSTAP_TRAINING_H
#define OPSTAP_TRAINING_H

#include "service.h"

//  The certificate rule, fixed for the life of a service instance.
typedef struct {
    int min_meetings;   //  meetings attended, 0-10 (default 8)
    bool require_smart; //  at least one goal with all four SMART checks (default)
} training_rules_t;

//  The default rule changed by OPSTAP_CERT_MIN_MEETINGS (0-10) and
//  OPSTAP_CERT_REQUIRE_SMART (0 or 1). -1 with a reason when a value is bad.
int training_rules_from_env (training_rules_t *rules, char *err, size_t errlen);

//  The training service with its rule (NULL: from the environment), for
//  service_start or service_main. NULL when the environment is bad.
service_def_t *training_service_new (const training_rules_t *rules);
void training_service_destroy (service_def_t **self_p);

#endif
