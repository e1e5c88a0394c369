/*  raw_disk - what the disk charges for the pages of one durable commit,
    written the way LMDB writes them without a writable map: each dirty
    page with its own pwrite (LMDB joins only pages that are next to each
    other), one fdatasync, then the meta page through a descriptor opened
    O_DSYNC. PAGES pages per commit, either scattered over a 4 MiB file (as
    a commit's pages are once LMDB reuses freed pages: finding 11) or as
    one contiguous run. Prints microseconds per commit.
        opstap-bench-disk DIR COUNT PAGES scattered|contiguous  */
#include <czmq.h>
#include <fcntl.h>
#include <unistd.h>

#define PAGE       4096
#define FILE_PAGES 1024 //  4 MiB, about the size of a bench intake store
#define MAX_PAGES  64

typedef struct {
    int data;        //  the file, written and then flushed
    int meta;        //  the same file, O_DSYNC: each write waits for the disk
    bool contiguous; //  one run of pages instead of scattered ones
    uint32_t random; //  a fixed sequence, so runs compare
} disk_t;

static int
s_fail (const char *what)
{
    fprintf (stderr, "opstap-bench-disk: %s: %s\n", what, strerror (errno));
    return 1;
}

//  The file's blocks exist before the run, as a grown LMDB file's do.
static int
s_open (disk_t *self, const char *dir)
{
    char path[1024];
    snprintf (path, sizeof path, "%s/disk.dat", dir);
    self->data = open (path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (self->data < 0)
        return -1;
    static const char zero[PAGE];
    for (int i = 0; i < FILE_PAGES; i++)
        if (pwrite (self->data, zero, PAGE, (off_t) i * PAGE) != PAGE)
            return -1;
    if (fsync (self->data))
        return -1;
    self->meta = open (path, O_WRONLY | O_DSYNC);
    return self->meta < 0 ? -1 : 0;
}

//  A page past the two meta pages, from a fixed pseudo-random sequence.
static off_t
s_scattered (disk_t *self)
{
    self->random = self->random * 1103515245u + 12345u;
    return (off_t) (2 + (self->random >> 8) % (FILE_PAGES - 2)) * PAGE;
}

static int
s_commit (disk_t *self, int pages, int n, const char *buf)
{
    if (self->contiguous) {
        off_t at = (off_t) (2 + (n * pages) % (FILE_PAGES - 2 - pages)) * PAGE;
        if (pwrite (self->data, buf, (size_t) pages * PAGE, at) != pages * PAGE)
            return -1;
    } else
        for (int p = 0; p < pages; p++)
            if (pwrite (self->data, buf + p * PAGE, PAGE, s_scattered (self)) != PAGE)
                return -1;
    if (fdatasync (self->data))
        return -1;
    return pwrite (self->meta, buf, PAGE, (off_t) (n % 2) * PAGE) == PAGE ? 0 : -1;
}

int
main (int argc, char *argv[])
{
    disk_t disk = {-1, -1, argc == 5 && streq (argv[4], "contiguous"), 20261124};
    int count = argc == 5 ? atoi (argv[2]) : 0, pages = argc == 5 ? atoi (argv[3]) : 0;
    if (argc != 5 || (!disk.contiguous && !streq (argv[4], "scattered")) || count < 1
        || pages < 1 || pages > MAX_PAGES) {
        fprintf (stderr,
                 "usage: opstap-bench-disk DIR COUNT PAGES(1-%d) "
                 "scattered|contiguous\n",
                 MAX_PAGES);
        return 2;
    }
    if (s_open (&disk, argv[1]))
        return s_fail (argv[1]);
    static char buf[MAX_PAGES * PAGE];
    memset (buf, 'x', sizeof buf);
    int64_t start = zclock_usecs ();
    for (int n = 0; n < count; n++)
        if (s_commit (&disk, pages, n, buf))
            return s_fail ("commit");
    double seconds = (double) (zclock_usecs () - start) / 1e6;
    printf ("pages=%d layout=%s commits=%d seconds=%.2f us_per_commit=%.1f "
            "commits_per_s=%.0f\n",
            pages, disk.contiguous ? "contiguous" : "scattered", count, seconds,
            seconds * 1e6 / count, count / seconds);
    close (disk.meta);
    close (disk.data);
    return 0;
}
