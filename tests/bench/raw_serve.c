/*  raw_serve - the floor under a service, without Opstap: a ROUTER that
    echoes each request (ZeroMQ's limit), or the minimal pipeline: take the
    requests waiting on the socket (at most BATCH), put each body in LMDB
    under the next sequence number, commit once (durable), then answer each
    {"ok": true, "rid": ...}. Runs until SIGINT or SIGTERM.
        opstap-bench-serve echo ENDPOINT
        opstap-bench-serve pipeline ENDPOINT DIR BATCH  */
#include <czmq.h>
#include <lmdb.h>
#include <msgpack.h>

typedef struct {
    zsock_t *router;
    MDB_env *env;
    MDB_dbi dbi;
    uint64_t seq;
    int batch;
    zmsg_t **msgs;
} pipe_t;

static void
s_echo (zsock_t *router)
{
    while (!zsys_interrupted) {
        zmsg_t *msg = zmsg_recv (router);
        if (msg)
            zmsg_send (&msg, router);
    }
}

//  The rid of a request body, packed as the reply; an unreadable body
//  gets {"ok": true} so the client sees it (and counts it as unmatched).
static void
s_pack_reply (zframe_t *body, msgpack_sbuffer *out)
{
    msgpack_sbuffer_clear (out);
    msgpack_packer pk;
    msgpack_packer_init (&pk, out, msgpack_sbuffer_write);
    msgpack_unpacked up;
    msgpack_unpacked_init (&up);
    const msgpack_object *rid = NULL;
    if (msgpack_unpack_next (&up, (const char *) zframe_data (body), zframe_size (body),
                             NULL)
            == MSGPACK_UNPACK_SUCCESS
        && up.data.type == MSGPACK_OBJECT_MAP)
        for (uint32_t i = 0; i < up.data.via.map.size; i++) {
            const msgpack_object_kv *kv = &up.data.via.map.ptr[i];
            if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == 3
                && memcmp (kv->key.via.str.ptr, "rid", 3) == 0)
                rid = &kv->val;
        }
    msgpack_pack_map (&pk, rid ? 2 : 1);
    msgpack_pack_str_with_body (&pk, "ok", 2);
    msgpack_pack_true (&pk);
    if (rid) {
        msgpack_pack_str_with_body (&pk, "rid", 3);
        msgpack_pack_object (&pk, *rid);
    }
    msgpack_unpacked_destroy (&up);
}

static int
s_store (pipe_t *self, int count)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin (self->env, NULL, 0, &txn);
    for (int i = 0; rc == 0 && i < count; i++) {
        zframe_t *body = zmsg_last (self->msgs[i]);
        uint8_t key[8];
        uint64_t n = ++self->seq;
        for (int b = 7; b >= 0; b--, n >>= 8)
            key[b] = (uint8_t) n;
        MDB_val k = {sizeof key, key}, v = {zframe_size (body), zframe_data (body)};
        rc = mdb_put (txn, self->dbi, &k, &v, MDB_APPEND);
    }
    if (rc) {
        mdb_txn_abort (txn);
        return rc;
    }
    return mdb_txn_commit (txn);
}

static int
s_pipeline (pipe_t *self)
{
    msgpack_sbuffer reply;
    msgpack_sbuffer_init (&reply);
    int rc = 0;
    while (!zsys_interrupted && rc == 0) {
        int count = 0;
        do {
            self->msgs[count] = zmsg_recv (self->router);
            if (!self->msgs[count])
                break;
            count++;
        } while (count < self->batch && (zsock_events (self->router) & ZMQ_POLLIN));
        if (count && (rc = s_store (self, count)) != 0)
            fprintf (stderr, "opstap-bench-serve: commit: %s\n", mdb_strerror (rc));
        for (int i = 0; i < count; i++) {
            zmsg_t *msg = self->msgs[i];
            zframe_t *body = zmsg_last (msg);
            s_pack_reply (body, &reply);
            zmsg_remove (msg, body);
            zframe_destroy (&body);
            zmsg_addmem (msg, reply.data, reply.size);
            zmsg_send (&self->msgs[i], self->router);
        }
    }
    msgpack_sbuffer_destroy (&reply);
    return rc ? 1 : 0;
}

static int
s_open (pipe_t *self, const char *dir)
{
    MDB_txn *txn;
    int rc = mdb_env_create (&self->env);
    if (rc == 0)
        rc = mdb_env_set_mapsize (self->env, (size_t) 1 << 33);
    if (rc == 0)
        rc = mdb_env_open (self->env, dir, 0, 0640);
    if (rc == 0)
        rc = mdb_txn_begin (self->env, NULL, 0, &txn);
    if (rc == 0 && (rc = mdb_dbi_open (txn, NULL, 0, &self->dbi)) == 0)
        rc = mdb_txn_commit (txn);
    if (rc)
        fprintf (stderr, "opstap-bench-serve: %s: %s\n", dir, mdb_strerror (rc));
    return rc ? -1 : 0;
}

int
main (int argc, char *argv[])
{
    bool echo = argc == 3 && streq (argv[1], "echo");
    bool pipeline = argc == 5 && streq (argv[1], "pipeline") && atoi (argv[4]) > 0;
    if (!echo && !pipeline) {
        fprintf (stderr, "usage: opstap-bench-serve echo ENDPOINT\n"
                         "       opstap-bench-serve pipeline ENDPOINT DIR BATCH\n");
        return 2;
    }
    zsys_init ();
    zsock_t *router = zsock_new (ZMQ_ROUTER);
    zsock_set_rcvtimeo (router, 200);
    if (zsock_bind (router, "%s", argv[2]) == -1) {
        fprintf (stderr, "opstap-bench-serve: cannot bind %s\n", argv[2]);
        zsock_destroy (&router);
        return 1;
    }
    int rc = 0;
    if (echo)
        s_echo (router);
    else {
        pipe_t self = {router, NULL, 0, 0, atoi (argv[4]), NULL};
        self.msgs = (zmsg_t **) zmalloc (sizeof (zmsg_t *) * (size_t) self.batch);
        rc = s_open (&self, argv[3]) == 0 ? s_pipeline (&self) : 1;
        if (self.env)
            mdb_env_close (self.env);
        free (self.msgs);
    }
    zsock_destroy (&router);
    return rc;
}
