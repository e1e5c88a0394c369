/*  service_main - a service as a process: thin by design, it parses the
    options, starts the actor and stops it on SIGINT or SIGTERM.  */
#include "service.h"

#include <signal.h>
#include <stdlib.h>

typedef struct {
    const char *instance;
    const char *config;
    const char *data;
    const char *keys;
    const char *cert;
    const char *retention;
    long batch;
} options_t;

static int
s_usage (const char *service)
{
    fprintf (
        stderr,
        "usage: opstap-%s [--instance NAME] [--config FILE] [--data DIR] [--keys DIR]\n"
        "       [--batch N]\n"
        "  --instance  instance name in the directory file (default: %s)\n"
        "  --config    directory file (default: $OPSTAP_CONFIG, else loopback)\n"
        "  --data      data directory (default: $OPSTAP_DATA, else var)\n"
        "  --keys      CURVE keys and policy (default: $OPSTAP_KEYS, else none:\n"
        "              no encryption, every caller may do anything)\n"
        "  --cert      own secret certificate (default: <keys>/<instance>.key_secret)\n"
        "  --retention e.g. candidate=7y,audit=10y,check=3600s (default; also\n"
        "              $OPSTAP_RETENTION); units s, d, y\n",
        service, service);
    return 2;
}

static int
s_parse (const char *service, int argc, char *argv[], options_t *opts)
{
    opts->instance = service;
    opts->data = getenv ("OPSTAP_DATA") && *getenv ("OPSTAP_DATA")
                     ? getenv ("OPSTAP_DATA")
                     : "var";
    opts->keys =
        getenv ("OPSTAP_KEYS") && *getenv ("OPSTAP_KEYS") ? getenv ("OPSTAP_KEYS") : NULL;
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!value)
            return -1;
        if (streq (argv[i], "--instance"))
            opts->instance = value;
        else if (streq (argv[i], "--config"))
            opts->config = value;
        else if (streq (argv[i], "--data"))
            opts->data = value;
        else if (streq (argv[i], "--keys"))
            opts->keys = value;
        else if (streq (argv[i], "--cert"))
            opts->cert = value;
        else if (streq (argv[i], "--retention"))
            opts->retention = value;
        else if (streq (argv[i], "--batch")) {
            char *end;
            opts->batch = strtol (value, &end, 10);
            if (*end || opts->batch < 1 || opts->batch > 4096)
                return -1;
        } else
            return -1;
        i++;
    }
    return 0;
}

int
service_main (const service_def_t *def, int argc, char *argv[])
{
    options_t opts = {NULL, NULL, NULL, NULL, NULL, getenv ("OPSTAP_RETENTION"), 0};
    if (s_parse (def->service, argc, argv, &opts))
        return s_usage (def->service);
    zsys_init ();
    //  Past a file size limit a write then fails (EFBIG) and is answered as
    //  a store error, rather than the signal ending the process.
    signal (SIGXFSZ, SIG_IGN);
    zsys_set_logident (def->service);
    //  czmq logs to stdout by default; a service's log belongs on stderr.
    zsys_set_logstream (stderr);
    char err[640];
    directory_t *directory = directory_new (opts.config, err, sizeof err);
    if (!directory) {
        zsys_error ("event=config.error message=\"%s\"", err);
        return 2;
    }
    service_opts_t sopts = {.instance = opts.instance,
                            .data_dir = opts.data,
                            .directory = directory,
                            .batch_max = (size_t) opts.batch,
                            .keys_dir = opts.keys,
                            .retention = opts.retention,
                            .cert = opts.cert,
                            //  Read again for new producers.
                            .config = directory_path (directory)};
    zactor_t *actor = service_start (def, &sopts, err, sizeof err);
    directory_destroy (&directory);
    if (!actor) {
        zsys_error ("event=start.error service=%s message=\"%s\"", def->service, err);
        return 1;
    }
    while (!zsys_interrupted)
        zclock_sleep (100);
    zactor_destroy (&actor);
    return 0;
}
