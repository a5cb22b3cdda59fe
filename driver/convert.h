/*
 * convert.h — value conversions between SQLite storage classes and ODBC C
 * types (PURE: no handles, no sqlite3 calls; results.c and stmt.c wrap the
 * sqlite3 values).
 *
 * Results (SQL -> C): a cv_value describes one column value; fixed-size C
 * types are written whole by cv_to_fixed(); CHAR/WCHAR/BINARY are produced as
 * a complete representation by cv_to_var() and handed out in chunks by
 * cv_chunk(), which implements the SQLGetData protocol (odbc-clients.md §8 #4):
 *   - each chunk NUL-terminated (CHAR: one byte, WCHAR: one SQLWCHAR),
 *   - *ind = the remaining length in bytes BEFORE this call,
 *   - 01004 (CV_TRUNC) while data remains, CV_OK with the exact length last.
 *
 * Parameters (C -> SQL): cv_from_c() turns an application buffer into a
 * value to bind.
 */
#ifndef AZDO_CONVERT_H
#define AZDO_CONVERT_H

#include <stddef.h>
#include <sql.h>
#include <sqlext.h>

typedef enum cv_kind { CV_NULL = 0, CV_INT, CV_FLOAT, CV_TEXT, CV_BLOB } cv_kind;

typedef struct cv_value {
    cv_kind kind;
    long long i;   /* CV_INT */
    double d;      /* CV_FLOAT */
    const char *p; /* CV_TEXT (UTF-8) / CV_BLOB bytes; not NUL-terminated necessarily */
    size_t n;      /* bytes */
} cv_value;

typedef enum cv_rc {
    CV_OK = 0,
    CV_TRUNC,           /* 01004 string data, right truncated (warning) */
    CV_FRAC,            /* 01S07 fractional truncation (warning) */
    CV_ERR_RANGE,       /* 22003 numeric value out of range */
    CV_ERR_CAST,        /* 22018 invalid character value for cast */
    CV_ERR_DATETIME,    /* 22007 invalid datetime format */
    CV_ERR_DTFIELD,     /* 22008 datetime field overflow (parameters) */
    CV_ERR_RESTRICTED,  /* 07006 restricted data type attribute violation */
    CV_ERR_UNSUPPORTED, /* HYC00 optional feature not implemented (e.g. SQL_C_NUMERIC) */
    CV_ERR_BADTYPE,     /* HY003 invalid application buffer type */
    CV_ERR_NOMEM        /* HY001 */
} cv_rc;

const char *cv_rc_state(cv_rc rc);   /* SQLSTATE, "" for CV_OK */
const char *cv_rc_message(cv_rc rc); /* English text for the diagnostic */
int cv_rc_is_error(cv_rc rc);        /* 1 for CV_ERR_* */

/* 1: supported C type; 0: not a C type (HY003); -1: valid but not implemented (HYC00). */
int cv_ctype_check(SQLSMALLINT ctype);
/* Size of a fixed-size C type, 0 for CHAR/WCHAR/BINARY (variable length). */
SQLLEN cv_ctype_size(SQLSMALLINT ctype);
/* The C type SQL_C_DEFAULT means for a SQL type. */
SQLSMALLINT cv_default_ctype(SQLSMALLINT sql_type);

/* Writes v into *target (cv_ctype_size(ctype) bytes).  v must not be CV_NULL. */
cv_rc cv_to_fixed(const cv_value *v, SQLSMALLINT ctype, void *target);

/* A variable-length representation of a value. */
typedef struct cv_var {
    const void *p;  /* the bytes (UTF-8, UTF-16 units, or raw) */
    size_t n;       /* length in bytes */
    void *owned;    /* malloc'd buffer p points into, or NULL when p borrows from the value */
    int numeric;    /* produced from a number: SQL -> CHAR truncation rules differ */
    size_t whole;   /* numeric: bytes up to the decimal point or exponent (the "whole digits") */
    char scratch[48];
} cv_var;

/*
 * Builds the representation of v for SQL_C_CHAR (UTF-8), SQL_C_WCHAR (UTF-16)
 * or SQL_C_BINARY.  May borrow v->p (so v's storage must outlive var).
 */
cv_rc cv_to_var(const cv_value *v, SQLSMALLINT ctype, cv_var *var);
void cv_var_free(cv_var *var);
/* Copies var->owned so the representation no longer borrows from the value. */
cv_rc cv_var_own(cv_var *var);

/*
 * Copies the next chunk of var starting at *off into buf (buflen bytes),
 * NUL-terminating CHAR and WCHAR chunks, sets *ind to the bytes remaining
 * before the call (ind may be NULL), advances *off.  Returns CV_OK when the
 * rest fitted, CV_TRUNC otherwise; for numbers in CHAR/WCHAR, CV_ERR_RANGE
 * when not even the whole digits fit (the ODBC rule for numeric -> char).
 * A NULL buf or zero buflen only reports the length (CV_TRUNC if non-empty).
 */
cv_rc cv_chunk(SQLSMALLINT ctype, const cv_var *var, size_t *off, void *buf, SQLLEN buflen,
               SQLLEN *ind);

/*
 * Parses 'YYYY-MM-DD[( |T)HH:MM[:SS[.fffffffff]]][Z]' or 'HH:MM:SS[.f…]'.
 * has_date/has_time tell which parts were present; fraction in nanoseconds.
 * Returns CV_OK or CV_ERR_DATETIME (bad syntax or impossible date/time).
 */
cv_rc cv_parse_datetime(const char *s, size_t n, SQL_TIMESTAMP_STRUCT *ts, int *has_date,
                        int *has_time);

/* Formats a timestamp as 'YYYY-MM-DD HH:MM:SS[.f…]' (fraction digits only when non-zero,
 * trailing zeros dropped).  buf needs 30 bytes.  CV_ERR_DTFIELD when a field is out of range. */
cv_rc cv_format_timestamp(const SQL_TIMESTAMP_STRUCT *ts, char *buf, size_t cap);

/* A parameter value ready to bind. */
typedef struct cv_param {
    cv_kind kind;
    long long i;
    double d;
    const void *p; /* CV_TEXT (UTF-8) / CV_BLOB */
    size_t n;
    void *owned;   /* malloc'd storage behind p, or NULL */
    char scratch[40];
} cv_param;

/*
 * Converts an input parameter buffer.  len is the byte length (CHAR, WCHAR,
 * BINARY) already resolved from the indicator (SQL_NTS allowed for CHAR and
 * WCHAR); sql_type steers text: digits bound for an integer/float SQL type
 * become numbers.  ctype must not be SQL_C_DEFAULT (resolve it first).
 */
cv_rc cv_from_c(SQLSMALLINT ctype, SQLSMALLINT sql_type, const void *ptr, SQLLEN len, cv_param *out);

/*
 * SQL_C_NUMERIC parameters (pyodbc binds Decimal values so): the decimal
 * text of n at the given scale ('-' when sign is 0, '.' when scale > 0,
 * trailing zeros when scale < 0), e.g. val 12345, scale 2 -> "123.45".
 * buf needs CV_NUMERIC_TEXT_MAX bytes; CV_ERR_RANGE for |scale| > 38.
 */
#define CV_NUMERIC_TEXT_MAX 84
cv_rc cv_numeric_to_text(const SQL_NUMERIC_STRUCT *n, int scale, char *buf, size_t cap);
/* SQL_C_GUID parameters: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case); buf needs 37 bytes. */
void cv_guid_to_text(const SQLGUID *g, char *buf);
void cv_param_free(cv_param *p);

#endif
