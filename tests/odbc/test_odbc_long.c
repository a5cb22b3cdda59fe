/*
 * test_odbc_long.c — a 10,000-character Description (ASCII, Latin-1, CJK,
 * Arabic, astral-plane emoji) through the real unixODBC driver manager:
 * written with an INSERT (a SQL_C_WCHAR parameter), checked in the
 * emulator's own store, then read back
 *   - with SQLGetData in chunks, SQL_C_CHAR (UTF-8) and SQL_C_WCHAR
 *     (UTF-16): every partial call is SQL_SUCCESS_WITH_INFO + 01004 with
 *     the remaining length in the indicator and a NUL-terminated chunk, the
 *     last is SQL_SUCCESS with the exact length, the next SQL_NO_DATA;
 *   - with a length-only call (NULL buffer), then the whole value;
 *   - through a bound buffer that is too small (01004, the full length in
 *     the indicator), then again with SQLGetData (SQL_GD_BOUND);
 *   - through a bound buffer that fits, in a two-row block fetch.
 * Runs under make check (tests/run-test.sh: AZDO_TEST_DSN, ODBCSYSINI,
 * AZDO_EMU_PORT; harness_begin_emu); linked with -lodbc and cJSON (to read
 * the emulator's answer), never with the driver.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "odbc_harness.h"

static int state_is(SQLHSTMT st, const char *want)
{
    SQLCHAR s[6] = "", msg[512];
    SQLINTEGER native;
    SQLSMALLINT len;
    SQLGetDiagRec(SQL_HANDLE_STMT, st, 1, s, &native, msg, sizeof msg, &len);
    return strcmp((char *)s, want) == 0;
}

/* ---- the text ------------------------------------------------------------------ */

/* UTF-8 decoding of one code point; returns its length in bytes */
static int u8_next(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        *cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0) {
        *cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        return 3;
    }
    *cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
    return 4;
}

/* n code points: the pattern of tests/clients/azdo_test.py long_text(), then "<END>" */
static char *long_text(int n, size_t *bytes)
{
    static const char unit[] = "Zo\xc3\xab \xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e "
                                "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xf0\x9f\x98\x80\xf0\x9f\x9a\x80 "
                                "\xe2\x80\x93 abc ";
    char *out = malloc((size_t)n * 4 + 8);
    size_t o = 0, u = 0;
    for (int k = 0; k < n - 5; k++) {
        unsigned cp;
        int l = u8_next((const unsigned char *)unit + u, &cp);
        memcpy(out + o, unit + u, (size_t)l);
        o += (size_t)l;
        u += (size_t)l;
        if (!unit[u])
            u = 0;
    }
    memcpy(out + o, "<END>", 6);
    *bytes = o + 5;
    return out;
}

/* UTF-8 -> UTF-16LE code units (SQLWCHAR); returns the number of units */
static size_t to_utf16(const char *s, size_t n, SQLWCHAR *out)
{
    size_t i = 0, k = 0;
    while (i < n) {
        unsigned cp;
        i += (size_t)u8_next((const unsigned char *)s + i, &cp);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[k++] = (SQLWCHAR)(0xD800 + (cp >> 10));
            out[k++] = (SQLWCHAR)(0xDC00 + (cp & 0x3FF));
        } else {
            out[k++] = (SQLWCHAR)cp;
        }
    }
    out[k] = 0;
    return k;
}

/* ---- checks ---------------------------------------------------------------------- */

/*
 * Reads column 1 in chunks of `chunk` bytes and checks the protocol; the
 * value must equal want (want_n bytes: UTF-8 for SQL_C_CHAR, UTF-16LE for
 * SQL_C_WCHAR).
 */
static void read_chunks(SQLHSTMT st, SQLSMALLINT ctype, SQLLEN chunk, const void *want, size_t want_n,
                        const char *what)
{
    size_t term = ctype == SQL_C_WCHAR ? 2 : 1;
    char *buf = malloc((size_t)chunk);
    char *got = malloc(want_n + 16);
    size_t total = 0;
    int calls = 0, partial = 0, proto_ok = 1;
    SQLRETURN rc;
    for (;;) {
        SQLLEN ind = -12345;
        memset(buf, 0x5A, (size_t)chunk);
        rc = SQLGetData(st, 1, ctype, buf, chunk, &ind);
        calls++;
        if (rc == SQL_SUCCESS_WITH_INFO) {
            partial++;
            if (!state_is(st, "01004")) {
                proto_ok = 0;
                fprintf(stderr, "# %s: call %d: not 01004: %s\n", what, calls, why(SQL_HANDLE_STMT, st));
            }
            if (ind != (SQLLEN)(want_n - total)) {
                proto_ok = 0;
                fprintf(stderr, "# %s: call %d: indicator %ld, want the remaining %zu\n", what, calls, (long)ind,
                        want_n - total);
            }
            size_t data = ((size_t)chunk - term) & (ctype == SQL_C_WCHAR ? ~(size_t)1 : ~(size_t)0);
            if (buf[data] != 0 || (term == 2 && buf[data + 1] != 0)) {
                proto_ok = 0;
                fprintf(stderr, "# %s: call %d: the chunk is not NUL-terminated\n", what, calls);
            }
            if (total + data > want_n)
                break;
            memcpy(got + total, buf, data);
            total += data;
        } else if (rc == SQL_SUCCESS) {
            if (ind < 0 || total + (size_t)ind != want_n) {
                proto_ok = 0;
                fprintf(stderr, "# %s: last call: indicator %ld, want %zu\n", what, (long)ind, want_n - total);
                break;
            }
            if (buf[ind] != 0 || (term == 2 && buf[ind + 1] != 0))
                proto_ok = 0;
            memcpy(got + total, buf, (size_t)ind);
            total += (size_t)ind;
            break;
        } else {
            proto_ok = 0;
            fprintf(stderr, "# %s: call %d: rc=%d %s\n", what, calls, (int)rc, why(SQL_HANDLE_STMT, st));
            break;
        }
        if (calls > 100000)
            break;
    }
    CHECK(proto_ok, "%s: the chunking protocol", what);
    CHECK(partial >= 2, "%s: %d partial calls", what, partial);
    CHECK(total == want_n && memcmp(got, want, want_n) == 0, "%s: %zu of %zu bytes, equal: %d", what, total, want_n,
          total == want_n && memcmp(got, want, want_n) == 0);
    SQLLEN ind = 0;
    rc = SQLGetData(st, 1, ctype, buf, chunk, &ind);
    CHECK(rc == SQL_NO_DATA, "%s: SQL_NO_DATA after the last part (rc=%d)", what, (int)rc);
    free(buf);
    free(got);
}

static SQLRETURN select_description(SQLHSTMT st, long id)
{
    char sql[128];
    SQLFreeStmt(st, SQL_CLOSE);
    SQLFreeStmt(st, SQL_UNBIND);
    snprintf(sql, sizeof sql, "SELECT Description FROM WorkItems WHERE Id = %ld", id);
    SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
    if (SQL_SUCCEEDED(rc))
        rc = SQLFetch(st);
    return rc;
}

int main(void)
{
    if (harness_begin_emu(SQL_OV_ODBC3) != 0)
        return 99;
    start("a 10,000-character Description");
    size_t u8n;
    char *text = long_text(10000, &u8n);
    SQLWCHAR *w = malloc((u8n + 1) * sizeof *w);
    size_t wn = to_utf16(text, u8n, w);
    printf("# 10000 characters: %zu bytes of UTF-8, %zu UTF-16 code units\n", u8n, wn);

    SQLHSTMT st;
    SQLHDBC dbc = new_dbc();
    SQLRETURN rc = dsn_connect(dbc, "DefaultWorkItemType=Task");
    if (!SQL_SUCCEEDED(rc)) {
        fprintf(stderr, "connect: %s\n", why(SQL_HANDLE_DBC, dbc));
        return 1;
    }
    SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);

    /* ---- write it: a SQL_C_WCHAR parameter of 10,832 code units ---- */
    SQLLEN wlen = (SQLLEN)(wn * sizeof(SQLWCHAR));
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WLONGVARCHAR, wn, 0, w, wlen, &wlen),
       SQL_HANDLE_STMT, st);
    rc = SQLExecDirect(st, (SQLCHAR *)"INSERT INTO WorkItems (Title, Description) VALUES ('long text (C)', ?)",
                       SQL_NTS);
    OK(rc, SQL_HANDLE_STMT, st);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    SQLBIGINT id = 0;
    rc = SQLExecDirect(st, (SQLCHAR *)"SELECT last_insert_rowid()", SQL_NTS);
    if (SQL_SUCCEEDED(rc) && SQL_SUCCEEDED(SQLFetch(st)))
        SQLGetData(st, 1, SQL_C_SBIGINT, &id, 0, NULL);
    CHECK(id > 0, "the new work item's id (%lld)", (long long)id);

    /* ---- the emulator stored it whole ---- */
    char path[64];
    snprintf(path, sizeof path, "/_emulator/item/%lld", (long long)id);
    char *body = emu_http("GET", path, NULL);
    cJSON *item = body ? cJSON_Parse(body) : NULL;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "fields"),
                                                      "System.Description");
    CHECK(cJSON_IsString(d) && strlen(d->valuestring) == u8n && memcmp(d->valuestring, text, u8n) == 0,
          "the emulator holds the 10,000 characters (%zu bytes)", cJSON_IsString(d) ? strlen(d->valuestring) : 0);
    cJSON_Delete(item);
    free(body);

    /* ---- SQLGetData in chunks ---- */
    OK(select_description(st, (long)id), SQL_HANDLE_STMT, st);
    read_chunks(st, SQL_C_CHAR, 1000, text, u8n, "SQL_C_CHAR, 1000-byte chunks");
    OK(select_description(st, (long)id), SQL_HANDLE_STMT, st);
    read_chunks(st, SQL_C_CHAR, 7, text, u8n, "SQL_C_CHAR, 7-byte chunks (UTF-8 sequences split)");
    OK(select_description(st, (long)id), SQL_HANDLE_STMT, st);
    read_chunks(st, SQL_C_WCHAR, 2048, w, wn * 2, "SQL_C_WCHAR, 2048-byte chunks");
    OK(select_description(st, (long)id), SQL_HANDLE_STMT, st);
    read_chunks(st, SQL_C_WCHAR, 1001, w, wn * 2, "SQL_C_WCHAR, 1001-byte chunks (odd: whole code units)");
    OK(select_description(st, (long)id), SQL_HANDLE_STMT, st);
    read_chunks(st, SQL_C_WCHAR, 6, w, wn * 2, "SQL_C_WCHAR, 6-byte chunks (surrogate pairs split)");

    /* a length-only call (BufferLength 0), then the whole value from its start */
    OK(select_description(st, (long)id), SQL_HANDLE_STMT, st);
    SQLLEN ind = 0;
    char *all = malloc(u8n + 1);
    all[0] = 'x';
    rc = SQLGetData(st, 1, SQL_C_CHAR, all, 0, &ind);
    CHECK(rc == SQL_SUCCESS_WITH_INFO && state_is(st, "01004") && ind == (SQLLEN)u8n && all[0] == 'x',
          "length only: rc=%d, %ld bytes, buffer untouched %s", (int)rc, (long)ind, why(SQL_HANDLE_STMT, st));
    rc = SQLGetData(st, 1, SQL_C_CHAR, all, (SQLLEN)u8n + 1, &ind);
    CHECK(rc == SQL_SUCCESS && ind == (SQLLEN)u8n && memcmp(all, text, u8n) == 0 && all[u8n] == 0,
          "then the whole value in one call: rc=%d ind=%ld", (int)rc, (long)ind);

    /* ---- a bound buffer that is too small, then SQLGetData on the bound column ---- */
    char small[4001];
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLBindCol(st, 1, SQL_C_CHAR, small, sizeof small, &ind), SQL_HANDLE_STMT, st);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT Description FROM WorkItems WHERE Id = %lld", (long long)id);
    OK(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS), SQL_HANDLE_STMT, st);
    ind = 0;
    rc = SQLFetch(st);
    CHECK(rc == SQL_SUCCESS_WITH_INFO && state_is(st, "01004"), "bound, too small: rc=%d %s", (int)rc,
          why(SQL_HANDLE_STMT, st));
    CHECK(ind == (SQLLEN)u8n, "bound, too small: the indicator holds the full length (%ld)", (long)ind);
    CHECK(memcmp(small, text, 4000) == 0 && small[4000] == 0, "bound, too small: the first 4000 bytes, NUL-terminated");
    SQLUINTEGER gd = 0;
    SQLGetInfo(dbc, SQL_GETDATA_EXTENSIONS, &gd, sizeof gd, NULL);
    if (gd & SQL_GD_BOUND) {
        memset(all, 0, u8n + 1);
        rc = SQLGetData(st, 1, SQL_C_CHAR, all, (SQLLEN)u8n + 1, &ind);
        CHECK(rc == SQL_SUCCESS && ind == (SQLLEN)u8n && memcmp(all, text, u8n) == 0,
              "SQL_GD_BOUND: SQLGetData reads the truncated bound column whole (rc=%d ind=%ld)", (int)rc, (long)ind);
    }

    /* ---- bound buffers that fit, two rows per fetch (SQL_C_WCHAR) ---- */
    SQLFreeStmt(st, SQL_CLOSE);
    SQLFreeStmt(st, SQL_UNBIND);
    size_t cell = (wn + 1) * sizeof(SQLWCHAR);
    SQLWCHAR *rows = malloc(cell * 2);
    SQLLEN inds[2] = {0, 0};
    SQLULEN fetched = 0;
    SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)2, 0);
    SQLSetStmtAttr(st, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0);
    OK(SQLBindCol(st, 1, SQL_C_WCHAR, rows, (SQLLEN)cell, inds), SQL_HANDLE_STMT, st);
    snprintf(sql, sizeof sql, "SELECT Description FROM WorkItems WHERE Id = %lld UNION ALL "
                              "SELECT Description FROM WorkItems WHERE Id = %lld", (long long)id, (long long)id);
    OK(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS), SQL_HANDLE_STMT, st);
    rc = SQLFetch(st);
    CHECK(rc == SQL_SUCCESS && fetched == 2, "block fetch of two long rows: rc=%d, %lu rows %s", (int)rc,
          (unsigned long)fetched, why(SQL_HANDLE_STMT, st));
    for (int r = 0; r < 2; r++) {
        const SQLWCHAR *v = (const SQLWCHAR *)((const char *)rows + r * cell);
        CHECK(inds[r] == (SQLLEN)(wn * 2) && memcmp(v, w, wn * 2) == 0 && v[wn] == 0,
              "block fetch row %d: %ld bytes, equal", r + 1, (long)inds[r]);
    }
    SQLFreeStmt(st, SQL_CLOSE);
    SQLFreeStmt(st, SQL_UNBIND);
    SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)1, 0);
    SQLSetStmtAttr(st, SQL_ATTR_ROWS_FETCHED_PTR, NULL, 0);

    /* ---- the length in characters, as SQLite counts them ---- */
    snprintf(sql, sizeof sql, "SELECT length(Description) FROM WorkItems WHERE Id = %lld", (long long)id);
    SQLBIGINT chars = 0;
    if (SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS)) && SQL_SUCCEEDED(SQLFetch(st)))
        SQLGetData(st, 1, SQL_C_SBIGINT, &chars, 0, NULL);
    CHECK(chars == 10000, "length(Description) is 10000 characters (%lld)", (long long)chars);

    free(rows);
    free(all);
    free(w);
    free(text);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    return harness_end(dbc);
}
