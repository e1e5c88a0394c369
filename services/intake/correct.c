/*  correct - corrections of what a candidate's registration recorded (GDPR
    art. 16) and a change of their consent to evaluation contact. The
    events carry codes only: what changed, and what it was, so that the
    figures counted at the registration can be corrected too.  */
#include "handlers.h"

#include "retention.h"

static void
s_codes (kv_t *f, const candidate_t *c)
{
    kv_int (f, "birth_year", c->birth_year);
    kv_str (f, "referral", candidate_referrals[c->referral]);
    kv_str (f, "benefit", candidate_benefits[c->benefit]);
    kv_str (f, "treatment", candidate_treatments[c->treatment]);
    kv_bool (f, "eligible", c->eligible);
    candidate_reasons (c, f, "reasons");
}

//  The fields of the body that are there, over c.
static void
s_apply (const msgpack_object *body, candidate_t *c)
{
    if (map_has (body, "birth_year"))
        c->birth_year = (int) map_int (body, "birth_year", c->birth_year);
    int v;
    if ((v = map_enum (body, "referral", candidate_referrals)) >= 0)
        c->referral = v;
    if ((v = map_enum (body, "benefit", candidate_benefits)) >= 0)
        c->benefit = v;
    if ((v = map_enum (body, "treatment", candidate_treatments)) >= 0)
        c->treatment = v;
    const msgpack_object *criteria = obj_get (body, "criteria");
    for (int i = 0; criteria && i < CANDIDATE_CRITERIA; i++)
        c->criteria[i] = map_bool (criteria, candidate_criteria[i], c->criteria[i]);
    const msgpack_object *wishes = obj_get (body, "wishes");
    if (map_has (wishes, "function"))
        map_str (wishes, "function", c->wish_function, sizeof c->wish_function);
    if (map_has (wishes, "sector"))
        map_str (wishes, "sector", c->wish_sector, sizeof c->wish_sector);
    candidate_assess (c);
}

int
candidate_update (cmd_ctx_t *ctx)
{
    candidate_t c;
    char date[11];
    if (candidate_load (ctx, &c) || candidate_date (ctx, &c, date))
        return -1;
    const msgpack_object *body = cmd_body (ctx);
    candidate_t before = c;
    s_apply (body, &c);
    const msgpack_object *contact = obj_get (body, "contact");
    if (candidate_save (ctx, &c)
        || (contact && contact->type == MSGPACK_OBJECT_MAP
            && candidate_contact (ctx, c.id, contact)))
        return -1;
    //  Not eligible any more (or again): the trajectory ends (or goes on)
    //  for retention as it would have at a registration like this.
    bool closed = c.status == CS_DECLINED || c.status == CS_WITHDRAWN;
    if (before.eligible != c.eligible && !closed
        && (c.eligible ? retention_forget (cmd_tx (ctx), c.id)
                       : retention_mark_ended (cmd_tx (ctx), c.id)))
        return cmd_store_fail (ctx);
    kv_t f;
    kv_init (&f);
    kv_str (&f, "registered", c.registered);
    s_codes (&f, &c);
    msgpack_packer *pk = kv_key (&f, "wishes");
    msgpack_pack_map (pk, 2);
    pk_kv_str (pk, "function", c.wish_function);
    pk_kv_str (pk, "sector", c.wish_sector);
    kv_t was;
    kv_init (&was);
    s_codes (&was, &before);
    kv_pack_map (&was, kv_key (&f, "previous"), &f.buf, 0);
    kv_bool (&f, "contact_changed", contact != NULL);
    int rc = candidate_emit (ctx, "candidate.updated", &c, date, &f);
    kv_destroy (&was);
    kv_destroy (&f);
    if (rc == 0) {
        kv_bool (cmd_reply (ctx), "eligible", c.eligible);
        candidate_reasons (&c, cmd_reply (ctx), "reasons");
    }
    return rc;
}

int
candidate_consent (cmd_ctx_t *ctx)
{
    candidate_t c;
    char date[11];
    if (candidate_load (ctx, &c) || candidate_date (ctx, &c, date))
        return -1;
    bool wanted = map_bool (cmd_body (ctx), "evaluation_contact", false);
    if (wanted == c.consent_evaluation) {
        kv_str (cmd_reply (ctx), "id", c.id);
        kv_bool (cmd_reply (ctx), "evaluation_contact", wanted);
        return 0;
    }
    c.consent_evaluation = wanted;
    if (candidate_save (ctx, &c))
        return -1;
    kv_t f;
    kv_init (&f);
    kv_bool (&f, "evaluation_contact", wanted);
    int rc = candidate_emit (ctx, "candidate.consent_changed", &c, date, &f);
    kv_destroy (&f);
    if (rc == 0)
        kv_bool (cmd_reply (ctx), "evaluation_contact", wanted);
    return rc;
}
