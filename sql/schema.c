/* schema.c — see schema.h for the naming rule. */
#include "schema.h"
#include "../rest/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The fields users reach for first keep the low column numbers: SQLite's
 * colUsed mask has 63 exact bits, so these stay individually projectable. */
static const char *const core_fields[] = {
    "System.Id",          "System.Rev",          "System.WorkItemType",
    "System.Title",       "System.State",        "System.Reason",
    "System.AssignedTo",  "System.TeamProject",  "System.AreaPath",
    "System.IterationPath", "System.Parent",     "System.Tags",
    "System.CreatedDate", "System.CreatedBy",    "System.ChangedDate",
    "System.ChangedBy",   "Microsoft.VSTS.Common.Priority",
    "Microsoft.VSTS.Common.Severity", "Microsoft.VSTS.Scheduling.RemainingWork",
    "Microsoft.VSTS.Scheduling.OriginalEstimate", "Microsoft.VSTS.Scheduling.CompletedWork",
    "Microsoft.VSTS.Scheduling.StoryPoints", "Microsoft.VSTS.Scheduling.Effort",
    "Microsoft.VSTS.Common.ValueArea", "Microsoft.VSTS.Common.StackRank",
    "Microsoft.VSTS.Common.BacklogPriority", "Microsoft.VSTS.Common.ActivatedDate",
    "Microsoft.VSTS.Common.ResolvedDate", "Microsoft.VSTS.Common.ClosedDate",
    "Microsoft.VSTS.Common.StateChangeDate", "System.BoardColumn", "System.Description",
};

/* Fields that describe links or tree nodes, not work items: a batch read
 * rejects them, so they are not columns. */
static int is_non_item_field(const char *ref, const char *usage)
{
    if (usage && (strcmp(usage, "workItemLink") == 0 || strcmp(usage, "tree") == 0))
        return 1;
    return strcmp(ref, "System.Links.LinkType") == 0;
}

typedef struct field {
    const char *ref;
    const char *friendly;
    azdo_ftype type;
    int rank;  /* ordering group */
} field;

static int core_rank(const char *ref)
{
    for (size_t i = 0; i < sizeof core_fields / sizeof core_fields[0]; i++)
        if (strcasecmp(core_fields[i], ref) == 0)
            return (int)i;
    return -1;
}

static int group_rank(const char *ref)
{
    int r = core_rank(ref);
    if (r >= 0)
        return r;
    int base = 1000;
    if (strncasecmp(ref, "System.", 7) == 0)
        return base;
    if (strncasecmp(ref, "Microsoft.VSTS.", 15) == 0)
        return base + 1;
    if (strncasecmp(ref, "Custom.", 7) == 0)
        return base + 2;
    return base + 3;
}

static int cmp_field(const void *a, const void *b)
{
    const field *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcasecmp(x->ref, y->ref);
}

static azdo_ftype map_type(const char *type, int is_identity)
{
    if (is_identity || (type && strcmp(type, "identity") == 0))
        return AZDO_FT_IDENTITY;
    if (!type)
        return AZDO_FT_STRING;
    if (!strcmp(type, "integer") || !strcmp(type, "picklistInteger"))
        return AZDO_FT_INTEGER;
    if (!strcmp(type, "double") || !strcmp(type, "picklistDouble"))
        return AZDO_FT_DOUBLE;
    if (!strcmp(type, "dateTime"))
        return AZDO_FT_DATETIME;
    if (!strcmp(type, "boolean"))
        return AZDO_FT_BOOLEAN;
    if (!strcmp(type, "treePath"))
        return AZDO_FT_TREEPATH;
    if (!strcmp(type, "html") || !strcmp(type, "plainText") || !strcmp(type, "history"))
        return AZDO_FT_LONGTEXT;
    return AZDO_FT_STRING; /* string, picklistString, guid */
}

static const char *decl_for(azdo_ftype t, azdo_colsrc src)
{
    if (src != AZDO_SRC_FIELD)
        return "VARCHAR(256)";
    switch (t) {
    case AZDO_FT_INTEGER: return "INTEGER";
    case AZDO_FT_DOUBLE: return "DOUBLE";
    case AZDO_FT_DATETIME: return "TIMESTAMP";
    case AZDO_FT_BOOLEAN: return "BOOLEAN";
    case AZDO_FT_TREEPATH: return "VARCHAR(4000)";
    case AZDO_FT_IDENTITY: return "VARCHAR(512)"; /* "Display Name <unique@name>" */
    case AZDO_FT_LONGTEXT: return "TEXT";
    case AZDO_FT_STRING: break;
    }
    return "VARCHAR(255)"; /* Azure DevOps' limit for string fields */
}

/* What WIQL can express for this column without changing SQLite's answer;
 * see plan.c for how each capability is used. */
static unsigned caps_for(azdo_ftype t, azdo_colsrc src, int is_id)
{
    if (is_id)
        return AZDO_CAP_EQ | AZDO_CAP_NE | AZDO_CAP_RANGE | AZDO_CAP_IN | AZDO_CAP_EXACT | AZDO_CAP_ORDER;
    /* companions match against the identity field; LIKE only on the display
     * name (see wiql.c: how CONTAINS treats the unique name is unverified) */
    if (src == AZDO_SRC_IDENTITY_DISPLAY)
        return AZDO_CAP_EQ | AZDO_CAP_LIKE;
    if (src == AZDO_SRC_IDENTITY_UNIQUE)
        return AZDO_CAP_EQ;
    switch (t) {
    case AZDO_FT_INTEGER:
    case AZDO_FT_DOUBLE:
        return AZDO_CAP_EQ | AZDO_CAP_NE | AZDO_CAP_RANGE | AZDO_CAP_IN | AZDO_CAP_NULL;
    case AZDO_FT_STRING:
    case AZDO_FT_IDENTITY:
        return AZDO_CAP_EQ | AZDO_CAP_IN | AZDO_CAP_LIKE | AZDO_CAP_NULL;
    case AZDO_FT_TREEPATH:
        return AZDO_CAP_EQ | AZDO_CAP_IN | AZDO_CAP_LIKE;
    case AZDO_FT_DATETIME:
        return AZDO_CAP_EQ | AZDO_CAP_RANGE | AZDO_CAP_NULL;
    case AZDO_FT_BOOLEAN:
    case AZDO_FT_LONGTEXT:
        break;
    }
    return 0;
}

void azdo_schema_free(azdo_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ncols; i++) {
        free(s->cols[i].name);
        free(s->cols[i].refname);
        free(s->cols[i].friendly);
    }
    free(s->cols);
    free(s);
}

int azdo_schema_find(const azdo_schema *s, const char *name)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (strcasecmp(s->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

static char *sanitize(const char *s)
{
    size_t n = strlen(s);
    char *o = malloc(n + 2);
    if (!o)
        return NULL;
    size_t k = 0;
    if (isdigit((unsigned char)s[0]))
        o[k++] = '_';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        o[k++] = (isalnum(c) || c == '_') ? (char)c : '_';
    }
    o[k] = '\0';
    return o;
}

static int name_taken(const azdo_schema *s, const char *name)
{
    return azdo_schema_find(s, name) >= 0;
}

/* Picks a free name: preferred, else fallback, else fallback_N. */
static char *choose_name(const azdo_schema *s, const char *preferred, const char *fallback)
{
    char *p = preferred ? sanitize(preferred) : NULL;
    if (p && *p && !name_taken(s, p))
        return p;
    free(p);
    char *f = sanitize(fallback);
    if (!f || !name_taken(s, f))
        return f;
    size_t len = strlen(f) + 16;
    char *g = malloc(len);
    for (int n = 2; g; n++) {
        snprintf(g, len, "%s_%d", f, n);
        if (!name_taken(s, g))
            break;
    }
    free(f);
    return g;
}

static int add_column(azdo_schema *s, size_t *cap, char *name, const field *f, azdo_colsrc src)
{
    if (!name)
        return 0;
    if (s->ncols == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        azdo_column *p = realloc(s->cols, nc * sizeof *p);
        if (!p) {
            free(name);
            return 0;
        }
        s->cols = p;
        *cap = nc;
    }
    azdo_column *c = &s->cols[s->ncols];
    memset(c, 0, sizeof *c);
    c->name = name;
    c->refname = strdup(f->ref);
    c->friendly = strdup(f->friendly ? f->friendly : f->ref);
    c->type = f->type;
    c->src = src;
    c->is_id = strcasecmp(f->ref, "System.Id") == 0 && src == AZDO_SRC_FIELD;
    c->is_rev = strcasecmp(f->ref, "System.Rev") == 0 && src == AZDO_SRC_FIELD;
    c->decltype = decl_for(f->type, src);
    c->caps = caps_for(f->type, src, c->is_id);
    s->ncols++; /* counted even on OOM below so free() releases what exists */
    return c->refname && c->friendly;
}

azdo_errkind azdo_schema_from_fields(const cJSON *answer, azdo_schema **out, azdo_error *err)
{
    *out = NULL;
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(answer, "value");
    if (!cJSON_IsArray(value))
        return azdo_error_set(err, AZDO_ERR_PROTOCOL, "The field definitions answer has no value list");
    size_t n = (size_t)cJSON_GetArraySize(value);
    field *fs = calloc(n + 1, sizeof *fs);
    azdo_schema *s = calloc(1, sizeof *s);
    if (!fs || !s) {
        free(fs);
        free(s);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    size_t nf = 0;
    int have_id = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, value)
    {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(it, "referenceName");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
        const cJSON *usage = cJSON_GetObjectItemCaseSensitive(it, "usage");
        const cJSON *isid = cJSON_GetObjectItemCaseSensitive(it, "isIdentity");
        const cJSON *deleted = cJSON_GetObjectItemCaseSensitive(it, "isDeleted");
        if (!cJSON_IsString(ref) || !*ref->valuestring) {
            free(fs);
            azdo_schema_free(s);
            return azdo_error_set(err, AZDO_ERR_PROTOCOL, "A field definition has no referenceName");
        }
        if (cJSON_IsTrue(deleted) ||
            is_non_item_field(ref->valuestring, cJSON_IsString(usage) ? usage->valuestring : NULL))
            continue;
        int dup = 0;
        for (size_t k = 0; k < nf; k++)
            dup |= strcasecmp(fs[k].ref, ref->valuestring) == 0;
        if (dup)
            continue;
        fs[nf].ref = ref->valuestring;
        fs[nf].friendly = cJSON_IsString(name) ? name->valuestring : NULL;
        fs[nf].type = map_type(cJSON_IsString(type) ? type->valuestring : NULL, cJSON_IsTrue(isid));
        fs[nf].rank = group_rank(ref->valuestring);
        have_id |= strcasecmp(ref->valuestring, "System.Id") == 0;
        nf++;
    }
    if (!have_id) {
        /* Every work item has an id even when the catalogue forgets to list it */
        fs[nf].ref = "System.Id";
        fs[nf].friendly = "ID";
        fs[nf].type = AZDO_FT_INTEGER;
        fs[nf].rank = group_rank("System.Id");
        nf++;
    }
    /* System.Id must be integer whatever the catalogue says: the planner relies on it */
    for (size_t k = 0; k < nf; k++)
        if (strcasecmp(fs[k].ref, "System.Id") == 0)
            fs[k].type = AZDO_FT_INTEGER;
    qsort(fs, nf, sizeof *fs, cmp_field);

    size_t cap = 0;
    int ok = 1;
    for (size_t k = 0; k < nf && ok; k++) {
        const field *f = &fs[k];
        const char *dot = strrchr(f->ref, '.');
        const char *last = dot ? dot + 1 : f->ref;
        int wef = strncmp(f->ref, "WEF_", 4) == 0;
        /* "Parent" alone reads like a name; the column holds the parent's id */
        if (strcasecmp(f->ref, "System.Parent") == 0)
            last = "ParentId";
        ok = add_column(s, &cap, choose_name(s, wef ? NULL : last, f->ref), f, AZDO_SRC_FIELD);
        if (ok && f->type == AZDO_FT_IDENTITY) {
            const char *base = s->cols[s->ncols - 1].name;
            size_t bl = strlen(base) + 16;
            char *a = malloc(bl), *b = malloc(bl);
            if (a)
                snprintf(a, bl, "%sDisplayName", base);
            if (b)
                snprintf(b, bl, "%sUniqueName", base);
            ok = a && b;
            if (ok)
                ok = add_column(s, &cap, choose_name(s, a, a), f, AZDO_SRC_IDENTITY_DISPLAY) &&
                     add_column(s, &cap, choose_name(s, b, b), f, AZDO_SRC_IDENTITY_UNIQUE);
            free(a);
            free(b);
        }
    }
    free(fs);
    if (!ok) {
        azdo_schema_free(s);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    *out = s;
    return AZDO_OK;
}

int azdo_schema_find_ref(const azdo_schema *s, const char *refname)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (s->cols[i].src == AZDO_SRC_FIELD && strcasecmp(s->cols[i].refname, refname) == 0)
            return (int)i;
    return -1;
}

char *azdo_schema_create_sql(const azdo_schema *s, const char *table)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_printf(&b, "CREATE TABLE \"%s\"(", table);
    for (size_t i = 0; i < s->ncols; i++)
        strbuf_printf(&b, "%s\"%s\" %s", i ? ", " : "", s->cols[i].name, s->cols[i].decltype);
    strbuf_append(&b, ")");
    return strbuf_steal(&b);
}
