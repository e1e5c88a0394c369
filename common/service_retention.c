/*  service_retention - expired personal records removed by the services on
    their own (docs/SECURITY.md). The retention spec names a period per kind
    of record, e.g. "candidate=7y,audit=10y,check=3600s":
      candidate  after a trajectory ended (intake decides when), the
                 candidate is erased everywhere with candidate.erase
      audit      entries of the audit trail
      check      how often the services look
    Units: s, d, y (365 days).  */
#include "service_internal.h"

#define DAY_MS  (24LL * 3600 * 1000)
#define DUE_MAX 256

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
service_retention_parse (const char *spec, retention_t *r, char *err, size_t errlen)
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

static int
s_list_due (store_tx_t *tx, void *arg)
{
    service_t *self = (service_t *) arg;
    return self->args.def->due (tx, zclock_time () - self->args.retention.candidate_ms,
                                self->due, DUE_MAX);
}

//  An erasure the runtime asks of itself: it goes through validation, the
//  batch, the audit trail (caller "retention") and the stream like any
//  other; its reply goes to a routing id no peer has, so it is dropped.
static request_t *
s_erase_request (service_t *self, const char *id, const char *office)
{
    msgpack_sbuffer body;
    msgpack_sbuffer_init (&body);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &body, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 3);
    pk_kv_str (&pk, "cmd", "candidate.erase");
    pk_kv_str (&pk, "office", office);
    pk_kv_str (&pk, "id", id);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "\001retention");
    zmsg_addmem (msg, body.data, body.size);
    msgpack_sbuffer_destroy (&body);
    request_t *request = request_new (&msg, service_office_optional, self);
    if (request)
        request_set_caller (request, "", "retention");
    return request;
}

static void
s_expire_candidates (service_t *self)
{
    oerr_t err;
    zlistx_purge (self->due);
    if (!self->args.def->due || store_read (self->store, s_list_due, self, &err))
        return;
    size_t count = zlistx_size (self->due);
    request_t **ready =
        (request_t **) zmalloc (sizeof (request_t *) * (count ? count : 1));
    size_t n = 0;
    for (zchunk_t *c = (zchunk_t *) zlistx_first (self->due); c;
         c = (zchunk_t *) zlistx_next (self->due)) {
        const char *id = (const char *) zchunk_data (c);
        request_t *request = s_erase_request (self, id, id + strlen (id) + 1);
        if (request)
            ready[n++] = request;
    }
    if (n)
        zsys_info ("event=retention.erase instance=%s candidates=%zu",
                   self->args.entry.instance, n);
    service_execute (self, ready, n);
    free (ready);
}

int
service_on_retention (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    service_t *self = (service_t *) arg;
    s_expire_candidates (self);
    size_t deleted = 0;
    oerr_t err;
    if (audit_expire (self->audit, zclock_time () - self->args.retention.audit_ms,
                      &deleted, &err))
        zsys_error ("event=audit.error instance=%s message=\"%s\"",
                    self->args.entry.instance, err.message);
    else if (deleted)
        zsys_info ("event=retention.audit instance=%s entries=%zu",
                   self->args.entry.instance, deleted);
    return 0;
}
