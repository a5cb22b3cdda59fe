/*
 * test_odbc_desc.c — descriptors through the real unixODBC driver manager:
 * SQLGetDescField/SQLSetDescField on the four implicit descriptors (and
 * their mapping onto statement attributes, both ways), SQLGetDescRec(W),
 * SQLSetDescRec, SQLCopyDesc, explicit descriptors as a statement's ARD and
 * APD, the read-only and record-number rules, the consistency check, and
 * SQL_C_NUMERIC parameters configured through the APD the way pyodbc does.
 *
 * Every value checked comes from a query the test runs or a buffer it
 * fills, so a wrong mapping shows up as a wrong number, not a crash.
 */
#include <sql.h>
#include <sqlext.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odbc_harness.h"

static SQLHDESC stmt_desc(SQLHSTMT st, SQLINTEGER which)
{
    SQLHDESC d = SQL_NULL_HDESC;
    SQLRETURN rc = SQLGetStmtAttr(st, which, &d, 0, NULL);
    OK(rc, SQL_HANDLE_STMT, st);
    return d;
}

static SQLLEN get_len_field(SQLHDESC d, SQLSMALLINT rec, SQLSMALLINT field)
{
    SQLLEN v = -12345;
    SQLRETURN rc = SQLGetDescField(d, rec, field, &v, 0, NULL);
    OK(rc, SQL_HANDLE_DESC, d);
    return v;
}

static SQLSMALLINT get_small_field(SQLHDESC d, SQLSMALLINT rec, SQLSMALLINT field)
{
    SQLSMALLINT v = -123;
    SQLRETURN rc = SQLGetDescField(d, rec, field, &v, 0, NULL);
    OK(rc, SQL_HANDLE_DESC, d);
    return v;
}

static SQLPOINTER get_ptr_field(SQLHDESC d, SQLSMALLINT rec, SQLSMALLINT field)
{
    SQLPOINTER v = (SQLPOINTER)(uintptr_t)0xdead;
    SQLRETURN rc = SQLGetDescField(d, rec, field, &v, 0, NULL);
    OK(rc, SQL_HANDLE_DESC, d);
    return v;
}

static SQLPOINTER get_ptr_attr(SQLHSTMT st, SQLINTEGER attr)
{
    SQLPOINTER v = (SQLPOINTER)(uintptr_t)0xdead;
    OK(SQLGetStmtAttr(st, attr, &v, 0, NULL), SQL_HANDLE_STMT, st);
    return v;
}

static SQLULEN get_ulen_attr(SQLHSTMT st, SQLINTEGER attr)
{
    SQLULEN v = 12345;
    OK(SQLGetStmtAttr(st, attr, &v, 0, NULL), SQL_HANDLE_STMT, st);
    return v;
}

/* ---- header fields = statement attributes, in both directions -------------------------- */

static void test_header_mapping(SQLHDBC dbc)
{
    start("descriptor header fields are the statement attributes");
    SQLHSTMT st = new_stmt(dbc);
    SQLHDESC ard = stmt_desc(st, SQL_ATTR_APP_ROW_DESC), apd = stmt_desc(st, SQL_ATTR_APP_PARAM_DESC);
    SQLHDESC ird = stmt_desc(st, SQL_ATTR_IMP_ROW_DESC), ipd = stmt_desc(st, SQL_ATTR_IMP_PARAM_DESC);
    SQLUSMALLINT status_a[4], status_b[4];
    SQLULEN n_a = 0, n_b = 0;
    SQLLEN off_a = 0, off_b = 0;

    CHECK(get_small_field(ard, 0, SQL_DESC_ALLOC_TYPE) == SQL_DESC_ALLOC_AUTO, "implicit ARD is ALLOC_AUTO");

    /* descriptor -> attribute */
    OK(SQLSetDescField(ard, 0, SQL_DESC_ARRAY_SIZE, (SQLPOINTER)7, 0), SQL_HANDLE_DESC, ard);
    CHECK(get_ulen_attr(st, SQL_ATTR_ROW_ARRAY_SIZE) == 7, "ARD ARRAY_SIZE -> ROW_ARRAY_SIZE");
    OK(SQLSetDescField(ard, 0, SQL_DESC_BIND_TYPE, (SQLPOINTER)48, 0), SQL_HANDLE_DESC, ard);
    CHECK(get_ulen_attr(st, SQL_ATTR_ROW_BIND_TYPE) == 48, "ARD BIND_TYPE -> ROW_BIND_TYPE");
    OK(SQLSetDescField(ard, 0, SQL_DESC_BIND_OFFSET_PTR, &off_a, 0), SQL_HANDLE_DESC, ard);
    CHECK(get_ptr_attr(st, SQL_ATTR_ROW_BIND_OFFSET_PTR) == &off_a, "ARD BIND_OFFSET_PTR -> ROW_BIND_OFFSET_PTR");
    OK(SQLSetDescField(ird, 0, SQL_DESC_ARRAY_STATUS_PTR, status_a, 0), SQL_HANDLE_DESC, ird);
    CHECK(get_ptr_attr(st, SQL_ATTR_ROW_STATUS_PTR) == status_a, "IRD ARRAY_STATUS_PTR -> ROW_STATUS_PTR");
    OK(SQLSetDescField(ird, 0, SQL_DESC_ROWS_PROCESSED_PTR, &n_a, 0), SQL_HANDLE_DESC, ird);
    CHECK(get_ptr_attr(st, SQL_ATTR_ROWS_FETCHED_PTR) == &n_a, "IRD ROWS_PROCESSED_PTR -> ROWS_FETCHED_PTR");
    OK(SQLSetDescField(apd, 0, SQL_DESC_ARRAY_SIZE, (SQLPOINTER)5, 0), SQL_HANDLE_DESC, apd);
    CHECK(get_ulen_attr(st, SQL_ATTR_PARAMSET_SIZE) == 5, "APD ARRAY_SIZE -> PARAMSET_SIZE");
    OK(SQLSetDescField(apd, 0, SQL_DESC_ARRAY_STATUS_PTR, status_a, 0), SQL_HANDLE_DESC, apd);
    CHECK(get_ptr_attr(st, SQL_ATTR_PARAM_OPERATION_PTR) == status_a, "APD ARRAY_STATUS_PTR -> PARAM_OPERATION_PTR");
    OK(SQLSetDescField(apd, 0, SQL_DESC_BIND_OFFSET_PTR, &off_a, 0), SQL_HANDLE_DESC, apd);
    CHECK(get_ptr_attr(st, SQL_ATTR_PARAM_BIND_OFFSET_PTR) == &off_a, "APD BIND_OFFSET_PTR -> PARAM_BIND_OFFSET_PTR");
    OK(SQLSetDescField(apd, 0, SQL_DESC_BIND_TYPE, (SQLPOINTER)32, 0), SQL_HANDLE_DESC, apd);
    CHECK(get_ulen_attr(st, SQL_ATTR_PARAM_BIND_TYPE) == 32, "APD BIND_TYPE -> PARAM_BIND_TYPE");
    OK(SQLSetDescField(ipd, 0, SQL_DESC_ARRAY_STATUS_PTR, status_b, 0), SQL_HANDLE_DESC, ipd);
    CHECK(get_ptr_attr(st, SQL_ATTR_PARAM_STATUS_PTR) == status_b, "IPD ARRAY_STATUS_PTR -> PARAM_STATUS_PTR");
    OK(SQLSetDescField(ipd, 0, SQL_DESC_ROWS_PROCESSED_PTR, &n_b, 0), SQL_HANDLE_DESC, ipd);
    CHECK(get_ptr_attr(st, SQL_ATTR_PARAMS_PROCESSED_PTR) == &n_b, "IPD ROWS_PROCESSED_PTR -> PARAMS_PROCESSED_PTR");

    /* attribute -> descriptor */
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)3, 0), SQL_HANDLE_STMT, st);
    CHECK(get_len_field(ard, 0, SQL_DESC_ARRAY_SIZE) == 3, "ROW_ARRAY_SIZE -> ARD ARRAY_SIZE");
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)SQL_BIND_BY_COLUMN, 0), SQL_HANDLE_STMT, st);
    SQLINTEGER bt = -1;
    OK(SQLGetDescField(ard, 0, SQL_DESC_BIND_TYPE, &bt, 0, NULL), SQL_HANDLE_DESC, ard);
    CHECK(bt == SQL_BIND_BY_COLUMN, "ROW_BIND_TYPE -> ARD BIND_TYPE (%d)", (int)bt);
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_OFFSET_PTR, &off_b, 0), SQL_HANDLE_STMT, st);
    CHECK(get_ptr_field(ard, 0, SQL_DESC_BIND_OFFSET_PTR) == &off_b, "ROW_BIND_OFFSET_PTR -> ARD");
    /* the DM lets an IRD be read only once the statement is prepared (HY007) */
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT 1", SQL_NTS), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROW_STATUS_PTR, status_b, 0), SQL_HANDLE_STMT, st);
    CHECK(get_ptr_field(ird, 0, SQL_DESC_ARRAY_STATUS_PTR) == status_b, "ROW_STATUS_PTR -> IRD");
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROWS_FETCHED_PTR, &n_b, 0), SQL_HANDLE_STMT, st);
    CHECK(get_ptr_field(ird, 0, SQL_DESC_ROWS_PROCESSED_PTR) == &n_b, "ROWS_FETCHED_PTR -> IRD");
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)9, 0), SQL_HANDLE_STMT, st);
    CHECK(get_len_field(apd, 0, SQL_DESC_ARRAY_SIZE) == 9, "PARAMSET_SIZE -> APD ARRAY_SIZE");
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAM_OPERATION_PTR, status_b, 0), SQL_HANDLE_STMT, st);
    CHECK(get_ptr_field(apd, 0, SQL_DESC_ARRAY_STATUS_PTR) == status_b, "PARAM_OPERATION_PTR -> APD");
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_OFFSET_PTR, &off_b, 0), SQL_HANDLE_STMT, st);
    CHECK(get_ptr_field(apd, 0, SQL_DESC_BIND_OFFSET_PTR) == &off_b, "PARAM_BIND_OFFSET_PTR -> APD");
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, status_a, 0), SQL_HANDLE_STMT, st);
    CHECK(get_ptr_field(ipd, 0, SQL_DESC_ARRAY_STATUS_PTR) == status_a, "PARAM_STATUS_PTR -> IPD");
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, &n_a, 0), SQL_HANDLE_STMT, st);
    CHECK(get_ptr_field(ipd, 0, SQL_DESC_ROWS_PROCESSED_PTR) == &n_a, "PARAMS_PROCESSED_PTR -> IPD");

    /* the pointers set through the IRD are the ones a block fetch fills */
    SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_OFFSET_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_OPERATION_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_OFFSET_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
    SQLULEN fetched = 99;
    SQLUSMALLINT rs[3] = {77, 77, 77};
    OK(SQLSetDescField(ird, 0, SQL_DESC_ROWS_PROCESSED_PTR, &fetched, 0), SQL_HANDLE_DESC, ird);
    OK(SQLSetDescField(ird, 0, SQL_DESC_ARRAY_STATUS_PTR, rs, 0), SQL_HANDLE_DESC, ird);
    SQLINTEGER vals[3] = {0, 0, 0};
    OK(SQLBindCol(st, 1, SQL_C_SLONG, vals, 0, NULL), SQL_HANDLE_STMT, st);
    OK(exec(st, "WITH RECURSIVE n(x) AS (SELECT 11 UNION ALL SELECT x + 11 FROM n WHERE x < 22) SELECT x FROM n"),
       SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    CHECK(fetched == 2 && vals[0] == 11 && vals[1] == 22, "block of 3 through the IRD pointers: %lu rows, %d %d",
          (unsigned long)fetched, (int)vals[0], (int)vals[1]);
    CHECK(rs[0] == SQL_ROW_SUCCESS && rs[1] == SQL_ROW_SUCCESS && rs[2] == SQL_ROW_NOROW,
          "row statuses %u %u %u", rs[0], rs[1], rs[2]);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- ARD records ------------------------------------------------------------------------ */

static void test_ard_records(SQLHDBC dbc)
{
    start("ARD records: SQLBindCol, SQLSetDescField, SQLSetDescRec, COUNT");
    SQLHSTMT st = new_stmt(dbc);
    SQLHDESC ard = stmt_desc(st, SQL_ATTR_APP_ROW_DESC);
    char buf[64];
    SQLLEN ind = 0;

    OK(SQLBindCol(st, 2, SQL_C_CHAR, buf, sizeof buf, &ind), SQL_HANDLE_STMT, st);
    CHECK(get_small_field(ard, 0, SQL_DESC_COUNT) == 2, "ARD COUNT after SQLBindCol(2)");
    CHECK(get_small_field(ard, 2, SQL_DESC_CONCISE_TYPE) == SQL_C_CHAR, "ARD CONCISE_TYPE");
    CHECK(get_ptr_field(ard, 2, SQL_DESC_DATA_PTR) == buf, "ARD DATA_PTR");
    CHECK(get_ptr_field(ard, 2, SQL_DESC_INDICATOR_PTR) == &ind, "ARD INDICATOR_PTR");
    CHECK(get_len_field(ard, 2, SQL_DESC_OCTET_LENGTH) == (SQLLEN)sizeof buf, "ARD OCTET_LENGTH");
    CHECK(get_ptr_field(ard, 1, SQL_DESC_DATA_PTR) == NULL, "ARD record 1 unbound");
    SQLSMALLINT type = 0, sub = 0, prec = 0, scale = 0, nullable = 0, namelen = -1;
    SQLLEN len = 0;
    SQLCHAR name[32];
    OK(SQLGetDescRec(ard, 2, name, sizeof name, &namelen, &type, &sub, &len, &prec, &scale, &nullable),
       SQL_HANDLE_DESC, ard);
    CHECK(type == SQL_C_CHAR && len == (SQLLEN)sizeof buf && namelen == 0, "SQLGetDescRec(ARD 2): %d %ld %d",
          type, (long)len, namelen);
    CHECK(SQLGetDescRec(ard, 3, name, sizeof name, &namelen, &type, &sub, &len, &prec, &scale, &nullable) ==
              SQL_NO_DATA,
          "SQLGetDescRec past COUNT is SQL_NO_DATA");

    /* binding through the descriptor: TYPE, then DATA_PTR */
    SQLINTEGER v = 0;
    OK(SQLSetDescField(ard, 1, SQL_DESC_TYPE, (SQLPOINTER)SQL_C_SLONG, 0), SQL_HANDLE_DESC, ard);
    OK(SQLSetDescField(ard, 1, SQL_DESC_DATA_PTR, &v, 0), SQL_HANDLE_DESC, ard);
    OK(exec(st, "SELECT 6 * 7, 'forty-two'"), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    CHECK(v == 42 && strcmp(buf, "forty-two") == 0 && ind == 9, "fetched through the ARD: %d '%s' %ld", (int)v,
          buf, (long)ind);
    SQLCloseCursor(st);

    /* setting TYPE again unbinds DATA_PTR (the specification's rule) */
    OK(SQLSetDescField(ard, 1, SQL_DESC_CONCISE_TYPE, (SQLPOINTER)SQL_C_SBIGINT, 0), SQL_HANDLE_DESC, ard);
    CHECK(get_ptr_field(ard, 1, SQL_DESC_DATA_PTR) == NULL, "TYPE unbinds DATA_PTR");

    /* SQLSetDescRec: the whole record at once */
    char text[16];
    SQLLEN tlen = 0;
    memset(text, 'x', sizeof text);
    OK(SQLSetDescRec(ard, 1, SQL_C_CHAR, 0, sizeof text, 0, 0, text, &tlen, &tlen), SQL_HANDLE_DESC, ard);
    OK(exec(st, "SELECT 'abc' || 'de', 'z'"), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    CHECK(strcmp(text, "abcde") == 0 && tlen == 5, "SQLSetDescRec binding: '%.16s' %ld", text, (long)tlen);
    SQLCloseCursor(st);

    /* COUNT = 0 unbinds everything */
    OK(SQLSetDescField(ard, 0, SQL_DESC_COUNT, (SQLPOINTER)0, 0), SQL_HANDLE_DESC, ard);
    CHECK(get_small_field(ard, 0, SQL_DESC_COUNT) == 0, "COUNT reads back 0");
    strcpy(text, "unchanged");
    OK(exec(st, "SELECT 'new', 'other'"), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    CHECK(strcmp(text, "unchanged") == 0 && strcmp(buf, "z") == 0, "nothing bound after COUNT = 0: '%s' '%s'",
          text, buf);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- IRD ---------------------------------------------------------------------------------- */

static void test_ird(SQLHDBC dbc)
{
    start("IRD: the described columns, read-only");
    SQLHSTMT st = new_stmt(dbc);
    SQLHDESC ird = stmt_desc(st, SQL_ATTR_IMP_ROW_DESC);
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT Id AS ident, Title, ChangedDate FROM WorkItems WHERE 1 = 0", SQL_NTS),
       SQL_HANDLE_STMT, st);
    SQLSMALLINT ncols = 0;
    OK(SQLNumResultCols(st, &ncols), SQL_HANDLE_STMT, st);
    CHECK(get_small_field(ird, 0, SQL_DESC_COUNT) == ncols && ncols == 3, "IRD COUNT %d", ncols);

    for (SQLUSMALLINT c = 1; c <= 3; c++) {
        SQLCHAR dname[64];
        SQLSMALLINT dnamelen = 0, dtype = 0, ddigits = 0, dnull = 0;
        SQLULEN dsize = 0;
        OK(SQLDescribeCol(st, c, dname, sizeof dname, &dnamelen, &dtype, &dsize, &ddigits, &dnull),
           SQL_HANDLE_STMT, st);
        SQLCHAR name[64];
        SQLINTEGER nlen = 0;
        OK(SQLGetDescField(ird, c, SQL_DESC_NAME, name, sizeof name, &nlen), SQL_HANDLE_DESC, ird);
        CHECK(strcmp((char *)name, (char *)dname) == 0 && nlen == dnamelen, "IRD NAME %u '%s' vs '%s'", c,
              (char *)name, (char *)dname);
        CHECK(get_small_field(ird, c, SQL_DESC_CONCISE_TYPE) == dtype, "IRD CONCISE_TYPE %u", c);
        CHECK(get_len_field(ird, c, SQL_DESC_LENGTH) == (SQLLEN)dsize, "IRD LENGTH %u", c);
        CHECK(get_small_field(ird, c, SQL_DESC_NULLABLE) == dnull, "IRD NULLABLE %u", c);
        SQLSMALLINT type = 0, sub = 0, prec = 0, scale = 0, nullable = 0, namelen = 0;
        SQLLEN octets = 0, attr_octets = 0;
        OK(SQLGetDescRec(ird, c, name, sizeof name, &namelen, &type, &sub, &octets, &prec, &scale, &nullable),
           SQL_HANDLE_DESC, ird);
        OK(SQLColAttribute(st, c, SQL_DESC_OCTET_LENGTH, NULL, 0, NULL, &attr_octets), SQL_HANDLE_STMT, st);
        CHECK(strcmp((char *)name, (char *)dname) == 0 && octets == attr_octets && nullable == dnull &&
                  scale == ddigits,
              "SQLGetDescRec(IRD %u): '%s' %ld/%ld", c, (char *)name, (long)octets, (long)attr_octets);
        if (dtype == SQL_TYPE_TIMESTAMP)
            CHECK(type == SQL_DATETIME && sub == SQL_CODE_TIMESTAMP, "timestamp: verbose %d code %d", type, sub);
        else
            CHECK(type == dtype && sub == 0, "column %u: verbose %d", c, type);
    }
    /* wide forms: the name in UTF-16, SQLGetDescFieldW's buffer in bytes, SQLGetDescRecW's in characters */
    SQLWCHAR wname[32];
    SQLINTEGER wbytes = 0;
    OK(SQLGetDescFieldW(ird, 1, SQL_DESC_NAME, wname, sizeof wname, &wbytes), SQL_HANDLE_DESC, ird);
    CHECK(w_eq_ascii(wname, "ident") && wbytes == 10, "SQLGetDescFieldW NAME (%d bytes)", (int)wbytes);
    SQLSMALLINT wchars = 0, t = 0;
    OK(SQLGetDescRecW(ird, 2, wname, 32, &wchars, &t, NULL, NULL, NULL, NULL, NULL), SQL_HANDLE_DESC, ird);
    CHECK(w_eq_ascii(wname, "Title") && wchars == 5, "SQLGetDescRecW name (%d chars)", wchars);

    SQLSMALLINT sv;
    CHECK(SQLGetDescField(ird, 4, SQL_DESC_CONCISE_TYPE, &sv, 0, NULL) == SQL_NO_DATA, "IRD record past COUNT");
    sv = 99;
    OK(SQLGetDescField(ird, 0, SQL_DESC_CONCISE_TYPE, &sv, 0, NULL), SQL_HANDLE_DESC, ird);
    CHECK(sv == 0, "record 0 (the bookmark record) reads as unbound: %d", sv);
    expect_state(SQLGetDescRec(ird, 0, NULL, 0, NULL, &sv, NULL, NULL, NULL, NULL, NULL), SQL_HANDLE_DESC, ird,
                 "07009", "SQLGetDescRec of record 0 (no bookmarks)");
    expect_state(SQLSetDescField(ird, 1, SQL_DESC_CONCISE_TYPE, (SQLPOINTER)SQL_INTEGER, 0), SQL_HANDLE_DESC, ird,
                 "HY016", "setting an IRD record field");
    expect_state(SQLSetDescField(ird, 0, SQL_DESC_COUNT, (SQLPOINTER)1, 0), SQL_HANDLE_DESC, ird, "HY016",
                 "setting the IRD COUNT");
    CHECK(get_small_field(ird, 0, SQL_DESC_COUNT) == 3, "IRD COUNT unchanged");
    /* a field an IRD does not define reads SQL_SUCCESS, its value undefined (here NULL) */
    SQLPOINTER p = &p;
    OK(SQLGetDescField(ird, 1, SQL_DESC_DATA_PTR, &p, 0, NULL), SQL_HANDLE_DESC, ird);
    CHECK(p == NULL, "IRD DATA_PTR reads NULL");
    expect_state(SQLGetDescField(ird, 1, 4242, &p, 0, NULL), SQL_HANDLE_DESC, ird, "HY091", "not an ODBC field");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- errors ------------------------------------------------------------------------------- */

static void test_field_errors(SQLHDBC dbc)
{
    start("HY091, 07009, HY021, HY016, HY017");
    SQLHSTMT st = new_stmt(dbc);
    SQLHDESC ard = stmt_desc(st, SQL_ATTR_APP_ROW_DESC), apd = stmt_desc(st, SQL_ATTR_APP_PARAM_DESC);
    SQLHDESC ipd = stmt_desc(st, SQL_ATTR_IMP_PARAM_DESC), ird = stmt_desc(st, SQL_ATTR_IMP_ROW_DESC);
    SQLSMALLINT sv = 0;

    expect_state(SQLSetDescField(apd, 0, SQL_DESC_ROWS_PROCESSED_PTR, &sv, 0), SQL_HANDLE_DESC, apd, "HY091",
                 "ROWS_PROCESSED_PTR is not an APD field");
    expect_state(SQLSetDescField(ard, 0, SQL_DESC_ALLOC_TYPE, (SQLPOINTER)SQL_DESC_ALLOC_USER, 0), SQL_HANDLE_DESC,
                 ard, "HY091", "ALLOC_TYPE is read-only");
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &sv, 0, NULL), SQL_HANDLE_STMT, st);
    expect_state(SQLGetDescField(apd, 1, 9999, &sv, 0, NULL), SQL_HANDLE_DESC, apd, "HY091", "unknown field");
    expect_state(SQLSetDescField(ipd, 1, SQL_DESC_CASE_SENSITIVE, (SQLPOINTER)1, 0), SQL_HANDLE_DESC, ipd, "HY091",
                 "CASE_SENSITIVE is read-only in an IPD");
    expect_state(SQLSetDescField(ard, 1, SQL_DESC_PARAMETER_TYPE, (SQLPOINTER)SQL_PARAM_INPUT, 0), SQL_HANDLE_DESC,
                 ard, "HY091", "PARAMETER_TYPE cannot be set in an ARD");
    expect_state(SQLSetDescField(apd, 0, SQL_DESC_TYPE, (SQLPOINTER)SQL_C_CHAR, 0), SQL_HANDLE_DESC, apd, "07009",
                 "APD record 0");
    expect_state(SQLSetDescField(ipd, 0, SQL_DESC_TYPE, (SQLPOINTER)SQL_INTEGER, 0), SQL_HANDLE_DESC, ipd, "07009",
                 "IPD record 0");
    CHECK(SQLGetDescField(ipd, 2, SQL_DESC_TYPE, &sv, 0, NULL) == SQL_NO_DATA, "IPD record past COUNT");

    /* consistency: an unknown C type, a NUMERIC without a usable precision, a bad SQL type */
    SQLINTEGER target = 0;
    OK(SQLSetDescField(ard, 1, SQL_DESC_CONCISE_TYPE, (SQLPOINTER)12345, 0), SQL_HANDLE_DESC, ard);
    expect_state(SQLSetDescField(ard, 1, SQL_DESC_DATA_PTR, &target, 0), SQL_HANDLE_DESC, ard, "HY021",
                 "binding a record whose type is not a C type");
    SQL_NUMERIC_STRUCT num;
    OK(SQLSetDescField(apd, 1, SQL_DESC_TYPE, (SQLPOINTER)SQL_C_NUMERIC, 0), SQL_HANDLE_DESC, apd);
    OK(SQLSetDescField(apd, 1, SQL_DESC_PRECISION, (SQLPOINTER)50, 0), SQL_HANDLE_DESC, apd);
    expect_state(SQLSetDescField(apd, 1, SQL_DESC_DATA_PTR, &num, 0), SQL_HANDLE_DESC, apd, "HY021",
                 "NUMERIC precision 50 fails the consistency check");
    CHECK(get_ptr_field(apd, 1, SQL_DESC_DATA_PTR) == NULL, "inconsistent DATA_PTR not stored");
    OK(SQLSetDescField(apd, 1, SQL_DESC_PRECISION, (SQLPOINTER)12, 0), SQL_HANDLE_DESC, apd);
    OK(SQLSetDescField(apd, 1, SQL_DESC_DATA_PTR, &num, 0), SQL_HANDLE_DESC, apd);
    CHECK(get_ptr_field(apd, 1, SQL_DESC_DATA_PTR) == &num, "consistent DATA_PTR stored");
    expect_state(SQLSetDescField(ipd, 1, SQL_DESC_CONCISE_TYPE, (SQLPOINTER)4242, 0), SQL_HANDLE_DESC, ipd,
                 "HY021", "not an SQL type");
    OK(SQLSetDescField(ipd, 1, SQL_DESC_CONCISE_TYPE, (SQLPOINTER)SQL_DECIMAL, 0), SQL_HANDLE_DESC, ipd);
    OK(SQLSetDescField(ipd, 1, SQL_DESC_PRECISION, (SQLPOINTER)5, 0), SQL_HANDLE_DESC, ipd);
    OK(SQLSetDescField(ipd, 1, SQL_DESC_SCALE, (SQLPOINTER)9, 0), SQL_HANDLE_DESC, ipd);
    expect_state(SQLSetDescField(ipd, 1, SQL_DESC_DATA_PTR, &num, 0), SQL_HANDLE_DESC, ipd, "HY021",
                 "IPD DECIMAL(5,9) fails the consistency check");
    OK(SQLSetDescField(ipd, 1, SQL_DESC_SCALE, (SQLPOINTER)2, 0), SQL_HANDLE_DESC, ipd);
    OK(SQLSetDescField(ipd, 1, SQL_DESC_DATA_PTR, &num, 0), SQL_HANDLE_DESC, ipd);
    CHECK(get_small_field(ipd, 1, SQL_DESC_CONCISE_TYPE) == SQL_DECIMAL, "IPD CONCISE_TYPE reads back");
    CHECK(get_small_field(ipd, 1, SQL_DESC_PRECISION) == 5 && get_small_field(ipd, 1, SQL_DESC_SCALE) == 2,
          "IPD PRECISION/SCALE read back");
    SQLSMALLINT rtype = 0, rsub = -1, rprec = 0, rscale = 0, rnull = 0;
    SQLLEN rlen = 0;
    OK(SQLGetDescRec(ipd, 1, NULL, 0, NULL, &rtype, &rsub, &rlen, &rprec, &rscale, &rnull), SQL_HANDLE_DESC, ipd);
    CHECK(rtype == SQL_DECIMAL && rsub == 0 && rprec == 5 && rscale == 2 && rnull == SQL_NULLABLE,
          "SQLGetDescRec(IPD 1): %d %d %d %d %d", rtype, rsub, rprec, rscale, rnull);

    /* implementation descriptors and another statement's descriptors */
    SQLHSTMT other = new_stmt(dbc);
    expect_state(SQLSetStmtAttr(other, SQL_ATTR_APP_ROW_DESC, ard, 0), SQL_HANDLE_STMT, other, "HY017",
                 "another statement's implicit ARD");
    expect_state(SQLFreeHandle(SQL_HANDLE_DESC, ird), SQL_HANDLE_DESC, ird, "HY017", "freeing an implicit descriptor");
    SQLFreeHandle(SQL_HANDLE_STMT, other);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- SQL_C_NUMERIC through the APD (pyodbc) ---------------------------------------------- */

static void numeric_of(SQL_NUMERIC_STRUCT *n, unsigned long v, SQLSCHAR scale, SQLCHAR sign)
{
    memset(n, 0, sizeof *n);
    n->precision = 10;
    n->scale = scale;
    n->sign = sign;
    for (int i = 0; i < 8; i++)
        n->val[i] = (SQLCHAR)((v >> (8 * i)) & 0xff);
}

static void test_numeric_apd(SQLHDBC dbc)
{
    start("SQL_C_NUMERIC parameters: the APD's precision and scale");
    SQLHSTMT st = new_stmt(dbc);
    SQLHDESC apd = stmt_desc(st, SQL_ATTR_APP_PARAM_DESC);
    OK(exec(st, "CREATE TEMP TABLE znum(v)"), SQL_HANDLE_STMT, st);
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO znum VALUES (?)", SQL_NTS), SQL_HANDLE_STMT, st);
    SQL_NUMERIC_STRUCT n;
    SQLLEN ind = sizeof n;
    /* the struct says scale 0; the APD says 3: the APD wins (what pyodbc relies on) */
    numeric_of(&n, 123456, 0, 0);
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_NUMERIC, SQL_NUMERIC, 10, 3, &n, sizeof n, &ind),
       SQL_HANDLE_STMT, st);
    OK(SQLSetDescField(apd, 1, SQL_DESC_TYPE, (SQLPOINTER)SQL_C_NUMERIC, 0), SQL_HANDLE_DESC, apd);
    OK(SQLSetDescField(apd, 1, SQL_DESC_PRECISION, (SQLPOINTER)10, 0), SQL_HANDLE_DESC, apd);
    OK(SQLSetDescField(apd, 1, SQL_DESC_SCALE, (SQLPOINTER)3, 0), SQL_HANDLE_DESC, apd);
    OK(SQLSetDescField(apd, 1, SQL_DESC_DATA_PTR, &n, 0), SQL_HANDLE_DESC, apd);
    CHECK(get_small_field(apd, 1, SQL_DESC_PRECISION) == 10 && get_small_field(apd, 1, SQL_DESC_SCALE) == 3,
          "APD PRECISION/SCALE read back");
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    /* scale from SQLSetDescRec, a second value */
    numeric_of(&n, 250, 0, 1);
    OK(SQLSetDescRec(apd, 1, SQL_C_NUMERIC, 0, sizeof n, 10, 1, &n, &ind, &ind), SQL_HANDLE_DESC, apd);
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    char out[64] = "";
    SQLLEN olen = 0;
    OK(exec(st, "SELECT group_concat(v, ';') FROM (SELECT v FROM znum ORDER BY rowid)"), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    OK(SQLGetData(st, 1, SQL_C_CHAR, out, sizeof out, &olen), SQL_HANDLE_STMT, st);
    CHECK(strcmp(out, "-123.456;25") == 0 || strcmp(out, "-123.456;25.0") == 0, "NUMERIC values '%s'", out);
    SQLCloseCursor(st);
    OK(exec(st, "DROP TABLE znum"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- explicit descriptors ------------------------------------------------------------------ */

/* Runs a one-row query and fetches it into whatever the ARD binds. */
static void fetch_int(SQLHSTMT st, const char *sql)
{
    OK(exec(st, sql), SQL_HANDLE_STMT, st);
    SQLRETURN rc = SQLFetch(st);
    OK(rc, SQL_HANDLE_STMT, st);
    SQLCloseCursor(st);
}

static void test_explicit(SQLHDBC dbc)
{
    start("explicit descriptors as ARD and APD");
    SQLHDESC d = SQL_NULL_HDESC;
    OK(SQLAllocHandle(SQL_HANDLE_DESC, dbc, &d), SQL_HANDLE_DBC, dbc);
    CHECK(get_small_field(d, 0, SQL_DESC_ALLOC_TYPE) == SQL_DESC_ALLOC_USER, "explicit is ALLOC_USER");
    SQLINTEGER a = 0, b = 0, c = 0;
    OK(SQLSetDescField(d, 1, SQL_DESC_CONCISE_TYPE, (SQLPOINTER)SQL_C_SLONG, 0), SQL_HANDLE_DESC, d);
    OK(SQLSetDescField(d, 1, SQL_DESC_DATA_PTR, &a, 0), SQL_HANDLE_DESC, d);
    CHECK(get_small_field(d, 0, SQL_DESC_COUNT) == 1, "explicit COUNT");

    SQLHSTMT s1 = new_stmt(dbc), s2 = new_stmt(dbc);
    SQLINTEGER own = 0;
    OK(SQLBindCol(s1, 1, SQL_C_SLONG, &own, 0, NULL), SQL_HANDLE_STMT, s1); /* its implicit binding */
    OK(SQLSetStmtAttr(s1, SQL_ATTR_APP_ROW_DESC, d, 0), SQL_HANDLE_STMT, s1);
    OK(SQLSetStmtAttr(s2, SQL_ATTR_APP_ROW_DESC, d, 0), SQL_HANDLE_STMT, s2);
    SQLHDESC got = stmt_desc(s1, SQL_ATTR_APP_ROW_DESC);
    CHECK(got == d, "SQL_ATTR_APP_ROW_DESC reads back the explicit descriptor");
    fetch_int(s1, "SELECT 40 + 2");
    CHECK(a == 42 && own == 0, "statement 1 fetched into the explicit ARD's buffer (%d, implicit %d)", (int)a,
          (int)own);
    fetch_int(s2, "SELECT 40 + 3");
    CHECK(a == 43, "statement 2 shares it (%d)", (int)a);
    /* a change through the descriptor reaches both statements */
    OK(SQLSetDescField(d, 1, SQL_DESC_DATA_PTR, &b, 0), SQL_HANDLE_DESC, d);
    fetch_int(s1, "SELECT 7");
    fetch_int(s2, "SELECT 8");
    CHECK(a == 43 && b == 8, "new DATA_PTR used by both: a=%d b=%d", (int)a, (int)b);
    /* a binding made on the statement shows through the descriptor */
    OK(SQLBindCol(s1, 1, SQL_C_SLONG, &c, 0, NULL), SQL_HANDLE_STMT, s1);
    CHECK(get_ptr_field(d, 1, SQL_DESC_DATA_PTR) == &c, "SQLBindCol on the first user shows in the descriptor");
    /* back to the implicit ARD: its own binding returns */
    OK(SQLSetStmtAttr(s1, SQL_ATTR_APP_ROW_DESC, NULL, 0), SQL_HANDLE_STMT, s1);
    fetch_int(s1, "SELECT 5");
    CHECK(own == 5, "implicit ARD binding restored (%d)", (int)own);
    /* statement 2 still uses it: the descriptor now shows statement 2's values */
    CHECK(get_ptr_field(d, 1, SQL_DESC_DATA_PTR) == &b, "the descriptor reads from its remaining user");

    /* as an APD: parameters bound through it (the IPD still says the SQL type) */
    SQLHDESC p = SQL_NULL_HDESC;
    OK(SQLAllocHandle(SQL_HANDLE_DESC, dbc, &p), SQL_HANDLE_DBC, dbc);
    SQLINTEGER in = 20;
    OK(SQLSetDescRec(p, 1, SQL_C_SLONG, 0, 0, 0, 0, &in, NULL, NULL), SQL_HANDLE_DESC, p);
    SQLHSTMT s3 = new_stmt(dbc);
    OK(SQLSetStmtAttr(s3, SQL_ATTR_APP_PARAM_DESC, p, 0), SQL_HANDLE_STMT, s3);
    SQLHDESC ipd = stmt_desc(s3, SQL_ATTR_IMP_PARAM_DESC);
    OK(SQLSetDescField(ipd, 1, SQL_DESC_CONCISE_TYPE, (SQLPOINTER)SQL_INTEGER, 0), SQL_HANDLE_DESC, ipd);
    SQLINTEGER r = 0;
    OK(SQLBindCol(s3, 1, SQL_C_SLONG, &r, 0, NULL), SQL_HANDLE_STMT, s3);
    fetch_int(s3, "SELECT ? * 2 + 2");
    CHECK(r == 42, "parameter through the explicit APD: %d", (int)r);

    /* freeing the descriptor sends its statements back to their implicit ones */
    OK(SQLFreeHandle(SQL_HANDLE_DESC, d), SQL_HANDLE_DESC, d);
    b = 0;
    fetch_int(s2, "SELECT 99");
    CHECK(b == 0, "statement 2 no longer fetches into the freed descriptor's buffer (%d)", (int)b);
    OK(SQLFreeHandle(SQL_HANDLE_DESC, p), SQL_HANDLE_DESC, p);
    SQLFreeHandle(SQL_HANDLE_STMT, s1);
    SQLFreeHandle(SQL_HANDLE_STMT, s2);
    SQLFreeHandle(SQL_HANDLE_STMT, s3);

    /* a descriptor still in use when its statement is freed, then the connection drops it */
    SQLHDESC keep = SQL_NULL_HDESC;
    OK(SQLAllocHandle(SQL_HANDLE_DESC, dbc, &keep), SQL_HANDLE_DBC, dbc);
    SQLHSTMT s4 = new_stmt(dbc);
    OK(SQLSetStmtAttr(s4, SQL_ATTR_APP_ROW_DESC, keep, 0), SQL_HANDLE_STMT, s4);
    SQLINTEGER z = 0;
    OK(SQLBindCol(s4, 3, SQL_C_SLONG, &z, 0, NULL), SQL_HANDLE_STMT, s4);
    SQLFreeHandle(SQL_HANDLE_STMT, s4);
    CHECK(get_small_field(keep, 0, SQL_DESC_COUNT) == 3, "the descriptor outlives its last statement");
}

/* ---- SQLCopyDesc ------------------------------------------------------------------------------ */

static void test_copy(SQLHDBC dbc)
{
    start("SQLCopyDesc (the DM's, through SQLGetDescField / SQLSetDescField)");
    SQLHSTMT st = new_stmt(dbc);
    SQLHDESC ird = stmt_desc(st, SQL_ATTR_IMP_ROW_DESC), ard = stmt_desc(st, SQL_ATTR_APP_ROW_DESC);
    SQLHDESC apd = stmt_desc(st, SQL_ATTR_APP_PARAM_DESC);
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT 1 AS one, 'two' AS two, 3.5 AS three", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLHDESC d = SQL_NULL_HDESC;
    OK(SQLAllocHandle(SQL_HANDLE_DESC, dbc, &d), SQL_HANDLE_DBC, dbc);
    OK(SQLCopyDesc(ird, d), SQL_HANDLE_DESC, d);
    CHECK(get_small_field(d, 0, SQL_DESC_COUNT) == 3, "copied IRD COUNT");
    for (SQLSMALLINT c = 1; c <= 3; c++)
        CHECK(get_small_field(d, c, SQL_DESC_CONCISE_TYPE) == get_small_field(ird, c, SQL_DESC_CONCISE_TYPE),
              "copied type of column %d", c);
    expect_state(SQLCopyDesc(d, ird), SQL_HANDLE_DESC, ird, "HY016", "copying into an IRD");
    /* the copy's SQL types must become C types before it can bind */
    SQLINTEGER one = 0;
    expect_state(SQLSetDescField(d, 1, SQL_DESC_DATA_PTR, &one, 0), SQL_HANDLE_DESC, d, "HY021",
                 "an SQL type copied from the IRD is not a C type");
    OK(SQLSetDescField(d, 1, SQL_DESC_CONCISE_TYPE, (SQLPOINTER)SQL_C_SLONG, 0), SQL_HANDLE_DESC, d);
    OK(SQLSetDescField(d, 1, SQL_DESC_DATA_PTR, &one, 0), SQL_HANDLE_DESC, d);
    OK(SQLSetDescField(d, 0, SQL_DESC_COUNT, (SQLPOINTER)1, 0), SQL_HANDLE_DESC, d);
    OK(SQLSetStmtAttr(st, SQL_ATTR_APP_ROW_DESC, d, 0), SQL_HANDLE_STMT, st);
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    CHECK(one == 1, "the copied and adjusted descriptor binds column 1 (%d)", (int)one);
    SQLCloseCursor(st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_APP_ROW_DESC, NULL, 0), SQL_HANDLE_STMT, st);

    /* ARD -> APD: bindings and the array size travel */
    SQLINTEGER v = 0;
    OK(SQLBindCol(st, 1, SQL_C_SLONG, &v, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)4, 0), SQL_HANDLE_STMT, st);
    OK(SQLCopyDesc(ard, apd), SQL_HANDLE_DESC, apd);
    CHECK(get_ulen_attr(st, SQL_ATTR_PARAMSET_SIZE) == 4, "ARRAY_SIZE copied into PARAMSET_SIZE");
    CHECK(get_ptr_field(apd, 1, SQL_DESC_DATA_PTR) == &v && get_small_field(apd, 1, SQL_DESC_CONCISE_TYPE) == SQL_C_SLONG,
          "record copied into the APD");
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
    SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)1, 0);
    OK(SQLFreeHandle(SQL_HANDLE_DESC, d), SQL_HANDLE_DESC, d);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

int main(void)
{
    SQLHDBC dbc;
    int rc = harness_begin(&dbc);
    if (rc != 0)
        return rc;
    test_header_mapping(dbc);
    test_ard_records(dbc);
    test_ird(dbc);
    test_field_errors(dbc);
    test_numeric_apd(dbc);
    test_explicit(dbc);
    test_copy(dbc);
    return harness_end(dbc);
}
