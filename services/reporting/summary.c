/*  summary - packs a section in the JSON shape of DOMAIN.md section 5 and
    applies disclosure control on the way: a count of candidates (or of
    their records) from 1 to k-1 becomes {"suppressed": true}, and so does
    a mean, rate, median or extreme whose basis is fewer than k. Keys come
    in a fixed order and fractions are rounded to 4 decimals, so the same
    figures always pack to the same bytes.  */
#include "summary.h"

#include <math.h>

typedef struct {
    msgpack_packer *pk;
    int64_t k;
} out_t;

static void
s_suppressed (msgpack_packer *pk)
{
    msgpack_pack_map (pk, 1);
    pk_kv_bool (pk, "suppressed", true);
}

//  A count of candidates or of their records.
static void
s_count (out_t *o, const char *key, int64_t n)
{
    pk_str (o->pk, key);
    if (n > 0 && n < o->k)
        s_suppressed (o->pk);
    else
        msgpack_pack_int64 (o->pk, n);
}

//  A count of staff, hosts, vacancies, cohorts or activities.
static void
s_plain (out_t *o, const char *key, int64_t n)
{
    pk_kv_int (o->pk, key, n);
}

static double
s_round (double value)
{
    return round (value * 10000.0) / 10000.0;
}

//  A figure computed over basis candidates: null when there is nothing to
//  compute it over, suppressed below k.
static void
s_fraction (out_t *o, const char *key, double value, int64_t basis)
{
    pk_str (o->pk, key);
    if (basis <= 0)
        msgpack_pack_nil (o->pk);
    else if (basis < o->k)
        s_suppressed (o->pk);
    else
        msgpack_pack_double (o->pk, s_round (value));
}

static double
s_div (double num, int64_t den)
{
    return den > 0 ? num / (double) den : 0;
}

static void
s_counts (out_t *o, const char *key, const char *const *codes, const int64_t *n)
{
    int size = 0;
    while (codes[size])
        size++;
    pk_str (o->pk, key);
    msgpack_pack_map (o->pk, (uint32_t) size);
    for (int i = 0; i < size; i++)
        s_count (o, codes[i], n[i]);
}

//  --------------------------------------------------------------------------

static void
s_intake (out_t *o, const rs_intake_t *in)
{
    msgpack_packer *pk = o->pk;
    pk_str (pk, "intake");
    msgpack_pack_map (pk, 12);
    s_count (o, "registered", in->registered);
    s_count (o, "eligible", in->eligible);
    pk_str (pk, "not_eligible");
    msgpack_pack_map (pk, 2);
    s_count (o, "total", in->not_eligible);
    s_counts (o, "by_reason", rs_reasons, in->by_reason);
    s_count (o, "info_session_attended", in->info_session_attended);
    s_count (o, "admitted", in->admitted);
    pk_str (pk, "deferred");
    msgpack_pack_map (pk, 2);
    s_count (o, "total", in->deferred);
    pk_str (pk, "by_reason");
    msgpack_pack_map (pk, (uint32_t) in->deferral_reasons.count);
    for (size_t i = 0; i < in->deferral_reasons.count; i++)
        s_count (o, in->deferral_reasons.items[i].label, in->deferral_reasons.items[i].n);
    s_count (o, "declined", in->declined);
    s_count (o, "withdrawn", in->withdrawn);
    s_counts (o, "referral", rs_referrals, in->referral);
    s_counts (o, "stage", rs_stages, in->stage);
    s_counts (o, "stagnation", rs_stagnations, in->stagnation);
    s_count (o, "in_motion", in->in_motion);
}

static void
s_experts (out_t *o, const rs_experts_t *ex)
{
    msgpack_packer *pk = o->pk;
    pk_str (pk, "experts");
    msgpack_pack_map (pk, 8);
    s_plain (o, "experts", ex->experts);
    pk_kv_num (pk, "fte", s_round ((double) ex->fte_e4 / 10000.0));
    s_plain (o, "paid", ex->paid);
    s_plain (o, "volunteer", ex->volunteer);
    pk_str (pk, "activities");
    msgpack_pack_map (pk, RS_KINDS);
    for (int i = 0; i < RS_KINDS; i++) {
        pk_str (pk, rs_kinds[i]);
        msgpack_pack_map (pk, 2);
        s_plain (o, "count", ex->count[i]);
        s_plain (o, "minutes", ex->minutes[i]);
    }
    int64_t minutes = 0;
    for (int i = 0; i < RS_SETTINGS; i++)
        minutes += ex->setting_minutes[i];
    pk_str (pk, "setting_share");
    msgpack_pack_map (pk, RS_SETTINGS);
    //  Shares of staff time, not of candidates: never suppressed.
    out_t staff = {pk, 1};
    for (int i = 0; i < RS_SETTINGS; i++)
        s_fraction (&staff, rs_settings[i],
                    s_div ((double) ex->setting_minutes[i], minutes), minutes);
    s_count (o, "clients_reached", ex->clients_reached);
    s_fraction (o, "talks_per_client", s_div ((double) ex->talks, ex->clients_reached),
                ex->clients_reached);
}

//  Attendance at the meetings of each number 1 .. RS_MEETINGS, each rate
//  over the most members of each cohort at them.
static void
s_by_meeting (out_t *o, const rs_training_t *tr)
{
    pk_str (o->pk, "attendance_by_meeting");
    msgpack_pack_map (o->pk, RS_MEETINGS);
    for (int i = 0; i < RS_MEETINGS; i++) {
        char number[4];
        snprintf (number, sizeof number, "%d", i + 1);
        s_fraction (o, number, s_div ((double) tr->by_present[i], tr->by_places[i]),
                    tr->by_places[i] > 0 ? tr->by_members[i] : 0);
    }
}

static void
s_training (out_t *o, const rs_training_t *tr)
{
    pk_str (o->pk, "training");
    msgpack_pack_map (o->pk, 9);
    s_plain (o, "cohorts_started", tr->cohorts_started);
    s_plain (o, "cohorts_waiting", tr->cohorts_waiting);
    s_count (o, "enrolled", tr->enrolled);
    s_fraction (o, "attendance_rate", s_div ((double) tr->present, tr->places),
                tr->places > 0 ? tr->members : 0);
    s_count (o, "certificates", tr->certificates);
    s_count (o, "goals", tr->goals);
    s_fraction (o, "smart_share", s_div ((double) tr->goals_smart, tr->goals), tr->goals);
    s_count (o, "reflections_signed", tr->reflections_signed);
    s_by_meeting (o, tr);
}

static void
s_placement (out_t *o, rs_placement_t *pl)
{
    msgpack_packer *pk = o->pk;
    pk_str (pk, "placement");
    msgpack_pack_map (pk, 11);
    s_plain (o, "hosts", pl->hosts);
    s_plain (o, "vacancies_open", pl->vacancies_open);
    s_count (o, "started", pl->started);
    s_count (o, "active", pl->active);
    s_counts (o, "ended", rs_outcomes, pl->ended);
    s_count (o, "paid_jobs", pl->paid_jobs);
    s_count (o, "paid_jobs_20h", pl->paid_jobs_20h);
    s_fraction (o, "paid_job_rate", s_div ((double) pl->paid_jobs, pl->ended_total),
                pl->ended_total);
    s_fraction (o, "median_days_to_paid_job", rs_days_median (pl), pl->day_total);
    s_count (o, "under_2_contacts", pl->under_2_contacts);
    s_fraction (o, "mean_hours", s_div ((double) pl->hours, pl->started), pl->started);
}

//  How often an extreme occurs: a count of responses, null without grades.
static void
s_extreme_count (out_t *o, const char *key, int64_t n, int64_t graded)
{
    if (graded > 0)
        s_count (o, key, n);
    else {
        pk_str (o->pk, key);
        msgpack_pack_nil (o->pk);
    }
}

//  One S map; every grade figure comes from the histogram of half points.
static void
s_survey (out_t *o, const char *key, const rs_survey_t *s)
{
    int64_t graded = 0, halves = 0;
    int lo = -1, hi = -1;
    for (int i = 0; i < RS_GRADES; i++) {
        graded += s->grades[i];
        halves += s->grades[i] * (2 + i);
        if (s->grades[i] && lo < 0)
            lo = i;
        if (s->grades[i])
            hi = i;
    }
    msgpack_packer *pk = o->pk;
    pk_str (pk, key);
    msgpack_pack_map (pk, 10);
    s_count (o, "invited", s->invited);
    s_count (o, "responded", s->responded);
    s_fraction (o, "response_rate", s_div ((double) s->responded, s->invited),
                s->invited);
    s_count (o, "graded", graded);
    s_fraction (o, "mean", s_div ((double) halves / 2.0, graded), graded);
    s_fraction (o, "min", 1.0 + 0.5 * lo, graded);
    s_extreme_count (o, "min_count", lo >= 0 ? s->grades[lo] : 0, graded);
    s_fraction (o, "max", 1.0 + 0.5 * hi, graded);
    s_extreme_count (o, "max_count", hi >= 0 ? s->grades[hi] : 0, graded);
    s_counts (o, "histogram", rs_grades, s->grades);
}

static void
s_satisfaction (out_t *o, const rs_survey_t about[RS_ABOUTS])
{
    rs_survey_t all;
    memset (&all, 0, sizeof all);
    for (int a = 0; a < RS_ABOUTS; a++) {
        all.invited += about[a].invited;
        all.responded += about[a].responded;
        for (int i = 0; i < RS_GRADES; i++)
            all.grades[i] += about[a].grades[i];
    }
    pk_str (o->pk, "satisfaction");
    msgpack_pack_map (o->pk, 1 + RS_ABOUTS);
    s_survey (o, "all", &all);
    for (int a = 0; a < RS_ABOUTS; a++)
        s_survey (o, rs_abouts[a], &about[a]);
}

void
summary_pack (msgpack_packer *pk, rs_section_t *section, int64_t k)
{
    out_t o = {pk, k};
    msgpack_pack_map (pk, 5);
    s_intake (&o, &section->intake);
    s_experts (&o, &section->experts);
    s_training (&o, &section->training);
    s_placement (&o, &section->placement);
    s_satisfaction (&o, section->satisfaction);
}
