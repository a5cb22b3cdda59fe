/*
 * vtab_workitems.h — the WorkItems virtual table module ("azdo").
 */
#ifndef AZDO_VTAB_WORKITEMS_H
#define AZDO_VTAB_WORKITEMS_H

#include <sqlite3.h>

#include "../rest/client.h"
#include "schema.h"

/* Shared by the module and the session that owns it. */
typedef struct azdo_vtab_env {
    azdo_client *client;
    const azdo_schema *schema;
    int project_scoped;   /* add [System.TeamProject] = @project */
    azdo_error last_error; /* the last REST error inside a vtab call */
    int has_error;
    int write_intent;      /* the statement being prepared is an UPDATE/DELETE (azdo_session.h) */

    /* writes */
    const char *base_url;       /* for parent links */
    const char *project;        /* the connection's project ("" = none) */
    const char *default_type;   /* DefaultWorkItemType, NULL = none */
    azdo_write_flags flags;     /* ValidateOnly, BypassRules, SuppressNotifications */
    int delete_destroy;         /* DeleteMode=Destroy */
    /* what the current statement has written so far, for an honest error if
     * it fails part-way (Azure DevOps has no transactions to roll back) */
    long written;
    int64_t written_ids[8];
    /* WHERE Id = m AND Rev = n pairs of the running UPDATE/DELETE: the
     * revision each item must still be at (per item, so subqueries and OR
     * branches cannot mix them up); reset with `written` */
    struct {
        int64_t id, rev;
        int conflicting; /* the statement named two revisions for this item */
    } expected[64];
    int nexpected;
    /* a parameter array in progress (azdo_session_defer_begin): writes go
     * to this queue, tagged with the current set, instead of running now */
    struct azdo_writeq *writeq;
    long write_tag;
    /* MaxConcurrency requests at a time: a query's batches (fetchq.h) and a
     * parameter array's writes (writeq.h) run on this pool, made when first
     * needed and kept (with its workers' keep-alive connections) until the
     * session closes */
    int max_concurrency;
    struct azdo_pool *pool;
    unsigned long write_gen; /* counts writes: cursors drop cached items when it moves */
} azdo_vtab_env;

/* The session's pool (made on first use); NULL with MaxConcurrency 1 or
 * when out of memory (callers then run requests one at a time). */
struct azdo_pool *azdo_vtab_pool(azdo_vtab_env *env);

/* Registers the "azdo" module on db; env must outlive db. */
int azdo_vtab_register(sqlite3 *db, azdo_vtab_env *env);

#endif
