/*  rights - placement's rule for records when a request is made as a
    person (command.h): a host's supervisor acts only for their own host and
    the placements at it. Coordinators act for every record of their
    offices. A record that does not exist is left to the handler
    (not_found).  */
#include "handlers.h"
#include "records.h"

static bool
s_coordinator (cmd_ctx_t *ctx)
{
    return cmd_person (ctx)->caller.role == ROLE_COORDINATOR;
}

//  The person supervises at the host (host_supervisor's link).
static int
s_host (cmd_ctx_t *ctx, const char *host, const char *field, const char *what)
{
    const person_t *p = cmd_person (ctx);
    if (*p->host && streq (p->host, host))
        return 0;
    return cmd_fail (ctx, ERR_FORBIDDEN, field, "%s is not yours to act for", what);
}

int
placement_may_host (cmd_ctx_t *ctx)
{
    char host[PL_ID_SIZE] = "";
    map_str (cmd_body (ctx), "id", host, sizeof host);
    return s_coordinator (ctx) ? 0 : s_host (ctx, host, "id", "this host");
}

int
placement_may_placement (cmd_ctx_t *ctx)
{
    if (s_coordinator (ctx))
        return 0;
    char id[PL_ID_SIZE] = "";
    map_str (cmd_body (ctx), "id", id, sizeof id);
    placement_t p;
    int rc = rec_get (cmd_tx (ctx), &rec_placement, id, &p);
    if (rc < 0)
        return cmd_store_fail (ctx);
    return rc == 1 ? 0 : s_host (ctx, p.host, "id", "this placement");
}

//  A list asked for by a supervisor: of their host, or with no host named
//  (the handler keeps to theirs).
int
placement_may_list (cmd_ctx_t *ctx)
{
    if (s_coordinator (ctx) || !map_has (cmd_body (ctx), "host"))
        return 0;
    char host[PL_ID_SIZE] = "";
    map_str (cmd_body (ctx), "host", host, sizeof host);
    return s_host (ctx, host, "host", "this host");
}
