/*  test_keys - a party's CURVE certificate and its servers' public ones:
    missing or empty certificates refused with the path, the environment's
    keys, and a server and a client that talk only with the right keys.  */
#include "keys.h"
#include "testkit.h"

//  A party's certificate pair, <dir>/<name>.key and .key_secret.
static void
s_cert (const char *dir, const char *name)
{
    zcert_t *cert = zcert_new ();
    char *path = zsys_sprintf ("%s/%s.key", dir, name);
    CHECK (zcert_save (cert, path) == 0);
    free (path);
    zcert_destroy (&cert);
}

static void
test_load (const char *dir)
{
    char err[512] = "";
    CHECK (keys_new (dir, "nobody", NULL, err, sizeof err) == NULL
           && strstr (err, "nobody.key_secret") && strstr (err, "opstap keys"));
    //  A public certificate with no secret one beside it holds no secret key.
    zcert_t *lone = zcert_new ();
    char *pub = zsys_sprintf ("%s/lone.key", dir);
    CHECK (zcert_save_public (lone, pub) == 0);
    zcert_destroy (&lone);
    err[0] = 0;
    CHECK (keys_new (dir, "lone", pub, err, sizeof err) == NULL
           && strstr (err, "lone.key"));
    free (pub);
    keys_t *keys = keys_new (dir, "intake", NULL, err, sizeof err);
    CHECK (keys && streq (keys_dir (keys), dir));
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    CHECK (keys_connect (keys, sock, "nowhere", err, sizeof err) == -1
           && strstr (err, "no public certificate of nowhere"));
    zsock_destroy (&sock);
    keys_destroy (&keys);
    CHECK (keys == NULL);

    //  From the environment: none without OPSTAP_KEYS, and no error.
    unsetenv ("OPSTAP_KEYS");
    strcpy (err, "x");
    CHECK (keys_from_env (err, sizeof err) == NULL && err[0] == 0);
    setenv ("OPSTAP_KEYS", dir, 1);
    unsetenv ("OPSTAP_CERT");
    //  The tool's own certificate by default: opstap.key_secret.
    CHECK (keys_from_env (err, sizeof err) == NULL && strstr (err, "opstap.key_secret"));
    char *secret = zsys_sprintf ("%s/admin.key_secret", dir);
    setenv ("OPSTAP_CERT", secret, 1);
    keys = keys_from_env (err, sizeof err);
    CHECK (keys != NULL);
    keys_destroy (&keys);
    free (secret);
    unsetenv ("OPSTAP_KEYS");
    unsetenv ("OPSTAP_CERT");
}

//  A server with its keys and a client of it: a message goes through with
//  the server's right public key, and nothing with another's.
static void
test_talk (const char *dir)
{
    char err[512];
    zactor_t *auth = zactor_new (zauth, NULL);
    zstr_sendx (auth, "CURVE", CURVE_ALLOW_ANY, NULL);
    zsock_wait (auth);
    keys_t *server = keys_new (dir, "intake", NULL, err, sizeof err);
    keys_t *client = keys_new (dir, "admin", NULL, err, sizeof err);
    zsock_t *rep = zsock_new (ZMQ_REP);
    keys_serve (server, rep);
    int port = zsock_bind (rep, "tcp://127.0.0.1:*[50000-]");
    CHECK (port > 0);
    zsock_t *req = zsock_new (ZMQ_REQ);
    zsock_set_rcvtimeo (req, 3000);
    CHECK (keys_connect (client, req, "intake", err, sizeof err) == 0);
    CHECK (zsock_connect (req, "tcp://127.0.0.1:%d", port) == 0);
    zstr_send (req, "hello");
    zsock_set_rcvtimeo (rep, 3000);
    char *got = zstr_recv (rep);
    CHECK (got && streq (got, "hello"));
    zstr_free (&got);
    zstr_send (rep, "hi");
    got = zstr_recv (req);
    CHECK (got && streq (got, "hi"));
    zstr_free (&got);
    zsock_destroy (&req);

    //  The client told another server's key: the handshake fails, nothing
    //  arrives.
    zsock_t *wrong = zsock_new (ZMQ_REQ);
    zsock_set_rcvtimeo (wrong, 300);
    CHECK (keys_connect (client, wrong, "admin", err, sizeof err) == 0);
    CHECK (zsock_connect (wrong, "tcp://127.0.0.1:%d", port) == 0);
    zstr_send (wrong, "hello");
    zsock_set_rcvtimeo (rep, 300);
    got = zstr_recv (rep);
    CHECK (got == NULL);
    zstr_free (&got);
    zsock_destroy (&wrong);
    zsock_destroy (&rep);
    keys_destroy (&server);
    keys_destroy (&client);
    zactor_destroy (&auth);
}

int
main (void)
{
    zsys_init ();
    char *dir = tk_tmpdir ();
    s_cert (dir, "intake");
    s_cert (dir, "admin");
    test_load (dir);
    test_talk (dir);
    tk_rmdir (&dir);
    return tk_done ("test_keys");
}
