/*
 * connstr.c — connection-string parsing, DSN merge and azdo_config building.
 * The rules are listed in connstr.h; this file implements them and nothing
 * else (no odbc.ini access, no handles), so test_connstr.c covers it fully.
 *
 * Secrets: any value may be a secret (a PAT typed under the wrong key), so
 * every value is wiped before it is freed.  Messages quote only the values of
 * non-secret keys whose validation failed (Url, TokenUrl and Proxy values
 * carrying user info are rejected without being quoted), cut to a few dozen
 * characters; secret values (PWD, PAT, AccessToken, ClientSecret,
 * RefreshToken) are never quoted.
 */
#include "connstr.h"
#include "../rest/secret.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../rest/strbuf.h"

#define DEFAULT_API_VERSION "7.1"
#define DEFAULT_TIMEOUT_S 100L
#define MAX_TIMEOUT_S 86400L

#define MAX_RETRY_COUNT 20
#define DEFAULT_RETRY_MAX_WAIT_S 300L
#define MAX_TRACE_LEVEL 2
#define MAX_CONCURRENCY 64

const char *const cs_dsn_keys[] = {
    "Organization", "Url", "Project", "PWD", "PAT", "ApiVersion", "Timeout",
    "AuthScheme", "AccessToken", "TenantId", "ClientId", "ClientSecret", "RefreshToken",
    "RedirectUri", "TokenUrl", "TokenFile",
    "RetryCountMax", "RetryStatusCodeList", "RetryMultiplyWaitTime", "RetryMaxWaitSeconds",
    "CAFile", "Proxy", "TraceFile", "TraceLevel",
    "DefaultWorkItemType", "DeleteMode", "ValidateOnly", "BypassRules", "SuppressNotifications",
    "MaxConcurrency", "ArrayPartialFailure", "TypeMap", "StateMap", "LinkIdField", NULL,
};

/* Keys whose values are secrets: never quoted, repeated in the out string
 * only when the application supplied them, and an empty value from the
 * application means "the DSN's". */
static const char *const secret_keys[] = {
    "PWD", "PAT", "AccessToken", "ClientSecret", "RefreshToken", NULL,
};

int cs_is_secret_key(const char *k)
{
    for (int i = 0; secret_keys[i]; i++)
        if (strcasecmp(k, secret_keys[i]) == 0)
            return 1;
    return 0;
}

void cs_map_init(cs_map *m)
{
    m->items = NULL;
    m->n = m->cap = 0;
}

void cs_map_clear(cs_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->items[i].key);
        azdo_secret_free(m->items[i].value);
    }
    free(m->items);
    cs_map_init(m);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t find_index(const cs_map *m, const char *key, size_t klen)
{
    for (size_t i = 0; i < m->n; i++)
        if (strlen(m->items[i].key) == klen && strncasecmp(m->items[i].key, key, klen) == 0)
            return i;
    return (size_t)-1;
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

cs_status cs_add(cs_map *m, const char *key, size_t klen, const char *val, size_t vlen,
                 unsigned flags)
{
    if (find_index(m, key, klen) != (size_t)-1)
        return CS_OK; /* first occurrence wins */
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        cs_pair *items = realloc(m->items, cap * sizeof *items);
        if (!items)
            return CS_ENOMEM;
        m->items = items;
        m->cap = cap;
    }
    char *k = dupn(key, klen);
    char *v = dupn(val, vlen);
    if (!k || !v) {
        free(k);
        azdo_secret_free(v);
        return CS_ENOMEM;
    }
    m->items[m->n].key = k;
    m->items[m->n].value = v;
    m->items[m->n].flags = flags;
    m->n++;
    return CS_OK;
}

const cs_pair *cs_find(const cs_map *m, const char *key)
{
    size_t i = find_index(m, key, strlen(key));
    return i == (size_t)-1 ? NULL : &m->items[i];
}

const char *cs_get(const cs_map *m, const char *key)
{
    const cs_pair *p = cs_find(m, key);
    return p ? p->value : NULL;
}

cs_status cs_parse(const char *s, size_t len, cs_map *m, azdo_error *err)
{
    size_t i = 0;
    int element = 0;
    char *val = NULL; /* unescaped brace value being built */
    cs_status st = CS_OK;

    while (i < len) {
        /* skip blanks and empty elements */
        while (i < len && (is_space(s[i]) || s[i] == ';'))
            i++;
        if (i >= len)
            break;
        element++;
        size_t kstart = i;
        while (i < len && s[i] != '=' && s[i] != ';')
            i++;
        if (i >= len || s[i] != '=') {
            azdo_error_set(err, AZDO_ERR_CONFIG,
                           "Connection string: element %d is not of the form key=value", element);
            st = CS_ESYNTAX;
            goto done;
        }
        size_t kend = i;
        while (kend > kstart && is_space(s[kend - 1]))
            kend--;
        if (kend == kstart) {
            azdo_error_set(err, AZDO_ERR_CONFIG,
                           "Connection string: element %d has an empty key before '='", element);
            st = CS_ESYNTAX;
            goto done;
        }
        i++; /* past '=' */
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;

        if (i < len && s[i] == '{') {
            /* braced value: verbatim, '}}' is a literal '}' */
            i++;
            val = calloc(len - i + 1, 1); /* zero-filled so the wipe below stops in bounds */
            if (!val) {
                st = CS_ENOMEM;
                goto nomem;
            }
            size_t vn = 0;
            int closed = 0;
            while (i < len) {
                if (s[i] == '}') {
                    if (i + 1 < len && s[i + 1] == '}') {
                        val[vn++] = '}';
                        i += 2;
                        continue;
                    }
                    i++;
                    closed = 1;
                    break;
                }
                val[vn++] = s[i++];
            }
            if (!closed) {
                azdo_error_set(err, AZDO_ERR_CONFIG,
                               "Connection string: the value of %.*s starts with '{' but has no closing '}'",
                               (int)(kend - kstart), s + kstart);
                st = CS_ESYNTAX;
                goto done;
            }
            while (i < len && is_space(s[i]))
                i++;
            if (i < len && s[i] != ';') {
                azdo_error_set(err, AZDO_ERR_CONFIG,
                               "Connection string: unexpected text after the closing '}' of %.*s "
                               "(write '}}' for a '}' inside braces)",
                               (int)(kend - kstart), s + kstart);
                st = CS_ESYNTAX;
                goto done;
            }
            st = cs_add(m, s + kstart, kend - kstart, val, vn, 0);
            volatile char *p = val;
            for (size_t k = 0; k < vn; k++)
                p[k] = 0;
            free(val);
            val = NULL;
            if (st != CS_OK)
                goto nomem;
        } else {
            size_t vstart = i;
            while (i < len && s[i] != ';')
                i++;
            size_t vend = i;
            while (vend > vstart && is_space(s[vend - 1]))
                vend--;
            st = cs_add(m, s + kstart, kend - kstart, s + vstart, vend - vstart, 0);
            if (st != CS_OK)
                goto nomem;
        }
    }
    goto done;

nomem:
    azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory while parsing the connection string");
done:
    if (val) {
        azdo_secret_free(val);
        val = NULL;
    }
    return st;
}

static int is_pat_key(const char *k)
{
    return strcasecmp(k, "PWD") == 0 || strcasecmp(k, "PAT") == 0;
}

cs_status cs_merge_dsn(cs_map *m, const cs_map *dsn)
{
    /* PWD and PAT are one setting: a token the application gave under either
     * name beats the DSN's under either name. */
    const char *app_pwd = cs_get(m, "PWD"), *app_pat = cs_get(m, "PAT");
    int app_pat_given = (app_pwd && *app_pwd) || (app_pat && *app_pat);

    for (size_t i = 0; i < dsn->n; i++) {
        const cs_pair *d = &dsn->items[i];
        if (app_pat_given && is_pat_key(d->key))
            continue;
        size_t j = find_index(m, d->key, strlen(d->key));
        if (j != (size_t)-1) {
            cs_pair *p = &m->items[j];
            /* an empty secret from the application means "use the DSN's" */
            if (!(cs_is_secret_key(p->key) && p->value[0] == '\0' && d->value[0] != '\0'))
                continue;
            char *v = dupn(d->value, strlen(d->value));
            if (!v)
                return CS_ENOMEM;
            azdo_secret_free(p->value);
            p->value = v;
            p->flags |= CS_FROM_DSN | d->flags;
            continue;
        }
        cs_status st = cs_add(m, d->key, strlen(d->key), d->value, strlen(d->value), CS_FROM_DSN | d->flags);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

/* ---- value validation -------------------------------------------------- */

static int valid_org(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '-'))
            return 0;
    return 1;
}

static int valid_api_version(const char *s)
{
    /* digits '.' digits [ "-preview" [ '.' digits ] ] */
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p++ != '.' || !isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '\0')
        return 1;
    if (strncmp(p, "-preview", 8) != 0)
        return 0;
    p += 8;
    if (*p == '\0')
        return 1;
    if (*p++ != '.' || !isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    return *p == '\0';
}

/* 127.0.0.0/8 as a dotted quad of decimal octets */
static int is_ipv4_loopback(const char *h, size_t n)
{
    int parts = 0;
    size_t i = 0;
    int first = -1;
    while (i < n) {
        size_t start = i;
        int v = 0;
        while (i < n && isdigit((unsigned char)h[i]) && i - start < 3)
            v = v * 10 + (h[i++] - '0');
        if (i == start || v > 255)
            return 0;
        if (parts == 0)
            first = v;
        parts++;
        if (i < n) {
            if (h[i] != '.' || parts == 4)
                return 0;
            i++;
            if (i == n)
                return 0;
        }
    }
    return parts == 4 && first == 127;
}

static int is_loopback_host(const char *h, size_t n)
{
    if (n == 9 && strncasecmp(h, "localhost", 9) == 0)
        return 1;
    if (n == 5 && memcmp(h, "[::1]", 5) == 0)
        return 1;
    return is_ipv4_loopback(h, n);
}

static int valid_host_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}

/* What differs between the URL-valued keys (Url, TokenUrl) in check_url. */
typedef struct url_rules {
    const char *key;        /* key name, first in every message */
    const char *example;    /* a correct value */
    const char *cred_hint;  /* where credentials go instead of user info */
    const char *protects;   /* what https protects, for the plain-http message */
    int strip_slash;        /* drop trailing '/' (base URLs) */
} url_rules;

static const url_rules url_key_rules = {
    "Url", "Url=https://dev.azure.com/fabrikam", "put the personal access token in PWD",
    "the personal access token is", 1,
};
static const url_rules token_url_rules = {
    "TokenUrl", "TokenUrl=https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
    "put them in ClientId and ClientSecret", "the client secret and the tokens are", 0,
};

/*
 * Validates an http(s) URL value and returns it normalized (scheme lower
 * case; trailing '/' removed when r->strip_slash) in *out (malloc'd).  On
 * error sets err; the value is quoted only when it holds no '@'.
 */
static azdo_errkind check_url(const url_rules *r, const char *url, char **out, azdo_error *err)
{
    size_t slen;
    int https;
    const char *p;
    const char *k = r->key;

    if (strncasecmp(url, "https://", 8) == 0) {
        https = 1;
        slen = 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        https = 0;
        slen = 7;
    } else {
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "%s: '%.200s' must start with https:// (http:// is accepted only for a "
                              "local test server); for example %s",
                              k, strchr(url, '@') ? "(hidden: it contains '@')" : url, r->example);
    }
    for (p = url; *p; p++) {
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "%s must not contain spaces or control characters", k);
        if (*p == '?' || *p == '#')
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "%s must not contain a query string or fragment ('?' or '#'); for "
                                  "example %s", k, r->example);
    }
    const char *auth = url + slen;
    size_t alen = strcspn(auth, "/");
    if (memchr(auth, '@', alen))
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "%s must not contain a user name or password; %s", k, r->cred_hint);
    /* host [':' port] where host may be a bracketed IPv6 literal */
    const char *host = auth;
    size_t hlen;
    const char *rest;
    if (alen > 0 && auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (!close)
            return azdo_error_set(err, AZDO_ERR_CONFIG, "%s: unterminated '[' in the host part", k);
        hlen = (size_t)(close - auth) + 1;
        for (size_t i = 1; i + 1 < hlen; i++)
            if (!(isxdigit((unsigned char)auth[i]) || auth[i] == ':' || auth[i] == '.'))
                return azdo_error_set(err, AZDO_ERR_CONFIG, "%s: '%.*s' is not a valid IPv6 host", k,
                                      (int)hlen, auth);
    } else {
        hlen = strcspn(auth, ":/");
        if (hlen > alen)
            hlen = alen;
        for (size_t i = 0; i < hlen; i++)
            if (!valid_host_char(auth[i]))
                return azdo_error_set(err, AZDO_ERR_CONFIG, "%s: '%.*s' is not a valid host name", k,
                                      (int)hlen, auth);
    }
    if (hlen == 0 || (hlen == 2 && auth[0] == '['))
        return azdo_error_set(err, AZDO_ERR_CONFIG, "%s: '%.200s' has no host name", k, url);
    rest = auth + hlen;
    if (rest < auth + alen) {
        if (*rest != ':')
            return azdo_error_set(err, AZDO_ERR_CONFIG, "%s: unexpected text after the host in '%.200s'",
                                  k, url);
        rest++;
        size_t plen = (size_t)(auth + alen - rest);
        long port = 0;
        int ok = plen > 0 && plen <= 5;
        for (size_t i = 0; ok && i < plen; i++) {
            if (!isdigit((unsigned char)rest[i]))
                ok = 0;
            else
                port = port * 10 + (rest[i] - '0');
        }
        if (!ok || port < 1 || port > 65535)
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "%s: the port in '%.200s' must be a number from 1 to 65535", k, url);
    }
    if (!https && !is_loopback_host(host, hlen))
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "%s: plain http:// is allowed only for a local test server (127.0.0.1, "
                              "localhost or [::1]); use https://%.*s instead so %s never sent "
                              "unencrypted",
                              k, (int)(strlen(url) - slen > 200 ? 200 : strlen(url) - slen), url + slen,
                              r->protects);

    size_t n = strlen(url);
    while (r->strip_slash && n > slen && url[n - 1] == '/')
        n--;
    char *o = malloc(n + 1);
    if (!o)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    memcpy(o, https ? "https://" : "http://", slen);
    memcpy(o + slen, url + slen, n - slen);
    o[n] = '\0';
    *out = o;
    return AZDO_OK;
}

/*
 * Proxy: scheme://host[:port][/] with scheme http, https, socks4, socks4a,
 * socks5 or socks5h; no user info (proxy credentials would be a secret the
 * out string repeats: use the https_proxy environment variable for them),
 * no path, query or fragment.  The value is returned as given.
 */
static azdo_errkind check_proxy(const char *v, azdo_error *err)
{
    static const char *const schemes[] = {"http://", "https://", "socks4://", "socks4a://",
                                          "socks5://", "socks5h://", NULL};
    const char *hint = "for example Proxy=http://proxy.example.com:3128 or "
                       "Proxy=socks5://127.0.0.1:1080";
    size_t slen = 0;
    for (int i = 0; schemes[i]; i++)
        if (strncasecmp(v, schemes[i], strlen(schemes[i])) == 0) {
            slen = strlen(schemes[i]);
            break;
        }
    const char *auth = v + slen;
    size_t alen = strcspn(auth, "/");
    if (memchr(v, '@', strlen(v)))
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "Proxy must not contain a user name or password (the connection string "
                              "is not a safe place for them); leave Proxy unset and give the proxy, "
                              "credentials included, in the https_proxy environment variable instead");
    if (slen == 0)
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "Proxy: '%.200s' must start with http://, https://, socks4://, socks4a://, "
                              "socks5:// or socks5h://; %s", v, hint);
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '?' || *p == '#')
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "Proxy: '%.200s' is not a proxy URL; %s", v, hint);
    if (auth[alen] == '/' && auth[alen + 1] != '\0')
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "Proxy: '%.200s' must not have a path; %s", v, hint);
    size_t hlen;
    if (alen > 0 && auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (!close || close == auth + 1)
            return azdo_error_set(err, AZDO_ERR_CONFIG, "Proxy: '%.200s' has a bad IPv6 host; %s", v, hint);
        hlen = (size_t)(close - auth) + 1;
        for (size_t i = 1; i + 1 < hlen; i++)
            if (!(isxdigit((unsigned char)auth[i]) || auth[i] == ':' || auth[i] == '.'))
                return azdo_error_set(err, AZDO_ERR_CONFIG, "Proxy: '%.200s' has a bad IPv6 host; %s", v,
                                      hint);
    } else {
        hlen = strcspn(auth, ":/");
        if (hlen > alen)
            hlen = alen;
        for (size_t i = 0; i < hlen; i++)
            if (!valid_host_char(auth[i]))
                return azdo_error_set(err, AZDO_ERR_CONFIG, "Proxy: '%.200s' has a bad host name; %s",
                                      v, hint);
    }
    if (hlen == 0)
        return azdo_error_set(err, AZDO_ERR_CONFIG, "Proxy: '%.200s' has no host name; %s", v, hint);
    const char *rest = auth + hlen;
    if (rest < auth + alen) {
        if (*rest != ':')
            return azdo_error_set(err, AZDO_ERR_CONFIG, "Proxy: '%.200s' is not a proxy URL; %s", v, hint);
        rest++;
        size_t plen = (size_t)(auth + alen - rest);
        long port = 0;
        int ok = plen > 0 && plen <= 5;
        for (size_t i = 0; ok && i < plen; i++) {
            if (!isdigit((unsigned char)rest[i]))
                ok = 0;
            else
                port = port * 10 + (rest[i] - '0');
        }
        if (!ok || port < 1 || port > 65535)
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "Proxy: the port in '%.200s' must be a number from 1 to 65535", v);
    }
    return AZDO_OK;
}

/* A GUID or a domain name: letters, digits, '-' and '.', each label non-empty
 * and not starting or ending with '-'; at most 253 characters. */
static int valid_tenant(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253)
        return 0;
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = s[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || s[i - 1] == '-')
                return 0;
            label = 0;
            continue;
        }
        if (!(isalnum((unsigned char)c) || c == '-'))
            return 0;
        if (label == 0 && c == '-')
            return 0;
        label++;
    }
    return 1;
}

/* A whole number min..max in *out; 0 when s is not one. */
static int parse_whole(const char *s, long min, long max, long *out)
{
    long v = 0;
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || v > max)
            return 0;
        v = v * 10 + (*p - '0');
    }
    if (v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

static azdo_errkind range_error(azdo_error *err, const char *key, const char *v, long min, long max,
                                const char *unit)
{
    return azdo_error_set(err, AZDO_ERR_CONFIG, "%s: '%.40s' is not valid; use a whole number of %s from "
                          "%ld to %ld", key, v, unit, min, max);
}

/* 1/0, true/false, yes/no, on/off in any case; -1 when none of them. */
static int parse_bool(const char *s)
{
    static const char *const yes[] = {"1", "true", "yes", "on", NULL};
    static const char *const no[] = {"0", "false", "no", "off", NULL};
    for (int i = 0; yes[i]; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* RetryStatusCodeList: codes 400..599 separated by commas and/or spaces;
 * duplicates are dropped; "" = retry on no status. */
static azdo_errkind parse_status_list(const char *s, azdo_config *c, azdo_error *err)
{
    int codes[AZDO_MAX_RETRY_STATUSES];
    int n = 0;
    const char *p = s;
    for (;;) {
        while (*p == ',' || is_space(*p))
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ',' && !is_space(*p))
            p++;
        size_t len = (size_t)(p - start);
        char tok[16];
        long v = 0;
        int ok = len < sizeof tok;
        if (ok) {
            memcpy(tok, start, len);
            tok[len] = '\0';
            ok = parse_whole(tok, 400, 599, &v);
        }
        if (!ok)
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "RetryStatusCodeList: '%.*s' is not an HTTP status code from 400 to 599; "
                                  "give a list such as 429,502,503,504 (empty = retry on no status)",
                                  (int)(len > 20 ? 20 : len), start);
        int dup = 0;
        for (int i = 0; i < n; i++)
            dup |= codes[i] == (int)v;
        if (dup)
            continue;
        if (n == AZDO_MAX_RETRY_STATUSES)
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "RetryStatusCodeList: more than %d status codes; give at most %d",
                                  AZDO_MAX_RETRY_STATUSES, AZDO_MAX_RETRY_STATUSES);
        codes[n++] = (int)v;
    }
    memcpy(c->retry_statuses, codes, (size_t)n * sizeof codes[0]);
    c->n_retry_statuses = n;
    return AZDO_OK;
}

static const struct {
    const char *name;
    azdo_auth_scheme scheme;
} auth_schemes[] = {
    {"PAT", AZDO_AUTH_PAT},
    {"Bearer", AZDO_AUTH_BEARER},
    {"EntraClientCredentials", AZDO_AUTH_ENTRA_CLIENT},
    {"OAuthRefresh", AZDO_AUTH_OAUTH_REFRESH},
};

static const char *nonempty(const char *s)
{
    return (s && *s) ? s : NULL;
}

/* Copies an optional value into *dst (NULL stays NULL); -1 when memory runs out. */
static int dup_opt(const char *v, char **dst)
{
    if (!v)
        return 0;
    *dst = strdup(v);
    return *dst ? 0 : -1;
}

/*
 * The keys each scheme needs (AZDO_ERR_AUTH naming the missing ones and the
 * scheme).  Values the scheme does not use are kept but ignored.
 */
static azdo_errkind check_scheme_keys(const azdo_config *c, azdo_error *err)
{
    const char *scheme = azdo_auth_scheme_name(c->auth_scheme);
    const char *miss[3];
    int n = 0;
    switch (c->auth_scheme) {
    case AZDO_AUTH_PAT:
        if (!c->pat)
            return azdo_error_set(err, AZDO_ERR_AUTH,
                                  "No personal access token: set PWD in the connection string or the DSN "
                                  "(AuthScheme=PAT needs PWD or PAT)");
        return AZDO_OK;
    case AZDO_AUTH_BEARER:
        if (!c->access_token)
            return azdo_error_set(err, AZDO_ERR_AUTH,
                                  "No access token: AuthScheme=Bearer needs AccessToken; set it in the "
                                  "connection string or the DSN");
        return AZDO_OK;
    case AZDO_AUTH_ENTRA_CLIENT:
        if (!c->client_id)
            miss[n++] = "ClientId";
        if (!c->client_secret)
            miss[n++] = "ClientSecret";
        if (!c->tenant_id && !c->token_url)
            miss[n++] = "TenantId";
        break;
    case AZDO_AUTH_OAUTH_REFRESH:
        if (!c->client_id)
            miss[n++] = "ClientId";
        if (!c->refresh_token && !c->token_file)
            miss[n++] = "RefreshToken (or TokenFile holding one)";
        break;
    }
    if (n == 0)
        return AZDO_OK;
    const char *need = c->auth_scheme == AZDO_AUTH_ENTRA_CLIENT
                           ? "ClientId, ClientSecret and TenantId (TenantId may be left out when "
                             "TokenUrl is set)"
                           : "ClientId and RefreshToken or TokenFile (ClientSecret, RedirectUri and "
                             "TokenUrl as the token endpoint requires)";
    return azdo_error_set(err, AZDO_ERR_AUTH,
                          "AuthScheme=%s needs %s; missing: %s%s%s%s%s; set %s in the connection string "
                          "or the DSN",
                          scheme, need, miss[0], n > 1 ? ", " : "", n > 1 ? miss[1] : "",
                          n > 2 ? ", " : "", n > 2 ? miss[2] : "", n > 1 ? "them" : "it");
}

azdo_errkind cs_to_config(const cs_map *m, azdo_config *cfg, azdo_error *err)
{
    azdo_config c;
    azdo_errkind k = AZDO_OK;
    const char *url = nonempty(cs_get(m, "Url"));
    const char *org = nonempty(cs_get(m, "Organization"));
    const char *project = nonempty(cs_get(m, "Project"));
    const char *pwd = nonempty(cs_get(m, "PWD"));
    const char *pat = nonempty(cs_get(m, "PAT"));
    const char *api = nonempty(cs_get(m, "ApiVersion"));
    const char *timeout = nonempty(cs_get(m, "Timeout"));
    const char *scheme = nonempty(cs_get(m, "AuthScheme"));
    const char *tenant = nonempty(cs_get(m, "TenantId"));
    const char *token_url = nonempty(cs_get(m, "TokenUrl"));
    const char *retry_count = nonempty(cs_get(m, "RetryCountMax"));
    const char *retry_list = cs_get(m, "RetryStatusCodeList"); /* "" = none */
    const char *retry_mult = nonempty(cs_get(m, "RetryMultiplyWaitTime"));
    const char *retry_wait = nonempty(cs_get(m, "RetryMaxWaitSeconds"));
    const char *proxy = nonempty(cs_get(m, "Proxy"));
    const char *trace_level = nonempty(cs_get(m, "TraceLevel"));
    const char *delete_mode = nonempty(cs_get(m, "DeleteMode"));
    const char *max_conc = nonempty(cs_get(m, "MaxConcurrency"));
    static const char *const write_bools[] = {"ValidateOnly", "BypassRules", "SuppressNotifications"};
    long v;

    azdo_config_defaults(&c);

    /* a value unixODBC cut off must not be used as if whole (half a token) */
    for (size_t i = 0; i < m->n; i++) {
        const cs_pair *p = &m->items[i];
        if (!(p->flags & CS_CUT))
            continue;
        const char *dsn = cs_get(m, "DSN");
        k = azdo_error_set(err, AZDO_ERR_CONFIG,
                           "%s in DSN '%.100s' is too long for odbc.ini: unixODBC reads at most 999 "
                           "characters per line and cut the value off (%zu characters were read); %s",
                           p->key, dsn ? dsn : "", strlen(p->value),
                           strcasecmp(p->key, "RefreshToken") == 0
                               ? "keep the refresh token in the file named by TokenFile instead, or pass "
                                 "it in the connection string"
                               : "pass it in the connection string instead");
        goto fail;
    }

    if (url) {
        k = check_url(&url_key_rules, url, &c.base_url, err);
        if (k != AZDO_OK)
            goto fail;
    } else if (org) {
        if (!valid_org(org)) {
            k = azdo_error_set(err, AZDO_ERR_CONFIG,
                               "Organization: '%.100s' is not a valid organization name (letters, digits "
                               "and '-' only, e.g. Organization=fabrikam); to give a full URL set Url instead",
                               org);
            goto fail;
        }
        size_t n = strlen("https://dev.azure.com/") + strlen(org) + 1;
        c.base_url = malloc(n);
        if (!c.base_url)
            goto nomem;
        snprintf(c.base_url, n, "https://dev.azure.com/%s", org);
    } else {
        k = azdo_error_set(err, AZDO_ERR_CONFIG,
                           "No Azure DevOps organization given: set Organization (e.g. Organization=fabrikam) "
                           "or Url (e.g. Url=https://server/tfs/DefaultCollection) in the connection "
                           "string or the DSN");
        goto fail;
    }

    if (api && !valid_api_version(api)) {
        k = azdo_error_set(err, AZDO_ERR_CONFIG,
                           "ApiVersion: '%.40s' is not a valid REST API version; use a value like 7.1 or "
                           "7.1-preview.4",
                           api);
        goto fail;
    }
    c.api_version = strdup(api ? api : DEFAULT_API_VERSION);
    if (!c.api_version)
        goto nomem;

    c.timeout_s = DEFAULT_TIMEOUT_S;
    if (timeout) {
        if (!parse_whole(timeout, 0, MAX_TIMEOUT_S, &v)) {
            k = azdo_error_set(err, AZDO_ERR_CONFIG,
                               "Timeout: '%.40s' is not a valid number of seconds; use a whole number from "
                               "0 (no timeout) to %ld",
                               timeout, MAX_TIMEOUT_S);
            goto fail;
        }
        c.timeout_s = v;
    }

    if (project && dup_opt(project, &c.project) != 0)
        goto nomem;

    /* ---- authentication ---- */
    if (scheme) {
        size_t i, n = sizeof auth_schemes / sizeof auth_schemes[0];
        for (i = 0; i < n; i++)
            if (strcasecmp(scheme, auth_schemes[i].name) == 0)
                break;
        if (i == n) {
            k = azdo_error_set(err, AZDO_ERR_CONFIG,
                               "AuthScheme: '%.40s' is not an authentication scheme; use PAT (the default), "
                               "Bearer, EntraClientCredentials or OAuthRefresh",
                               scheme);
            goto fail;
        }
        c.auth_scheme = auth_schemes[i].scheme;
    }
    if (tenant && !valid_tenant(tenant)) {
        k = azdo_error_set(err, AZDO_ERR_CONFIG,
                           "TenantId: '%.100s' is neither a tenant GUID nor a domain name (letters, digits, "
                           "'-' and '.'); for example TenantId=contoso.onmicrosoft.com or "
                           "TenantId=72f988bf-86f1-41af-91ab-2d7cd011db47",
                           tenant);
        goto fail;
    }
    if (token_url) {
        k = check_url(&token_url_rules, token_url, &c.token_url, err);
        if (k != AZDO_OK)
            goto fail;
    }
    if (!pwd)
        pwd = pat;
    if (dup_opt(pwd, &c.pat) != 0 || dup_opt(nonempty(cs_get(m, "AccessToken")), &c.access_token) != 0 ||
        dup_opt(tenant, &c.tenant_id) != 0 || dup_opt(nonempty(cs_get(m, "ClientId")), &c.client_id) != 0 ||
        dup_opt(nonempty(cs_get(m, "ClientSecret")), &c.client_secret) != 0 ||
        dup_opt(nonempty(cs_get(m, "RefreshToken")), &c.refresh_token) != 0 ||
        dup_opt(nonempty(cs_get(m, "RedirectUri")), &c.redirect_uri) != 0 ||
        dup_opt(nonempty(cs_get(m, "TokenFile")), &c.token_file) != 0)
        goto nomem;

    /* sent verbatim in a header: a line break would split it (RFC 6750 b64token
     * has no spaces either).  Never quoted: it is a secret. */
    for (const char *p = c.access_token; p && *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f) {
            k = azdo_error_set(err, AZDO_ERR_CONFIG,
                               "AccessToken contains a space or a control character (a line break copied "
                               "with the token?); give the token alone");
            goto fail;
        }

    /* ---- retry ---- */
    if (retry_count) {
        if (!parse_whole(retry_count, 0, MAX_RETRY_COUNT, &v)) {
            k = range_error(err, "RetryCountMax", retry_count, 0, MAX_RETRY_COUNT, "retries");
            goto fail;
        }
        c.retry_count_max = (int)v;
    }
    if (retry_list) {
        k = parse_status_list(retry_list, &c, err);
        if (k != AZDO_OK)
            goto fail;
    }
    if (retry_mult) {
        int b = parse_bool(retry_mult);
        if (b < 0) {
            k = azdo_error_set(err, AZDO_ERR_CONFIG,
                               "RetryMultiplyWaitTime: '%.40s' is not valid; use 1 or 0 (also true/false, "
                               "yes/no, on/off)",
                               retry_mult);
            goto fail;
        }
        c.retry_multiply_wait = b;
    }
    if (retry_wait) {
        if (!parse_whole(retry_wait, 0, MAX_TIMEOUT_S, &v)) {
            k = range_error(err, "RetryMaxWaitSeconds", retry_wait, 0, MAX_TIMEOUT_S, "seconds");
            goto fail;
        }
        c.retry_max_wait_s = v;
    }

    /* ---- network and tracing ---- */
    if (proxy) {
        k = check_proxy(proxy, err);
        if (k != AZDO_OK)
            goto fail;
    }
    if (dup_opt(proxy, &c.proxy) != 0 || dup_opt(nonempty(cs_get(m, "CAFile")), &c.ca_file) != 0 ||
        dup_opt(nonempty(cs_get(m, "TraceFile")), &c.trace_file) != 0)
        goto nomem;
    c.trace_level = c.trace_file ? 1 : 0;
    if (trace_level) {
        if (!parse_whole(trace_level, 0, MAX_TRACE_LEVEL, &v)) {
            k = azdo_error_set(err, AZDO_ERR_CONFIG,
                               "TraceLevel: '%.40s' is not valid; use 0 (off), 1 (one line per request) or "
                               "2 (also the response headers that matter)",
                               trace_level);
            goto fail;
        }
        c.trace_level = (int)v;
    }

    /* ---- writing work items ---- */
    if (dup_opt(nonempty(cs_get(m, "DefaultWorkItemType")), &c.default_work_item_type) != 0)
        goto nomem;
    /* the Tasks view: checked by the SQL layer at connect (sql/tasks.c) */
    if (dup_opt(nonempty(cs_get(m, "TypeMap")), &c.type_map) != 0 ||
        dup_opt(nonempty(cs_get(m, "StateMap")), &c.state_map) != 0 ||
        dup_opt(nonempty(cs_get(m, "LinkIdField")), &c.link_id_field) != 0)
        goto nomem;
    if (delete_mode) {
        if (strcasecmp(delete_mode, "Recycle") == 0) {
            c.delete_destroy = 0;
        } else if (strcasecmp(delete_mode, "Destroy") == 0) {
            c.delete_destroy = 1;
        } else {
            k = azdo_error_set(err, AZDO_ERR_CONFIG,
                               "DeleteMode: '%.40s' is not valid; use Recycle (the default: deleted work "
                               "items go to the recycle bin) or Destroy (deleted permanently)",
                               delete_mode);
            goto fail;
        }
    }
    for (size_t i = 0; i < sizeof write_bools / sizeof write_bools[0]; i++) {
        const char *val = nonempty(cs_get(m, write_bools[i]));
        if (!val)
            continue;
        int b = parse_bool(val);
        if (b < 0) {
            k = azdo_error_set(err, AZDO_ERR_CONFIG,
                               "%s: '%.40s' is not valid; use 1 or 0 (also true/false, yes/no, on/off)",
                               write_bools[i], val);
            goto fail;
        }
        if (i == 0)
            c.validate_only = b;
        else if (i == 1)
            c.bypass_rules = b;
        else
            c.suppress_notifications = b;
    }
    if (max_conc) {
        if (!parse_whole(max_conc, 1, MAX_CONCURRENCY, &v)) {
            k = range_error(err, "MaxConcurrency", max_conc, 1, MAX_CONCURRENCY, "requests");
            goto fail;
        }
        c.max_concurrency = (int)v;
    }
    /* a driver-side setting (not in azdo_config): only checked here; connect.c
     * reads it with cs_array_partial_failure */
    {
        int apf;
        k = cs_array_partial_failure(m, &apf, err);
        if (k != AZDO_OK)
            goto fail;
    }

    /* last: the credentials the scheme needs */
    k = check_scheme_keys(&c, err);
    if (k != AZDO_OK)
        goto fail;

    *cfg = c;
    return AZDO_OK;

nomem:
    k = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory while reading the connection settings");
fail:
    azdo_config_clear(&c);
    return k;
}

azdo_errkind cs_array_partial_failure(const cs_map *m, int *error_mode, azdo_error *err)
{
    const char *v = nonempty(cs_get(m, "ArrayPartialFailure"));
    *error_mode = 0;
    if (!v || strcasecmp(v, "Info") == 0)
        return AZDO_OK;
    if (strcasecmp(v, "Error") == 0) {
        *error_mode = 1;
        return AZDO_OK;
    }
    return azdo_error_set(err, AZDO_ERR_CONFIG,
                          "ArrayPartialFailure: '%.40s' is not valid; use Info (the default: a parameter array "
                          "in which some rows failed returns SQL_SUCCESS_WITH_INFO) or Error (it returns "
                          "SQL_ERROR; the other rows are still written)",
                          v);
}

/* ---- out connection string --------------------------------------------- */

static int ignored_key(const char *k)
{
    static const char *const ign[] = {"DSN", "DRIVER", "UID", "FILEDSN", "SAVEFILE", NULL};
    for (int i = 0; ign[i]; i++)
        if (strcasecmp(k, ign[i]) == 0)
            return 1;
    return strncasecmp(k, "DM", 2) == 0;
}

static int config_key(const char *k)
{
    for (int i = 0; cs_dsn_keys[i]; i++)
        if (strcasecmp(k, cs_dsn_keys[i]) == 0)
            return 1;
    return 0;
}

static void add_pair(strbuf *b, const char *key, const char *val)
{
    size_t n = strlen(val);
    int brace = n == 0 ? 0 : (is_space(val[0]) || is_space(val[n - 1]) || val[0] == '{');
    for (size_t i = 0; i < n && !brace; i++)
        if (val[i] == ';' || val[i] == '}')
            brace = 1;
    strbuf_append(b, key);
    strbuf_append(b, "=");
    if (!brace) {
        strbuf_append_n(b, val, n);
    } else {
        strbuf_append(b, "{");
        for (size_t i = 0; i < n; i++)
            strbuf_append_n(b, val[i] == '}' ? "}}" : val + i, 1 + (val[i] == '}'));
        strbuf_append(b, "}");
    }
    strbuf_append(b, ";");
}

/* The application itself supplied a non-empty value for key (not the DSN). */
static int app_gave(const cs_map *m, const char *key)
{
    const cs_pair *p = cs_find(m, key);
    return p && !(p->flags & CS_FROM_DSN) && p->value[0];
}

/* The key is set, by the application or the DSN (present, even if empty). */
static int key_set(const cs_map *m, const char *key)
{
    return cs_find(m, key) != NULL;
}

char *cs_out_string(const cs_map *m, const azdo_config *cfg)
{
    strbuf b;
    strbuf_init(&b);
    const char *dsn = nonempty(cs_get(m, "DSN"));
    const char *drv = nonempty(cs_get(m, "DRIVER"));
    const cs_pair *uid = cs_find(m, "UID");
    char t[32];

    if (dsn)
        add_pair(&b, "DSN", dsn);
    else if (drv)
        add_pair(&b, "DRIVER", drv);
    if (uid && !(uid->flags & CS_FROM_DSN) && uid->value[0])
        add_pair(&b, "UID", uid->value);

    if (nonempty(cs_get(m, "Url")))
        add_pair(&b, "Url", cfg->base_url);
    else {
        const char *org = cs_get(m, "Organization");
        if (org)
            add_pair(&b, "Organization", org);
    }
    if (cfg->project && *cfg->project)
        add_pair(&b, "Project", cfg->project);

    /* authentication: secrets only when the application itself supplied them */
    if (nonempty(cs_get(m, "AuthScheme")) || cfg->auth_scheme != AZDO_AUTH_PAT)
        add_pair(&b, "AuthScheme", azdo_auth_scheme_name(cfg->auth_scheme));
    if ((app_gave(m, "PWD") || app_gave(m, "PAT")) && cfg->pat)
        add_pair(&b, "PWD", cfg->pat);
    if (app_gave(m, "AccessToken") && cfg->access_token)
        add_pair(&b, "AccessToken", cfg->access_token);
    if (cfg->tenant_id)
        add_pair(&b, "TenantId", cfg->tenant_id);
    if (cfg->client_id)
        add_pair(&b, "ClientId", cfg->client_id);
    if (app_gave(m, "ClientSecret") && cfg->client_secret)
        add_pair(&b, "ClientSecret", cfg->client_secret);
    if (app_gave(m, "RefreshToken") && cfg->refresh_token)
        add_pair(&b, "RefreshToken", cfg->refresh_token);
    if (cfg->redirect_uri)
        add_pair(&b, "RedirectUri", cfg->redirect_uri);
    if (cfg->token_url)
        add_pair(&b, "TokenUrl", cfg->token_url);
    if (cfg->token_file)
        add_pair(&b, "TokenFile", cfg->token_file);

    add_pair(&b, "ApiVersion", cfg->api_version ? cfg->api_version : DEFAULT_API_VERSION);
    snprintf(t, sizeof t, "%ld", cfg->timeout_s);
    add_pair(&b, "Timeout", t);

    /* retry keys: when set, in their normalized form */
    if (nonempty(cs_get(m, "RetryCountMax"))) {
        snprintf(t, sizeof t, "%d", cfg->retry_count_max);
        add_pair(&b, "RetryCountMax", t);
    }
    if (key_set(m, "RetryStatusCodeList")) {
        strbuf l;
        strbuf_init(&l);
        for (int i = 0; i < cfg->n_retry_statuses; i++)
            strbuf_printf(&l, "%s%d", i ? "," : "", cfg->retry_statuses[i]);
        add_pair(&b, "RetryStatusCodeList", strbuf_str(&l));
        if (strbuf_failed(&l))
            b.failed = 1;
        strbuf_free(&l);
    }
    if (nonempty(cs_get(m, "RetryMultiplyWaitTime")))
        add_pair(&b, "RetryMultiplyWaitTime", cfg->retry_multiply_wait ? "1" : "0");
    if (nonempty(cs_get(m, "RetryMaxWaitSeconds"))) {
        snprintf(t, sizeof t, "%ld", cfg->retry_max_wait_s);
        add_pair(&b, "RetryMaxWaitSeconds", t);
    }

    if (cfg->ca_file)
        add_pair(&b, "CAFile", cfg->ca_file);
    if (cfg->proxy)
        add_pair(&b, "Proxy", cfg->proxy);
    if (cfg->trace_file)
        add_pair(&b, "TraceFile", cfg->trace_file);
    if (nonempty(cs_get(m, "TraceLevel"))) {
        snprintf(t, sizeof t, "%d", cfg->trace_level);
        add_pair(&b, "TraceLevel", t);
    }

    /* writing: when set, normalized */
    if (cfg->default_work_item_type)
        add_pair(&b, "DefaultWorkItemType", cfg->default_work_item_type);
    if (cfg->type_map)
        add_pair(&b, "TypeMap", cfg->type_map);
    if (cfg->state_map)
        add_pair(&b, "StateMap", cfg->state_map);
    if (cfg->link_id_field)
        add_pair(&b, "LinkIdField", cfg->link_id_field);
    if (nonempty(cs_get(m, "DeleteMode")))
        add_pair(&b, "DeleteMode", cfg->delete_destroy ? "Destroy" : "Recycle");
    if (nonempty(cs_get(m, "ValidateOnly")))
        add_pair(&b, "ValidateOnly", cfg->validate_only ? "1" : "0");
    if (nonempty(cs_get(m, "BypassRules")))
        add_pair(&b, "BypassRules", cfg->bypass_rules ? "1" : "0");
    if (nonempty(cs_get(m, "SuppressNotifications")))
        add_pair(&b, "SuppressNotifications", cfg->suppress_notifications ? "1" : "0");
    if (nonempty(cs_get(m, "MaxConcurrency"))) {
        snprintf(t, sizeof t, "%d", cfg->max_concurrency);
        add_pair(&b, "MaxConcurrency", t);
    }
    if (nonempty(cs_get(m, "ArrayPartialFailure"))) {
        int apf = 0;
        azdo_error e;
        if (cs_array_partial_failure(m, &apf, &e) == AZDO_OK)
            add_pair(&b, "ArrayPartialFailure", apf ? "Error" : "Info");
    }

    for (size_t i = 0; i < m->n; i++) {
        const cs_pair *p = &m->items[i];
        if ((p->flags & CS_FROM_DSN) || ignored_key(p->key) || config_key(p->key))
            continue;
        add_pair(&b, p->key, p->value);
    }
    return strbuf_steal(&b);
}
