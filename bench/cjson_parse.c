/*
 * cjson_parse.c — the cJSON baseline for "client CPU per row": parse the
 * saved workitemsbatch response bodies (files given on the command line, as
 * the transport-floor replay saved them) with cJSON alone, REPEAT times, and
 * report CPU per work item.
 *
 *   cjson_parse REPEAT FILE…
 *
 * All files are read into memory first; the timed part is, per body,
 * cJSON_Parse, a walk over value[] that looks up each item's "id" and every
 * member of "fields" (so the tree is touched the way a consumer would), and
 * cJSON_Delete.  Prints one JSON object: items, bytes, repeat, cpu_s,
 * cpu_per_item_us, ns_per_byte.
 */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(*len + 1);
    if (buf && fread(buf, 1, *len, f) != (size_t)*len) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[*len] = 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s REPEAT FILE...\n", argv[0]);
        return 2;
    }
    int repeat = atoi(argv[1]), n = argc - 2;
    char **bodies = calloc(n, sizeof *bodies);
    long long bytes = 0, items = 0;
    for (int i = 0; i < n; i++) {
        long len = 0;
        bodies[i] = slurp(argv[i + 2], &len);
        if (!bodies[i]) {
            fprintf(stderr, "cjson_parse: cannot read %s\n", argv[i + 2]);
            return 1;
        }
        bytes += len;
    }
    volatile long long sink = 0;
    double c0 = cpu_s();
    for (int r = 0; r < repeat; r++) {
        for (int i = 0; i < n; i++) {
            cJSON *root = cJSON_Parse(bodies[i]);
            if (!root) {
                fprintf(stderr, "cjson_parse: %s is not JSON\n", argv[i + 2]);
                return 1;
            }
            cJSON *it;
            cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "value"))
            {
                cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id"), *f;
                sink += id ? (long long)id->valuedouble : 0;
                cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(it, "fields"))
                    sink += f->string[0] + (cJSON_IsString(f) ? f->valuestring[0] : 0);
                if (r == 0)
                    items++;
            }
            cJSON_Delete(root);
        }
    }
    double c = cpu_s() - c0;
    printf("{\"items\": %lld, \"bytes\": %lld, \"repeat\": %d, \"cpu_s\": %.6f, \"cpu_per_item_us\": %.4f, "
           "\"ns_per_byte\": %.4f}\n",
           items, bytes, repeat, c, items ? c / repeat / items * 1e6 : 0.0,
           bytes ? c / repeat / bytes * 1e9 : 0.0);
    for (int i = 0; i < n; i++)
        free(bodies[i]);
    free(bodies);
    return (int)(sink & 0);
}
