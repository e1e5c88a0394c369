/*  opstap - the command-line tool: submit commands, tail event streams,
    check that the services are up (DOMAIN.md section 4).  */
#include "opstap.h"

#include <stdarg.h>
#include <string.h>

#define OPSTAP_DEFAULT_TIMEOUT_S 10

static const char s_usage[] =
    "usage: opstap [--config FILE] COMMAND [ARGS]\n"
    "\n"
    "  submit [FILE|-]     send JSON-line commands (default: stdin), print the replies\n"
    "  tail --service S [--instance I] [--from SEQ] [--follow]\n"
    "                      print a service's events as JSON lines\n"
    "  status [--wait SECONDS] [--json]\n"
    "                      show every instance, its stream head and consumer lag\n"
    "  report [--office O] --from DATE --to DATE [--k N] [--format table|json|csv]\n"
    "                      report.summary per office and in total (default: table)\n"
    "  keys NAME [--dir DIR] [--role ROLE] [--offices A,B|*]\n"
    "                      make a CURVE certificate; print its policy line\n"
    "  audit --service S [--office O] [--caller KEY|NAME] [--record ID]\n"
    "        [--from DATE] [--to DATE]\n"
    "                      the audit trail of every instance of a service\n"
    "  erase-status ID [--office O] [--complete]\n"
    "                      which instances still hold an erased candidate's id;\n"
    "                      --complete ends the erasure in intake when none do\n"
    "  help                this text\n"
    "\n"
    "--config FILE overrides OPSTAP_CONFIG (the directory file); without either\n"
    "the loopback defaults at OPSTAP_PORT_BASE (7100) are used. OPSTAP_TIMEOUT\n"
    "is how many seconds to wait for a reply before resending (default 10).\n"
    "OPSTAP_KEYS (keys directory) and OPSTAP_CERT (your secret certificate)\n"
    "turn on CURVE encryption and authentication (docs/SECURITY.md).\n"
    "Exit status: 0 all ok, 1 some reply was an error or an instance is down,\n"
    "2 usage or connection problem.\n";

int
opstap_usage_error (const char *fmt, ...)
{
    if (fmt) {
        va_list args;
        va_start (args, fmt);
        fputs ("opstap: ", stderr);
        vfprintf (stderr, fmt, args);
        fputs ("\n", stderr);
        va_end (args);
    }
    fputs (s_usage, stderr);
    return OPSTAP_EXIT_USAGE;
}

static int
s_timeout_ms (int *timeout_ms)
{
    const char *text = getenv ("OPSTAP_TIMEOUT");
    *timeout_ms = OPSTAP_DEFAULT_TIMEOUT_S * 1000;
    if (!text || !*text)
        return 0;
    char *end = NULL;
    double seconds = strtod (text, &end);
    if (*end || !(seconds > 0 && seconds <= 3600))
        return -1;
    *timeout_ms = (int) (seconds * 1000) > 0 ? (int) (seconds * 1000) : 1;
    return 0;
}

typedef int (subcommand_fn) (opstap_t *opstap, int argc, char **argv);

static subcommand_fn *
s_subcommand (const char *name)
{
    if (strcmp (name, "submit") == 0)
        return opstap_submit;
    if (strcmp (name, "tail") == 0)
        return opstap_tail;
    if (strcmp (name, "status") == 0)
        return opstap_status;
    if (strcmp (name, "report") == 0)
        return opstap_report;
    if (strcmp (name, "keys") == 0)
        return opstap_keys;
    if (strcmp (name, "audit") == 0)
        return opstap_audit;
    if (strcmp (name, "erase-status") == 0)
        return opstap_erase_status;
    return NULL;
}

int
main (int argc, char **argv)
{
    const char *config = NULL;
    int first = 1;
    if (first < argc && strcmp (argv[first], "--config") == 0) {
        if (first + 1 >= argc)
            return opstap_usage_error ("--config needs a file");
        config = argv[first + 1];
        first += 2;
    }
    if (first >= argc || strcmp (argv[first], "help") == 0)
        return opstap_usage_error (NULL);
    subcommand_fn *run = s_subcommand (argv[first]);
    if (!run)
        return opstap_usage_error ("unknown command %s", argv[first]);
    opstap_t opstap = {NULL, 0, NULL};
    if (s_timeout_ms (&opstap.timeout_ms))
        return opstap_usage_error ("OPSTAP_TIMEOUT must be seconds, more than 0");
    char err[256] = "";
    opstap.directory = directory_new (config, err, sizeof err);
    if (!opstap.directory) {
        fprintf (stderr, "opstap: %s\n", err);
        return OPSTAP_EXIT_USAGE;
    }
    opstap.keys = keys_from_env (err, sizeof err);
    if (!opstap.keys && *err && run != opstap_keys) {
        fprintf (stderr, "opstap: %s\n", err);
        directory_destroy (&opstap.directory);
        return OPSTAP_EXIT_USAGE;
    }
    int code = run (&opstap, argc - first - 1, argv + first + 1);
    keys_destroy (&opstap.keys);
    directory_destroy (&opstap.directory);
    return code;
}
