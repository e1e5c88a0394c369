/*  experts_agg - the experts section from the training stream: the
    experts registered as of a day (count, fte, paid or volunteer), their
    activities and minutes by kind and setting, and the talks (one_on_one,
    joint_talk) per candidate and day as distinct records of kind "talk"
    (distinct.c): the clients reached and the talks are read from counters
    and grid records that name no candidate.  */
#include "section.h"

#include <math.h>

//  The kinds of activity that are talks with a client.
static bool
s_is_talk (int kind)
{
    return kind == 0 || kind == 1; //  one_on_one, joint_talk
}

static int
s_registered (store_tx_t *tx, const agg_event_t *ev)
{
    const char *o = ev->office, *d = ev->date;
    double fte = map_num (ev->event, "fte", 0);
    int64_t fte_e4 =
        isfinite (fte) && fte > 0 && fte < 1000 ? llround (fte * 10000.0) : 0;
    bool paid = map_bool (ev->event, "paid", false);
    if (agg_add (tx, o, "ex.experts", d, 1) || agg_add (tx, o, "ex.fte", d, fte_e4)
        || agg_add (tx, o, paid ? "ex.paid" : "ex.volunteer", d, 1))
        return -1;
    return 0;
}

static int
s_activity (store_tx_t *tx, const agg_event_t *ev)
{
    const char *o = ev->office, *d = ev->date;
    char code[AGG_ID], candidate[AGG_ID];
    int kind = agg_index (rs_kinds, agg_str (ev, "kind", code, sizeof code));
    int setting = agg_index (rs_settings, agg_str (ev, "setting", code, sizeof code));
    int64_t minutes = map_int (ev->event, "minutes", 0);
    if (kind < 0)
        return 0;
    if (agg_add2 (tx, o, "ex.count", rs_kinds[kind], d, 1)
        || agg_add2 (tx, o, "ex.minutes", rs_kinds[kind], d, minutes)
        || (setting >= 0
            && agg_add2 (tx, o, "ex.setting", rs_settings[setting], d, minutes)))
        return -1;
    agg_str (ev, "candidate", candidate, sizeof candidate);
    if (s_is_talk (kind) && codec_valid_id (candidate, strlen (candidate)))
        return agg_distinct_add (tx, o, "talk", d, candidate, 1);
    return 0;
}

int
experts_agg_apply (store_tx_t *tx, const agg_event_t *ev)
{
    if (!*ev->date)
        return 0;
    if (strcmp (ev->type, "expert.registered") == 0)
        return s_registered (tx, ev);
    if (strcmp (ev->type, "expert.activity_logged") == 0)
        return s_activity (tx, ev);
    return 0;
}

int
experts_agg_read (store_tx_t *tx, const rs_period_t *p, rs_experts_t *out)
{
    const char *o = p->office;
    if (agg_asof (tx, o, "ex.experts", p->to, &out->experts)
        || agg_asof (tx, o, "ex.fte", p->to, &out->fte_e4)
        || agg_asof (tx, o, "ex.paid", p->to, &out->paid)
        || agg_asof (tx, o, "ex.volunteer", p->to, &out->volunteer))
        return -1;
    for (int i = 0; i < RS_KINDS; i++)
        if (agg_sum2 (tx, o, "ex.count", rs_kinds[i], p->from, p->to, &out->count[i])
            || agg_sum2 (tx, o, "ex.minutes", rs_kinds[i], p->from, p->to,
                         &out->minutes[i]))
            return -1;
    for (int i = 0; i < RS_SETTINGS; i++)
        if (agg_sum2 (tx, o, "ex.setting", rs_settings[i], p->from, p->to,
                      &out->setting_minutes[i]))
            return -1;
    return agg_distinct (tx, o, "talk", p->from, p->to, &out->clients_reached,
                         &out->talks);
}
