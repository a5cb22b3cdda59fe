/*
 * tasks.h — the Tasks view: work items as another task system sees them.
 *
 *   Tasks(Id, LinkId, TaskUrl, Type, State, Name, Description, CreatedAt, CreatedBy)
 *
 * Type and State are translated through TypeMap and StateMap
 * ("TaskType=Work Item Type;…", "TaskState=State;…"); values the maps do not
 * cover read as 'Unknown' and are refused on write.  LinkId is the field
 * named by LinkIdField (another system's id).  It is an SQLite view over
 * WorkItems with INSTEAD OF triggers, so reads and writes go through the same
 * pushdown, REST calls and per-row errors as WorkItems itself.
 */
#ifndef AZDO_TASKS_H
#define AZDO_TASKS_H

#include <sqlite3.h>
#include <stddef.h>

#include "../rest/azdo_config.h"
#include "../rest/azdo_error.h"
#include "schema.h"

typedef struct azdo_map {
    char **keys;
    char **values;
    size_t n;
} azdo_map;

/* Parses "Key=Value;Key=Value" (spaces around keys and values trimmed;
 * empty entries skipped).  Returns 0; -1 on OOM; 1 with msg on a bad entry
 * (no '=', empty key or value, a key given twice). */
int azdo_map_parse(const char *text, azdo_map *out, char *msg, size_t msglen);
void azdo_map_clear(azdo_map *m);

/* Creates TasksTypeMap, TasksStateMap, the Tasks view and its triggers.
 * AZDO_ERR_CONFIG (naming the key) for a bad TypeMap, StateMap or LinkIdField. */
azdo_errkind azdo_tasks_create(sqlite3 *db, const azdo_schema *s, const azdo_config *cfg, azdo_error *err);

#endif
