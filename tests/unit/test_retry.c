/* test_retry.c — the retry policy: what is retried for reads and creates,
 * how long to wait, and pacing from rate-limit headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rest/retry.h"

static azdo_retry_policy policy(void)
{
    azdo_config cfg;
    azdo_config_defaults(&cfg);
    azdo_retry_policy p;
    azdo_retry_policy_from_config(&cfg, &p);
    return p;
}

static azdo_try_outcome http(int status, double retry_after)
{
    return (azdo_try_outcome){AZDO_OK, 0, status, 0, retry_after};
}

static azdo_try_outcome transport(azdo_errkind k, int unsent)
{
    return (azdo_try_outcome){k, unsent, 0, 0, -1};
}

static void test_reads(void **state)
{
    azdo_retry_policy p = policy();
    azdo_try_outcome o;
    for (int s = 0; s < 4; s++) {
        int st[] = {429, 502, 503, 504};
        o = http(st[s], -1);
        assert_non_null(azdo_retry_reason(&p, 1, &o, 0));
    }
    o = http(500, -1);
    assert_null(azdo_retry_reason(&p, 1, &o, 0));
    o = http(400, -1);
    assert_null(azdo_retry_reason(&p, 1, &o, 0));
    o = http(503, -1);
    o.host_offline = 1;
    assert_null(azdo_retry_reason(&p, 1, &o, 0));
    o = transport(AZDO_ERR_LINK, 0);
    assert_non_null(azdo_retry_reason(&p, 1, &o, 0));
    o = transport(AZDO_ERR_TIMEOUT, 0);
    assert_non_null(azdo_retry_reason(&p, 1, &o, 0));
    o = transport(AZDO_ERR_CONNECT, 1);
    assert_non_null(azdo_retry_reason(&p, 1, &o, 0));
    o = transport(AZDO_ERR_CONNECT, 0); /* DNS, TLS: another try will not help */
    assert_null(azdo_retry_reason(&p, 1, &o, 0));
    o = transport(AZDO_ERR_CANCELLED, 0);
    assert_null(azdo_retry_reason(&p, 1, &o, 0));
    o = http(429, 1);
    assert_non_null(azdo_retry_reason(&p, 1, &o, 4));
    assert_null(azdo_retry_reason(&p, 1, &o, 5)); /* RetryCountMax = 5 */
}

static void test_creates_are_never_resent_blindly(void **state)
{
    azdo_retry_policy p = policy();
    azdo_try_outcome o = http(429, 1);
    assert_non_null(azdo_retry_reason(&p, 0, &o, 0));
    o = transport(AZDO_ERR_CONNECT, 1);
    assert_non_null(azdo_retry_reason(&p, 0, &o, 0));
    int unknown[] = {502, 503, 504};
    for (int i = 0; i < 3; i++) {
        o = http(unknown[i], -1);
        assert_null(azdo_retry_reason(&p, 0, &o, 0));
    }
    o = transport(AZDO_ERR_LINK, 0);
    assert_null(azdo_retry_reason(&p, 0, &o, 0));
    o = transport(AZDO_ERR_TIMEOUT, 0);
    assert_null(azdo_retry_reason(&p, 0, &o, 0));
}

static void test_status_list_and_count_come_from_config(void **state)
{
    azdo_config cfg;
    azdo_config_defaults(&cfg);
    cfg.n_retry_statuses = 1;
    cfg.retry_statuses[0] = 500;
    cfg.retry_count_max = 0;
    azdo_retry_policy p;
    azdo_retry_policy_from_config(&cfg, &p);
    azdo_try_outcome o = http(500, -1);
    assert_null(azdo_retry_reason(&p, 1, &o, 0));
    p.count_max = 1;
    assert_non_null(azdo_retry_reason(&p, 1, &o, 0));
    o = http(429, -1);
    assert_null(azdo_retry_reason(&p, 1, &o, 0));
}

static void test_waits(void **state)
{
    azdo_retry_policy p = policy();
    assert_true(azdo_retry_wait(&p, 1, 7, 0.3) == 7.0);  /* Retry-After exactly */
    assert_true(azdo_retry_wait(&p, 3, 0, 0.3) == 0.0);
    assert_true(azdo_retry_wait(&p, 1, -1, 0) == 0.5);   /* [w/2, w] with w = 1, 2, 4 … */
    assert_true(azdo_retry_wait(&p, 2, -1, 0) == 1.0);
    assert_true(azdo_retry_wait(&p, 3, -1, 0) == 2.0);
    assert_true(azdo_retry_wait(&p, 3, -1, 0.5) == 3.0);
    assert_true(azdo_retry_wait(&p, 30, -1, 0.999999) <= 60.0); /* cap */
    assert_true(azdo_retry_wait(&p, 30, -1, 0) == 30.0);
    p.multiply = 0;
    assert_true(azdo_retry_wait(&p, 5, -1, 0) == 0.5);
}

static void test_pace(void **state)
{
    assert_true(azdo_rate_pace(-1, 200) == 0);
    assert_true(azdo_rate_pace(100, 200) == 0);
    assert_true(azdo_rate_pace(20, 200) == 0);
    assert_true(azdo_rate_pace(10, 200) == 0.5);
    assert_true(azdo_rate_pace(0, 200) == 1.0);
    assert_true(azdo_rate_pace(0, -1) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads),
        cmocka_unit_test(test_creates_are_never_resent_blindly),
        cmocka_unit_test(test_status_list_and_count_come_from_config),
        cmocka_unit_test(test_waits),
        cmocka_unit_test(test_pace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
