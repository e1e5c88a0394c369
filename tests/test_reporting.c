/*  test_reporting - report.summary against an office history built through
    the services themselves: every figure worked out by hand, disclosure
    control at k = 5 and none at k = 1, k from the environment and the
    request, period boundaries, states as of `to`, several offices.  */
#include "test_reporting_fixture.c"

typedef struct {
    const char *path; //  dotted; a last key holding dots follows a '|'
    char kind;        //  'i' integer, 'f' fraction, 's' suppressed, 'n' null
    double value;
} fig_t;

#define END_FIGS                                                                         \
    {                                                                                    \
        NULL, 0, 0                                                                       \
    }

static const msgpack_object *
s_figure (tk_msg_t *r, const char *path)
{
    const char *bar = strchr (path, '|');
    if (!bar)
        return tk_get (r, path);
    char head[200];
    snprintf (head, sizeof head, "%.*s", (int) (bar - path), path);
    return obj_get (tk_get (r, head), bar + 1);
}

static bool
s_matches (const msgpack_object *o, const fig_t *fig)
{
    if (!o)
        return false;
    switch (fig->kind) {
    case 'i':
        return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER
               && (double) o->via.u64 == fig->value;
    case 'f':
        return o->type == MSGPACK_OBJECT_FLOAT64 && fabs (o->via.f64 - fig->value) < 1e-9;
    case 's':
        return o->type == MSGPACK_OBJECT_MAP && o->via.map.size == 1
               && map_bool (o, "suppressed", false);
    case 'n':
        return o->type == MSGPACK_OBJECT_NIL;
    default:
        return false;
    }
}

static void
s_check (tk_msg_t *r, const char *prefix, const fig_t *figs)
{
    for (const fig_t *fig = figs; fig->path; fig++) {
        char path[256];
        snprintf (path, sizeof path, "%s%s", prefix, fig->path);
        const msgpack_object *o = s_figure (r, path);
        if (!CHECK (s_matches (o, fig))) {
            char *text = o ? json_from_msgpack (o) : NULL;
            fprintf (stderr, "  %s is %s, expected %c %g\n", path, text ? text : "absent",
                     fig->kind, fig->value);
            free (text);
        }
    }
}

//  --------------------------------------------------------------------------
//  Nijmegen, 2017-07-01 .. 2017-09-30, k = 1: every figure.

static const fig_t s_nijmegen_k1[] = {
    //  Registered on 07-01 .. 09-30: nij-01 .. nij-08 (nij-00 the day before
    //  and nij-09 the day after do not count); nij-06 is not motivated,
    //  nij-07 not willing and too old.
    {"intake.registered", 'i', 8},
    {"intake.eligible", 'i', 6},
    {"intake.not_eligible.total", 'i', 2},
    {"intake.not_eligible.by_reason.psych_limitation", 'i', 0},
    {"intake.not_eligible.by_reason.motivated", 'i', 1},
    {"intake.not_eligible.by_reason.willing_to_train", 'i', 1},
    {"intake.not_eligible.by_reason.age", 'i', 1},
    //  nij-00's info session on 06-30 is outside; its admission on 07-03 in.
    {"intake.info_session_attended", 'i', 5},
    {"intake.admitted", 'i', 5},
    {"intake.deferred.total", 'i', 2},
    {"intake.deferred.by_reason.in treatment", 'i', 1},
    {"intake.deferred.by_reason.waiting list", 'i', 1},
    {"intake.declined", 'i', 1},
    {"intake.withdrawn", 'i', 1},
    {"intake.referral.uwv", 'i', 4},
    {"intake.referral.self", 'i', 1},
    {"intake.referral.municipality", 'i', 1},
    {"intake.referral.mental_health", 'i', 1},
    {"intake.referral.social_team", 'i', 1},
    {"intake.referral.client_org", 'i', 0},
    {"intake.referral.other", 'i', 0},
    //  Latest stage as of 09-30: nij-00 growth (running), nij-01
    //  reorientation, nij-02 equilibrium (stuck; its disruption is dated
    //  10-05), nij-03 growth, nij-04 reorientation (lost, dated on `to`),
    //  nij-05 disruption (fighting: 08-01 is later than 07-15).
    {"intake.stage.equilibrium", 'i', 1},
    {"intake.stage.disruption", 'i', 1},
    {"intake.stage.reorientation", 'i', 2},
    {"intake.stage.growth", 'i', 2},
    {"intake.stagnation.stuck_in_equilibrium", 'i', 1},
    {"intake.stagnation.fighting_in_disruption", 'i', 1},
    {"intake.stagnation.lost_in_reorientation", 'i', 1},
    {"intake.stagnation.inhibited_in_growth", 'i', 0},
    {"intake.stagnation.running_through_process", 'i', 1},
    {"intake.in_motion", 'i', 2}, //  nij-01 and nij-05
    //  e1 and e2 (e3 registers on 10-02): 0.5 + 0.5 fte, both paid.
    {"experts.experts", 'i', 2},
    {"experts.fte", 'f', 1.0},
    {"experts.paid", 'i', 2},
    {"experts.volunteer", 'i', 0},
    //  60 + 45 + 60 + 30 + 60 + 60; talks on 06-30 and 10-01 are outside.
    {"experts.activities.one_on_one.count", 'i', 6},
    {"experts.activities.one_on_one.minutes", 'i', 315},
    {"experts.activities.joint_talk.count", 'i', 2},
    {"experts.activities.joint_talk.minutes", 'i', 120},
    {"experts.activities.group_session.count", 'i', 1},
    {"experts.activities.group_session.minutes", 'i', 120},
    {"experts.activities.case_consultation.count", 'i', 1},
    {"experts.activities.case_consultation.minutes", 'i', 30},
    {"experts.activities.workshop.count", 'i', 0},
    {"experts.activities.employer_info.minutes", 'i', 0},
    //  own 465, other 60, external 60 of 585 minutes.
    {"experts.setting_share.own_office", 'f', 0.7949},
    {"experts.setting_share.other_office", 'f', 0.1026},
    {"experts.setting_share.external", 'f', 0.1026},
    //  nij-01 .. nij-06; 8 talks.
    {"experts.clients_reached", 'i', 6},
    {"experts.talks_per_client", 'f', 1.3333},
    //  k1 started on 07-20; k2 planned for 09-15 is still waiting, k3
    //  (10-15) not yet; 46 presences of 5 members at 10 meetings; nij-01,
    //  nij-02 (g2 revised to SMART) and nij-03 certified; g1 .. g4 set in
    //  the period, g1, g2, g3 SMART as of 09-30; g1's reflection signed by
    //  both (g2's on 10-03 is outside).
    {"training.cohorts_started", 'i', 1},
    {"training.cohorts_waiting", 'i', 1},
    {"training.enrolled", 'i', 5},
    {"training.attendance_rate", 'f', 0.92},
    {"training.certificates", 'i', 3},
    {"training.goals", 'i', 4},
    {"training.smart_share", 'f', 0.75},
    {"training.reflections_signed", 'i', 1},
    //  Meetings 1 .. 10 of k1, each of 5 members: nij-00 missed 2, 5 and
    //  8, nij-04 missed 10 (4 / 5); 46 / 50 as above.
    {"training.attendance_by_meeting|1", 'f', 1.0},
    {"training.attendance_by_meeting|2", 'f', 0.8},
    {"training.attendance_by_meeting|3", 'f', 1.0},
    {"training.attendance_by_meeting|4", 'f', 1.0},
    {"training.attendance_by_meeting|5", 'f', 0.8},
    {"training.attendance_by_meeting|6", 'f', 1.0},
    {"training.attendance_by_meeting|7", 'f', 1.0},
    {"training.attendance_by_meeting|8", 'f', 0.8},
    {"training.attendance_by_meeting|9", 'f', 1.0},
    {"training.attendance_by_meeting|10", 'f', 0.8},
    //  h1, h2 (h3 on 10-05); v2 is open again since p2 ended on 09-30;
    //  p1 .. p4 started (hours 20, 16, 24, 18), p3 and p4 active; p1 ended
    //  with a job of 24 h after 67 days, p2 completed with 1 contact.
    {"placement.hosts", 'i', 2},
    {"placement.vacancies_open", 'i', 1},
    {"placement.started", 'i', 4},
    {"placement.active", 'i', 2},
    {"placement.ended.paid_job", 'i', 1},
    {"placement.ended.completed", 'i', 1},
    {"placement.ended.continued", 'i', 0},
    {"placement.ended.ended_early", 'i', 0},
    {"placement.paid_jobs", 'i', 1},
    {"placement.paid_jobs_20h", 'i', 1},
    {"placement.paid_job_rate", 'f', 0.5},
    {"placement.median_days_to_paid_job", 'f', 67},
    {"placement.under_2_contacts", 'i', 1},
    {"placement.mean_hours", 'f', 19.5},
    //  Invited s1 .. s7; s3's response (10-02) is after `to`, s6 has none;
    //  grades 8.5, 10, 10, 6.5 (s4 gave none).
    {"satisfaction.all.invited", 'i', 7},
    {"satisfaction.all.responded", 'i', 5},
    {"satisfaction.all.response_rate", 'f', 0.7143},
    {"satisfaction.all.graded", 'i', 4},
    {"satisfaction.all.mean", 'f', 8.75},
    {"satisfaction.all.min", 'f', 6.5},
    {"satisfaction.all.min_count", 'i', 1},
    {"satisfaction.all.max", 'f', 10.0},
    {"satisfaction.all.max_count", 'i', 2},
    {"satisfaction.all.histogram|6.5", 'i', 1},
    {"satisfaction.all.histogram|8.5", 'i', 1},
    {"satisfaction.all.histogram|10.0", 'i', 2},
    {"satisfaction.all.histogram|1.0", 'i', 0},
    {"satisfaction.expert.invited", 'i', 3},
    {"satisfaction.expert.responded", 'i', 2},
    {"satisfaction.expert.response_rate", 'f', 0.6667},
    {"satisfaction.expert.mean", 'f', 9.25},
    {"satisfaction.expert.min", 'f', 8.5},
    {"satisfaction.expert.max_count", 'i', 1},
    //  s8 (06-30) is outside: s4 alone, answered without a grade.
    {"satisfaction.training.invited", 'i', 1},
    {"satisfaction.training.responded", 'i', 1},
    {"satisfaction.training.response_rate", 'f', 1.0},
    {"satisfaction.training.graded", 'i', 0},
    {"satisfaction.training.mean", 'n', 0},
    {"satisfaction.training.min", 'n', 0},
    {"satisfaction.training.min_count", 'n', 0},
    {"satisfaction.placement.mean", 'f', 6.5},
    {"satisfaction.programme.invited", 'i', 2},
    {"satisfaction.programme.response_rate", 'f', 0.5},
    {"satisfaction.programme.max", 'f', 10.0},
    END_FIGS};

//  The same at k = 5: counts of 1-4 candidates and figures over fewer than
//  5 are suppressed; zero, staff, activities, hosts, vacancies and cohorts
//  are not.
static const fig_t s_nijmegen_k5[] = {
    {"intake.registered", 'i', 8},
    {"intake.eligible", 'i', 6},
    {"intake.not_eligible.total", 's', 0},
    {"intake.not_eligible.by_reason.motivated", 's', 0},
    {"intake.not_eligible.by_reason.psych_limitation", 'i', 0},
    {"intake.info_session_attended", 'i', 5},
    {"intake.admitted", 'i', 5},
    {"intake.deferred.total", 's', 0},
    {"intake.deferred.by_reason.in treatment", 's', 0},
    {"intake.declined", 's', 0},
    {"intake.referral.uwv", 's', 0},
    {"intake.referral.other", 'i', 0},
    {"intake.stage.growth", 's', 0},
    {"intake.stagnation.inhibited_in_growth", 'i', 0},
    {"intake.in_motion", 's', 0},
    {"experts.experts", 'i', 2},
    {"experts.paid", 'i', 2},
    {"experts.activities.joint_talk.count", 'i', 2},
    {"experts.setting_share.external", 'f', 0.1026},
    {"experts.clients_reached", 'i', 6},
    {"experts.talks_per_client", 'f', 1.3333},
    {"training.cohorts_started", 'i', 1},
    {"training.cohorts_waiting", 'i', 1},
    {"training.enrolled", 'i', 5},
    {"training.attendance_rate", 'f', 0.92},
    {"training.certificates", 's', 0},
    {"training.goals", 's', 0},
    {"training.smart_share", 's', 0},
    {"training.reflections_signed", 's', 0},
    //  Each number's rate is over k1's 5 members: not fewer than k.
    {"training.attendance_by_meeting|2", 'f', 0.8},
    {"training.attendance_by_meeting|9", 'f', 1.0},
    {"training.attendance_by_meeting|10", 'f', 0.8},
    {"placement.hosts", 'i', 2},
    {"placement.vacancies_open", 'i', 1},
    {"placement.started", 's', 0},
    {"placement.active", 's', 0},
    {"placement.ended.paid_job", 's', 0},
    {"placement.ended.continued", 'i', 0},
    {"placement.paid_job_rate", 's', 0},
    {"placement.median_days_to_paid_job", 's', 0},
    {"placement.mean_hours", 's', 0},
    {"satisfaction.all.invited", 'i', 7},
    {"satisfaction.all.responded", 'i', 5},
    {"satisfaction.all.response_rate", 'f', 0.7143},
    {"satisfaction.all.graded", 's', 0},
    {"satisfaction.all.mean", 's', 0},
    {"satisfaction.all.min", 's', 0},
    {"satisfaction.all.min_count", 's', 0},
    {"satisfaction.all.max_count", 's', 0},
    {"satisfaction.all.histogram|10.0", 's', 0},
    {"satisfaction.all.histogram|9.5", 'i', 0},
    {"satisfaction.expert.response_rate", 's', 0},
    {"satisfaction.training.graded", 'i', 0},
    {"satisfaction.training.mean", 'n', 0},
    END_FIGS};

static void
test_figures (fixture_t *f)
{
    s_set_k (f, 1);
    tk_msg_t *r = s_report (f, "nijmegen", "2017-07-01", "2017-09-30", 0);
    CHECK (tk_int (r, "k") == 1);
    CHECK (streq (tk_str (r, "from"), "2017-07-01")
           && streq (tk_str (r, "to"), "2017-09-30"));
    s_check (r, "offices.nijmegen.", s_nijmegen_k1);
    //  One office asked: the total is that office.
    s_check (r, "total.", s_nijmegen_k1);
    CHECK (tk_get (r, "offices.arnhem") == NULL);
    tk_msg_destroy (&r);

    s_set_k (f, 5);
    r = s_report (f, "nijmegen", "2017-07-01", "2017-09-30", 0);
    CHECK (tk_int (r, "k") == 5);
    s_check (r, "offices.nijmegen.", s_nijmegen_k5);
    tk_msg_destroy (&r);
    //  A request cannot lower k below the operator's ...
    r = s_report (f, "nijmegen", "2017-07-01", "2017-09-30", 1);
    CHECK (tk_int (r, "k") == 5);
    s_check (r, "offices.nijmegen.", s_nijmegen_k5);
    tk_msg_destroy (&r);
    //  ... but may raise it: 6 candidates reached is now too few.
    static const fig_t raised[] = {{"experts.clients_reached", 's', 0},
                                   {"intake.registered", 'i', 8},
                                   {"intake.eligible", 's', 0},
                                   {"training.enrolled", 's', 0},
                                   {"training.attendance_rate", 's', 0},
                                   {"training.attendance_by_meeting|1", 's', 0},
                                   {"training.attendance_by_meeting|10", 's', 0},
                                   END_FIGS};
    r = s_report (f, "nijmegen", "2017-07-01", "2017-09-30", 7);
    CHECK (tk_int (r, "k") == 7);
    s_check (r, "offices.nijmegen.", raised);
    tk_msg_destroy (&r);
}

//  --------------------------------------------------------------------------
//  Period boundaries: one-day periods on the edges of the quarter.

static void
test_boundaries (fixture_t *f)
{
    s_set_k (f, 1);
    //  The day before: nij-00 registered, its info session and talk; s8.
    static const fig_t before[] = {{"intake.registered", 'i', 1},
                                   {"intake.info_session_attended", 'i', 1},
                                   {"intake.admitted", 'i', 0},
                                   {"experts.activities.one_on_one.minutes", 'i', 60},
                                   {"experts.clients_reached", 'i', 1},
                                   {"satisfaction.training.invited", 'i', 1},
                                   {"satisfaction.training.responded", 'i', 0},
                                   {"satisfaction.all.invited", 'i', 1},
                                   END_FIGS};
    tk_msg_t *r = s_report (f, "nijmegen", "2017-06-30", "2017-06-30", 0);
    s_check (r, "offices.nijmegen.", before);
    tk_msg_destroy (&r);
    //  from: nij-01's registration, info session and talk; s1 (answered later).
    static const fig_t first[] = {{"intake.registered", 'i', 1},
                                  {"intake.info_session_attended", 'i', 1},
                                  {"experts.activities.one_on_one.count", 'i', 1},
                                  {"satisfaction.expert.invited", 'i', 1},
                                  {"satisfaction.expert.responded", 'i', 0},
                                  END_FIGS};
    r = s_report (f, "nijmegen", "2017-07-01", "2017-07-01", 0);
    s_check (r, "offices.nijmegen.", first);
    tk_msg_destroy (&r);
    //  to: nij-08 registered and deferred, nij-03's talk, p2 ended, s4.
    static const fig_t last[] = {{"intake.registered", 'i', 1},
                                 {"intake.deferred.total", 'i', 1},
                                 {"intake.deferred.by_reason.waiting list", 'i', 1},
                                 {"experts.activities.one_on_one.minutes", 'i', 30},
                                 {"experts.setting_share.external", 'f', 1.0},
                                 {"placement.ended.completed", 'i', 1},
                                 {"placement.started", 'i', 0},
                                 {"satisfaction.training.responded", 'i', 1},
                                 END_FIGS};
    r = s_report (f, "nijmegen", "2017-09-30", "2017-09-30", 0);
    s_check (r, "offices.nijmegen.", last);
    CHECK (tk_get (r, "offices.nijmegen.intake.deferred.by_reason.in treatment") == NULL);
    tk_msg_destroy (&r);
    //  The day after: nij-09, the talk with nij-08, s9.
    static const fig_t after[] = {{"intake.registered", 'i', 1},
                                  {"experts.clients_reached", 'i', 1},
                                  {"satisfaction.programme.invited", 'i', 1},
                                  {"placement.ended.completed", 'i', 0},
                                  END_FIGS};
    r = s_report (f, "nijmegen", "2017-10-01", "2017-10-01", 0);
    s_check (r, "offices.nijmegen.", after);
    tk_msg_destroy (&r);
}

//  Periods of days around whole months, a year, and nothing at all.
static void
test_spans (fixture_t *f)
{
    //  Edge days around whole months: 06-30 .. 10-01 holds all of the above.
    static const fig_t wide[] = {{"intake.registered", 'i', 10},
                                 {"experts.activities.one_on_one.count", 'i', 8},
                                 {"experts.activities.one_on_one.minutes", 'i', 435},
                                 {"experts.clients_reached", 'i', 8},
                                 {"satisfaction.all.invited", 'i', 9},
                                 {"satisfaction.all.responded", 'i', 6},
                                 END_FIGS};
    tk_msg_t *r = s_report (f, "nijmegen", "2017-06-30", "2017-10-01", 0);
    s_check (r, "offices.nijmegen.", wide);
    tk_msg_destroy (&r);
    //  Whole years, and a period before anything happened.
    static const fig_t year[] = {{"intake.registered", 'i', 10}, END_FIGS};
    r = s_report (f, "nijmegen", "2017-01-01", "2017-12-31", 0);
    s_check (r, "offices.nijmegen.", year);
    tk_msg_destroy (&r);
    static const fig_t empty[] = {{"intake.registered", 'i', 0},
                                  {"experts.experts", 'i', 0},
                                  {"experts.setting_share.own_office", 'n', 0},
                                  {"experts.talks_per_client", 'n', 0},
                                  {"training.attendance_rate", 'n', 0},
                                  {"training.attendance_by_meeting|1", 'n', 0},
                                  {"training.attendance_by_meeting|10", 'n', 0},
                                  {"placement.mean_hours", 'n', 0},
                                  {"satisfaction.all.response_rate", 'n', 0},
                                  END_FIGS};
    r = s_report (f, "nijmegen", "2016-01-01", "2016-12-31", 0);
    s_check (r, "offices.nijmegen.", empty);
    tk_msg_destroy (&r);
}

//  States as of an earlier `to`: 2017-07-31.
static void
test_as_of (fixture_t *f)
{
    //  nij-05's equilibrium (07-15) is its latest by then; nothing in
    //  motion yet; k1 started, k2 not due; p1 and p2 active and holding
    //  v1 and v2, v3 not yet opened; h1 only; e1 and e2; g1 and g3 SMART.
    static const fig_t july[] = {{"intake.stage.equilibrium", 'i', 2},
                                 {"intake.stage.disruption", 'i', 1},
                                 {"intake.stage.reorientation", 'i', 0},
                                 {"intake.stage.growth", 'i', 2},
                                 {"intake.stagnation.fighting_in_disruption", 'i', 0},
                                 {"intake.in_motion", 'i', 0},
                                 {"training.cohorts_waiting", 'i', 0},
                                 {"training.goals", 'i', 4},
                                 {"training.smart_share", 'f', 0.5},
                                 //  Meetings 1 (07-20, all 5) and 2 (07-27,
                                 //  4 of 5) only; 3 on 08-03 is after `to`.
                                 {"training.attendance_by_meeting|1", 'f', 1.0},
                                 {"training.attendance_by_meeting|2", 'f', 0.8},
                                 {"training.attendance_by_meeting|3", 'n', 0},
                                 {"training.attendance_by_meeting|10", 'n', 0},
                                 {"placement.active", 'i', 2},
                                 {"placement.vacancies_open", 'i', 0},
                                 {"placement.hosts", 'i', 1},
                                 {"experts.experts", 'i', 2},
                                 END_FIGS};
    tk_msg_t *r = s_report (f, "nijmegen", "2017-07-01", "2017-07-31", 0);
    s_check (r, "offices.nijmegen.", july);
    tk_msg_destroy (&r);
    //  Between k1's planned (07-15) and actual start (07-20) it waited.
    static const fig_t waiting[] = {{"training.cohorts_waiting", 'i', 1}, END_FIGS};
    r = s_report (f, "nijmegen", "2017-07-16", "2017-07-17", 0);
    s_check (r, "offices.nijmegen.", waiting);
    tk_msg_destroy (&r);
}

//  Every office, and the total over them.
static void
test_offices (fixture_t *f)
{
    tk_msg_t *r = s_report (f, NULL, "2017-07-01", "2017-09-30", 0);
    const msgpack_object *offices = tk_get (r, "offices");
    CHECK (offices && offices->type == MSGPACK_OBJECT_MAP && offices->via.map.size == 2);
    //  In name order.
    CHECK (offices && obj_is_str (&offices->via.map.ptr[0].key, "arnhem"));
    static const fig_t arnhem[] = {{"intake.registered", 'i', 2},
                                   {"intake.referral.client_org", 'i', 1},
                                   {"experts.experts", 'i', 1},
                                   {"experts.fte", 'f', 0.3},
                                   {"experts.volunteer", 'i', 1},
                                   {"experts.setting_share.own_office", 'f', 1.0},
                                   {"experts.talks_per_client", 'f', 1.0},
                                   {"placement.hosts", 'i', 0},
                                   {"training.smart_share", 'n', 0},
                                   END_FIGS};
    s_check (r, "offices.arnhem.", arnhem);
    s_check (r, "offices.nijmegen.", s_nijmegen_k1);
    //  own 495, other 60, external 60 of 615 minutes; 7 clients, 9 talks.
    static const fig_t total[] = {{"intake.registered", 'i', 10},
                                  {"intake.eligible", 'i', 8},
                                  {"intake.admitted", 'i', 6},
                                  {"intake.referral.uwv", 'i', 4},
                                  {"intake.referral.other", 'i', 1},
                                  {"experts.experts", 'i', 3},
                                  {"experts.fte", 'f', 1.3},
                                  {"experts.volunteer", 'i', 1},
                                  {"experts.activities.one_on_one.minutes", 'i', 345},
                                  {"experts.setting_share.own_office", 'f', 0.8049},
                                  {"experts.setting_share.other_office", 'f', 0.0976},
                                  {"experts.clients_reached", 'i', 7},
                                  {"experts.talks_per_client", 'f', 1.2857},
                                  {"placement.started", 'i', 4},
                                  {"satisfaction.all.mean", 'f', 8.75},
                                  END_FIGS};
    s_check (r, "total.", total);
    tk_msg_destroy (&r);
    //  An office nobody has named yet: all zero.
    r = s_report (f, "tiel", "2017-07-01", "2017-09-30", 0);
    static const fig_t none[] = {{"intake.registered", 'i', 0}, END_FIGS};
    s_check (r, "offices.tiel.", none);
    tk_msg_destroy (&r);
}

static void
test_errors (fixture_t *f)
{
    tk_msg_t *r = s_send (f, "invalid_argument",
                          "{\"cmd\":\"report.summary\",\"from\":\"2017-09-30\","
                          "\"to\":\"2017-07-01\"}");
    CHECK (streq (tk_str (r, "error.field"), "to"));
    tk_msg_destroy (&r);
    const char *bad[] = {
        "\"from\":\"2017-02-30\",\"to\":\"2017-07-01\"",
        "\"to\":\"2017-07-01\"",
        "\"from\":\"2017-07-01\",\"to\":\"2017-07-01\",\"k\":0",
        "\"from\":\"2017-07-01\",\"to\":\"2017-07-01\",\"k\":2.5",
        "\"from\":\"2017-07-01\",\"to\":\"2017-07-01\",\"kk\":2",
        "\"from\":\"2017-07-01\",\"to\":\"2017-07-01\",\"office\":\"a b\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = s_send (f, "invalid_argument", "{\"cmd\":\"report.summary\",%s}", bad[i]);
        tk_msg_destroy (&r);
    }
}

int
main (void)
{
    fixture_t f;
    s_setup (&f);
    s_history (&f);
    test_figures (&f);
    test_boundaries (&f);
    test_spans (&f);
    test_as_of (&f);
    test_offices (&f);
    test_errors (&f);
    s_teardown (&f);
    return tk_done ("test_reporting");
}
