/* test_escapes.c — driver/sqlesc.h: ODBC escape sequences rewritten to
 * SQLite SQL.  The texts are checked as text where the exact form matters
 * (literals, pass-through, markers) and by running them in an in-memory
 * SQLite where the meaning matters (every {fn}). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlext.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/sqlesc.h"
#include "driver/sqlscan.h"
#include "sql/value.h"

static const sqlesc_env env_all = {"Fabrikam-Fiber", "Jamal O'Hartnett", SQLESC_CAP_MATH | SQLESC_CAP_SOUNDEX};
static const sqlesc_env env_core = {NULL, NULL, 0};

/* The rewrite of `in` (static buffer), or NULL after an error (state in *st). */
static const char *rw_env(const char *in, const sqlesc_env *env, char *st)
{
    static char out[8192];
    sqlesc_result r;
    if (sqlesc_rewrite(in, strlen(in), env, &r) != 0) {
        if (st)
            strcpy(st, r.state);
        assert_null(r.sql);
        assert_true(r.message[0] != '\0');
        return NULL;
    }
    assert_int_equal(strlen(r.sql), r.len);
    snprintf(out, sizeof out, "%s", r.sql);
    sqlesc_result_free(&r);
    return out;
}

static const char *rw(const char *in)
{
    return rw_env(in, &env_all, NULL);
}

/* The SQLSTATE the rewrite of `in` fails with ("" when it does not fail). */
static const char *rw_state(const char *in)
{
    static char st[6];
    st[0] = '\0';
    if (rw_env(in, &env_all, st))
        return "";
    return st;
}

static sqlite3 *db;

static int setup(void **state)
{
    return sqlite3_open(":memory:", &db) == SQLITE_OK ? 0 : -1;
}

static int teardown(void **state)
{
    sqlite3_close(db);
    return 0;
}

/* Rewrites `in`, runs it, returns the first column of the first row as text
 * ("NULL" for NULL, "ERROR: …" when SQLite refuses it). */
static const char *eval(const char *in)
{
    static char val[512];
    const char *sql = rw(in);
    if (!sql)
        return "REWRITE FAILED";
    sqlite3_stmt *vm = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &vm, NULL) != SQLITE_OK) {
        snprintf(val, sizeof val, "ERROR: %s in %s", sqlite3_errmsg(db), sql);
        return val;
    }
    if (sqlite3_step(vm) != SQLITE_ROW)
        snprintf(val, sizeof val, "ERROR: no row: %s", sqlite3_errmsg(db));
    else if (sqlite3_column_type(vm, 0) == SQLITE_NULL)
        snprintf(val, sizeof val, "NULL");
    else
        snprintf(val, sizeof val, "%s", (const char *)sqlite3_column_text(vm, 0));
    sqlite3_finalize(vm);
    return val;
}

static void test_pass_through(void **state)
{
    const char *same[] = {
        "SELECT Id, Title FROM WorkItems WHERE State = 'Active' ORDER BY Id",
        "SELECT '{fn UCASE(x)}', \"{d\", [a{], `}` FROM t -- {oj x}\n /* {call p} */ WHERE a = '{'",
        "SELECT 'it''s {ts ''x''}' AS \"a \"\" {b\"",
        "",
        "  ;  ",
        "SELECT x FROM t WHERE y LIKE 'a\\%' ESCAPE '\\'",
        "SELECT ?, ?3, :name, @p, $v FROM t",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        assert_string_equal(rw(same[i]), same[i]);
    assert_false(sqlesc_maybe("SELECT 1 -- a comment", 21));
    assert_true(sqlesc_maybe("SELECT {d '2024-01-01'}", 23));
    assert_true(sqlesc_maybe("SELECT --(*vendor(Microsoft),product(ODBC) fn PI() *)--", 56));
}

static void test_datetime_literals(void **state)
{
    assert_string_equal(rw("SELECT {d '2024-03-05'}"), "SELECT '2024-03-05'");
    assert_string_equal(rw("SELECT {t '13:45:09'}"), "SELECT '13:45:09'");
    assert_string_equal(rw("SELECT {t '13:45:09.5'}"), "SELECT '13:45:09.500'");
    assert_string_equal(rw("SELECT {ts '2024-03-05 13:45:09'}"), "SELECT '2024-03-05 13:45:09.000'");
    assert_string_equal(rw("SELECT {ts '2024-03-05 13:45:09.5'}"), "SELECT '2024-03-05 13:45:09.500'");
    assert_string_equal(rw("SELECT {ts '2024-03-05 13:45:09.1234567'}"), "SELECT '2024-03-05 13:45:09.1234567'");
    assert_string_equal(rw("SELECT {ts '2024-03-05 13:45:09.120000000'}"), "SELECT '2024-03-05 13:45:09.120'");
    assert_string_equal(rw("SELECT {ts '2024-03-05T13:45:09'}"), "SELECT '2024-03-05 13:45:09.000'");
    /* keywords are case-insensitive, blanks and comments allowed inside */
    assert_string_equal(rw("SELECT { TS /* x */ '2024-03-05 00:00:00' }"), "SELECT '2024-03-05 00:00:00.000'");
    assert_string_equal(rw("SELECT {D '2024-02-29'}"), "SELECT '2024-02-29'");

    assert_string_equal(rw_state("SELECT {d '2023-02-29'}"), "22007");
    assert_string_equal(rw_state("SELECT {d '2024-13-01'}"), "22007");
    assert_string_equal(rw_state("SELECT {d '24-03-05'}"), "22007");
    assert_string_equal(rw_state("SELECT {ts '2024-03-05'}"), "22007");
    assert_string_equal(rw_state("SELECT {ts '2024-03-05 24:00:00'}"), "22007");
    assert_string_equal(rw_state("SELECT {ts '2024-03-05 10:00:00.'}"), "22007");
    assert_string_equal(rw_state("SELECT {t '10:60:00'}"), "22007");
    assert_string_equal(rw_state("SELECT {d 2024}"), "42000");
    assert_string_equal(rw_state("SELECT {d '2024-03-05'"), "42000");
    assert_string_equal(rw_state("SELECT {d '2024-03-05"), "42000");
}

/* {ts} literals have the text form of the DateTime columns (sql/value.c), so
 * = and < against a column compare times. */
static void test_timestamps_match_columns(void **state)
{
    const char *service[] = {"2024-03-05T13:45:09Z", "2024-03-05T13:45:09.5Z", "2024-03-05T13:45:09.1234567Z"};
    const char *odbc[] = {"{ts '2024-03-05 13:45:09'}", "{ts '2024-03-05 13:45:09.500'}",
                          "{ts '2024-03-05 13:45:09.1234567'}"};
    for (int i = 0; i < 3; i++) {
        char col[AZDO_DATETIME_MAX], sql[256];
        assert_int_equal(azdo_datetime_normalize(service[i], col), 0);
        snprintf(sql, sizeof sql, "SELECT '%s' = %s", col, odbc[i]);
        assert_string_equal(eval(sql), "1");
        snprintf(sql, sizeof sql, "SELECT '%s' < %s", col, "{ts '2024-03-05 13:45:10'}");
        assert_string_equal(eval(sql), "1");
        snprintf(sql, sizeof sql, "SELECT '%s' >= {d '2024-03-05'} AND '%s' < {d '2024-03-06'}", col, col);
        assert_string_equal(eval(sql), "1");
    }
}

static void test_other_escapes(void **state)
{
    assert_string_equal(rw("SELECT {guid '6F9619FF-8B86-D011-B42D-00C04FC964FF'}"),
                        "SELECT '6F9619FF-8B86-D011-B42D-00C04FC964FF'");
    assert_string_equal(rw_state("SELECT {guid '6F9619FF-8B86-D011-B42D'}"), "42000");
    assert_string_equal(rw_state("SELECT {guid '6F9619FF-8B86-D011-B42D-00C04FC964FG'}"), "42000");
    assert_string_equal(rw("SELECT * FROM {oj a LEFT OUTER JOIN b ON a.x = b.x}"),
                        "SELECT * FROM a LEFT OUTER JOIN b ON a.x = b.x");
    assert_string_equal(rw("SELECT * FROM {oj {oj a LEFT JOIN b ON a.x=b.x} LEFT JOIN c ON c.y={fn UCASE(b.y)}}"),
                        "SELECT * FROM a LEFT JOIN b ON a.x=b.x LEFT JOIN c ON c.y=upper((b.y))");
    assert_string_equal(rw("SELECT 1 WHERE 'a_b' LIKE 'a\\_b' {escape '\\'}"),
                        "SELECT 1 WHERE 'a_b' LIKE 'a\\_b' ESCAPE '\\'");
    assert_string_equal(eval("SELECT 'a_b' LIKE 'a!_b' {escape '!'} AND NOT 'axb' LIKE 'a!_b' {escape '!'}"), "1");
    /* the long form */
    assert_string_equal(rw("SELECT --(*vendor(Microsoft),product(ODBC) fn UCASE('x') *)-- AS u"),
                        "SELECT upper(('x')) AS u");
    assert_string_equal(rw("SELECT --(*VENDOR(Microsoft),PRODUCT(ODBC) d '2024-03-05'*)--"), "SELECT '2024-03-05'");
    assert_string_equal(rw("SELECT {fn UCASE( --(*vendor(Microsoft),product(ODBC) fn LCASE('A') *)-- )}"),
                        "SELECT upper((lower(('A')) ))");
    /* an ordinary comment that merely starts alike stays a comment */
    assert_string_equal(rw("SELECT 1 --(*vendor nothing\n"), "SELECT 1 --(*vendor nothing\n");
    /* no procedures */
    assert_string_equal(rw_state("{call GetItems(1)}"), "42000");
    assert_string_equal(rw_state("{?= call GetItems(1)}"), "42000");
    assert_string_equal(rw_state("{ CALL GetItems}"), "42000");
    /* unknown or broken escapes */
    assert_string_equal(rw_state("SELECT {foo 1}"), "42000");
    assert_string_equal(rw_state("SELECT {1}"), "42000");
    assert_string_equal(rw_state("SELECT {interval '1' day}"), "42000");
    assert_string_equal(rw_state("SELECT {fn NOSUCH(1)}"), "42000");
    assert_string_equal(rw_state("SELECT {fn LEFT('abc')}"), "42000");
    assert_string_equal(rw_state("SELECT {fn LEFT('abc', 1, 2)}"), "42000");
    assert_string_equal(rw_state("SELECT {fn UCASE('a')"), "42000");
    assert_string_equal(rw_state("SELECT {fn UCASE('a'}"), "42000");
    assert_string_equal(rw_state("SELECT {fn UCASE}"), "42000");
    assert_string_equal(rw_state("SELECT {fn UCASE(,)}"), "42000");
    assert_string_equal(rw_state("SELECT {fn CONCAT('a', )}"), "42000");
    assert_string_equal(rw_state("SELECT {fn TIMESTAMPADD(SQL_TSI_FRAC_SECOND, 1, {ts '2024-01-01 00:00:00'})}"),
                        "42000");
    assert_string_equal(rw_state("SELECT {fn CONVERT(1, SQL_INTERVAL_DAY)}"), "42000");
    assert_string_equal(rw_state("SELECT {fn EXTRACT(WEEK FROM '2024-01-01')}"), "42000");
    assert_string_equal(rw_state("SELECT {oj a LEFT JOIN b ON 1"), "42000");
    assert_string_equal(rw_state("SELECT --(*vendor(Microsoft),product(ODBC) fn PI() }"), "42000");
}

/* Every function the rewriter knows, with an expected value: running them
 * proves the templates are valid SQLite and mean what ODBC says. */
static const struct fcase {
    const char *name, *sql, *want;
} fcases[] = {
    {"ASCII", "SELECT {fn ASCII('Azure')}", "65"},
    {"BIT_LENGTH", "SELECT {fn BIT_LENGTH('ab')}", "16"},
    {"CHAR", "SELECT {fn CHAR(66)}", "B"},
    {"CHAR_LENGTH", "SELECT {fn CHAR_LENGTH('ab  ')}", "4"},
    {"CHARACTER_LENGTH", "SELECT {fn CHARACTER_LENGTH('abc')}", "3"},
    {"CONCAT", "SELECT {fn CONCAT('Work', 'Item')}", "WorkItem"},
    {"INSERT", "SELECT {fn INSERT('abcdef', 2, 3, 'XY')}", "aXYef"},
    {"LCASE", "SELECT {fn LCASE('AbC')}", "abc"},
    {"LEFT", "SELECT {fn LEFT('abcdef', 2)}", "ab"},
    {"LENGTH", "SELECT {fn LENGTH('ab  ')}", "2"},
    {"LOCATE", "SELECT {fn LOCATE('c', 'abcabc')}", "3"},
    {"LOCATE", "SELECT {fn LOCATE('c', 'abcabc', 4)} * 10 + {fn LOCATE('z', 'abc', 2)}", "60"},
    {"LTRIM", "SELECT '[' || {fn LTRIM('  a ')} || ']'", "[a ]"},
    {"OCTET_LENGTH", "SELECT {fn OCTET_LENGTH('é')}", "2"},
    {"POSITION", "SELECT {fn POSITION('in' IN 'within')}", "5"},
    {"REPEAT", "SELECT {fn REPEAT('ab', 3)}", "ababab"},
    {"REPLACE", "SELECT {fn REPLACE('a-b-c', '-', '+')}", "a+b+c"},
    {"RIGHT", "SELECT {fn RIGHT('abcdef', 2)} || '|' || {fn RIGHT('ab', 5)} || '|' || {fn RIGHT('ab', 0)} || '|'",
     "ef|ab||"},
    {"RTRIM", "SELECT '[' || {fn RTRIM(' a  ')} || ']'", "[ a]"},
    {"SOUNDEX", "SELECT {fn SOUNDEX('Robert')}", "R163"},
    {"SPACE", "SELECT '[' || {fn SPACE(3)} || ']'", "[   ]"},
    {"SUBSTRING", "SELECT {fn SUBSTRING('abcdef', 2, 3)} || {fn SUBSTRING('abcdef', 5)}", "bcdef"},
    {"UCASE", "SELECT {fn UCASE('AbC')}", "ABC"},
    {"LOWER", "SELECT {fn LOWER('AbC')}", "abc"},
    {"UPPER", "SELECT {fn UPPER('AbC')}", "ABC"},
    {"ABS", "SELECT {fn ABS(-3)}", "3"},
    {"ACOS", "SELECT {fn ACOS(1)}", "0.0"},
    {"ASIN", "SELECT {fn ASIN(0)}", "0.0"},
    {"ATAN", "SELECT {fn ATAN(0)}", "0.0"},
    {"ATAN2", "SELECT round({fn ATAN2(1, 1)} * 4, 6)", "3.141593"},
    {"CEILING", "SELECT {fn CEILING(2.1)}", "3.0"},
    {"COS", "SELECT {fn COS(0)}", "1.0"},
    {"COT", "SELECT round({fn COT(1)}, 6)", "0.642093"},
    {"DEGREES", "SELECT round({fn DEGREES({fn PI()})}, 6)", "180.0"},
    {"EXP", "SELECT {fn EXP(0)}", "1.0"},
    {"FLOOR", "SELECT {fn FLOOR(-2.5)}", "-3.0"},
    {"LOG", "SELECT round({fn LOG({fn EXP(2)})}, 6)", "2.0"},
    {"LOG10", "SELECT {fn LOG10(1000)}", "3.0"},
    {"MOD", "SELECT {fn MOD(17, 5)}", "2"},
    {"PI", "SELECT round({fn PI()}, 5)", "3.14159"},
    {"POWER", "SELECT {fn POWER(2, 10)}", "1024.0"},
    {"RADIANS", "SELECT round({fn RADIANS(180)}, 5)", "3.14159"},
    {"RAND", "SELECT {fn RAND()} >= 0 AND {fn RAND()} < 1 AND {fn RAND(7)} < 1", "1"},
    {"ROUND", "SELECT {fn ROUND(2.567, 2)} || '|' || {fn ROUND(1250, -2)} || '|' || {fn ROUND(1249, -2)}",
     "2.57|1300.0|1200.0"},
    {"SIGN", "SELECT {fn SIGN(-4)} || {fn SIGN(0)} || {fn SIGN(2.5)}", "-101"},
    {"SIN", "SELECT {fn SIN(0)}", "0.0"},
    {"SQRT", "SELECT {fn SQRT(16)}", "4.0"},
    {"TAN", "SELECT {fn TAN(0)}", "0.0"},
    {"TRUNCATE", "SELECT {fn TRUNCATE(2.679, 2)} || '|' || {fn TRUNCATE(0.29, 2)} || '|' || {fn TRUNCATE(-2.75, 1)}",
     "2.67|0.29|-2.7"},
    {"CURDATE", "SELECT {fn CURDATE()} = date('now')", "1"},
    {"CURRENT_DATE", "SELECT {fn CURRENT_DATE()} = date('now') AND {fn CURRENT_DATE} = date('now')", "1"},
    {"CURRENT_TIME", "SELECT length({fn CURRENT_TIME()}) || length({fn CURRENT_TIME(3)})", "88"},
    {"CURRENT_TIMESTAMP", "SELECT {fn CURRENT_TIMESTAMP()} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] "
                          "[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]'", "1"},
    {"CURTIME", "SELECT {fn CURTIME()} GLOB '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'", "1"},
    {"DAYNAME", "SELECT {fn DAYNAME({d '2024-03-05'})}", "Tuesday"},
    {"DAYOFMONTH", "SELECT {fn DAYOFMONTH({ts '2024-03-05 10:00:00'})}", "5"},
    {"DAYOFWEEK", "SELECT {fn DAYOFWEEK({d '2024-03-03'})} || {fn DAYOFWEEK({d '2024-03-09'})}", "17"},
    {"DAYOFYEAR", "SELECT {fn DAYOFYEAR({d '2024-12-31'})}", "366"},
    {"EXTRACT", "SELECT {fn EXTRACT(YEAR FROM {ts '2024-03-05 10:20:30'})} || '|' || "
                "{fn EXTRACT(minute FROM '2024-03-05 10:20:30.000')}", "2024|20"},
    {"HOUR", "SELECT {fn HOUR('2024-03-05 10:20:30.000')}", "10"},
    {"MINUTE", "SELECT {fn MINUTE('2024-03-05 10:20:30.000')}", "20"},
    {"MONTH", "SELECT {fn MONTH({d '2024-03-05'})}", "3"},
    {"MONTHNAME", "SELECT {fn MONTHNAME({d '2024-09-05'})}", "September"},
    {"NOW", "SELECT abs(julianday({fn NOW()}) - julianday('now')) < 0.001", "1"},
    {"QUARTER", "SELECT {fn QUARTER({d '2024-03-31'})} || {fn QUARTER({d '2024-04-01'})} || "
                "{fn QUARTER({d '2024-12-01'})}", "124"},
    {"SECOND", "SELECT {fn SECOND('2024-03-05 10:20:30.999')}", "30"},
    /* Jan 31 + 1 month is Feb 29 in a leap year, the time of day kept */
    {"TIMESTAMPADD", "SELECT {fn TIMESTAMPADD(SQL_TSI_MONTH, 1, {ts '2024-01-31 10:20:30.250'})}",
     "2024-02-29 10:20:30.250"},
    {"TIMESTAMPADD", "SELECT {fn TIMESTAMPADD(SQL_TSI_YEAR, -1, {ts '2024-02-29 00:00:00'})} || '|' || "
                     "{fn TIMESTAMPADD(SQL_TSI_QUARTER, 1, {d '2024-11-30'})} || '|' || "
                     "{fn TIMESTAMPADD(SQL_TSI_DAY, 2, '2024-12-31 23:00:00.000')} || '|' || "
                     "{fn TIMESTAMPADD(SQL_TSI_WEEK, 1, {d '2024-03-05'})} || '|' || "
                     "{fn TIMESTAMPADD(SQL_TSI_HOUR, -25, {ts '2024-03-05 00:30:00'})} || '|' || "
                     "{fn TIMESTAMPADD(MINUTE, 90, {ts '2024-03-05 00:30:00'})} || '|' || "
                     "{fn TIMESTAMPADD(SQL_TSI_SECOND, 61, {ts '2024-03-05 00:30:00'})}",
     "2023-02-28 00:00:00.000|2025-02-28 00:00:00.000|2025-01-02 23:00:00.000|2024-03-12 00:00:00.000|"
     "2024-03-03 23:30:00.000|2024-03-05 02:00:00.000|2024-03-05 00:31:01.000"},
    /* whole intervals elapsed, truncated toward zero */
    {"TIMESTAMPDIFF", "SELECT {fn TIMESTAMPDIFF(SQL_TSI_DAY, {ts '2024-03-01 12:00:00'}, {ts '2024-03-05 11:59:59'})}",
     "3"},
    {"TIMESTAMPDIFF", "SELECT {fn TIMESTAMPDIFF(SQL_TSI_MONTH, {d '2024-01-31'}, {d '2024-02-29'})} || '|' || "
                      "{fn TIMESTAMPDIFF(SQL_TSI_MONTH, {d '2024-01-15'}, {d '2024-03-15'})} || '|' || "
                      "{fn TIMESTAMPDIFF(SQL_TSI_MONTH, {d '2024-03-15'}, {d '2024-01-16'})} || '|' || "
                      "{fn TIMESTAMPDIFF(SQL_TSI_YEAR, {d '2020-02-29'}, {d '2024-02-28'})} || '|' || "
                      "{fn TIMESTAMPDIFF(SQL_TSI_QUARTER, {d '2024-01-01'}, {d '2024-12-31'})} || '|' || "
                      "{fn TIMESTAMPDIFF(SQL_TSI_WEEK, {d '2024-03-01'}, {d '2024-03-15'})} || '|' || "
                      "{fn TIMESTAMPDIFF(SQL_TSI_HOUR, {ts '2024-03-05 10:00:00'}, {ts '2024-03-04 09:00:00'})} || '|' || "
                      "{fn TIMESTAMPDIFF(SQL_TSI_MINUTE, {ts '2024-03-05 10:00:00'}, {ts '2024-03-05 10:59:59.999'})} || '|' || "
                      "{fn TIMESTAMPDIFF(SQL_TSI_SECOND, {ts '2024-03-05 10:00:00'}, {ts '2024-03-05 10:00:01.000'})}",
     "0|2|-1|3|3|2|-25|59|1"},
    {"WEEK", "SELECT {fn WEEK({d '2022-01-01'})} || {fn WEEK({d '2022-01-02'})} || '|' || {fn WEEK({d '2024-12-31'})}",
     "12|53"},
    {"YEAR", "SELECT {fn YEAR({ts '2024-03-05 10:00:00'})}", "2024"},
    {"DATABASE", "SELECT {fn DATABASE()}", "Fabrikam-Fiber"},
    {"IFNULL", "SELECT {fn IFNULL(NULL, 'x')} || {fn IFNULL('y', 'x')}", "xy"},
    {"USER", "SELECT {fn USER()}", "Jamal O'Hartnett"},
    {"CONVERT", "SELECT {fn CONVERT('42', SQL_INTEGER)} + 1", "43"},
    {"CONVERT", "SELECT typeof({fn CONVERT(42, SQL_VARCHAR)}) || '|' || {fn CONVERT('2.5', SQL_DOUBLE)} || '|' || "
                "{fn CONVERT('2024-03-05 10:20:30', SQL_TYPE_TIMESTAMP)} || '|' || "
                "{fn CONVERT({ts '2024-03-05 10:20:30'}, SQL_DATE)} || '|' || "
                "{fn CONVERT({ts '2024-03-05 10:20:30'}, SQL_TIME)} || '|' || {fn CONVERT('7', SQL_BIT)} || "
                "{fn CONVERT(0, SQL_BIT)} || '|' || typeof({fn CONVERT('ab', SQL_VARBINARY)})",
     "text|2.5|2024-03-05 10:20:30.000|2024-03-05|10:20:30|10|blob"},
};

static void test_every_function(void **state)
{
    for (size_t i = 0; i < sizeof fcases / sizeof fcases[0]; i++) {
        const char *got = eval(fcases[i].sql);
        if (strcmp(got, fcases[i].want) != 0)
            fail_msg("%s: %s\n  got  %s\n  want %s", fcases[i].name, fcases[i].sql, got, fcases[i].want);
    }
    /* and every function the rewriter knows has a case above */
    const char *name;
    for (size_t k = 0; (name = sqlesc_function_at(k, NULL, NULL, NULL)) != NULL; k++) {
        int found = 0;
        for (size_t i = 0; i < sizeof fcases / sizeof fcases[0] && !found; i++)
            found = strcmp(fcases[i].name, name) == 0;
        if (!found)
            fail_msg("{fn %s} has no case in test_every_function", name);
    }
}

static void test_nulls_stay_null(void **state)
{
    const char *nulls[] = {
        "SELECT {fn UCASE(NULL)}",        "SELECT {fn LEFT(NULL, 2)}",        "SELECT {fn RIGHT(NULL, 2)}",
        "SELECT {fn LENGTH(NULL)}",       "SELECT {fn LOCATE('a', NULL, 2)}", "SELECT {fn YEAR(NULL)}",
        "SELECT {fn DAYNAME(NULL)}",      "SELECT {fn WEEK(NULL)}",           "SELECT {fn QUARTER(NULL)}",
        "SELECT {fn CONCAT('a', NULL)}",  "SELECT {fn REPEAT(NULL, 2)}",
        "SELECT {fn TIMESTAMPADD(SQL_TSI_MONTH, 1, NULL)}",
        "SELECT {fn TIMESTAMPADD(SQL_TSI_DAY, NULL, {d '2024-01-01'})}",
        "SELECT {fn TIMESTAMPDIFF(SQL_TSI_MONTH, NULL, {d '2024-01-01'})}",
        "SELECT {fn TIMESTAMPDIFF(SQL_TSI_SECOND, {d '2024-01-01'}, NULL)}",
        "SELECT {fn CONVERT(NULL, SQL_TIMESTAMP)}",
    };
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strcmp(eval(nulls[i]), "NULL") != 0)
            fail_msg("%s gave %s, not NULL", nulls[i], eval(nulls[i]));
}

static void test_case_nesting_and_layout(void **state)
{
    assert_string_equal(rw("SELECT {FN ucase( Title )} FROM WorkItems"), "SELECT upper((Title )) FROM WorkItems");
    /* a comment inside an argument keeps its end */
    assert_string_equal(eval("SELECT {fn CONCAT('a' -- first\n, /* second */ 'b' -- end\n)}"), "ab");
    assert_string_equal(rw("SELECT {fn UCASE({fn LEFT(Title, 3)})}"), "SELECT upper((substr((Title), 1, (3))))");
    assert_string_equal(rw("SELECT {fn CONCAT(f(a, b), 'x,y)')}"), "SELECT ((f(a, b)) || ('x,y)'))");
    assert_string_equal(eval("SELECT {fn UCASE({fn CONCAT({fn LEFT('abc', 1)}, {fn RIGHT('xyz', 1)})})}"), "AZ");
    assert_string_equal(rw("SELECT {fn DATABASE()} , {fn USER()}"), "SELECT 'Fabrikam-Fiber' , 'Jamal O''Hartnett'");
    assert_string_equal(rw_env("SELECT {fn DATABASE()}", &env_core, NULL), "SELECT ''");
    /* CURRENT_DATE may go without parentheses, other names may not */
    assert_string_equal(rw("SELECT {fn CURRENT_DATE}"), "SELECT date('now')");
    /* deep nesting is refused, not a stack overflow */
    char deep[4096] = "SELECT ";
    for (int i = 0; i < 200; i++)
        strcat(deep, "{fn UCASE(");
    strcat(deep, "'x'");
    for (int i = 0; i < 200; i++)
        strcat(deep, ")}");
    assert_string_equal(rw_state(deep), "42000");
}

static void test_without_optional_sqlite_functions(void **state)
{
    char st[6] = "";
    assert_null(rw_env("SELECT {fn SQRT(4)}", &env_core, st));
    assert_string_equal(st, "42000");
    assert_null(rw_env("SELECT {fn SOUNDEX('x')}", &env_core, st));
    assert_non_null(rw_env("SELECT {fn ABS(-1)}, {fn ROUND(5, -1)}", &env_core, NULL));

    unsigned long core = sqlesc_function_mask(SQLESC_MASK_NUMERIC, 0);
    unsigned long all = sqlesc_function_mask(SQLESC_MASK_NUMERIC, SQLESC_CAP_MATH);
    assert_true(core & SQL_FN_NUM_ABS);
    assert_true(core & SQL_FN_NUM_MOD);
    assert_false(core & SQL_FN_NUM_SQRT);
    assert_true(all & SQL_FN_NUM_SQRT);
    assert_true(all & SQL_FN_NUM_TRUNCATE);
    assert_false(sqlesc_function_mask(SQLESC_MASK_STRING, 0) & SQL_FN_STR_SOUNDEX);
    assert_true(sqlesc_function_mask(SQLESC_MASK_STRING, SQLESC_CAP_SOUNDEX) & SQL_FN_STR_SOUNDEX);
    assert_false(sqlesc_function_mask(SQLESC_MASK_STRING, SQLESC_CAP_SOUNDEX) & SQL_FN_STR_DIFFERENCE);
    assert_int_equal(sqlesc_function_mask(SQLESC_MASK_CONVERT, 0), SQL_FN_CVT_CAST | SQL_FN_CVT_CONVERT);
    assert_int_equal(sqlesc_function_mask(SQLESC_MASK_SYSTEM, 0),
                     SQL_FN_SYS_DBNAME | SQL_FN_SYS_IFNULL | SQL_FN_SYS_USERNAME);
    assert_false(sqlesc_function_mask(SQLESC_MASK_TSI, 0) & SQL_FN_TSI_FRAC_SECOND);
    assert_true(sqlesc_function_mask(SQLESC_MASK_TSI, 0) & SQL_FN_TSI_QUARTER);
}

static int param_count(const char *sql)
{
    sqlite3_stmt *vm = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &vm, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    int n = sqlite3_bind_parameter_count(vm);
    sqlite3_finalize(vm);
    return n;
}

/* Runs the rewritten SQL with the values bound in the order the
 * application wrote its markers; the first column of the row, as text. */
static char *run_bound(const char *sql, int n, const char *const *vals)
{
    static char out[128];
    sqlite3_stmt *vm = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &vm, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(vm, i + 1, vals[i], -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(vm), SQLITE_ROW);
    snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(vm, 0));
    sqlite3_finalize(vm);
    return out;
}

static void test_markers_keep_their_order(void **state)
{
    /* templates that use their arguments in another order than written */
    const char *loc[] = {"b", "abc"};
    assert_string_equal(run_bound(rw("SELECT {fn LOCATE(?, ?)}"), 2, loc), "2");
    assert_string_equal(run_bound(rw("SELECT {fn POSITION(? IN ?)}"), 2, loc), "2");
    const char *diff[] = {"2024-01-01 00:00:00", "2024-01-03 00:00:00"};
    assert_string_equal(run_bound(rw("SELECT {fn TIMESTAMPDIFF(SQL_TSI_DAY, ?, ?)}"), 2, diff), "2");
    const char *add[] = {"1", "2024-01-01 00:00:00"};
    assert_string_equal(run_bound(rw("SELECT {fn TIMESTAMPADD(SQL_TSI_DAY, ?, ?)}"), 2, add),
                        "2024-01-02 00:00:00.000");
    /* and the markers around them keep theirs */
    const char *mix[] = {"x", "b", "abc", "y"};
    assert_string_equal(run_bound(rw("SELECT ? || {fn LOCATE(?, ?)} || ?"), 4, mix), "x2y");
}

static void test_parameter_markers(void **state)
{
    /* used once: markers stay as they are */
    assert_string_equal(rw("SELECT {fn UCASE(?)}, ? FROM t WHERE {fn LEFT(a, ?)} = ?"),
                        "SELECT upper((?)), ? FROM t WHERE substr((a), 1, (?)) = ?");
    /* RIGHT repeats its length: every plain marker gets its number */
    const char *r = rw("SELECT {fn RIGHT('abc', ?)}, ? FROM (SELECT 1 AS x) WHERE x = ?");
    assert_string_equal(r, "SELECT substr(('abc'), -(?1), (?1)), ?2 FROM (SELECT 1 AS x) WHERE x = ?3");
    assert_int_equal(param_count(r), 3);
    /* RAND drops its seed: the marker keeps its number */
    r = rw("SELECT ?, {fn RAND(?)}, ?");
    assert_string_equal(r, "SELECT ?1, ((random() & 9223372036854775807) / 9223372036854775808.0), ?3");
    assert_int_equal(param_count(r), 3);
    /* numbered markers already there: SQLite's own numbering is followed */
    assert_string_equal(rw("SELECT ?5, {fn RIGHT('abc', ?)}"), "SELECT ?5, substr(('abc'), -(?6), (?6))");
    /* with named ones it cannot be done: a clear error */
    assert_string_equal(rw_state("SELECT :a, {fn RIGHT('abc', ?)}"), "42000");
    /* sqlscan still maps the numbered-in-order markers to columns (SQLDescribeParam) */
    r = rw("UPDATE WorkItems SET Title = ?, State = {fn LEFT(?, 1)} WHERE {fn RIGHT(Title, 2)} = ? AND Id = ?");
    assert_string_equal(r, "UPDATE WorkItems SET Title = ?, State = substr((?), 1, (1)) WHERE substr((Title), "
                           "-(2), (2)) = ? AND Id = ?");
    r = rw("UPDATE WorkItems SET Title = ? WHERE {fn RIGHT(Title, ?)} = 'x' AND Id = ?");
    assert_string_equal(r, "UPDATE WorkItems SET Title = ?1 WHERE substr((Title), -(?2), (?2)) = 'x' AND Id = ?3");
    sqlscan_targets tg;
    assert_int_equal(sqlscan_param_targets(r, strlen(r), &tg), 0);
    /* ?2 appears twice, so the numbering is SQLite's again: nothing mapped */
    assert_int_equal(tg.nparams, 0);
    sqlscan_targets_free(&tg);
    const char *inorder = "UPDATE WorkItems SET Title = ?1 WHERE Id = ?2";
    assert_int_equal(sqlscan_param_targets(inorder, strlen(inorder), &tg), 0);
    assert_int_equal(tg.nparams, 2);
    assert_string_equal(tg.targets[0].column, "Title");
    assert_string_equal(tg.targets[1].column, "Id");
    sqlscan_targets_free(&tg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass_through),
        cmocka_unit_test(test_datetime_literals),
        cmocka_unit_test(test_timestamps_match_columns),
        cmocka_unit_test(test_other_escapes),
        cmocka_unit_test(test_every_function),
        cmocka_unit_test(test_nulls_stay_null),
        cmocka_unit_test(test_case_nesting_and_layout),
        cmocka_unit_test(test_without_optional_sqlite_functions),
        cmocka_unit_test(test_parameter_markers),
        cmocka_unit_test(test_markers_keep_their_order),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
