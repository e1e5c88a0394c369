/*  conditions - the start conditions of a placement.  */
#include "conditions.h"

#define REQUIREMENT_CODE "host.requirements."

static void s_add (conditions_t *self, const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
s_add (conditions_t *self, const char *code, const char *fmt, ...)
{
    if (self->count == CONDITIONS_MAX)
        return;
    snprintf (self->code[self->count], sizeof self->code[0], "%s", code);
    va_list args;
    va_start (args, fmt);
    vsnprintf (self->text[self->count], sizeof self->text[0], fmt, args);
    va_end (args);
    self->count++;
}

static void
s_people (const placement_t *p, conditions_t *out)
{
    for (int i = 0; i < PL_AGREEMENTS; i++)
        if (!*p->signed_on[i]) {
            char code[48];
            snprintf (code, sizeof code, "agreement.%s", placement_agreements[i]);
            s_add (out, code, "agreement %s not signed", placement_agreements[i]);
        }
    if (!rec_named (p->supervisor))
        s_add (out, "supervisor", "supervisor not named");
    if (!rec_named (p->buddy))
        s_add (out, "buddy", "buddy not named");
}

static void
s_place (const placement_t *p, const vacancy_t *v, const host_t *h, conditions_t *out)
{
    if (p->hours < PL_HOURS_MIN || p->hours > PL_HOURS_MAX)
        s_add (out, "hours_per_week", "hours_per_week %d outside %d-%d", p->hours,
               PL_HOURS_MIN, PL_HOURS_MAX);
    else if (p->hours < v->hours_min || p->hours > v->hours_max)
        s_add (out, "hours_per_week", "hours_per_week %d outside the vacancy's %d-%d",
               p->hours, v->hours_min, v->hours_max);
    for (int i = 0; i < PL_REQUIREMENTS; i++)
        if (!h->requirements[i]) {
            char code[48];
            snprintf (code, sizeof code, REQUIREMENT_CODE "%s", host_requirements[i]);
            s_add (out, code, "%s", host_requirements[i]);
        }
    if (*v->filled_by && strcmp (v->filled_by, p->id) != 0)
        s_add (out, "vacancy", "vacancy already filled");
}

void
conditions_unmet (const placement_t *p, const known_t *candidate, const vacancy_t *v,
                  const host_t *h, conditions_t *out)
{
    out->count = 0;
    if (!candidate)
        s_add (out, "candidate", "candidate not known");
    else if (candidate->status != CS_ADMITTED)
        s_add (out, "candidate", "candidate not admitted (%s)",
               intake_status_name (candidate->status));
    s_people (p, out);
    s_place (p, v, h, out);
    if (candidate && *candidate->active && strcmp (candidate->active, p->id) != 0)
        s_add (out, "candidate.placement", "candidate already in another placement");
}

static bool
s_requirement (const conditions_t *self, size_t i)
{
    return strncmp (self->code[i], REQUIREMENT_CODE, strlen (REQUIREMENT_CODE)) == 0;
}

//  ",host.requirements(a b c)" for the unmet requirements.
static void
s_requirement_names (const conditions_t *self, char *buf, size_t size, size_t first)
{
    size_t used = (size_t) snprintf (buf, size, "%shost.requirements(", first ? "," : "");
    for (size_t i = first, n = 0; i < self->count && used < size; i++)
        if (s_requirement (self, i))
            used += (size_t) snprintf (buf + used, size - used, "%s%s", n++ ? " " : "",
                                       self->text[i]);
    if (used < size)
        snprintf (buf + used, size - used, ")");
}

//  The unmet host requirements go in one phrase, where the first was.
static void
s_requirements_phrase (const conditions_t *self, char *buf, size_t size)
{
    size_t count = 0, used = 0;
    for (size_t i = 0; i < self->count; i++)
        count += s_requirement (self, i);
    used += (size_t) snprintf (buf, size, "host requirement%s ", count > 1 ? "s" : "");
    for (size_t i = 0, n = 0; i < self->count && used < size; i++)
        if (s_requirement (self, i))
            used += (size_t) snprintf (buf + used, size - used, "%s%s", n++ ? ", " : "",
                                       self->text[i]);
    if (used < size)
        snprintf (buf + used, size - used, " not met");
}

static void
s_full_message (const conditions_t *self, char *buf, size_t size)
{
    size_t used = (size_t) snprintf (buf, size, "cannot start: ");
    bool grouped = false;
    for (size_t i = 0; i < self->count && used < size; i++) {
        char phrase[400];
        if (s_requirement (self, i)) {
            if (grouped)
                continue;
            grouped = true;
            s_requirements_phrase (self, phrase, sizeof phrase);
        } else
            snprintf (phrase, sizeof phrase, "%s", self->text[i]);
        used +=
            (size_t) snprintf (buf + used, size - used, "%s%s", i ? "; " : "", phrase);
    }
}

//  The codes alone, host requirements by name: for when many are unmet.
static void
s_short_message (const conditions_t *self, char *buf, size_t size)
{
    size_t used = (size_t) snprintf (buf, size, "cannot start: ");
    bool grouped = false;
    for (size_t i = 0; i < self->count && used < size; i++) {
        if (!s_requirement (self, i))
            used += (size_t) snprintf (buf + used, size - used, "%s%s", i ? "," : "",
                                       self->code[i]);
        else if (!grouped) {
            grouped = true;
            s_requirement_names (self, buf + used, size - used, i);
            used += strlen (buf + used);
        }
    }
}

void
conditions_message (const conditions_t *self, char *buf, size_t size)
{
    s_full_message (self, buf, size);
    if (strlen (buf) >= CONDITIONS_MESSAGE_MAX)
        s_short_message (self, buf, size);
}

void
conditions_pack (const conditions_t *self, kv_t *kv, const char *key)
{
    msgpack_packer *pk = kv_key (kv, key);
    msgpack_pack_array (pk, self->count);
    for (size_t i = 0; i < self->count; i++)
        pk_str (pk, self->code[i]);
}

int
conditions_check (cmd_ctx_t *ctx, const placement_t *p, conditions_t *out)
{
    store_tx_t *tx = cmd_tx (ctx);
    known_t candidate;
    vacancy_t vacancy;
    host_t host;
    int known = rec_get (tx, &rec_known, p->candidate, &candidate);
    int rc = known < 0 ? -1 : rec_get (tx, &rec_vacancy, p->vacancy, &vacancy);
    rc = rc != 0 ? -1 : rec_get (tx, &rec_host, p->host, &host);
    //  Vacancies and hosts are never removed: a missing one is damage.
    if (rc != 0)
        return store_failed (tx)
                   ? cmd_store_fail (ctx)
                   : cmd_fail (ctx, ERR_INTERNAL, "id",
                               "placement %s refers to missing records", p->id);
    conditions_unmet (p, known == 0 ? &candidate : NULL, &vacancy, &host, out);
    return 0;
}
