/*  chaos_cluster - the five service programs of one directory file as
    child processes, killed and restarted by pid, and the fresh followers
    that rebuild their state from the streams.  */
#include "chaos.h"

#include <signal.h>

const char *const ch_service_names[CH_SERVICES] = {"intake", "training", "placement",
                                                   "feedback", "reporting"};
const char *const ch_offices[CH_OFFICES] = {"arnhem", "nijmegen", "tiel"};

//  Ports of the rebuilt instances, after the defaults (base .. base+42).
#define REBUILD_PORTS 44

//  Reporting counts with k 1 (nothing suppressed) and runs no dashboard.
static const char *const s_env[] = {"OPSTAP_REPORT_K=1", "OPSTAP_WEB_PORT=0", NULL};

struct _cluster_t {
    char *bin;
    char *dir;
    char *rebuild_dir;
    char *config;
    int base;
    directory_t *directory;
    pid_t pids[CH_SERVICES];
    pid_t rebuilt[CH_SERVICES];
    char *rebuild_config[CH_SERVICES];
    char rebuild_command[CH_SERVICES][DIR_ENDPOINT_MAX + 1];
};

cluster_t *
cluster_new (const char *bin, const char *dir)
{
    int base = tk_port_base ();
    if (!bin || !dir || base < 0)
        return NULL;
    cluster_t *self = (cluster_t *) zmalloc (sizeof (cluster_t));
    self->bin = strdup (bin);
    self->dir = strdup (dir);
    self->base = base;
    self->rebuild_dir = zsys_sprintf ("%s/rebuild", dir);
    self->config = tk_write_config (dir, base);
    char err[256];
    self->directory = directory_new (self->config, err, sizeof err);
    if (!self->directory || zsys_dir_create ("%s", self->rebuild_dir)) {
        fprintf (stderr, "chaos: cannot set up %s: %s\n", dir, err);
        cluster_destroy (&self);
    }
    return self;
}

void
cluster_destroy (cluster_t **self_p)
{
    if (self_p && *self_p) {
        cluster_t *self = *self_p;
        for (int s = 0; s < CH_SERVICES; s++) {
            tk_stop (self->pids[s], SIGKILL);
            tk_stop (self->rebuilt[s], SIGKILL);
            free (self->rebuild_config[s]);
        }
        directory_destroy (&self->directory);
        free (self->config);
        free (self->rebuild_dir);
        free (self->dir);
        free (self->bin);
        free (self);
        *self_p = NULL;
    }
}

static pid_t
s_spawn (cluster_t *self, int service, const char *instance, const char *config,
         const char *data)
{
    char *program = zsys_sprintf ("%s/opstap-%s", self->bin, ch_service_names[service]);
    char *log = zsys_sprintf ("%s/%s.log", self->dir, instance);
    const char *argv[] = {program, "--instance", instance, "--config",
                          config,  "--data",     data,     NULL};
    pid_t pid = tk_spawn (argv, s_env, log);
    free (program);
    free (log);
    return pid;
}

int
cluster_start (cluster_t *self)
{
    for (int s = 0; s < CH_SERVICES; s++)
        if (cluster_restart (self, s))
            return -1;
    for (int s = 0; s < CH_SERVICES; s++)
        if (tk_wait_up (cluster_command (self, s), 20)) {
            fprintf (stderr, "chaos: %s did not come up\n", ch_service_names[s]);
            return -1;
        }
    return 0;
}

int
cluster_kill (cluster_t *self, int service)
{
    int status = tk_stop (self->pids[service], SIGKILL);
    self->pids[service] = 0;
    return status == 128 + SIGKILL ? 0 : -1;
}

int
cluster_restart (cluster_t *self, int service)
{
    if (self->pids[service] > 0)
        return -1;
    self->pids[service] =
        s_spawn (self, service, ch_service_names[service], self->config, self->dir);
    return self->pids[service] > 0 ? 0 : -1;
}

bool
cluster_up (cluster_t *self, int service)
{
    return self->pids[service] > 0;
}

int
cluster_stop (cluster_t *self)
{
    int failed = 0;
    for (int s = 0; s < CH_SERVICES; s++) {
        pid_t *pids[] = {&self->pids[s], &self->rebuilt[s]};
        for (int i = 0; i < 2; i++)
            if (*pids[i] > 0) {
                int status = tk_stop (*pids[i], SIGTERM);
                if (status != 0) {
                    fprintf (stderr, "chaos: %s%s exited with %d on SIGTERM\n",
                             ch_service_names[s], i ? "-r" : "", status);
                    failed++;
                }
                *pids[i] = 0;
            }
    }
    return failed;
}

const char *
cluster_command (cluster_t *self, int service)
{
    return directory_instance (self->directory, ch_service_names[service])->command;
}

const char *
cluster_replay (cluster_t *self, int service)
{
    return directory_instance (self->directory, ch_service_names[service])->replay;
}

//  The main directory file with one more line: the rebuilt instance.
static char *
s_rebuild_config (cluster_t *self, int service)
{
    char *path =
        zsys_sprintf ("%s/%s-r.conf", self->rebuild_dir, ch_service_names[service]);
    FILE *file = fopen (path, "w");
    if (!file) {
        free (path);
        return NULL;
    }
    for (size_t i = 0; i < directory_size (self->directory); i++) {
        const dir_entry_t *e = directory_at (self->directory, i);
        fprintf (file, "%s %s %s %s %s %s\n", e->service, e->instance, e->offices,
                 e->command, e->events, e->replay);
    }
    //  Four ports each (command, events, replay, metrics) above reporting's.
    int port = self->base + REBUILD_PORTS + 4 * (service - 1);
    snprintf (self->rebuild_command[service], DIR_ENDPOINT_MAX + 1, "tcp://127.0.0.1:%d",
              port);
    fprintf (file, "%s %s-r * %s tcp://127.0.0.1:%d tcp://127.0.0.1:%d\n",
             ch_service_names[service], ch_service_names[service],
             self->rebuild_command[service], port + 1, port + 2);
    fclose (file);
    return path;
}

int
cluster_start_rebuild (cluster_t *self, int service)
{
    if (service == CH_INTAKE || self->rebuilt[service] > 0)
        return -1;
    free (self->rebuild_config[service]);
    self->rebuild_config[service] = s_rebuild_config (self, service);
    if (!self->rebuild_config[service])
        return -1;
    char instance[DIR_NAME_MAX + 1];
    snprintf (instance, sizeof instance, "%s-r", ch_service_names[service]);
    self->rebuilt[service] = s_spawn (self, service, instance,
                                      self->rebuild_config[service], self->rebuild_dir);
    if (self->rebuilt[service] <= 0 || tk_wait_up (self->rebuild_command[service], 20))
        return -1;
    return 0;
}

const char *
cluster_rebuild_command (cluster_t *self, int service)
{
    return self->rebuild_command[service];
}

char *
cluster_store_path (cluster_t *self, int service, bool rebuilt)
{
    if (rebuilt)
        return zsys_sprintf ("%s/%s-r", self->rebuild_dir, ch_service_names[service]);
    return zsys_sprintf ("%s/%s", self->dir, ch_service_names[service]);
}

const char *
cluster_dir (cluster_t *self)
{
    return self->dir;
}
