/*  page - one page of a list query: at most limit items (1-200, default
    50) after the item named by page, in key order; the reply holds the
    items under the list's key, their count and, when more follow, next:
    the page to ask for next. A handler scans its table from page, adds the
    items it keeps, and stops when page_full says so. (Not "after": that
    is the envelope's stream positions.)  */
#ifndef OPSTAP_PAGE_H
#define OPSTAP_PAGE_H

#include "kv.h"
#include "schema.h"

#define PAGE_LIMIT_DEFAULT 50
#define PAGE_LIMIT_MAX     200
//  The two fields every list query takes.
#define PAGE_FIELDS                                                                      \
    {"limit", F_INT, false, 1, PAGE_LIMIT_MAX, 0, NULL, NULL},                           \
    {                                                                                    \
        "page", F_ID, false, 0, 0, 0, NULL, NULL                                         \
    }

typedef struct {
    uint32_t limit;
    char after[CODEC_ID_MAX + 1]; //  the page asked for: "" for the first
    uint32_t count;
    char last[CODEC_ID_MAX + 1]; //  the last item's id
    bool more;                   //  an item matched past the limit
    msgpack_sbuffer items;
    msgpack_packer pk;
} page_t;

//  Reads limit and page from a query's body (already checked).
void page_init (page_t *self, const msgpack_object *body);
void page_destroy (page_t *self);
//  Whether the page holds limit items; asked before adding one, it marks
//  that more follow (then the scan stops).
bool page_full (page_t *self);
//  The packer for one more item, whose id is the next page's after.
msgpack_packer *page_add (page_t *self, const char *id);
//  Adds count, the items under key, and next when more follow.
void page_finish (page_t *self, kv_t *reply, const char *key);
//  Where a scan of a table keyed by ids starts: the page asked for, or the
//  first key (NULL). An item whose id equals it is the previous page's
//  last.
const char *page_from (page_t *self, size_t *len);
bool page_before (page_t *self, const char *id);

#endif
