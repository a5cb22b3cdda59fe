/*
 * utf16.c — UTF-8 <-> UTF-16 conversion.  See utf16.h for the contract.
 *
 * The UTF-8 decoder follows the "maximal subpart" practice of Unicode §3.9
 * (Table 3-7 of well-formed byte sequences): the second byte's valid range
 * depends on the lead byte, which rejects overlong forms, surrogates and
 * values above U+10FFFF without a separate check.
 */
#include "utf16.h"

#include <stdlib.h>
#include <string.h>

#define REPLACEMENT 0xFFFDu

/* UTF-16 input often sits in an application buffer that need not be 2-byte
 * aligned (pyodbc's fast_executemany packs parameter rows): read code units
 * through memcpy. */
static inline uint16_t unit_at(const uint16_t *s, size_t i)
{
    uint16_t u;
    memcpy(&u, (const unsigned char *)s + 2 * i, sizeof u);
    return u;
}

static inline void unit_put(uint16_t *s, size_t i, uint16_t u)
{
    memcpy((unsigned char *)s + 2 * i, &u, sizeof u);
}

size_t u16_strlen(const uint16_t *s)
{
    size_t n = 0;
    if (!s)
        return 0;
    while (unit_at(s, n))
        n++;
    return n;
}

/*
 * Decodes one character at s[0..n) (n >= 1).  Returns the code point, or
 * REPLACEMENT with *bad set; *adv receives the bytes consumed (>= 1).
 */
static uint32_t u8_decode(const unsigned char *s, size_t n, size_t *adv, int *bad)
{
    unsigned char c = s[0];
    uint32_t cp;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* valid range of the second byte */

    *bad = 0;
    if (c < 0x80) {
        *adv = 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* no overlongs */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* no overlongs */
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        /* 0x80..0xC1 and 0xF5..0xFF never start a character */
        *adv = 1;
        *bad = 1;
        return REPLACEMENT;
    }
    for (size_t i = 1; i <= need; i++) {
        unsigned char b = i < n ? s[i] : 0;
        unsigned char l = (i == 1) ? lo : 0x80, h = (i == 1) ? hi : 0xBF;
        if (i >= n || b < l || b > h) {
            /* the maximal subpart so far is replaced by one U+FFFD */
            *adv = i;
            *bad = 1;
            return REPLACEMENT;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    *adv = need + 1;
    return cp;
}

size_t u8_to_u16(const char *s, size_t n, uint16_t *out, size_t cap, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, need = 0, nbad = 0, written = 0;
    int full = 0; /* set once a character did not fit: stop writing */

    while (i < n) {
        size_t adv;
        int b;
        uint32_t cp = u8_decode(p + i, n - i, &adv, &b);
        size_t units = cp >= 0x10000 ? 2 : 1;
        nbad += (size_t)b;
        i += adv;
        if (!full && written + units <= cap && out) {
            if (units == 2) {
                cp -= 0x10000;
                unit_put(out, written++, (uint16_t)(0xD800 + (cp >> 10)));
                unit_put(out, written++, (uint16_t)(0xDC00 + (cp & 0x3FF)));
            } else {
                unit_put(out, written++, (uint16_t)cp);
            }
        } else {
            full = 1;
        }
        need += units;
    }
    if (bad)
        *bad = nbad;
    return need;
}

static size_t u8_encode(uint32_t cp, char *buf)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t u16_to_u8(const uint16_t *s, size_t n, char *out, size_t cap, size_t *bad)
{
    size_t i = 0, need = 0, nbad = 0, written = 0;
    int full = 0;

    while (i < n) {
        uint32_t cp = unit_at(s, i);
        uint16_t next = i + 1 < n ? unit_at(s, i + 1) : 0;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && next >= 0xDC00 && next <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (next - 0xDC00u);
            i += 2;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = REPLACEMENT; /* unpaired surrogate */
            nbad++;
            i++;
        } else {
            i++;
        }
        char enc[4];
        size_t len = u8_encode(cp, enc);
        if (!full && written + len <= cap && out) {
            for (size_t k = 0; k < len; k++)
                out[written++] = enc[k];
        } else {
            full = 1;
        }
        need += len;
    }
    if (bad)
        *bad = nbad;
    return need;
}

uint16_t *u8_to_u16_dup(const char *s, size_t n, size_t *outlen)
{
    size_t need = u8_to_u16(s, n, NULL, 0, NULL);
    uint16_t *out = malloc((need + 1) * sizeof *out);
    if (!out)
        return NULL;
    u8_to_u16(s, n, out, need, NULL);
    out[need] = 0;
    if (outlen)
        *outlen = need;
    return out;
}

char *u16_to_u8_dup(const uint16_t *s, size_t n, size_t *outlen)
{
    size_t need = u16_to_u8(s, n, NULL, 0, NULL);
    char *out = malloc(need + 1);
    if (!out)
        return NULL;
    u16_to_u8(s, n, out, need, NULL);
    out[need] = '\0';
    if (outlen)
        *outlen = need;
    return out;
}

size_t u8_prefix(const char *s, size_t n, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t adv;
        int b;
        u8_decode(p + i, n - i, &adv, &b);
        if (i + adv > max)
            break;
        i += adv;
    }
    return i;
}

size_t u16_prefix(const uint16_t *s, size_t n, size_t max)
{
    size_t i = 0;
    while (i < n) {
        size_t adv = 1;
        uint16_t u = unit_at(s, i), next = i + 1 < n ? unit_at(s, i + 1) : 0;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n && next >= 0xDC00 && next <= 0xDFFF)
            adv = 2;
        if (i + adv > max)
            break;
        i += adv;
    }
    return i;
}
