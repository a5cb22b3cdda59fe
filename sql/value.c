/* value.c — see value.h. */
#include "value.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

int azdo_date_prefix(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return -1;
    if (digits(s, 4, y) || digits(s + 5, 2, m) || digits(s + 8, 2, d))
        return -1;
    if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

void azdo_date_next_day(int *y, int *m, int *d)
{
    if (++*d > days_in_month(*y, *m)) {
        *d = 1;
        if (++*m > 12) {
            *m = 1;
            ++*y;
        }
    }
}

/* days since 1970-01-01 (proleptic Gregorian), for zone offsets */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

int azdo_datetime_normalize(const char *in, char out[AZDO_DATETIME_MAX])
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!in || azdo_date_prefix(in, &y, &mo, &d))
        return -1;
    const char *p = in + 10;
    char frac[8] = "";
    int nfrac = 0;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (strlen(p) < 8 || p[2] != ':' || p[5] != ':' || digits(p, 2, &h) || digits(p + 3, 2, &mi) ||
            digits(p + 6, 2, &se))
            return -1;
        if (h > 23 || mi > 59 || se > 59)
            return -1;
        p += 8;
        if (*p == '.') {
            p++;
            while (isdigit((unsigned char)*p)) {
                if (nfrac == 7)
                    return -1; /* more precision than Azure DevOps has */
                frac[nfrac++] = *p++;
            }
            if (nfrac == 0)
                return -1;
            frac[nfrac] = '\0';
        }
    }
    int off_min = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        int sign = *p == '-' ? -1 : 1;
        p++;
        if (digits(p, 2, &oh) || p[2] != ':' || digits(p + 3, 2, &om) || oh > 23 || om > 59)
            return -1;
        p += 5;
        off_min = sign * (oh * 60 + om);
    }
    if (*p)
        return -1;
    if (off_min) {
        /* convert local time to UTC */
        long mins = (days_from_civil(y, mo, d) * 24L + h) * 60L + mi - off_min;
        long days = mins >= 0 ? mins / 1440 : -((-mins + 1439) / 1440);
        long rem = mins - days * 1440;
        civil_from_days(days, &y, &mo, &d);
        h = (int)(rem / 60);
        mi = (int)(rem % 60);
    }
    /* three digits always; the rest only when non-zero */
    char f[8] = "000";
    for (int i = 0; i < nfrac; i++)
        f[i] = frac[i];
    int flen = nfrac > 3 ? nfrac : 3;
    f[flen] = '\0';
    while (flen > 3 && f[flen - 1] == '0')
        f[--flen] = '\0';
    snprintf(out, AZDO_DATETIME_MAX, "%04d-%02d-%02d %02d:%02d:%02d.%s", y, mo, d, h, mi, se, f);
    return 0;
}

static char *dup_n(const char *s, size_t n, int *oom)
{
    char *o = malloc(n + 1);
    if (!o) {
        *oom = 1;
        return NULL;
    }
    memcpy(o, s, n);
    o[n] = '\0';
    return o;
}

static char *dup_s(const char *s, int *oom) { return dup_n(s, strlen(s), oom); }

char *azdo_identity_text(const cJSON *v, azdo_identity_part part, int *oom)
{
    if (cJSON_IsString(v)) {
        /* string form "Display <unique>" (or a bare name) */
        const char *s = v->valuestring;
        const char *lt = strrchr(s, '<');
        size_t len = strlen(s);
        int has_unique = lt && len > 0 && s[len - 1] == '>';
        if (part == AZDO_ID_FULL)
            return dup_s(s, oom);
        if (part == AZDO_ID_UNIQUE)
            return has_unique ? dup_n(lt + 1, (size_t)(s + len - 1 - (lt + 1)), oom) : NULL;
        if (!has_unique)
            return dup_s(s, oom);
        size_t n = (size_t)(lt - s);
        while (n && s[n - 1] == ' ')
            n--;
        return dup_n(s, n, oom);
    }
    if (!cJSON_IsObject(v))
        return NULL;
    const cJSON *dn = cJSON_GetObjectItemCaseSensitive(v, "displayName");
    const cJSON *un = cJSON_GetObjectItemCaseSensitive(v, "uniqueName");
    const char *display = cJSON_IsString(dn) ? dn->valuestring : NULL;
    const char *unique = cJSON_IsString(un) && *un->valuestring ? un->valuestring : NULL;
    switch (part) {
    case AZDO_ID_DISPLAY:
        return display ? dup_s(display, oom) : NULL;
    case AZDO_ID_UNIQUE:
        return unique ? dup_s(unique, oom) : NULL;
    case AZDO_ID_FULL:
        break;
    }
    if (display && unique) {
        size_t n = strlen(display) + strlen(unique) + 4;
        char *o = malloc(n);
        if (!o) {
            *oom = 1;
            return NULL;
        }
        snprintf(o, n, "%s <%s>", display, unique);
        return o;
    }
    if (display)
        return dup_s(display, oom);
    return unique ? dup_s(unique, oom) : NULL;
}
