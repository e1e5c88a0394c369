/*  expiry - personal records removed by the services on their own.  */
#include "expiry.h"

#define DAY_MS (24LL * 3600 * 1000)

static int
s_period (const char *text, int64_t *ms)
{
    char *end = NULL;
    double value = strtod (text, &end);
    int64_t unit = streq (end, "s")   ? 1000
                   : streq (end, "d") ? DAY_MS
                   : streq (end, "y") ? 365 * DAY_MS
                                      : 0;
    if (end == text || !unit || !(value >= 0 && value <= 1000 * 365.0 * DAY_MS / unit))
        return -1;
    *ms = (int64_t) (value * (double) unit);
    return 0;
}

int
expiry_parse (const char *spec, expiry_t *r, char *err, size_t errlen)
{
    r->candidate_ms = 7 * 365 * DAY_MS;
    r->audit_ms = 10 * 365 * DAY_MS;
    r->check_ms = 3600 * 1000;
    char copy[256];
    snprintf (copy, sizeof copy, "%s", spec ? spec : "");
    char *save = NULL;
    for (char *item = strtok_r (copy, ",", &save); item;
         item = strtok_r (NULL, ",", &save)) {
        char *eq = strchr (item, '=');
        int64_t *slot = !eq                                     ? NULL
                        : strncmp (item, "candidate=", 10) == 0 ? &r->candidate_ms
                        : strncmp (item, "audit=", 6) == 0      ? &r->audit_ms
                        : strncmp (item, "check=", 6) == 0      ? &r->check_ms
                                                                : NULL;
        if (!slot || s_period (eq + 1, slot) || (slot == &r->check_ms && *slot < 1000)) {
            snprintf (
                err, errlen,
                "retention: want kind=PERIOD[,...] with kinds candidate, audit, check "
                "(at least 1s) and units s, d, y; got '%s'",
                item);
            return -1;
        }
    }
    return 0;
}

typedef struct {
    const service_def_t *def;
    int64_t cutoff_ms;
    zlistx_t *due; //  "id\0office" chunks
    size_t max;
} due_t;

static int
s_list_due (store_tx_t *tx, void *arg)
{
    due_t *d = (due_t *) arg;
    return d->def->due (tx, d->cutoff_ms, d->due, d->max, d->def->state);
}

//  candidate.erase for one candidate, packed as a peer would send it.
static request_t *
s_erase_request (const char *id, const char *office, request_resolve_fn *resolve,
                 void *arg)
{
    msgpack_sbuffer body;
    msgpack_sbuffer_init (&body);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &body, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 3);
    pk_kv_str (&pk, "cmd", "candidate.erase");
    pk_kv_str (&pk, "office", office);
    pk_kv_str (&pk, "id", id);
    //  A routing id no peer has: the reply goes nowhere.
    request_t *request =
        request_new_local ("\001retention", body.data, body.size, resolve, arg);
    msgpack_sbuffer_destroy (&body);
    if (request)
        request_set_caller (request, "", "retention");
    return request;
}

size_t
expiry_due (const service_def_t *def, const expiry_t *expiry, store_t *store,
            request_resolve_fn *resolve, void *arg, request_t **out, size_t max)
{
    if (!def->due)
        return 0;
    due_t d = {def, zclock_time () - expiry->candidate_ms, zlistx_new (), max};
    zlistx_set_destructor (d.due, (zlistx_destructor_fn *) zchunk_destroy);
    oerr_t err;
    size_t n = 0;
    if (store_read (store, s_list_due, &d, &err) != 0)
        zsys_error ("event=retention.error service=%s message=\"%s\"", def->service,
                    err.message);
    for (zchunk_t *c = (zchunk_t *) zlistx_first (d.due); c && n < max;
         c = (zchunk_t *) zlistx_next (d.due)) {
        const char *id = (const char *) zchunk_data (c);
        size_t size = zchunk_size (c), ilen = strnlen (id, size);
        //  What the hook gave is checked with the request, not trusted.
        const char *office = ilen < size ? id + ilen + 1 : "";
        if (ilen < size && strnlen (office, size - ilen - 1) < size - ilen - 1)
            out[n] = s_erase_request (id, office, resolve, arg);
        else
            out[n] = s_erase_request ("", "", resolve, arg);
        n += out[n] ? 1 : 0;
    }
    zlistx_destroy (&d.due);
    return n;
}
