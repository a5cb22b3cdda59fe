/* itemcache.c — see itemcache.h.  Open addressing over a power-of-two
 * table twice the maximum size, so probes stay short and nothing is ever
 * moved (kept items never change address). */
#include "itemcache.h"

#include <stdlib.h>

#define SLOTS (2 * AZDO_ITEMCACHE_MAX)

typedef struct slot {
    int64_t id; /* 0 = empty (work item ids start at 1) */
    cJSON *item; /* NULL with id set: known not to exist */
} slot;

struct azdo_itemcache {
    slot *slots;
    int n;
};

azdo_itemcache *azdo_itemcache_new(void)
{
    azdo_itemcache *c = calloc(1, sizeof *c);
    if (c && !(c->slots = calloc(SLOTS, sizeof *c->slots))) {
        free(c);
        c = NULL;
    }
    return c;
}

void azdo_itemcache_free(azdo_itemcache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < SLOTS; i++)
        cJSON_Delete(c->slots[i].item);
    free(c->slots);
    free(c);
}

static size_t home(int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */
    return (size_t)(h >> 32) & (SLOTS - 1);
}

static const slot *find(const azdo_itemcache *c, int64_t id)
{
    for (size_t i = home(id), k = 0; k < SLOTS; i = (i + 1) & (SLOTS - 1), k++) {
        if (c->slots[i].id == id)
            return &c->slots[i];
        if (c->slots[i].id == 0)
            return NULL;
    }
    return NULL;
}

const cJSON *azdo_itemcache_get(const azdo_itemcache *c, int64_t id, int *known)
{
    const slot *s = c && id > 0 ? find(c, id) : NULL;
    *known = s != NULL;
    return s ? s->item : NULL;
}

const cJSON *azdo_itemcache_put(azdo_itemcache *c, int64_t id, const cJSON *item)
{
    if (!c || id <= 0 || c->n >= AZDO_ITEMCACHE_MAX || find(c, id))
        return NULL;
    cJSON *copy = NULL;
    if (item && !(copy = cJSON_Duplicate(item, 1)))
        return NULL;
    size_t i = home(id);
    while (c->slots[i].id != 0)
        i = (i + 1) & (SLOTS - 1);
    c->slots[i].id = id;
    c->slots[i].item = copy;
    c->n++;
    return copy;
}
