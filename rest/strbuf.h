/*
 * strbuf.h — a growable NUL-terminated byte buffer.  Used to build URLs,
 * request bodies and WIQL text.  Errors are sticky: after an allocation
 * failure every append is a no-op and strbuf_failed() says so, so callers
 * check once at the end instead of after every append.
 */
#ifndef AZDO_STRBUF_H
#define AZDO_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
    char *data;   /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    int failed;
} strbuf;

void strbuf_init(strbuf *b);
/* Makes room for `extra` more bytes at once (a known final size saves the
 * doublings, each a copy and a wipe); 0 on OOM (the buffer is then failed). */
int strbuf_reserve(strbuf *b, size_t extra);
void strbuf_free(strbuf *b);      /* zeroes the bytes first: buffers may hold secrets */
void strbuf_reset(strbuf *b);        /* len = 0, keeps memory */
void strbuf_append(strbuf *b, const char *s);
void strbuf_append_n(strbuf *b, const char *s, size_t n);
void strbuf_append_char(strbuf *b, char c);
void strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a decimal integer (no printf: it is in the per-request path). */
void strbuf_append_int(strbuf *b, long long v);
/* Percent-encodes everything but RFC 3986 unreserved characters. */
void strbuf_append_urlenc(strbuf *b, const char *s);
int strbuf_failed(const strbuf *b);
/* Hands the string to the caller (free() it) and resets b; NULL (and b
 * wiped and freed) if anything failed. */
char *strbuf_steal(strbuf *b);
/* Current contents, "" when empty. */
const char *strbuf_str(const strbuf *b);

#endif
