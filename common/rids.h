/*  rids - the replies remembered by request id, so that a command sent
    again is answered as the first time and not applied twice. A reply is
    kept beside the record the command names when the service keeps its
    records in an index table (service_def_t.index and .subject): under the
    record's id, a byte 0x01 and the rid, on the record's page, one B-tree
    fewer per commit (docs/PERFORMANCE.md, finding 14). Otherwise, and for
    a command that erases (CMD_ERASES: remembered beside the record it
    erases, it would put the id back), in the rids table under the rid.  */
#ifndef OPSTAP_RIDS_H
#define OPSTAP_RIDS_H

#include "request.h"
#include "store.h"

//  rid -> the command's name, a NUL, its reply.
extern const store_table_t rids_table[1];

#define RIDS_KEY_MAX (2 * CODEC_ID_MAX + 1)

//  Where one command's reply is kept; table NULL: it is not kept.
typedef struct {
    const store_table_t *table;
    bool beside; //  in the index table, beside the record the command names
    uint8_t key[RIDS_KEY_MAX];
    size_t klen;
} rid_key_t;

//  Where request's reply goes, for a service keeping its records in index
//  (NULL: none) with subject the body field that names a command's record.
void rids_key (request_t *request, const store_table_t *index, const char *subject,
               rid_key_t *out);
//  1 when the rid was answered before (the request's reply is set, or it
//  failed with conflict when the rid was another command's), 0 when new.
int rids_recall (store_tx_t *tx, request_t *request, const rid_key_t *key);
//  Keeps the request's reply (it must be packed) under key.
int rids_remember (store_tx_t *tx, request_t *request, const rid_key_t *key);
//  Deletes every reply that names id: those beside its record in index
//  (NULL: none), and those in rids that hold it.
int rids_forget (store_tx_t *tx, const store_table_t *index, const char *id);
//  Whether key, in an index table, is a record's own key: not a subject
//  index entry (id, NUL, seq) nor a reply (id, 0x01, rid). Ids hold
//  neither byte.
bool rids_record_key (const void *key, size_t klen);

#endif
