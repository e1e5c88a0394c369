/*  test_policy - who may do what: the policy file and the clients
    directory read, refused line by line, reread when they change; roles
    against a row's roles, the streams' readers, offices.  */
#include "policy.h"
#include "testkit.h"

#include <unistd.h>

typedef struct {
    char *dir;
    char *policy;  //  the policy file
    char *clients; //  the clients directory
    char keys[3][POLICY_KEY_LEN + 1];
} fixture_t;

//  A certificate's public key, its public file put in clients when allowed.
static void
s_key (fixture_t *f, int i, bool allowed)
{
    zcert_t *cert = zcert_new ();
    snprintf (f->keys[i], sizeof f->keys[i], "%s", zcert_public_txt (cert));
    if (allowed) {
        char *path = zsys_sprintf ("%s/k%d.key", f->clients, i);
        CHECK (zcert_save_public (cert, path) == 0);
        free (path);
    }
    zcert_destroy (&cert);
}

static void
s_write (fixture_t *f, const char *text)
{
    FILE *out = fopen (f->policy, "w");
    if (!CHECK (out != NULL))
        return;
    fputs (text, out);
    fclose (out);
    //  Stamps are compared to the nanosecond; a rewrite in the same one
    //  would look unchanged on a coarse clock.
    zclock_sleep (20);
}

static policy_t *
s_load (fixture_t *f, const char *text, char *err, size_t errlen)
{
    s_write (f, text);
    return policy_new (f->policy, f->clients, err, errlen);
}

static void
test_lines (fixture_t *f)
{
    char text[1024], err[256];
    snprintf (text, sizeof text,
              "# who may do what\n\n%s coordinator nijmegen,arnhem anna\n"
              "%s manager * mo\n%s trainer nijmegen\n",
              f->keys[0], f->keys[1], f->keys[2]);
    policy_t *policy = s_load (f, text, err, sizeof err);
    CHECK (policy != NULL);
    //  k2's certificate is not in clients: not a caller (revoked).
    CHECK (policy_size (policy) == 2);
    const caller_t *anna = policy_caller (policy, f->keys[0]);
    CHECK (anna && anna->role == ROLE_COORDINATOR && streq (anna->name, "anna")
           && streq (anna->offices, "nijmegen,arnhem"));
    CHECK (policy_caller (policy, f->keys[2]) == NULL);
    CHECK (policy_caller (policy, "") == NULL && policy_caller (policy, NULL) == NULL);
    const caller_t *mo = policy_caller (policy, f->keys[1]);
    CHECK (mo && streq (mo->name, "mo"));
    policy_destroy (&policy);
    CHECK (policy == NULL);

    //  Each bad line refused with its number.
    const char *bad[] = {"%s coordinator\n",
                         "%s boss *\n",
                         "short coordinator *\n",
                         "%s coordinator nij;megen\n",
                         "%s coordinator a,,b\n",
                         "%s coordinator * bad!name\n",
                         "# fine\n%s coordinator bad/office\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf (text, sizeof text, bad[i], f->keys[0]);
        err[0] = 0;
        policy = s_load (f, text, err, sizeof err);
        CHECK (policy == NULL);
        int line = i == 6 ? 2 : 1;
        char want[32];
        snprintf (want, sizeof want, "policy line %d", line);
        if (!CHECK (strstr (err, want) != NULL))
            fprintf (stderr, "  case %zu: %s\n", i, err);
    }
    //  A file or directory that is not there.
    char *missing = zsys_sprintf ("%s/nowhere", f->dir);
    CHECK (policy_new (missing, f->clients, err, sizeof err) == NULL
           && strstr (err, "cannot read policy"));
    CHECK (policy_new (f->policy, missing, err, sizeof err) == NULL
           && strstr (err, "cannot read clients directory"));
    free (missing);
}

static void
test_refresh (fixture_t *f)
{
    char text[512], err[256];
    snprintf (text, sizeof text, "%s coordinator nijmegen anna\n", f->keys[0]);
    policy_t *policy = s_load (f, text, err, sizeof err);
    CHECK (policy_refresh (policy, err, sizeof err) == 0);
    //  A role changed takes effect at the next refresh.
    snprintf (text, sizeof text, "%s operator * anna\n", f->keys[0]);
    s_write (f, text);
    CHECK (policy_refresh (policy, err, sizeof err) == 1);
    CHECK (policy_caller (policy, f->keys[0])->role == ROLE_OPERATOR);
    //  A bad edit leaves nobody known until it is fixed: it may have been
    //  meant to revoke someone.
    s_write (f, "nonsense\n");
    CHECK (policy_refresh (policy, err, sizeof err) == -1);
    CHECK (policy_caller (policy, f->keys[0]) == NULL && policy_size (policy) == 0);
    s_write (f, text);
    CHECK (policy_refresh (policy, err, sizeof err) == 1);
    CHECK (policy_caller (policy, f->keys[0]) != NULL);
    //  The certificate removed from clients revokes the key.
    char *path = zsys_sprintf ("%s/k0.key", f->clients);
    CHECK (unlink (path) == 0);
    free (path);
    zclock_sleep (20);
    CHECK (policy_refresh (policy, err, sizeof err) == 1);
    CHECK (policy_caller (policy, f->keys[0]) == NULL);
    policy_destroy (&policy);
}

static void
test_rights (void)
{
    caller_t c;
    memset (&c, 0, sizeof c);
    c.role = ROLE_TRAINER;
    CHECK (policy_permits (&c, R_TRAINER | R_EXPERT));
    CHECK (!policy_permits (&c, R_COORDINATOR | R_EXPERT));
    CHECK (policy_permits (&c, R_ANYONE) && !policy_permits (&c, 0));
    c.role = ROLE_COUNT;
    CHECK (!policy_permits (&c, R_ANYONE));
    //  The streams: coordinators, managers, operators, subscribers and
    //  services; not trainers, experts or a host's supervisor.
    const bool reads[ROLE_COUNT] = {true, false, false, false, true, true, true, true};
    for (int r = 0; r < ROLE_COUNT; r++) {
        c.role = (role_t) r;
        CHECK (policy_may_replay (&c) == reads[r]);
        CHECK (policy_role_parse (policy_role_name ((role_t) r)) == r);
    }
    CHECK (policy_role_parse ("boss") == -1
           && streq (policy_role_name (ROLE_COUNT), "unknown"));
    //  Offices: whole names only; "" (all) only for a caller of every office.
    snprintf (c.offices, sizeof c.offices, "nijmegen,arnhem");
    CHECK (policy_office (&c, "nijmegen") && policy_office (&c, "arnhem"));
    CHECK (!policy_office (&c, "nijmeg") && !policy_office (&c, "nijmegenx")
           && !policy_office (&c, "arnhem,nijmegen") && !policy_office (&c, ""));
    snprintf (c.offices, sizeof c.offices, "*");
    CHECK (policy_office (&c, "anywhere") && policy_office (&c, ""));
}

int
main (void)
{
    zsys_init ();
    fixture_t f;
    memset (&f, 0, sizeof f);
    f.dir = tk_tmpdir ();
    f.policy = zsys_sprintf ("%s/policy", f.dir);
    f.clients = zsys_sprintf ("%s/clients", f.dir);
    CHECK (zsys_dir_create ("%s", f.clients) == 0);
    s_key (&f, 0, true);
    s_key (&f, 1, true);
    s_key (&f, 2, false);
    test_lines (&f);
    test_refresh (&f);
    test_rights ();
    free (f.policy);
    free (f.clients);
    tk_rmdir (&f.dir);
    return tk_done ("test_policy");
}
