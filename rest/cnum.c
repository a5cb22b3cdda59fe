/* cnum.c — see cnum.h. */
#include "cnum.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static locale_t c_locale;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

double azdo_strtod_c(const char *s, char **end)
{
    pthread_once(&once, init);
    if (c_locale)
        return strtod_l(s, end, c_locale);
    return strtod(s, end);
}

int azdo_format_number_c(double d, char *out, size_t n)
{
    if (!isfinite(d) || fabs(d) >= 1e15 || (d != 0 && fabs(d) < 1e-6))
        return -1;
    pthread_once(&once, init);
    locale_t old = c_locale ? uselocale(c_locale) : (locale_t)0;
    /* %.17g never uses an exponent inside these bounds except for tiny
     * fractions, which were excluded above */
    int w = snprintf(out, n, "%.17g", d);
    if (old)
        uselocale(old);
    if (w < 0 || (size_t)w >= n || strpbrk(out, "eE"))
        return -1;
    return 0;
}
