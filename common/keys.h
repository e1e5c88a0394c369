/*  keys - CURVE certificates for one party (a service instance or a user)
    and the public certificates of the servers it talks to.

    A keys directory holds (docs/SECURITY.md):
      <name>.key / <name>.key_secret   each party's certificate (czmq zcert)
      clients/<name>.key               public certificates allowed to connect
      policy                           role and offices of each allowed key
    A server instance's public key is read from <dir>/<instance>.key.  */
#ifndef OPSTAP_KEYS_H
#define OPSTAP_KEYS_H

#include <czmq.h>

typedef struct _keys_t keys_t;

//  Loads this party's certificate from cert_path (its _secret file; NULL:
//  <dir>/<name>.key_secret). NULL with a reason in err when it is missing.
keys_t *keys_new (const char *dir, const char *name, const char *cert_path, char *err,
                  size_t errlen);
//  From the environment: OPSTAP_KEYS (the directory) and OPSTAP_CERT (the
//  user's secret certificate file). NULL with err "" when OPSTAP_KEYS is
//  unset: the caller runs without encryption.
keys_t *keys_from_env (char *err, size_t errlen);
void keys_destroy (keys_t **self_p);

const char *keys_dir (keys_t *self);

//  Makes sock a CURVE server with this party's certificate. Before bind.
void keys_serve (keys_t *self, zsock_t *sock);
//  Makes sock a CURVE client of the named server instance. Before connect.
//  -1 with a reason when the server's public certificate is not there.
int keys_connect (keys_t *self, zsock_t *sock, const char *server, char *err,
                  size_t errlen);

#endif
