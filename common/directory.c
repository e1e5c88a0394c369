/*  directory - where the service instances are.  */
#include "directory.h"

#include <czmq.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct _directory_t {
    dir_entry_t entries[DIR_MAX_ENTRIES];
    size_t size;
    char path[512];                  //  the file it was read from, "" for the defaults
    char offices[DIR_KNOWN_MAX + 1]; //  declared, comma-separated
};

static const struct {
    const char *prefix;
    const char *service;
} s_routes[] = {
    {"candidate.", "intake"},  {"expert.", "training"},   {"cohort.", "training"},
    {"meeting.", "training"},  {"goal.", "training"},     {"reflection.", "training"},
    {"host.", "placement"},    {"vacancy.", "placement"}, {"placement.", "placement"},
    {"survey.", "feedback"},   {"signal.", "feedback"},   {"report.", "reporting"},
    {"training.", "training"}, {"feedback.", "feedback"},
};

static const char *s_services[] = {"intake", "training", "placement", "feedback",
                                   "reporting"};

const char *
directory_service_for (const char *cmd)
{
    if (!cmd)
        return NULL;
    for (size_t i = 0; i < sizeof s_routes / sizeof s_routes[0]; i++)
        if (strncmp (cmd, s_routes[i].prefix, strlen (s_routes[i].prefix)) == 0)
            return s_routes[i].service;
    return NULL;
}

//  Whether office is one of a comma-separated list.
static bool
s_listed (const char *list, const char *office)
{
    size_t len = strlen (office);
    const char *p = list;
    while (*p) {
        const char *comma = strchr (p, ',');
        size_t n = comma ? (size_t) (comma - p) : strlen (p);
        if (n == len && strncmp (p, office, len) == 0)
            return true;
        p += n + (comma ? 1 : 0);
    }
    return false;
}

//  tcp://host:port -> tcp://host:port+3; anything else has no default.
static void
s_default_metrics (dir_entry_t *e)
{
    e->metrics[0] = 0;
    const char *colon = strrchr (e->command, ':');
    if (strncmp (e->command, "tcp://", 6) != 0 || !colon)
        return;
    char *end = NULL;
    long port = strtol (colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535 - 3)
        return;
    snprintf (e->metrics, sizeof e->metrics, "%.*s:%ld", (int) (colon - e->command),
              e->command, port + 3);
}

directory_t *
directory_new_defaults (int port_base)
{
    directory_t *self = (directory_t *) zmalloc (sizeof (directory_t));
    if (!self)
        return NULL;
    for (size_t i = 0; i < sizeof s_services / sizeof s_services[0]; i++) {
        dir_entry_t *e = &self->entries[self->size++];
        int port = port_base + 10 * (int) i;
        snprintf (e->service, sizeof e->service, "%s", s_services[i]);
        snprintf (e->instance, sizeof e->instance, "%s", s_services[i]);
        snprintf (e->offices, sizeof e->offices, "*");
        snprintf (e->command, sizeof e->command, "tcp://127.0.0.1:%d", port);
        snprintf (e->events, sizeof e->events, "tcp://127.0.0.1:%d", port + 1);
        snprintf (e->replay, sizeof e->replay, "tcp://127.0.0.1:%d", port + 2);
        s_default_metrics (e);
    }
    return self;
}

static int
s_copy_word (char *dst, size_t size, const char *word, const char *what, int line,
             char *err, size_t errlen)
{
    if (strlen (word) >= size) {
        snprintf (err, errlen, "line %d: %s too long", line, what);
        return -1;
    }
    strcpy (dst, word);
    return 0;
}

//  The 7th column: an endpoint, "-" for none, absent for the default.
static int
s_parse_metrics (dir_entry_t *e, const char *word, int line, char *err, size_t errlen)
{
    if (!word) {
        s_default_metrics (e);
        return 0;
    }
    if (strcmp (word, "-") == 0) {
        e->metrics[0] = 0;
        return 0;
    }
    if (strncmp (word, "tcp://", 6) != 0) {
        snprintf (err, errlen, "line %d: metrics endpoint must be tcp:// or -", line);
        return -1;
    }
    return s_copy_word (e->metrics, sizeof e->metrics, word, "endpoint", line, err,
                        errlen);
}

//  Adds one office to the declared ones (once).
static int
s_declare_one (directory_t *self, const char *office, size_t len, int line, char *err,
               size_t errlen)
{
    bool valid = len > 0 && len <= DIR_NAME_MAX;
    for (size_t i = 0; valid && i < len; i++)
        valid = isalnum ((unsigned char) office[i]) || office[i] == '_'
                || office[i] == '-' || office[i] == '.' || office[i] == ':';
    if (!valid) {
        snprintf (err, errlen,
                  "line %d: an office is a name of letters, digits, _ - . :", line);
        return -1;
    }
    char name[DIR_NAME_MAX + 1];
    snprintf (name, sizeof name, "%.*s", (int) len, office);
    if (s_listed (self->offices, name))
        return 0;
    size_t used = strlen (self->offices);
    if (used + len + 2 > sizeof self->offices) {
        snprintf (err, errlen, "line %d: more offices than %d characters hold", line,
                  DIR_KNOWN_MAX);
        return -1;
    }
    snprintf (self->offices + used, sizeof self->offices - used, "%s%s", used ? "," : "",
              name);
    return 0;
}

//  "office NAME [NAME...]" (the rest of the line after "office"): the
//  offices there are, served or not yet.
static int
s_declare (directory_t *self, char **save, int line, char *err, size_t errlen)
{
    int count = 0;
    for (char *w = strtok_r (NULL, " \t\r\n", save); w;
         w = strtok_r (NULL, " \t\r\n", save), count++)
        if (s_declare_one (self, w, strlen (w), line, err, errlen))
            return -1;
    if (count == 0) {
        snprintf (err, errlen, "line %d: office needs one or more names", line);
        return -1;
    }
    return 0;
}

//  An instance's offices are declared by it being there.
static int
s_declare_list (directory_t *self, const char *list, int line, char *err, size_t errlen)
{
    if (strcmp (list, "*") == 0)
        return 0;
    const char *p = list;
    while (*p) {
        const char *comma = strchr (p, ',');
        size_t n = comma ? (size_t) (comma - p) : strlen (p);
        if (s_declare_one (self, p, n, line, err, errlen))
            return -1;
        p += n + (comma ? 1 : 0);
    }
    return 0;
}

static int
s_parse_line (directory_t *self, char *text, int line, char *err, size_t errlen)
{
    char *words[7];
    int count = 0;
    char *save = NULL;
    char *first = strtok_r (text, " \t\r\n", &save);
    if (first && strcmp (first, "office") == 0)
        return s_declare (self, &save, line, err, errlen);
    for (char *w = first; w; w = strtok_r (NULL, " \t\r\n", &save)) {
        if (count == 7) {
            snprintf (err, errlen, "line %d: more than 7 columns", line);
            return -1;
        }
        words[count++] = w;
    }
    if (count == 0)
        return 0;
    if (count < 6) {
        snprintf (err, errlen, "line %d: expected 6 or 7 columns, got %d", line, count);
        return -1;
    }
    if (self->size == DIR_MAX_ENTRIES) {
        snprintf (err, errlen, "line %d: more than %d instances", line, DIR_MAX_ENTRIES);
        return -1;
    }
    dir_entry_t *e = &self->entries[self->size];
    if (s_copy_word (e->service, sizeof e->service, words[0], "service", line, err,
                     errlen)
        || s_copy_word (e->instance, sizeof e->instance, words[1], "instance", line, err,
                        errlen)
        || s_copy_word (e->offices, sizeof e->offices, words[2], "offices", line, err,
                        errlen)
        || s_copy_word (e->command, sizeof e->command, words[3], "endpoint", line, err,
                        errlen)
        || s_copy_word (e->events, sizeof e->events, words[4], "endpoint", line, err,
                        errlen)
        || s_copy_word (e->replay, sizeof e->replay, words[5], "endpoint", line, err,
                        errlen)
        || s_parse_metrics (e, count == 7 ? words[6] : NULL, line, err, errlen))
        return -1;
    if (directory_instance (self, e->instance)) {
        snprintf (err, errlen, "line %d: instance %s listed twice", line, e->instance);
        return -1;
    }
    if (s_declare_list (self, e->offices, line, err, errlen))
        return -1;
    self->size++;
    return 0;
}

static directory_t *
s_load_file (const char *path, char *err, size_t errlen)
{
    FILE *file = fopen (path, "r");
    if (!file) {
        snprintf (err, errlen, "cannot open %s: %s", path, strerror (errno));
        return NULL;
    }
    directory_t *self = (directory_t *) zmalloc (sizeof (directory_t));
    snprintf (self->path, sizeof self->path, "%s", path);
    char text[1024];
    int line = 0;
    int rc = 0;
    while (rc == 0 && fgets (text, sizeof text, file)) {
        line++;
        char *hash = strchr (text, '#');
        if (hash)
            *hash = 0;
        rc = s_parse_line (self, text, line, err, errlen);
    }
    fclose (file);
    if (rc == 0 && self->size == 0) {
        snprintf (err, errlen, "%s lists no instances", path);
        rc = -1;
    }
    if (rc != 0)
        directory_destroy (&self);
    return self;
}

directory_t *
directory_new (const char *path, char *err, size_t errlen)
{
    if (!path)
        path = getenv ("OPSTAP_CONFIG");
    if (path && *path)
        return s_load_file (path, err, errlen);
    int base = 7100;
    const char *env = getenv ("OPSTAP_PORT_BASE");
    if (env && *env) {
        char *end = NULL;
        long value = strtol (env, &end, 10);
        if (*end || value < 1024 || value > 65000) {
            snprintf (err, errlen, "OPSTAP_PORT_BASE must be a port 1024-65000");
            return NULL;
        }
        base = (int) value;
    }
    return directory_new_defaults (base);
}

const char *
directory_path (directory_t *self)
{
    return *self->path ? self->path : NULL;
}

void
directory_destroy (directory_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

size_t
directory_size (directory_t *self)
{
    return self->size;
}

const dir_entry_t *
directory_at (directory_t *self, size_t index)
{
    return index < self->size ? &self->entries[index] : NULL;
}

bool
dir_entry_serves (const dir_entry_t *entry, const char *office)
{
    if (strcmp (entry->offices, "*") == 0)
        return true;
    return office && s_listed (entry->offices, office);
}

const char *
directory_offices (directory_t *self)
{
    return self->offices;
}

bool
dir_office_known (const char *known, const char *office)
{
    return !*known || s_listed (known, office);
}

const dir_entry_t *
directory_route (directory_t *self, const char *service, const char *office)
{
    for (size_t i = 0; i < self->size; i++) {
        const dir_entry_t *e = &self->entries[i];
        if (strcmp (e->service, service) == 0
            && (!office || dir_entry_serves (e, office)))
            return e;
    }
    return NULL;
}

const dir_entry_t *
directory_instance (directory_t *self, const char *instance)
{
    for (size_t i = 0; i < self->size; i++)
        if (strcmp (self->entries[i].instance, instance) == 0)
            return &self->entries[i];
    return NULL;
}

int
dir_bind_endpoint (const char *endpoint, char *out, size_t size)
{
    const char *host = strncmp (endpoint, "tcp://", 6) == 0 ? endpoint + 6 : NULL;
    const char *colon = host ? strrchr (host, ':') : NULL;
    char name[DIR_ENDPOINT_MAX + 1];
    unsigned char addr[sizeof (struct in_addr)];
    if (!colon || (size_t) (colon - host) >= sizeof name)
        return snprintf (out, size, "%s", endpoint) < (int) size ? 0 : -1;
    snprintf (name, sizeof name, "%.*s", (int) (colon - host), host);
    const char *bind = name;
    if (strcmp (name, "localhost") == 0)
        bind = "127.0.0.1";
    else if (strcmp (name, "*") != 0 && *name != '['
             && inet_pton (AF_INET, name, addr) != 1)
        bind = "*";
    return snprintf (out, size, "tcp://%s%s", bind, colon) < (int) size ? 0 : -1;
}
