/*
 * connstr.h — connection strings and DSN keys -> azdo_config (PURE: no
 * handles, no I/O; connect.c reads odbc.ini and calls these).
 *
 * Rules (docs/ quotes them; tests/unit/test_connstr.c pins them):
 *  - Syntax: `key=value;key=value…`.  Keys are case-insensitive and trimmed of
 *    spaces and tabs; plain values are trimmed too.  A value in braces
 *    `{…}` is taken verbatim (spaces kept) and may contain ';' and '='; `}}`
 *    inside braces stands for one '}'.  Empty elements (`;;`) are skipped.
 *    An element without '=' or with an empty key, an unclosed '{', or text
 *    after a closing '}' is a syntax error (the message never echoes values,
 *    which may hold the PAT).
 *  - A repeated key: the FIRST occurrence wins, as the ODBC specification
 *    says for SQLDriverConnect (the unixODBC DM itself keeps the last; we do
 *    not follow it).  Later occurrences are ignored silently.
 *  - DSN merge: keys from the DSN's odbc.ini section are added only when the
 *    connection string does not contain the key, so connection-string keys
 *    win even when empty — except the SECRET keys (PWD, PAT, AccessToken,
 *    ClientSecret, RefreshToken), where an EMPTY value counts as absent
 *    (SQLConnect and many tools pass an empty password meaning "use the
 *    DSN's").  PWD and PAT are one setting for the merge: a non-empty token
 *    from the application under either name hides both DSN keys.
 *  - Config keys: cs_dsn_keys (see cs_to_config).  DSN, DRIVER, UID,
 *    FILEDSN, SAVEFILE and DM* keys are ignored for the configuration;
 *    unknown keys are ignored but kept so that the out connection string can
 *    repeat them.
 *  - Secrets are never quoted in a message and appear in the out connection
 *    string only when the application supplied them (never from the DSN).
 */
#ifndef AZDO_CONNSTR_H
#define AZDO_CONNSTR_H

#include <stddef.h>

#include "../rest/azdo_config.h"
#include "../rest/azdo_error.h"

#define CS_FROM_DSN 0x1u /* the pair came from odbc.ini, not from the application */
#define CS_CUT 0x2u      /* odbc.ini value that filled unixODBC's 999-character line:
                            almost certainly cut off (cs_to_config refuses it if used) */

typedef struct cs_pair {
    char *key;   /* as first written (case preserved) */
    char *value; /* unescaped */
    unsigned flags;
} cs_pair;

typedef struct cs_map {
    cs_pair *items; /* in order of first appearance */
    size_t n, cap;
} cs_map;

typedef enum cs_status { CS_OK = 0, CS_ESYNTAX, CS_ENOMEM } cs_status;

void cs_map_init(cs_map *m);
/* Zeroes every value (any of them may be a secret) and frees; resets to empty. */
void cs_map_clear(cs_map *m);

/*
 * Parses s[0..len) into m (which may already hold pairs; existing keys win).
 * On CS_ESYNTAX err gets AZDO_ERR_CONFIG and a message that names the
 * problem but never echoes a value.  On CS_ENOMEM err gets AZDO_ERR_NOMEM.
 * m may hold the pairs before the error; the caller clears it.
 */
cs_status cs_parse(const char *s, size_t len, cs_map *m, azdo_error *err);

/* Adds key=value unless the key is present (first wins).  Lengths in bytes. */
cs_status cs_add(cs_map *m, const char *key, size_t klen, const char *val, size_t vlen,
                 unsigned flags);

/* The pair for key (case-insensitive) or NULL. */
const cs_pair *cs_find(const cs_map *m, const char *key);
/* Its value, or NULL when absent. */
const char *cs_get(const cs_map *m, const char *key);

/*
 * Adds the DSN's pairs to m where m lacks the key (or holds an empty secret,
 * which the DSN value then replaces); added pairs carry CS_FROM_DSN and
 * their own flags (CS_CUT).
 */
cs_status cs_merge_dsn(cs_map *m, const cs_map *dsn);

/* Keys connect.c reads from odbc.ini (NULL-terminated list). */
extern const char *const cs_dsn_keys[];

/* PWD, PAT, AccessToken, ClientSecret, RefreshToken (case-insensitive). */
int cs_is_secret_key(const char *key);

/*
 * Builds the configuration from the merged keys.  On success fills *cfg
 * (starting from azdo_config_defaults; strings malloc'd; free with
 * azdo_config_clear) and returns AZDO_OK; on failure leaves *cfg untouched
 * and returns
 *   AZDO_ERR_CONFIG  bad value (the message names the key and what is
 *                    accepted), neither Organization nor Url, or a DSN
 *                    value marked CS_CUT (too long for odbc.ini),
 *   AZDO_ERR_AUTH    a key the AuthScheme needs is missing (the message
 *                    names the scheme and the missing keys),
 *   AZDO_ERR_NOMEM.
 * Empty values count as absent unless said otherwise.
 *   Organization  name -> base_url https://dev.azure.com/{name}; letters,
 *                 digits and '-' (not first or last).  Ignored when Url is set.
 *   Url           full organization or collection URL; http:// or https://;
 *                 http:// only for loopback hosts (127.0.0.0/8, localhost,
 *                 [::1]); no user info, query or fragment; trailing '/' removed.
 *   Project       default project; empty = the whole organization.
 *   ApiVersion    default "7.1"; digits.digits with optional -preview[.N].
 *   Timeout       seconds per request, whole number 0..86400, default 100.
 *   AuthScheme    PAT (default) | Bearer | EntraClientCredentials |
 *                 OAuthRefresh, any case.  Required keys:
 *                   PAT     PWD or PAT (PWD wins when both are non-empty)
 *                   Bearer  AccessToken
 *                   EntraClientCredentials  ClientId, ClientSecret, and
 *                           TenantId unless TokenUrl is set
 *                   OAuthRefresh  ClientId, and RefreshToken or TokenFile
 *                 Keys a scheme does not use are accepted and ignored.
 *   PWD/PAT, ClientSecret, RefreshToken   SECRET, taken as given.
 *   AccessToken   SECRET; no spaces or control characters (it is sent
 *                 verbatim in the Authorization header).
 *   TenantId      a GUID or a domain name: letters, digits, '-', '.'
 *                 (labels non-empty, not starting or ending with '-').
 *   ClientId, RedirectUri, TokenFile   taken as given.
 *   TokenUrl      like Url (same http-only-for-loopback rule), trailing '/'
 *                 kept.
 *   RetryCountMax 0..20, default 5.
 *   RetryStatusCodeList  codes 400..599 separated by ',' and/or spaces, at
 *                 most AZDO_MAX_RETRY_STATUSES (duplicates dropped); default
 *                 429,502,503,504; an EMPTY value means "no status".
 *   RetryMultiplyWaitTime  1/0, true/false, yes/no, on/off; default 1.
 *   RetryMaxWaitSeconds    0..86400, default 300.
 *   CAFile        a path, taken as given (connect.c checks it is readable).
 *   Proxy         http|https|socks4|socks4a|socks5|socks5h://host[:port][/];
 *                 no user info (use the https_proxy environment variable for
 *                 an authenticating proxy), no path, query or fragment.
 *   TraceFile     a path, taken as given.
 *   TraceLevel    0..2; default 1 when TraceFile is set, else 0.
 *   DefaultWorkItemType  taken as given (the type of an INSERT row without
 *                 WorkItemType).
 *   TypeMap, StateMap, LinkIdField  taken as given; checked at connect by
 *                 the SQL layer (sql/tasks.c), which names the key on error.
 *   DeleteMode    Recycle (default) | Destroy, any case.
 *   ValidateOnly, BypassRules, SuppressNotifications  booleans like
 *                 RetryMultiplyWaitTime; default 0.
 *   MaxConcurrency 1..64, default 8.
 *   ArrayPartialFailure  Info (default) | Error, any case: checked here, but
 *                 a driver-side setting, not in azdo_config (see
 *                 cs_array_partial_failure).
 * login_timeout_s is not a key: connect.c sets it from SQL_ATTR_LOGIN_TIMEOUT.
 */
azdo_errkind cs_to_config(const cs_map *m, azdo_config *cfg, azdo_error *err);

/*
 * ArrayPartialFailure (driver-side, not part of azdo_config): *error_mode = 1
 * for Error, 0 for Info or when absent/empty (any case).  A parameter array in
 * which some rows failed and others were written returns SQL_ERROR in Error
 * mode, SQL_SUCCESS_WITH_INFO (the ODBC rule) in Info mode (params.c).
 * Returns AZDO_OK, or AZDO_ERR_CONFIG with a message naming the key (*error_mode
 * is then 0).
 */
azdo_errkind cs_array_partial_failure(const cs_map *m, int *error_mode, azdo_error *err);

/*
 * The out connection string for SQLDriverConnect: DSN= (or DRIVER=), UID if
 * the application gave it, Url or Organization, Project, AuthScheme (when
 * set or not PAT), PWD only when the application itself supplied PWD or PAT,
 * AccessToken / ClientSecret / RefreshToken likewise only when the
 * application supplied that key, TenantId, ClientId, RedirectUri, TokenUrl,
 * TokenFile when set, ApiVersion, Timeout, the Retry* keys and TraceLevel
 * when set (normalized), CAFile, Proxy, TraceFile when set, the write keys
 * (DefaultWorkItemType, DeleteMode, ValidateOnly, BypassRules,
 * SuppressNotifications, MaxConcurrency, ArrayPartialFailure) when set
 * (normalized), then the application's unknown keys.  malloc'd (the caller zeroes and frees it: it
 * may hold secrets); NULL when memory runs out.
 */
char *cs_out_string(const cs_map *m, const azdo_config *cfg);


#endif
