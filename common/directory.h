/*  directory - where the service instances are: service, instance, offices
    and the three endpoints of each, and where its metrics and health are
    served over HTTP (proto/PROTOCOL.md section 8).  */
#ifndef OPSTAP_DIRECTORY_H
#define OPSTAP_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#define DIR_NAME_MAX     64
#define DIR_MAX_ENTRIES  256 //  instances a directory lists at most
#define DIR_OFFICES_MAX  512
#define DIR_ENDPOINT_MAX 128
#define DIR_KNOWN_MAX    4096 //  the declared offices, comma-separated

typedef struct {
    char service[DIR_NAME_MAX + 1];
    char instance[DIR_NAME_MAX + 1];
    char offices[DIR_OFFICES_MAX + 1]; //  "*" or comma-separated list
    char command[DIR_ENDPOINT_MAX + 1];
    char events[DIR_ENDPOINT_MAX + 1];
    char replay[DIR_ENDPOINT_MAX + 1];
    //  HTTP /metrics and /health: the optional 7th column; without it the
    //  command endpoint's host and port + 3; "" (column "-") for none.
    char metrics[DIR_ENDPOINT_MAX + 1];
} dir_entry_t;

typedef struct _directory_t directory_t;

//  Loads the file at path; with path NULL, the file named by OPSTAP_CONFIG;
//  without that, the loopback defaults at OPSTAP_PORT_BASE (7100). Returns
//  NULL and a reason in err on a bad file.
directory_t *directory_new (const char *path, char *err, size_t errlen);
void directory_destroy (directory_t **self_p);
//  The file the directory was read from, NULL for the loopback defaults.
const char *directory_path (directory_t *self);

//  The loopback defaults for a given port base.
directory_t *directory_new_defaults (int port_base);

size_t directory_size (directory_t *self);
const dir_entry_t *directory_at (directory_t *self, size_t index);
//  First instance of service that serves office (office NULL: first instance).
const dir_entry_t *directory_route (directory_t *self, const char *service,
                                    const char *office);
const dir_entry_t *directory_instance (directory_t *self, const char *instance);

bool dir_entry_serves (const dir_entry_t *entry, const char *office);

//  The offices the directory declares, comma-separated: those of its
//  "office NAME..." lines and those its instances name. "" when it declares
//  none (every instance serves "*" and no office line): then any office is
//  taken, as the loopback defaults do.
const char *directory_offices (directory_t *self);
//  Whether office is one of known (directory_offices), or known is "".
bool dir_office_known (const char *known, const char *office);

//  The endpoint an instance binds for one the directory lists: ZeroMQ binds
//  only addresses, so "tcp://intake:7100" (a name others connect to, as in
//  containers) binds "tcp://*:7100", and "localhost" binds 127.0.0.1; IP
//  literals and "*" stay as they are. 0, or -1 when out is too small.
int dir_bind_endpoint (const char *endpoint, char *out, size_t size);

//  The service that owns a command ("candidate.register" -> "intake"), or
//  NULL for an unknown prefix.
const char *directory_service_for (const char *cmd);

#endif
