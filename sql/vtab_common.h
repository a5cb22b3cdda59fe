/*
 * vtab_common.h — error reporting shared by the virtual tables
 * (WorkItems, WorkItemComments).
 */
#ifndef AZDO_VTAB_COMMON_H
#define AZDO_VTAB_COMMON_H

#include <sqlite3.h>

#include "vtab_workitems.h"

/* Keeps err as the session's last REST error (the driver maps it to an
 * SQLSTATE) and as the vtab's SQLite message; returns SQLITE_ERROR. */
int azdo_vtab_fail(azdo_vtab_env *env, sqlite3_vtab *vt, const azdo_error *err);
int azdo_vtab_fail_msg(azdo_vtab_env *env, sqlite3_vtab *vt, azdo_errkind kind, const char *msg);

/* The same for a failed write, first telling which rows the statement had
 * already written — Azure DevOps has no transactions to roll them back.
 * `noun` names what the ids are ("work item", "comment"). */
int azdo_vtab_write_fail(azdo_vtab_env *env, sqlite3_vtab *vt, azdo_error *err, const char *noun);
int azdo_vtab_write_fail_msg(azdo_vtab_env *env, sqlite3_vtab *vt, azdo_errkind kind, const char *msg,
                             const char *noun);

#endif
