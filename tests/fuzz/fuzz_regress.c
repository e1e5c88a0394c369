/*  fuzz_regress - replays the stored seeds and every past finding
    (tests/fuzz/seeds/<target>/, tests/fuzz/regress/<target>/) through the
    fuzz targets' entry functions, in the ordinary build: a finding that
    comes back fails this test.
        fuzz_regress DIR     (DIR: tests/fuzz)  */
#include "fuzz.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const char *name;
    int (*run) (const uint8_t *data, size_t size);
} target_t;

static const target_t s_targets[] = {
    {"fuzz_codec", fuzz_codec},
    {"fuzz_command", fuzz_command},
    {"fuzz_replay", fuzz_replay},
    {"fuzz_json", fuzz_json},
};

//  Runs one file; -1 when it cannot be read.
static int
s_run_file (const target_t *target, const char *path)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return -1;
    uint8_t *data = (uint8_t *) malloc (CODEC_MAX_BODY + 2);
    size_t size = data ? fread (data, 1, CODEC_MAX_BODY + 2, file) : 0;
    int rc = data && !ferror (file) ? 0 : -1;
    fclose (file);
    if (rc == 0) {
        //  Named first: a finding that is back aborts the program.
        printf ("fuzz_regress: %s %s\n", target->name, path);
        fflush (stdout);
        //  A copy of exactly the file's size, so ASan sees any overread.
        uint8_t *exact = (uint8_t *) malloc (size ? size : 1);
        memcpy (exact, data, size);
        target->run (exact, size);
        free (exact);
    }
    free (data);
    return rc;
}

//  Runs every regular file in dir; the count, or -1.
static int
s_run_dir (const target_t *target, const char *dir)
{
    DIR *d = opendir (dir);
    if (!d)
        return 0; //  no findings stored for this target
    int count = 0;
    struct dirent *entry;
    while (count >= 0 && (entry = readdir (d))) {
        char path[4096];
        struct stat st;
        snprintf (path, sizeof path, "%s/%s", dir, entry->d_name);
        if (entry->d_name[0] == '.' || stat (path, &st) != 0 || !S_ISREG (st.st_mode))
            continue;
        if (s_run_file (target, path) != 0) {
            fprintf (stderr, "fuzz_regress: cannot read %s\n", path);
            count = -1;
        } else
            count++;
    }
    closedir (d);
    return count;
}

int
main (int argc, char *argv[])
{
    if (argc != 2) {
        fprintf (stderr, "usage: fuzz_regress DIR\n");
        return 2;
    }
    //  A stored finding is never to be looked past here.
    unsetenv ("OPSTAP_FUZZ_TOLERATE");
    int total = 0;
    for (size_t i = 0; i < sizeof s_targets / sizeof s_targets[0]; i++) {
        char seeds[4096], regress[4096];
        snprintf (seeds, sizeof seeds, "%s/seeds/%s", argv[1], s_targets[i].name);
        snprintf (regress, sizeof regress, "%s/regress/%s", argv[1], s_targets[i].name);
        int from_seeds = s_run_dir (&s_targets[i], seeds);
        int from_regress = s_run_dir (&s_targets[i], regress);
        if (from_seeds < 0 || from_regress < 0)
            return 1;
        printf ("fuzz_regress: %s: %d seeds, %d findings replayed\n", s_targets[i].name,
                from_seeds, from_regress);
        total += from_seeds + from_regress;
    }
    fuzz_command_cleanup ();
    //  No inputs at all means the directory is wrong, not that all is well.
    return total > 0 ? 0 : 1;
}
