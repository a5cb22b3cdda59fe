/* test_connstr.c — connection-string parsing, DSN merge, and the config
 * rules (driver/connstr.h): braces and '}}', first occurrence wins in both
 * orders, case-insensitive keys, Url/Organization validation, loopback-only
 * http, Timeout/ApiVersion, PAT synonym, AuthScheme and the keys each scheme
 * needs, the retry, network and trace keys, secrets (never quoted, DSN merge,
 * out string only when the application gave them), and the out connection
 * string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
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

/* ---- authentication ------------------------------------------------------------ */

static void expect_ok(const char *s, azdo_config *cfg)
{
    azdo_error err;
    azdo_errkind k = config_of(s, cfg, &err);
    if (k != AZDO_OK)
        fail_msg("'%s' failed: %s", s, err.message);
}

static void test_defaults(void **state)
{
    azdo_config cfg;
    expect_ok("Organization=f;PWD=p", &cfg);
    assert_int_equal(cfg.auth_scheme, AZDO_AUTH_PAT);
    assert_int_equal(cfg.timeout_s, 100);
    assert_int_equal(cfg.login_timeout_s, 0);
    assert_int_equal(cfg.retry_count_max, 5);
    assert_int_equal(cfg.n_retry_statuses, 4);
    assert_int_equal(cfg.retry_statuses[0], 429);
    assert_int_equal(cfg.retry_statuses[1], 502);
    assert_int_equal(cfg.retry_statuses[2], 503);
    assert_int_equal(cfg.retry_statuses[3], 504);
    assert_int_equal(cfg.retry_multiply_wait, 1);
    assert_int_equal(cfg.retry_max_wait_s, 300);
    assert_int_equal(cfg.trace_level, 0);
    assert_null(cfg.access_token);
    assert_null(cfg.tenant_id);
    assert_null(cfg.client_id);
    assert_null(cfg.client_secret);
    assert_null(cfg.refresh_token);
    assert_null(cfg.redirect_uri);
    assert_null(cfg.token_url);
    assert_null(cfg.token_file);
    assert_null(cfg.ca_file);
    assert_null(cfg.proxy);
    assert_null(cfg.trace_file);
    azdo_config_clear(&cfg);

    /* empty values count as absent: the defaults stay */
    expect_ok("Organization=f;PWD=p;AuthScheme=;RetryCountMax=;RetryMultiplyWaitTime=;"
              "RetryMaxWaitSeconds=;TraceLevel=;Proxy=;CAFile=;TraceFile=;TenantId=", &cfg);
    assert_int_equal(cfg.auth_scheme, AZDO_AUTH_PAT);
    assert_int_equal(cfg.retry_count_max, 5);
    assert_int_equal(cfg.retry_multiply_wait, 1);
    assert_int_equal(cfg.retry_max_wait_s, 300);
    assert_int_equal(cfg.trace_level, 0);
    assert_null(cfg.proxy);
    assert_null(cfg.ca_file);
    assert_null(cfg.tenant_id);
    azdo_config_clear(&cfg);
}

static void test_auth_scheme_values(void **state)
{
    static const struct {
        const char *s;
        azdo_auth_scheme want;
    } ok[] = {
        {"Organization=f;PWD=p;AuthScheme=PAT", AZDO_AUTH_PAT},
        {"Organization=f;PWD=p;authscheme=pat", AZDO_AUTH_PAT},
        {"Organization=f;AuthScheme=Bearer;AccessToken=tok", AZDO_AUTH_BEARER},
        {"Organization=f;AUTHSCHEME=BEARER;accesstoken=tok", AZDO_AUTH_BEARER},
        {"Organization=f;AuthScheme=EntraClientCredentials;TenantId=t.example;ClientId=c;ClientSecret=s",
         AZDO_AUTH_ENTRA_CLIENT},
        {"Organization=f;AuthScheme=entraclientcredentials;TenantId=t;ClientId=c;ClientSecret=s",
         AZDO_AUTH_ENTRA_CLIENT},
        {"Organization=f;AuthScheme=OAuthRefresh;ClientId=c;RefreshToken=r", AZDO_AUTH_OAUTH_REFRESH},
        {"Organization=f;AuthScheme=oauthREFRESH;ClientId=c;TokenFile=/var/lib/x/token", AZDO_AUTH_OAUTH_REFRESH},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        azdo_config cfg;
        expect_ok(ok[i].s, &cfg);
        assert_int_equal(cfg.auth_scheme, ok[i].want);
        azdo_config_clear(&cfg);
    }
    expect_error("Organization=f;PWD=p;AuthScheme=Basic", AZDO_ERR_CONFIG, "AuthScheme: 'Basic'");
    expect_error("Organization=f;PWD=p;AuthScheme=Entra", AZDO_ERR_CONFIG,
                 "PAT (the default), Bearer, EntraClientCredentials or OAuthRefresh");
    expect_error("Organization=f;PWD=p;AuthScheme=PAT2", AZDO_ERR_CONFIG, "AuthScheme");
    /* a bad value is a configuration error even when credentials are missing too */
    expect_error("Organization=f;AuthScheme=NTLM", AZDO_ERR_CONFIG, "AuthScheme");
}

static void test_auth_scheme_requirements(void **state)
{
    azdo_config cfg;
    /* PAT */
    expect_error("Organization=f;AuthScheme=PAT", AZDO_ERR_AUTH, "AuthScheme=PAT needs PWD or PAT");
    expect_error("Organization=f;AuthScheme=PAT;AccessToken=t", AZDO_ERR_AUTH, "No personal access token");

    /* Bearer: AccessToken, and no PAT needed */
    expect_error("Organization=f;AuthScheme=Bearer", AZDO_ERR_AUTH, "AuthScheme=Bearer needs AccessToken");
    expect_error("Organization=f;AuthScheme=Bearer;PWD=p", AZDO_ERR_AUTH, "AccessToken");
    expect_error("Organization=f;AuthScheme=Bearer;AccessToken=", AZDO_ERR_AUTH, "AccessToken");
    expect_error("Organization=f;AuthScheme=Bearer;AccessToken={abc\r\nX-Injected: 1}", AZDO_ERR_CONFIG,
                 "AccessToken contains a space or a control character");
    expect_error("Organization=f;AuthScheme=Bearer;AccessToken={Bearer abc}", AZDO_ERR_CONFIG, "AccessToken");
    expect_ok("Organization=f;AuthScheme=Bearer;AccessToken=eyJ0eXAi.x.y", &cfg);
    assert_string_equal(cfg.access_token, "eyJ0eXAi.x.y");
    assert_null(cfg.pat);
    azdo_config_clear(&cfg);

    /* EntraClientCredentials: every missing key is named */
    expect_error("Organization=f;AuthScheme=EntraClientCredentials", AZDO_ERR_AUTH,
                 "missing: ClientId, ClientSecret, TenantId; set them");
    expect_error("Organization=f;AuthScheme=EntraClientCredentials;ClientId=c;TenantId=t", AZDO_ERR_AUTH,
                 "AuthScheme=EntraClientCredentials needs ClientId, ClientSecret and TenantId");
    expect_error("Organization=f;AuthScheme=EntraClientCredentials;ClientId=c;TenantId=t", AZDO_ERR_AUTH,
                 "missing: ClientSecret; set it");
    expect_error("Organization=f;AuthScheme=EntraClientCredentials;ClientId=c;ClientSecret=s", AZDO_ERR_AUTH,
                 "missing: TenantId");
    expect_error("Organization=f;AuthScheme=EntraClientCredentials;ClientSecret=s;TenantId=t;PWD=p",
                 AZDO_ERR_AUTH, "missing: ClientId");
    /* TenantId may be left out when TokenUrl is set */
    expect_ok("Organization=f;AuthScheme=EntraClientCredentials;ClientId=c;ClientSecret=s;"
              "TokenUrl=http://127.0.0.1:8080/tenant/oauth2/v2.0/token", &cfg);
    assert_null(cfg.tenant_id);
    assert_string_equal(cfg.client_id, "c");
    assert_string_equal(cfg.client_secret, "s");
    assert_string_equal(cfg.token_url, "http://127.0.0.1:8080/tenant/oauth2/v2.0/token");
    azdo_config_clear(&cfg);
    expect_ok("Organization=f;AuthScheme=EntraClientCredentials;ClientId=11111111-2222-3333-4444-555555555555;"
              "ClientSecret={a;b}}};TenantId=72f988bf-86f1-41af-91ab-2d7cd011db47", &cfg);
    assert_string_equal(cfg.tenant_id, "72f988bf-86f1-41af-91ab-2d7cd011db47");
    assert_string_equal(cfg.client_secret, "a;b}");
    azdo_config_clear(&cfg);

    /* OAuthRefresh: ClientId and RefreshToken or TokenFile */
    expect_error("Organization=f;AuthScheme=OAuthRefresh", AZDO_ERR_AUTH,
                 "missing: ClientId, RefreshToken (or TokenFile holding one)");
    expect_error("Organization=f;AuthScheme=OAuthRefresh;ClientId=c;ClientSecret=s", AZDO_ERR_AUTH,
                 "AuthScheme=OAuthRefresh needs ClientId and RefreshToken or TokenFile");
    expect_error("Organization=f;AuthScheme=OAuthRefresh;RefreshToken=r", AZDO_ERR_AUTH, "missing: ClientId;");
    expect_ok("Organization=f;AuthScheme=OAuthRefresh;ClientId=c;ClientSecret=s;RefreshToken=r;"
              "RedirectUri=https://app.example/cb;TokenUrl=https://app.vssps.visualstudio.com/oauth2/token;"
              "TokenFile=/home/u/.azdo/refresh", &cfg);
    assert_string_equal(cfg.client_id, "c");
    assert_string_equal(cfg.client_secret, "s");
    assert_string_equal(cfg.refresh_token, "r");
    assert_string_equal(cfg.redirect_uri, "https://app.example/cb");
    assert_string_equal(cfg.token_url, "https://app.vssps.visualstudio.com/oauth2/token");
    assert_string_equal(cfg.token_file, "/home/u/.azdo/refresh");
    azdo_config_clear(&cfg);

    /* keys a scheme does not use are kept but do not satisfy another scheme */
    expect_ok("Organization=f;PWD=p;AccessToken=t;ClientSecret=s", &cfg);
    assert_int_equal(cfg.auth_scheme, AZDO_AUTH_PAT);
    assert_string_equal(cfg.pat, "p");
    azdo_config_clear(&cfg);
}

static void test_tenant_and_token_url(void **state)
{
    static const char *const good[] = {
        "72f988bf-86f1-41af-91ab-2d7cd011db47", "contoso.onmicrosoft.com", "common", "organizations",
        "Contoso-Corp.example.com", "a",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char s[256];
        azdo_config cfg;
        snprintf(s, sizeof s, "Organization=f;PWD=p;TenantId=%s", good[i]);
        expect_ok(s, &cfg);
        assert_string_equal(cfg.tenant_id, good[i]);
        azdo_config_clear(&cfg);
    }
    static const char *const bad[] = {
        "contoso/evil", "-contoso", "contoso-", "contoso..com", ".contoso", "contoso.", "con_toso",
        "{72f988bf-86f1-41af-91ab-2d7cd011db47}", "a b", "x?y", "x%2F",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char s[256] = "Organization=f;PWD=p;TenantId={";
        for (const char *c = bad[i]; *c; c++) /* braced, '}' doubled */
            snprintf(s + strlen(s), sizeof s - strlen(s), "%s", *c == '}' ? "}}" : (char[]){*c, 0});
        strcat(s, "}");
        expect_error(s, AZDO_ERR_CONFIG, "TenantId: ");
    }
    expect_error("Organization=f;PWD=p;TenantId=a/b", AZDO_ERR_CONFIG, "GUID nor a domain name");

    azdo_config cfg;
    expect_ok("Organization=f;PWD=p;TokenUrl=https://login.microsoftonline.us/t/oauth2/v2.0/token/", &cfg);
    assert_string_equal(cfg.token_url, "https://login.microsoftonline.us/t/oauth2/v2.0/token/"); /* kept */
    azdo_config_clear(&cfg);
    expect_ok("Organization=f;PWD=p;TokenUrl=HTTP://localhost:9000/token", &cfg);
    assert_string_equal(cfg.token_url, "http://localhost:9000/token");
    azdo_config_clear(&cfg);
    expect_error("Organization=f;PWD=p;TokenUrl=http://login.example.com/token", AZDO_ERR_CONFIG,
                 "TokenUrl: plain http:// is allowed only for a local test server");
    expect_error("Organization=f;PWD=p;TokenUrl=http://login.example.com/token", AZDO_ERR_CONFIG,
                 "the client secret and the tokens are never sent unencrypted");
    expect_error("Organization=f;PWD=p;TokenUrl=login.example.com/token", AZDO_ERR_CONFIG,
                 "TokenUrl: 'login.example.com/token' must start with https://");
    expect_error("Organization=f;PWD=p;TokenUrl=https://id:sekrit@login.example.com/token", AZDO_ERR_CONFIG,
                 "TokenUrl must not contain a user name or password");
    expect_error("Organization=f;PWD=p;TokenUrl=https://login.example.com/token?x=1", AZDO_ERR_CONFIG,
                 "TokenUrl must not contain a query");
    expect_error("Organization=f;PWD=p;TokenUrl=https://login.example.com:0/token", AZDO_ERR_CONFIG,
                 "TokenUrl: the port");
    /* Url's own messages still name Url */
    expect_error("Organization=f;PWD=p;Url=https://a:b@x/y", AZDO_ERR_CONFIG, "put the personal access token in PWD");
}

/* ---- retry, network, trace -------------------------------------------------- */

static void test_retry_keys(void **state)
{
    azdo_config cfg;
    expect_ok("Organization=f;PWD=p;RetryCountMax=0;RetryMaxWaitSeconds=0;RetryMultiplyWaitTime=0", &cfg);
    assert_int_equal(cfg.retry_count_max, 0);
    assert_int_equal(cfg.retry_max_wait_s, 0);
    assert_int_equal(cfg.retry_multiply_wait, 0);
    azdo_config_clear(&cfg);
    expect_ok("Organization=f;PWD=p;retrycountmax=20;RETRYMAXWAITSECONDS=86400", &cfg);
    assert_int_equal(cfg.retry_count_max, 20);
    assert_int_equal(cfg.retry_max_wait_s, 86400);
    azdo_config_clear(&cfg);

    static const struct {
        const char *v;
        int want;
    } bools[] = {{"1", 1}, {"0", 0}, {"true", 1}, {"FALSE", 0}, {"Yes", 1}, {"no", 0}, {"ON", 1}, {"off", 0}};
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        char s[128];
        snprintf(s, sizeof s, "Organization=f;PWD=p;RetryMultiplyWaitTime=%s", bools[i].v);
        expect_ok(s, &cfg);
        assert_int_equal(cfg.retry_multiply_wait, bools[i].want);
        azdo_config_clear(&cfg);
    }

    expect_error("Organization=f;PWD=p;RetryCountMax=21", AZDO_ERR_CONFIG, "RetryCountMax: '21'");
    expect_error("Organization=f;PWD=p;RetryCountMax=-1", AZDO_ERR_CONFIG, "from 0 to 20");
    expect_error("Organization=f;PWD=p;RetryCountMax=many", AZDO_ERR_CONFIG, "RetryCountMax");
    expect_error("Organization=f;PWD=p;RetryCountMax=99999999999999999999", AZDO_ERR_CONFIG, "RetryCountMax");
    expect_error("Organization=f;PWD=p;RetryMaxWaitSeconds=86401", AZDO_ERR_CONFIG,
                 "RetryMaxWaitSeconds: '86401' is not valid; use a whole number of seconds from 0 to 86400");
    expect_error("Organization=f;PWD=p;RetryMaxWaitSeconds=1.5", AZDO_ERR_CONFIG, "RetryMaxWaitSeconds");
    expect_error("Organization=f;PWD=p;RetryMultiplyWaitTime=2", AZDO_ERR_CONFIG,
                 "RetryMultiplyWaitTime: '2' is not valid; use 1 or 0 (also true/false, yes/no, on/off)");
    expect_error("Organization=f;PWD=p;RetryMultiplyWaitTime=y", AZDO_ERR_CONFIG, "RetryMultiplyWaitTime");
}

static void test_retry_status_list(void **state)
{
    azdo_config cfg;
    expect_ok("Organization=f;PWD=p;RetryStatusCodeList={ 429, 500 503 ,,504,429 }", &cfg);
    assert_int_equal(cfg.n_retry_statuses, 4); /* the repeated 429 is dropped */
    assert_int_equal(cfg.retry_statuses[0], 429);
    assert_int_equal(cfg.retry_statuses[1], 500);
    assert_int_equal(cfg.retry_statuses[2], 503);
    assert_int_equal(cfg.retry_statuses[3], 504);
    azdo_config_clear(&cfg);

    /* empty = retry on no status (not the default) */
    expect_ok("Organization=f;PWD=p;RetryStatusCodeList=", &cfg);
    assert_int_equal(cfg.n_retry_statuses, 0);
    azdo_config_clear(&cfg);
    expect_ok("Organization=f;PWD=p;RetryStatusCodeList={ , }", &cfg);
    assert_int_equal(cfg.n_retry_statuses, 0);
    azdo_config_clear(&cfg);

    expect_ok("Organization=f;PWD=p;RetryStatusCodeList=400,599", &cfg);
    assert_int_equal(cfg.n_retry_statuses, 2);
    azdo_config_clear(&cfg);

    /* 16 fit, 17 do not */
    char s[512] = "Organization=f;PWD=p;RetryStatusCodeList=";
    for (int i = 0; i < AZDO_MAX_RETRY_STATUSES; i++)
        snprintf(s + strlen(s), sizeof s - strlen(s), "%d,", 500 + i);
    expect_ok(s, &cfg);
    assert_int_equal(cfg.n_retry_statuses, AZDO_MAX_RETRY_STATUSES);
    assert_int_equal(cfg.retry_statuses[15], 515);
    azdo_config_clear(&cfg);
    snprintf(s + strlen(s), sizeof s - strlen(s), "%d", 599);
    expect_error(s, AZDO_ERR_CONFIG, "RetryStatusCodeList: more than 16 status codes");

    expect_error("Organization=f;PWD=p;RetryStatusCodeList=429,399", AZDO_ERR_CONFIG,
                 "RetryStatusCodeList: '399' is not an HTTP status code from 400 to 599");
    expect_error("Organization=f;PWD=p;RetryStatusCodeList=600", AZDO_ERR_CONFIG, "'600'");
    expect_error("Organization=f;PWD=p;RetryStatusCodeList=429,abc", AZDO_ERR_CONFIG, "'abc'");
}

static void test_network_and_trace_keys(void **state)
{
    azdo_config cfg;
    expect_ok("Organization=f;PWD=p;CAFile=/etc/ssl/private-ca.pem;Proxy=http://proxy.example.com:3128;"
              "TraceFile=/tmp/azdo.trace", &cfg);
    assert_string_equal(cfg.ca_file, "/etc/ssl/private-ca.pem");
    assert_string_equal(cfg.proxy, "http://proxy.example.com:3128");
    assert_string_equal(cfg.trace_file, "/tmp/azdo.trace");
    assert_int_equal(cfg.trace_level, 1); /* default when TraceFile is set */
    azdo_config_clear(&cfg);

    expect_ok("Organization=f;PWD=p;TraceFile={/tmp/with space.log};TraceLevel=0", &cfg);
    assert_string_equal(cfg.trace_file, "/tmp/with space.log");
    assert_int_equal(cfg.trace_level, 0);
    azdo_config_clear(&cfg);
    expect_ok("Organization=f;PWD=p;TraceFile=t.log;tracelevel=2", &cfg);
    assert_int_equal(cfg.trace_level, 2);
    azdo_config_clear(&cfg);
    expect_error("Organization=f;PWD=p;TraceFile=t.log;TraceLevel=3", AZDO_ERR_CONFIG,
                 "TraceLevel: '3' is not valid; use 0 (off), 1");
    expect_error("Organization=f;PWD=p;TraceLevel=-1", AZDO_ERR_CONFIG, "TraceLevel");

    static const char *const proxies_ok[] = {
        "http://proxy:8080", "https://proxy.example.com", "socks5://127.0.0.1:1080", "SOCKS5H://p:1/",
        "socks4://p", "socks4a://p:1080", "http://[::1]:3128", "http://10.1.2.3:80",
    };
    for (size_t i = 0; i < sizeof proxies_ok / sizeof proxies_ok[0]; i++) {
        char s[256];
        snprintf(s, sizeof s, "Organization=f;PWD=p;Proxy=%s", proxies_ok[i]);
        expect_ok(s, &cfg);
        assert_string_equal(cfg.proxy, proxies_ok[i]);
        azdo_config_clear(&cfg);
    }
    expect_error("Organization=f;PWD=p;Proxy=proxy:8080", AZDO_ERR_CONFIG,
                 "Proxy: 'proxy:8080' must start with http://, https://, socks4://, socks4a://, socks5:// or socks5h://");
    expect_error("Organization=f;PWD=p;Proxy=ftp://proxy:21", AZDO_ERR_CONFIG, "must start with http://");
    expect_error("Organization=f;PWD=p;Proxy=http://proxy:99999", AZDO_ERR_CONFIG, "Proxy: the port");
    expect_error("Organization=f;PWD=p;Proxy=http://proxy:x", AZDO_ERR_CONFIG, "Proxy: the port");
    expect_error("Organization=f;PWD=p;Proxy=http://proxy/path", AZDO_ERR_CONFIG, "must not have a path");
    expect_error("Organization=f;PWD=p;Proxy=http://", AZDO_ERR_CONFIG, "no host name");
    expect_error("Organization=f;PWD=p;Proxy=http://pro xy", AZDO_ERR_CONFIG, "Proxy");
    expect_error("Organization=f;PWD=p;Proxy=http://pr!oxy", AZDO_ERR_CONFIG, "bad host name");
    expect_error("Organization=f;PWD=p;Proxy=http://proxy?x", AZDO_ERR_CONFIG, "Proxy");
    /* proxy credentials are refused without being quoted */
    azdo_error err;
    assert_int_equal(config_of("Organization=f;PWD=p;Proxy=http://me:pr0xysekrit@proxy:3128", &cfg, &err),
                     AZDO_ERR_CONFIG);
    assert_non_null(strstr(err.message, "https_proxy environment variable"));
    assert_null(strstr(err.message, "pr0xysekrit"));
}

/* ---- writing work items ----------------------------------------------------------- */

static void test_write_keys(void **state)
{
    azdo_config cfg;
    /* defaults */
    expect_ok("Organization=f;PWD=p", &cfg);
    assert_null(cfg.default_work_item_type);
    assert_int_equal(cfg.delete_destroy, 0);
    assert_int_equal(cfg.validate_only, 0);
    assert_int_equal(cfg.bypass_rules, 0);
    assert_int_equal(cfg.suppress_notifications, 0);
    assert_int_equal(cfg.max_concurrency, 8);
    azdo_config_clear(&cfg);
    /* empty values count as absent */
    expect_ok("Organization=f;PWD=p;DefaultWorkItemType=;DeleteMode=;ValidateOnly=;BypassRules=;"
              "SuppressNotifications=;MaxConcurrency=", &cfg);
    assert_null(cfg.default_work_item_type);
    assert_int_equal(cfg.delete_destroy, 0);
    assert_int_equal(cfg.max_concurrency, 8);
    azdo_config_clear(&cfg);

    expect_ok("Organization=f;PWD=p;DefaultWorkItemType={User Story};DeleteMode=destroy;ValidateOnly=yes;"
              "bypassrules=TRUE;SuppressNotifications=on;MaxConcurrency=64", &cfg);
    assert_string_equal(cfg.default_work_item_type, "User Story");
    assert_int_equal(cfg.delete_destroy, 1);
    assert_int_equal(cfg.validate_only, 1);
    assert_int_equal(cfg.bypass_rules, 1);
    assert_int_equal(cfg.suppress_notifications, 1);
    assert_int_equal(cfg.max_concurrency, 64);
    azdo_config_clear(&cfg);
    expect_ok("Organization=f;PWD=p;DefaultWorkItemType=  Bug  ;DeleteMode=RECYCLE;ValidateOnly=0;"
              "BypassRules=off;SuppressNotifications=no;MaxConcurrency=1", &cfg);
    assert_string_equal(cfg.default_work_item_type, "Bug"); /* trimmed like any plain value */
    assert_int_equal(cfg.delete_destroy, 0);
    assert_int_equal(cfg.validate_only, 0);
    assert_int_equal(cfg.bypass_rules, 0);
    assert_int_equal(cfg.suppress_notifications, 0);
    assert_int_equal(cfg.max_concurrency, 1);
    azdo_config_clear(&cfg);

    expect_error("Organization=f;PWD=p;DeleteMode=Purge", AZDO_ERR_CONFIG,
                 "DeleteMode: 'Purge' is not valid; use Recycle");
    expect_error("Organization=f;PWD=p;ValidateOnly=2", AZDO_ERR_CONFIG,
                 "ValidateOnly: '2' is not valid; use 1 or 0 (also true/false, yes/no, on/off)");
    expect_error("Organization=f;PWD=p;BypassRules=maybe", AZDO_ERR_CONFIG, "BypassRules: 'maybe'");
    expect_error("Organization=f;PWD=p;SuppressNotifications=y", AZDO_ERR_CONFIG, "SuppressNotifications");
    expect_error("Organization=f;PWD=p;MaxConcurrency=0", AZDO_ERR_CONFIG,
                 "MaxConcurrency: '0' is not valid; use a whole number of requests from 1 to 64");
    expect_error("Organization=f;PWD=p;MaxConcurrency=65", AZDO_ERR_CONFIG, "from 1 to 64");
    expect_error("Organization=f;PWD=p;MaxConcurrency=eight", AZDO_ERR_CONFIG, "MaxConcurrency");

    /* they are DSN keys: connect.c reads them from odbc.ini */
    static const char *const keys[] = {"DefaultWorkItemType", "DeleteMode", "ValidateOnly", "BypassRules",
                                       "SuppressNotifications", "MaxConcurrency"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int found = 0;
        for (int j = 0; cs_dsn_keys[j]; j++)
            found |= strcmp(cs_dsn_keys[j], keys[i]) == 0;
        if (!found)
            fail_msg("%s is not in cs_dsn_keys", keys[i]);
    }

    /* the out string repeats them normalized, once, only when set */
    char *o = out_string("DRIVER={Azure DevOps};Organization=fab;PWD=s;deletemode=DESTROY;ValidateOnly=yes;"
                         "MaxConcurrency=4;DefaultWorkItemType={Task}", NULL);
    assert_string_equal(o, "DRIVER=Azure DevOps;Organization=fab;PWD=s;ApiVersion=7.1;Timeout=100;"
                           "DefaultWorkItemType=Task;DeleteMode=Destroy;ValidateOnly=1;MaxConcurrency=4;");
    azdo_secret_free(o);
    /* from the DSN too (they are not secrets) */
    cs_map d;
    cs_map_init(&d);
    assert_int_equal(cs_add(&d, "BypassRules", 11, "true", 4, CS_FROM_DSN), CS_OK);
    assert_int_equal(cs_add(&d, "SuppressNotifications", 21, "0", 1, CS_FROM_DSN), CS_OK);
    o = out_string("DRIVER={Azure DevOps};Organization=fab;PWD=s", &d);
    assert_string_equal(o, "DRIVER=Azure DevOps;Organization=fab;PWD=s;ApiVersion=7.1;Timeout=100;"
                           "BypassRules=1;SuppressNotifications=0;");
    azdo_secret_free(o);
    cs_map_clear(&d);
}

/* ---- ArrayPartialFailure (a driver-side key, not in azdo_config) ------------------ */

static int apf_of(const char *s, azdo_errkind *kind, azdo_error *err)
{
    cs_map m = parse_ok(s);
    int mode = -1;
    azdo_error_clear(err);
    *kind = cs_array_partial_failure(&m, &mode, err);
    cs_map_clear(&m);
    return mode;
}

static void expect_apf(const char *s, int want)
{
    azdo_errkind k;
    azdo_error err;
    int mode = apf_of(s, &k, &err);
    if (k != AZDO_OK)
        fail_msg("'%s' failed: %s", s, err.message);
    if (mode != want)
        fail_msg("'%s': mode %d, want %d", s, mode, want);
    /* cs_to_config accepts it too */
    azdo_config cfg;
    expect_ok(s, &cfg);
    azdo_config_clear(&cfg);
}

static void test_array_partial_failure_key(void **state)
{
    /* Info (0) by default, when empty, and for Info in any case; Error (1) in any case */
    expect_apf("Organization=f;PWD=p", 0);
    expect_apf("Organization=f;PWD=p;ArrayPartialFailure=", 0);
    expect_apf("Organization=f;PWD=p;ArrayPartialFailure=Info", 0);
    expect_apf("Organization=f;PWD=p;arraypartialfailure=INFO", 0);
    expect_apf("Organization=f;PWD=p;ArrayPartialFailure=Error", 1);
    expect_apf("Organization=f;PWD=p;ArrayPartialFailure= error ", 1);
    expect_apf("Organization=f;PWD=p;ArrayPartialFailure={ERROR}", 1);
    /* the first occurrence wins */
    expect_apf("Organization=f;PWD=p;ArrayPartialFailure=Error;ArrayPartialFailure=Info", 1);

    /* anything else is refused, by cs_array_partial_failure and cs_to_config alike */
    static const char *const bad[] = {"Warn", "1", "true", "Errors", "Info;", "SQL_ERROR"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char s[128];
        snprintf(s, sizeof s, "Organization=f;PWD=p;ArrayPartialFailure={%s}", bad[i]);
        azdo_errkind k;
        azdo_error err;
        int mode = apf_of(s, &k, &err);
        assert_int_equal(k, AZDO_ERR_CONFIG);
        assert_int_equal(mode, 0);
        assert_non_null(strstr(err.message, "ArrayPartialFailure: '"));
        assert_non_null(strstr(err.message, "is not valid; use Info (the default"));
        assert_non_null(strstr(err.message, "or Error (it returns SQL_ERROR; the other rows are still written)"));
        expect_error(s, AZDO_ERR_CONFIG, "ArrayPartialFailure");
    }

    /* a DSN key: connect.c reads it from odbc.ini */
    int found = 0;
    for (int j = 0; cs_dsn_keys[j]; j++)
        found |= strcmp(cs_dsn_keys[j], "ArrayPartialFailure") == 0;
    assert_true(found);
    cs_map d;
    cs_map_init(&d);
    assert_int_equal(cs_add(&d, "ArrayPartialFailure", 19, "Error", 5, CS_FROM_DSN), CS_OK);
    cs_map m = parse_ok("DSN=x;Organization=f;PWD=p");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    int mode = -1;
    azdo_error err;
    assert_int_equal(cs_array_partial_failure(&m, &mode, &err), AZDO_OK);
    assert_int_equal(mode, 1);
    cs_map_clear(&m);
    /* the connection string wins over the DSN */
    m = parse_ok("DSN=x;Organization=f;PWD=p;ArrayPartialFailure=info");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_int_equal(cs_array_partial_failure(&m, &mode, &err), AZDO_OK);
    assert_int_equal(mode, 0);
    cs_map_clear(&m);

    /* the out string repeats it normalized, only when set; not as an unknown key */
    char *o = out_string("DRIVER={Azure DevOps};Organization=fab;PWD=s;arraypartialfailure=eRRor", NULL);
    assert_string_equal(o, "DRIVER=Azure DevOps;Organization=fab;PWD=s;ApiVersion=7.1;Timeout=100;"
                           "ArrayPartialFailure=Error;");
    azdo_secret_free(o);
    o = out_string("DRIVER={Azure DevOps};Organization=fab;PWD=s;ArrayPartialFailure=info;MaxConcurrency=2", NULL);
    assert_string_equal(o, "DRIVER=Azure DevOps;Organization=fab;PWD=s;ApiVersion=7.1;Timeout=100;"
                           "MaxConcurrency=2;ArrayPartialFailure=Info;");
    azdo_secret_free(o);
    o = out_string("DRIVER={Azure DevOps};Organization=fab;PWD=s", &d);
    assert_string_equal(o, "DRIVER=Azure DevOps;Organization=fab;PWD=s;ApiVersion=7.1;Timeout=100;"
                           "ArrayPartialFailure=Error;");
    azdo_secret_free(o);
    o = out_string("DRIVER={Azure DevOps};Organization=fab;PWD=s", NULL);
    assert_null(strstr(o, "ArrayPartialFailure"));
    azdo_secret_free(o);
    cs_map_clear(&d);
}

/* ---- secrets ------------------------------------------------------------------ */

static void test_secrets_never_quoted(void **state)
{
    /* every failure path, with every secret set to a recognisable value */
    static const char *const tails[] = {
        "AuthScheme=Bogus", "AuthScheme=Bearer;AccessToken=", "AuthScheme=EntraClientCredentials",
        "AuthScheme=OAuthRefresh", "TenantId=bad/x", "TokenUrl=http://x.example/t", "RetryCountMax=99",
        "RetryStatusCodeList=1", "RetryMultiplyWaitTime=x", "RetryMaxWaitSeconds=x", "Proxy=x",
        "TraceLevel=9", "Timeout=x", "ApiVersion=x", "Url=ftp://x", "AccessToken={S3cret with space}",
    };
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        char s[512];
        azdo_config cfg;
        azdo_error err;
        /* the first occurrence wins, so put the failing key first */
        snprintf(s, sizeof s, "%s;Organization=f;PWD=S3cretPwd;AccessToken=S3cretAT;ClientSecret=S3cretCS;"
                              "RefreshToken=S3cretRT", tails[i]);
        azdo_errkind k = config_of(s, &cfg, &err);
        if (k == AZDO_OK)
            fail_msg("'%s' should fail", tails[i]);
        if (strstr(err.message, "S3cret"))
            fail_msg("'%s': a secret in '%s'", tails[i], err.message);
    }
    assert_true(cs_is_secret_key("pwd"));
    assert_true(cs_is_secret_key("PAT"));
    assert_true(cs_is_secret_key("accesstoken"));
    assert_true(cs_is_secret_key("ClientSecret"));
    assert_true(cs_is_secret_key("REFRESHTOKEN"));
    assert_false(cs_is_secret_key("ClientId"));
    assert_false(cs_is_secret_key("TenantId"));
    assert_false(cs_is_secret_key("TokenFile"));
}

static cs_map secret_dsn(void)
{
    cs_map d;
    cs_map_init(&d);
    static const char *const kv[][2] = {
        {"Organization", "dsnorg"}, {"AccessToken", "dsnAT"}, {"ClientSecret", "dsnCS"},
        {"RefreshToken", "dsnRT"}, {"ClientId", "dsnClient"}, {"TenantId", "dsn.example"},
        {"PWD", "dsnpat"},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        assert_int_equal(cs_add(&d, kv[i][0], strlen(kv[i][0]), kv[i][1], strlen(kv[i][1]), CS_FROM_DSN),
                         CS_OK);
    return d;
}

static void test_secret_dsn_precedence(void **state)
{
    cs_map d = secret_dsn();

    /* the DSN fills secrets the application did not give */
    cs_map m = parse_ok("DSN=x;AuthScheme=Bearer");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_string_equal(cs_get(&m, "AccessToken"), "dsnAT");
    assert_true(cs_find(&m, "AccessToken")->flags & CS_FROM_DSN);
    cs_map_clear(&m);

    /* the application's non-empty secret wins */
    m = parse_ok("DSN=x;AccessToken=appAT;ClientSecret=appCS;RefreshToken=appRT");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_string_equal(cs_get(&m, "AccessToken"), "appAT");
    assert_string_equal(cs_get(&m, "ClientSecret"), "appCS");
    assert_string_equal(cs_get(&m, "RefreshToken"), "appRT");
    assert_false(cs_find(&m, "ClientSecret")->flags & CS_FROM_DSN);
    cs_map_clear(&m);

    /* an empty secret from the application means "the DSN's" */
    m = parse_ok("DSN=x;AccessToken=;ClientSecret=;RefreshToken=");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_string_equal(cs_get(&m, "AccessToken"), "dsnAT");
    assert_string_equal(cs_get(&m, "ClientSecret"), "dsnCS");
    assert_string_equal(cs_get(&m, "RefreshToken"), "dsnRT");
    assert_true(cs_find(&m, "RefreshToken")->flags & CS_FROM_DSN);
    cs_map_clear(&m);

    /* ... but an empty non-secret key still overrides the DSN's */
    m = parse_ok("DSN=x;ClientId=;TenantId=");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_string_equal(cs_get(&m, "ClientId"), "");
    assert_string_equal(cs_get(&m, "TenantId"), "");
    cs_map_clear(&m);

    /* the PWD/PAT pairing does not extend to the other secrets */
    m = parse_ok("DSN=x;PAT=apppat");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_null(cs_get(&m, "PWD"));
    assert_string_equal(cs_get(&m, "AccessToken"), "dsnAT");
    cs_map_clear(&m);
    cs_map_clear(&d);
}

/* A DSN value cut off by unixODBC's line limit: refused when used, with a
 * message that names the key and never quotes the value. */
static void test_cut_dsn_value(void **state)
{
    cs_map d;
    cs_map_init(&d);
    assert_int_equal(cs_add(&d, "Organization", 12, "dsnorg", 6, CS_FROM_DSN), CS_OK);
    assert_int_equal(cs_add(&d, "AuthScheme", 10, "Bearer", 6, CS_FROM_DSN), CS_OK);
    assert_int_equal(cs_add(&d, "AccessToken", 11, "cutTOKENvalue", 13, CS_FROM_DSN | CS_CUT), CS_OK);
    azdo_config cfg;
    azdo_error err;

    cs_map m = parse_ok("DSN=BigDsn");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_true(cs_find(&m, "AccessToken")->flags & CS_CUT);
    assert_int_equal(cs_to_config(&m, &cfg, &err), AZDO_ERR_CONFIG);
    assert_non_null(strstr(err.message, "AccessToken in DSN 'BigDsn' is too long for odbc.ini"));
    assert_non_null(strstr(err.message, "pass it in the connection string"));
    assert_null(strstr(err.message, "cutTOKEN"));
    cs_map_clear(&m);

    /* the application's own token hides the cut one: fine */
    m = parse_ok("DSN=BigDsn;AccessToken=whole");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_int_equal(cs_to_config(&m, &cfg, &err), AZDO_OK);
    assert_string_equal(cfg.access_token, "whole");
    azdo_config_clear(&cfg);
    cs_map_clear(&m);

    /* an empty one from the application means the DSN's: refused again */
    m = parse_ok("DSN=BigDsn;AccessToken=");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_int_equal(cs_to_config(&m, &cfg, &err), AZDO_ERR_CONFIG);
    cs_map_clear(&m);
    cs_map_clear(&d);

    cs_map_init(&d);
    assert_int_equal(cs_add(&d, "RefreshToken", 12, "r", 1, CS_FROM_DSN | CS_CUT), CS_OK);
    m = parse_ok("DSN=D;Organization=o;AuthScheme=OAuthRefresh;ClientId=c");
    assert_int_equal(cs_merge_dsn(&m, &d), CS_OK);
    assert_int_equal(cs_to_config(&m, &cfg, &err), AZDO_ERR_CONFIG);
    assert_non_null(strstr(err.message, "TokenFile"));
    cs_map_clear(&m);
    cs_map_clear(&d);
}

static void test_out_string_secrets(void **state)
{
    cs_map d = secret_dsn();

    /* from the DSN: no secret at all, the non-secret keys are listed */
    char *o = out_string("DSN=mydsn;AuthScheme=entraclientcredentials", &d);
    assert_string_equal(o, "DSN=mydsn;Organization=dsnorg;AuthScheme=EntraClientCredentials;"
                           "TenantId=dsn.example;ClientId=dsnClient;ApiVersion=7.1;Timeout=100;");
    assert_null(strstr(o, "dsnAT"));
    assert_null(strstr(o, "dsnCS"));
    assert_null(strstr(o, "dsnRT"));
    assert_null(strstr(o, "dsnpat"));
    azdo_secret_free(o);

    /* the application's own secrets are repeated; the DSN's still are not */
    o = out_string("DSN=mydsn;AuthScheme=OAuthRefresh;RefreshToken={r;t};ClientSecret=", &d);
    assert_non_null(strstr(o, "RefreshToken={r;t};"));
    assert_null(strstr(o, "ClientSecret"));
    assert_null(strstr(o, "dsnCS"));
    assert_null(strstr(o, "AccessToken"));
    assert_null(strstr(o, "PWD"));
    azdo_secret_free(o);

    o = out_string("DSN=mydsn;AuthScheme=Bearer;AccessToken=appAT;ClientSecret=appCS", &d);
    assert_non_null(strstr(o, "AuthScheme=Bearer;"));
    assert_non_null(strstr(o, "AccessToken=appAT;"));
    assert_non_null(strstr(o, "ClientSecret=appCS;"));
    assert_null(strstr(o, "RefreshToken"));
    azdo_secret_free(o);
    cs_map_clear(&d);

    /* every non-secret key, normalized, in a fixed order; reparses to the same config */
    o = out_string("DRIVER=x;Url=http://127.0.0.1:1/o;PWD=p;AuthScheme=pat;TenantId=t;ClientId=c;"
                   "RedirectUri=https://r/cb;TokenUrl=https://t/token;TokenFile=/tf;RetryCountMax=3;"
                   "RetryStatusCodeList={429 503};RetryMultiplyWaitTime=off;RetryMaxWaitSeconds=60;"
                   "CAFile=/ca.pem;Proxy=socks5://127.0.0.1:1080;TraceFile=/tr;TraceLevel=2;Other=1",
                   NULL);
    assert_string_equal(o, "DRIVER=x;Url=http://127.0.0.1:1/o;AuthScheme=PAT;PWD=p;TenantId=t;ClientId=c;"
                           "RedirectUri=https://r/cb;TokenUrl=https://t/token;TokenFile=/tf;"
                           "ApiVersion=7.1;Timeout=100;RetryCountMax=3;RetryStatusCodeList=429,503;"
                           "RetryMultiplyWaitTime=0;RetryMaxWaitSeconds=60;CAFile=/ca.pem;"
                           "Proxy=socks5://127.0.0.1:1080;TraceFile=/tr;TraceLevel=2;Other=1;");
    azdo_secret_free(o);

    /* an empty retry list is repeated as empty (= none), not dropped (= default) */
    o = out_string("DRIVER=x;Organization=o;PWD=p;RetryStatusCodeList=", NULL);
    assert_non_null(strstr(o, "RetryStatusCodeList=;"));
    cs_map back = parse_ok(o);
    azdo_config cfg;
    azdo_error err;
    assert_int_equal(cs_to_config(&back, &cfg, &err), AZDO_OK);
    assert_int_equal(cfg.n_retry_statuses, 0);
    azdo_config_clear(&cfg);
    cs_map_clear(&back);
    azdo_secret_free(o);
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
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_auth_scheme_values),
        cmocka_unit_test(test_auth_scheme_requirements),
        cmocka_unit_test(test_tenant_and_token_url),
        cmocka_unit_test(test_retry_keys),
        cmocka_unit_test(test_retry_status_list),
        cmocka_unit_test(test_network_and_trace_keys),
        cmocka_unit_test(test_write_keys),
        cmocka_unit_test(test_array_partial_failure_key),
        cmocka_unit_test(test_secrets_never_quoted),
        cmocka_unit_test(test_secret_dsn_precedence),
        cmocka_unit_test(test_cut_dsn_value),
        cmocka_unit_test(test_out_string_secrets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
