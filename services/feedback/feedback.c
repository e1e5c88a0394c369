/*  feedback - the feedback service's commands, tables and streams.  */
#include "feedback.h"

#include "handlers.h"

// clang-format off
#define END                  {NULL, 0, false, 0, 0, 0, NULL, NULL}
#define REQ(n, t)            {n, t, true, 0, 0, 0, NULL, NULL}
#define OPT(n, t)            {n, t, false, 0, 0, 0, NULL, NULL}
#define ENUM(n, req, values) {n, F_ENUM, req, 0, 0, 0, values, NULL}
// clang-format on

static const field_t s_invite_fields[] = {OPT ("id", F_ID), REQ ("candidate", F_ID),
                                          ENUM ("about", true, survey_abouts),
                                          REQ ("date", F_DATE), END};
static const field_t s_respond_fields[] = {
    REQ ("survey", F_ID),
    REQ ("date", F_DATE),
    OPT ("experience", F_TEXT),
    OPT ("yield", F_TEXT),
    {"grade", F_NUM, false, 1.0, 10.0, 0.5, NULL, NULL},
    END};
static const field_t s_survey_list_fields[] = {
    OPT ("candidate", F_ID), ENUM ("about", false, survey_abouts),
    ENUM ("status", false, survey_statuses), END};
static const field_t s_report_fields[] = {OPT ("id", F_ID), REQ ("category", F_LABEL),
                                          REQ ("text", F_TEXT), REQ ("date", F_DATE),
                                          END};
static const field_t s_resolve_fields[] = {REQ ("id", F_ID), REQ ("date", F_DATE), END};
static const field_t s_signal_list_fields[] = {ENUM ("status", false, signal_statuses),
                                               END};
static const field_t s_id_fields[] = {REQ ("id", F_ID), END};

//  Who may send what: coordinators invite and read; trainers and experts
//  raise signals too.
#define C  R_COORDINATOR
#define TE (R_TRAINER | R_EXPERT)
#define Q  CMD_QUERY

static const command_t s_commands[] = {
    {"survey.invite", s_invite_fields, survey_invite, 0, C},
    {"survey.respond", s_respond_fields, survey_respond, 0, C},
    {"survey.get", s_id_fields, survey_get, Q, C},
    {"survey.list", s_survey_list_fields, survey_list, Q, C},
    {"signal.report", s_report_fields, signal_report, 0, C | TE},
    {"signal.resolve", s_resolve_fields, signal_resolve, 0, C},
    {"signal.list", s_signal_list_fields, signal_list, Q, C},
    {NULL, NULL, NULL, 0, 0}};

static const store_table_t *const s_tables[] = {fb_candidates, fb_surveys,
                                                fb_by_candidate, fb_signals, NULL};
static const char *const s_follows[] = {"intake", NULL};

static const service_def_t s_feedback = {.service = "feedback",
                                         .tables = s_tables,
                                         .commands = s_commands,
                                         .follows = s_follows,
                                         .apply = feedback_learn,
                                         .erase = feedback_erase};

const service_def_t *
feedback_service (void)
{
    return &s_feedback;
}
