/*  section - code lists and the raw figures of a report section.  */
#include "section.h"

const char *const rs_reasons[] = {"psych_limitation",
                                  "motivated",
                                  "willing_to_train",
                                  "arranges_benefits",
                                  "seeks_paid_work",
                                  "age",
                                  NULL};
const char *const rs_referrals[] = {"self",          "uwv",         "municipality",
                                    "mental_health", "social_team", "client_org",
                                    "other",         NULL};
const char *const rs_stages[] = {"equilibrium", "disruption", "reorientation", "growth",
                                 NULL};
const char *const rs_stagnations[] = {"stuck_in_equilibrium",    "fighting_in_disruption",
                                      "lost_in_reorientation",   "inhibited_in_growth",
                                      "running_through_process", NULL};
const char *const rs_kinds[] = {"one_on_one",      "joint_talk",        "group_session",
                                "workshop",        "case_consultation", "presentation",
                                "network_contact", "employer_info",     NULL};
const char *const rs_settings[] = {"own_office", "other_office", "external", NULL};
const char *const rs_outcomes[] = {"paid_job", "completed", "continued", "ended_early",
                                   NULL};
const char *const rs_abouts[] = {"expert", "training", "placement", "programme", NULL};
const char *const rs_grades[] = {"1.0", "1.5", "2.0", "2.5", "3.0",  "3.5", "4.0",
                                 "4.5", "5.0", "5.5", "6.0", "6.5",  "7.0", "7.5",
                                 "8.0", "8.5", "9.0", "9.5", "10.0", NULL};

int
rs_tally_add (rs_tally_t *self, const char *label, int64_t n)
{
    size_t at = 0;
    while (at < self->count && strcmp (self->items[at].label, label) < 0)
        at++;
    if (at < self->count && strcmp (self->items[at].label, label) == 0) {
        self->items[at].n += n;
        return 0;
    }
    if (self->count == self->size) {
        size_t size = self->size ? self->size * 2 : 8;
        rs_tally_item_t *items = realloc (self->items, size * sizeof *items);
        if (!items)
            return -1;
        self->items = items;
        self->size = size;
    }
    memmove (self->items + at + 1, self->items + at,
             (self->count - at) * sizeof *self->items);
    snprintf (self->items[at].label, sizeof self->items[at].label, "%s", label);
    self->items[at].n = n;
    self->count++;
    return 0;
}

//  Keeps the pairs sorted: a value already there gets the count.
int
rs_days_add (rs_placement_t *self, int64_t days, int64_t n)
{
    size_t lo = 0, hi = self->day_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (self->days[mid].days < days)
            lo = mid + 1;
        else
            hi = mid;
    }
    self->day_total += n;
    if (lo < self->day_count && self->days[lo].days == days) {
        self->days[lo].n += n;
        return 0;
    }
    if (self->day_count == self->day_size) {
        size_t size = self->day_size ? self->day_size * 2 : 16;
        rs_days_item_t *grown = realloc (self->days, size * sizeof *grown);
        if (!grown)
            return -1;
        self->days = grown;
        self->day_size = size;
    }
    memmove (self->days + lo + 1, self->days + lo,
             (self->day_count - lo) * sizeof *self->days);
    self->days[lo] = (rs_days_item_t){days, n};
    self->day_count++;
    return 0;
}

//  The value at position at (from 0) of the jobs in value order.
static int64_t
s_days_at (const rs_placement_t *self, int64_t at)
{
    for (size_t i = 0; i < self->day_count; i++) {
        if (at < self->days[i].n)
            return self->days[i].days;
        at -= self->days[i].n;
    }
    return 0;
}

double
rs_days_median (const rs_placement_t *self)
{
    int64_t n = self->day_total;
    if (n <= 0)
        return 0;
    return n % 2
               ? (double) s_days_at (self, n / 2)
               : ((double) s_days_at (self, n / 2 - 1) + (double) s_days_at (self, n / 2))
                     / 2.0;
}

void
rs_section_init (rs_section_t *self)
{
    memset (self, 0, sizeof *self);
}

void
rs_section_destroy (rs_section_t *self)
{
    free (self->intake.deferral_reasons.items);
    free (self->placement.days);
    memset (self, 0, sizeof *self);
}

//  Adds n int64 figures laid out one after another.
static void
s_add (int64_t *to, const int64_t *from, size_t n)
{
    for (size_t i = 0; i < n; i++)
        to[i] += from[i];
}

static void
s_merge_intake (rs_intake_t *to, const rs_intake_t *from)
{
    to->registered += from->registered;
    to->eligible += from->eligible;
    to->not_eligible += from->not_eligible;
    s_add (to->by_reason, from->by_reason, RS_REASONS);
    to->info_session_attended += from->info_session_attended;
    to->admitted += from->admitted;
    to->deferred += from->deferred;
    to->declined += from->declined;
    to->withdrawn += from->withdrawn;
    s_add (to->referral, from->referral, RS_REFERRALS);
    s_add (to->stage, from->stage, RS_STAGES);
    s_add (to->stagnation, from->stagnation, RS_STAGNATIONS);
    to->in_motion += from->in_motion;
}

static void
s_merge_experts (rs_experts_t *to, const rs_experts_t *from)
{
    to->experts += from->experts;
    to->fte_e4 += from->fte_e4;
    to->paid += from->paid;
    to->volunteer += from->volunteer;
    s_add (to->count, from->count, RS_KINDS);
    s_add (to->minutes, from->minutes, RS_KINDS);
    s_add (to->setting_minutes, from->setting_minutes, RS_SETTINGS);
    to->clients_reached += from->clients_reached;
    to->talks += from->talks;
}

//  The attendance bases add up even when an office's was read only up to
//  k: the total then is k or more too, as its true basis is; bases below k
//  are exact (training_agg.c, s_bases).
static void
s_merge_training (rs_training_t *to, const rs_training_t *from)
{
    to->cohorts_started += from->cohorts_started;
    to->cohorts_waiting += from->cohorts_waiting;
    to->enrolled += from->enrolled;
    to->present += from->present;
    to->places += from->places;
    to->members += from->members;
    s_add (to->by_present, from->by_present, RS_MEETINGS);
    s_add (to->by_places, from->by_places, RS_MEETINGS);
    s_add (to->by_members, from->by_members, RS_MEETINGS);
    to->certificates += from->certificates;
    to->goals += from->goals;
    to->goals_smart += from->goals_smart;
    to->reflections_signed += from->reflections_signed;
}

static int
s_merge_placement (rs_placement_t *to, const rs_placement_t *from)
{
    to->hosts += from->hosts;
    to->vacancies_open += from->vacancies_open;
    to->started += from->started;
    to->active += from->active;
    s_add (to->ended, from->ended, RS_OUTCOMES);
    to->ended_total += from->ended_total;
    to->paid_jobs += from->paid_jobs;
    to->paid_jobs_20h += from->paid_jobs_20h;
    to->under_2_contacts += from->under_2_contacts;
    to->hours += from->hours;
    for (size_t i = 0; i < from->day_count; i++)
        if (rs_days_add (to, from->days[i].days, from->days[i].n))
            return -1;
    return 0;
}

int
rs_section_merge (rs_section_t *self, const rs_section_t *other)
{
    s_merge_intake (&self->intake, &other->intake);
    s_merge_experts (&self->experts, &other->experts);
    s_merge_training (&self->training, &other->training);
    for (int a = 0; a < RS_ABOUTS; a++) {
        self->satisfaction[a].invited += other->satisfaction[a].invited;
        self->satisfaction[a].responded += other->satisfaction[a].responded;
        s_add (self->satisfaction[a].grades, other->satisfaction[a].grades, RS_GRADES);
    }
    const rs_tally_t *reasons = &other->intake.deferral_reasons;
    for (size_t i = 0; i < reasons->count; i++)
        if (rs_tally_add (&self->intake.deferral_reasons, reasons->items[i].label,
                          reasons->items[i].n))
            return -1;
    return s_merge_placement (&self->placement, &other->placement);
}
