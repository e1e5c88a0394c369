/*  logline - one format for every line a process logs: key=value pairs
    from the first to the last, the time in ISO 8601 UTC with its zone,
    the level and the service, then what was logged:

        at=2026-12-05T07:55:48.123Z level=info service=intake event=service.start ...

    Everything goes through czmq's log (zsys_info and the rest, czmq's own
    messages included) into a stream that rewrites czmq's prefix into these
    keys; a message that is not key=value already becomes msg="...". No
    control character reaches the log: each is written as an escape, so a
    value cannot forge a line.  */
#ifndef OPSTAP_LOGLINE_H
#define OPSTAP_LOGLINE_H

#include <stdint.h>
#include <stdio.h>

//  The service's log stream, to stderr; NULL when the stream cannot be
//  made (then czmq's own format is kept). Install it with
//  zsys_set_logstream; the process keeps it to the end.
FILE *logline_stream (void);
//  Rewrites one line as czmq writes it ("I: (intake) 26-12-05 07:55:48
//  event=..."), without its newline, into out (NUL-terminated, cut to
//  size). at is the time to give, in ms since 1970.
void logline_format (const char *line, size_t len, int64_t at, char *out, size_t size);

#endif
