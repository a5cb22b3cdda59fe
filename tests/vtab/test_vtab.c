/*
 * test_vtab.c — WorkItems through SQLite with a fake transport: what is
 * pushed to WIQL, how many round trips a query costs, paging past the
 * 20,000 cap, and that every failure is an error rather than a short result.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_ado.h"
#include "sql/azdo_session.h"

typedef struct fixture {
    fake_ado s;
    fake_http *f;
    azdo_session *sess;
} fixture;

static azdo_errkind open_fixture(fixture *fx, azdo_error *err)
{
    azdo_config cfg = {.base_url = "http://127.0.0.1:1/fabrikam", .project = "Proj", .pat = "secret-pat",
                       .api_version = "7.1"};
    fx->f = fake_http_new(fake_ado_handle, &fx->s);
    return azdo_session_open(&cfg, &fx->f->base, &fx->sess, err);
}

static void close_fixture(fixture *fx)
{
    azdo_session_close(fx->sess);
    fake_http_free(fx->f);
}

/* Runs sql; returns the number of rows, or -1 on error (message in errbuf). */
static int run(fixture *fx, const char *sql, int64_t *first_col, int max, char *errbuf, size_t errlen)
{
    sqlite3 *db = azdo_session_db(fx->sess);
    sqlite3_stmt *st;
    azdo_session_clear_error(fx->sess);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s", sqlite3_errmsg(db));
        return -1;
    }
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (first_col && n < max)
            first_col[n] = sqlite3_column_int64(st, 0);
        n++;
    }
    if (rc != SQLITE_DONE) {
        snprintf(errbuf, errlen, "%s", sqlite3_errmsg(db));
        n = -1;
    }
    sqlite3_finalize(st);
    return n;
}

static void test_columns_follow_naming_rule(void **state)
{
    fixture fx = {.s = {.n_items = 10}};
    azdo_error err;
    assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
    sqlite3 *db = azdo_session_db(fx.sess);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(name || ':' || type, ',') FROM "
                                            "pragma_table_info('WorkItems')",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *cols = (const char *)sqlite3_column_text(st, 0);
    assert_string_equal(cols, "Id:INTEGER,Title:VARCHAR(255),State:VARCHAR(255),AssignedTo:VARCHAR(512),"
                              "AssignedToDisplayName:VARCHAR(256),AssignedToUniqueName:VARCHAR(256),"
                              "AreaPath:VARCHAR(4000),ChangedDate:TIMESTAMP,Priority:INTEGER,RemainingWork:DOUBLE,"
                              "Custom_Priority:VARCHAR(255),WEF_1_Kanban_Column:VARCHAR(255)");
    sqlite3_finalize(st);
    /* the Fields table maps each column back to its field */
    int64_t dummy;
    char e[256];
    assert_int_equal(run(&fx, "SELECT 1 FROM Fields WHERE ColumnName='Custom_Priority' AND "
                              "ReferenceName='Custom.Priority'",
                         &dummy, 1, e, sizeof e),
                     1);
    close_fixture(&fx);
}

static void test_state_filter_is_pushed_and_projected(void **state)
{
    fixture fx = {.s = {.n_items = 1000}};
    azdo_error err;
    assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
    int64_t ids[400];
    char e[256];
    int n = run(&fx, "SELECT Id, Title FROM WorkItems WHERE State = 'Active' ORDER BY Id", ids, 400, e, sizeof e);
    assert_int_equal(n, 333);
    for (int i = 0; i < n; i++)
        assert_int_equal(ids[i], 3 * (i + 1));
    assert_int_equal(fake_count(fx.f, "/wit/wiql"), 1);
    const char *q = fake_body(fx.f, "/wit/wiql", 0);
    assert_non_null(strstr(q, "[System.TeamProject] = @project"));
    assert_non_null(strstr(q, "[System.State] = 'Active'"));
    assert_non_null(strstr(q, "ORDER BY [System.Id] ASC"));
    /* 333 ids → two batches, asking only for what the query uses */
    assert_int_equal(fake_count(fx.f, "/wit/workitemsbatch"), 2);
    const char *b = fake_body(fx.f, "/wit/workitemsbatch", 0);
    assert_non_null(strstr(b, "\"System.Title\""));
    assert_non_null(strstr(b, "\"System.State\""));
    assert_null(strstr(b, "System.AssignedTo"));
    assert_non_null(strstr(fake_url(fx.f, "/wit/wiql", 0), "/fabrikam/Proj/_apis/wit/wiql?"));
    close_fixture(&fx);
}

static void test_count_needs_no_batches_past_the_cap(void **state)
{
    for (int strict = 0; strict <= 1; strict++) {
        fixture fx = {.s = {.n_items = 50000, .strict = strict}};
        azdo_error err;
        assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
        int64_t v[1];
        char e[256];
        assert_int_equal(run(&fx, "SELECT COUNT(*) FROM WorkItems", v, 1, e, sizeof e), 1);
        assert_int_equal(v[0], 50000);
        assert_int_equal(fake_count(fx.f, "/wit/workitemsbatch"), 0);
        if (!strict)
            assert_int_equal(fake_count(fx.f, "/wit/wiql"), 3); /* one per 20,000 ids */
        else
            assert_true(fake_count(fx.f, "/wit/wiql") <= 8);
        close_fixture(&fx);
    }
}

static void test_strict_cap_keeps_order_and_rows(void **state)
{
    fixture fx = {.s = {.n_items = 45000, .strict = 1}};
    azdo_error err;
    assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
    int64_t v[3];
    char e[256];
    assert_int_equal(run(&fx, "SELECT COUNT(*), MIN(Id), MAX(Id) FROM (SELECT Id FROM WorkItems ORDER BY Id DESC)",
                         v, 1, e, sizeof e),
                     1);
    assert_int_equal(v[0], 45000);
    int64_t top[3];
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems ORDER BY Id DESC LIMIT 3", top, 3, e, sizeof e), 3);
    assert_int_equal(top[0], 45000);
    assert_int_equal(top[2], 44998);
    close_fixture(&fx);
}

static void test_limit_and_order_are_pushed(void **state)
{
    fixture fx = {.s = {.n_items = 1000}};
    azdo_error err;
    assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
    int64_t ids[5];
    char e[256];
    assert_int_equal(run(&fx, "SELECT Id, Title FROM WorkItems ORDER BY Id DESC LIMIT 3 OFFSET 2", ids, 5, e, sizeof e),
                     3);
    assert_int_equal(ids[0], 998);
    assert_int_equal(ids[2], 996);
    assert_non_null(strstr(fake_url(fx.f, "/wit/wiql", 0), "$top=5"));
    assert_non_null(strstr(fake_body(fx.f, "/wit/wiql", 0), "ORDER BY [System.Id] DESC"));
    /* the skipped ids are never read */
    assert_null(strstr(fake_body(fx.f, "/wit/workitemsbatch", 0), "1000"));
    assert_null(strstr(fake_body(fx.f, "/wit/workitemsbatch", 0), "999"));
    close_fixture(&fx);
}

static void test_id_terms_follow_sqlite_affinity(void **state)
{
    fixture fx = {.s = {.n_items = 100}};
    azdo_error err;
    assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
    int64_t ids[10];
    char e[256];
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Id = 'abc'", ids, 10, e, sizeof e), 0);
    assert_int_equal(fake_count(fx.f, "/wit/wiql"), 0); /* nothing can match: nobody is asked */
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Id IN (3, '4', 5.5, 'x') ORDER BY Id", ids, 10, e,
                         sizeof e),
                     2);
    assert_int_equal(ids[0], 3);
    assert_int_equal(ids[1], 4);
    /* a lookup by id alone needs no WIQL: the batch reads the ids that can match */
    assert_int_equal(fake_count(fx.f, "/wit/wiql"), 0);
    assert_non_null(strstr(fake_body(fx.f, "/wit/workitemsbatch", 0), "\"ids\":[3,4]"));
    /* an id the batch answer leaves out is read alone; its 404 means no row */
    int gets = fx.s.single_gets;
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Id IN (3, 500)", ids, 10, e, sizeof e), 1);
    assert_int_equal(ids[0], 3);
    assert_int_equal(fx.s.single_gets, gets + 1);
    assert_int_equal(fake_count(fx.f, "/wit/wiql"), 0);
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Id > 97.5", ids, 10, e, sizeof e), 3);
    assert_non_null(strstr(fake_body(fx.f, "/wit/wiql", 0), "[System.Id] >= 98"));
    /* SQLite's own text-to-number rule, not strtod's: hex is text, overflow is infinity */
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Id = '0x10'", ids, 10, e, sizeof e), 0);
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Id = ' 42 '", ids, 10, e, sizeof e), 1);
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Id < '0x1' ORDER BY Id LIMIT 2", ids, 10, e,
                         sizeof e),
                     2);
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Id > '-1e400'", ids, 10, e, sizeof e), 100);
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Priority > 1e20", ids, 10, e, sizeof e), 0);
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE RemainingWork < 1e300 AND Id <= 10", ids, 10, e,
                         sizeof e),
                     2);
    close_fixture(&fx);
}

static void test_user_text_cannot_inject_wiql(void **state)
{
    fixture fx = {.s = {.n_items = 10}};
    azdo_error err;
    assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
    int64_t ids[10];
    char e[256];
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Title = 'x'' OR 1=1 --'", ids, 10, e, sizeof e), 0);
    assert_non_null(strstr(fake_body(fx.f, "/wit/wiql", 0), "[System.Title] = 'x'' OR 1=1 --'"));
    assert_int_equal(run(&fx, "SELECT Id FROM WorkItems WHERE Title LIKE '%tem 1%'", ids, 10, e, sizeof e), 2);
    assert_non_null(strstr(fake_body(fx.f, "/wit/wiql", 1), "[System.Title] CONTAINS 'tem 1'"));
    close_fixture(&fx);
}

static void test_values_are_converted(void **state)
{
    fixture fx = {.s = {.n_items = 10}};
    azdo_error err;
    assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
    sqlite3 *db = azdo_session_db(fx.sess);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT AssignedTo, AssignedToDisplayName, AssignedToUniqueName, "
                                            "ChangedDate, RemainingWork, typeof(RemainingWork) FROM WorkItems "
                                            "WHERE Id = 10",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(st, 0), "Jamal Hartnett <fabrikamfiber4@hotmail.com>");
    assert_string_equal(sqlite3_column_text(st, 1), "Jamal Hartnett");
    assert_string_equal(sqlite3_column_text(st, 2), "fabrikamfiber4@hotmail.com");
    assert_string_equal(sqlite3_column_text(st, 3), "2014-12-29 20:49:28.740");
    assert_true(sqlite3_column_double(st, 4) == 4.0);
    assert_string_equal(sqlite3_column_text(st, 5), "real");
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    /* fields absent from the JSON are NULL; integral numbers in a DOUBLE column stay REAL */
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT typeof(AssignedTo), typeof(AssignedToUniqueName), "
                                            "typeof(RemainingWork), typeof(Priority), typeof(Id) FROM WorkItems "
                                            "WHERE Id = 7",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(st, 0), "null");
    assert_string_equal(sqlite3_column_text(st, 1), "null");
    assert_string_equal(sqlite3_column_text(st, 2), "null");
    assert_string_equal(sqlite3_column_text(st, 3), "null");
    assert_string_equal(sqlite3_column_text(st, 4), "integer");
    sqlite3_finalize(st);
    close_fixture(&fx);
}

static void test_faults_fail_instead_of_short_results(void **state)
{
    for (int fault = 1; fault <= 3; fault++) {
        fixture fx = {.s = {.n_items = 1000, .batch_fault = fault, .fault_after = 2}};
        azdo_error err;
        assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
        char e[512];
        int got = run(&fx, "SELECT Id, Title FROM WorkItems", NULL, 0, e, sizeof e);
        if (got != -1)
            fprintf(stderr, "fault %d: %d rows, %d batches, %d wiql\n", fault, got, fake_count(fx.f, "workitemsbatch"), fake_count(fx.f, "wiql"));
        assert_int_equal(got, -1);
        const azdo_error *le = azdo_session_last_error(fx.sess);
        assert_non_null(le);
        assert_int_equal(le->kind, fault == 2 ? AZDO_ERR_LINK : AZDO_ERR_PROTOCOL);
        close_fixture(&fx);
    }
}

static void test_items_left_out_of_a_batch_are_verified(void **state)
{
    /* entries dropped rather than marked null: each missing id is read on its own */
    fixture fx = {.s = {.n_items = 1000, .batch_drop_last = 1, .deleted_id = 401}};
    azdo_error err;
    assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
    int64_t ids[1000];
    char e[256];
    assert_int_equal(run(&fx, "SELECT Id, Title FROM WorkItems ORDER BY Id", ids, 1000, e, sizeof e), 999);
    for (int i = 0, want = 1; i < 999; i++, want++) {
        if (want == 401)
            want++; /* deleted: confirmed by a 404 */
        assert_int_equal(ids[i], want);
    }
    assert_int_equal(fx.s.single_gets, 6); /* 5 dropped + the deleted one */
    close_fixture(&fx);
}

static void test_rejected_credentials_fail_at_open(void **state)
{
    int modes[] = {401, 203};
    for (int i = 0; i < 2; i++) {
        fixture fx = {.s = {.n_items = 1, .auth = modes[i]}};
        azdo_error err;
        assert_int_equal(open_fixture(&fx, &err), AZDO_ERR_AUTH);
        assert_null(fx.sess);
        assert_null(strstr(err.message, "secret-pat"));
        if (modes[i] == 401)
            assert_non_null(strstr(err.message, "TF400813"));
        fake_http_free(fx.f);
    }
}

static void test_overlong_wiql_is_refused_clearly(void **state)
{
    fixture fx = {.s = {.n_items = 10}};
    azdo_error err;
    assert_int_equal(open_fixture(&fx, &err), AZDO_OK);
    char *sql = malloc(80000);
    /* (an Id IN list alone needs no WIQL at all: add a second condition) */
    strcpy(sql, "SELECT Id FROM WorkItems WHERE Id > 0 AND Id IN (1");
    for (int i = 100000; i < 106000; i++)
        sprintf(sql + strlen(sql), ",%d", i);
    strcat(sql, ")");
    char e[512];
    assert_int_equal(run(&fx, sql, NULL, 0, e, sizeof e), -1);
    assert_non_null(strstr(e, "32000"));
    assert_int_equal(azdo_session_last_error(fx.sess)->kind, AZDO_ERR_QUERY);
    assert_int_equal(fake_count(fx.f, "/wit/wiql"), 0);
    free(sql);
    close_fixture(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_follow_naming_rule),
        cmocka_unit_test(test_state_filter_is_pushed_and_projected),
        cmocka_unit_test(test_count_needs_no_batches_past_the_cap),
        cmocka_unit_test(test_strict_cap_keeps_order_and_rows),
        cmocka_unit_test(test_limit_and_order_are_pushed),
        cmocka_unit_test(test_id_terms_follow_sqlite_affinity),
        cmocka_unit_test(test_user_text_cannot_inject_wiql),
        cmocka_unit_test(test_values_are_converted),
        cmocka_unit_test(test_faults_fail_instead_of_short_results),
        cmocka_unit_test(test_items_left_out_of_a_batch_are_verified),
        cmocka_unit_test(test_rejected_credentials_fail_at_open),
        cmocka_unit_test(test_overlong_wiql_is_refused_clearly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
