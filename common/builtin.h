/*  builtin - the rows every service's dispatch table has besides its own:
    service.status (where the instance stands), audit.list (its audit
    trail) and erase.check (whether its stores still hold an erased
    candidate's id). They are answered as they arrive (CMD_DIRECT), from
    the instance's state (service_internal.h).  */
#ifndef OPSTAP_BUILTIN_H
#define OPSTAP_BUILTIN_H

#include "command.h"

//  Terminated by a row whose name is NULL.
extern const command_t builtin_rows[];

#endif
