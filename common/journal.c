/*  journal - an append-only file of numbered records.
    A record: 4 bytes length of the data, 8 bytes seq, 4 bytes check (FNV-1a
    over the seq and the data), the data; numbers big-endian.  */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_HEAD     16
#define JOURNAL_MAX_DATA (1024 * 1024)

struct _journal_t {
    int fd;
    size_t size;
    char path[512];
};

static uint32_t
s_check (const uint8_t *seq, const void *data, size_t size)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < 8; i++)
        h = (h ^ seq[i]) * 16777619u;
    const uint8_t *p = (const uint8_t *) data;
    for (size_t i = 0; i < size; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void
s_put_be (uint8_t *out, uint64_t value, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--, value >>= 8)
        out[i] = (uint8_t) (value & 0xff);
}

static uint64_t
s_get_be (const uint8_t *in, int bytes)
{
    uint64_t value = 0;
    for (int i = 0; i < bytes; i++)
        value = (value << 8) | in[i];
    return value;
}

journal_t *
journal_new (const char *path, oerr_t *err)
{
    int fd = open (path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    struct stat st;
    if (fd < 0 || fstat (fd, &st) != 0) {
        oerr_set (err, ERR_INTERNAL, "", "journal: cannot open %s: %s", path,
                  strerror (errno));
        if (fd >= 0)
            close (fd);
        return NULL;
    }
    journal_t *self = (journal_t *) zmalloc (sizeof (journal_t));
    self->fd = fd;
    self->size = (size_t) st.st_size;
    snprintf (self->path, sizeof self->path, "%s", path);
    return self;
}

void
journal_destroy (journal_t **self_p)
{
    if (self_p && *self_p) {
        close ((*self_p)->fd);
        free (*self_p);
        *self_p = NULL;
    }
}

void
journal_pack (msgpack_sbuffer *buf, uint64_t seq, const void *data, size_t size)
{
    uint8_t head[JOURNAL_HEAD];
    s_put_be (head, size, 4);
    s_put_be (head + 4, seq, 8);
    s_put_be (head + 12, s_check (head + 4, data, size), 4);
    msgpack_sbuffer_write (buf, (const char *) head, sizeof head);
    msgpack_sbuffer_write (buf, (const char *) data, size);
}

int
journal_write (journal_t *self, const msgpack_sbuffer *buf, oerr_t *err)
{
    ssize_t n = write (self->fd, buf->data, buf->size);
    if (n == (ssize_t) buf->size) {
        self->size += buf->size;
        return 0;
    }
    int why = n < 0 ? errno : ENOSPC;
    //  A part written would hide every record after it: take it back.
    if (n > 0 && ftruncate (self->fd, (off_t) self->size) != 0)
        why = errno;
    return oerr_set (err, ERR_UNAVAILABLE, "", "journal: cannot write %s: %s", self->path,
                     strerror (why));
}

int
journal_read (journal_t *self, journal_fn *fn, void *arg, oerr_t *err)
{
    uint8_t *data = self->size ? (uint8_t *) malloc (self->size) : NULL;
    ssize_t n = data ? pread (self->fd, data, self->size, 0) : 0;
    if (self->size && n != (ssize_t) self->size) {
        free (data);
        return oerr_set (err, ERR_INTERNAL, "", "journal: cannot read %s", self->path);
    }
    size_t at = 0;
    while (self->size - at >= JOURNAL_HEAD) {
        const uint8_t *head = data + at;
        size_t size = (size_t) s_get_be (head, 4);
        if (size > JOURNAL_MAX_DATA || self->size - at - JOURNAL_HEAD < size
            || s_get_be (head + 12, 4) != s_check (head + 4, head + JOURNAL_HEAD, size)
            || fn (s_get_be (head + 4, 8), head + JOURNAL_HEAD, size, arg))
            break;
        at += JOURNAL_HEAD + size;
    }
    free (data);
    return 0;
}

int
journal_clear (journal_t *self, oerr_t *err)
{
    if (ftruncate (self->fd, 0) != 0)
        return oerr_set (err, ERR_UNAVAILABLE, "", "journal: cannot empty %s: %s",
                         self->path, strerror (errno));
    self->size = 0;
    return 0;
}

size_t
journal_size (journal_t *self)
{
    return self->size;
}
