/*
 * plan.h — the WorkItems query planner: which WHERE terms, ORDER BY and LIMIT
 * go to Azure DevOps.  Pure (no SQLite handles, no I/O): vtab_workitems.c
 * translates sqlite3_index_info to and from these structs, so the rules below
 * are unit-tested on their own.
 *
 * Rules (see also docs/pushdown.md):
 *   - A term is pushed only when the column's capabilities (schema.h) allow
 *     that operator.  Pushed terms must select a SUPERSET of the rows SQLite
 *     would keep, because SQLite re-checks them (omit = 0) — WIQL text
 *     comparison is case-insensitive, SQLite's is not.
 *   - Only terms on Id are exact (omit = 1): integers compare the same way.
 *   - ORDER BY is consumed only for a single "Id ASC" or "Id DESC".
 *   - LIMIT/OFFSET are used only when every WHERE term is exact and the
 *     order is consumed or absent — otherwise SQLite would drop rows after
 *     the service already cut the list.
 *
 * idxStr grammar (the whole plan lives in idxNum = 1 + idxStr):
 *   term   := 'c' <col> ',' <op> ',' <argv> ';'   argv: 1-based xFilter argument, 0 = none
 *   order  := 'o' <col> ',' <desc> ';'
 *   limit  := 'l' <argv> ';'    offset := 'f' <argv> ';'
 *   used   := 'u' <hex colUsed> ';'
 *   rev    := 'r' <argv> ';'    under write intent, next to a usable Id = m: the
 *                               revision an UPDATE/DELETE expects for item m (sent
 *                               as "test /rev", never filtered on)
 */
#ifndef AZDO_PLAN_H
#define AZDO_PLAN_H

#include <stdint.h>

#include "schema.h"

typedef enum azdo_op {
    AZDO_OP_EQ,
    AZDO_OP_NE,
    AZDO_OP_LT,
    AZDO_OP_LE,
    AZDO_OP_GT,
    AZDO_OP_GE,
    AZDO_OP_IN,   /* an IN list delivered all at once (sqlite3_vtab_in) */
    AZDO_OP_LIKE,
    AZDO_OP_ISNULL,
    AZDO_OP_ISNOTNULL,
    AZDO_OP_LIMIT,
    AZDO_OP_OFFSET,
    AZDO_OP_OTHER /* anything WIQL cannot express */
} azdo_op;

typedef struct azdo_plan_cons {
    int col;
    azdo_op op;
    int usable;
} azdo_plan_cons;

typedef struct azdo_plan_use {
    int argv_index; /* 0 = not used */
    int omit;
} azdo_plan_use;

typedef struct azdo_plan_request {
    const azdo_schema *schema;
    int ncons;
    const azdo_plan_cons *cons;
    int norder;
    const int *order_col;
    const int *order_desc;
    uint64_t col_used;
    int write_intent;  /* UPDATE/DELETE: a Rev = n term is the expected revision */
} azdo_plan_request;

typedef struct azdo_plan_result {
    azdo_plan_use *use;   /* ncons entries, provided by the caller */
    int order_consumed;
    double cost;          /* roughly: HTTP round trips */
    int64_t rows;
    char *idx_str;        /* malloc'd (free()); NULL on OOM */
} azdo_plan_result;

/* The column capability (AZDO_CAP_*) an operator needs; 0 when none can. */
unsigned azdo_plan_cap_for(azdo_op op);

/* Returns 0, or -1 on OOM. */
int azdo_plan_best(const azdo_plan_request *req, azdo_plan_result *res);

typedef struct azdo_plan_term {
    int col;
    azdo_op op;
    int argv;
} azdo_plan_term;

typedef struct azdo_plan {
    int nterms;
    azdo_plan_term *terms;
    int order_col;   /* -1 when the order is not consumed */
    int order_desc;
    int limit_argv;  /* 0 when absent */
    int offset_argv;
    int rev_argv;    /* 0 when absent: the expected revision (write intent) */
    uint64_t col_used;
} azdo_plan;

/* Parses idx_str (NULL = full scan).  Returns 0, or -1 on a malformed string or OOM. */
int azdo_plan_decode(const char *idx_str, int ncols, azdo_plan *out);
void azdo_plan_clear(azdo_plan *p);

#endif
