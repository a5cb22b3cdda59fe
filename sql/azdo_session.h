/*
 * azdo_session.h — what driver/ sees of the SQL side.
 *
 * A session is one ODBC connection's view of Azure DevOps: an in-memory SQLite
 * database in which WorkItems (and later other tables) are virtual tables that
 * fetch over REST.  driver/ prepares and steps statements on azdo_session_db()
 * with the ordinary sqlite3 API; when a step fails because of Azure DevOps
 * (bad credentials, rejected WIQL, malformed response …) the structured error
 * is available from azdo_session_last_error(), because SQLite itself keeps only
 * a string.
 */
#ifndef AZDO_SESSION_H
#define AZDO_SESSION_H

#include <sqlite3.h>
#include "../rest/azdo_config.h"
#include "../rest/azdo_error.h"
#include "../rest/azdo_http.h"
#include "../rest/clock.h"

typedef struct azdo_session azdo_session;

/*
 * Validates the credentials with one cheap request, reads the organization's
 * field definitions, opens the SQLite database and creates the tables.
 * `transport` is taken over by the session (destroyed by azdo_session_close,
 * also on failure); pass NULL for the default libcurl transport.
 * On failure returns the error kind, fills err and sets *out to NULL.
 */
azdo_errkind azdo_session_open(const azdo_config *cfg, azdo_transport *transport,
                               azdo_session **out, azdo_error *err);

/* The same with a clock of the caller's (tests: retry timing without real
 * sleeps); NULL = the system clock.  The clock must outlive the session. */
azdo_errkind azdo_session_open_ex(const azdo_config *cfg, azdo_transport *transport, azdo_clock *clock,
                                  azdo_session **out, azdo_error *err);

sqlite3 *azdo_session_db(azdo_session *s);

/* The last REST error raised inside a virtual-table call, or NULL if the last
 * failure did not come from Azure DevOps.  Cleared by azdo_session_clear_error
 * (the driver calls it before each statement execution). */
const azdo_error *azdo_session_last_error(const azdo_session *s);
void azdo_session_clear_error(azdo_session *s);

/*
 * Statement control, safe to call from another thread while a statement runs.
 *
 * azdo_session_begin_statement: called before each execution; clears a
 *   pending cancel and sets the deadline for everything the statement does
 *   over HTTP (requests and retry waits): timeout_s seconds from now, 0 = none
 *   (SQL_ATTR_QUERY_TIMEOUT).  Past it, the request in flight is aborted and
 *   the statement fails with AZDO_ERR_TIMEOUT.
 * azdo_session_cancel: aborts the request or retry wait in flight promptly;
 *   the statement fails with AZDO_ERR_CANCELLED (SQLCancel).
 */
void azdo_session_begin_statement(azdo_session *s, long timeout_s);
void azdo_session_cancel(azdo_session *s);

/*
 * Write intent: call with 1 before preparing an UPDATE or DELETE on
 * WorkItems, and 0 before anything else (the driver does it for every
 * prepare).  Under write intent a `Rev = n` condition is not evaluated by
 * SQLite but sent with the change as a `test /rev` operation, so a stale
 * revision fails the row with AZDO_ERR_CONFLICT (40001) instead of
 * silently matching nothing.  The plan is fixed at prepare time.
 */
void azdo_session_set_write_intent(azdo_session *s, int on);

/* Work items the current statement has written so far (created, updated or
 * deleted), counted since azdo_session_begin_statement.  After a failed step
 * these writes stay: Azure DevOps has no transactions. */
long azdo_session_statement_writes(const azdo_session *s);

/*
 * Concurrent writes for a parameter array (MaxConcurrency).
 *
 * azdo_session_defer_begin: before the sets of an array run through vm.
 *   When vm writes WorkItems directly and nothing else (not the Tasks view,
 *   whose trigger reads back each new item), MaxConcurrency > 1 and the
 *   transport can run requests side by side, returns 1: from now on each
 *   row's create/update/delete is queued and sent with up to MaxConcurrency
 *   requests in flight, while the next sets run; a step succeeds once its
 *   writes are queued.  Each write's outcome reaches fn(ctx, tag, err) on
 *   this thread as soon as it is known (during later steps, or at the end),
 *   in no particular order: err NULL when it was written, else why not (the
 *   same errors a step reports).  Otherwise returns 0 and nothing changes.
 * azdo_session_defer_tag: the set the following steps belong to.
 * azdo_session_defer_end: waits for the writes still in flight and reports
 *   them; sets sqlite3_last_insert_rowid to the last row's created item (or
 *   leaves what it was before the array when none was created).
 * Reads during the array (an UPDATE's WHERE) first wait for queued writes
 * they could see, so every set sees what the sets before it wrote.
 */
typedef void (*azdo_defer_outcome_fn)(void *ctx, long tag, const azdo_error *err);
int azdo_session_defer_begin(azdo_session *s, sqlite3_stmt *vm, azdo_defer_outcome_fn fn, void *ctx);
void azdo_session_defer_tag(azdo_session *s, long tag);
void azdo_session_defer_end(azdo_session *s);

/* SQL_ATTR_ACCESS_MODE: on = nothing may be written (SQLite's query_only,
 * which SQL itself may not switch off).  0, or -1 on failure. */
int azdo_session_set_read_only(azdo_session *s, int on);

/* Display name of the authenticated user (for SQL_USER_NAME), or "". */
const char *azdo_session_user(const azdo_session *s);

void azdo_session_close(azdo_session *s);   /* NULL is a no-op */

#endif
