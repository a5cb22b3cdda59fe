/*
 * cnum.h — numbers in the C locale.  The driver is a library inside
 * applications that may call setlocale(): "2.5" must stay "2.5" in WIQL and
 * when reading HTTP headers, whatever the application's decimal comma.
 */
#ifndef AZDO_CNUM_H
#define AZDO_CNUM_H

#include <stddef.h>

/* strtod in the C locale. */
double azdo_strtod_c(const char *s, char **end);

/* Writes d as a plain decimal number without an exponent ("12.5", "-3"),
 * the way WIQL accepts literals.  Returns 0, or -1 when d is not finite or
 * needs an exponent (|d| >= 1e15 or a non-zero |d| < 1e-6). */
int azdo_format_number_c(double d, char *out, size_t n);

#endif
