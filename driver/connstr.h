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
 *    win even when empty — except PWD and PAT, where an EMPTY value counts as
 *    absent (SQLConnect and many tools pass an empty password meaning "use
 *    the DSN's").  PWD and PAT are one setting for the merge: a non-empty
 *    token from the application under either name hides both DSN keys.
 *  - Config keys: Organization, Url, Project, PWD, PAT, ApiVersion, Timeout
 *    (see cs_to_config).  DSN, DRIVER, UID, FILEDSN, SAVEFILE and DM* keys
 *    are ignored for the configuration; unknown keys are ignored but kept
 *    so that the out connection string can repeat them.
 */
#ifndef AZDO_CONNSTR_H
#define AZDO_CONNSTR_H

#include <stddef.h>

#include "../rest/azdo_config.h"
#include "../rest/azdo_error.h"

#define CS_FROM_DSN 0x1u /* the pair came from odbc.ini, not from the application */

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
 * Adds the DSN's pairs to m where m lacks the key (or holds an empty PWD/PAT,
 * which the DSN value then replaces); added pairs carry CS_FROM_DSN.
 */
cs_status cs_merge_dsn(cs_map *m, const cs_map *dsn);

/* Keys connect.c reads from odbc.ini (NULL-terminated list). */
extern const char *const cs_dsn_keys[];

/*
 * Builds the configuration from the merged keys.  On success fills *cfg
 * (strings malloc'd; free with azdo_config_clear) and returns AZDO_OK; on
 * failure leaves *cfg untouched and returns
 *   AZDO_ERR_CONFIG  bad value, or neither Organization nor Url (message names the key),
 *   AZDO_ERR_AUTH    no PAT (neither PWD nor PAT set),
 *   AZDO_ERR_NOMEM.
 *   Organization  name -> base_url https://dev.azure.com/{name}; letters,
 *                 digits and '-' (not first or last).  Ignored when Url is set.
 *   Url           full organization or collection URL; http:// or https://;
 *                 http:// only for loopback hosts (127.0.0.0/8, localhost,
 *                 [::1]); no user info, query or fragment; trailing '/' removed.
 *   Project       default project; empty = the whole organization.
 *   PWD / PAT     personal access token; PWD wins when both are non-empty.
 *   ApiVersion    default "7.1"; digits.digits with optional -preview[.N].
 *   Timeout       seconds per request, whole number 0..86400, default 100.
 */
azdo_errkind cs_to_config(const cs_map *m, azdo_config *cfg, azdo_error *err);

/*
 * The out connection string for SQLDriverConnect: DSN= (or DRIVER=), UID if
 * the application gave it, Url or Organization, Project, PWD only when the
 * application itself supplied PWD or PAT, ApiVersion, Timeout, then the
 * application's unknown keys.  malloc'd (the caller zeroes and frees it: it
 * may hold the PAT); NULL when memory runs out.
 */
char *cs_out_string(const cs_map *m, const azdo_config *cfg);


#endif
