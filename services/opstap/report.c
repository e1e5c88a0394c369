/*  opstap report - asks the reporting service for report.summary and prints
    it as a table for people, one JSON line, or CSV for spreadsheets.

    Before asking, it reads the stream head of every instance reporting
    follows and names those heads in "after", so a report always counts
    every command answered before it was asked, also those sent by earlier
    runs of the tool (read your writes, DOMAIN.md section 4).  */
#include "opstap.h"

#include "codec.h"

#include <errno.h>

#define REPORT_STATUS_MS 2000
//  A suppressed fraction in tables and CSV (a suppressed count is "<k").
#define REPORT_SUPPRESSED "suppressed"
#define REPORT_ATTEMPTS   2

static const char *const s_followed[] = {"intake", "training", "placement", "feedback",
                                         NULL};

typedef enum { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV } format_t;

typedef struct {
    const char *office; //  NULL: every office
    const char *from;
    const char *to;
    int64_t k; //  0: not asked
    format_t format;
} args_t;

//  One figure of a section, flattened: "intake", "not_eligible.total".
typedef struct {
    char *section;
    char *figure;
    char *value;   //  NULL when the figure is null
    bool fraction; //  a suppressed fraction: a table says so in words
} cell_t;

//  One office (or the total) flattened.
typedef struct {
    char name[DIR_NAME_MAX + 1];
    cell_t *cells;
    size_t count, size;
} column_t;

//  --------------------------------------------------------------------------
//  Arguments

static int
s_parse_k (const char *text, int64_t *k)
{
    char *end = NULL;
    errno = 0;
    long long value = strtoll (text, &end, 10);
    if (!*text || *end || errno || value < 1 || value > 1000000)
        return -1;
    *k = value;
    return 0;
}

static int
s_parse_format (const char *text, format_t *format)
{
    static const char *const names[] = {"table", "json", "csv", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp (text, names[i]) == 0) {
            *format = (format_t) i;
            return 0;
        }
    return -1;
}

static int
s_parse_args (int argc, char **argv, args_t *args)
{
    memset (args, 0, sizeof *args);
    for (int i = 0; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!val)
            return opstap_usage_error ("report: %s needs a value", opt);
        if (strcmp (opt, "--office") == 0)
            args->office = val;
        else if (strcmp (opt, "--from") == 0)
            args->from = val;
        else if (strcmp (opt, "--to") == 0)
            args->to = val;
        else if (strcmp (opt, "--k") == 0) {
            if (s_parse_k (val, &args->k))
                return opstap_usage_error ("report: --k needs an integer of 1 or more");
        } else if (strcmp (opt, "--format") == 0) {
            if (s_parse_format (val, &args->format))
                return opstap_usage_error ("report: --format is table, json or csv");
        } else
            return opstap_usage_error ("report: unexpected argument %s", opt);
        i++;
    }
    if (!args->from || !args->to)
        return opstap_usage_error ("report: --from and --to are required");
    return 0;
}

//  --------------------------------------------------------------------------
//  The request

static bool
s_is_followed (const char *service)
{
    for (int i = 0; s_followed[i]; i++)
        if (strcmp (service, s_followed[i]) == 0)
            return true;
    return false;
}

//  Asks every followed instance for its head at once; heads[i] stays 0
//  for an instance that is down: it has nothing newer to wait for.
static void
s_heads (opstap_t *opstap, client_t *client, uint64_t *heads)
{
    msgpack_sbuffer status;
    msgpack_sbuffer_init (&status);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &status, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 1);
    pk_kv_str (&pk, "cmd", "service.status");
    size_t n = directory_size (opstap->directory);
    bool *asked = (bool *) zmalloc ((n ? n : 1) * sizeof (bool));
    for (size_t i = 0; i < n; i++) {
        const dir_entry_t *e = directory_at (opstap->directory, i);
        asked[i] =
            s_is_followed (e->service)
            && client_send (client, e, CLIENT_COMMAND, status.data, status.size) == 0;
    }
    msgpack_sbuffer_destroy (&status);
    int64_t deadline = zclock_mono () + REPORT_STATUS_MS;
    for (size_t i = 0; i < n; i++) {
        const dir_entry_t *e = directory_at (opstap->directory, i);
        reply_t *reply =
            asked[i] ? client_recv (client, e, CLIENT_COMMAND, NULL, deadline) : NULL;
        if (!reply || !reply_ok (reply)
            || opstap_uint (obj_get (reply_root (reply), "head"), &heads[i]))
            heads[i] = 0;
        reply_destroy (&reply);
    }
    free (asked);
}

//  Packs "after" with the head of every followed instance that answers.
static void
s_pack_after (opstap_t *opstap, client_t *client, msgpack_packer *pk)
{
    size_t n = directory_size (opstap->directory);
    uint64_t *heads = (uint64_t *) zmalloc ((n ? n : 1) * sizeof (uint64_t));
    s_heads (opstap, client, heads);
    uint32_t known = 0;
    for (size_t i = 0; i < n; i++)
        known += heads[i] > 0 ? 1 : 0;
    msgpack_pack_array (pk, known);
    for (size_t i = 0; i < n; i++) {
        const dir_entry_t *e = directory_at (opstap->directory, i);
        if (heads[i] == 0)
            continue;
        msgpack_pack_map (pk, 3);
        pk_kv_str (pk, "service", e->service);
        pk_kv_str (pk, "instance", e->instance);
        pk_kv_uint (pk, "seq", heads[i]);
    }
    free (heads);
}

static reply_t *
s_ask (opstap_t *opstap, client_t *client, const args_t *args)
{
    const dir_entry_t *entry =
        directory_route (opstap->directory, "reporting", args->office);
    if (!entry) {
        fprintf (stderr, "opstap: the directory lists no reporting instance\n");
        return NULL;
    }
    if (opstap_handshake (opstap, entry))
        return NULL;
    msgpack_sbuffer body;
    msgpack_sbuffer_init (&body);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &body, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 4 + (args->office ? 1 : 0) + (args->k ? 1 : 0));
    pk_kv_str (&pk, "cmd", "report.summary");
    if (args->office)
        pk_kv_str (&pk, "office", args->office);
    pk_kv_str (&pk, "from", args->from);
    pk_kv_str (&pk, "to", args->to);
    if (args->k)
        pk_kv_int (&pk, "k", args->k);
    pk_str (&pk, "after");
    s_pack_after (opstap, client, &pk);
    reply_t *reply = client_request (client, entry, CLIENT_COMMAND, body.data, body.size,
                                     NULL, opstap->timeout_ms, REPORT_ATTEMPTS);
    if (!reply && !zsys_interrupted)
        fprintf (stderr, "opstap: no reply from %s at %s\n", entry->instance,
                 entry->command);
    msgpack_sbuffer_destroy (&body);
    return reply;
}

//  --------------------------------------------------------------------------
//  Flattening a section

static int
s_add_cell (column_t *col, const char *section, const char *figure, char *value,
            bool fraction)
{
    if (col->count == col->size) {
        size_t size = col->size ? col->size * 2 : 64;
        cell_t *cells = (cell_t *) realloc (col->cells, size * sizeof (cell_t));
        if (!cells) {
            free (value);
            return -1;
        }
        col->cells = cells;
        col->size = size;
    }
    cell_t *cell = &col->cells[col->count++];
    cell->section = strdup (section);
    cell->figure = strdup (figure);
    cell->value = value;
    cell->fraction = fraction;
    return cell->section && cell->figure ? 0 : -1;
}

static bool
s_is_suppressed (const msgpack_object *obj)
{
    const msgpack_object *flag = obj_get (obj, "suppressed");
    return obj->type == MSGPACK_OBJECT_MAP && obj->via.map.size == 1 && flag
           && flag->type == MSGPACK_OBJECT_BOOLEAN && flag->via.boolean;
}

//  Whether a figure is a fraction (a rate, share, mean, median or extreme,
//  proto/reporting.md's F): suppressed, a table prints it as a word, since
//  "<5" in place of a mean or a rate reads as a value. (CSV keeps "<k" for
//  both, as the dashboard's CSV download does.)
static bool
s_is_fraction (const char *figure)
{
    static const char *const fractions[] = {"talks_per_client",
                                            "attendance_rate",
                                            "smart_share",
                                            "paid_job_rate",
                                            "mean_hours",
                                            "median_days_to_paid_job",
                                            "response_rate",
                                            "mean",
                                            "min",
                                            "max",
                                            NULL};
    if (strncmp (figure, "attendance_by_meeting.", 22) == 0)
        return true;
    const char *dot = strrchr (figure, '.');
    const char *leaf = dot ? dot + 1 : figure;
    for (int i = 0; fractions[i]; i++)
        if (strcmp (leaf, fractions[i]) == 0)
            return true;
    return false;
}

//  Adds the leaves under obj, their figure names joined by dots.
static int
s_flatten (column_t *col, const char *section, const char *path,
           const msgpack_object *obj, int64_t k)
{
    if (obj->type == MSGPACK_OBJECT_MAP && !s_is_suppressed (obj)) {
        for (uint32_t i = 0; i < obj->via.map.size; i++) {
            const msgpack_object_kv *pair = &obj->via.map.ptr[i];
            char key[DIR_NAME_MAX + 1], sub[512];
            if (opstap_str (&pair->key, key, sizeof key))
                continue;
            snprintf (sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
            if (s_flatten (col, section, sub, &pair->val, k))
                return -1;
        }
        return 0;
    }
    char *value = NULL;
    if (s_is_suppressed (obj))
        value = zsys_sprintf ("<%" PRId64, k);
    else if (obj->type != MSGPACK_OBJECT_NIL)
        value = json_from_msgpack (obj);
    return s_add_cell (col, section, path, value,
                       s_is_suppressed (obj) && s_is_fraction (path));
}

static int
s_column (column_t *col, const char *name, const msgpack_object *sections, int64_t k)
{
    memset (col, 0, sizeof *col);
    snprintf (col->name, sizeof col->name, "%s", name);
    for (uint32_t i = 0;
         sections && sections->type == MSGPACK_OBJECT_MAP && i < sections->via.map.size;
         i++) {
        char section[DIR_NAME_MAX + 1];
        const msgpack_object_kv *pair = &sections->via.map.ptr[i];
        if (opstap_str (&pair->key, section, sizeof section) == 0
            && s_flatten (col, section, "", &pair->val, k))
            return -1;
    }
    return 0;
}

static void
s_column_free (column_t *col)
{
    for (size_t i = 0; i < col->count; i++) {
        free (col->cells[i].section);
        free (col->cells[i].figure);
        free (col->cells[i].value);
    }
    free (col->cells);
    memset (col, 0, sizeof *col);
}

//  The value of the figure in col as a table shows it, "0" for a label the
//  office never had (deferral reasons appear only where they occur), NULL
//  for null.
static const char *
s_lookup (const column_t *col, const cell_t *like)
{
    for (size_t i = 0; i < col->count; i++)
        if (strcmp (col->cells[i].section, like->section) == 0
            && strcmp (col->cells[i].figure, like->figure) == 0)
            return col->cells[i].fraction ? REPORT_SUPPRESSED : col->cells[i].value;
    return "0";
}

//  --------------------------------------------------------------------------
//  Printing

static void
s_csv_field (const char *text, const char *end)
{
    if (strpbrk (text, ",\"\n")) {
        putchar ('"');
        for (const char *p = text; *p; p++) {
            if (*p == '"')
                putchar ('"');
            putchar (*p);
        }
        putchar ('"');
    } else
        fputs (text, stdout);
    fputs (end, stdout);
}

static void
s_print_csv (column_t *cols, size_t ncols)
{
    puts ("office,section,figure,value");
    for (size_t c = 0; c < ncols; c++)
        for (size_t i = 0; i < cols[c].count; i++) {
            const cell_t *cell = &cols[c].cells[i];
            s_csv_field (cols[c].name, ",");
            s_csv_field (cell->section, ",");
            s_csv_field (cell->figure, ",");
            s_csv_field (cell->value ? cell->value : "", "\n");
        }
}

//  The figure column's width and each value column's.
static int
s_widths (const column_t *cols, size_t ncols, int *widths)
{
    const column_t *total = &cols[ncols - 1];
    int width = 6;
    for (size_t i = 0; i < total->count; i++)
        if ((int) strlen (total->cells[i].figure) + 2 > width)
            width = (int) strlen (total->cells[i].figure) + 2;
    for (size_t c = 0; c < ncols; c++) {
        widths[c] = (int) strlen (cols[c].name);
        for (size_t i = 0; i < total->count; i++) {
            const char *v = s_lookup (&cols[c], &total->cells[i]);
            if (v && (int) strlen (v) > widths[c])
                widths[c] = (int) strlen (v);
        }
    }
    return width;
}

static void
s_print_title (const msgpack_object *root)
{
    char from[16] = "", to[16] = "";
    uint64_t k = 0;
    opstap_str (obj_get (root, "from"), from, sizeof from);
    opstap_str (obj_get (root, "to"), to, sizeof to);
    opstap_uint (obj_get (root, "k"), &k);
    printf ("Report %s .. %s, k = %" PRIu64 " (\"<%" PRIu64
            "\": a count of fewer than %" PRIu64 " candidates;\n  \"" REPORT_SUPPRESSED
            "\": a rate, mean, median or extreme over "
            "fewer than %" PRIu64 " candidates; \"-\": nothing to compute it over)\n",
            from, to, k, k, k, k);
}

//  Rows follow the total, which holds every figure any office has.
static void
s_print_table (const msgpack_object *root, column_t *cols, size_t ncols)
{
    const column_t *total = &cols[ncols - 1];
    int *widths = (int *) zmalloc (ncols * sizeof (int));
    int width = s_widths (cols, ncols, widths);
    s_print_title (root);
    const char *section = "";
    for (size_t i = 0; i < total->count; i++) {
        const cell_t *row = &total->cells[i];
        //  Grades nobody gave would fill screens; JSON and CSV keep them.
        if (strstr (row->figure, "histogram.") && row->value
            && strcmp (row->value, "0") == 0)
            continue;
        if (strcmp (row->section, section) != 0) {
            section = row->section;
            printf ("\n%-*s", width, section);
            for (size_t c = 0; c < ncols; c++)
                printf ("  %*s", widths[c], cols[c].name);
            putchar ('\n');
        }
        printf ("  %-*s", width - 2, row->figure);
        for (size_t c = 0; c < ncols; c++) {
            const char *v = s_lookup (&cols[c], row);
            printf ("  %*s", widths[c], v ? v : "-");
        }
        putchar ('\n');
    }
    free (widths);
}

//  Table or CSV: one column per office, then the total.
static int
s_print_columns (const msgpack_object *root, format_t format)
{
    const msgpack_object *offices = obj_get (root, "offices");
    uint64_t k = 0;
    opstap_uint (obj_get (root, "k"), &k);
    size_t n = offices && offices->type == MSGPACK_OBJECT_MAP ? offices->via.map.size : 0;
    column_t *cols = (column_t *) zmalloc ((n + 1) * sizeof (column_t));
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char name[DIR_NAME_MAX + 1] = "?";
        opstap_str (&offices->via.map.ptr[i].key, name, sizeof name);
        rc = s_column (&cols[i], name, &offices->via.map.ptr[i].val, (int64_t) k);
    }
    if (rc == 0)
        rc = s_column (&cols[n], "total", obj_get (root, "total"), (int64_t) k);
    if (rc == 0 && format == FORMAT_CSV)
        s_print_csv (cols, n + 1);
    else if (rc == 0)
        s_print_table (root, cols, n + 1);
    for (size_t i = 0; i <= n; i++)
        s_column_free (&cols[i]);
    free (cols);
    fflush (stdout);
    return rc;
}

static void
s_print_error (const msgpack_object *root)
{
    const msgpack_object *error = obj_get (root, "error");
    char code[64] = "?", message[512] = "", field[128] = "";
    opstap_str (obj_get (error, "code"), code, sizeof code);
    opstap_str (obj_get (error, "message"), message, sizeof message);
    opstap_str (obj_get (error, "field"), field, sizeof field);
    fprintf (stderr, "opstap: report refused: %s%s%s%s: %s\n", code, *field ? " (" : "",
             field, *field ? ")" : "", message);
}

int
opstap_report (opstap_t *opstap, int argc, char **argv)
{
    args_t args;
    if (s_parse_args (argc, argv, &args)
        || opstap_known_office (opstap, "reporting", args.office))
        return OPSTAP_EXIT_USAGE;
    zsys_handler_set (NULL);
    client_t *client = client_new (opstap->directory, opstap->keys);
    reply_t *reply = s_ask (opstap, client, &args);
    int code = reply ? OPSTAP_EXIT_OK : OPSTAP_EXIT_USAGE;
    if (reply && args.format == FORMAT_JSON)
        opstap_print (reply_root (reply), stdout);
    else if (reply && !reply_ok (reply))
        s_print_error (reply_root (reply));
    else if (reply && s_print_columns (reply_root (reply), args.format)) {
        fprintf (stderr, "opstap: out of memory\n");
        code = OPSTAP_EXIT_ERROR;
    }
    if (reply && !reply_ok (reply))
        code = OPSTAP_EXIT_ERROR;
    reply_destroy (&reply);
    client_destroy (&client);
    return code;
}
