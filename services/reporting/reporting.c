/*  reporting - the reporting service's definition: its one query, its
    tables, the streams it follows and the threshold k, read once.  */
#include "reporting.h"

#include "handlers.h"
#include "records.h"

#include <errno.h>

// clang-format off
#define END {NULL, 0, false, 0, 0, 0, NULL, NULL}
#define REQ(n, t) {n, t, true, 0, 0, 0, NULL, NULL}
// clang-format on

static const field_t s_summary_fields[] = {REQ ("from", F_DATE),
                                           REQ ("to", F_DATE),
                                           {"k", F_INT, false, 1, 1000000, 0, NULL, NULL},
                                           END};

static const store_table_t *const s_tables[] = {RS_TABLES, RS_RETIRED, NULL};
static const char *const s_follows[] = {"intake", "training", "placement", "feedback",
                                        NULL};

#define S_READERS (R_COORDINATOR | R_MANAGER)

static const command_t s_commands[] = {{"report.summary", s_summary_fields,
                                        report_summary, CMD_QUERY | CMD_ANY_OFFICE,
                                        S_READERS},
                                       {NULL, NULL, NULL, 0, 0}};

int64_t
reporting_k (void)
{
    const char *text = getenv ("OPSTAP_REPORT_K");
    if (!text || !*text)
        return REPORTING_K_DEFAULT;
    char *end = NULL;
    errno = 0;
    long long k = strtoll (text, &end, 10);
    return *end || errno || k < 1 || k > 1000000 ? -1 : (int64_t) k;
}

//  The definition and the configuration it hands to handlers as state.
typedef struct {
    service_def_t def; //  first, so the def's address is the whole's
    reporting_config_t config;
} reporting_t;

service_def_t *
reporting_service_new (int64_t k)
{
    if (k <= 0 && (k = reporting_k ()) < 0) {
        zsys_error ("event=config.error message=\"OPSTAP_REPORT_K must be an integer "
                    "from 1 to 1000000\"");
        return NULL;
    }
    reporting_t *self = (reporting_t *) zmalloc (sizeof (reporting_t));
    self->config.k = k;
    service_def_t def = {.service = "reporting",
                         .tables = s_tables,
                         .commands = s_commands,
                         .follows = s_follows,
                         .apply = reporting_learn,
                         .erase = reporting_erase,
                         .prepare = reporting_format,
                         .state = &self->config};
    self->def = def;
    return &self->def;
}

void
reporting_service_destroy (service_def_t **self_p)
{
    if (self_p && *self_p) {
        free ((reporting_t *) *self_p);
        *self_p = NULL;
    }
}

const char *
reporting_arg (int argc, char *argv[], const char *name, const char *dflt)
{
    for (int i = 1; i + 1 < argc; i++)
        if (streq (argv[i], name))
            return argv[i + 1];
    return dflt;
}
