/* strbuf.c — see strbuf.h. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(strbuf *b) { memset(b, 0, sizeof *b); }

void strbuf_free(strbuf *b)
{
    /* buffers may hold secrets (an out connection string with PWD): wipe */
    if (b->data)
        memset(b->data, 0, b->cap);
    free(b->data);
    memset(b, 0, sizeof *b);
}

void strbuf_reset(strbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int reserve(strbuf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->failed = 1;
            return 0;
        }
        cap *= 2;
    }
    /* malloc + copy + wipe rather than realloc: a buffer may hold a secret
     * (an out connection string with PWD) that must not linger in freed memory */
    char *p = malloc(cap);
    if (!p) {
        b->failed = 1;
        return 0;
    }
    if (b->data) {
        memcpy(p, b->data, b->len + 1);
        memset(b->data, 0, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void strbuf_append_int(strbuf *b, long long v)
{
    char tmp[24];
    size_t n = sizeof tmp;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--n] = '-';
    strbuf_append_n(b, tmp + n, sizeof tmp - n);
}

int strbuf_reserve(strbuf *b, size_t extra)
{
    return reserve(b, extra);
}

void strbuf_append_n(strbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void strbuf_append(strbuf *b, const char *s) { strbuf_append_n(b, s, strlen(s)); }

void strbuf_append_char(strbuf *b, char c) { strbuf_append_n(b, &c, 1); }

void strbuf_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void strbuf_append_urlenc(strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            strbuf_append_char(b, (char)c);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            strbuf_append_n(b, enc, 3);
        }
    }
}

int strbuf_failed(const strbuf *b) { return b->failed; }

char *strbuf_steal(strbuf *b)
{
    if (b->failed) {
        strbuf_free(b);
        return NULL;
    }
    if (!b->data && !reserve(b, 0))
        return NULL;
    if (b->len == 0)
        b->data[0] = '\0';
    char *s = b->data;
    memset(b, 0, sizeof *b);
    return s;
}

const char *strbuf_str(const strbuf *b) { return b->data ? b->data : ""; }
