/*
 * utf16.h — UTF-8 <-> UTF-16 conversion (PURE: no handles, no I/O, no sql.h).
 *
 * Under unixODBC SQLWCHAR is a 2-byte unsigned short holding UTF-16 in host
 * byte order (little-endian on every platform we build for), so the W entry
 * points convert with these functions.  Never use wchar_t for SQLWCHAR: it is
 * 4 bytes on Linux and corrupts every W call (odbc-clients.md §8 #1).
 *
 * Invalid input never fails a conversion: every ill-formed UTF-8 sequence
 * (overlong forms, encoded surrogates, code points above U+10FFFF, truncated
 * sequences — one U+FFFD per maximal invalid subpart, as Unicode recommends)
 * and every unpaired UTF-16 surrogate becomes U+FFFD.  Callers that must
 * reject bad input can count replacements through the `bad` out-parameter.
 */
#ifndef AZDO_UTF16_H
#define AZDO_UTF16_H

#include <stddef.h>
#include <stdint.h>

/* Length in code units of a NUL-terminated UTF-16 string. */
size_t u16_strlen(const uint16_t *s);

/*
 * Converts UTF-8 s[0..n) to UTF-16.  Writes at most `cap` units to `out`
 * (out may be NULL when cap is 0), never splitting a surrogate pair, and does
 * not NUL-terminate.  Returns the number of units the whole conversion needs.
 * *bad (may be NULL) receives the number of U+FFFD replacements.
 */
size_t u8_to_u16(const char *s, size_t n, uint16_t *out, size_t cap, size_t *bad);

/* Same in the other direction; never splits a UTF-8 sequence; no NUL. */
size_t u16_to_u8(const uint16_t *s, size_t n, char *out, size_t cap, size_t *bad);

/*
 * Allocating forms: return a malloc'd, NUL-terminated string (the caller
 * frees it with free()) and its length without the NUL in *outlen (may be
 * NULL); NULL only when memory runs out.
 */
uint16_t *u8_to_u16_dup(const char *s, size_t n, size_t *outlen);
char *u16_to_u8_dup(const uint16_t *s, size_t n, size_t *outlen);

/*
 * Longest prefix of s[0..n) that is at most `max` units long and does not end
 * inside a character.  Used to cut output chunks on character boundaries.
 */
size_t u8_prefix(const char *s, size_t n, size_t max);
size_t u16_prefix(const uint16_t *s, size_t n, size_t max);

#endif
