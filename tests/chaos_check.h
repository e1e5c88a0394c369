/*  chaos_check - what the files of end checks share.  */
#ifndef OPSTAP_CHAOS_CHECK_H
#define OPSTAP_CHAOS_CHECK_H

#include "chaos.h"

//  Prints a difference (the first few only).
void check_show (tally_figures_t *t, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
//  One command on a fresh connection; the reply or NULL.
tk_msg_t *check_call (const char *endpoint, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
//  report.summary over every date, every office, k 1.
tk_msg_t *check_summary (const char *endpoint);

#endif
