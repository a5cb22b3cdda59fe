/* vtab_common.c — see vtab_common.h. */
#include "vtab_common.h"

#include <stdio.h>
#include <string.h>

int azdo_vtab_fail(azdo_vtab_env *env, sqlite3_vtab *vt, const azdo_error *err)
{
    env->last_error = *err;
    env->has_error = 1;
    sqlite3_free(vt->zErrMsg);
    vt->zErrMsg = sqlite3_mprintf("%s", err->message);
    return SQLITE_ERROR;
}

int azdo_vtab_fail_msg(azdo_vtab_env *env, sqlite3_vtab *vt, azdo_errkind kind, const char *msg)
{
    azdo_error err;
    azdo_error_clear(&err);
    azdo_error_set(&err, kind, "%s", msg);
    return azdo_vtab_fail(env, vt, &err);
}

int azdo_vtab_write_fail(azdo_vtab_env *env, sqlite3_vtab *vt, azdo_error *err, const char *noun)
{
    if (env->written > 0) {
        char ids[160] = "";
        size_t len = 0;
        int shown = env->written < 8 ? (int)env->written : 8;
        for (int i = 0; i < shown && len < sizeof ids - 24; i++)
            len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%lld", i ? ", " : "",
                                    (long long)env->written_ids[i]);
        size_t m = strlen(err->message);
        snprintf(err->message + m, sizeof err->message - m,
                 ". Azure DevOps has no transactions: %ld earlier row%s of this statement %s already written "
                 "(%s%s %s%s)",
                 env->written, env->written == 1 ? "" : "s", env->written == 1 ? "was" : "were", noun,
                 env->written == 1 ? "" : "s", ids, env->written > 8 ? ", …" : "");
    }
    return azdo_vtab_fail(env, vt, err);
}

int azdo_vtab_write_fail_msg(azdo_vtab_env *env, sqlite3_vtab *vt, azdo_errkind kind, const char *msg,
                             const char *noun)
{
    azdo_error err;
    azdo_error_clear(&err);
    azdo_error_set(&err, kind, "%s", msg);
    return azdo_vtab_write_fail(env, vt, &err, noun);
}
