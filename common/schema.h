/*  schema - declarative validation of a command's fields: every type,
    length, range and enum is checked before a handler sees the command.  */
#ifndef OPSTAP_SCHEMA_H
#define OPSTAP_SCHEMA_H

#include "codec.h"

typedef enum {
    F_ID,    //  identifier, never BSN-like
    F_LABEL, //  short code or tag
    F_TEXT,  //  free text, stays in its store
    F_DATE,  //  YYYY-MM-DD
    F_PAST,  //  YYYY-MM-DD of something that happened: not after tomorrow
    F_BOOL,
    F_INT,   //  integer in [min, max]
    F_NUM,   //  number in [min, max], a multiple of step when step > 0
    F_ENUM,  //  one of values
    F_MAP,   //  nested map checked against fields
    F_IDS,   //  array of identifiers, at most max items, no repeats
    F_LABELS //  array of labels, at most max items, no repeats
} ftype_t;

typedef struct field_s {
    const char *name;
    ftype_t type;
    bool required;
    double min, max, step;
    const char *const *values;
    const struct field_s *fields;
} field_t;

//  Checks map against fields (terminated by an entry with name NULL). Keys
//  named in ignore (NULL-terminated, may be NULL) are skipped; any other
//  unknown key is refused. Nil counts as absent.
int schema_check (const msgpack_object *map, const field_t *fields,
                  const char *const *ignore, oerr_t *err);

#endif
