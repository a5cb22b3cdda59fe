/* test_driver_sqlscan.c — driver/sqlscan.h: the statement kind behind the
 * write-intent flag (first keyword after blanks, comments and a WITH
 * clause) and the parameter targets behind SQLDescribeParam. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "driver/sqlscan.h"

static sqlscan_kind kind(const char *s)
{
    return sqlscan_kind_of(s, strlen(s));
}

static int wi(const char *s)
{
    return sqlscan_is_update_or_delete(s, strlen(s));
}

static void test_kinds(void **state)
{
    assert_int_equal(kind(""), SQLK_EMPTY);
    assert_int_equal(kind("  ;; -- nothing\n /* at all */ ;"), SQLK_EMPTY);
    assert_int_equal(kind("SELECT 1"), SQLK_SELECT);
    assert_int_equal(kind("select 1"), SQLK_SELECT);
    assert_int_equal(kind("VALUES (1)"), SQLK_VALUES);
    assert_int_equal(kind("insert into t values (1)"), SQLK_INSERT);
    assert_int_equal(kind("REPLACE INTO t VALUES (1)"), SQLK_REPLACE);
    assert_int_equal(kind("Update t set x = 1"), SQLK_UPDATE);
    assert_int_equal(kind("DELETE FROM t"), SQLK_DELETE);
    assert_int_equal(kind("CREATE TEMP TABLE t(x)"), SQLK_OTHER);
    assert_int_equal(kind("PRAGMA table_info(t)"), SQLK_OTHER);
    assert_int_equal(kind("EXPLAIN DELETE FROM t"), SQLK_OTHER);
    /* a keyword must be a whole word */
    assert_int_equal(kind("UPDATED"), SQLK_OTHER);
    assert_int_equal(kind("DELETEx FROM t"), SQLK_OTHER);
    assert_int_equal(kind("\"UPDATE\""), SQLK_OTHER);
    assert_int_equal(kind("'DELETE'"), SQLK_OTHER);
}

static void test_write_intent_blanks_and_comments(void **state)
{
    assert_true(wi("UPDATE WorkItems SET State = 'Closed' WHERE Id = 1"));
    assert_true(wi("delete from WorkItems where Id = 1"));
    assert_true(wi("  \t\r\n\f UPDATE t SET x=1"));
    assert_true(wi("-- a comment\nDELETE FROM t"));
    assert_true(wi("/* c1 */ /* c2 \n more */ -- c3\n  uPdAtE t SET x=1"));
    assert_true(wi(";  ; DELETE FROM t"));
    assert_true(wi("/*x*/DELETE/*y*/FROM t"));
    assert_false(wi("SELECT * FROM WorkItems"));
    assert_false(wi("INSERT INTO WorkItems (Title) VALUES ('x')"));
    assert_false(wi("INSERT INTO t SELECT * FROM u WHERE x IN (SELECT 1) -- UPDATE"));
    assert_false(wi("-- UPDATE t\nSELECT 1"));
    assert_false(wi("/* DELETE FROM t */ SELECT 1"));
    assert_false(wi("-- only a comment UPDATE"));
    assert_false(wi("/* unclosed comment DELETE"));
    assert_false(wi(""));
    /* only the first statement counts */
    assert_false(wi("SELECT 1; DELETE FROM t"));
    /* the length bounds the text */
    assert_false(sqlscan_is_update_or_delete("SELECT 1 UPDATE", 3));
    assert_true(sqlscan_is_update_or_delete("UPDATE t SET x = 1 garbage", 6));
    assert_false(sqlscan_is_update_or_delete("UPDATE", 5));
}

static void test_write_intent_with_clause(void **state)
{
    assert_true(wi("WITH s AS (SELECT 1 AS id) UPDATE t SET x = 1 WHERE id IN (SELECT id FROM s)"));
    assert_true(wi("with recursive r(n) as (select 1 union all select n+1 from r where n < 3) "
                   "delete from t where x in r"));
    assert_true(wi("WITH a AS (SELECT 1), b(x) AS NOT MATERIALIZED (SELECT ')' || \"(\" FROM a) DELETE FROM t"));
    assert_true(wi("WITH \"q t\" AS MATERIALIZED ((SELECT 1)) /* c */ UPDATE t SET x = 2"));
    assert_true(wi("WITH [a] AS (SELECT 'UPDATE'), `b` AS (SELECT (1)) UPDATE t SET x = 2"));
    assert_false(wi("WITH s AS (DELETE FROM t) SELECT 1")); /* the body is not the statement */
    assert_false(wi("WITH s AS (SELECT 1) SELECT * FROM s"));
    assert_false(wi("WITH s AS (SELECT 1) INSERT INTO t SELECT * FROM s"));
    assert_int_equal(kind("WITH s AS (SELECT 1) INSERT INTO t SELECT * FROM s"), SQLK_INSERT);
    assert_int_equal(kind("WITH s AS (SELECT 1) SELECT * FROM s"), SQLK_SELECT);
    /* malformed WITH: not UPDATE/DELETE */
    assert_false(wi("WITH UPDATE t SET x = 1"));
    assert_false(wi("WITH s AS (SELECT 1 UPDATE t SET x = 1"));
    assert_int_equal(kind("WITH s (SELECT 1) DELETE FROM t"), SQLK_OTHER);
}

/* ---- parameter targets ---- */

static void targets(const char *sql, sqlscan_targets *t)
{
    assert_int_equal(sqlscan_param_targets(sql, strlen(sql), t), 0);
}

static void expect_col(const sqlscan_targets *t, int i, const char *col)
{
    assert_true(i < t->nparams);
    if (!col) {
        if (t->targets[i].column)
            fail_msg("parameter %d: column '%s', want none", i + 1, t->targets[i].column);
        return;
    }
    if (!t->targets[i].column)
        fail_msg("parameter %d: no column, want '%s'", i + 1, col);
    assert_string_equal(t->targets[i].column, col);
}

static void test_targets_insert(void **state)
{
    sqlscan_targets t;
    targets("INSERT INTO WorkItems (WorkItemType, Title, \"Priority\", [Area Path]) VALUES (?, ?, ?, ?)", &t);
    assert_int_equal(t.kind, SQLK_INSERT);
    assert_string_equal(t.table, "WorkItems");
    assert_null(t.schema);
    assert_int_equal(t.nparams, 4);
    expect_col(&t, 0, "WorkItemType");
    expect_col(&t, 1, "Title");
    expect_col(&t, 2, "Priority");
    expect_col(&t, 3, "Area Path");
    sqlscan_targets_free(&t);

    /* expressions are not mapped, but still counted; literals and strings shift nothing */
    targets("insert or replace into temp.z (a, b, c, d) values (upper(?), 'x?', ?, ? + 1)", &t);
    assert_int_equal(t.kind, SQLK_INSERT);
    assert_string_equal(t.schema, "temp");
    assert_string_equal(t.table, "z");
    assert_int_equal(t.nparams, 3);
    expect_col(&t, 0, NULL);
    expect_col(&t, 1, "c");
    expect_col(&t, 2, NULL);
    sqlscan_targets_free(&t);

    /* several rows */
    targets("INSERT INTO z (a, b) VALUES (?, ?), (?, 1), ((?), ?)", &t);
    assert_int_equal(t.nparams, 5);
    expect_col(&t, 0, "a");
    expect_col(&t, 1, "b");
    expect_col(&t, 2, "a");
    expect_col(&t, 3, NULL);
    expect_col(&t, 4, "b");
    sqlscan_targets_free(&t);

    /* no column list: ordinals */
    targets("INSERT INTO z VALUES (?, 'a', ?)", &t);
    assert_int_equal(t.nparams, 2);
    assert_null(t.targets[0].column);
    assert_int_equal(t.targets[0].ordinal, 1);
    assert_int_equal(t.targets[1].ordinal, 3);
    sqlscan_targets_free(&t);

    /* INSERT … SELECT: no VALUES mapping; a WHERE comparison maps */
    targets("INSERT INTO z (a) SELECT x FROM y WHERE a = ?", &t);
    assert_int_equal(t.nparams, 1);
    assert_string_equal(t.table, "z");
    expect_col(&t, 0, "a");
    sqlscan_targets_free(&t);

    /* upsert */
    targets("INSERT INTO z (a, b) VALUES (?, ?) ON CONFLICT(a) DO UPDATE SET b = ?", &t);
    assert_int_equal(t.nparams, 3);
    expect_col(&t, 0, "a");
    expect_col(&t, 1, "b");
    expect_col(&t, 2, "b");
    sqlscan_targets_free(&t);

    /* a comment between tokens changes nothing */
    targets("INSERT /*x*/ INTO z -- y\n (a, b) VALUES (? /* ? */, ?)", &t);
    assert_int_equal(t.nparams, 2);
    expect_col(&t, 0, "a");
    expect_col(&t, 1, "b");
    sqlscan_targets_free(&t);
}

static void test_targets_update_delete_select(void **state)
{
    sqlscan_targets t;
    targets("UPDATE WorkItems SET State = ?, Title=? , \"Story Points\" == ? WHERE Id = ? AND Rev = ?", &t);
    assert_int_equal(t.kind, SQLK_UPDATE);
    assert_string_equal(t.table, "WorkItems");
    assert_int_equal(t.nparams, 5);
    expect_col(&t, 0, "State");
    expect_col(&t, 1, "Title");
    expect_col(&t, 2, "Story Points");
    expect_col(&t, 3, "Id");
    expect_col(&t, 4, "Rev");
    sqlscan_targets_free(&t);

    targets("update or ignore main.t set a = ? where t.b >= ? and c <> ? and d != ? and e <= ? and f < ? "
            "and g > ? and h like ? and i is not ? and j is ? and k glob ?", &t);
    assert_string_equal(t.schema, "main");
    assert_string_equal(t.table, "t");
    assert_int_equal(t.nparams, 11);
    static const char *const want[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
    for (int i = 0; i < 11; i++)
        expect_col(&t, i, want[i]);
    sqlscan_targets_free(&t);

    /* not columns: keywords, expressions, literals, IN lists, LIMIT */
    targets("UPDATE t SET a = coalesce(?, 1) WHERE 1 = ? AND f(x) = ? AND b IN (?, ?) LIMIT ?", &t);
    assert_int_equal(t.nparams, 6);
    for (int i = 0; i < 6; i++)
        expect_col(&t, i, NULL);
    sqlscan_targets_free(&t);

    targets("DELETE FROM WorkItems WHERE Id = ?", &t);
    assert_int_equal(t.kind, SQLK_DELETE);
    assert_string_equal(t.table, "WorkItems");
    expect_col(&t, 0, "Id");
    sqlscan_targets_free(&t);

    targets("SELECT count(*) FROM WorkItems WHERE Id = ? AND State = ?", &t);
    assert_int_equal(t.kind, SQLK_SELECT);
    assert_string_equal(t.table, "WorkItems");
    expect_col(&t, 0, "Id");
    expect_col(&t, 1, "State");
    sqlscan_targets_free(&t);

    /* the FROM of a subquery in the select list is not the statement's table */
    targets("SELECT (SELECT 1 FROM x WHERE a = ?) FROM y WHERE b = ?", &t);
    assert_string_equal(t.table, "y");
    assert_int_equal(t.nparams, 2);
    sqlscan_targets_free(&t);

    /* no table: nothing is mapped */
    targets("SELECT ? || '!', ? + 1", &t);
    assert_null(t.table);
    assert_int_equal(t.nparams, 2);
    expect_col(&t, 0, NULL);
    expect_col(&t, 1, NULL);
    sqlscan_targets_free(&t);

    targets("WITH s AS (SELECT ?) UPDATE t SET a = ?", &t);
    assert_int_equal(t.kind, SQLK_UPDATE);
    assert_string_equal(t.table, "t");
    assert_int_equal(t.nparams, 2);
    expect_col(&t, 0, NULL);
    expect_col(&t, 1, "a");
    sqlscan_targets_free(&t);
}

static void test_targets_named_markers(void **state)
{
    sqlscan_targets t;
    static const char *const named[] = {
        "UPDATE t SET a = ?2 WHERE b = ?",
        "UPDATE t SET a = ?1 WHERE b = ?1",
        "UPDATE t SET a = :a WHERE b = ?",
        "UPDATE t SET a = @a",
        "UPDATE t SET a = $a",
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        targets(named[i], &t);
        assert_int_equal(t.kind, SQLK_UPDATE);
        assert_int_equal(t.nparams, 0);
        assert_null(t.targets);
        sqlscan_targets_free(&t);
    }
    /* ?N where N is the marker's own position is a plain '?' (the escape
     * rewriter numbers markers so, sqlesc.h) */
    targets("UPDATE t SET a = ?1 WHERE b = ?2", &t);
    assert_int_equal(t.nparams, 2);
    assert_string_equal(t.targets[0].column, "a");
    assert_string_equal(t.targets[1].column, "b");
    sqlscan_targets_free(&t);
    /* inside strings and identifiers they are text */
    targets("UPDATE t SET \"a:b\" = ?, c = ':x ?1' WHERE [d?] = ?", &t);
    assert_int_equal(t.nparams, 2);
    expect_col(&t, 0, "a:b");
    expect_col(&t, 1, "d?");
    sqlscan_targets_free(&t);
    /* doubled quotes inside quoted names */
    targets("UPDATE t SET \"a\"\"b\" = ?, `c``d` = ?", &t);
    expect_col(&t, 0, "a\"b");
    expect_col(&t, 1, "c`d");
    sqlscan_targets_free(&t);
    /* no markers */
    targets("DELETE FROM t", &t);
    assert_int_equal(t.kind, SQLK_DELETE);
    assert_int_equal(t.nparams, 0);
    sqlscan_targets_free(&t);
    /* unterminated string: still no crash, nothing after it counts */
    targets("UPDATE t SET a = ? WHERE b = 'abc", &t);
    assert_int_equal(t.nparams, 1);
    expect_col(&t, 0, "a");
    sqlscan_targets_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_write_intent_blanks_and_comments),
        cmocka_unit_test(test_write_intent_with_clause),
        cmocka_unit_test(test_targets_insert),
        cmocka_unit_test(test_targets_update_delete_select),
        cmocka_unit_test(test_targets_named_markers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
