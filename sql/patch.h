/*
 * patch.h — the JSON Patch for one work item write.  Pure: no I/O.
 *
 * A column value becomes {"op":"add","path":"/fields/<ref>","value":…} with
 * the JSON type the field wants: integer and double fields numbers (text that
 * is a number is converted the way SQLite would), dates ISO 8601 UTC,
 * booleans true/false, everything else strings (identities as given:
 * "Name <mail>", a display name or an e-mail — the service resolves them).
 * NULL on an update clears the field: `add ""` for text-like fields (as the
 * Azure DevOps examples do for AssignedTo), `remove` for the others.
 */
#ifndef AZDO_PATCH_H
#define AZDO_PATCH_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "wiql.h"

typedef struct azdo_patch azdo_patch;

azdo_patch *azdo_patch_new(void);
void azdo_patch_free(azdo_patch *p);

/* {"op":"test","path":"/rev","value":rev}: the service refuses the whole
 * patch (412) when the item has moved on. */
int azdo_patch_test_rev(azdo_patch *p, int64_t rev);

/* Sets (or clears) the field behind col.  Returns 0; -1 on OOM; 1 when the
 * value cannot go into that field, with a message naming the column in msg. */
int azdo_patch_field(azdo_patch *p, const azdo_column *col, const azdo_val *v, int is_update, char *msg,
                     size_t msglen);

/* The parent link (System.LinkTypes.Hierarchy-Reverse to base_url's work item). */
int azdo_patch_add_parent(azdo_patch *p, const char *base_url, int64_t parent_id);
int azdo_patch_remove_relation(azdo_patch *p, int index);

int azdo_patch_count(const azdo_patch *p);
/* The patch as JSON text (malloc'd), NULL on OOM. */
char *azdo_patch_text(const azdo_patch *p);

#endif
