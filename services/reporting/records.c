/*  records - the tables reporting keeps.  */
#include "records.h"

STORE_TABLE (rt_offices, "offices");
STORE_TABLE (rt_counts, "counts");
STORE_TABLE (rt_grid, "grid");
STORE_TABLE (rt_labels, "labels");
STORE_TABLE (rt_distinct, "distinct");
STORE_TABLE (rt_links, "links");
STORE_TABLE (rt_stages, "stages");
STORE_TABLE (rt_cohorts, "cohorts");
STORE_TABLE (rt_meetings, "meetings");
STORE_TABLE (rt_goals, "goals");
STORE_TABLE (rt_index, "index");
STORE_TABLE (rt_paid, "paid");
STORE_TABLE (rt_meta, "meta");
STORE_TABLE (rt_responses, "responses");
