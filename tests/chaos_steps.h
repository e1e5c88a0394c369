/*  chaos_steps - what the two files of flow steps share.  */
#ifndef OPSTAP_CHAOS_STEPS_H
#define OPSTAP_CHAOS_STEPS_H

#include "chaos_work.h"

//  The JSON of a command to service: name, the flow's office, the body
//  fields (printf-style) and the flow's intake position as "after".
char *steps_cmd (flow_t *f, int service, const char *name, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
void steps_date (const char *from, int days, char buf[11]);

//  Placements, surveys, signals and reports (chaos_steps2.c).
char *steps2_command (work_t *self, flow_t *f);
int steps2_ok (work_t *self, flow_t *f, tk_msg_t *reply);
void steps2_refused (flow_t *f);

#endif
