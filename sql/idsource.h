/*
 * idsource.h — the stream of work item ids a query matches, read from WIQL
 * in Id order, past the 20,000-result cap.
 *
 * HOW IT WORKS.  Each WIQL page asks for ids above the last one seen
 * ([System.Id] > last, ORDER BY [System.Id], $top=20000): one request per
 * 20,000 ids.  Whether $top keeps a query that matches more than 20,000 items
 * from failing with VS402337 is not documented, so when the service answers
 * VS402337 the source switches to Id windows that can never hold more than
 * 20,000 ids (ids are unique): it first tries the open-ended rest
 * (> last), and on VS402337 fetches the window (last, last + 20000] instead.
 * Descending order in that mode collects all ids first (8 bytes each) and
 * serves them backwards.
 *
 * Conditions SQLite re-checks may be dropped at any time without changing
 * the result (see wiql.h): that is how an unknown area path (which WIQL
 * refuses with TF51011 where SQL would simply match nothing) and an
 * over-long query are survived.
 */
#ifndef AZDO_IDSOURCE_H
#define AZDO_IDSOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "../rest/client.h"
#include "wiql.h"

typedef struct azdo_idsource azdo_idsource;

/* where: the conditions (copied).  fallback (copied; NULL = none): the
 * exact-only conditions, used from the moment the service refuses a widened
 * term (TF51011, an area or iteration path that does not exist) or the
 * query would pass the 32,000-character limit.  limit < 0: no limit. */
azdo_idsource *azdo_idsource_new(azdo_client *c, const azdo_wiql_where *where, const azdo_wiql_where *fallback,
                                 int desc, int64_t limit);
/* A source of known ids (a lookup by Id, no WIQL): served in Id order
 * (desc: descending), each once.  NULL on OOM. */
azdo_idsource *azdo_idsource_new_ids(const int64_t *ids, size_t n, int desc);
/* Fills up to max ids; *got == 0 means the end. */
azdo_errkind azdo_idsource_next(azdo_idsource *src, int64_t *ids, size_t max, size_t *got, azdo_error *err);
/* WIQL requests made so far (for tests and traces). */
int azdo_idsource_requests(const azdo_idsource *src);
void azdo_idsource_free(azdo_idsource *src);

/* True when err is Azure DevOps' VS402337 "more than 20000 results". */
int azdo_is_size_limit_error(const azdo_error *err);

#endif
