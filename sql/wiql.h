/*
 * wiql.h — plan terms + values → WIQL text.  Pure: no I/O, no SQLite handles.
 *
 * Every user value reaches WIQL through azdo_wiql_literal(), the one function
 * that quotes; field names come from the schema and are bracketed.  A term
 * marked `exact` was omitted from SQLite's re-check, so it is translated
 * exactly (with SQLite's INTEGER affinity rules for Id) or found always
 * true / never true; any other term may be widened or dropped, never narrowed.
 */
#ifndef AZDO_WIQL_H
#define AZDO_WIQL_H

#include <stddef.h>
#include <stdint.h>

#include "../rest/strbuf.h"
#include "plan.h"
#include "schema.h"

typedef enum azdo_vtype { AZDO_V_NULL, AZDO_V_INT, AZDO_V_REAL, AZDO_V_TEXT, AZDO_V_BLOB } azdo_vtype;

typedef struct azdo_val {
    azdo_vtype type;
    int64_t i;
    double r;
    const char *s; /* TEXT, NUL-terminated UTF-8 */
} azdo_val;

typedef struct azdo_wterm {
    int col;
    azdo_op op;
    const azdo_val *vals; /* one value, or the IN list; none for IS [NOT] NULL */
    size_t nvals;
    int exact;
} azdo_wterm;

typedef struct azdo_wiql_where {
    char *text;         /* conjunction of conditions, "" for none; malloc'd */
    int time_precision; /* a literal carries a time: send timePrecision=true */
    int never;          /* an exact term can never hold: no rows, no request */
} azdo_wiql_where;

/* Appends s as a quoted WIQL string literal ('' doubles a quote). */
void azdo_wiql_literal(strbuf *b, const char *s);

/* Builds the WHERE conjunction.  project_scoped: restrict to @project.
 * exact_only: leave out every term SQLite re-checks — the fallback when the
 * service refuses a widened term (an unknown area path, TF51011) or the text
 * would pass the 32,000-character limit; dropping such terms only widens.
 * Returns 0, -1 on OOM, -2 when an exact term names an operator its column
 * cannot carry (the planner never does that). */
int azdo_wiql_build_where(const azdo_schema *s, int project_scoped, const azdo_wterm *terms, size_t n,
                          int exact_only, azdo_wiql_where *out);

/* Length of the text in characters (what the 32,000 limit counts). */
size_t azdo_wiql_chars(const char *text);
void azdo_wiql_where_clear(azdo_wiql_where *w);

/* The full query for one Id window: ids > after (when after > 0) and
 * < before (when before > 0), ordered by Id.  malloc'd, NULL on OOM. */
char *azdo_wiql_query_text(const azdo_wiql_where *w, int64_t after, int64_t before, int desc);

#endif
