"""pyodbc executemany with fast_executemany=True: parameter arrays end to end.

The rows go to a TEMP table of the session (SQLite, local), so this pins the
ODBC side of bulk loads — row-wise arrays with a bind offset, inline
indicators, SQLDescribeParam, data-at-execution inside the array, per-row
failures — independently of WorkItems writes.

What pyodbc 4.0.x does with the driver's answers (asserted below, and
documented in docs/writing.md "Bulk loads"):
  - some rows fail, default ArrayPartialFailure=Info: SQLExecute returns
    SQL_SUCCESS_WITH_INFO; pyodbc raises nothing, reads no diagnostics and
    sets no status array, so the failed rows are NOT visible to the program;
  - some rows fail, ArrayPartialFailure=Error (what pyodbc users should set):
    SQL_ERROR; pyodbc raises the class of the first record's SQLSTATE with
    the first record only — the driver's summary record, which names every
    failed row and their messages; the good rows are written all the same;
  - every row fails (either mode): SQL_ERROR, the summary record likewise;
  - after an error raised from SQLParamData (a TEXT column goes by
    data-at-execution) pyodbc leaves the cursor's array attributes set:
    take a new cursor.
"""
import datetime
import os
import re
import sys

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import DSN, Checker  # noqa: E402

t = Checker("test_pyodbc_bulk_local")

cn = pyodbc.connect("DSN=%s" % DSN, autocommit=False, timeout=30)
cur = cn.cursor()
cur.execute("CREATE TEMP TABLE zbulk(id INTEGER NOT NULL, title VARCHAR(255), pts DOUBLE CHECK (pts >= 0), "
            "note TEXT, due TIMESTAMP)")

N = 1000
BAD = {i for i in range(N) if i % 100 == 37}            # 10 rows violate the CHECK constraint
LONG = "x" * 9000 + "\u00e9\U0001F600"                    # longer than any VARCHAR: goes by SQLPutData


def note_of(i):
    if i % 7 == 0:
        return ""                                          # empty text: SQL_LEN_DATA_AT_EXEC(0)
    if i % 11 == 0:
        return None
    if i % 50 == 1:
        return LONG
    return "note %d \u00fc" % i


rows = []
for i in range(N):
    rows.append((i + 1,
                 "Title %d \u00e4\u00f6\U0001F680" % i if i % 13 else "",
                 -1.0 if i in BAD else i * 0.5,
                 note_of(i),
                 datetime.datetime(2025, 1, 1, 12, 0, 0) + datetime.timedelta(minutes=i)))

INSERT = "INSERT INTO zbulk (id, title, pts, note, due) VALUES (?, ?, ?, ?, ?)"
BAD_ROWS = sorted(i + 1 for i in BAD)                    # 1-based: 38, 138, … 938

# --- default ArrayPartialFailure=Info: SQL_SUCCESS_WITH_INFO, which pyodbc ignores ----------------
cur.fast_executemany = True
raised = None
try:
    cur.executemany(INSERT, rows)
except pyodbc.Error as e:  # not expected: partial failure is SQL_SUCCESS_WITH_INFO
    raised = e
t.check(raised is None, "Info: partial failure does not raise in pyodbc (%r)" % (raised,))
t.equal(cur.rowcount, -1, "pyodbc reports rowcount -1 after executemany")

got = cur.execute("SELECT id FROM zbulk ORDER BY id").fetchall()
t.equal([r[0] for r in got], [i + 1 for i in range(N) if i not in BAD],
        "exactly the 990 good rows were inserted, the 10 bad ones not")

# the values, compared row by row with what was sent
back = {r[0]: r for r in cur.execute("SELECT id, title, pts, note, due FROM zbulk").fetchall()}
mismatch = []
for i in range(N):
    if i in BAD:
        continue
    r = back.get(i + 1)
    want = rows[i]
    if r is None or r[1] != want[1] or r[2] != want[2] or r[3] != want[3] or r[4] != want[4]:
        mismatch.append((i + 1, r and tuple(r), want))
t.equal(mismatch[:3], [], "every inserted row holds what was sent (text, empty, NULL, long, emoji, timestamp)")
t.equal(cur.execute("SELECT count(*) FROM zbulk WHERE note = ''").fetchone()[0],
        len([i for i in range(N) if i not in BAD and note_of(i) == ""]), "empty notes stay empty, not NULL")
t.equal(cur.execute("SELECT count(*) FROM zbulk WHERE length(note) = ?", len(LONG)).fetchone()[0],
        len([i for i in range(N) if i not in BAD and note_of(i) == LONG]), "long notes arrive whole")

# --- ArrayPartialFailure=Error: SQL_ERROR, pyodbc raises with the summary record ------------------
cn_err = pyodbc.connect("DSN=%s;ArrayPartialFailure=Error" % DSN, autocommit=False, timeout=30)
cur_err = cn_err.cursor()
cur_err.execute("CREATE TEMP TABLE zbulk(id INTEGER NOT NULL, title VARCHAR(255), pts DOUBLE CHECK (pts >= 0), "
                "note TEXT, due TIMESTAMP)")  # TEMP tables belong to their connection
cur_err.fast_executemany = True
raised = None
try:
    cur_err.executemany(INSERT, rows)
except pyodbc.Error as e:
    raised = e
t.check(isinstance(raised, pyodbc.IntegrityError), "Error: partial failure raises IntegrityError (%r)" % (raised,))
if raised is not None:
    msg = str(raised)
    t.equal(raised.args[0], "23000", "Error: SQLSTATE of the first failure")
    listed = "(rows %s)" % ", ".join(str(r) for r in BAD_ROWS)
    t.check(("10 of 1000 rows failed and were not written %s; the other 990 rows were written and stay written"
             % listed) in msg, "Error: the text lists all 10 failing rows (%s)" % msg[:400])
    t.check("were written and stay written (ArrayPartialFailure=Error). All 10 rows: CHECK constraint failed: "
            "pts >= 0" in msg, "Error: the text holds the rows' message (%s)" % msg[:600])
    t.check(len(raised.args[1]) < 1100, "Error: one record only, the summary (%d characters)" % len(raised.args[1]))
cur_err = cn_err.cursor()  # the notes went by SQLParamData: pyodbc left the old cursor's array set
got = cur_err.execute("SELECT id FROM zbulk ORDER BY id").fetchall()
t.equal([r[0] for r in got], [i + 1 for i in range(N) if i not in BAD],
        "Error: exactly the 990 good rows were inserted all the same")

# a summary longer than fits: 20 different long messages, cut with "…" at 1,000 characters
cur_err.execute("CREATE TEMP TABLE zlong(id INTEGER, %s)" % ", ".join(
    "CONSTRAINT row_%02d_is_refused_by_a_check_constraint_whose_name_is_long_enough_to_fill_the_summary "
    "CHECK (id <> %d)" % (k, k) for k in range(1, 21)))
cur_err.fast_executemany = True
raised = None
try:
    cur_err.executemany("INSERT INTO zlong (id) VALUES (?)", [(i + 1,) for i in range(40)])
except pyodbc.Error as e:
    raised = e
t.check(isinstance(raised, pyodbc.IntegrityError), "Error: long summary raises (%r)" % (raised,))
if raised is not None:
    text = raised.args[1]
    # pyodbc's text: "[23000] <message> (<native>) (SQLExecute)"
    m = re.search(r"(\[azdo-odbc\].*) \(-?\d+\) \(SQL\w+\)$", text, re.S)
    body = m.group(1) if m else text
    t.check(body.startswith("[azdo-odbc][Azure DevOps]20 of 40 rows failed and were not written (rows 1-20)")
            and body.endswith("\u2026") and len(body) <= 1000,
            "Error: the long summary arrives whole, cut with an ellipsis (%d: %s)" % (len(body), body[-80:]))
t.equal(cn_err.cursor().execute("SELECT count(*) FROM zlong").fetchone()[0], 20, "Error: 20 good rows")
cn_err.close()

# --- every row fails: SQL_ERROR, pyodbc raises IntegrityError with the summary record -------------
cur.execute("DELETE FROM zbulk")
bad_rows = [(i + 1, "t", -5.0, "n", None) for i in range(5)]
try:
    cur.executemany(INSERT, bad_rows)
    t.check(False, "all rows failing raises")
except pyodbc.IntegrityError as e:
    t.equal(e.args[0], "23000", "all rows failing: SQLSTATE 23000")
    msg = str(e)
    # pyodbc 4.0.x puts only the first record in the exception: the summary
    t.check("5 of 5 rows failed and were not written (rows 1-5); no row was written. "
            "All 5 rows: CHECK constraint failed: pts >= 0" in msg,
            "all rows failing: the summary record (%s)" % msg[:300])
except pyodbc.Error as e:
    t.check(False, "all rows failing: IntegrityError expected, got %r" % (e,))
# pyodbc 4.0.x returns from that error (raised by SQLParamData: the notes went by data-at-execution)
# without resetting SQL_ATTR_PARAMSET_SIZE / PARAM_BIND_TYPE / PARAM_BIND_OFFSET_PTR on the cursor's
# statement: use a new cursor after such an error (docs/writing.md)
cur = cn.cursor()
t.equal(cur.execute("SELECT count(*) FROM zbulk").fetchone()[0], 0, "nothing inserted")

# --- without fast_executemany: one SQLExecute per row, the first failure raises -------------
cur.fast_executemany = False
try:
    cur.executemany(INSERT, rows[30:40])
    t.check(False, "row 38 (index 37) fails without fast_executemany")
except pyodbc.IntegrityError as e:
    t.equal(e.args[0], "23000", "plain executemany: 23000 at the failing row")
    t.check("Row " not in str(e), "a single execution has no row prefix (%s)" % str(e)[:200])
t.equal(cur.execute("SELECT count(*) FROM zbulk").fetchone()[0], 7, "plain executemany stopped at the failing row")

# --- UPDATE through an array: per-row WHERE, total row count --------------------------------
cur.fast_executemany = True
cur.executemany("UPDATE zbulk SET title = ? WHERE id = ?", [("upd %d" % k, k) for k in range(31, 41)])
t.equal(cur.execute("SELECT count(*) FROM zbulk WHERE title LIKE 'upd %'").fetchone()[0], 7,
        "UPDATE array: rows that exist were updated, ids that do not exist changed nothing")

# --- a single execute with a text longer than VARCHAR's 65535: pyodbc sends it by SQLPutData ---
big = ("0123456789\u00e9" * 20000)[:200001]
cur.execute("INSERT INTO zbulk (id, note) VALUES (?, ?)", 5000, big)
t.equal(cur.execute("SELECT note FROM zbulk WHERE id = 5000").fetchone()[0], big,
        "a 200,001-character text through data-at-execution (single execute)")

cn.rollback()  # pyodbc's habit; there is nothing to roll back
cn.close()
t.done()
