/*  survey - invitations to the satisfaction survey and their one response.
    The response's texts stay in this store: events carry only the grade
    and whether each text was given, so a report never needs them.  */
#include "handlers.h"

#include "evlog.h"

#include <ctype.h>
#include <math.h>

//  Loads the survey named by field; another office's survey does not exist
//  for the caller.
static int
s_load (cmd_ctx_t *ctx, const char *field, survey_t *s)
{
    char id[FB_ID_SIZE];
    map_str (cmd_body (ctx), field, id, sizeof id);
    int rc = survey_get_record (cmd_tx (ctx), id, s);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 1 || strcmp (s->office, cmd_office (ctx)) != 0)
        return cmd_fail (ctx, ERR_NOT_FOUND, field, "no survey %s at office %s", id,
                         cmd_office (ctx));
    return 0;
}

//  Appends an event about one survey, with the candidate as its subject so
//  that erasure finds it, and notes where it landed.
static int
s_emit (cmd_ctx_t *ctx, const char *type, const survey_t *s, const char *date,
        const kv_t *more, uint64_t *seq)
{
    kv_t f;
    kv_init (&f);
    kv_str (&f, "survey", s->id);
    kv_str (&f, "candidate", s->candidate);
    kv_str (&f, "about", survey_abouts[s->about]);
    if (more)
        kv_merge (&f, more);
    int rc = cmd_emit (ctx, type, date, s->candidate, &f);
    kv_destroy (&f);
    if (rc == 0)
        *seq = evlog_head (cmd_tx (ctx));
    return rc;
}

static void
s_describe (const survey_t *s, kv_t *kv, bool texts)
{
    kv_str (kv, "id", s->id);
    kv_str (kv, "candidate", s->candidate);
    kv_str (kv, "about", survey_abouts[s->about]);
    kv_str (kv, "invited", s->invited);
    kv_str (kv, "status", survey_statuses[survey_status (s)]);
    if (!*s->responded)
        return;
    kv_str (kv, "responded", s->responded);
    kv_bool (kv, "graded", s->half_points > 0);
    if (s->half_points)
        kv_num (kv, "grade", s->half_points / 2.0);
    if (texts && *s->experience)
        kv_str (kv, "experience", s->experience);
    if (texts && *s->yield)
        kv_str (kv, "yield", s->yield);
}

//  --------------------------------------------------------------------------
//  Invitation

static int
s_invitable (cmd_ctx_t *ctx, const survey_t *s)
{
    known_t k;
    int rc = known_get (cmd_tx (ctx), s->candidate, &k);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 1 || strcmp (k.office, s->office) != 0)
        return cmd_fail (ctx, ERR_NOT_FOUND, "candidate", "no candidate %s at office %s",
                         s->candidate, s->office);
    if (!k.evaluation_contact)
        return cmd_fail (ctx, ERR_FAILED_PRECONDITION, "candidate",
                         "candidate %s did not consent to evaluation contact",
                         s->candidate);
    if (strcmp (s->invited, k.registered) < 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "date",
                         "date %s is before the registration on %s", s->invited,
                         k.registered);
    return 0;
}

//  Lets erasure find a candidate's surveys: key candidate NUL survey.
static int
s_index (cmd_ctx_t *ctx, const survey_t *s)
{
    size_t clen = strlen (s->candidate), slen = strlen (s->id);
    char key[2 * FB_ID_SIZE];
    memcpy (key, s->candidate, clen + 1);
    memcpy (key + clen + 1, s->id, slen);
    return store_put (cmd_tx (ctx), fb_by_candidate, key, clen + 1 + slen, "", 0);
}

//  The same id again: the same invitation answers as before, another is a
//  conflict (also when the id is taken at another office).
static int
s_invite_again (cmd_ctx_t *ctx, const survey_t *first, const survey_t *asked)
{
    if (strcmp (first->office, asked->office) != 0
        || strcmp (first->candidate, asked->candidate) != 0
        || first->about != asked->about || strcmp (first->invited, asked->invited) != 0)
        return cmd_fail (ctx, ERR_CONFLICT, "id", "survey %s exists with other details",
                         asked->id);
    s_describe (first, cmd_reply (ctx), false);
    return 0;
}

int
survey_invite (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    survey_t s, first;
    memset (&s, 0, sizeof s);
    fb_new_id (ctx, "s", s.id);
    snprintf (s.office, sizeof s.office, "%s", cmd_office (ctx));
    map_str (body, "candidate", s.candidate, sizeof s.candidate);
    s.about = map_enum (body, "about", survey_abouts);
    map_str (body, "date", s.invited, sizeof s.invited);
    int rc = survey_get_record (cmd_tx (ctx), s.id, &first);
    if (rc < 0)
        return cmd_store_fail (ctx);
    if (rc == 0)
        return s_invite_again (ctx, &first, &s);
    if (s_invitable (ctx, &s)
        || s_emit (ctx, "survey.invited", &s, s.invited, NULL, &s.invited_seq))
        return -1;
    if (survey_put_record (cmd_tx (ctx), &s) || s_index (ctx, &s))
        return cmd_store_fail (ctx);
    s_describe (&s, cmd_reply (ctx), false);
    return 0;
}

//  --------------------------------------------------------------------------
//  Response

//  A text of only white space says nothing: it is not kept and does not
//  count as given.
static void
s_take_text (const msgpack_object *body, const char *key, char text[FB_TEXT_SIZE])
{
    map_str (body, key, text, FB_TEXT_SIZE);
    for (const char *p = text; *p; p++)
        if (!isspace ((unsigned char) *p))
            return;
    text[0] = 0;
}

static int
s_emit_responded (cmd_ctx_t *ctx, survey_t *s)
{
    kv_t f;
    kv_init (&f);
    //  Reporting counts responses by the invitation's date: no join needed.
    kv_str (&f, "invited", s->invited);
    if (s->half_points)
        kv_num (&f, "grade", s->half_points / 2.0);
    kv_bool (&f, "graded", s->half_points > 0);
    kv_bool (&f, "experience_given", *s->experience != 0);
    kv_bool (&f, "yield_given", *s->yield != 0);
    int rc = s_emit (ctx, "survey.responded", s, s->responded, &f, &s->responded_seq);
    kv_destroy (&f);
    return rc;
}

int
survey_respond (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    survey_t s;
    if (s_load (ctx, "survey", &s))
        return -1;
    if (*s.responded)
        return cmd_fail (ctx, ERR_CONFLICT, "survey", "survey %s was answered on %s",
                         s.id, s.responded);
    map_str (body, "date", s.responded, sizeof s.responded);
    if (strcmp (s.responded, s.invited) < 0)
        return cmd_fail (ctx, ERR_INVALID_ARGUMENT, "date",
                         "date %s is before the invitation on %s", s.responded,
                         s.invited);
    s_take_text (body, "experience", s.experience);
    s_take_text (body, "yield", s.yield);
    //  The schema lets only multiples of 0.5 through: doubling is exact.
    s.half_points = (int) lround (map_num (body, "grade", 0) * 2);
    if (s_emit_responded (ctx, &s))
        return -1;
    if (survey_put_record (cmd_tx (ctx), &s))
        return cmd_store_fail (ctx);
    s_describe (&s, cmd_reply (ctx), false);
    return 0;
}

//  --------------------------------------------------------------------------
//  Queries

int
survey_get (cmd_ctx_t *ctx)
{
    survey_t s;
    if (s_load (ctx, "id", &s))
        return -1;
    s_describe (&s, cmd_reply (ctx), true);
    return 0;
}

typedef struct {
    const char *office;
    char candidate[FB_ID_SIZE]; //  empty: any
    int about, status;          //  -1: any
    uint32_t count;
    msgpack_sbuffer items;
    msgpack_packer pk;
    survey_t survey; //  scratch, too big for each callback's stack frame
} list_t;

static int
s_list_one (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    list_t *list = (list_t *) arg;
    survey_t *s = &list->survey;
    if (survey_decode (s, val, vlen))
        return -1;
    if (strcmp (s->office, list->office) != 0
        || (*list->candidate && strcmp (s->candidate, list->candidate) != 0)
        || (list->about >= 0 && s->about != list->about)
        || (list->status >= 0 && survey_status (s) != list->status))
        return 0;
    kv_t kv;
    kv_init (&kv);
    s_describe (s, &kv, false);
    kv_pack_map (&kv, &list->pk, &list->items, 0);
    kv_destroy (&kv);
    list->count++;
    return 0;
}

int
survey_list (cmd_ctx_t *ctx)
{
    const msgpack_object *body = cmd_body (ctx);
    list_t *list = (list_t *) zmalloc (sizeof (list_t));
    list->office = cmd_office (ctx);
    map_str (body, "candidate", list->candidate, sizeof list->candidate);
    list->about = map_enum (body, "about", survey_abouts);
    list->status = map_enum (body, "status", survey_statuses);
    msgpack_sbuffer_init (&list->items);
    msgpack_packer_init (&list->pk, &list->items, msgpack_sbuffer_write);
    int rc = store_scan (cmd_tx (ctx), fb_surveys, NULL, 0, NULL, 0, s_list_one, list);
    if (rc == 0) {
        kv_t *reply = cmd_reply (ctx);
        kv_uint (reply, "count", list->count);
        msgpack_pack_array (kv_key (reply, "surveys"), list->count);
        msgpack_sbuffer_write (&reply->buf, list->items.data, list->items.size);
    }
    msgpack_sbuffer_destroy (&list->items);
    free (list);
    return rc ? cmd_store_fail (ctx) : 0;
}
