/* test_patch.c — the JSON Patch builder: values per field type, clearing,
 * the revision test, parent links, and what cannot be written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sql/patch.h"

static azdo_schema *schema(void)
{
    cJSON *j = cJSON_Parse(
        "{\"value\":["
        "{\"name\":\"ID\",\"referenceName\":\"System.Id\",\"type\":\"integer\"},"
        "{\"name\":\"Rev\",\"referenceName\":\"System.Rev\",\"type\":\"integer\"},"
        "{\"name\":\"Title\",\"referenceName\":\"System.Title\",\"type\":\"string\"},"
        "{\"name\":\"Assigned To\",\"referenceName\":\"System.AssignedTo\",\"type\":\"string\",\"isIdentity\":true},"
        "{\"name\":\"Priority\",\"referenceName\":\"Microsoft.VSTS.Common.Priority\",\"type\":\"integer\"},"
        "{\"name\":\"Remaining Work\",\"referenceName\":\"Microsoft.VSTS.Scheduling.RemainingWork\",\"type\":\"double\"},"
        "{\"name\":\"Due\",\"referenceName\":\"Custom.Due\",\"type\":\"dateTime\"},"
        "{\"name\":\"Blocked\",\"referenceName\":\"Custom.Blocked\",\"type\":\"boolean\"},"
        "{\"name\":\"Parent\",\"referenceName\":\"System.Parent\",\"type\":\"integer\"}"
        "]}");
    azdo_schema *s;
    azdo_error err;
    assert_int_equal(azdo_schema_from_fields(j, &s, &err), AZDO_OK);
    cJSON_Delete(j);
    return s;
}

static const azdo_column *col(const azdo_schema *s, const char *name)
{
    int i = azdo_schema_find(s, name);
    assert_true(i >= 0);
    return &s->cols[i];
}

static azdo_val T(const char *s) { return (azdo_val){.type = AZDO_V_TEXT, .s = s}; }
static azdo_val I(int64_t i) { return (azdo_val){.type = AZDO_V_INT, .i = i}; }
static azdo_val R(double r) { return (azdo_val){.type = AZDO_V_REAL, .r = r}; }
static azdo_val N(void) { return (azdo_val){.type = AZDO_V_NULL}; }

static void test_values_by_field_type(void **state)
{
    azdo_schema *s = schema();
    azdo_patch *p = azdo_patch_new();
    char msg[256];
    azdo_val v;
    v = T("Fix it 'now'");
    assert_int_equal(azdo_patch_field(p, col(s, "Title"), &v, 0, msg, sizeof msg), 0);
    v = T("Jamal Hartnett <fabrikamfiber4@hotmail.com>");
    assert_int_equal(azdo_patch_field(p, col(s, "AssignedTo"), &v, 0, msg, sizeof msg), 0);
    v = I(2);
    assert_int_equal(azdo_patch_field(p, col(s, "Priority"), &v, 0, msg, sizeof msg), 0);
    v = R(2.5);
    assert_int_equal(azdo_patch_field(p, col(s, "RemainingWork"), &v, 0, msg, sizeof msg), 0);
    v = T("2026-03-05 14:30");
    assert_int_equal(azdo_patch_field(p, col(s, "Due"), &v, 0, msg, sizeof msg), 1); /* no seconds: not a date-time */
    v = T("2026-03-05 14:30:00");
    assert_int_equal(azdo_patch_field(p, col(s, "Due"), &v, 0, msg, sizeof msg), 0);
    v = I(1);
    assert_int_equal(azdo_patch_field(p, col(s, "Blocked"), &v, 0, msg, sizeof msg), 0);
    v = N();
    assert_int_equal(azdo_patch_field(p, col(s, "Title"), &v, 0, msg, sizeof msg), 0); /* skipped on create */
    char *t = azdo_patch_text(p);
    assert_string_equal(t, "[{\"op\":\"add\",\"path\":\"/fields/System.Title\",\"value\":\"Fix it 'now'\"},"
                           "{\"op\":\"add\",\"path\":\"/fields/System.AssignedTo\",\"value\":\"Jamal Hartnett "
                           "<fabrikamfiber4@hotmail.com>\"},"
                           "{\"op\":\"add\",\"path\":\"/fields/Microsoft.VSTS.Common.Priority\",\"value\":2},"
                           "{\"op\":\"add\",\"path\":\"/fields/Microsoft.VSTS.Scheduling.RemainingWork\",\"value\":2.5},"
                           "{\"op\":\"add\",\"path\":\"/fields/Custom.Due\",\"value\":\"2026-03-05T14:30:00.000Z\"},"
                           "{\"op\":\"add\",\"path\":\"/fields/Custom.Blocked\",\"value\":true}]");
    free(t);
    azdo_patch_free(p);
    azdo_schema_free(s);
}

static void test_updates_clear_and_test_rev(void **state)
{
    azdo_schema *s = schema();
    azdo_patch *p = azdo_patch_new();
    char msg[256];
    azdo_val n = N();
    assert_int_equal(azdo_patch_field(p, col(s, "AssignedTo"), &n, 1, msg, sizeof msg), 0);
    assert_int_equal(azdo_patch_field(p, col(s, "Priority"), &n, 1, msg, sizeof msg), 0);
    assert_int_equal(azdo_patch_add_parent(p, "https://dev.azure.com/fabrikam", 42), 0);
    assert_int_equal(azdo_patch_test_rev(p, 7), 0);
    char *t = azdo_patch_text(p);
    assert_string_equal(t, "[{\"op\":\"test\",\"path\":\"/rev\",\"value\":7},"
                           "{\"op\":\"add\",\"path\":\"/fields/System.AssignedTo\",\"value\":\"\"},"
                           "{\"op\":\"remove\",\"path\":\"/fields/Microsoft.VSTS.Common.Priority\"},"
                           "{\"op\":\"add\",\"path\":\"/relations/-\",\"value\":{\"rel\":"
                           "\"System.LinkTypes.Hierarchy-Reverse\",\"url\":"
                           "\"https://dev.azure.com/fabrikam/_apis/wit/workItems/42\"}}]");
    free(t);
    azdo_patch_free(p);
    azdo_schema_free(s);
}

static void test_what_cannot_be_written(void **state)
{
    azdo_schema *s = schema();
    azdo_patch *p = azdo_patch_new();
    char msg[256];
    azdo_val v = I(5);
    assert_int_equal(azdo_patch_field(p, col(s, "Id"), &v, 0, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "assigned by Azure DevOps"));
    assert_int_equal(azdo_patch_field(p, col(s, "Rev"), &v, 1, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "Rev = ?"));
    v = T("x@y");
    assert_int_equal(azdo_patch_field(p, col(s, "AssignedToUniqueName"), &v, 1, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "System.AssignedTo"));
    v = T("high");
    assert_int_equal(azdo_patch_field(p, col(s, "Priority"), &v, 0, msg, sizeof msg), 1);
    assert_string_equal(msg, "Priority takes a whole number");
    v = R(2.5);
    assert_int_equal(azdo_patch_field(p, col(s, "Priority"), &v, 0, msg, sizeof msg), 1);
    assert_int_equal(azdo_patch_count(p), 0);
    /* System.Parent is ParentId */
    assert_true(azdo_schema_find(s, "ParentId") >= 0);
    assert_int_equal(azdo_schema_find(s, "Parent"), -1);
    azdo_patch_free(p);
    azdo_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_by_field_type),
        cmocka_unit_test(test_updates_clear_and_test_rev),
        cmocka_unit_test(test_what_cannot_be_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
