/*  policy - who may do what.  */
#include "policy.h"

#include <czmq.h>
#include <dirent.h>
#include <sys/stat.h>

#include "codec.h"

struct _policy_t {
    char *path;
    char *clients_dir;
    zhashx_t *callers;        //  key -> caller_t, only keys also in clients_dir
    struct timespec stamp[2]; //  mtimes of the file and the directory
};

static const char *const s_role_names[ROLE_COUNT] = {
    "coordinator", "trainer",  "expert",     "host_supervisor",
    "manager",     "operator", "subscriber", "service"};

//  What each role may send: a name ending in '.' is a prefix. Every role may
//  ask service.status.
static const char *const s_coordinator[] = {
    "candidate.",     "cohort.",        "expert.register", "expert.release",
    "expert.assign",  "expert.suggest", "expert.get",      "placement.",
    "host.",          "vacancy.",       "survey.",         "signal.",
    "report.summary", "erase.check",    "replay",          NULL};
static const char *const s_trainer[] = {"expert.activity",
                                        "expert.activities",
                                        "expert.get",
                                        "cohort.get",
                                        "cohort.candidates",
                                        "cohort.subgroups",
                                        "meeting.record",
                                        "goal.",
                                        "reflection.record",
                                        "signal.report",
                                        NULL};
static const char *const s_host_supervisor[] = {"placement.sign", "placement.contact",
                                                "placement.get",  "reflection.record",
                                                "host.update",    NULL};
static const char *const s_manager[] = {"report.summary", "replay", NULL};
static const char *const s_operator[] = {"audit.list", "erase.check", "replay", NULL};
static const char *const s_subscriber[] = {"replay", NULL};
static const char *const s_service[] = {"replay", "erase.check", NULL};

static const char *const *const s_permits[ROLE_COUNT] = {
    s_coordinator, s_trainer,  s_trainer,    s_host_supervisor,
    s_manager,     s_operator, s_subscriber, s_service};

const char *
policy_role_name (role_t role)
{
    return role < ROLE_COUNT ? s_role_names[role] : "unknown";
}

int
policy_role_parse (const char *name)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (streq (name, s_role_names[i]))
            return i;
    return -1;
}

bool
policy_permits (const caller_t *caller, const char *cmd)
{
    if (streq (cmd, "service.status"))
        return true;
    for (const char *const *p = s_permits[caller->role]; *p; p++) {
        size_t len = strlen (*p);
        if ((*p)[len - 1] == '.' ? strncmp (cmd, *p, len) == 0 : streq (cmd, *p))
            return true;
    }
    return false;
}

bool
policy_office (const caller_t *caller, const char *office)
{
    if (streq (caller->offices, "*"))
        return true;
    size_t len = strlen (office);
    if (!len)
        return false;
    for (const char *p = caller->offices; *p;) {
        const char *end = strchr (p, ',');
        size_t wlen = end ? (size_t) (end - p) : strlen (p);
        if (wlen == len && memcmp (p, office, len) == 0)
            return true;
        p += wlen + (end ? 1 : 0);
    }
    return false;
}

//  --------------------------------------------------------------------------
//  Loading

static bool
s_valid_offices (const char *offices)
{
    if (streq (offices, "*"))
        return true;
    for (const char *p = offices;;) {
        const char *end = strchr (p, ',');
        size_t len = end ? (size_t) (end - p) : strlen (p);
        if (!codec_valid_id (p, len))
            return false;
        if (!end)
            return true;
        p = end + 1;
    }
}

static int
s_parse_line (char *text, caller_t *caller, char *err, size_t errlen, int line)
{
    char *save = NULL;
    char *words[4] = {NULL, NULL, NULL, NULL};
    int count = 0;
    for (char *w = strtok_r (text, " \t\r\n", &save); w && count < 4;
         w = strtok_r (NULL, " \t\r\n", &save))
        words[count++] = w;
    if (count == 0 || words[0][0] == '#')
        return 1;
    int role = count >= 3 ? policy_role_parse (words[1]) : -1;
    if (count < 3 || strlen (words[0]) != POLICY_KEY_LEN || role < 0
        || strlen (words[2]) > DIR_OFFICES_MAX || !s_valid_offices (words[2])
        || (words[3] && !codec_valid_id (words[3], strlen (words[3])))) {
        snprintf (err, errlen,
                  "policy line %d: want <key> <role> <offices> [name] with a known role",
                  line);
        return -1;
    }
    memset (caller, 0, sizeof *caller);
    snprintf (caller->key, sizeof caller->key, "%s", words[0]);
    caller->role = (role_t) role;
    snprintf (caller->offices, sizeof caller->offices, "%s", words[2]);
    snprintf (caller->name, sizeof caller->name, "%s", words[3] ? words[3] : "-");
    return 0;
}

//  The public keys of the certificates in the clients directory.
static zhashx_t *
s_read_clients (const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir (dir);
    if (!d) {
        snprintf (err, errlen, "cannot read clients directory %s: %s", dir,
                  strerror (errno));
        return NULL;
    }
    zhashx_t *keys = zhashx_new ();
    struct dirent *e;
    while ((e = readdir (d))) {
        size_t len = strlen (e->d_name);
        if (len < 5 || strcmp (e->d_name + len - 4, ".key") != 0)
            continue; //  secret files end in _secret; others are not certificates
        char *path = zsys_sprintf ("%s/%s", dir, e->d_name);
        zcert_t *cert = zcert_load (path);
        if (cert)
            zhashx_insert (keys, zcert_public_txt (cert), (void *) "");
        zcert_destroy (&cert);
        zstr_free (&path);
    }
    closedir (d);
    return keys;
}

static zhashx_t *
s_load (const char *path, const char *clients_dir, char *err, size_t errlen)
{
    zhashx_t *clients = s_read_clients (clients_dir, err, errlen);
    FILE *file = clients ? fopen (path, "r") : NULL;
    if (clients && !file)
        snprintf (err, errlen, "cannot read policy %s: %s", path, strerror (errno));
    zhashx_t *callers = file ? zhashx_new () : NULL;
    if (callers)
        zhashx_set_destructor (callers, (zhashx_destructor_fn *) zstr_free);
    char text[1024];
    for (int line = 1; callers && fgets (text, sizeof text, file); line++) {
        caller_t caller;
        int rc = s_parse_line (text, &caller, err, errlen, line);
        if (rc < 0)
            zhashx_destroy (&callers);
        else if (rc == 0 && zhashx_lookup (clients, caller.key)) {
            caller_t *copy = (caller_t *) zmalloc (sizeof (caller_t));
            *copy = caller;
            zhashx_update (callers, caller.key, copy);
        }
    }
    if (file)
        fclose (file);
    zhashx_destroy (&clients);
    return callers;
}

static void
s_stamp (const char *path, struct timespec *stamp)
{
    struct stat st;
    memset (stamp, 0, sizeof *stamp);
    if (stat (path, &st) == 0)
        *stamp = st.st_mtim;
}

policy_t *
policy_new (const char *path, const char *clients_dir, char *err, size_t errlen)
{
    policy_t *self = (policy_t *) zmalloc (sizeof (policy_t));
    self->path = strdup (path);
    self->clients_dir = strdup (clients_dir);
    if (policy_refresh (self, err, errlen) < 0)
        policy_destroy (&self);
    return self;
}

void
policy_destroy (policy_t **self_p)
{
    policy_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->callers);
    free (self->path);
    free (self->clients_dir);
    free (self);
    *self_p = NULL;
}

int
policy_refresh (policy_t *self, char *err, size_t errlen)
{
    struct timespec stamp[2];
    s_stamp (self->path, &stamp[0]);
    s_stamp (self->clients_dir, &stamp[1]);
    if (self->callers && memcmp (stamp, self->stamp, sizeof stamp) == 0)
        return 0;
    memcpy (self->stamp, stamp, sizeof stamp);
    zhashx_destroy (&self->callers);
    self->callers = s_load (self->path, self->clients_dir, err, errlen);
    return self->callers ? 1 : -1;
}

const caller_t *
policy_caller (policy_t *self, const char *key)
{
    return self->callers && key ? (const caller_t *) zhashx_lookup (self->callers, key)
                                : NULL;
}

size_t
policy_size (policy_t *self)
{
    return self->callers ? zhashx_size (self->callers) : 0;
}
