/*
 * schema.h — WorkItems columns derived from the organization's field
 * definitions (GET _apis/wit/fields).  Pure: no I/O.
 *
 * Naming rule (documented in docs/tables.md):
 *   1. A column is named after the last segment of the field's reference name
 *      (System.AssignedTo → AssignedTo, Microsoft.VSTS.Common.Priority →
 *      Priority, Custom.RiskScore → RiskScore), with characters other than
 *      letters, digits and '_' replaced by '_'.
 *   2. Fields are named in a fixed order — the core System fields, then other
 *      System.*, Microsoft.VSTS.*, Custom.*, everything else (each group by
 *      reference name) — and a name already taken (case-insensitively) falls
 *      back to the whole reference name with '.' replaced by '_'
 *      (Custom.Priority → Custom_Priority); WEF_* board fields always use
 *      that form.  A name still taken gets _2, _3, ….
 *   3. Each identity field X also has XDisplayName and XUniqueName columns.
 *   4. System.Parent is ParentId (it holds the parent's id).
 * The order and the names depend only on the set of field definitions, never
 * on which fields happen to hold values.
 */
#ifndef AZDO_SCHEMA_H
#define AZDO_SCHEMA_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "../rest/azdo_error.h"

typedef enum azdo_ftype {
    AZDO_FT_INTEGER,
    AZDO_FT_DOUBLE,
    AZDO_FT_STRING,   /* short text: string, picklistString, guid */
    AZDO_FT_LONGTEXT, /* html, plainText, history */
    AZDO_FT_DATETIME,
    AZDO_FT_BOOLEAN,
    AZDO_FT_TREEPATH,
    AZDO_FT_IDENTITY
} azdo_ftype;

typedef enum azdo_colsrc {
    AZDO_SRC_FIELD,            /* the field's value */
    AZDO_SRC_IDENTITY_DISPLAY, /* displayName of an identity field */
    AZDO_SRC_IDENTITY_UNIQUE   /* uniqueName of an identity field */
} azdo_colsrc;

/* Pushdown capabilities of a column (see plan.h) */
enum {
    AZDO_CAP_EQ = 1 << 0,
    AZDO_CAP_NE = 1 << 1,
    AZDO_CAP_RANGE = 1 << 2, /* < <= > >= */
    AZDO_CAP_IN = 1 << 3,
    AZDO_CAP_LIKE = 1 << 4,
    AZDO_CAP_NULL = 1 << 5,  /* IS NULL / IS NOT NULL */
    AZDO_CAP_EXACT = 1 << 6, /* WIQL semantics equal SQLite's: the constraint can be omitted */
    AZDO_CAP_ORDER = 1 << 7  /* ORDER BY can be pushed exactly */
};

typedef struct azdo_column {
    char *name;       /* SQL column name */
    char *refname;    /* reference name of the field, e.g. System.AssignedTo */
    char *friendly;   /* the field's display name, e.g. "Assigned To" */
    azdo_ftype type;
    azdo_colsrc src;
    const char *decltype; /* declared SQL type: INTEGER, DOUBLE, VARCHAR(n), TEXT, TIMESTAMP, BOOLEAN */
    unsigned caps;
    int is_id;        /* System.Id */
    int is_rev;       /* System.Rev */
} azdo_column;

typedef struct azdo_schema {
    azdo_column *cols;
    size_t ncols;
} azdo_schema;

/* Builds the schema from the parsed fields answer ({"count","value":[…]}). */
azdo_errkind azdo_schema_from_fields(const cJSON *answer, azdo_schema **out, azdo_error *err);
void azdo_schema_free(azdo_schema *s);
/* Column index by name (case-insensitive), -1 when absent. */
int azdo_schema_find(const azdo_schema *s, const char *name);
/* The column holding the value of the field with this reference name, -1 when none. */
int azdo_schema_find_ref(const azdo_schema *s, const char *refname);
/* "CREATE TABLE x(Id INTEGER, …)" for sqlite3_declare_vtab; malloc'd, NULL on OOM. */
char *azdo_schema_create_sql(const azdo_schema *s, const char *table);

#endif
