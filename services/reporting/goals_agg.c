/*  goals_agg - goals set in a period and how many of them are SMART as of
    its last day, from the training stream.

    goals   office \0 date set \0 goal -> its versions, 11 bytes each: the
            version's date and 1 when it has all four SMART checks, in
            stream order (keyed by goal id; no record names a candidate)
    index   "goal" \0 office \0 goal -> its key in goals
    counts  "tr.goals" by the day set: one per goals record
    grid    "tr.smart" (first: the day set, second: a day the goal's SMART
            state changes): a goal is SMART as of t when its latest version
            dated <= t has all checks (on one day, the last in stream
            order). That is a step function of t; its steps (+1 or -1 on
            the days it changes) are summed over every goal set that day.
            The SMART goals among those set in [from, to] are the sum over
            set days in [from, to] of the steps dated <= to.

    A version arriving (in any date order) takes the goal's old steps back
    and adds the steps of its new version list: the cost follows that one
    goal's versions, and a report reads grid (bounded by the days and
    months of the period, see grid.c), never the goals.  */
#include "section.h"

#define VERSION_SIZE 11

static size_t
s_goal_index (char key[AGG_KEY], const agg_event_t *ev, char goal[AGG_ID])
{
    agg_str (ev, "goal", goal, AGG_ID);
    const char *parts[] = {"goal", ev->office, goal};
    return *goal ? agg_key (key, parts, 3) : 0;
}

//  The SMART state at version v's date: the last version in stream order
//  of that date.
static int
s_smart_on (const uint8_t *v, size_t vlen, const uint8_t *date)
{
    int smart = 0;
    for (size_t i = 0; i + VERSION_SIZE <= vlen; i += VERSION_SIZE)
        if (memcmp (v + i, date, 10) == 0)
            smart = v[i + 10];
    return smart;
}

//  Adds (sign 1) or takes back (-1) the steps of a goal's versions: in
//  date order, each date where the state differs from the one before.
static int
s_steps (store_tx_t *tx, const char *office, const char *set, const uint8_t *v,
         size_t vlen, int sign)
{
    char last[11] = "", date[11];
    int state = 0;
    for (;;) {
        const uint8_t *next = NULL;
        for (size_t i = 0; i + VERSION_SIZE <= vlen; i += VERSION_SIZE)
            if (memcmp (v + i, last, 10) > 0 && (!next || memcmp (v + i, next, 10) < 0))
                next = v + i;
        if (!next)
            return 0;
        memcpy (last, next, 10);
        int smart = s_smart_on (v, vlen, next);
        memcpy (date, next, 10);
        date[10] = 0;
        if (smart != state
            && agg_grid_add (tx, office, "tr.smart", set, date, sign * (smart - state)))
            return -1;
        state = smart;
    }
}

//  Appends the event's version to the goal under key (set on day set).
static int
s_goal_version (store_tx_t *tx, const char *key, size_t klen, const char *set,
                const agg_event_t *ev)
{
    const void *val;
    size_t vlen;
    int rc = store_get (tx, rt_goals, key, klen, &val, &vlen);
    size_t old = rc == 0 ? vlen - vlen % VERSION_SIZE : 0;
    uint8_t *v = rc < 0 ? NULL : (uint8_t *) malloc (old + VERSION_SIZE);
    if (!v)
        return -1;
    //  Copied before any write: val points into the map.
    if (old)
        memcpy (v, val, old);
    memcpy (v + old, ev->date, 10);
    v[old + 10] = map_bool (ev->event, "smart_all", false) ? 1 : 0;
    rc = s_steps (tx, ev->office, set, v, old, -1)
                 || s_steps (tx, ev->office, set, v, old + VERSION_SIZE, 1)
                 || store_put (tx, rt_goals, key, klen, v, old + VERSION_SIZE)
                 || (old == 0 && agg_add (tx, ev->office, "tr.goals", set, 1))
             ? -1
             : 0;
    free (v);
    return rc;
}

static int
s_goal_set (store_tx_t *tx, const agg_event_t *ev)
{
    char index[AGG_KEY], key[AGG_KEY], goal[AGG_ID];
    size_t ilen = s_goal_index (index, ev, goal);
    const char *parts[] = {ev->office, ev->date, goal};
    size_t klen = agg_key (key, parts, 3);
    if (!ilen || !klen)
        return 0;
    if (store_put (tx, rt_index, index, ilen, key, klen))
        return -1;
    return s_goal_version (tx, key, klen, ev->date, ev);
}

static int
s_goal_revised (store_tx_t *tx, const agg_event_t *ev)
{
    char index[AGG_KEY], key[AGG_KEY], goal[AGG_ID], set[11];
    size_t ilen = s_goal_index (index, ev, goal), olen = strlen (ev->office);
    const void *val;
    size_t vlen;
    int rc = ilen ? store_get (tx, rt_index, index, ilen, &val, &vlen) : 1;
    if (rc != 0 || vlen > AGG_KEY || vlen < olen + 12)
        return rc < 0 ? -1 : 0;
    memcpy (key, val, vlen);
    //  The key is office \0 date set \0 goal.
    memcpy (set, key + olen + 1, 10);
    set[10] = 0;
    return s_goal_version (tx, key, vlen, set, ev);
}

int
goals_agg_apply (store_tx_t *tx, const agg_event_t *ev)
{
    if (strcmp (ev->type, "goal.set") == 0)
        return s_goal_set (tx, ev);
    return s_goal_revised (tx, ev);
}

int
goals_agg_read (store_tx_t *tx, const rs_period_t *p, rs_training_t *out)
{
    if (agg_sum (tx, p->office, "tr.goals", p->from, p->to, &out->goals))
        return -1;
    return agg_grid_sum (tx, p->office, "tr.smart", p->from, p->to, p->to,
                         &out->goals_smart);
}
