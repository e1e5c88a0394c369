/*  placement - the placement service: its commands, their fields and its
    tables. The rules are in the entity files (handlers.h).  */
#include "placement.h"

#include "handlers.h"

// clang-format off
#define END {NULL, 0, false, 0, 0, 0, NULL, NULL}
#define REQ(n, t) {n, t, true, 0, 0, 0, NULL, NULL}
#define OPT(n, t) {n, t, false, 0, 0, 0, NULL, NULL}
#define INT(n, req, lo, hi) {n, F_INT, req, lo, hi, 0, NULL, NULL}
#define ENUM(n, req, values) {n, F_ENUM, req, 0, 0, 0, values, NULL}
#define MAP(n, req, fields) {n, F_MAP, req, 0, 0, 0, NULL, fields}
// clang-format on

static const field_t s_requirements_fields[] = {
    REQ ("one_year", F_BOOL),         REQ ("hours_12_24", F_BOOL),
    REQ ("function_profile", F_BOOL), REQ ("onboarding", F_BOOL),
    REQ ("fixed_supervisor", F_BOOL), REQ ("buddy", F_BOOL),
    REQ ("allows_training", F_BOOL),  REQ ("insured", F_BOOL),
    REQ ("paid_job_effort", F_BOOL),  END};

static const field_t s_host_register_fields[] = {
    OPT ("id", F_ID),
    REQ ("name", F_TEXT),
    REQ ("sector", F_LABEL),
    REQ ("client_org", F_BOOL),
    MAP ("requirements", true, s_requirements_fields),
    OPT ("date", F_DATE),
    END};
static const field_t s_host_update_fields[] = {
    REQ ("id", F_ID), MAP ("requirements", true, s_requirements_fields),
    OPT ("date", F_DATE), END};
static const field_t s_vacancy_open_fields[] = {
    OPT ("id", F_ID),
    REQ ("host", F_ID),
    REQ ("function", F_LABEL),
    INT ("hours_min", true, PL_HOURS_MIN, PL_HOURS_MAX),
    INT ("hours_max", true, PL_HOURS_MIN, PL_HOURS_MAX),
    OPT ("date", F_DATE),
    END};

static const field_t s_propose_fields[] = {
    OPT ("id", F_ID),
    REQ ("candidate", F_ID),
    REQ ("vacancy", F_ID),
    INT ("hours_per_week", true, PL_HOURS_MIN, PL_HOURS_MAX),
    REQ ("start", F_DATE),
    OPT ("supervisor", F_TEXT),
    OPT ("buddy", F_TEXT),
    OPT ("date", F_DATE),
    END};
static const field_t s_name_fields[] = {REQ ("id", F_ID), OPT ("supervisor", F_TEXT),
                                        OPT ("buddy", F_TEXT), OPT ("date", F_DATE), END};
static const field_t s_sign_fields[] = {REQ ("id", F_ID),
                                        ENUM ("agreement", true, placement_agreements),
                                        REQ ("date", F_DATE), END};
static const field_t s_dated_fields[] = {REQ ("id", F_ID), REQ ("date", F_DATE), END};
static const field_t s_contact_fields[] = {REQ ("id", F_ID),
                                           ENUM ("with", true, placement_contact_with),
                                           REQ ("date", F_DATE), END};
static const field_t s_extend_fields[] = {REQ ("id", F_ID), REQ ("until", F_DATE),
                                          OPT ("date", F_DATE), END};
static const field_t s_paid_job_fields[] = {
    ENUM ("employer_kind", true, paid_job_employer_kinds), INT ("hours", true, 1, 40),
    ENUM ("contract", true, paid_job_contracts), END};
static const field_t s_end_fields[] = {REQ ("id", F_ID), REQ ("date", F_DATE),
                                       ENUM ("outcome", true, placement_outcomes),
                                       MAP ("paid_job", false, s_paid_job_fields), END};
static const field_t s_id_fields[] = {REQ ("id", F_ID), END};
static const field_t s_match_fields[] = {
    REQ ("candidate", F_ID), INT ("hours", false, PL_HOURS_MIN, PL_HOURS_MAX), END};

static const store_table_t *const s_tables[] = {
    pl_candidates, pl_hosts,     pl_vacancies, pl_placements, pl_by_candidate,
    pl_contacts,   pl_paid_jobs, pl_originals, NULL};
static const char *const s_follows[] = {"intake", NULL};

//  Who may send what: coordinators run the path to work, a host's
//  supervisor signs, records contacts and keeps the host's details.
#define C  R_COORDINATOR
#define HS R_HOST_SUPERVISOR
#define Q  CMD_QUERY

static const command_t s_commands[] = {
    {"host.register", s_host_register_fields, host_register, 0, C},
    {"host.update", s_host_update_fields, host_update, 0, C | HS},
    {"vacancy.open", s_vacancy_open_fields, vacancy_open, 0, C},
    {"placement.propose", s_propose_fields, placement_propose, 0, C},
    {"placement.name", s_name_fields, placement_name, 0, C},
    {"placement.sign", s_sign_fields, placement_sign, 0, C | HS},
    {"placement.start", s_dated_fields, placement_start, 0, C},
    {"placement.contact", s_contact_fields, placement_contact, 0, C | HS},
    {"placement.extend", s_extend_fields, placement_extend, 0, C},
    {"placement.end", s_end_fields, placement_end, 0, C},
    {"placement.get", s_id_fields, placement_get, Q, C | HS},
    {"placement.match", s_match_fields, placement_match, Q, C},
    {NULL, NULL, NULL, 0, 0}};

static const service_def_t s_placement = {.service = "placement",
                                          .tables = s_tables,
                                          .commands = s_commands,
                                          .follows = s_follows,
                                          .apply = placement_learn,
                                          .erase = placement_erase};

const service_def_t *
placement_service (void)
{
    return &s_placement;
}
