/*  opstap - the command-line tool: submit commands, tail event streams,
    check that the services are up (docs/CONTRACT.md section 4).  */
#include "opstap.h"

#include "codec.h"
#include "handshake.h"
#include "opstap_version.h"

#include <stdarg.h>
#include <string.h>

#define OPSTAP_DEFAULT_TIMEOUT_S 10
//  Long enough for a handshake with a far host; a refusal or a port where
//  nothing listens is known at once.
#define OPSTAP_HANDSHAKE_MS 2000

static const char s_usage[] =
    "usage: opstap [--config FILE] COMMAND [ARGS]\n"
    "       opstap --help | --version | COMMAND --help\n"
    "\n"
    "  submit [FILE|-]     send JSON-line commands (default: stdin), print the replies\n"
    "  tail --service S [--instance I] [--from SEQ] [--follow]\n"
    "                      print a service's events as JSON lines\n"
    "  status [--wait SECONDS] [--json]\n"
    "                      show every instance, its stream head and consumer lag\n"
    "  report [--office O] --from DATE --to DATE [--k N] [--format table|json|csv]\n"
    "                      report.summary per office and in total (default: table)\n"
    "  keys NAME [--dir DIR] [--role ROLE] [--offices A,B|*] [--add]\n"
    "                      make a CURVE certificate; print its policy line\n"
    "  audit --service S [--office O] [--caller KEY|NAME] [--record ID]\n"
    "        [--from DATE] [--to DATE]\n"
    "                      the audit trail of every instance of a service\n"
    "  erase-status ID [--office O] [--wait SECONDS] [--complete]\n"
    "                      which instances still hold an erased candidate's id;\n"
    "                      --complete ends the erasure in intake when none do\n"
    "  endpoints [--json]  where every instance is, from the directory\n"
    "  help [COMMAND]      this text, or a command's own\n"
    "\n"
    "--config FILE overrides OPSTAP_CONFIG (the directory file); without either\n"
    "the loopback defaults at OPSTAP_PORT_BASE (7100) are used. OPSTAP_TIMEOUT\n"
    "is how many seconds to wait for a reply before resending (default 10).\n"
    "OPSTAP_KEYS (keys directory) and OPSTAP_CERT (your secret certificate)\n"
    "turn on CURVE encryption and authentication (docs/SECURITY.md).\n"
    "Exit status: 0 all ok, 1 some reply was an error or an instance is down,\n"
    "2 usage or connection problem.\n";

typedef int (subcommand_fn) (opstap_t *opstap, int argc, char **argv);

typedef struct {
    const char *name;
    subcommand_fn *run;
    const char *help; //  what COMMAND --help prints
} subcommand_t;

static const subcommand_t s_subcommands[] = {
    {"submit", opstap_submit,
     "usage: opstap submit [FILE|-]\n"
     "Sends the commands of FILE (default, or \"-\": standard input), one JSON\n"
     "object a line, in order, each after the reply to the one before, and\n"
     "prints each reply as one JSON line. Blank lines and lines starting with #\n"
     "are skipped. A line without \"rid\" gets one made for this run; give each\n"
     "line its own \"rid\" (as examples/ does) and running the file again answers\n"
     "every line as the first time, applying nothing twice. Each command carries\n"
     "the stream positions of the replies before it (\"after\"), so it sees their\n"
     "effects whichever service handled them.\n"
     "Exit status: 0 every reply ok, 1 some reply was an error (every line is\n"
     "still sent), 2 usage or connection problem.\n"},
    {"tail", opstap_tail,
     "usage: opstap tail --service S [--instance I] [--from SEQ] [--follow]\n"
     "Prints the events of every instance of service S (or of instance I) as\n"
     "JSON lines, from sequence number SEQ (default 1), read from the replay\n"
     "endpoint. --follow: then prints new events as they come, until SIGINT or\n"
     "SIGTERM.\n"
     "Exit status: 0 done, 1 a replay was refused, 2 usage or connection problem.\n"},
    {"status", opstap_status,
     "usage: opstap status [--wait SECONDS] [--json]\n"
     "Asks every instance in the directory for its status and prints a table:\n"
     "up or down, its stream head, each consumer's position and lag. An\n"
     "instance that refuses this client's handshake (it needs keys, or does not\n"
     "know this key) shows as \"refused\", with the reason on stderr.\n"
     "  --wait SECONDS  ask again until every instance is up or SECONDS passed\n"
     "                  (not longer once every other instance has refused)\n"
     "  --json          one JSON line per instance, as service.status answers\n"
     "Exit status: 0 every instance up, 1 one is not, 2 usage problem.\n"},
    {"report", opstap_report,
     "usage: opstap report [--office O] --from DATE --to DATE [--k N]\n"
     "                     [--format table|json|csv]\n"
     "Prints report.summary for the business dates DATE..DATE (YYYY-MM-DD), per\n"
     "office and in total, or for office O alone. It first reads every followed\n"
     "stream's head, so the report counts every command answered before it.\n"
     "Disclosure control: a count of 1 to k-1 candidates prints as \"<k\"; a rate,\n"
     "mean, median or extreme over fewer than k candidates as \"suppressed\" in\n"
     "the table (CSV has \"<k\" for both, as the dashboard's CSV; JSON has\n"
     "{\"suppressed\": true}); \"-\": nothing to compute it over.\n"
     "k is the service's (OPSTAP_REPORT_K, default 5); --k may raise it, never\n"
     "lower it.\n"
     "Exit status: 0 printed, 1 refused, 2 usage or connection problem.\n"},
    {"keys", opstap_keys,
     "usage: opstap keys NAME [--dir DIR] [--role ROLE] [--offices A,B|*] [--add]\n"
     "Makes a CURVE certificate DIR/NAME.key and DIR/NAME.key_secret (DIR:\n"
     "default $OPSTAP_KEYS, else var/keys), puts its public part in DIR/clients/\n"
     "and prints its policy line. --add: appends that line to DIR/policy, which\n"
     "the services read again within a second. Roles: coordinator, trainer,\n"
     "expert, host_supervisor, manager, operator, subscriber (default), service.\n"
     "--offices: the offices the key may act for (default *: every office).\n"
     "Exit status: 0 made, 1 could not write, 2 usage problem.\n"},
    {"audit", opstap_audit,
     "usage: opstap audit --service S [--office O] [--caller KEY|NAME] [--record ID]\n"
     "                    [--from DATE] [--to DATE]\n"
     "Prints the audit trail of every instance of service S, oldest first, one\n"
     "JSON line an entry (services with keys keep one; ask with an operator's\n"
     "key). --caller: a key or its policy name; --from/--to: dates, inclusive.\n"
     "Exit status: 0 printed, 1 an instance refused or did not answer, 2 usage\n"
     "or connection problem.\n"},
    {"erase-status", opstap_erase_status,
     "usage: opstap erase-status ID [--office O] [--wait SECONDS] [--complete]\n"
     "After candidate.erase: prints, per instance, whether its store or audit\n"
     "trail still holds the candidate's id. --wait: first asks again until no\n"
     "instance but intake holds it, or SECONDS passed. --complete: when only\n"
     "intake still holds it, ends the erasure there (intake then forgets the\n"
     "id, and a later command naming it is answered not_found).\n"
     "Exit status: 0 erased everywhere (or completed), 1 still pending or an\n"
     "instance did not answer, 2 usage problem.\n"},
    {"endpoints", opstap_endpoints,
     "usage: opstap endpoints [--json]\n"
     "Prints every instance the directory lists (OPSTAP_CONFIG or --config, else\n"
     "the loopback defaults at OPSTAP_PORT_BASE): service, instance, offices and\n"
     "its command, events, replay and metrics endpoints. Asks no service.\n"
     "Exit status: 0, or 2 for a usage problem or a bad directory file.\n"},
};

#define SUBCOMMANDS (sizeof s_subcommands / sizeof s_subcommands[0])

int
opstap_usage_error (const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    fputs ("opstap: ", stderr);
    vfprintf (stderr, fmt, args);
    fputs ("\n(opstap --help: the commands; opstap COMMAND --help: one command)\n",
           stderr);
    va_end (args);
    return OPSTAP_EXIT_USAGE;
}

static const subcommand_t *
s_subcommand (const char *name)
{
    for (size_t i = 0; i < SUBCOMMANDS; i++)
        if (strcmp (name, s_subcommands[i].name) == 0)
            return &s_subcommands[i];
    return NULL;
}

//  Prints text to stdout: what asking for help or the version does.
static int
s_print (const char *text)
{
    fputs (text, stdout);
    return fflush (stdout) == 0 ? OPSTAP_EXIT_OK : OPSTAP_EXIT_ERROR;
}

//  "opstap help [COMMAND]".
static int
s_help (int argc, char **argv)
{
    if (argc == 0)
        return s_print (s_usage);
    const subcommand_t *sub = argc == 1 ? s_subcommand (argv[0]) : NULL;
    if (!sub)
        return opstap_usage_error ("help: no command %s", argv[0]);
    return s_print (sub->help);
}

static bool
s_asks_help (int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
            return true;
    return false;
}

//  --------------------------------------------------------------------------
//  What the directory knows

int
opstap_known_service (opstap_t *opstap, const char *service)
{
    if (directory_route (opstap->directory, service, NULL))
        return 0;
    char listed[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < directory_size (opstap->directory); i++) {
        const char *name = directory_at (opstap->directory, i)->service;
        if (directory_route (opstap->directory, name, NULL)
            != directory_at (opstap->directory, i))
            continue; //  named already, by its first instance
        int n = snprintf (listed + used, sizeof listed - used, "%s%s", used ? ", " : "",
                          name);
        used = n > 0 && used + (size_t) n < sizeof listed ? used + (size_t) n : used;
    }
    return opstap_usage_error ("no service %s in the directory; it lists %s", service,
                               listed);
}

int
opstap_known_office (opstap_t *opstap, const char *service, const char *office)
{
    if (!office)
        return 0;
    if (!codec_valid_id (office, strlen (office)))
        return opstap_usage_error ("%s is not an office (letters, digits, _.:-)", office);
    if (directory_route (opstap->directory, service, office))
        return 0;
    char listed[DIR_OFFICES_MAX + 64] = "";
    size_t used = 0;
    for (size_t i = 0; i < directory_size (opstap->directory); i++) {
        const dir_entry_t *entry = directory_at (opstap->directory, i);
        if (strcmp (entry->service, service) != 0)
            continue;
        int n = snprintf (listed + used, sizeof listed - used, "%s%s", used ? "," : "",
                          entry->offices);
        used = n > 0 && used + (size_t) n < sizeof listed ? used + (size_t) n : used;
    }
    return opstap_usage_error (
        "no instance of %s serves office %s; the directory lists %s", service, office,
        *listed ? listed : "none");
}

//  --------------------------------------------------------------------------
//  Handshakes

static int
s_index (opstap_t *opstap, const dir_entry_t *entry)
{
    for (size_t i = 0; i < directory_size (opstap->directory); i++)
        if (directory_at (opstap->directory, i) == entry)
            return (int) i;
    return -1;
}

int
opstap_handshake (opstap_t *opstap, const dir_entry_t *entry)
{
    int i = s_index (opstap, entry);
    if (i < 0)
        return 0;
    //  A verdict of "nothing answered" is asked again: the instance may
    //  have come up since, and a port where nothing listens answers at once.
    if (opstap->handshakes[i] < 0 || opstap->handshakes[i] == HANDSHAKE_UNKNOWN) {
        char why[512];
        opstap->handshakes[i] =
            handshake_check (opstap->keys, entry, OPSTAP_HANDSHAKE_MS, why, sizeof why);
        if (opstap->handshakes[i] == HANDSHAKE_REFUSED)
            fprintf (stderr, "opstap: %s\n", why);
    }
    return opstap->handshakes[i] == HANDSHAKE_REFUSED ? -1 : 0;
}

bool
opstap_refused (opstap_t *opstap, const dir_entry_t *entry)
{
    int i = s_index (opstap, entry);
    return i >= 0 && opstap->handshakes[i] == HANDSHAKE_REFUSED;
}

//  --------------------------------------------------------------------------
//  endpoints

int
opstap_endpoints (opstap_t *opstap, int argc, char **argv)
{
    bool json = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp (argv[i], "--json") != 0)
            return opstap_usage_error ("endpoints: unexpected %s", argv[i]);
        json = true;
    }
    for (size_t i = 0; i < directory_size (opstap->directory); i++) {
        const dir_entry_t *e = directory_at (opstap->directory, i);
        const char *metrics = *e->metrics ? e->metrics : "-";
        if (json)
            //  Every value is an identifier, a list of them or an endpoint:
            //  nothing to escape.
            printf ("{\"service\":\"%s\",\"instance\":\"%s\",\"offices\":\"%s\","
                    "\"command\":\"%s\",\"events\":\"%s\",\"replay\":\"%s\","
                    "\"metrics\":\"%s\"}\n",
                    e->service, e->instance, e->offices, e->command, e->events, e->replay,
                    metrics);
        else
            printf ("%-10s %-12s %-16s %s %s %s %s\n", e->service, e->instance,
                    e->offices, e->command, e->events, e->replay, metrics);
    }
    return fflush (stdout) == 0 ? OPSTAP_EXIT_OK : OPSTAP_EXIT_ERROR;
}

//  --------------------------------------------------------------------------

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

//  Sets the run up (directory, keys, timeout) and runs the subcommand.
static int
s_run (const subcommand_t *sub, const char *config, int argc, char **argv)
{
    opstap_t opstap = {NULL, 0, NULL, NULL};
    if (s_timeout_ms (&opstap.timeout_ms))
        return opstap_usage_error ("OPSTAP_TIMEOUT must be seconds, more than 0");
    char err[256] = "";
    opstap.directory = directory_new (config, err, sizeof err);
    if (!opstap.directory) {
        fprintf (stderr, "opstap: %s\n", err);
        return OPSTAP_EXIT_USAGE;
    }
    opstap.keys = keys_from_env (err, sizeof err);
    if (!opstap.keys && *err && sub->run != opstap_keys) {
        fprintf (stderr, "opstap: %s\n", err);
        directory_destroy (&opstap.directory);
        return OPSTAP_EXIT_USAGE;
    }
    size_t size = directory_size (opstap.directory);
    opstap.handshakes = (int *) zmalloc ((size ? size : 1) * sizeof (int));
    for (size_t i = 0; i < size; i++)
        opstap.handshakes[i] = -1;
    int code = sub->run (&opstap, argc, argv);
    free (opstap.handshakes);
    keys_destroy (&opstap.keys);
    directory_destroy (&opstap.directory);
    return code;
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
    if (first >= argc) {
        fputs (s_usage, stderr);
        return OPSTAP_EXIT_USAGE;
    }
    const char *name = argv[first];
    if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0)
        return s_print (s_usage);
    if (strcmp (name, "--version") == 0) {
        printf ("opstap %s (commit %s)\n", opstap_version, opstap_commit);
        return fflush (stdout) == 0 ? OPSTAP_EXIT_OK : OPSTAP_EXIT_ERROR;
    }
    if (strcmp (name, "help") == 0)
        return s_help (argc - first - 1, argv + first + 1);
    const subcommand_t *sub = s_subcommand (name);
    if (!sub)
        return opstap_usage_error ("unknown command %s", name);
    if (s_asks_help (argc - first - 1, argv + first + 1))
        return s_print (sub->help);
    return s_run (sub, config, argc - first - 1, argv + first + 1);
}
