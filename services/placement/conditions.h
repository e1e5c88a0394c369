/*  conditions - the start conditions of a placement (DOMAIN.md section 3):
    the candidate admitted, both agreements signed, supervisor and buddy
    named, 12-24 hours within the vacancy's range, a host meeting all nine
    requirements; and, so a place is not given twice, the vacancy and the
    candidate not already in another started placement. Each unmet
    condition has a code (the error's field) and a text for people.  */
#ifndef OPSTAP_PLACEMENT_CONDITIONS_H
#define OPSTAP_PLACEMENT_CONDITIONS_H

#include "records.h"

#define CONDITIONS_MAX 20
//  The runtime keeps error messages to 255 bytes.
#define CONDITIONS_MESSAGE_MAX 256

typedef struct {
    size_t count;
    char code[CONDITIONS_MAX][48];
    char text[CONDITIONS_MAX][80];
} conditions_t;

//  Fills out with the conditions p does not meet, in the order of the
//  domain text. candidate NULL: not known (erased or never registered).
void conditions_unmet (const placement_t *p, const known_t *candidate, const vacancy_t *v,
                       const host_t *h, conditions_t *out);
//  "cannot start: a; b; host requirements x, y not met" into buf; when
//  that is longer than an error message can be, the codes alone:
//  "cannot start: a,b,host.requirements(x y)". Every condition but the
//  hours (which proposing already enforces) unmet at once still fits.
void conditions_message (const conditions_t *self, char *buf, size_t size);
//  Packs the codes as an array under key.
void conditions_pack (const conditions_t *self, kv_t *kv, const char *key);
//  Loads what p's conditions depend on and evaluates them; -1 after
//  cmd_fail when the store fails.
int conditions_check (cmd_ctx_t *ctx, const placement_t *p, conditions_t *out);

#endif
