/*  logline - one format for every line a process logs.  */
#define _GNU_SOURCE //  fopencookie
#include "logline.h"

#include <czmq.h>
#include <unistd.h>

#include "codec.h"

//  A line as czmq made it, cut at czmq's own limit and then some.
#define LOGLINE_MAX 2048

typedef struct {
    char line[LOGLINE_MAX];
    size_t len;
} pending_t;

static const char *
s_level (char c)
{
    switch (c) {
    case 'E':
        return "error";
    case 'W':
        return "warning";
    case 'N':
        return "notice";
    case 'D':
        return "debug";
    default:
        return "info";
    }
}

//  Appends text to out with every control character and backslash
//  escaped (and, inside quotes, the quote too).
static size_t
s_escape (char *out, size_t at, size_t size, const char *text, size_t len, bool quoted)
{
    if (at + 1 >= size)
        return at;
    for (size_t i = 0; i < len && at + 5 < size; i++) {
        unsigned char c = (unsigned char) text[i];
        if (c == '\n')
            at += (size_t) snprintf (out + at, size - at, "\\n");
        else if (c == '\t')
            at += (size_t) snprintf (out + at, size - at, "\\t");
        else if (c < 0x20 || c == 0x7f)
            at += (size_t) snprintf (out + at, size - at, "\\x%02x", c);
        else if (c == '\\' || (quoted && c == '"')) {
            out[at++] = '\\';
            out[at++] = (char) c;
        } else
            out[at++] = (char) c;
    }
    out[at] = 0;
    return at;
}

//  Appends text, as much as there is room for; out stays terminated and
//  the length returned is the length written.
static size_t
s_add (char *out, size_t at, size_t size, const char *text)
{
    if (at + 1 >= size)
        return at;
    size_t len = strlen (text);
    if (len > size - at - 1)
        len = size - at - 1;
    memcpy (out + at, text, len);
    out[at + len] = 0;
    return at + len;
}

//  Whether text starts with a key and '=': then it is key=value already.
static bool
s_keyed (const char *text, size_t len)
{
    size_t i = 0;
    while (i < len
           && (islower ((unsigned char) text[i]) || text[i] == '_' || text[i] == '.'
               || isdigit ((unsigned char) text[i])))
        i++;
    return i > 0 && i < len && text[i] == '=';
}

void
logline_format (const char *line, size_t len, int64_t at, char *out, size_t size)
{
    const char *p = line, *end = line + len;
    char level = len > 2 && p[1] == ':' && p[2] == ' ' ? p[0] : 'I';
    if (len > 2 && p[1] == ':' && p[2] == ' ')
        p += 3;
    //  "(ident) " then czmq's local "yy-mm-dd HH:MM:SS ".
    const char *ident = "", *ident_end = ident;
    if (p < end && *p == '(') {
        const char *close = memchr (p, ')', (size_t) (end - p));
        if (close && close + 1 < end && close[1] == ' ') {
            ident = p + 1;
            ident_end = close;
            p = close + 2;
        }
    }
    if (end - p >= 18 && p[2] == '-' && p[5] == '-' && p[8] == ' ' && p[11] == ':'
        && p[14] == ':' && p[17] == ' ')
        p += 18;
    char when[32];
    codec_format_ms (at, when);
    if (size == 0)
        return;
    out[0] = 0;
    size_t n = s_add (out, 0, size, "at=");
    n = s_add (out, n, size, when);
    n = s_add (out, n, size, " level=");
    n = s_add (out, n, size, s_level (level));
    if (ident_end > ident) {
        n = s_add (out, n, size, " service=");
        n = s_escape (out, n, size, ident, (size_t) (ident_end - ident), false);
    }
    if (n + 8 >= size)
        return;
    bool keyed = s_keyed (p, (size_t) (end - p));
    n = s_add (out, n, size, keyed ? " " : " msg=\"");
    n = s_escape (out, n, size, p, (size_t) (end - p), !keyed);
    if (!keyed)
        s_add (out, n, size, "\"");
}

static ssize_t
s_write (void *cookie, const char *data, size_t size)
{
    pending_t *pending = (pending_t *) cookie;
    for (size_t i = 0; i < size; i++) {
        if (data[i] != '\n') {
            if (pending->len < sizeof pending->line - 1)
                pending->line[pending->len++] = data[i];
            continue;
        }
        char out[LOGLINE_MAX * 2];
        logline_format (pending->line, pending->len, zclock_time (), out, sizeof out - 1);
        size_t n = strlen (out);
        out[n++] = '\n';
        //  Written whole or not at all: a log that cannot be written must
        //  not stop the service.
        ssize_t wrote = write (STDERR_FILENO, out, n);
        (void) wrote;
        pending->len = 0;
    }
    return (ssize_t) size;
}

static int
s_close (void *cookie)
{
    free (cookie);
    return 0;
}

FILE *
logline_stream (void)
{
    pending_t *pending = (pending_t *) zmalloc (sizeof (pending_t));
    cookie_io_functions_t io = {NULL, s_write, NULL, s_close};
    FILE *stream = fopencookie (pending, "w", io);
    if (stream)
        setvbuf (stream, NULL, _IOLBF, 0);
    else
        free (pending);
    return stream;
}
