/* test_vss_error.c — HTTP answers → error kinds, with Azure DevOps' text kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rest/vss_error.h"

static azdo_errkind check(int status, const char *ct, const char *body, const char *service_error, azdo_error *err)
{
    azdo_http_response r = {.status = status, .content_type = (char *)ct, .body = (char *)body,
                            .body_len = body ? strlen(body) : 0, .service_error = (char *)service_error,
                            .retry_after_s = -1};
    return azdo_vss_check_response(&r, "testing", err);
}

static void test_statuses(void **state)
{
    azdo_error e;
    assert_int_equal(check(200, "application/json; charset=utf-8", "{}", NULL, &e), AZDO_OK);
    assert_int_equal(check(203, "text/html; charset=utf-8", "<html>", NULL, &e), AZDO_ERR_AUTH);
    assert_int_equal(check(200, "text/html", "<html>", NULL, &e), AZDO_ERR_AUTH);
    assert_int_equal(check(302, NULL, "", NULL, &e), AZDO_ERR_AUTH);
    assert_int_equal(check(200, "text/plain", "hello", NULL, &e), AZDO_ERR_PROTOCOL);
    assert_int_equal(check(401, "application/json",
                           "{\"message\":\"TF400813: The user '' is not authorized to access this resource.\","
                           "\"typeKey\":\"UnauthorizedRequestException\"}",
                           NULL, &e),
                     AZDO_ERR_AUTH);
    assert_non_null(strstr(e.message, "TF400813"));
    assert_string_equal(e.type_key, "UnauthorizedRequestException");
    assert_int_equal(e.http_status, 401);
    assert_int_equal(check(401, "application/json", "{}",
                           "Access Denied: The Personal Access Token used has expired.", &e),
                     AZDO_ERR_AUTH);
    assert_non_null(strstr(e.message, "has expired"));
    assert_int_equal(check(400, "application/json",
                           "{\"message\":\"VS402337: The number of work items returned exceeds the size limit of "
                           "20000.\",\"typeKey\":\"WorkItemTrackingQueryResultSizeLimitExceededException\"}",
                           NULL, &e),
                     AZDO_ERR_QUERY);
    assert_non_null(strstr(e.message, "VS402337"));
    assert_int_equal(check(403, "application/json", "{\"message\":\"TF401289\"}", NULL, &e), AZDO_ERR_PERMISSION);
    assert_int_equal(check(404, "application/json", "{\"message\":\"TF401232\"}", NULL, &e), AZDO_ERR_NOT_FOUND);
    assert_int_equal(check(412, "application/json", "{}", NULL, &e), AZDO_ERR_CONFLICT);
    assert_int_equal(check(429, "application/json", "{\"message\":\"TF400733\"}", NULL, &e), AZDO_ERR_THROTTLED);
    assert_int_equal(check(503, "text/html", "<html>", NULL, &e), AZDO_ERR_SERVER);
    assert_non_null(strstr(e.message, "HTTP 503"));
    /* a non-JSON error body is not echoed */
    assert_int_equal(check(500, "text/html", "<html>secret stack</html>", NULL, &e), AZDO_ERR_SERVER);
    assert_null(strstr(e.message, "secret"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_statuses)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
