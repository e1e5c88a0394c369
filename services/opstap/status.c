/*  opstap status - asks every instance in the directory for its
    service.status and shows which are up, their stream heads and how far
    their consumers lag behind the producers.  */
#include "opstap.h"

#include <inttypes.h>
#include <string.h>

#define STATUS_TIMEOUT_MS 1000
#define STATUS_RETRY_MS   200

typedef struct {
    const dir_entry_t *entry;
    reply_t *reply; //  the latest reply, if any
    bool up;
} row_t;

typedef struct {
    opstap_t *opstap;
    client_t *client;
    row_t *rows;
    size_t nrows;
} status_t;

static status_t *
status_new (opstap_t *opstap)
{
    status_t *self = (status_t *) zmalloc (sizeof (status_t));
    self->opstap = opstap;
    self->client = client_new (opstap->directory, opstap->keys);
    self->nrows = directory_size (opstap->directory);
    self->rows = (row_t *) zmalloc ((self->nrows ? self->nrows : 1) * sizeof (row_t));
    for (size_t i = 0; i < self->nrows; i++)
        self->rows[i].entry = directory_at (opstap->directory, i);
    return self;
}

static void
status_destroy (status_t **self_p)
{
    if (self_p && *self_p) {
        status_t *self = *self_p;
        for (size_t i = 0; i < self->nrows; i++)
            reply_destroy (&self->rows[i].reply);
        client_destroy (&self->client);
        free (self->rows);
        free (self);
        *self_p = NULL;
    }
}

//  Asks every instance not yet up at once, then collects the replies
//  within one shared timeout. Returns true when every instance is up.
static bool
s_ask_all (status_t *self)
{
    msgpack_sbuffer body;
    msgpack_sbuffer_init (&body);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &body, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 1);
    msgpack_pack_str_with_body (&pk, "cmd", 3);
    msgpack_pack_str_with_body (&pk, "service.status", 14);
    bool *asked = (bool *) zmalloc ((self->nrows ? self->nrows : 1) * sizeof (bool));
    for (size_t i = 0; i < self->nrows; i++) {
        row_t *row = &self->rows[i];
        if (row->up || opstap_refused (self->opstap, row->entry))
            continue;
        //  A fresh socket drops the unanswered request of the last round.
        client_reset (self->client, row->entry, CLIENT_COMMAND);
        asked[i] =
            client_send (self->client, row->entry, CLIENT_COMMAND, body.data, body.size)
            == 0;
    }
    msgpack_sbuffer_destroy (&body);
    int64_t deadline = zclock_mono () + STATUS_TIMEOUT_MS;
    bool all_up = true;
    for (size_t i = 0; i < self->nrows; i++) {
        row_t *row = &self->rows[i];
        if (asked[i]) {
            reply_destroy (&row->reply);
            row->reply =
                client_recv (self->client, row->entry, CLIENT_COMMAND, NULL, deadline);
            row->up = row->reply && reply_ok (row->reply);
        }
        all_up = all_up && row->up;
    }
    free (asked);
    return all_up;
}

//  Checks the handshake of every instance that did not answer; true when
//  each of them refused it, so that waiting longer changes nothing.
static bool
s_only_refused (status_t *self)
{
    bool only_refused = true;
    for (size_t i = 0; i < self->nrows; i++) {
        row_t *row = &self->rows[i];
        if (!row->up && opstap_handshake (self->opstap, row->entry) == 0)
            only_refused = false;
    }
    return only_refused;
}

static const char *
s_state (status_t *self, const row_t *row)
{
    if (row->up)
        return "up";
    return opstap_refused (self->opstap, row->entry) ? "refused" : "down";
}

//  "intake@42 (lag 0), training@7 (lag 3)", or "-" for none.
static char *
s_consumers (const msgpack_object *reply)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    if (!out)
        return NULL;
    const msgpack_object *list = obj_get (reply, "consumers");
    uint32_t count =
        list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
    for (uint32_t i = 0; i < count; i++) {
        const msgpack_object *c = &list->via.array.ptr[i];
        char instance[DIR_NAME_MAX + 1] = "?";
        uint64_t position = 0, lag = 0;
        opstap_str (obj_get (c, "instance"), instance, sizeof instance);
        opstap_uint (obj_get (c, "position"), &position);
        opstap_uint (obj_get (c, "lag"), &lag);
        fprintf (out, "%s%s@%" PRIu64 " (lag %" PRIu64 ")", i ? ", " : "", instance,
                 position, lag);
    }
    if (count == 0)
        fputs ("-", out);
    fclose (out);
    return text;
}

static void
s_pack_kv (msgpack_packer *pk, const char *key, const char *value)
{
    msgpack_pack_str_with_body (pk, key, strlen (key));
    msgpack_pack_str_with_body (pk, value, strlen (value));
}

static void
s_print_down (const dir_entry_t *entry, const char *state)
{
    msgpack_sbuffer sbuf;
    msgpack_sbuffer_init (&sbuf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &sbuf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 4);
    s_pack_kv (&pk, "service", entry->service);
    s_pack_kv (&pk, "instance", entry->instance);
    msgpack_pack_str_with_body (&pk, "ok", 2);
    msgpack_pack_false (&pk);
    s_pack_kv (&pk, "state", state);
    msgpack_unpacked up;
    msgpack_unpacked_init (&up);
    if (msgpack_unpack_next (&up, sbuf.data, sbuf.size, NULL) == MSGPACK_UNPACK_SUCCESS)
        opstap_print (&up.data, stdout);
    msgpack_unpacked_destroy (&up);
    msgpack_sbuffer_destroy (&sbuf);
}

static void
s_print_json (status_t *self)
{
    for (size_t i = 0; i < self->nrows; i++) {
        row_t *row = &self->rows[i];
        if (row->reply)
            opstap_print (reply_root (row->reply), stdout);
        else
            s_print_down (row->entry, s_state (self, row));
    }
}

typedef struct {
    const char *cells[5];
    char head[24];
    char *consumers;
} line_t;

static void
s_fill_line (status_t *self, row_t *row, line_t *line)
{
    const msgpack_object *root = row->reply ? reply_root (row->reply) : NULL;
    uint64_t head;
    if (row->up && opstap_uint (obj_get (root, "head"), &head) == 0)
        snprintf (line->head, sizeof line->head, "%" PRIu64, head);
    else
        snprintf (line->head, sizeof line->head, "-");
    line->consumers = row->up ? s_consumers (root) : NULL;
    line->cells[0] = row->entry->service;
    line->cells[1] = row->entry->instance;
    line->cells[2] = s_state (self, row);
    line->cells[3] = line->head;
    line->cells[4] = line->consumers ? line->consumers : "-";
}

static void
s_print_line (const char *const *cells, const int *widths)
{
    for (int c = 0; c < 4; c++)
        printf ("%-*s  ", widths[c], cells[c]);
    printf ("%s\n", cells[4]);
}

static void
s_print_table (status_t *self)
{
    static const char *const titles[5] = {"SERVICE", "INSTANCE", "STATE", "HEAD",
                                          "CONSUMERS"};
    line_t *lines =
        (line_t *) zmalloc ((self->nrows ? self->nrows : 1) * sizeof (line_t));
    int widths[5] = {0};
    for (int c = 0; c < 5; c++)
        widths[c] = (int) strlen (titles[c]);
    for (size_t i = 0; i < self->nrows; i++) {
        s_fill_line (self, &self->rows[i], &lines[i]);
        for (int c = 0; c < 5; c++)
            if ((int) strlen (lines[i].cells[c]) > widths[c])
                widths[c] = (int) strlen (lines[i].cells[c]);
    }
    s_print_line (titles, widths);
    for (size_t i = 0; i < self->nrows; i++) {
        s_print_line (lines[i].cells, widths);
        free (lines[i].consumers);
    }
    free (lines);
    fflush (stdout);
}

static int
s_parse_wait (const char *text, int64_t *wait_ms)
{
    char *end = NULL;
    double seconds = strtod (text, &end);
    if (!text[0] || *end || !(seconds >= 0 && seconds <= 86400))
        return -1;
    *wait_ms = (int64_t) (seconds * 1000);
    return 0;
}

int
opstap_status (opstap_t *opstap, int argc, char **argv)
{
    int64_t wait_ms = 0;
    bool json = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp (argv[i], "--wait") == 0 && i + 1 < argc) {
            if (s_parse_wait (argv[++i], &wait_ms))
                return opstap_usage_error ("--wait needs a number of seconds");
        } else if (strcmp (argv[i], "--json") == 0)
            json = true;
        else
            return opstap_usage_error ("status: unexpected argument %s", argv[i]);
    }
    zsys_handler_set (NULL);
    status_t *self = status_new (opstap);
    int64_t give_up = zclock_mono () + wait_ms;
    bool all_up = s_ask_all (self);
    while (!all_up && !s_only_refused (self)
           && zclock_mono () + STATUS_RETRY_MS <= give_up) {
        zclock_sleep (STATUS_RETRY_MS);
        all_up = s_ask_all (self);
    }
    //  Without --wait the loop does not run: still say why an instance
    //  that did not answer refused.
    if (!all_up)
        s_only_refused (self);
    if (json)
        s_print_json (self);
    else
        s_print_table (self);
    status_destroy (&self);
    return all_up ? OPSTAP_EXIT_OK : OPSTAP_EXIT_ERROR;
}
