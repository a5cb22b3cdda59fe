/*
 * value.h — Azure DevOps JSON values → SQL values.  Pure: no I/O.
 *
 * Dates become UTC text "YYYY-MM-DD HH:MM:SS.fff" — always three fraction
 * digits, more only when the service sent non-zero digits beyond the
 * millisecond — so text order equals time order and SQLite's date functions
 * read them.  Identities become "Display Name <unique@name>", the form Azure
 * DevOps accepts back in WIQL and in writes.
 */
#ifndef AZDO_VALUE_H
#define AZDO_VALUE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define AZDO_DATETIME_MAX 40

/* ISO 8601 "2014-12-29T20:49:21.617Z" (0–7 fraction digits, 'Z' or +hh:mm
 * offset, or no zone meaning UTC) → normalized UTC text.  Returns 0 on
 * success, -1 when the input is not a valid date-time. */
int azdo_datetime_normalize(const char *in, char out[AZDO_DATETIME_MAX]);

/* Parses the leading "YYYY-MM-DD" of s (a valid calendar date) into y/m/d;
 * returns 0 on success. */
int azdo_date_prefix(const char *s, int *y, int *m, int *d);
/* The calendar day after y-m-d. */
void azdo_date_next_day(int *y, int *m, int *d);

typedef enum azdo_identity_part {
    AZDO_ID_FULL,    /* "Display <unique>" (just Display when there is no unique name) */
    AZDO_ID_DISPLAY, /* displayName */
    AZDO_ID_UNIQUE   /* uniqueName */
} azdo_identity_part;

/* From an IdentityRef object or the string form "Display <unique>".  Returns
 * a malloc'd string, or NULL when the part is absent (or on OOM: *oom = 1). */
char *azdo_identity_text(const cJSON *v, azdo_identity_part part, int *oom);

#endif
