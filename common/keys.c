/*  keys - CURVE certificates for one party and the servers it talks to.  */
#include "keys.h"

struct _keys_t {
    char *dir;
    zcert_t *cert;
};

keys_t *
keys_new (const char *dir, const char *name, const char *cert_path, char *err,
          size_t errlen)
{
    char *path =
        cert_path ? strdup (cert_path) : zsys_sprintf ("%s/%s.key_secret", dir, name);
    //  zcert_load reads "<path>_secret" for the secret key when path names
    //  the public file; given the secret file itself it reads both from it.
    zcert_t *cert = zsys_file_exists (path) ? zcert_load (path) : NULL;
    if (!cert || !*zcert_secret_txt (cert)
        || streq (zcert_secret_txt (cert), "0000000000000000000000000000000000000000")) {
        //  There but not readable (its owner or mode) is not the same
        //  mistake as missing, and is not mended the same way.
        FILE *file = zsys_file_exists (path) ? fopen (path, "r") : NULL;
        if (zsys_file_exists (path) && !file)
            snprintf (err, errlen, "cannot read the secret certificate %s: %s", path,
                      strerror (errno));
        else
            snprintf (err, errlen,
                      "no secret certificate at %s (make one with opstap keys)", path);
        if (file)
            fclose (file);
        zcert_destroy (&cert);
        zstr_free (&path);
        return NULL;
    }
    zstr_free (&path);
    keys_t *self = (keys_t *) zmalloc (sizeof (keys_t));
    self->dir = strdup (dir);
    self->cert = cert;
    return self;
}

keys_t *
keys_from_env (char *err, size_t errlen)
{
    const char *dir = getenv ("OPSTAP_KEYS");
    *err = 0;
    if (!dir || !*dir)
        return NULL;
    const char *cert = getenv ("OPSTAP_CERT");
    return keys_new (dir, "opstap", cert && *cert ? cert : NULL, err, errlen);
}

void
keys_destroy (keys_t **self_p)
{
    keys_t *self = *self_p;
    if (!self)
        return;
    zcert_destroy (&self->cert);
    free (self->dir);
    free (self);
    *self_p = NULL;
}

const char *
keys_dir (keys_t *self)
{
    return self->dir;
}

void
keys_serve (keys_t *self, zsock_t *sock)
{
    zcert_apply (self->cert, sock);
    zsock_set_curve_server (sock, 1);
    //  A ZAP domain makes libzmq ask zauth about every connecting client.
    zsock_set_zap_domain (sock, "opstap");
}

int
keys_connect (keys_t *self, zsock_t *sock, const char *server, char *err, size_t errlen)
{
    char *path = zsys_sprintf ("%s/%s.key", self->dir, server);
    zcert_t *peer = zsys_file_exists (path) ? zcert_load (path) : NULL;
    int rc = peer ? 0 : -1;
    if (!peer)
        snprintf (err, errlen, "no public certificate of %s at %s", server, path);
    else {
        zcert_apply (self->cert, sock);
        zsock_set_curve_serverkey (sock, zcert_public_txt (peer));
    }
    zcert_destroy (&peer);
    zstr_free (&path);
    return rc;
}
