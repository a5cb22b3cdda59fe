/* test_connstr.c — connection-string parsing, DSN merge, and the config
 * rules (driver/connstr.h): braces and '}}', first occurrence wins in both
 * orders, case-insensitive keys, Url/Organization validation, loopback-only
 * http, Timeout/ApiVersion, PAT synonym, and the out connection string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "driver/connstr.h"
#include "rest/secret.h"

static cs_map parse_ok(const char *s)
{
    cs_map m;
    azdo_error err;
    cs_map_init(&m);
    azdo_error_clear(&err);
    assert_int_equal(cs_parse(s, strlen(s), &m, &err), CS_OK);
    return m;
}

static void parse_fails(const char *s, const char *fragment)
{
    cs_map m;
    azdo_error err;
    cs_map_init(&m);
    azdo_error_clear(&err);
    assert_int_equal(cs_parse(s, strlen(s), &m, &err), CS_ESYNTAX);
    assert_int_equal(err.kind, AZDO_ERR_CONFIG);
    if (fragment && !strstr(err.message, fragment))
        fail_msg("message '%s' lacks '%s'", err.message, fragment);
    cs_map_clear(&m);
}

static void test_basic_pairs_and_trimming(void **state)
{
    cs_map m = parse_ok("  DSN = AzDO ;Organization=fabrikam;;  Project =  Fabrikam Fiber  ;");
    assert_int_equal(m.n, 3);
    assert_string_equal(cs_get(&m, "DSN"), "AzDO");
    assert_string_equal(cs_get(&m, "organization"), "fabrikam");
    assert_string_equal(cs_get(&m, "PROJECT"), "Fabrikam Fiber"); /* inner space kept */
    assert_null(cs_get(&m, "Url"));
    cs_map_clear(&m);
}

static void test_braces(void **state)
{
    cs_map m = parse_ok("DRIVER={Azure DevOps};PWD={a;b=c}};d};Project={ spaced };X={}");
    assert_string_equal(cs_get(&m, "DRIVER"), "Azure DevOps");
    assert_string_equal(cs_get(&m, "PWD"), "a;b=c};d");
    assert_string_equal(cs_get(&m, "Project"), " spaced "); /* verbatim inside braces */
    assert_string_equal(cs_get(&m, "X"), "");
    cs_map_clear(&m);

    m = parse_ok("PWD={}}}");
    assert_string_equal(cs_get(&m, "PWD"), "}");
    cs_map_clear(&m);

    m = parse_ok("A={x} ; B=y");
    assert_string_equal(cs_get(&m, "A"), "x");
    assert_string_equal(cs_get(&m, "B"), "y");
    cs_map_clear(&m);
}

static void test_syntax_errors(void **state)
{
    parse_fails("DSN=x;PWD={abc", "no closing");
    parse_fails("DSN=x;justakey;", "element 2");
    parse_fails("=value", "empty key");
    parse_fails("PWD={abc}def", "after the closing");
    /* messages never quote values: the PAT could be one */
    cs_map m;
    azdo_error err;
    cs_map_init(&m);
    const char *s = "PWD={sekrit";
    assert_int_equal(cs_parse(s, strlen(s), &m, &err), CS_ESYNTAX);
    assert_null(strstr(err.message, "sekrit"));
    cs_map_clear(&m);
    s = "sekrit;DSN=x";
    assert_int_equal(cs_parse(s, strlen(s), &m, &err), CS_ESYNTAX);
    assert_null(strstr(err.message, "sekrit"));
    cs_map_clear(&m);
}

static void test_first_occurrence_wins_both_orders(void **state)
{
    cs_map m = parse_ok("Project=A;Project=B");
    assert_string_equal(cs_get(&m, "Project"), "A");
    assert_int_equal(m.n, 1);
    cs_map_clear(&m);
    m = parse_ok("Project=B;Project=A");
    assert_string_equal(cs_get(&m, "Project"), "B");
    cs_map_clear(&m);
    /* case-insensitive keys are the same key */
    m = parse_ok("pwd=first;PWD=second;Pwd=third");
    assert_string_equal(cs_get(&m, "PWD"), "first");
    assert_int_equal(m.n, 1);
    cs_map_clear(&m);
}

static cs_map dsn_map(void)
{
    cs_map d;
    cs_map_init(&d);
    assert_int_equal(cs_add(&d, "Organization", 12, "dsnorg", 6, CS_FROM_DSN), CS_OK);
    assert_int_equal(cs_add(&d, "Project", 7, "DsnProject", 10, CS_FROM_DSN), CS_OK);
    assert_int_equal(cs_add(&d, "PWD", 3, "dsnpat", 6, CS_FROM_DSN), CS_OK);
    assert_int_equal(cs_add(&d, "Timeout", 7, "30", 2, CS_FROM_DSN), CS_OK);
    return d;
}

static void test_dsn_merge_precedence(void **state)
{
    cs_map d = dsn_map();
    cs_map m = parse_ok("DSN=x;project=FromApp;Timeout=");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_string_equal(cs_get(&m, "Project"), "FromApp");  /* connection string wins */
    assert_string_equal(cs_get(&m, "Timeout"), "");         /* even when empty */
    assert_string_equal(cs_get(&m, "Organization"), "dsnorg");
    assert_string_equal(cs_get(&m, "PWD"), "dsnpat");
    assert_true(cs_find(&m, "PWD")->flags & CS_FROM_DSN);
    cs_map_clear(&m);

    /* an empty PWD from the application means "use the DSN's" */
    m = parse_ok("DSN=x;PWD=");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_string_equal(cs_get(&m, "PWD"), "dsnpat");
    assert_true(cs_find(&m, "PWD")->flags & CS_FROM_DSN);
    cs_map_clear(&m);

    /* PAT from the application hides the DSN's PWD: they are one setting */
    m = parse_ok("DSN=x;PAT=apppat");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_null(cs_get(&m, "PWD"));
    assert_string_equal(cs_get(&m, "PAT"), "apppat");
    cs_map_clear(&m);

    m = parse_ok("DSN=x;PWD=apppat");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_string_equal(cs_get(&m, "PWD"), "apppat");
    assert_false(cs_find(&m, "PWD")->flags & CS_FROM_DSN);
    cs_map_clear(&m);
    cs_map_clear(&d);
}

/* Builds a config from a connection string; returns the kind and the message. */
static azdo_errkind config_of(const char *s, azdo_config *cfg, azdo_error *err)
{
    cs_map m = parse_ok(s);
    memset(cfg, 0, sizeof *cfg);
    azdo_error_clear(err);
    azdo_errkind k = cs_to_config(&m, cfg, err);
    cs_map_clear(&m);
    return k;
}

static void expect_url(const char *s, const char *base)
{
    azdo_config cfg;
    azdo_error err;
    azdo_errkind k = config_of(s, &cfg, &err);
    if (k != AZDO_OK)
        fail_msg("'%s' failed: %s", s, err.message);
    assert_string_equal(cfg.base_url, base);
    azdo_config_clear(&cfg);
}

static void expect_error(const char *s, azdo_errkind kind, const char *fragment)
{
    azdo_config cfg;
    azdo_error err;
    azdo_errkind k = config_of(s, &cfg, &err);
    if (k != kind)
        fail_msg("'%s': kind %s, want %s (%s)", s, azdo_errkind_name(k), azdo_errkind_name(kind),
                 err.message);
    if (fragment && !strstr(err.message, fragment))
        fail_msg("'%s': message '%s' lacks '%s'", s, err.message, fragment);
    assert_null(cfg.base_url); /* untouched on failure */
}

static void test_organization(void **state)
{
    expect_url("Organization=fabrikam;PWD=p", "https://dev.azure.com/fabrikam");
    expect_url("organization=Fab-Rikam2;PWD=p", "https://dev.azure.com/Fab-Rikam2");
    expect_error("Organization=fab/rikam;PWD=p", AZDO_ERR_CONFIG, "Organization");
    expect_error("Organization=https://dev.azure.com/x;PWD=p", AZDO_ERR_CONFIG, "set Url instead");
    expect_error("Organization=-fab;PWD=p", AZDO_ERR_CONFIG, "Organization");
    expect_error("Organization=fab rikam;PWD=p", AZDO_ERR_CONFIG, "Organization");
    expect_error("PWD=p", AZDO_ERR_CONFIG, "set Organization");
    expect_error("Organization=;Url=;PWD=p", AZDO_ERR_CONFIG, "Url");
}

static void test_url_rules(void **state)
{
    expect_url("Url=https://server/tfs/DefaultCollection;PWD=p", "https://server/tfs/DefaultCollection");
    expect_url("Url=https://dev.azure.com/fabrikam/;PWD=p", "https://dev.azure.com/fabrikam");
    expect_url("Url=HTTPS://dev.azure.com/fabrikam//;PWD=p", "https://dev.azure.com/fabrikam");
    expect_url("Url=https://fabrikam.visualstudio.com;PWD=p", "https://fabrikam.visualstudio.com");
    expect_url("Url=https://tfs.example.com:8443/tfs/Coll;PWD=p", "https://tfs.example.com:8443/tfs/Coll");
    /* Url overrides Organization (which is then not even validated) */
    expect_url("Organization=bad/org;Url=https://x.example/org;PWD=p", "https://x.example/org");
    /* loopback http */
    expect_url("Url=http://127.0.0.1:8080/fabrikam;PWD=p", "http://127.0.0.1:8080/fabrikam");
    expect_url("Url=http://127.1.2.3/fabrikam;PWD=p", "http://127.1.2.3/fabrikam");
    expect_url("Url=http://localhost:5000/fabrikam/;PWD=p", "http://localhost:5000/fabrikam");
    expect_url("Url=http://LOCALHOST/fabrikam;PWD=p", "http://LOCALHOST/fabrikam");
    expect_url("Url=http://[::1]:9000/fabrikam;PWD=p", "http://[::1]:9000/fabrikam");
    /* http elsewhere is refused with a clear message */
    expect_error("Url=http://dev.azure.com/fabrikam;PWD=p", AZDO_ERR_CONFIG, "only for a local test server");
    expect_error("Url=http://10.0.0.1/fabrikam;PWD=p", AZDO_ERR_CONFIG, "https://10.0.0.1/fabrikam");
    expect_error("Url=http://128.0.0.1/x;PWD=p", AZDO_ERR_CONFIG, "local test server");
    expect_error("Url=http://127.0.0.1.evil.com/x;PWD=p", AZDO_ERR_CONFIG, "local test server");
    expect_error("Url=http://localhost.evil.com/x;PWD=p", AZDO_ERR_CONFIG, "local test server");
    expect_error("Url=http://[::2]/x;PWD=p", AZDO_ERR_CONFIG, "local test server");
    expect_error("Url=http://127.0.0.256/x;PWD=p", AZDO_ERR_CONFIG, "local test server");
    /* other schemes and shapes */
    expect_error("Url=ftp://server/x;PWD=p", AZDO_ERR_CONFIG, "must start with https://");
    expect_error("Url=dev.azure.com/fabrikam;PWD=p", AZDO_ERR_CONFIG, "must start with https://");
    expect_error("Url=https://user:pw@server/x;PWD=p", AZDO_ERR_CONFIG, "user name or password");
    expect_error("Url=https://server/x?a=b;PWD=p", AZDO_ERR_CONFIG, "query string");
    expect_error("Url=https:///x;PWD=p", AZDO_ERR_CONFIG, "no host");
    expect_error("Url=https://server:0/x;PWD=p", AZDO_ERR_CONFIG, "port");
    expect_error("Url=https://server:99999/x;PWD=p", AZDO_ERR_CONFIG, "port");
    expect_error("Url=https://server:/x;PWD=p", AZDO_ERR_CONFIG, "port");
    expect_error("Url={https://server/a b};PWD=p", AZDO_ERR_CONFIG, "spaces");
}

static void test_pat(void **state)
{
    azdo_config cfg;
    azdo_error err;
    assert_int_equal(config_of("Organization=f;PAT=synonym", &cfg, &err), AZDO_OK);
    assert_string_equal(cfg.pat, "synonym");
    azdo_config_clear(&cfg);
    assert_int_equal(config_of("Organization=f;PAT=synonym;PWD=pwdwins", &cfg, &err), AZDO_OK);
    assert_string_equal(cfg.pat, "pwdwins");
    azdo_config_clear(&cfg);
    assert_int_equal(config_of("Organization=f;PWD=;PAT=fallback", &cfg, &err), AZDO_OK);
    assert_string_equal(cfg.pat, "fallback");
    azdo_config_clear(&cfg);
    expect_error("Organization=f", AZDO_ERR_AUTH,
                 "No personal access token: set PWD in the connection string or the DSN");
    expect_error("Organization=f;PWD=", AZDO_ERR_AUTH, "PWD");
}

static void test_timeout_and_api_version(void **state)
{
    azdo_config cfg;
    azdo_error err;
    assert_int_equal(config_of("Organization=f;PWD=p", &cfg, &err), AZDO_OK);
    assert_int_equal(cfg.timeout_s, 100);
    assert_string_equal(cfg.api_version, "7.1");
    assert_null(cfg.project);
    azdo_config_clear(&cfg);

    assert_int_equal(config_of("Organization=f;PWD=p;Timeout=0;ApiVersion=7.1-preview.4;Project=P",
                               &cfg, &err), AZDO_OK);
    assert_int_equal(cfg.timeout_s, 0);
    assert_string_equal(cfg.api_version, "7.1-preview.4");
    assert_string_equal(cfg.project, "P");
    azdo_config_clear(&cfg);

    assert_int_equal(config_of("Organization=f;PWD=p;Timeout=86400;ApiVersion=6.0-preview", &cfg, &err),
                     AZDO_OK);
    assert_int_equal(cfg.timeout_s, 86400);
    azdo_config_clear(&cfg);

    assert_int_equal(config_of("Organization=f;PWD=p;Project=", &cfg, &err), AZDO_OK);
    assert_null(cfg.project); /* empty = the whole organization */
    azdo_config_clear(&cfg);

    expect_error("Organization=f;PWD=p;Timeout=-1", AZDO_ERR_CONFIG, "Timeout");
    expect_error("Organization=f;PWD=p;Timeout=abc", AZDO_ERR_CONFIG, "Timeout");
    expect_error("Organization=f;PWD=p;Timeout=1.5", AZDO_ERR_CONFIG, "whole number");
    expect_error("Organization=f;PWD=p;Timeout=86401", AZDO_ERR_CONFIG, "86400");
    expect_error("Organization=f;PWD=p;Timeout=99999999999999999999999", AZDO_ERR_CONFIG, "Timeout");
    expect_error("Organization=f;PWD=p;ApiVersion=7", AZDO_ERR_CONFIG, "ApiVersion");
    expect_error("Organization=f;PWD=p;ApiVersion=v7.1", AZDO_ERR_CONFIG, "7.1-preview.4");
    expect_error("Organization=f;PWD=p;ApiVersion=7.1-beta", AZDO_ERR_CONFIG, "ApiVersion");
    expect_error("Organization=f;PWD=p;ApiVersion=7.1-preview.", AZDO_ERR_CONFIG, "ApiVersion");
}

static char *out_string(const char *app, const cs_map *dsn)
{
    cs_map m = parse_ok(app);
    if (dsn)
        assert_int_equal(cs_merge_dsn(&m, dsn), CS_OK);
    azdo_config cfg;
    azdo_error err;
    assert_int_equal(cs_to_config(&m, &cfg, &err), AZDO_OK);
    char *out = cs_out_string(&m, &cfg);
    assert_non_null(out);
    azdo_config_clear(&cfg);
    cs_map_clear(&m);
    return out;
}

static void test_out_string(void **state)
{
    char *o = out_string("DRIVER={Azure DevOps};Organization=fab;PWD=secret;Extra=1;DMEnvAttr=x", NULL);
    assert_string_equal(o, "DRIVER=Azure DevOps;Organization=fab;PWD=secret;ApiVersion=7.1;Timeout=100;Extra=1;");
    azdo_secret_free(o);

    /* a PWD that came from the DSN is never echoed */
    cs_map d = dsn_map();
    o = out_string("DSN=mydsn", &d);
    assert_string_equal(o, "DSN=mydsn;Organization=dsnorg;Project=DsnProject;ApiVersion=7.1;Timeout=30;");
    assert_null(strstr(o, "dsnpat"));
    azdo_secret_free(o);

    /* values that need braces get them, with '}' doubled; the result parses back */
    o = out_string("DSN=mydsn;PAT={a;b}}c};Url=https://x.example/coll/", &d);
    assert_string_equal(o, "DSN=mydsn;Url=https://x.example/coll;Project=DsnProject;PWD={a;b}}c};"
                           "ApiVersion=7.1;Timeout=30;");
    cs_map back = parse_ok(o);
    assert_string_equal(cs_get(&back, "PWD"), "a;b}c");
    cs_map_clear(&back);
    azdo_secret_free(o);
    cs_map_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_pairs_and_trimming),
        cmocka_unit_test(test_braces),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_first_occurrence_wins_both_orders),
        cmocka_unit_test(test_dsn_merge_precedence),
        cmocka_unit_test(test_organization),
        cmocka_unit_test(test_url_rules),
        cmocka_unit_test(test_pat),
        cmocka_unit_test(test_timeout_and_api_version),
        cmocka_unit_test(test_out_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
