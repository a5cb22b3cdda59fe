/*
 * itemcache.h — work items a cursor already read, by id (pure, no I/O).
 *
 * The inner side of a join on Id (`JOIN WorkItems p ON p.Id = c.ParentId`)
 * is one cursor that SQLite filters again for every outer row: many
 * children share a parent, and without a memory each would fetch it again.
 * The cursor keeps the items its id lookups returned, for the life of the
 * cursor (one statement), so each is fetched once.
 *
 * Bounded: past AZDO_ITEMCACHE_MAX items nothing more is kept (what is kept
 * stays valid, so rows can point into it).  Items are copies the cache owns.
 */
#ifndef AZDO_ITEMCACHE_H
#define AZDO_ITEMCACHE_H

#include <cjson/cJSON.h>
#include <stdint.h>

#define AZDO_ITEMCACHE_MAX 4096

typedef struct azdo_itemcache azdo_itemcache;

azdo_itemcache *azdo_itemcache_new(void);
void azdo_itemcache_free(azdo_itemcache *c); /* NULL: no-op */

/* The item for id, or NULL.  *known is set to 1 when the cache knows the id
 * does not exist (it was looked up and absent): then NULL means "no row". */
const cJSON *azdo_itemcache_get(const azdo_itemcache *c, int64_t id, int *known);

/* Keeps a copy of item for id (item NULL: id does not exist).  Returns the
 * kept copy (NULL when full, out of memory, or item was NULL). */
const cJSON *azdo_itemcache_put(azdo_itemcache *c, int64_t id, const cJSON *item);

#endif
