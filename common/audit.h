/*  audit - the trail of who did what in one service instance: caller key,
    command or query, office, record, time and outcome. Kept in an LMDB
    environment of its own (<data>/<instance>.audit) so that it can be
    backed up, kept and read apart from the service's data. Ids only:
    never contact details or free text.  */
#ifndef OPSTAP_AUDIT_H
#define OPSTAP_AUDIT_H

#include <czmq.h>

#include "codec.h"
#include "kv.h"

typedef struct {
    const char *key;     //  caller's public key, "" without keys
    const char *caller;  //  the policy's name for it, "" without keys
    const char *cmd;     //  command, query, or "replay"
    const char *office;  //  "" for all
    const char *record;  //  the id it was about, "" for none
    const char *outcome; //  "ok" or an error code
} audit_entry_t;

typedef struct {
    const char *office; //  NULL or "": any
    const char *caller; //  matches key or name
    const char *record;
    const char *from; //  date or time prefix, inclusive
    const char *to;   //  date, inclusive
    uint32_t max;     //  entries at most (0: 1000)
} audit_filter_t;

typedef struct _audit_t audit_t;

audit_t *audit_new (const char *path, oerr_t *err);
void audit_destroy (audit_t **self_p);

//  Keeps an entry until the next audit_flush, stamped with the time now.
void audit_add (audit_t *self, const audit_entry_t *entry);
//  Writes the kept entries in one transaction. -1 with err on failure (the
//  entries stay kept for the next try).
int audit_flush (audit_t *self, oerr_t *err);
size_t audit_pending (audit_t *self);
//  Written entries reach the disk: they are committed without waiting for
//  it (a process crash keeps them, a power cut may lose the last second).
int audit_sync (audit_t *self, oerr_t *err);

//  Adds "entries" (those that match, oldest first) and "more" (whether
//  more matched than were given) to out.
int audit_query (audit_t *self, const audit_filter_t *filter, kv_t *out, oerr_t *err);
//  Deletes the entries recorded before cutoff_ms (wall clock); how many.
int audit_expire (audit_t *self, int64_t cutoff_ms, size_t *deleted, oerr_t *err);
//  Adds to count the entries that hold id anywhere (erase.check).
int audit_count (audit_t *self, const char *id, size_t *count, oerr_t *err);
//  Whether any entry, written or kept, holds id; reads only (erasure asks
//  inside another store's transaction).
int audit_holds (audit_t *self, const char *id, bool *holds, oerr_t *err);
//  Replaces record by token in every entry (erasure); 0 or -1.
int audit_rekey (audit_t *self, const char *record, const char *token, oerr_t *err);

#endif
