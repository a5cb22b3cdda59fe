/* test_driver_types.c — the declared-type table (driver/types.h) and the
 * SQLSTATE tables (driver/diag.h): every describable type has a
 * SQLGetTypeInfo row that agrees with it, expressions are typed from their
 * first value with honest sizes, and errors map to the documented states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <sqlite3.h>

#include "driver/diag.h"
#include "driver/types.h"

static ty_info decl(const char *d)
{
    ty_info t;
    ty_from_decl(d, TY_VAL_UNKNOWN, 0, &t);
    return t;
}

static void test_declared_types(void **state)
{
    ty_info t = decl("INTEGER");
    assert_int_equal(t.sql_type, SQL_INTEGER);
    assert_int_equal(t.column_size, 10);
    assert_int_equal(t.display_size, 11);
    assert_int_equal(t.c_default, SQL_C_SLONG);
    t = decl("BIGINT");
    assert_int_equal(t.sql_type, SQL_BIGINT);
    assert_int_equal(t.display_size, 20);
    t = decl("DOUBLE");
    assert_int_equal(t.sql_type, SQL_DOUBLE);
    t = decl("VARCHAR(255)");
    assert_int_equal(t.sql_type, SQL_WVARCHAR);
    assert_int_equal(t.column_size, 255);
    assert_int_equal(t.display_size, 765); /* bytes of UTF-8 a client may need */
    assert_int_equal(t.octet_length, 765);
    assert_string_equal(t.type_name, "VARCHAR");
    t = decl("varchar( 40 )");
    assert_int_equal(t.column_size, 40);
    t = decl("VARCHAR");
    assert_int_equal(t.sql_type, SQL_WVARCHAR);
    assert_int_equal(t.column_size, TY_EXPR_TEXT_SIZE);
    t = decl("VARCHAR(200000)");
    assert_int_equal(t.sql_type, SQL_WLONGVARCHAR);
    assert_int_equal(t.column_size, 200000);
    t = decl("TEXT");
    assert_int_equal(t.sql_type, SQL_WLONGVARCHAR);
    assert_int_equal(t.column_size, 1048576);
    t = decl("TIMESTAMP");
    assert_int_equal(t.sql_type, SQL_TYPE_TIMESTAMP);
    assert_int_equal(t.verbose_type, SQL_DATETIME);
    assert_int_equal(t.datetime_sub, SQL_CODE_TIMESTAMP);
    assert_int_equal(t.column_size, 27);
    assert_int_equal(t.decimal_digits, 7);
    t = decl("BOOLEAN");
    assert_int_equal(t.sql_type, SQL_BIT);
    /* SQLite affinity fallbacks */
    assert_int_equal(decl("UNSIGNED BIG INT").sql_type, SQL_BIGINT);
    assert_int_equal(decl("NATIVE CHARACTER(70)").column_size, 70);
    assert_int_equal(decl("FLOAT8").sql_type, SQL_DOUBLE);
    assert_int_equal(decl("FLOATING POINT").sql_type, SQL_BIGINT); /* INT wins, as in SQLite */
}

static void test_expressions_use_the_first_value(void **state)
{
    ty_info t;
    ty_from_decl(NULL, TY_VAL_INT, 0, &t);
    assert_int_equal(t.sql_type, SQL_BIGINT);
    ty_from_decl("", TY_VAL_FLOAT, 0, &t);
    assert_int_equal(t.sql_type, SQL_DOUBLE);
    ty_from_decl(NULL, TY_VAL_TEXT, 10, &t);
    assert_int_equal(t.sql_type, SQL_WVARCHAR);
    assert_int_equal(t.column_size, 65535); /* never 255 */
    ty_from_decl(NULL, TY_VAL_TEXT, 100000, &t);
    assert_true(t.column_size >= 100000);
    ty_from_decl(NULL, TY_VAL_NULL, 0, &t);
    assert_int_equal(t.sql_type, SQL_WVARCHAR);
    ty_from_decl(NULL, TY_VAL_UNKNOWN, 0, &t);
    assert_int_equal(t.column_size, 65535);
    ty_from_decl(NULL, TY_VAL_BLOB, 3, &t);
    assert_int_equal(t.sql_type, SQL_VARBINARY);
    /* NUMERIC affinity: the value decides */
    ty_from_decl("NUMERIC", TY_VAL_INT, 0, &t);
    assert_int_equal(t.sql_type, SQL_BIGINT);
}

static const ty_row *row_for(SQLSMALLINT type)
{
    for (size_t i = 0; i < ty_nrows; i++)
        if (ty_rows[i].data_type == type)
            return &ty_rows[i];
    return NULL;
}

static void agrees(const ty_info *t)
{
    const ty_row *r = row_for(t->sql_type);
    if (!r)
        fail_msg("no SQLGetTypeInfo row for SQL type %d", t->sql_type);
    assert_string_equal(r->type_name, t->type_name);
    assert_int_equal(r->searchable, t->searchable);
    assert_int_equal(r->case_sensitive, t->case_sensitive);
    assert_int_equal(r->sql_data_type, t->verbose_type);
    assert_true((SQLULEN)r->column_size >= t->column_size || t->sql_type == SQL_WLONGVARCHAR ||
                t->sql_type == SQL_VARBINARY);
}

static void test_every_describable_type_has_a_type_info_row(void **state)
{
    const char *decls[] = {"INTEGER", "BIGINT", "SMALLINT", "DOUBLE", "VARCHAR(10)", "TEXT",
                           "TIMESTAMP", "BOOLEAN", "BLOB", NULL};
    for (int i = 0; decls[i]; i++) {
        ty_info t = decl(decls[i]);
        agrees(&t);
    }
    ty_valkind kinds[] = {TY_VAL_INT, TY_VAL_FLOAT, TY_VAL_TEXT, TY_VAL_BLOB, TY_VAL_NULL};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        ty_info t;
        ty_from_decl(NULL, kinds[i], 1, &t);
        agrees(&t);
    }
    SQLSMALLINT cat[] = {SQL_SMALLINT, SQL_INTEGER, SQL_WVARCHAR};
    for (size_t i = 0; i < 3; i++) {
        ty_info t;
        ty_from_sql_type(cat[i], 128, &t);
        agrees(&t);
    }
    /* sorted by DATA_TYPE, wide types present */
    for (size_t i = 1; i < ty_nrows; i++)
        assert_true(ty_rows[i - 1].data_type < ty_rows[i].data_type);
    assert_non_null(row_for(SQL_WVARCHAR));
    assert_non_null(row_for(SQL_WLONGVARCHAR));
    assert_non_null(row_for(SQL_TYPE_TIMESTAMP));
}

static void test_sqlite_states(void **state)
{
    assert_string_equal(diag_sqlite_state(SQLITE_ERROR, "no such table: Nope"), "42S02");
    assert_string_equal(diag_sqlite_state(SQLITE_ERROR, "no such column: Nope"), "42S22");
    assert_string_equal(diag_sqlite_state(SQLITE_ERROR, "near \"SELEC\": syntax error"), "42000");
    assert_string_equal(diag_sqlite_state(SQLITE_ERROR, "incomplete input"), "42000");
    assert_string_equal(diag_sqlite_state(SQLITE_ERROR, "unrecognized token: \"'abc\""), "42000");
    assert_string_equal(diag_sqlite_state(SQLITE_ERROR, "no such function: foo"), "42000");
    assert_string_equal(diag_sqlite_state(SQLITE_CONSTRAINT_NOTNULL, "NOT NULL constraint failed"), "23000");
    assert_string_equal(diag_sqlite_state(SQLITE_INTERRUPT, "interrupted"), "HY008");
    assert_string_equal(diag_sqlite_state(SQLITE_NOMEM, "out of memory"), "HY001");
    assert_string_equal(diag_sqlite_state(SQLITE_ERROR, "something else"), "HY000");
    assert_string_equal(diag_sqlite_state(SQLITE_ERROR, NULL), "HY000");
}

static void test_kind_states(void **state)
{
    struct {
        azdo_errkind k;
        const char *stmt, *conn;
    } want[] = {
        {AZDO_ERR_AUTH, "28000", "28000"},       {AZDO_ERR_CONNECT, "08001", "08001"},
        {AZDO_ERR_LINK, "08S01", "08001"},       {AZDO_ERR_TIMEOUT, "HYT00", "HYT00"},
        {AZDO_ERR_NOT_FOUND, "HY000", "08001"},  {AZDO_ERR_QUERY, "42000", "08001"},
        {AZDO_ERR_PROTOCOL, "08S01", "08001"},   {AZDO_ERR_PERMISSION, "42000", "28000"},
        {AZDO_ERR_CONFLICT, "40001", "HY000"},   {AZDO_ERR_RULE, "23000", "HY000"},
        {AZDO_ERR_THROTTLED, "HY000", "08001"},  {AZDO_ERR_CANCELLED, "HY008", "HY008"},
        {AZDO_ERR_CONFIG, "HY000", "08001"},     {AZDO_ERR_NOMEM, "HY001", "HY001"},
        {AZDO_ERR_SERVER, "HY000", "08001"},     {AZDO_ERR_INTERNAL, "HY000", "HY000"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_string_equal(diag_state_for_kind(want[i].k, DIAG_CTX_STMT), want[i].stmt);
        assert_string_equal(diag_state_for_kind(want[i].k, DIAG_CTX_CONNECT), want[i].conn);
    }
}

/* A step that failed because the session's request timed out or was
 * cancelled reports the session's error, whatever SQLite made of it. */
static void test_step_errors_from_session(void **state)
{
    drv_diag d;
    diag_init(&d);
    azdo_error e;
    azdo_error_clear(&e);
    azdo_error_set(&e, AZDO_ERR_TIMEOUT, "Request to http://x/_apis/wit/wiql timed out");
    diag_sqlite(&d, SQLITE_ERROR, "vtab xFilter failed", &e, SQL_NO_ROW_NUMBER);
    azdo_error_set(&e, AZDO_ERR_CANCELLED, "Request to http://x/_apis/wit/wiql was cancelled");
    diag_sqlite(&d, SQLITE_INTERRUPT, "interrupted", &e, SQL_NO_ROW_NUMBER);
    diag_sqlite(&d, SQLITE_ERROR, "vtab xFilter failed", &e, SQL_NO_ROW_NUMBER);
    assert_int_equal(d.n, 3);
    assert_string_equal(d.recs[0].state, "HYT00");
    assert_non_null(strstr(d.recs[0].msg, "timed out"));
    assert_string_equal(d.recs[1].state, "HY008");
    assert_string_equal(d.recs[2].state, "HY008");
    assert_non_null(strstr(d.recs[2].msg, "was cancelled"));
    diag_clear(&d);
}

static void test_diag_list(void **state)
{
    drv_diag d;
    diag_init(&d);
    assert_int_equal(diag_err(&d, "42S02", "no such table: %s", "X"), SQL_ERROR);
    assert_int_equal(diag_warn(&d, "01004", "String data, right truncated"), SQL_SUCCESS_WITH_INFO);
    azdo_error e;
    azdo_error_clear(&e);
    azdo_error_set(&e, AZDO_ERR_RULE, "TF401320: Rule Error for field Title");
    e.http_status = 400;
    assert_int_equal(diag_sqlite(&d, SQLITE_ERROR, "vtab failed", &e, 3), SQL_ERROR);
    assert_int_equal(d.n, 3);
    assert_string_equal(d.recs[0].state, "42S02");
    assert_string_equal(d.recs[0].msg, "[azdo-odbc][Azure DevOps]no such table: X");
    assert_string_equal(d.recs[1].state, "01004");
    assert_string_equal(d.recs[2].state, "23000");
    assert_int_equal(d.recs[2].native, 400);
    assert_int_equal(d.recs[2].row, 3);
    assert_string_equal(d.recs[2].msg, "[azdo-odbc][Azure DevOps]TF401320: Rule Error for field Title");
    diag_clear(&d);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declared_types),
        cmocka_unit_test(test_expressions_use_the_first_value),
        cmocka_unit_test(test_every_describable_type_has_a_type_info_row),
        cmocka_unit_test(test_sqlite_states),
        cmocka_unit_test(test_kind_states),
        cmocka_unit_test(test_diag_list),
        cmocka_unit_test(test_step_errors_from_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
