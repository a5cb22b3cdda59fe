/* test_plan.c — planner rules and the idxStr round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sql/plan.h"

static azdo_schema *schema(void)
{
    cJSON *j = cJSON_Parse("{\"value\":["
                           "{\"name\":\"ID\",\"referenceName\":\"System.Id\",\"type\":\"integer\"},"
                           "{\"name\":\"Title\",\"referenceName\":\"System.Title\",\"type\":\"string\"},"
                           "{\"name\":\"Description\",\"referenceName\":\"System.Description\",\"type\":\"html\"}"
                           "]}");
    azdo_schema *s;
    azdo_error err;
    assert_int_equal(azdo_schema_from_fields(j, &s, &err), AZDO_OK);
    cJSON_Delete(j);
    return s; /* Id = 0, Title = 1, Description = 2 */
}

static void test_exact_id_terms_allow_limit(void **state)
{
    azdo_schema *s = schema();
    azdo_plan_cons cons[] = {{0, AZDO_OP_GT, 1}, {0, AZDO_OP_LIMIT, 1}, {0, AZDO_OP_OFFSET, 1}};
    azdo_plan_use use[3];
    int oc[] = {0}, od[] = {1};
    azdo_plan_request req = {s, 3, cons, 1, oc, od, 3, 0};
    azdo_plan_result res = {.use = use};
    assert_int_equal(azdo_plan_best(&req, &res), 0);
    assert_int_equal(use[0].argv_index, 1);
    assert_int_equal(use[0].omit, 1);
    assert_int_equal(use[1].argv_index, 2);
    assert_int_equal(use[2].argv_index, 3);
    assert_int_equal(res.order_consumed, 1);
    assert_string_equal(res.idx_str, "c0,4,1;o0,1;l2;f3;u3;");
    azdo_plan p;
    assert_int_equal(azdo_plan_decode(res.idx_str, (int)s->ncols, &p), 0);
    assert_int_equal(p.nterms, 1);
    assert_int_equal(p.terms[0].op, AZDO_OP_GT);
    assert_int_equal(p.order_col, 0);
    assert_int_equal(p.order_desc, 1);
    assert_int_equal(p.limit_argv, 2);
    assert_int_equal(p.offset_argv, 3);
    assert_int_equal(p.col_used, 3);
    azdo_plan_clear(&p);
    free(res.idx_str);
    azdo_schema_free(s);
}

static void test_superset_terms_block_limit(void **state)
{
    azdo_schema *s = schema();
    azdo_plan_cons cons[] = {{1, AZDO_OP_EQ, 1}, {0, AZDO_OP_LIMIT, 1}};
    azdo_plan_use use[2];
    azdo_plan_request req = {s, 2, cons, 0, NULL, NULL, 1, 0};
    azdo_plan_result res = {.use = use};
    assert_int_equal(azdo_plan_best(&req, &res), 0);
    assert_int_equal(use[0].argv_index, 1);
    assert_int_equal(use[0].omit, 0); /* SQLite re-checks the case-sensitive comparison */
    assert_int_equal(use[1].argv_index, 0);
    free(res.idx_str);
    azdo_schema_free(s);
}

static void test_unpushable_terms_and_orders(void **state)
{
    azdo_schema *s = schema();
    azdo_plan_cons cons[] = {{2, AZDO_OP_LIKE, 1}, {1, AZDO_OP_OTHER, 1}, {1, AZDO_OP_EQ, 0}, {0, AZDO_OP_LIMIT, 1}};
    azdo_plan_use use[4];
    int oc[] = {1}, od[] = {0};
    azdo_plan_request req = {s, 4, cons, 1, oc, od, 7, 0};
    azdo_plan_result res = {.use = use};
    assert_int_equal(azdo_plan_best(&req, &res), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(use[i].argv_index, 0);
    assert_int_equal(res.order_consumed, 0); /* WIQL sorts text case-insensitively */
    free(res.idx_str);
    azdo_schema_free(s);
}

static void test_rev_under_write_intent_is_the_expected_revision(void **state)
{
    cJSON *j = cJSON_Parse("{\"value\":[{\"name\":\"ID\",\"referenceName\":\"System.Id\",\"type\":\"integer\"},"
                           "{\"name\":\"Rev\",\"referenceName\":\"System.Rev\",\"type\":\"integer\"}]}");
    azdo_schema *s;
    azdo_error err;
    assert_int_equal(azdo_schema_from_fields(j, &s, &err), AZDO_OK);
    cJSON_Delete(j);
    azdo_plan_cons cons[] = {{0, AZDO_OP_EQ, 1}, {1, AZDO_OP_EQ, 1}};
    azdo_plan_use use[2];
    for (int intent = 0; intent <= 1; intent++) {
        azdo_plan_request req = {s, 2, cons, 0, NULL, NULL, 3, intent};
        azdo_plan_result res = {.use = use};
        assert_int_equal(azdo_plan_best(&req, &res), 0);
        if (intent) {
            /* not filtered on: SQLite must not drop a stale row, the service refuses it */
            assert_int_equal(use[1].omit, 1);
            assert_non_null(strstr(res.idx_str, "r2;"));
            azdo_plan p;
            assert_int_equal(azdo_plan_decode(res.idx_str, (int)s->ncols, &p), 0);
            assert_int_equal(p.rev_argv, 2);
            assert_int_equal(p.nterms, 1);
            azdo_plan_clear(&p);
        } else {
            assert_int_equal(use[1].omit, 0); /* an ordinary, re-checked filter */
            assert_null(strstr(res.idx_str, "r"));
        }
        free(res.idx_str);
    }
    azdo_schema_free(s);
}

static void test_decode_rejects_garbage(void **state)
{
    azdo_plan p;
    assert_int_equal(azdo_plan_decode("c9,0,1;", 3, &p), -1);
    assert_int_equal(azdo_plan_decode("c0,99,1;", 3, &p), -1);
    assert_int_equal(azdo_plan_decode("x;", 3, &p), -1);
    assert_int_equal(azdo_plan_decode("c0,0,1", 3, &p), -1);
    assert_int_equal(azdo_plan_decode(NULL, 3, &p), 0);
    assert_int_equal(p.nterms, 0);
    assert_int_equal(p.order_col, -1);
    azdo_plan_clear(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_id_terms_allow_limit),
        cmocka_unit_test(test_superset_terms_block_limit),
        cmocka_unit_test(test_unpushable_terms_and_orders),
        cmocka_unit_test(test_rev_under_write_intent_is_the_expected_revision),
        cmocka_unit_test(test_decode_rejects_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
