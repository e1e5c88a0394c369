/*  persons - the people the gateway acts for, as every service learns
    them.  */
#include "persons.h"

#include <czmq.h>

#include "kv.h"

STORE_TABLE (persons_table, "persons");

//  "a,b,c" from an array of ids, or "*" from ["*"]; -1 when it is neither.
static int
s_offices (const msgpack_object *list, char *out, size_t size)
{
    if (!list || list->type != MSGPACK_OBJECT_ARRAY || list->via.array.size == 0)
        return -1;
    size_t used = 0;
    out[0] = 0;
    for (uint32_t i = 0; i < list->via.array.size; i++) {
        char office[CODEC_ID_MAX + 1];
        const msgpack_object *o = &list->via.array.ptr[i];
        if (obj_str (o, office, sizeof office))
            return -1;
        bool all = streq (office, "*");
        if ((all && list->via.array.size != 1)
            || (!all && !codec_valid_id (office, strlen (office))))
            return -1;
        int n = snprintf (out + used, size - used, "%s%s", i ? "," : "", office);
        if (n < 0 || (size_t) n >= size - used)
            return -1;
        used += (size_t) n;
    }
    return 0;
}

static int
s_put (store_tx_t *tx, const person_t *p)
{
    kv_t kv;
    kv_init (&kv);
    kv_str (&kv, "name", p->caller.name);
    kv_str (&kv, "role", policy_role_name (p->caller.role));
    kv_str (&kv, "offices", p->caller.offices);
    kv_str (&kv, "expert", p->expert);
    kv_str (&kv, "trainer", p->trainer);
    kv_str (&kv, "host", p->host);
    kv_bool (&kv, "disabled", p->disabled);
    int rc = kv_store (&kv, tx, persons_table, p->caller.name, strlen (p->caller.name));
    kv_destroy (&kv);
    return rc;
}

//  An optional link: absent or "" is none, anything else an id.
static int
s_link (const msgpack_object *event, const char *key, char *out, size_t size)
{
    const msgpack_object *v = obj_get (event, key);
    out[0] = 0;
    if (!v || v->type == MSGPACK_OBJECT_NIL)
        return 0;
    return obj_str (v, out, size) || (*out && !codec_valid_id (out, strlen (out))) ? -1
                                                                                   : 0;
}

static int
s_learn (store_tx_t *tx, const msgpack_object *event, const char *name)
{
    person_t p;
    memset (&p, 0, sizeof p);
    snprintf (p.caller.name, sizeof p.caller.name, "%s", name);
    char role[32];
    int r = obj_str (obj_get (event, "role"), role, sizeof role)
                ? -1
                : policy_role_parse (role);
    //  A person is never a service or a gateway: those are keys.
    if (r < 0 || r == ROLE_SERVICE || r == ROLE_GATEWAY
        || s_offices (obj_get (event, "offices"), p.caller.offices,
                      sizeof p.caller.offices)
        || s_link (event, "expert", p.expert, sizeof p.expert)
        || s_link (event, "trainer", p.trainer, sizeof p.trainer)
        || s_link (event, "host", p.host, sizeof p.host))
        return -1;
    p.caller.role = (role_t) r;
    return s_put (tx, &p);
}

static int
s_disable (store_tx_t *tx, const char *name, bool disabled)
{
    person_t p;
    int rc = persons_get (tx, name, &p);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    p.disabled = disabled;
    return s_put (tx, &p);
}

int
persons_apply (store_tx_t *tx, const msgpack_object *event)
{
    char type[40] = "", name[CODEC_ID_MAX + 1] = "";
    if (!obj_is_str (obj_get (event, "service"), PERSONS_SERVICE)
        || obj_str (obj_get (event, "type"), type, sizeof type))
        return 1;
    bool learn = streq (type, "person.added") || streq (type, "person.updated")
                 || streq (type, "key.added"),
         off = streq (type, "person.disabled") || streq (type, "key.revoked"),
         on = streq (type, "person.enabled");
    if (!learn && !off && !on)
        return 1;
    if (obj_str (obj_get (event, "person"), name, sizeof name)
        || !codec_valid_id (name, strlen (name)))
        return -1;
    return learn ? s_learn (tx, event, name) : s_disable (tx, name, off);
}

int
persons_get (store_tx_t *tx, const char *name, person_t *out)
{
    const void *val;
    size_t vlen;
    int rc = store_get (tx, persons_table, name, strlen (name), &val, &vlen);
    if (rc != 0)
        return rc;
    oerr_t err;
    msg_t *msg = msg_decode (val, vlen, &err);
    if (!msg)
        return -1;
    const msgpack_object *m = msg_root (msg);
    memset (out, 0, sizeof *out);
    char role[32] = "";
    map_str (m, "name", out->caller.name, sizeof out->caller.name);
    map_str (m, "role", role, sizeof role);
    map_str (m, "offices", out->caller.offices, sizeof out->caller.offices);
    map_str (m, "expert", out->expert, sizeof out->expert);
    map_str (m, "trainer", out->trainer, sizeof out->trainer);
    map_str (m, "host", out->host, sizeof out->host);
    out->disabled = map_bool (m, "disabled", false);
    msg_destroy (&msg);
    int r = policy_role_parse (role);
    if (r < 0)
        return -1;
    out->caller.role = (role_t) r;
    return 0;
}

int
persons_permit (const person_t *person, const command_t *row, const char *office,
                oerr_t *err)
{
    if (person->disabled)
        return oerr_set (err, ERR_FORBIDDEN, "as", "%s may no longer act",
                         person->caller.name);
    if (!policy_permits (&person->caller, row->roles))
        return oerr_set (err, ERR_FORBIDDEN, "as", "a %s may not %s",
                         policy_role_name (person->caller.role), row->name);
    if ((row->flags & CMD_INSTANCE) || policy_office (&person->caller, office))
        return 0;
    if (*office)
        return oerr_set (err, ERR_FORBIDDEN, "office", "%s does not act for office %s",
                         person->caller.name, office);
    return oerr_set (err, ERR_FORBIDDEN, "office",
                     "%s acts for some offices only: name one", person->caller.name);
}
