/*  intake - the intake service's definition: its dispatch table, the
    fields of each command, its tables and its part of an erasure.  */
#include "intake.h"

#include "handlers.h"
#include "contact.h"
#include "page.h"
#include "retention.h"
#include "rids.h"

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
    REQ ("date", F_PAST),
    END};
static const field_t s_dated_fields[] = {REQ ("id", F_ID), REQ ("date", F_PAST), END};
static const field_t s_defer_fields[] = {REQ ("id", F_ID), REQ ("reason", F_LABEL),
                                         REQ ("until", F_DATE), REQ ("date", F_PAST),
                                         END};
static const field_t s_reason_fields[] = {REQ ("id", F_ID), REQ ("reason", F_LABEL),
                                          REQ ("date", F_PAST), END};
static const field_t s_stage_fields[] = {
    REQ ("id", F_ID), ENUM ("stage", true, candidate_stages),
    ENUM ("stagnation", false, candidate_stagnations), REQ ("date", F_PAST), END};
static const field_t s_id_fields[] = {REQ ("id", F_ID), END};
static const field_t s_list_fields[] = {ENUM ("status", false, intake_statuses),
                                        ENUM ("stage", false, candidate_stages),
                                        OPT ("q", F_TEXT), PAGE_FIELDS, END};
static const field_t s_criteria_some_fields[] = {
    OPT ("psych_limitation", F_BOOL), OPT ("motivated", F_BOOL),
    OPT ("willing_to_train", F_BOOL), OPT ("arranges_benefits", F_BOOL),
    OPT ("seeks_paid_work", F_BOOL),  END};
static const field_t s_update_fields[] = {
    REQ ("id", F_ID),
    {"birth_year", F_INT, false, 1900, 2199, 0, NULL, NULL},
    ENUM ("referral", false, candidate_referrals),
    ENUM ("benefit", false, candidate_benefits),
    ENUM ("treatment", false, candidate_treatments),
    MAP ("criteria", false, s_criteria_some_fields),
    MAP ("wishes", false, s_wishes_fields),
    MAP ("contact", false, s_contact_fields),
    REQ ("date", F_PAST),
    END};
static const field_t s_consent_change_fields[] = {
    REQ ("id", F_ID), REQ ("evaluation_contact", F_BOOL), REQ ("date", F_PAST), END};

//  The subject index beside the candidate records: a registration's commit
//  then changes three B-trees, not four (finding 12).
static const store_table_t *const s_tables[] = {intake_candidates, intake_registrations,
                                                intake_contacts,   intake_ended,
                                                intake_by_office,  NULL};

//  --------------------------------------------------------------------------

#define S_COORD R_COORDINATOR

static const command_t s_commands[] = {
    {"candidate.register", s_register_fields, candidate_register, 0, S_COORD, NULL},
    {"candidate.info_session", s_dated_fields, candidate_info_session, 0, S_COORD, NULL},
    {"candidate.admit", s_dated_fields, candidate_admit, 0, S_COORD, NULL},
    {"candidate.defer", s_defer_fields, candidate_defer, 0, S_COORD, NULL},
    {"candidate.decline", s_reason_fields, candidate_decline, 0, S_COORD, NULL},
    {"candidate.withdraw", s_reason_fields, candidate_withdraw, 0, S_COORD, NULL},
    {"candidate.assess_stage", s_stage_fields, candidate_assess_stage, 0, S_COORD, NULL},
    {"candidate.erase", s_id_fields, candidate_erase, CMD_ERASES, S_COORD, NULL},
    {"candidate.erase_complete", s_id_fields, candidate_erase_complete,
     CMD_ERASES | CMD_ANY_OFFICE | CMD_NO_RECORD, S_COORD, NULL},
    {"candidate.update", s_update_fields, candidate_update, 0, S_COORD, NULL},
    {"candidate.consent", s_consent_change_fields, candidate_consent, 0, S_COORD, NULL},
    {"candidate.get", s_id_fields, candidate_get, CMD_QUERY, S_COORD, NULL},
    {"candidate.list", s_list_fields, candidate_list, CMD_QUERY, S_COORD, NULL},
    {"candidate.export", s_id_fields, candidate_export, CMD_QUERY, S_COORD, NULL},
    {NULL, NULL, NULL, 0, 0, NULL}};

//  --------------------------------------------------------------------------
//  When the store opens: contact details kept in clear by an older version
//  are encrypted, every candidate is in its office's list, and the search
//  learns every candidate's words.

typedef struct {
    store_tx_t *tx;
    vault_t *vault;
    intake_state_t *state;
    zlistx_t *plain;   //  ids whose contact details are not encrypted yet
    size_t unreadable; //  contact details no key of this vault opens
} open_t;

static int
s_open_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    open_t *o = (open_t *) arg;
    candidate_t c;
    if (!rids_record_key (key, klen) || candidate_unpack (&c, val, vlen) != 0)
        return 0;
    char okey[2 * CODEC_ID_MAX + 2];
    if (store_put (o->tx, intake_by_office, okey,
                   intake_office_key (okey, c.office, c.id), "", 0))
        return -1;
    zchunk_t *packed = NULL;
    //  A vault not restored with the store: the service runs, and says so.
    if (contact_read (o->tx, o->vault, c.id, &packed)) {
        o->unreadable++;
        return store_failed (o->tx) ? -1 : 0;
    }
    if (packed) {
        search_put (o->state->search, c.id, zchunk_data (packed), zchunk_size (packed));
        if (!contact_sealed (o->tx, c.id))
            zlistx_add_end (o->plain, c.id);
    }
    contact_wipe (&packed);
    return 0;
}

static int
s_prepare (store_tx_t *tx, vault_t *vault, void *state)
{
    open_t o = {tx, vault, (intake_state_t *) state, zlistx_new (), 0};
    zlistx_set_destructor (o.plain, (zlistx_destructor_fn *) zstr_free);
    zlistx_set_duplicator (o.plain, (zlistx_duplicator_fn *) strdup);
    int rc = store_scan (tx, intake_candidates, NULL, 0, NULL, 0, s_open_each, &o);
    for (const char *id = (const char *) zlistx_first (o.plain); rc == 0 && id;
         id = (const char *) zlistx_next (o.plain))
        rc = contact_seal (tx, vault, id);
    if (rc == 0 && zlistx_size (o.plain))
        zsys_info ("event=intake.contacts_sealed count=%zu", zlistx_size (o.plain));
    if (o.unreadable)
        zsys_error ("event=intake.contacts_unreadable count=%zu reason=\"no key of this "
                    "vault opens them: was the vault restored with the store?\"",
                    o.unreadable);
    zlistx_destroy (&o.plain);
    return rc;
}

//  The definition and what intake keeps in memory, handed to handlers.
typedef struct {
    service_def_t def; //  first, so the def's address is the whole's
    intake_state_t state;
} intake_t;

service_def_t *
intake_service_new (void)
{
    intake_t *self = (intake_t *) zmalloc (sizeof (intake_t));
    self->state.search = search_new ();
    service_def_t def = {.service = "intake",
                         .tables = s_tables,
                         .commands = s_commands,
                         .erase = intake_erase,
                         .erase_drop = intake_erase_drop,
                         .prepare = s_prepare,
                         .state = &self->state,
                         .due = retention_due,
                         .index = intake_candidates,
                         .subject = "id"};
    self->def = def;
    return &self->def;
}

void
intake_service_destroy (service_def_t **self_p)
{
    if (self_p && *self_p) {
        intake_t *self = (intake_t *) *self_p;
        search_destroy (&self->state.search);
        free (self);
        *self_p = NULL;
    }
}
