/* tasks.c — see tasks.h. */
#include "tasks.h"
#include "../rest/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void azdo_map_clear(azdo_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->keys[i]);
        free(m->values[i]);
    }
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}

static char *trimmed(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    char *o = malloc(n + 1);
    if (o) {
        memcpy(o, s, n);
        o[n] = '\0';
    }
    return o;
}

int azdo_map_parse(const char *text, azdo_map *out, char *msg, size_t msglen)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return 0;
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ';';
    out->keys = calloc(cap, sizeof *out->keys);
    out->values = calloc(cap, sizeof *out->values);
    if (!out->keys || !out->values) {
        azdo_map_clear(out);
        return -1;
    }
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, ";");
        const char *eq = memchr(p, '=', len);
        char *entry = trimmed(p, len);
        if (!entry) {
            azdo_map_clear(out);
            return -1;
        }
        if (*entry) {
            if (!eq) {
                snprintf(msg, msglen, "entry '%s' has no '=' (write Key=Value;Key=Value)", entry);
                free(entry);
                azdo_map_clear(out);
                return 1;
            }
            char *k = trimmed(p, (size_t)(eq - p)), *v = trimmed(eq + 1, len - (size_t)(eq - p) - 1);
            int bad = !k || !v || !*k || !*v;
            for (size_t i = 0; !bad && i < out->n; i++)
                bad = strcmp(out->keys[i], k) == 0 ? 2 : 0;
            if (bad) {
                if (k && v)
                    snprintf(msg, msglen, bad == 2 ? "'%s' is given twice" : "entry '%s' has an empty side",
                             bad == 2 ? k : entry);
                free(k);
                free(v);
                free(entry);
                azdo_map_clear(out);
                return k && v ? 1 : -1;
            }
            out->keys[out->n] = k;
            out->values[out->n] = v;
            out->n++;
        }
        free(entry);
        p += len;
        if (*p == ';')
            p++;
    }
    return 0;
}

/* Fills a map table; the keys listed for error messages go to `allowed`. */
static int fill_map(sqlite3 *db, const char *table, const azdo_map *m, strbuf *allowed)
{
    char *sql = sqlite3_mprintf("INSERT INTO main.\"%w\" VALUES (?, ?)", table);
    sqlite3_stmt *st = NULL;
    int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    for (size_t i = 0; rc == SQLITE_OK && i < m->n; i++) {
        sqlite3_bind_text(st, 1, m->keys[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, m->values[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(st);
        strbuf_printf(allowed, "%s%s", i ? ", " : "", m->keys[i]);
    }
    sqlite3_finalize(st);
    return rc;
}

azdo_errkind azdo_tasks_create(sqlite3 *db, const azdo_schema *s, const azdo_config *cfg, azdo_error *err)
{
    azdo_map types = {0}, states = {0};
    char msg[300];
    int r = azdo_map_parse(cfg->type_map, &types, msg, sizeof msg);
    if (r == 0)
        r = azdo_map_parse(cfg->state_map, &states, msg, sizeof msg) * 2;
    if (r != 0) {
        azdo_map_clear(&types);
        azdo_map_clear(&states);
        return r < 0 ? azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory")
                     : azdo_error_set(err, AZDO_ERR_CONFIG, "%s: %s", r == 1 ? "TypeMap" : "StateMap", msg);
    }
    const char *link = "NULL";
    if (cfg->link_id_field && *cfg->link_id_field) {
        int c = azdo_schema_find(s, cfg->link_id_field);
        if (c < 0)
            c = azdo_schema_find_ref(s, cfg->link_id_field);
        if (c < 0 || s->cols[c].src != AZDO_SRC_FIELD || s->cols[c].is_id) {
            azdo_map_clear(&types);
            azdo_map_clear(&states);
            return azdo_error_set(err, AZDO_ERR_CONFIG,
                                  "LinkIdField '%s' names no field of WorkItems: give a column name or a "
                                  "field reference name (e.g. Custom.ExternalId)",
                                  cfg->link_id_field);
        }
        link = s->cols[c].name;
    }
    strbuf allowed_types, allowed_states;
    strbuf_init(&allowed_types);
    strbuf_init(&allowed_states);
    azdo_errkind kind = AZDO_OK;
    int rc = sqlite3_exec(db,
                          "CREATE TABLE main.TasksTypeMap(TaskType TEXT PRIMARY KEY, WorkItemType TEXT NOT NULL);"
                          "CREATE TABLE main.TasksStateMap(TaskState TEXT PRIMARY KEY, State TEXT NOT NULL);",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = fill_map(db, "TasksTypeMap", &types, &allowed_types);
    if (rc == SQLITE_OK)
        rc = fill_map(db, "TasksStateMap", &states, &allowed_states);
    int linked = strcmp(link, "NULL") != 0;
    char *link_expr = linked ? sqlite3_mprintf("w.\"%w\"", link) : sqlite3_mprintf("NULL");
    char *link_col = linked ? sqlite3_mprintf(", \"%w\"", link) : sqlite3_mprintf("%s", "");
    /* the work item's page in the web UI, project-independent */
    char *url_prefix = sqlite3_mprintf("%s/_workitems/edit/", cfg->base_url ? cfg->base_url : "");
    char *type_msg = sqlite3_mprintf("Tasks: Type must be one of the TypeMap keys (%s)",
                                     allowed_types.len ? strbuf_str(&allowed_types) : "TypeMap is empty");
    char *state_msg = sqlite3_mprintf("Tasks: State must be one of the StateMap keys (%s)",
                                      allowed_states.len ? strbuf_str(&allowed_states) : "StateMap is empty");
    char *sql = NULL;
    if (rc == SQLITE_OK && link_expr && link_col && url_prefix && type_msg && state_msg) {
        sql = sqlite3_mprintf(
            /* reads: the maps translate; anything else is Unknown */
            "CREATE VIEW main.Tasks AS SELECT w.Id AS Id, %s AS LinkId,"
            " %Q || w.Id AS TaskUrl,"
            " COALESCE((SELECT m.TaskType FROM main.TasksTypeMap m WHERE m.WorkItemType = w.WorkItemType"
            "           ORDER BY m.rowid LIMIT 1), 'Unknown') AS Type,"
            " COALESCE((SELECT m.TaskState FROM main.TasksStateMap m WHERE m.State = w.State"
            "           ORDER BY m.rowid LIMIT 1), 'Unknown') AS State,"
            " w.Title AS Name, w.Description AS Description, w.CreatedDate AS CreatedAt,"
            " w.CreatedByUniqueName AS CreatedBy FROM main.WorkItems w;"
            /* inserts: a new work item, then its state (a new item starts in its type's first state) */
            "CREATE TRIGGER main.Tasks_insert INSTEAD OF INSERT ON Tasks BEGIN"
            " SELECT RAISE(ABORT, %Q) WHERE NEW.Type IS NOT NULL AND NOT EXISTS"
            "  (SELECT 1 FROM main.TasksTypeMap WHERE TaskType = NEW.Type);"
            " SELECT RAISE(ABORT, %Q) WHERE NEW.State IS NOT NULL AND NOT EXISTS"
            "  (SELECT 1 FROM main.TasksStateMap WHERE TaskState = NEW.State);"
            " INSERT INTO WorkItems (WorkItemType, Title, Description%s) VALUES ("
            "  (SELECT WorkItemType FROM main.TasksTypeMap WHERE TaskType = NEW.Type), NEW.Name, NEW.Description%s);"
            " UPDATE WorkItems SET State = (SELECT State FROM main.TasksStateMap WHERE TaskState = NEW.State)"
            "  WHERE NEW.State IS NOT NULL AND Id = last_insert_rowid()"
            "  AND State IS NOT (SELECT State FROM main.TasksStateMap WHERE TaskState = NEW.State);"
            " END;"
            /* updates: Name, Description, Type and State, found by Id or LinkId */
            "CREATE TRIGGER main.Tasks_update INSTEAD OF UPDATE OF Name, Description, Type, State ON Tasks BEGIN"
            " SELECT RAISE(ABORT, %Q) WHERE NEW.Type IS NOT OLD.Type AND NOT EXISTS"
            "  (SELECT 1 FROM main.TasksTypeMap WHERE TaskType = NEW.Type);"
            " SELECT RAISE(ABORT, %Q) WHERE NEW.State IS NOT OLD.State AND NOT EXISTS"
            "  (SELECT 1 FROM main.TasksStateMap WHERE TaskState = NEW.State);"
            " UPDATE WorkItems SET"
            "  Title = NEW.Name, Description = NEW.Description,"
            "  WorkItemType = CASE WHEN NEW.Type IS OLD.Type THEN WorkItemType"
            "   ELSE (SELECT WorkItemType FROM main.TasksTypeMap WHERE TaskType = NEW.Type) END,"
            "  State = CASE WHEN NEW.State IS OLD.State THEN State"
            "   ELSE (SELECT State FROM main.TasksStateMap WHERE TaskState = NEW.State) END"
            "  WHERE Id = OLD.Id;"
            " END;",
            link_expr, url_prefix, type_msg, state_msg, link_col, linked ? ", NEW.LinkId" : "", type_msg, state_msg);
    }
    if (!sql || rc != SQLITE_OK)
        kind = azdo_error_set(err, AZDO_ERR_INTERNAL, "Cannot create the Tasks view: %s", sqlite3_errmsg(db));
    else if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        kind = azdo_error_set(err, AZDO_ERR_INTERNAL, "Cannot create the Tasks view: %s", sqlite3_errmsg(db));
    sqlite3_free(sql);
    sqlite3_free(link_expr);
    sqlite3_free(link_col);
    sqlite3_free(url_prefix);
    sqlite3_free(type_msg);
    sqlite3_free(state_msg);
    strbuf_free(&allowed_types);
    strbuf_free(&allowed_states);
    azdo_map_clear(&types);
    azdo_map_clear(&states);
    return kind;
}
