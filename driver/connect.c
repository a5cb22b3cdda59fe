/*
 * connect.c — SQLConnect, SQLDriverConnect, SQLDisconnect.
 *
 * The DM hands SQLDriverConnect the application's ORIGINAL connection string
 * and does not merge odbc.ini (odbc-clients.md §3.3), so the driver reads
 * the DSN's keys itself with SQLGetPrivateProfileString and lets the
 * connection string win (connstr.h has the full rules).  unixODBC 2.3.11
 * looks keys up case-insensitively, but older builds and other DMs may not,
 * so we enumerate the section's key names and match them ourselves.
 *
 * Secrets (PAT, AccessToken, ClientSecret, RefreshToken) live in the
 * cs_map, the azdo_config and the out string only; all three are wiped
 * before they are freed, and no diagnostic quotes a value from which one
 * could leak.
 *
 * unixODBC cuts every odbc.ini line at 1000 bytes without a word, which is
 * shorter than most Entra access tokens: a DSN value that reaches the limit
 * is marked CS_CUT and refused, if used, with a message saying so.
 */
#include <errno.h>
#include <fcntl.h>
#include <odbcinst.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connstr.h"
#include "../rest/secret.h"
#include "driver.h"

#define INI_VALUE_MAX 8192
#define INI_KEYS_MAX 16384
/* unixODBC reads odbc.ini lines into INI_MAX_LINE (1000) bytes and silently
 * drops the rest: a "key=value" line that long was almost certainly cut. */
#define INI_LINE_LIMIT 999

static void wipe(char *p, size_t n)
{
    volatile char *v = p;
    for (size_t i = 0; i < n; i++)
        v[i] = 0;
}

/*
 * One DSN value into out.  A value whose "key=value" line reaches unixODBC's
 * line limit was cut off by the driver manager: it is marked CS_CUT, and
 * cs_to_config refuses it if it is used (rather than send half a token).
 */
static cs_status add_dsn_value(cs_map *out, const char *key, const char *val)
{
    size_t vn = strlen(val);
    unsigned flags = CS_FROM_DSN;
    if (strlen(key) + 1 + vn >= INI_LINE_LIMIT - 2) /* "key = value" counts too */
        flags |= CS_CUT;
    return cs_add(out, key, strlen(key), val, vn, flags);
}

/* Reads the driver's keys of DSN `dsn` from odbc.ini (user, then system file). */
static cs_status read_dsn(const char *dsn, cs_map *out)
{
    cs_status st = CS_OK;
    char *keys = malloc(INI_KEYS_MAX);
    char *val = malloc(INI_VALUE_MAX);
    if (!keys || !val) {
        st = CS_ENOMEM;
        goto done;
    }
    int n = SQLGetPrivateProfileString(dsn, NULL, "", keys, INI_KEYS_MAX, "odbc.ini");
    if (n > 0) {
        /* NUL-separated key names; match them to ours without regard to case */
        for (const char *k = keys; k < keys + n && *k; k += strlen(k) + 1) {
            for (int i = 0; cs_dsn_keys[i]; i++) {
                if (strcasecmp(k, cs_dsn_keys[i]) != 0)
                    continue;
                int vn = SQLGetPrivateProfileString(dsn, k, "", val, INI_VALUE_MAX, "odbc.ini");
                /* the key is there: an empty value is kept as empty (which means
                 * "not set" for most keys, but "no status" for RetryStatusCodeList) */
                if (vn == 0)
                    val[0] = '\0';
                if (vn >= 0)
                    st = add_dsn_value(out, cs_dsn_keys[i], val);
                wipe(val, INI_VALUE_MAX);
                if (st != CS_OK)
                    goto done;
            }
        }
    } else {
        /* no key list: ask for each key by its documented spelling */
        for (int i = 0; cs_dsn_keys[i]; i++) {
            int vn = SQLGetPrivateProfileString(dsn, cs_dsn_keys[i], "", val, INI_VALUE_MAX, "odbc.ini");
            if (vn > 0)
                st = add_dsn_value(out, cs_dsn_keys[i], val);
            wipe(val, INI_VALUE_MAX);
            if (st != CS_OK)
                goto done;
        }
    }
done:
    if (val) {
        wipe(val, INI_VALUE_MAX);
        free(val);
    }
    free(keys);
    return st;
}

/*
 * CAFile must name a readable regular file: checked here, before any
 * request, so the user reads "cannot read CAFile" rather than a TLS error.
 */
static azdo_errkind check_ca_file(const char *path, azdo_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "CAFile: cannot read '%.300s': %s; give the path of a PEM file holding the "
                              "certificates of your private certificate authority",
                              path, strerror(errno));
    struct stat st;
    int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    if (!ok)
        return azdo_error_set(err, AZDO_ERR_CONFIG,
                              "CAFile: '%.300s' is not a regular file; give the path of a PEM file holding "
                              "the certificates of your private certificate authority",
                              path);
    return AZDO_OK;
}

/* host[:port] of a base URL (malloc'd). */
static char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/");
    return strndup(p, n);
}

/* The last path segment of a base URL (organization or collection), else the host. */
static char *url_last_segment(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *slash = strrchr(p, '/');
    return slash ? strdup(slash + 1) : url_host(url);
}

static void free_identity(drv_dbc *c)
{
    free(c->dsn);
    free(c->base_url);
    free(c->server);
    free(c->database);
    free(c->api_version);
    c->dsn = c->base_url = c->server = c->database = c->api_version = NULL;
}

/*
 * Connects with the merged keys in m.  When out is non-NULL, writes the out
 * connection string there (SQLDriverConnect).
 */
static SQLRETURN connect_with_map(drv_dbc *c, cs_map *m, const drv_strout *out, SQLLEN *outlen)
{
    SQLRETURN rc = SQL_SUCCESS;
    azdo_config cfg;
    azdo_error err;
    azdo_session *sess = NULL;
    char *outstr = NULL;
    int array_partial_error = 0;

    azdo_config_defaults(&cfg);
    azdo_error_clear(&err);
    const char *dsn = cs_get(m, "DSN");
    if (dsn && *dsn) {
        cs_map dm;
        cs_map_init(&dm);
        cs_status st = read_dsn(dsn, &dm);
        if (st == CS_OK)
            st = cs_merge_dsn(m, &dm);
        cs_map_clear(&dm);
        if (st != CS_OK) {
            rc = diag_nomem(&c->h.diag);
            goto done;
        }
    }

    if (cs_to_config(m, &cfg, &err) != AZDO_OK) {
        rc = diag_azdo(&c->h.diag, &err, DIAG_CTX_CONNECT);
        goto done;
    }
    if (cs_array_partial_failure(m, &array_partial_error, &err) != AZDO_OK) { /* cs_to_config checked it */
        rc = diag_azdo(&c->h.diag, &err, DIAG_CTX_CONNECT);
        goto done;
    }
    /* SQL_ATTR_LOGIN_TIMEOUT, set before connecting, bounds the whole connect */
    cfg.login_timeout_s = (long)c->login_timeout;
    if (cfg.ca_file && check_ca_file(cfg.ca_file, &err) != AZDO_OK) {
        rc = diag_azdo(&c->h.diag, &err, DIAG_CTX_CONNECT);
        goto done;
    }
    if (azdo_session_open(&cfg, NULL, &sess, &err) != AZDO_OK) {
        sess = NULL;
        rc = diag_azdo(&c->h.diag, &err, DIAG_CTX_CONNECT);
        goto done;
    }
    if (drv_register_sql_functions(azdo_session_db(sess)) != 0) {
        rc = diag_nomem(&c->h.diag);
        goto done;
    }

    free_identity(c);
    c->dsn = strdup(dsn ? dsn : "");
    c->base_url = strdup(cfg.base_url);
    c->server = url_host(cfg.base_url);
    c->database = cfg.project && *cfg.project ? strdup(cfg.project) : url_last_segment(cfg.base_url);
    c->api_version = strdup(cfg.api_version);
    if (!c->dsn || !c->base_url || !c->server || !c->database || !c->api_version) {
        free_identity(c);
        rc = diag_nomem(&c->h.diag);
        goto done;
    }

    if (out) {
        outstr = cs_out_string(m, &cfg);
        if (!outstr) {
            free_identity(c);
            rc = diag_nomem(&c->h.diag);
            goto done;
        }
        int t = drv_strout_put(out, outstr, strlen(outstr), outlen);
        if (t < 0) {
            free_identity(c);
            rc = diag_nomem(&c->h.diag);
            goto done;
        }
        if (t > 0)
            rc = diag_warn(&c->h.diag, "01004",
                           "String data, right truncated: the output connection string did not fit");
    }

    c->array_partial_error = array_partial_error;
    pthread_mutex_lock(&c->cancel_lock);
    c->session = sess;
    pthread_mutex_unlock(&c->cancel_lock);
    sess = NULL;

done:
    azdo_session_close(sess);
    azdo_config_clear(&cfg);
    azdo_secret_free(outstr);
    return rc;
}

SQLRETURN drv_connect(drv_dbc *c, const char *dsn, SQLLEN dsnlen, const char *uid, SQLLEN uidlen,
                      const char *pwd, SQLLEN pwdlen)
{
    SQLRETURN rc;
    cs_map m;
    cs_map_init(&m);

    if (c->session)
        return diag_err(&c->h.diag, "08002", "Connection name in use: already connected");
    cs_status st = CS_OK;
    if (dsn)
        st = cs_add(&m, "DSN", 3, dsn, drv_inlen(dsn, dsnlen), 0);
    if (st == CS_OK && uid && drv_inlen(uid, uidlen))
        st = cs_add(&m, "UID", 3, uid, drv_inlen(uid, uidlen), 0);
    /* an empty password means "the DSN's" (connstr.h) */
    if (st == CS_OK && pwd && drv_inlen(pwd, pwdlen))
        st = cs_add(&m, "PWD", 3, pwd, drv_inlen(pwd, pwdlen), 0);
    if (st != CS_OK) {
        rc = diag_nomem(&c->h.diag);
        goto done;
    }
    rc = connect_with_map(c, &m, NULL, NULL);
done:
    cs_map_clear(&m);
    return rc;
}

SQLRETURN drv_driver_connect(drv_dbc *c, const char *in, SQLLEN inlen, const drv_strout *out,
                             SQLLEN *outlen, SQLUSMALLINT completion)
{
    SQLRETURN rc;
    cs_map m;
    azdo_error err;
    cs_map_init(&m);
    azdo_error_clear(&err);

    /* No dialogs exist on this platform: every completion mode behaves as NOPROMPT. */
    (void)completion;
    if (c->session)
        return diag_err(&c->h.diag, "08002", "Connection name in use: already connected");
    cs_status st = cs_parse(in ? in : "", in ? drv_inlen(in, inlen) : 0, &m, &err);
    if (st == CS_ENOMEM) {
        rc = diag_nomem(&c->h.diag);
        goto done;
    }
    if (st != CS_OK) {
        rc = diag_azdo(&c->h.diag, &err, DIAG_CTX_CONNECT);
        goto done;
    }
    rc = connect_with_map(c, &m, out, outlen);
done:
    cs_map_clear(&m);
    return rc;
}

SQLRETURN drv_disconnect(drv_dbc *c)
{
    if (!c->session)
        return diag_err(&c->h.diag, "08003", "Connection not open");
    /* finalize every statement before the database closes; keep their memory */
    dbc_detach_stmts(c);
    pthread_mutex_lock(&c->cancel_lock);
    azdo_session *s = c->session;
    c->session = NULL;
    pthread_mutex_unlock(&c->cancel_lock);
    azdo_session_close(s);
    free_identity(c);
    return SQL_SUCCESS;
}
