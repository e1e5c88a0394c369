/*  persons - the people (and systems) the gateway acts for, as every
    service learns them from the gateway's stream: each one's role, the
    offices they act for and what links them to records (the expert they
    are, the trainer they are, the host they supervise at). A request the
    gateway sends "as" a person is allowed only what that person may do;
    the service checks it (persons_permit, then its own record-level rule,
    service_def_t.may) and its audit trail names the person.  */
#ifndef OPSTAP_PERSONS_H
#define OPSTAP_PERSONS_H

#include "command.h"
#include "policy.h"
#include "store.h"

//  name -> the person as last learnt (MessagePack).
extern const store_table_t persons_table[1];
#define PERSONS_TABLES persons_table

#define PERSONS_SERVICE "gateway"

typedef struct {
    caller_t caller; //  name, role and offices, as a key's policy line has them
    char expert[CODEC_ID_MAX + 1];  //  the expert record they are, "" for none
    char trainer[CODEC_ID_MAX + 1]; //  the trainer they are (a cohort's trainer)
    char host[CODEC_ID_MAX + 1];    //  the host whose placements they supervise
    bool disabled;
} person_t;

//  Applies an event of the gateway's stream inside tx: 0 applied, 1 not a
//  person event, -1 when it cannot be applied (a store failure, or a role
//  or office list that is not one).
int persons_apply (store_tx_t *tx, const msgpack_object *event);
//  0 found, 1 none, -1 failure.
int persons_get (store_tx_t *tx, const char *name, person_t *out);
//  Whether person may send row for office (""; all offices): not disabled,
//  the row's roles include theirs, the office is theirs. -1 with err set
//  (forbidden, field "as") when not.
int persons_permit (const person_t *person, const command_t *row, const char *office,
                    oerr_t *err);

#endif
