/*
 * vtab_comments.h — the WorkItemComments virtual table module ("azdo_comments").
 */
#ifndef AZDO_VTAB_COMMENTS_H
#define AZDO_VTAB_COMMENTS_H

#include <sqlite3.h>

#include "vtab_workitems.h" /* azdo_vtab_env, shared with WorkItems */

/* Registers the "azdo_comments" module on db; env must outlive db.  Create
 * the table with `CREATE VIRTUAL TABLE main.WorkItemComments USING azdo_comments`. */
int azdo_vtab_comments_register(sqlite3 *db, azdo_vtab_env *env);

#endif
