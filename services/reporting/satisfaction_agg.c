/*  satisfaction_agg - the satisfaction section from the feedback stream:
    invitations counted by their date, and responses kept as anonymous
    counts in grid (grid.c) by invitation date (first) and response date
    (second), so that "the invitations of the period and, of those, the
    responses received by to" is one bounded grid sum, whatever the number
    of responses in the period or before it.

    counts    sa.invited.<about>, by the invitation's date
    grid      metric sa.responses, value RS_SURVEY_SLOTS int64s: slot
              about * 20 + grade, grade 0 for a response without a grade
              (or one outside 1.0 .. 10.0) and half points - 1 (1 .. 19)
              for 1.0 .. 10.0. One vector for all abouts and grades, so a
              read visits each (first, second) cell once, not 80 grids.  */
#include "section.h"

#include <math.h>

#define GRADE_SLOTS     (RS_GRADES + 1) //  no grade, then 1.0 .. 10.0
#define RS_SURVEY_SLOTS (RS_ABOUTS * GRADE_SLOTS)

static int
s_responded (store_tx_t *tx, const agg_event_t *ev, int about)
{
    char invited[11];
    if (!agg_date (ev, "invited", invited))
        return 0;
    double grade = map_num (ev->event, "grade", 0);
    long half = map_bool (ev->event, "graded", false) && isfinite (grade)
                    ? lround (grade * 2)
                    : 0;
    int64_t delta[RS_SURVEY_SLOTS] = {0};
    delta[about * GRADE_SLOTS + (half >= 2 && half <= 20 ? half - 1 : 0)] = 1;
    return agg_grid_add_vec (tx, ev->office, "sa.responses", invited, ev->date, delta,
                             RS_SURVEY_SLOTS);
}

int
satisfaction_agg_apply (store_tx_t *tx, const agg_event_t *ev)
{
    char about[AGG_ID];
    int a = agg_index (rs_abouts, agg_str (ev, "about", about, sizeof about));
    if (!*ev->date || a < 0)
        return 0;
    if (strcmp (ev->type, "survey.invited") == 0)
        return agg_add2 (tx, ev->office, "sa.invited", about, ev->date, 1);
    if (strcmp (ev->type, "survey.responded") == 0)
        return s_responded (tx, ev, a);
    return 0;
}

int
satisfaction_agg_read (store_tx_t *tx, const rs_period_t *p, rs_survey_t out[RS_ABOUTS])
{
    for (int a = 0; a < RS_ABOUTS; a++)
        if (agg_sum2 (tx, p->office, "sa.invited", rs_abouts[a], p->from, p->to,
                      &out[a].invited))
            return -1;
    int64_t sum[RS_SURVEY_SLOTS];
    if (agg_grid_sum_vec (tx, p->office, "sa.responses", p->from, p->to, p->to, sum,
                          RS_SURVEY_SLOTS))
        return -1;
    for (int a = 0; a < RS_ABOUTS; a++) {
        const int64_t *slot = sum + a * GRADE_SLOTS;
        out[a].responded += slot[0];
        for (int g = 0; g < RS_GRADES; g++) {
            out[a].responded += slot[g + 1];
            out[a].grades[g] += slot[g + 1];
        }
    }
    return 0;
}
