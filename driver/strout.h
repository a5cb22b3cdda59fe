/*
 * strout.h — one way to hand a string result back to the application.
 *
 * ODBC returns strings through (buffer, capacity, length-out) triples whose
 * units differ by function and by A/W form: SQLDescribeColW and
 * SQLGetDiagRecW count characters, SQLGetInfoW and SQLColAttributeW count
 * bytes, the A forms count bytes of UTF-8.  Internal functions produce UTF-8
 * and write it through a drv_strout the entry point filled in, so the
 * unit rules live in exactly one place.
 */
#ifndef AZDO_STROUT_H
#define AZDO_STROUT_H

#include <stddef.h>
#include <sql.h>

typedef struct drv_strout {
    void *buf;       /* application buffer; NULL = only report the length */
    SQLLEN cap;      /* capacity in the units below, NUL included */
    int wide;        /* 1: write UTF-16 SQLWCHARs; 0: write UTF-8 bytes */
    int cap_bytes;   /* wide only: 1 when cap and the length are in bytes */
} drv_strout;

/* Convenience initialisers for the entry points. */
drv_strout drv_strout_a(void *buf, SQLLEN cap);          /* A form, bytes */
drv_strout drv_strout_w_chars(void *buf, SQLLEN cap);    /* W form, characters */
drv_strout drv_strout_w_bytes(void *buf, SQLLEN cap);    /* W form, bytes */

/*
 * Writes the UTF-8 string u8[0..n) into o, NUL-terminated, cut on a character
 * boundary when it does not fit.  *len (may be NULL) receives the FULL length
 * in o's units without the NUL.  Returns 1 when the value was truncated (the
 * caller then posts 01004 and returns SQL_SUCCESS_WITH_INFO), 0 otherwise,
 * and -1 when memory ran out.  A NULL buffer is not truncation.
 */
int drv_strout_put(const drv_strout *o, const char *u8, size_t n, SQLLEN *len);

#endif
