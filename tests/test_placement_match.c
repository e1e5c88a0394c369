/*  test_placement_match - the match query on a small fixed set of
    vacancies, and erasure: every per-candidate record gone from placement,
    its events kept only under intake's token.  */
#include "test_placement_fixture.c"

#define ARNHEM "\"office\":\"arnhem\""

static void
s_host (fixture_t *f, const char *office, const char *id, const char *sector)
{
    s_do (
        f, NULL, NULL,
        "{\"cmd\":\"host.register\",\"office\":\"%s\",\"id\":\"%s\",\"name\":\"" HOST_NAME
        "\",\"sector\":\"%s\",\"client_org\":false,\"requirements\":" REQS_ALL "}",
        office, id, sector);
}

//  Checks one ranked entry: vacancy, score and reason codes.
static void
s_rank (tk_msg_t *r, int index, const char *vacancy, int score, const char *reasons)
{
    char path[64], got[128] = "";
    snprintf (path, sizeof path, "matches.%d.vacancy", index);
    bool ok = streq (tk_str (r, path), vacancy);
    snprintf (path, sizeof path, "matches.%d.score", index);
    ok = ok && tk_int (r, path) == score;
    for (int i = 0; i < 4; i++) {
        snprintf (path, sizeof path, "matches.%d.reason.%d", index, i);
        const char *code = tk_str (r, path);
        if (*code)
            snprintf (got + strlen (got), sizeof got - strlen (got), "%s%s", i ? "," : "",
                      code);
    }
    ok = ok && streq (got, reasons);
    if (!CHECK (ok))
        fprintf (stderr, "  rank %d: expected %s %d %s, got %s %" PRId64 " %s\n", index,
                 vacancy, score, reasons, tk_str (r, "matches.0.vacancy"),
                 tk_int (r, "matches.0.score"), got);
}

static tk_msg_t *
s_match (fixture_t *f, const char *candidate, int hours)
{
    if (!hours)
        return s_pl (f, NULL, NULL,
                     "{\"cmd\":\"placement.match\"," ARNHEM ",\"candidate\":\"%s\"}",
                     candidate);
    return s_pl (f, NULL, NULL,
                 "{\"cmd\":\"placement.match\"," ARNHEM
                 ",\"candidate\":\"%s\",\"hours\":%d}",
                 candidate, hours);
}

//  Wishes "Gardener" in sector "Groen": function 4, sector 2, hours 1,
//  office 1; ties by vacancy id.
static void
s_match_setup (fixture_t *f)
{
    s_candidate (f, "arnhem", "c-m", "Gardener", "Groen", false);
    s_candidate (f, "arnhem", "c-m2", "cook", "horeca", true);
    s_host (f, "arnhem", "ha-green", "groen");
    s_host (f, "arnhem", "ha-care", "zorg");
    s_vacancy (f, "arnhem", "m-1", "ha-care", "gardener", 12, 16);
    s_vacancy (f, "arnhem", "m-2", "ha-green", "gardener", 20, 24);
    s_vacancy (f, "arnhem", "m-3", "ha-green", "cook", 12, 24);
    s_vacancy (f, "arnhem", "m-4", "ha-care", "cook", 12, 24);
    s_vacancy (f, "arnhem", "m-0", "ha-care", "office clerk", 12, 16);
    s_host (f, "nijmegen", "h-nijmegen", "groen");
    s_vacancy (f, "nijmegen", "n-1", "h-nijmegen", "gardener", 12, 24);
}

static void
test_match (fixture_t *f)
{
    s_match_setup (f);
    tk_msg_t *r = s_match (f, "c-m", 14);
    CHECK (tk_int (r, "count") == 5);
    s_rank (r, 0, "m-2", 7, "function,sector,office");
    s_rank (r, 1, "m-1", 6, "function,hours,office");
    s_rank (r, 2, "m-3", 4, "sector,hours,office");
    s_rank (r, 3, "m-0", 2, "hours,office");
    s_rank (r, 4, "m-4", 2, "hours,office");
    tk_msg_destroy (&r);
    r = s_match (f, "c-m", 0);
    s_rank (r, 0, "m-2", 7, "function,sector,office");
    s_rank (r, 1, "m-1", 5, "function,office");
    s_rank (r, 3, "m-0", 1, "office");
    tk_msg_destroy (&r);
}

//  A started placement fills its vacancy: no longer open.
static void
test_match_filled (fixture_t *f)
{
    s_do (f, NULL, NULL,
          "{\"cmd\":\"placement.propose\"," ARNHEM
          ",\"id\":\"pm-1\",\"candidate\":\"c-m2\","
          "\"vacancy\":\"m-2\",\"hours_per_week\":20,\"start\":\"2017-09-01\","
          "\"supervisor\":\"" SUPERVISOR "\",\"buddy\":\"" BUDDY "\"}");
    const char *sign = "{\"cmd\":\"placement.sign\"," ARNHEM ",\"id\":\"pm-1\","
                       "\"agreement\":\"%s\",\"date\":\"2017-08-20\"}";
    s_do (f, NULL, NULL, sign, "candidate_host");
    s_do (f, NULL, NULL, sign, "programme_host");
    s_do (f, NULL, NULL,
          "{\"cmd\":\"placement.start\"," ARNHEM
          ",\"id\":\"pm-1\",\"date\":\"2017-09-01\"}");
    tk_msg_t *r = s_match (f, "c-m", 14);
    CHECK (tk_int (r, "count") == 4);
    s_rank (r, 0, "m-1", 6, "function,hours,office");
    tk_msg_destroy (&r);
    s_do (f, "not_found", "candidate",
          "{\"cmd\":\"placement.match\"," ARNHEM ",\"candidate\":\"c-none\"}");
    s_do (f, "not_found", "candidate",
          "{\"cmd\":\"placement.match\"," OFFICE ",\"candidate\":\"c-m\"}");
    s_do (f, "invalid_argument", "hours",
          "{\"cmd\":\"placement.match\"," ARNHEM ",\"candidate\":\"c-m\",\"hours\":25}");
    //  A vacancy of another office does not exist for the caller.
    s_do (f, "not_found", "vacancy",
          "{\"cmd\":\"placement.propose\"," ARNHEM ",\"candidate\":\"c-m2\","
          "\"vacancy\":\"n-1\",\"hours_per_week\":16,\"start\":\"2017-09-01\"}");
}

//  c-e has an ended placement that led to a paid job and a running one.
static void
s_erasure_setup (fixture_t *f)
{
    s_candidate (f, "nijmegen", "c-e", "gardener", "groen", true);
    s_candidate (f, "nijmegen", "c-o", "gardener", "groen", true);
    s_vacancy (f, "nijmegen", "ve-1", "h-nijmegen", "gardener", 12, 24);
    s_vacancy (f, "nijmegen", "ve-2", "h-nijmegen", "gardener", 12, 24);
    const char *ids[] = {"pe-1", "pe-2"}, *vacancies[] = {"ve-1", "ve-2"};
    for (int i = 0; i < 2; i++) {
        s_propose (f, ids[i], "c-e", vacancies[i], 16, true, true);
        s_sign (f, ids[i], "candidate_host");
        s_sign (f, ids[i], "programme_host");
    }
    s_start_ok (f, "pe-1", "2017-09-01");
    s_do (f, NULL, NULL,
          "{\"cmd\":\"placement.contact\"," OFFICE
          ",\"id\":\"pe-1\",\"with\":\"trainer\","
          "\"date\":\"2017-10-01\"}");
    s_do (f, NULL, NULL,
          "{\"cmd\":\"placement.end\"," OFFICE ",\"id\":\"pe-1\",\"date\":\"2018-02-01\","
          "\"outcome\":\"paid_job\",\"paid_job\":{\"employer_kind\":\"other_employer\","
          "\"hours\":20,\"contract\":\"temporary\"}}");
    s_start_ok (f, "pe-2", "2018-03-01");
}

static int
s_open_count (fixture_t *f, const char *candidate)
{
    tk_msg_t *r =
        s_pl (f, NULL, NULL,
              "{\"cmd\":\"placement.match\"," OFFICE ",\"candidate\":\"%s\"}", candidate);
    int count = (int) tk_int (r, "count");
    tk_msg_destroy (&r);
    return count;
}

//  The erased candidate's events: none under the id, 11 under the token.
static void
s_check_pseudonymised (fixture_t *f)
{
    char token[80] = "";
    zlistx_t *events = tk_replay_all (f->in_entry->replay, 1);
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events))
        if (streq (tk_str (e, "type"), "candidate.erased"))
            snprintf (token, sizeof token, "%s", tk_str (e, "token"));
    tk_events_destroy (&events);
    CHECK (strncmp (token, "anon-", 5) == 0);
    int by_id = 0, by_token = 0;
    events = tk_replay_all (f->pl_entry->replay, 1);
    for (tk_msg_t *e = (tk_msg_t *) zlistx_first (events); e;
         e = (tk_msg_t *) zlistx_next (events)) {
        by_id += streq (tk_str (e, "candidate"), "c-e");
        by_token += streq (tk_str (e, "candidate"), token);
        CHECK (s_no_names (e));
    }
    tk_events_destroy (&events);
    //  pe-1: proposed, signed twice, started, contacted, ended, paid job;
    //  pe-2: proposed, signed twice, started.
    CHECK (by_id == 0);
    if (!CHECK (by_token == 11))
        fprintf (stderr, "  %d events under the token\n", by_token);
}

static void
test_erasure (fixture_t *f)
{
    s_erasure_setup (f);
    int open = s_open_count (f, "c-o");
    s_intake (f, "{\"cmd\":\"candidate.erase\"," OFFICE ",\"id\":\"c-e\"}");
    s_do (f, "not_found", "id", "{\"cmd\":\"placement.get\"," OFFICE ",\"id\":\"pe-1\"}");
    s_do (f, "not_found", "id", "{\"cmd\":\"placement.get\"," OFFICE ",\"id\":\"pe-2\"}");
    s_do (f, "not_found", "candidate",
          "{\"cmd\":\"placement.match\"," OFFICE ",\"candidate\":\"c-e\"}");
    //  The same proposal again finds neither its first body nor the candidate.
    s_do (f, "not_found", "candidate",
          "{\"cmd\":\"placement.propose\"," OFFICE
          ",\"id\":\"pe-1\",\"candidate\":\"c-e\","
          "\"vacancy\":\"ve-1\",\"hours_per_week\":16,\"start\":\"2017-09-01\","
          "\"supervisor\":\"" SUPERVISOR "\",\"buddy\":\"" BUDDY "\"}");
    //  The running placement's vacancy is open again.
    CHECK (s_open_count (f, "c-o") == open + 1);
    s_check_pseudonymised (f);
}

int
main (void)
{
    fixture_t f;
    s_setup (&f);
    test_match (&f);
    test_match_filled (&f);
    test_erasure (&f);
    s_teardown (&f);
    return tk_done ("test_placement_match");
}
