/* test_auth.c — the pure parts of authentication: the Basic header, token
 * answers in both services' shapes, and the scheme requirements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rest/auth.h"
#include "rest/secret.h"

static void test_basic_header(void **state)
{
    char *h = azdo_auth_basic_header("abc");
    assert_string_equal(h, "Basic OmFiYw=="); /* base64(":abc") */
    azdo_secret_free(h);
    h = azdo_auth_basic_header("abcd");
    assert_string_equal(h, "Basic OmFiY2Q=");
    azdo_secret_free(h);
    h = azdo_auth_basic_header("ab");
    assert_string_equal(h, "Basic OmFi");
    azdo_secret_free(h);
}

static void test_token_answers(void **state)
{
    char *a, *r;
    double ex;
    azdo_error err;
    const char *entra = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"eyJ0\"}";
    assert_int_equal(azdo_auth_parse_token(entra, strlen(entra), &a, &ex, &r, &err), AZDO_OK);
    assert_string_equal(a, "eyJ0");
    assert_null(r);
    assert_true(ex == 3599);
    azdo_secret_free(a);
    const char *legacy = "{\"access_token\":\"at\",\"token_type\":\"jwt-bearer\",\"expires_in\":\"899\","
                         "\"refresh_token\":\"rt2\",\"scope\":\"vso.work\"}";
    assert_int_equal(azdo_auth_parse_token(legacy, strlen(legacy), &a, &ex, &r, &err), AZDO_OK);
    assert_string_equal(r, "rt2");
    assert_true(ex == 899);
    azdo_secret_free(a);
    azdo_secret_free(r);
    const char *bad = "{\"token_type\":\"Bearer\"}";
    assert_int_equal(azdo_auth_parse_token(bad, strlen(bad), &a, &ex, &r, &err), AZDO_ERR_PROTOCOL);
    assert_int_equal(azdo_auth_parse_token("<html>", 6, &a, &ex, &r, &err), AZDO_ERR_PROTOCOL);
}

static azdo_errkind try_new(azdo_config *cfg, azdo_error *err)
{
    azdo_auth *a = NULL;
    azdo_errkind rc = azdo_auth_new(cfg, &a, err);
    azdo_auth_free(a);
    return rc;
}

static void test_scheme_requirements(void **state)
{
    azdo_config cfg;
    azdo_error err;
    azdo_config_defaults(&cfg);
    assert_int_equal(try_new(&cfg, &err), AZDO_ERR_AUTH);
    assert_non_null(strstr(err.message, "PWD"));
    cfg.auth_scheme = AZDO_AUTH_BEARER;
    assert_int_equal(try_new(&cfg, &err), AZDO_ERR_AUTH);
    assert_non_null(strstr(err.message, "AccessToken"));
    cfg.auth_scheme = AZDO_AUTH_ENTRA_CLIENT;
    cfg.client_id = "c";
    assert_int_equal(try_new(&cfg, &err), AZDO_ERR_AUTH);
    assert_non_null(strstr(err.message, "ClientSecret"));
    cfg.client_secret = "s";
    assert_int_equal(try_new(&cfg, &err), AZDO_ERR_AUTH);
    assert_non_null(strstr(err.message, "TenantId"));
    cfg.tenant_id = "contoso.onmicrosoft.com";
    assert_int_equal(try_new(&cfg, &err), AZDO_OK);
    cfg.auth_scheme = AZDO_AUTH_OAUTH_REFRESH;
    cfg.tenant_id = NULL;
    assert_int_equal(try_new(&cfg, &err), AZDO_ERR_AUTH);
    assert_non_null(strstr(err.message, "RefreshToken"));
    cfg.refresh_token = "r";
    assert_int_equal(try_new(&cfg, &err), AZDO_OK);
    cfg.token_file = "/nonexistent-dir/azdo/token";
    assert_int_equal(try_new(&cfg, &err), AZDO_ERR_CONFIG);
    assert_non_null(strstr(err.message, "TokenFile"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_header),
        cmocka_unit_test(test_token_answers),
        cmocka_unit_test(test_scheme_requirements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
