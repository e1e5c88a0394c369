/*  service_main - a service as a process: thin by design, it parses the
    options, starts the actor and stops it on SIGINT or SIGTERM.  */
#include "service.h"

#include "opstap_version.h"

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

//  What a service reads besides its options, and what only some services
//  read: both belong in its --help, since an operator reads nothing else.
static const char s_environment[] =
    "environment:\n"
    "  OPSTAP_DATA, OPSTAP_CONFIG, OPSTAP_KEYS, OPSTAP_RETENTION  as the options above\n"
    "  OPSTAP_PORT_BASE  first port of the loopback defaults (default 7100)\n";

static const char *
s_environment_of (const char *service)
{
    if (streq (service, "reporting"))
        return "  OPSTAP_REPORT_K   disclosure threshold k of reports (default 5)\n"
               "  OPSTAP_WEB_PORT   dashboard port on 127.0.0.1 (default: command port\n"
               "                    + 5; 0: none)\n"
               "  OPSTAP_WEB_POLICY dashboard office scoping (docs/DASHBOARD.md)\n";
    if (streq (service, "training"))
        return "  OPSTAP_CERT_MIN_MEETINGS  meetings attended for a certificate (default "
               "8)\n"
               "  OPSTAP_CERT_REQUIRE_SMART 1: a goal with all four SMART checks too "
               "(default)\n";
    return "";
}

static void
s_synopsis (const char *service, FILE *out)
{
    fprintf (
        out,
        "usage: opstap-%s [--instance NAME] [--config FILE] [--data DIR] [--keys DIR]\n"
        "       [--cert FILE] [--retention SPEC] [--batch N]\n"
        "       opstap-%s --help | --version\n",
        service, service);
}

static void
s_usage (const char *service, FILE *out)
{
    s_synopsis (service, out);
    fprintf (
        out,
        "The Opstap %s service: commands, its event stream and replay on the\n"
        "endpoints its directory line lists; stops cleanly on SIGTERM or SIGINT.\n"
        "  --instance  instance name in the directory file (default: %s)\n"
        "  --config    directory file (default: $OPSTAP_CONFIG, else loopback)\n"
        "  --data      data directory (default: $OPSTAP_DATA, else var)\n"
        "  --keys      CURVE keys and policy (default: $OPSTAP_KEYS, else none:\n"
        "              no encryption, every caller may do anything)\n"
        "  --cert      own secret certificate (default: <keys>/<instance>.key_secret)\n"
        "  --retention e.g. candidate=7y,audit=10y,check=3600s (default; also\n"
        "              $OPSTAP_RETENTION); units s, d, y\n"
        "  --batch     commands committed together at most, 1-4096\n"
        "  -h, --help  this text;  --version  the version and commit\n"
        "%s%s"
        "Exit status: 0 stopped cleanly, 1 could not start, 2 usage or\n"
        "configuration error.\n",
        service, service, s_environment, s_environment_of (service));
}

int
service_main_info (const char *service, int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        if (streq (argv[i], "--help") || streq (argv[i], "-h")) {
            s_usage (service, stdout);
            return 1;
        }
        if (streq (argv[i], "--version")) {
            printf ("opstap-%s %s (commit %s)\n", service, opstap_version, opstap_commit);
            return 1;
        }
    }
    return 0;
}

//  The option that takes value, or NULL when opt is not one.
static const char **
s_option (options_t *opts, const char *opt)
{
    if (streq (opt, "--instance"))
        return &opts->instance;
    if (streq (opt, "--config"))
        return &opts->config;
    if (streq (opt, "--data"))
        return &opts->data;
    if (streq (opt, "--keys"))
        return &opts->keys;
    if (streq (opt, "--cert"))
        return &opts->cert;
    if (streq (opt, "--retention"))
        return &opts->retention;
    return NULL;
}

//  0, or -1 after saying on stderr what is wrong with the line.
static int
s_parse (const char *service, int argc, char *argv[], options_t *opts)
{
    opts->instance = service;
    opts->data = getenv ("OPSTAP_DATA") && *getenv ("OPSTAP_DATA")
                     ? getenv ("OPSTAP_DATA")
                     : "var";
    opts->keys =
        getenv ("OPSTAP_KEYS") && *getenv ("OPSTAP_KEYS") ? getenv ("OPSTAP_KEYS") : NULL;
    for (int i = 1; i < argc; i += 2) {
        const char *opt = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        const char **slot = s_option (opts, opt);
        bool batch = streq (opt, "--batch");
        const char *why = NULL;
        if (!slot && !batch)
            why = "unknown option";
        else if (!value)
            why = "needs a value";
        else if (slot)
            *slot = value;
        else {
            char *end;
            opts->batch = strtol (value, &end, 10);
            if (!*value || *end || opts->batch < 1 || opts->batch > 4096)
                why = "needs a number of commands, 1-4096";
        }
        if (why) {
            fprintf (stderr, "opstap-%s: %s: %s\n", service, opt, why);
            return -1;
        }
    }
    return 0;
}

int
service_main (const service_def_t *def, int argc, char *argv[])
{
    if (service_main_info (def->service, argc, argv))
        return fflush (stdout) == 0 ? 0 : 1;
    options_t opts = {NULL, NULL, NULL, NULL, NULL, getenv ("OPSTAP_RETENTION"), 0};
    if (s_parse (def->service, argc, argv, &opts)) {
        s_synopsis (def->service, stderr);
        fprintf (stderr, "(opstap-%s --help: what each option means)\n", def->service);
        return 2;
    }
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
