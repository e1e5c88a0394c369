/*  intake - the intake service's definition: its dispatch table, the
    fields of each command, its tables and its part of an erasure.  */
#include "intake.h"

#include "handlers.h"
#include "retention.h"

#define END                                                                              \
    {                                                                                    \
        NULL, 0, false, 0, 0, 0, NULL, NULL                                              \
    }
#define REQ(n, t)                                                                        \
    {                                                                                    \
        n, t, true, 0, 0, 0, NULL, NULL                                                  \
    }
#define OPT(n, t)                                                                        \
    {                                                                                    \
        n, t, false, 0, 0, 0, NULL, NULL                                                 \
    }
#define ENUM(n, req, values)                                                             \
    {                                                                                    \
        n, F_ENUM, req, 0, 0, 0, values, NULL                                            \
    }
#define MAP(n, req, fields)                                                              \
    {                                                                                    \
        n, F_MAP, req, 0, 0, 0, NULL, fields                                             \
    }

static const field_t s_criteria_fields[] = {
    REQ ("psych_limitation", F_BOOL), REQ ("motivated", F_BOOL),
    REQ ("willing_to_train", F_BOOL), REQ ("arranges_benefits", F_BOOL),
    REQ ("seeks_paid_work", F_BOOL),  END};
static const field_t s_consent_fields[] = {REQ ("processing", F_BOOL),
                                           REQ ("evaluation_contact", F_BOOL), END};
static const field_t s_wishes_fields[] = {OPT ("function", F_LABEL),
                                          OPT ("sector", F_LABEL), END};
static const field_t s_contact_fields[] = {{"name", F_TEXT, false, 0, 0, 0, NULL, NULL},
                                           {"email", F_TEXT, false, 0, 0, 0, NULL, NULL},
                                           {"phone", F_TEXT, false, 0, 0, 0, NULL, NULL},
                                           END};

static const field_t s_register_fields[] = {
    OPT ("id", F_ID),
    {"birth_year", F_INT, true, 1900, 2199, 0, NULL, NULL},
    ENUM ("referral", true, candidate_referrals),
    ENUM ("benefit", true, candidate_benefits),
    ENUM ("treatment", true, candidate_treatments),
    MAP ("criteria", true, s_criteria_fields),
    MAP ("consent", true, s_consent_fields),
    MAP ("wishes", false, s_wishes_fields),
    MAP ("contact", false, s_contact_fields),
    REQ ("date", F_DATE),
    END};
static const field_t s_dated_fields[] = {REQ ("id", F_ID), REQ ("date", F_DATE), END};
static const field_t s_defer_fields[] = {REQ ("id", F_ID), REQ ("reason", F_LABEL),
                                         REQ ("until", F_DATE), REQ ("date", F_DATE),
                                         END};
static const field_t s_reason_fields[] = {REQ ("id", F_ID), REQ ("reason", F_LABEL),
                                          REQ ("date", F_DATE), END};
static const field_t s_stage_fields[] = {
    REQ ("id", F_ID), ENUM ("stage", true, candidate_stages),
    ENUM ("stagnation", false, candidate_stagnations), REQ ("date", F_DATE), END};
static const field_t s_id_fields[] = {REQ ("id", F_ID), END};
static const field_t s_list_fields[] = {ENUM ("status", false, intake_statuses), END};

//  The subject index beside the candidate records: a registration's commit
//  then changes three B-trees, not four (finding 12).
static const store_table_t *const s_tables[] = {intake_candidates, intake_registrations,
                                                intake_contacts, intake_ended, NULL};

//  --------------------------------------------------------------------------

#define S_COORD R_COORDINATOR

static const command_t s_commands[] = {
    {"candidate.register", s_register_fields, candidate_register, 0, S_COORD},
    {"candidate.info_session", s_dated_fields, candidate_info_session, 0, S_COORD},
    {"candidate.admit", s_dated_fields, candidate_admit, 0, S_COORD},
    {"candidate.defer", s_defer_fields, candidate_defer, 0, S_COORD},
    {"candidate.decline", s_reason_fields, candidate_decline, 0, S_COORD},
    {"candidate.withdraw", s_reason_fields, candidate_withdraw, 0, S_COORD},
    {"candidate.assess_stage", s_stage_fields, candidate_assess_stage, 0, S_COORD},
    {"candidate.erase", s_id_fields, candidate_erase, CMD_ERASES, S_COORD},
    {"candidate.erase_complete", s_id_fields, candidate_erase_complete,
     CMD_ERASES | CMD_ANY_OFFICE | CMD_NO_RECORD, S_COORD},
    {"candidate.get", s_id_fields, candidate_get, CMD_QUERY, S_COORD},
    {"candidate.list", s_list_fields, candidate_list, CMD_QUERY, S_COORD},
    {NULL, NULL, NULL, 0, 0}};

static const service_def_t s_intake = {.service = "intake",
                                       .tables = s_tables,
                                       .commands = s_commands,
                                       .erase = intake_erase,
                                       .erase_drop = intake_erase_drop,
                                       .due = retention_due,
                                       .index = intake_candidates,
                                       .subject = "id"};

const service_def_t *
intake_service (void)
{
    return &s_intake;
}
