/*  search - finding candidates by their contact details, in memory.  */
#include "search.h"

#define SEARCH_WORD_MAX 64
#define SEARCH_WORDS    16 //  words kept per candidate at most

struct _search_t {
    zhashx_t *by_word; //  word -> zhashx_t of ids (a set)
    zhashx_t *words;   //  id -> "w1\nw2\n...", what it was filed under
};

static void
s_set_destroy (void **item)
{
    zhashx_destroy ((zhashx_t **) item);
}

search_t *
search_new (void)
{
    search_t *self = (search_t *) zmalloc (sizeof (search_t));
    self->by_word = zhashx_new ();
    zhashx_set_destructor (self->by_word, s_set_destroy);
    self->words = zhashx_new ();
    zhashx_set_destructor (self->words, (zhashx_destructor_fn *) zstr_free);
    zhashx_set_duplicator (self->words, (zhashx_duplicator_fn *) strdup);
    return self;
}

void
search_destroy (search_t **self_p)
{
    search_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->by_word);
    zhashx_destroy (&self->words);
    free (self);
    *self_p = NULL;
}

//  Splits text into words: ASCII letters lowercased, digits and other
//  bytes (UTF-8 letters) kept, everything else a break. digits_only keeps
//  only digits, as one word (a phone number).
static void
s_words (const char *text, size_t len, bool digits_only, zlistx_t *out)
{
    char word[SEARCH_WORD_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char) text[i] : 0;
        bool part = digits_only ? isdigit (c) : (isalnum (c) || c >= 0x80);
        if (i < len && digits_only && !part)
            continue;
        if (part && i < len) {
            if (n < SEARCH_WORD_MAX)
                word[n++] = (char) tolower (c);
            continue;
        }
        if (n > 0 && zlistx_size (out) < SEARCH_WORDS) {
            word[n] = 0;
            zlistx_add_end (out, word);
        }
        n = 0;
    }
}

static void
s_field (const msgpack_object *map, const char *key, bool digits_only, zlistx_t *out)
{
    const msgpack_object *v = obj_get (map, key);
    if (v && v->type == MSGPACK_OBJECT_STR)
        s_words (v->via.str.ptr, v->via.str.size, digits_only, out);
}

//  An e-mail address whole, lowercase, as one word.
static void
s_email (const char *text, size_t len, zlistx_t *out)
{
    if (len == 0 || len > SEARCH_WORD_MAX)
        return;
    char word[SEARCH_WORD_MAX + 1];
    for (size_t i = 0; i < len; i++)
        word[i] = (char) tolower ((unsigned char) text[i]);
    word[len] = 0;
    zlistx_add_end (out, word);
}

void
search_remove (search_t *self, const char *id)
{
    char *filed = (char *) zhashx_lookup (self->words, id);
    if (!filed)
        return;
    char *save = NULL;
    for (char *w = strtok_r (filed, "\n", &save); w; w = strtok_r (NULL, "\n", &save)) {
        zhashx_t *ids = (zhashx_t *) zhashx_lookup (self->by_word, w);
        if (ids) {
            zhashx_delete (ids, id);
            if (zhashx_size (ids) == 0)
                zhashx_delete (self->by_word, w);
        }
    }
    zhashx_delete (self->words, id);
}

void
search_put (search_t *self, const char *id, const void *contact, size_t size)
{
    search_remove (self, id);
    oerr_t err;
    msg_t *msg = contact && size ? msg_decode (contact, size, &err) : NULL;
    if (!msg)
        return;
    zlistx_t *words = zlistx_new ();
    zlistx_set_destructor (words, (zlistx_destructor_fn *) zstr_free);
    zlistx_set_duplicator (words, (zlistx_duplicator_fn *) strdup);
    s_field (msg_root (msg), "name", false, words);
    s_field (msg_root (msg), "email", false, words);
    const msgpack_object *email = obj_get (msg_root (msg), "email");
    if (email && email->type == MSGPACK_OBJECT_STR)
        s_email (email->via.str.ptr, email->via.str.size, words);
    s_field (msg_root (msg), "phone", true, words);
    msg_destroy (&msg);
    char filed[SEARCH_WORDS * (SEARCH_WORD_MAX + 1) + 1] = "";
    size_t used = 0;
    for (char *w = (char *) zlistx_first (words); w; w = (char *) zlistx_next (words)) {
        zhashx_t *ids = (zhashx_t *) zhashx_lookup (self->by_word, w);
        if (!ids) {
            ids = zhashx_new ();
            zhashx_insert (self->by_word, w, ids);
        }
        zhashx_update (ids, id, (void *) "");
        used += (size_t) snprintf (filed + used, sizeof filed - used, "%s\n", w);
    }
    zlistx_destroy (&words);
    if (used)
        zhashx_insert (self->words, id, filed);
}

static int
s_compare (const void *a, const void *b)
{
    return strcmp ((const char *) a, (const char *) b);
}

zlistx_t *
search_find (search_t *self, const char *query)
{
    zlistx_t *found = zlistx_new ();
    zlistx_set_destructor (found, (zlistx_destructor_fn *) zstr_free);
    zlistx_set_duplicator (found, (zlistx_duplicator_fn *) strdup);
    zlistx_set_comparator (found, s_compare);
    zlistx_t *words = zlistx_new ();
    zlistx_set_destructor (words, (zlistx_destructor_fn *) zstr_free);
    zlistx_set_duplicator (words, (zlistx_duplicator_fn *) strdup);
    //  An e-mail address is looked for whole: its parts would find anyone
    //  with an address at the same domain.
    if (strchr (query, '@'))
        s_email (query, strlen (query), words);
    else
        s_words (query, strlen (query), false, words);
    //  The smallest set first, the others checked against it.
    zhashx_t *smallest = NULL;
    bool all = zlistx_size (words) > 0;
    for (char *w = (char *) zlistx_first (words); all && w;
         w = (char *) zlistx_next (words)) {
        zhashx_t *ids = (zhashx_t *) zhashx_lookup (self->by_word, w);
        all = ids != NULL;
        if (ids && (!smallest || zhashx_size (ids) < zhashx_size (smallest)))
            smallest = ids;
    }
    //  The keys taken first: a lookup in the same set moves its cursor.
    zlistx_t *ids = all ? zhashx_keys (smallest) : NULL;
    for (char *id = ids ? (char *) zlistx_first (ids) : NULL; id;
         id = (char *) zlistx_next (ids)) {
        bool every = true;
        for (char *w = (char *) zlistx_first (words); every && w;
             w = (char *) zlistx_next (words))
            every =
                zhashx_lookup ((zhashx_t *) zhashx_lookup (self->by_word, w), id) != NULL;
        if (every)
            zlistx_add_end (found, id);
    }
    zlistx_destroy (&ids);
    zlistx_destroy (&words);
    zlistx_sort (found);
    return found;
}

size_t
search_size (search_t *self)
{
    return zhashx_size (self->words);
}
