/*
 * connstr.c — connection-string parsing, DSN merge and azdo_config building.
 * The rules are listed in connstr.h; this file implements them and nothing
 * else (no odbc.ini access, no handles), so test_connstr.c covers it fully.
 *
 * Secrets: any value may be the PAT, so values are wiped before they are
 * freed and no error message quotes a value except Url, Organization,
 * ApiVersion and Timeout values, which are not secret (a Url carrying user
 * info is rejected without being quoted).
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

const char *const cs_dsn_keys[] = {
    "Organization", "Url", "Project", "PWD", "PAT", "ApiVersion", "Timeout", NULL,
};

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

static int is_secret_key(const char *k)
{
    return strcasecmp(k, "PWD") == 0 || strcasecmp(k, "PAT") == 0;
}

cs_status cs_merge_dsn(cs_map *m, const cs_map *dsn)
{
    /* PWD and PAT are one setting: a token the application gave under either
     * name beats the DSN's under either name. */
    const char *app_pwd = cs_get(m, "PWD"), *app_pat = cs_get(m, "PAT");
    int app_secret = (app_pwd && *app_pwd) || (app_pat && *app_pat);

    for (size_t i = 0; i < dsn->n; i++) {
        const cs_pair *d = &dsn->items[i];
        if (app_secret && is_secret_key(d->key))
            continue;
        size_t j = find_index(m, d->key, strlen(d->key));
        if (j != (size_t)-1) {
            cs_pair *p = &m->items[j];
            /* an empty PWD/PAT from the application means "use the DSN's" */
            if (!(is_secret_key(p->key) && p->value[0] == '\0' && d->value[0] != '\0'))
                continue;
            char *v = dupn(d->value, strlen(d->value));
            if (!v)
                return CS_ENOMEM;
            azdo_secret_free(p->value);
            p->value = v;
            p->flags |= CS_FROM_DSN;
            continue;
        }
        cs_status st = cs_add(m, d->key, strlen(d->key), d->value, strlen(d->value), CS_FROM_DSN);
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

/*
 * Validates a Url value and returns the normalized base URL (scheme lower
 * case, trailing '/' removed) in *out (malloc'd).  On error sets err.
 */
static azdo_errkind check_url(const char *url, char **out, azdo_error *err)
{
    size_t slen;
    int https;
    const char *p;

    if (strncasecmp(url, "https://", 8) == 0) {
        https = 1;
        slen = 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        https = 0;
        slen = 7;
    } else {
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "Url: '%.200s' must start with https:// (http:// is accepted only for a "
                              "local test server); for example Url=https://dev.azure.com/fabrikam",
                              strchr(url, '@') ? "(hidden: it contains '@')" : url);
    }
    for (p = url; *p; p++) {
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "Url must not contain spaces or control characters");
        if (*p == '?' || *p == '#')
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "Url must not contain a query string or fragment ('?' or '#'); give the "
                                  "organization or collection URL only");
    }
    const char *auth = url + slen;
    size_t alen = strcspn(auth, "/");
    if (memchr(auth, '@', alen))
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "Url must not contain a user name or password; put the personal access "
                              "token in PWD");
    /* host [':' port] where host may be a bracketed IPv6 literal */
    const char *host = auth;
    size_t hlen;
    const char *rest;
    if (alen > 0 && auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (!close)
            return azdo_error_set(err, AZDO_ERR_CONFIG, "Url: unterminated '[' in the host part");
        hlen = (size_t)(close - auth) + 1;
        for (size_t i = 1; i + 1 < hlen; i++)
            if (!(isxdigit((unsigned char)auth[i]) || auth[i] == ':' || auth[i] == '.'))
                return azdo_error_set(err, AZDO_ERR_CONFIG, "Url: '%.*s' is not a valid IPv6 host",
                                      (int)hlen, auth);
    } else {
        hlen = strcspn(auth, ":/");
        if (hlen > alen)
            hlen = alen;
        for (size_t i = 0; i < hlen; i++)
            if (!valid_host_char(auth[i]))
                return azdo_error_set(err, AZDO_ERR_CONFIG, "Url: '%.*s' is not a valid host name",
                                      (int)hlen, auth);
    }
    if (hlen == 0 || (hlen == 2 && auth[0] == '['))
        return azdo_error_set(err, AZDO_ERR_CONFIG, "Url: '%.200s' has no host name", url);
    rest = auth + hlen;
    if (rest < auth + alen) {
        if (*rest != ':')
            return azdo_error_set(err, AZDO_ERR_CONFIG, "Url: unexpected text after the host in '%.200s'", url);
        rest++;
        size_t plen = (size_t)(auth + alen - rest);
        long port = 0;
        if (plen == 0 || plen > 5)
            return azdo_error_set(err, AZDO_ERR_CONFIG, "Url: the port in '%.200s' must be a number from 1 to 65535", url);
        for (size_t i = 0; i < plen; i++) {
            if (!isdigit((unsigned char)rest[i]))
                return azdo_error_set(err, AZDO_ERR_CONFIG,
                                      "Url: the port in '%.200s' must be a number from 1 to 65535", url);
            port = port * 10 + (rest[i] - '0');
        }
        if (port < 1 || port > 65535)
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "Url: the port in '%.200s' must be a number from 1 to 65535", url);
    }
    if (!https && !is_loopback_host(host, hlen))
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "Url: plain http:// is allowed only for a local test server (127.0.0.1, "
                              "localhost or [::1]); use https://%.*s instead so the personal access "
                              "token is never sent unencrypted",
                              (int)(strlen(url) - slen > 200 ? 200 : strlen(url) - slen), url + slen);

    size_t n = strlen(url);
    while (n > slen && url[n - 1] == '/')
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

static const char *nonempty(const char *s)
{
    return (s && *s) ? s : NULL;
}

azdo_errkind cs_to_config(const cs_map *m, azdo_config *cfg, azdo_error *err)
{
    azdo_config c = {0};
    azdo_errkind k = AZDO_OK;
    const char *url = nonempty(cs_get(m, "Url"));
    const char *org = nonempty(cs_get(m, "Organization"));
    const char *project = nonempty(cs_get(m, "Project"));
    const char *pwd = nonempty(cs_get(m, "PWD"));
    const char *pat = nonempty(cs_get(m, "PAT"));
    const char *api = nonempty(cs_get(m, "ApiVersion"));
    const char *timeout = nonempty(cs_get(m, "Timeout"));

    if (url) {
        k = check_url(url, &c.base_url, err);
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
        long v = 0;
        const char *p = timeout;
        int ok = 1;
        for (; *p; p++) {
            if (!isdigit((unsigned char)*p) || v > MAX_TIMEOUT_S) {
                ok = 0;
                break;
            }
            v = v * 10 + (*p - '0');
        }
        if (!ok || v > MAX_TIMEOUT_S) {
            k = azdo_error_set(err, AZDO_ERR_CONFIG,
                               "Timeout: '%.40s' is not a valid number of seconds; use a whole number from "
                               "0 (no timeout) to %ld",
                               timeout, MAX_TIMEOUT_S);
            goto fail;
        }
        c.timeout_s = v;
    }

    if (project) {
        c.project = strdup(project);
        if (!c.project)
            goto nomem;
    }

    if (!pwd)
        pwd = pat;
    if (!pwd) {
        k = azdo_error_set(err, AZDO_ERR_AUTH,
                           "No personal access token: set PWD in the connection string or the DSN");
        goto fail;
    }
    c.pat = strdup(pwd);
    if (!c.pat)
        goto nomem;

    *cfg = c;
    return AZDO_OK;

nomem:
    k = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory while reading the connection settings");
fail:
    azdo_config_clear(&c);
    return k;
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

char *cs_out_string(const cs_map *m, const azdo_config *cfg)
{
    strbuf b;
    strbuf_init(&b);
    const char *dsn = nonempty(cs_get(m, "DSN"));
    const char *drv = nonempty(cs_get(m, "DRIVER"));
    const cs_pair *uid = cs_find(m, "UID");

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

    /* the PAT is repeated only when the application itself supplied it */
    const cs_pair *pwd = cs_find(m, "PWD");
    const cs_pair *pat = cs_find(m, "PAT");
    int app_pwd = (pwd && !(pwd->flags & CS_FROM_DSN) && pwd->value[0]) ||
                  (pat && !(pat->flags & CS_FROM_DSN) && pat->value[0]);
    if (app_pwd && cfg->pat)
        add_pair(&b, "PWD", cfg->pat);

    add_pair(&b, "ApiVersion", cfg->api_version ? cfg->api_version : DEFAULT_API_VERSION);
    char t[32];
    snprintf(t, sizeof t, "%ld", cfg->timeout_s);
    add_pair(&b, "Timeout", t);

    for (size_t i = 0; i < m->n; i++) {
        const cs_pair *p = &m->items[i];
        if ((p->flags & CS_FROM_DSN) || ignored_key(p->key) || config_key(p->key))
            continue;
        add_pair(&b, p->key, p->value);
    }
    return strbuf_steal(&b);
}
