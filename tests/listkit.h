/*  listkit - what the tests of the lists and exports share: a set of
    in-process services with a stand-in gateway that publishes the person
    events the real one does (persons.h), requests made "as" a person that
    see every write before them (after), and a walk over every page of a
    list (page.h).  */
#ifndef OPSTAP_LISTKIT_H
#define OPSTAP_LISTKIT_H

#include "testkit.h"

typedef struct _lk_t lk_t;

//  Starts the stand-in gateway and the services given (each its own
//  instance, named as its service) on free ports; NULL after a failed check.
lk_t *lk_new (const service_def_t *const *defs, size_t count);
void lk_destroy (lk_t **self_p);
directory_t *lk_directory (lk_t *self);

//  The body field that asks for a page (page.h): the last id of the page
//  before, as next named it.
const char *lk_page_key (void);

//  A person the gateway acts for: role, offices ("a,b" or "*") and the
//  record they are linked to (link "expert", "trainer", "host" or NULL).
void lk_person (lk_t *self, const char *name, const char *role, const char *offices,
                const char *link, const char *ref);

//  A command (a JSON map) to service, as person (NULL: none), after every
//  position seen; it must answer ok (code NULL) or fail with code on field
//  (NULL: any). Returns the reply (destroy it).
#define lk_call(self, service, as, code, field, ...)                                     \
    lk_call_at (__FILE__, __LINE__, self, service, as, code, field, __VA_ARGS__)
tk_msg_t *lk_call_at (const char *file, int line, lk_t *self, const char *service,
                      const char *as, const char *code, const char *field,
                      const char *fmt, ...) __attribute__ ((format (printf, 8, 9)));
//  The same, the reply dropped.
#define lk_ok(self, service, as, ...)                                                    \
    lk_drop (lk_call (self, service, as, NULL, NULL, __VA_ARGS__))
#define lk_err(self, service, as, code, field, ...)                                      \
    lk_drop (lk_call (self, service, as, code, field, __VA_ARGS__))
void lk_drop (tk_msg_t *msg);

//  Every page of a list query (a JSON map without limit or page), limit
//  items a page, as person: the ids (in field) of the items under key in
//  order, space-separated (free it). Checks that every page but the last is
//  full and names its last item as next, and that the last has no next.
#define lk_walk(self, service, as, limit, key, field, ...)                               \
    lk_walk_at (__FILE__, __LINE__, self, service, as, limit, key, field, __VA_ARGS__)
char *lk_walk_at (const char *file, int line, lk_t *self, const char *service,
                  const char *as, int limit, const char *key, const char *field,
                  const char *fmt, ...) __attribute__ ((format (printf, 9, 10)));

//  The ids of the items under key in a reply, space-separated (free it).
char *lk_ids (tk_msg_t *reply, const char *key, const char *field);

#endif
