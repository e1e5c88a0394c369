/*  match - open vacancies ranked for a candidate. A vacancy is open while
    no started placement holds it. Each vacancy scores by what it shares
    with the candidate: the wished function (4), the wished sector (2), the
    wanted hours within its range (1) and the office (1); the reason lists
    the codes that scored. Ties go to the smaller vacancy id, so the order
    never depends on the store.  */
#include "handlers.h"
#include "records.h"

#include <ctype.h>

#define MATCH_MAX 50

typedef enum { R_FUNCTION, R_SECTOR, R_HOURS, R_OFFICE, REASONS } reason_t;
static const char *const s_reasons[] = {"function", "sector", "hours", "office"};
static const int s_weights[] = {4, 2, 1, 1};

typedef struct {
    vacancy_t vacancy;
    int score;
    bool reason[REASONS];
} match_t;

typedef struct {
    const char *office;
    const known_t *candidate;
    int hours; //  0: not asked
    match_t *items;
    size_t count, size;
} scan_t;

//  Wishes are short free text: equal or contained, ignoring case, counts.
static bool
s_similar (const char *wish, const char *offer)
{
    if (!*wish || !*offer)
        return false;
    char a[PL_ID_SIZE], b[PL_ID_SIZE];
    size_t i;
    for (i = 0; wish[i] && i < sizeof a - 1; i++)
        a[i] = (char) tolower ((unsigned char) wish[i]);
    a[i] = 0;
    for (i = 0; offer[i] && i < sizeof b - 1; i++)
        b[i] = (char) tolower ((unsigned char) offer[i]);
    b[i] = 0;
    return strstr (a, b) || strstr (b, a);
}

static void
s_score (match_t *m, const scan_t *scan)
{
    const vacancy_t *v = &m->vacancy;
    m->reason[R_FUNCTION] = s_similar (scan->candidate->function, v->function);
    m->reason[R_SECTOR] = s_similar (scan->candidate->sector, v->sector);
    m->reason[R_HOURS] =
        scan->hours && scan->hours >= v->hours_min && scan->hours <= v->hours_max;
    m->reason[R_OFFICE] = strcmp (v->office, scan->candidate->office) == 0;
    m->score = 0;
    for (int r = 0; r < REASONS; r++)
        m->score += m->reason[r] ? s_weights[r] : 0;
}

static int
s_each (const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
    (void) key;
    (void) klen;
    scan_t *scan = (scan_t *) arg;
    match_t m;
    memset (&m, 0, sizeof m);
    if (rec_decode (&rec_vacancy, val, vlen, &m.vacancy) != 0)
        return -1;
    if (strcmp (m.vacancy.office, scan->office) != 0 || *m.vacancy.filled_by)
        return 0;
    if (scan->count == scan->size) {
        size_t size = scan->size ? scan->size * 2 : 16;
        match_t *items = (match_t *) realloc (scan->items, size * sizeof (match_t));
        if (!items)
            return -1;
        scan->items = items;
        scan->size = size;
    }
    s_score (&m, scan);
    scan->items[scan->count++] = m;
    return 0;
}

static int
s_compare (const void *a, const void *b)
{
    const match_t *x = (const match_t *) a, *y = (const match_t *) b;
    if (x->score != y->score)
        return y->score - x->score;
    return strcmp (x->vacancy.id, y->vacancy.id);
}

static void
s_pack_match (msgpack_packer *pk, const match_t *m)
{
    const vacancy_t *v = &m->vacancy;
    msgpack_pack_map (pk, 8);
    pk_kv_str (pk, "vacancy", v->id);
    pk_kv_str (pk, "host", v->host);
    pk_kv_str (pk, "function", v->function);
    pk_kv_str (pk, "sector", v->sector);
    pk_kv_int (pk, "hours_min", v->hours_min);
    pk_kv_int (pk, "hours_max", v->hours_max);
    pk_kv_int (pk, "score", m->score);
    int n = 0;
    for (int r = 0; r < REASONS; r++)
        n += m->reason[r];
    pk_str (pk, "reason");
    msgpack_pack_array (pk, (size_t) n);
    for (int r = 0; r < REASONS; r++)
        if (m->reason[r])
            pk_str (pk, s_reasons[r]);
}

int
placement_match (cmd_ctx_t *ctx)
{
    known_t c;
    char id[PL_ID_SIZE];
    if (rec_load (ctx, &rec_known, map_str (cmd_body (ctx), "candidate", id, sizeof id),
                  "candidate", &c))
        return -1;
    scan_t scan = {
        cmd_office (ctx), &c, (int) map_int (cmd_body (ctx), "hours", 0), NULL, 0, 0};
    int rc = store_scan (cmd_tx (ctx), pl_vacancies, NULL, 0, NULL, 0, s_each, &scan);
    if (rc == 0) {
        if (scan.count)
            qsort (scan.items, scan.count, sizeof (match_t), s_compare);
        size_t shown = scan.count < MATCH_MAX ? scan.count : MATCH_MAX;
        kv_t *reply = cmd_reply (ctx);
        kv_str (reply, "candidate", c.id);
        kv_uint (reply, "count", scan.count);
        msgpack_packer *pk = kv_key (reply, "matches");
        msgpack_pack_array (pk, shown);
        for (size_t i = 0; i < shown; i++)
            s_pack_match (pk, &scan.items[i]);
    }
    free (scan.items);
    return rc ? (
               store_failed (cmd_tx (ctx))
                   ? cmd_store_fail (ctx)
                   : cmd_fail (ctx, ERR_INTERNAL, NULL, "a stored vacancy is unreadable"))
              : 0;
}
