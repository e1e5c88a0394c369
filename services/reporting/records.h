/*  records - the tables reporting keeps; what each holds is in agg.h (the
    counters every section shares) and in the section files that keep the
    rest. Nothing in them is a source of truth: format.c empties them for
    a rebuild from the streams.  */
#ifndef OPSTAP_REPORTING_RECORDS_H
#define OPSTAP_REPORTING_RECORDS_H

#include "store.h"

//  agg.h: offices, counts, grid, labels, distinct, links.
extern const store_table_t rt_offices[1], rt_counts[1], rt_grid[1], rt_labels[1],
    rt_distinct[1], rt_links[1];
//  stages (intake_agg.c), cohorts and meetings (training_agg.c), goals and
//  index (goals_agg.c), paid (placement_agg.c), meta (format.c).
extern const store_table_t rt_stages[1], rt_cohorts[1], rt_meetings[1], rt_goals[1],
    rt_index[1], rt_paid[1], rt_meta[1];
//  No format writes it any more (format 2's responses, now in grid): opened
//  only so that a rebuild empties it.
extern const store_table_t rt_responses[1];

#define RS_TABLES                                                                        \
    rt_offices, rt_counts, rt_grid, rt_labels, rt_distinct, rt_links, rt_stages,         \
        rt_cohorts, rt_meetings, rt_goals, rt_index, rt_paid, rt_meta
#define RS_RETIRED rt_responses

#endif
