/*  chaos_steps2 - the flows of placement (host, vacancy, a placement from
    proposal to its end), feedback (a survey answered once, a signal
    resolved once) and reporting (a summary asked for).  */
#include "chaos_steps.h"

static const char *const s_outcomes[] = {"paid_job", "completed", "continued",
                                         "ended_early"};
static const char *const s_abouts[] = {"expert", "training", "placement", "programme"};

enum {
    P_HOST,
    P_VACANCY,
    P_PROPOSE,
    P_SIGN_1,
    P_SIGN_2,
    P_START,
    P_FIX_HOST,
    P_CONTACT_1,
    P_CONTACT_2,
    P_EXTEND,
    P_END,
    P_DONE
};

static const char *
s_requirements (bool insured)
{
    return insured
               ? "{\"one_year\":true,\"hours_12_24\":true,\"function_profile\":true,"
                 "\"onboarding\":true,\"fixed_supervisor\":true,\"buddy\":true,"
                 "\"allows_training\":true,\"insured\":true,\"paid_job_effort\":true}"
               : "{\"one_year\":true,\"hours_12_24\":true,\"function_profile\":true,"
                 "\"onboarding\":true,\"fixed_supervisor\":true,\"buddy\":true,"
                 "\"allows_training\":true,\"insured\":false,\"paid_job_effort\":true}";
}

static char *
s_end (work_t *w, flow_t *f)
{
    f->choice = prng_below (&w->prng, 4);
    char paid[128] = "";
    if (f->choice == 0)
        snprintf (paid, sizeof paid,
                  ",\"paid_job\":{\"employer_kind\":\"host\",\"hours\":%d,"
                  "\"contract\":\"temporary\"}",
                  12 + prng_below (&w->prng, 20));
    return steps_cmd (f, CH_PLACEMENT, "placement.end",
                      "\"id\":\"p%d\",\"date\":\"2020-09-01\",\"outcome\":\"%s\"%s", f->n,
                      s_outcomes[f->choice], paid);
}

static char *
s_placement_early (work_t *w, flow_t *f)
{
    switch (f->step) {
    case P_HOST:
        f->variant = prng_chance (&w->prng, 15); //  not insured: the start is refused
        return steps_cmd (
            f, CH_PLACEMENT, "host.register",
            "\"id\":\"h%d\",\"name\":\"Kwekerij %d\",\"sector\":\"groen\","
            "\"client_org\":false,\"requirements\":%s,\"date\":\"2020-01-15\"",
            f->n, f->n, s_requirements (!f->variant));
    case P_VACANCY:
        return steps_cmd (f, CH_PLACEMENT, "vacancy.open",
                          "\"id\":\"v%d\",\"host\":\"h%d\",\"function\":\"gardener\","
                          "\"hours_min\":16,\"hours_max\":24,\"date\":\"2020-01-20\"",
                          f->n, f->n);
    case P_PROPOSE:
        if (!work_take_candidate (w, f, USE_PLACEMENT))
            return NULL;
        return steps_cmd (f, CH_PLACEMENT, "placement.propose",
                          "\"id\":\"p%d\",\"candidate\":\"%s\",\"vacancy\":\"v%d\","
                          "\"hours_per_week\":20,\"start\":\"2020-03-02\",\"supervisor\":"
                          "\"Sam de Wit\",\"buddy\":\"Bo\",\"date\":\"2020-02-01\"",
                          f->n, f->ids[0], f->n);
    default:
        return steps_cmd (f, CH_PLACEMENT, "placement.sign",
                          "\"id\":\"p%d\",\"agreement\":\"%s\",\"date\":\"2020-02-1%d\"",
                          f->n, f->step == P_SIGN_1 ? "candidate_host" : "programme_host",
                          f->step);
    }
}

static char *
s_placement_command (work_t *w, flow_t *f)
{
    if (f->step == P_CONTACT_2 && !prng_chance (&w->prng, 70))
        f->step = P_EXTEND;
    if (f->step == P_EXTEND && !prng_chance (&w->prng, 30))
        f->step = P_END;
    switch (f->step) {
    case P_START:
        f->expect = f->variant && !f->flag ? "failed_precondition" : NULL;
        return steps_cmd (f, CH_PLACEMENT, "placement.start",
                          "\"id\":\"p%d\",\"date\":\"2020-03-02\"", f->n);
    case P_FIX_HOST:
        return steps_cmd (f, CH_PLACEMENT, "host.update",
                          "\"id\":\"h%d\",\"requirements\":%s,\"date\":\"2020-02-20\"",
                          f->n, s_requirements (true));
    case P_CONTACT_1:
    case P_CONTACT_2:
        return steps_cmd (f, CH_PLACEMENT, "placement.contact",
                          "\"id\":\"p%d\",\"with\":\"%s\",\"date\":\"2020-0%d-01\"", f->n,
                          f->step == P_CONTACT_1 ? "trainer" : "coordinator",
                          f->step == P_CONTACT_1 ? 4 : 5);
    case P_EXTEND:
        return steps_cmd (
            f, CH_PLACEMENT, "placement.extend",
            "\"id\":\"p%d\",\"until\":\"2021-06-01\",\"date\":\"2020-06-01\"", f->n);
    case P_END:
        return s_end (w, f);
    case P_DONE:
        return NULL;
    default:
        return s_placement_early (w, f);
    }
}

static int
s_placement_more (work_t *w, flow_t *f, tk_msg_t *reply, entity_t *p)
{
    int step = f->step++;
    if (step == P_CONTACT_1 || step == P_CONTACT_2) {
        work_expect (w, CH_PLACEMENT, "placement.contacted|%s|%s", p->id,
                     step == P_CONTACT_1 ? "trainer" : "coordinator");
        p->a++;
        return tk_int (reply, "contacts") == p->a ? 0 : -1;
    }
    if (step == P_EXTEND)
        work_expect (w, CH_PLACEMENT, "placement.extended|%s", p->id);
    else if (step == P_END) {
        work_expect (w, CH_PLACEMENT, "placement.ended|%s", p->id);
        work_count (w, F_ENDED, 1);
        if (f->choice == 0) {
            work_expect (w, CH_PLACEMENT, "paid_job.recorded|%s", p->id);
            work_count (w, F_PAID_JOBS, 1);
        }
        snprintf (p->status, sizeof p->status, "ended");
    }
    return 0;
}

static int
s_placement_ok (work_t *w, flow_t *f, tk_msg_t *reply)
{
    char id[24];
    snprintf (id, sizeof id, "p%d", f->n);
    //  A placement flow that found no candidate has a host and a vacancy only.
    entity_t *p = f->step >= P_PROPOSE
                      ? work_entity (w, "placement", id, ch_offices[f->office])
                      : NULL;
    switch (f->step) {
    case P_HOST:
        work_expect (w, CH_PLACEMENT, "host.registered|h%d", f->n);
        work_count (w, F_HOSTS, 1);
        f->step++;
        return tk_get (reply, "meets_requirements")
                       && tk_get (reply, "meets_requirements")->via.boolean == !f->variant
                   ? 0
                   : -1;
    case P_VACANCY:
        work_expect (w, CH_PLACEMENT, "vacancy.opened|v%d", f->n);
        break;
    case P_PROPOSE:
        work_expect (w, CH_PLACEMENT, "placement.proposed|%s", id);
        snprintf (p->status, sizeof p->status, "proposed");
        break;
    case P_SIGN_1:
    case P_SIGN_2:
        work_expect (w, CH_PLACEMENT, "placement.signed|%s|%s", id,
                     f->step == P_SIGN_1 ? "candidate_host" : "programme_host");
        break;
    case P_START:
        work_expect (w, CH_PLACEMENT, "placement.started|%s", id);
        work_count (w, F_STARTED, 1);
        snprintf (p->status, sizeof p->status, "started");
        f->step = P_CONTACT_1;
        return 0;
    case P_FIX_HOST:
        work_expect (w, CH_PLACEMENT, "host.updated|h%d", f->n);
        f->step = P_START;
        return 0;
    default:
        return s_placement_more (w, f, reply, p);
    }
    f->step++;
    return 0;
}

void
steps2_refused (flow_t *f)
{
    //  The start of a placement at a host that is not insured was refused:
    //  the host arranges it, and the start is tried again.
    f->flag = true;
    f->step = f->step == P_START ? P_FIX_HOST : f->step + 1;
}

//  --------------------------------------------------------------------------
//  Feedback: a survey invited and answered (a second answer is a
//  conflict); a signal reported and resolved (a second resolution is
//  refused). Reporting: one summary.

static char *
s_survey_command (work_t *w, flow_t *f)
{
    if (f->step == 0) {
        f->variant = prng_below (&w->prng, 4);
        return steps_cmd (f, CH_FEEDBACK, "survey.invite",
                          "\"id\":\"s%d\",\"candidate\":\"%s\",\"about\":\"%s\","
                          "\"date\":\"2020-06-01\"",
                          f->n, f->ids[0], s_abouts[f->variant]);
    }
    if (f->step > 2)
        return NULL;
    f->expect = f->step == 2 ? "conflict" : NULL;
    char grade[32] = "";
    if (prng_chance (&w->prng, 80))
        snprintf (grade, sizeof grade, ",\"grade\":%.1f",
                  (2 + prng_below (&w->prng, 19)) / 2.0);
    return steps_cmd (f, CH_FEEDBACK, "survey.respond",
                      "\"survey\":\"s%d\",\"date\":\"2020-06-08\"%s", f->n, grade);
}

static char *
s_signal_command (flow_t *f)
{
    if (f->step == 0)
        return steps_cmd (f, CH_FEEDBACK, "signal.report",
                          "\"id\":\"sig%d\",\"category\":\"registration\",\"text\":"
                          "\"Dubbel vastgelegd\",\"date\":\"2020-03-02\"",
                          f->n);
    if (f->step > 2)
        return NULL;
    f->expect = f->step == 2 ? "failed_precondition" : NULL;
    return steps_cmd (f, CH_FEEDBACK, "signal.resolve",
                      "\"id\":\"sig%d\",\"date\":\"2020-03-09\"", f->n);
}

static int
s_feedback_ok (work_t *w, flow_t *f)
{
    bool survey = f->kind == K_SURVEY;
    char id[24];
    snprintf (id, sizeof id, "%s%d", survey ? "s" : "sig", f->n);
    entity_t *e =
        work_entity (w, survey ? "survey" : "signal", id, ch_offices[f->office]);
    static const char *const events[2][2] = {{"signal.reported", "signal.resolved"},
                                             {"survey.invited", "survey.responded"}};
    static const char *const states[2][2] = {{"open", "resolved"},
                                             {"invited", "responded"}};
    work_expect (w, CH_FEEDBACK, "%s|%s", events[survey][f->step], id);
    snprintf (e->status, sizeof e->status, "%s", states[survey][f->step]);
    if (survey)
        work_count (w, f->step ? F_RESPONDED : F_INVITED, 1);
    f->step++;
    return 0;
}

char *
steps2_command (work_t *self, flow_t *f)
{
    switch (f->kind) {
    case K_PLACE:
        return s_placement_command (self, f);
    case K_SURVEY:
        return s_survey_command (self, f);
    case K_SIGNAL:
        return s_signal_command (f);
    default:
        if (f->step > 0)
            return NULL;
        f->service = CH_REPORTING;
        snprintf (f->cmd, sizeof f->cmd, "report.summary");
        return strdup ("{\"cmd\":\"report.summary\",\"from\":\"2020-01-01\",\"to\":"
                       "\"2020-12-31\",\"k\":1}");
    }
}

int
steps2_ok (work_t *self, flow_t *f, tk_msg_t *reply)
{
    switch (f->kind) {
    case K_PLACE:
        return s_placement_ok (self, f, reply);
    case K_SURVEY:
    case K_SIGNAL:
        return s_feedback_ok (self, f);
    default:
        f->step++;
        return tk_get (reply, "total") ? 0 : -1;
    }
}
