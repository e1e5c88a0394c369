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

//  What each role may do is in the rows of the services' dispatch tables
//  (command.h); the streams are not a command, so their readers are here.
#define S_READERS (R_COORDINATOR | R_MANAGER | R_OPERATOR | R_SUBSCRIBER | R_SERVICE)

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
policy_permits (const caller_t *caller, unsigned roles)
{
    return caller->role < ROLE_COUNT && (roles & ROLE_BIT (caller->role)) != 0;
}

bool
policy_may_replay (const caller_t *caller)
{
    return policy_permits (caller, S_READERS);
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
