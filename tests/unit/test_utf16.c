/* test_utf16.c — UTF-8 <-> UTF-16 (driver/utf16.h): BMP, surrogate pairs
 * (emoji), invalid sequences replaced by U+FFFD, lengths, truncation on
 * character boundaries, and driver/strout.h's unit rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "driver/strout.h"
#include "driver/utf16.h"

static void roundtrip(const char *u8, const uint16_t *want, size_t nwant)
{
    size_t n, bad = 99;
    assert_int_equal(u8_to_u16(u8, strlen(u8), NULL, 0, &bad), nwant);
    assert_int_equal(bad, 0);
    uint16_t *w = u8_to_u16_dup(u8, strlen(u8), &n);
    assert_non_null(w);
    assert_int_equal(n, nwant);
    assert_memory_equal(w, want, nwant * 2);
    assert_int_equal(w[n], 0);
    assert_int_equal(u16_strlen(w), nwant);
    char *back = u16_to_u8_dup(w, n, &n);
    assert_string_equal(back, u8);
    assert_int_equal(n, strlen(u8));
    free(back);
    free(w);
}

static void test_ascii_and_bmp(void **state)
{
    const uint16_t a[] = {'S', 'E', 'L'};
    roundtrip("SEL", a, 3);
    const uint16_t z[] = {'Z', 'o', 0x00EB};
    roundtrip("Zo\xc3\xab", z, 3);
    const uint16_t j[] = {0x30ED, 0x30B0, 0x20AC, 0xFFFF - 2};
    roundtrip("\xe3\x83\xad\xe3\x82\xb0\xe2\x82\xac\xef\xbf\xbd", j, 4);
    roundtrip("", NULL, 0);
}

static void test_surrogate_pairs(void **state)
{
    /* U+1F600 GRINNING FACE and U+10FFFF, the last code point */
    const uint16_t e[] = {'Z', 'o', 0x00EB, ' ', 0xD83D, 0xDE00};
    roundtrip("Zo\xc3\xab \xf0\x9f\x98\x80", e, 6);
    const uint16_t m[] = {0xDBFF, 0xDFFF};
    roundtrip("\xf4\x8f\xbf\xbf", m, 2);
}

static void bad_u8(const char *in, size_t inlen, const uint16_t *want, size_t nwant, size_t nbad)
{
    size_t bad = 0;
    uint16_t out[16];
    assert_int_equal(u8_to_u16(in, inlen, out, 16, &bad), nwant);
    assert_int_equal(bad, nbad);
    assert_memory_equal(out, want, nwant * 2);
}

static void test_invalid_utf8(void **state)
{
    const uint16_t r1[] = {'a', 0xFFFD, 'b'};
    bad_u8("a\x80" "b", 3, r1, 3, 1);            /* stray continuation */
    const uint16_t r2[] = {0xFFFD, 0xFFFD};
    bad_u8("\xc0\xaf", 2, r2, 2, 2);             /* overlong '/' */
    const uint16_t r3[] = {0xFFFD, 0xFFFD, 0xFFFD};
    bad_u8("\xed\xa0\x80", 3, r3, 3, 3);         /* an encoded surrogate */
    const uint16_t r4[] = {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD};
    bad_u8("\xf4\x90\x80\x80", 4, r4, 4, 4);     /* above U+10FFFF */
    const uint16_t r5[] = {'x', 0xFFFD};
    bad_u8("x\xe2\x82", 3, r5, 2, 1);            /* truncated sequence: one U+FFFD */
    const uint16_t r6[] = {0xFFFD, 'y'};
    bad_u8("\xff" "y", 2, r6, 2, 1);
}

static void test_invalid_utf16(void **state)
{
    size_t bad = 0;
    char out[32];
    const uint16_t lone_hi[] = {'a', 0xD83D, 'b'};
    size_t n = u16_to_u8(lone_hi, 3, out, sizeof out, &bad);
    assert_int_equal(n, 5);
    assert_int_equal(bad, 1);
    assert_memory_equal(out, "a\xef\xbf\xbd" "b", 5);
    const uint16_t lone_lo[] = {0xDE00};
    n = u16_to_u8(lone_lo, 1, out, sizeof out, &bad);
    assert_int_equal(n, 3);
    assert_int_equal(bad, 1);
    const uint16_t reversed[] = {0xDE00, 0xD83D};
    n = u16_to_u8(reversed, 2, out, sizeof out, &bad);
    assert_int_equal(n, 6);
    assert_int_equal(bad, 2);
    const uint16_t trailing_hi[] = {0xD83D};
    n = u16_to_u8(trailing_hi, 1, out, sizeof out, &bad);
    assert_int_equal(n, 3);
    assert_int_equal(bad, 1);
}

static void test_partial_output_never_splits(void **state)
{
    const char *s = "a\xf0\x9f\x98\x80" "b"; /* a, emoji (2 units), b */
    uint16_t out[4] = {0};
    assert_int_equal(u8_to_u16(s, strlen(s), out, 2, NULL), 4); /* needs 4 */
    assert_int_equal(out[0], 'a');
    assert_int_equal(out[1], 0); /* the pair did not fit: nothing half-written */
    char b8[4] = {0};
    const uint16_t w[] = {'a', 0x00EB};
    assert_int_equal(u16_to_u8(w, 2, b8, 2, NULL), 3);
    assert_int_equal(b8[0], 'a');
    assert_int_equal(b8[1], 0);

    assert_int_equal(u8_prefix(s, strlen(s), 3), 1);
    assert_int_equal(u8_prefix(s, strlen(s), 5), 5);
    assert_int_equal(u8_prefix(s, strlen(s), 100), 6);
    const uint16_t p[] = {'a', 0xD83D, 0xDE00, 'b'};
    assert_int_equal(u16_prefix(p, 4, 2), 1);
    assert_int_equal(u16_prefix(p, 4, 3), 3);
}

static void test_strout_units(void **state)
{
    const char *s = "Zo\xc3\xab \xf0\x9f\x98\x80"; /* 9 bytes, 6 UTF-16 units */
    char a[16];
    SQLLEN len;
    drv_strout o = drv_strout_a(a, sizeof a);
    assert_int_equal(drv_strout_put(&o, s, strlen(s), &len), 0);
    assert_int_equal(len, 9);
    assert_string_equal(a, s);

    o = drv_strout_a(a, 4); /* room for 3 bytes: "Zo" + NUL, the ë is not split */
    assert_int_equal(drv_strout_put(&o, s, strlen(s), &len), 1);
    assert_int_equal(len, 9);
    assert_string_equal(a, "Zo");

    SQLWCHAR w[16];
    o = drv_strout_w_chars(w, 16);
    assert_int_equal(drv_strout_put(&o, s, strlen(s), &len), 0);
    assert_int_equal(len, 6);
    assert_int_equal(w[4], 0xD83D);
    assert_int_equal(w[6], 0);

    o = drv_strout_w_bytes(w, 12); /* 6 units incl. NUL: the pair does not fit */
    assert_int_equal(drv_strout_put(&o, s, strlen(s), &len), 1);
    assert_int_equal(len, 12);
    assert_int_equal(w[3], ' ');
    assert_int_equal(w[4], 0);

    o = drv_strout_w_chars(NULL, 0); /* length only: not truncation */
    assert_int_equal(drv_strout_put(&o, s, strlen(s), &len), 0);
    assert_int_equal(len, 6);
    o = drv_strout_a(a, 0);
    assert_int_equal(drv_strout_put(&o, s, strlen(s), &len), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_and_bmp),
        cmocka_unit_test(test_surrogate_pairs),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_invalid_utf16),
        cmocka_unit_test(test_partial_output_never_splits),
        cmocka_unit_test(test_strout_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
