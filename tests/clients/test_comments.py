"""WorkItemComments through pyodbc: INSERT (last_insert_rowid, Unicode, exactly
once), reading more than one page back in order, the join form, and the
errors (no WorkItemId, an unknown work item, UPDATE/DELETE).

Every outcome is checked against the emulator's own state: its control
endpoints and its comments API read directly (with the test PAT).
"""
import base64
import datetime
import json
import os
import sys
import urllib.request

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import DSN, EMU_URL, PAT, PROJECT, Checker, clear_log, control, dump, log, reset  # noqa: E402

t = Checker("test_comments")
ME = "Jamal Hartnett <fabrikamfiber4@hotmail.com>"  # every test credential acts as this identity


def item(id_):
    return control("/_emulator/item/%d" % id_)


def emu_comments(wid):
    """Every comment of wid as the emulator holds it, oldest first (its REST API, paged)."""
    auth = "Basic " + base64.b64encode((":" + PAT).encode()).decode()
    out, token = [], None
    while True:
        q = ("continuationToken=%s" % token) if token else "$top=200&order=asc"
        url = "%s/%s/_apis/wit/workItems/%d/comments?%s&api-version=7.1-preview.4" % (EMU_URL, PROJECT, wid, q)
        req = urllib.request.Request(url, headers={"Authorization": auth, "Accept": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            page = json.loads(r.read().decode())
        out += page["comments"]
        token = page.get("continuationToken")
        if not token:
            return out


def ident(v):
    return "%s <%s>" % (v["displayName"], v["uniqueName"])


def stamp(s):
    """The emulator's ISO 8601 UTC text -> naive datetime (what pyodbc returns)."""
    return datetime.datetime.strptime(s.rstrip("Z") + ("" if "." in s else ".0"), "%Y-%m-%dT%H:%M:%S.%f")


def expected_row(c):
    return (c["workItemId"], c["id"], c["version"], c["text"], ident(c["createdBy"]), stamp(c["createdDate"]),
            ident(c["modifiedBy"]), stamp(c["modifiedDate"]))


def state_of(fn):
    try:
        fn()
    except pyodbc.Error as e:
        return e.args[0], str(e)
    return None, None


def comment_gets(entries):
    return [e for e in entries if e["method"] == "GET" and e["path"].endswith("/comments")]


COLS = "WorkItemId, CommentId, Version, Text, CreatedBy, CreatedDate, ModifiedBy, ModifiedDate"

reset(items=60, seed=9)
mine = sorted(i["id"] for i in dump() if i["fields"].get("System.TeamProject") == PROJECT)
a, b, quiet = mine[0], mine[1], mine[2]
cn = pyodbc.connect("DSN=%s" % DSN, autocommit=True)
cur = cn.cursor()

# --- metadata: the table is in the catalog, a WHERE 1=0 probe needs no work item ----------
tables = [r.table_name for r in cur.tables(tableType="TABLE")]
t.check("WorkItemComments" in tables, "SQLTables lists WorkItemComments (%s)" % tables)
cur.execute("SELECT * FROM WorkItemComments WHERE 1=0")
t.equal([d[0] for d in cur.description], COLS.split(", "), "the columns, in order")
t.equal(cur.fetchall(), [], "a WHERE 1=0 probe runs and returns nothing")

# --- INSERT: last_insert_rowid is the new CommentId, as the connected identity ------------
clear_log()
cur.execute("INSERT INTO WorkItemComments (WorkItemId, Text) VALUES (?, ?)", a, "comment 000")
first_id = cur.execute("SELECT last_insert_rowid()").fetchone()[0]
held = emu_comments(a)
t.equal([(c["id"], c["text"]) for c in held], [(first_id, "comment 000")],
        "last_insert_rowid() is the new comment's id in the emulator")
t.equal(ident(held[0]["createdBy"]), ME, "posted as the connected identity")
posts = [e for e in log() if e["method"] == "POST" and e["path"].endswith("/comments")]
t.equal(len(posts), 1, "one POST")
t.check(all("api-version=7.1-preview.4" in e["query"] for e in posts),
        "the POST uses the comments API version (%s)" % [e["query"] for e in posts])
t.check(all("/%s/_apis/wit/workItems/%d/comments" % (PROJECT, a) in e["path"] for e in posts),
        "the POST is scoped to the connection's project (%s)" % [e["path"] for e in posts])

# 449 more, so there are 450: three pages of 200
cur.executemany("INSERT INTO WorkItemComments (WorkItemId, Text) VALUES (?, ?)",
                [(a, "comment %03d" % k) for k in range(1, 450)])
t.equal(item(a)["comments"], 450, "the emulator holds 450 comments on the item")
t.equal(item(b)["comments"], 0, "and none on another item")

# --- read them all back, in order, paged lazily ---------------------------------------------
held = emu_comments(a)
clear_log()
rows = [tuple(r) for r in cur.execute("SELECT %s FROM WorkItemComments WHERE WorkItemId = ?" % COLS, a).fetchall()]
t.equal(len(rows), 450, "450 rows")
t.equal([r[3] for r in rows], ["comment %03d" % k for k in range(450)], "oldest first, every comment once")
t.equal(rows, [expected_row(c) for c in held], "every column equals the emulator's comment")
gets = comment_gets(log())
t.equal(len(gets), 3, "three pages of 200 (%s)" % [e["query"] for e in gets])
t.check(all("api-version=7.1-preview.4" in e["query"] for e in gets), "with the comments API version")
t.check("$top=200" in gets[0]["query"] and "order=asc" in gets[0]["query"], "first page: $top=200&order=asc")
t.check(all("continuationToken=" in e["query"] for e in gets[1:]), "next pages by continuationToken")
t.equal(tuple(cur.execute("SELECT COUNT(*), MIN(CommentId), MAX(CommentId) FROM WorkItemComments "
                          "WHERE WorkItemId = ?", a).fetchone()),
        (450, min(c["id"] for c in held), max(c["id"] for c in held)), "aggregates")
t.equal([r[0] for r in cur.execute("SELECT Text FROM WorkItemComments WHERE WorkItemId = ? "
                                   "ORDER BY CommentId DESC LIMIT 2", a).fetchall()],
        ["comment 449", "comment 448"], "ORDER BY CommentId DESC")

clear_log()
got = [r[0] for r in cur.execute("SELECT Text FROM WorkItemComments WHERE WorkItemId = ? LIMIT 5", a).fetchall()]
t.equal(got, ["comment %03d" % k for k in range(5)], "LIMIT 5")
t.equal(len(comment_gets(log())), 1, "LIMIT 5 reads one page only (pages are read lazily)")

# --- Unicode text round trip ------------------------------------------------------------------
uni = "Zoë – naïve façade, 日本語のコメント, emoji 😀, <b>html</b> & \"quotes\" 'n' \\ back"
cur.execute("INSERT INTO WorkItemComments (WorkItemId, Text) VALUES (?, ?)", b, uni)
uni_id = cur.execute("SELECT last_insert_rowid()").fetchone()[0]
t.equal([(c["id"], c["text"]) for c in emu_comments(b)], [(uni_id, uni)], "Unicode text is stored as sent")
cur.execute("INSERT INTO WorkItemComments (WorkItemId, Text) VALUES (?, 'second on b')", b)
t.equal(tuple(cur.execute("SELECT CommentId, Text FROM WorkItemComments WHERE WorkItemId = ? ORDER BY CommentId",
                          b).fetchall()[0]), (uni_id, uni), "and reads back unchanged")

# --- the join form and IN -------------------------------------------------------------------
title_b = item(b)["fields"]["System.Title"]
clear_log()
rows = cur.execute("SELECT w.Id, w.Title, c.Text FROM WorkItems w JOIN WorkItemComments c ON c.WorkItemId = w.Id "
                   "WHERE w.Id = ? ORDER BY c.CommentId", b).fetchall()
t.equal([tuple(r) for r in rows], [(b, title_b, uni), (b, title_b, "second on b")],
        "WorkItems JOIN WorkItemComments ON c.WorkItemId = w.Id WHERE w.Id = ?")
t.equal([e["path"].split("/")[-2] for e in comment_gets(log())], [str(b)],
        "the join reads the comments of that work item only")
rows = cur.execute("SELECT c.WorkItemId, COUNT(*) FROM WorkItems w JOIN WorkItemComments c "
                   "ON c.WorkItemId = w.Id WHERE w.Id IN (?, ?, ?) GROUP BY c.WorkItemId ORDER BY 1",
                   a, b, quiet).fetchall()
t.equal(sorted(tuple(r) for r in rows), sorted([(a, 450), (b, 2)]), "a join over several work items")
rows = cur.execute("SELECT WorkItemId, COUNT(*) FROM WorkItemComments WHERE WorkItemId IN (?, ?, ?) "
                   "GROUP BY WorkItemId", a, b, quiet).fetchall()
t.equal(sorted(tuple(r) for r in rows), sorted([(a, 450), (b, 2)]), "WorkItemId IN (…)")
t.equal(cur.execute("SELECT COUNT(*) FROM WorkItemComments WHERE WorkItemId = ?", quiet).fetchone()[0], 0,
        "a work item without comments has no rows")

# --- errors -----------------------------------------------------------------------------------
for sql in ("SELECT * FROM WorkItemComments", "SELECT Text FROM WorkItemComments WHERE Text = 'x'",
            "SELECT * FROM WorkItemComments WHERE WorkItemId > 5"):
    st, msg = state_of(lambda: cur.execute(sql).fetchall())
    t.equal(st, "42000", "%s -> 42000 (%s)" % (sql, msg))
    t.check(msg is not None and "WHERE WorkItemId = " in msg, "and the message says what to add (%s)" % msg)

st, msg = state_of(lambda: cur.execute("SELECT * FROM WorkItemComments WHERE WorkItemId = 999999").fetchall())
t.check(st is not None and "TF401232" in (msg or "") and "999999" in (msg or ""),
        "an unknown work item -> the service's 404 text (%s: %s)" % (st, msg))
st, msg = state_of(lambda: cur.execute("INSERT INTO WorkItemComments (WorkItemId, Text) VALUES (999999, 'x')"))
t.check(st is not None and "TF401232" in (msg or ""), "commenting on an unknown work item fails (%s: %s)" % (st, msg))

# a deleted work item is unknown too
victim = mine[3]
cur.execute("INSERT INTO WorkItemComments (WorkItemId, Text) VALUES (?, 'before the delete')", victim)
cur.execute("DELETE FROM WorkItems WHERE Id = ?", victim)
st, msg = state_of(lambda: cur.execute("SELECT * FROM WorkItemComments WHERE WorkItemId = ?", victim).fetchall())
t.check(st is not None and "TF401232" in (msg or ""), "a deleted work item -> 404 text (%s: %s)" % (st, msg))

for sql in ("UPDATE WorkItemComments SET Text = 'edited' WHERE WorkItemId = %d" % b,
            "DELETE FROM WorkItemComments WHERE WorkItemId = %d" % b,
            "DELETE FROM WorkItemComments"):
    st, msg = state_of(lambda: cur.execute(sql))
    t.equal(st, "42000", "%s -> 42000 (%s)" % (sql, msg))
    t.check(msg is not None and "not support" in msg, "and says it is not supported (%s)" % msg)
t.equal([c["text"] for c in emu_comments(b)], [uni, "second on b"], "the comments are unchanged")

st, msg = state_of(lambda: cur.execute("INSERT INTO WorkItemComments (WorkItemId) VALUES (?)", b))
t.equal(st, "23000", "INSERT without Text -> 23000 (%s)" % msg)
st, msg = state_of(lambda: cur.execute("INSERT INTO WorkItemComments (Text) VALUES ('orphan')"))
t.equal(st, "23000", "INSERT without WorkItemId -> 23000 (%s)" % msg)
st, msg = state_of(lambda: cur.execute("INSERT INTO WorkItemComments (WorkItemId, CommentId, Text) "
                                       "VALUES (?, 5, 'x')", b))
t.check(st is not None and "CommentId" in (msg or ""), "CommentId cannot be written (%s: %s)" % (st, msg))
st, msg = state_of(lambda: cur.execute("DROP TABLE WorkItemComments"))
t.check(st is not None, "the table cannot be dropped (%s: %s)" % (st, msg))
t.equal(item(b)["comments"], 2, "no failed INSERT added a comment")
cn.close()

# --- a comment is never posted twice: the service processed it, then the answer failed ---------
for action in ("reset", "503"):
    control("/_emulator/faults", {"rules": [{"path": "/comments", "method": "POST", "first": 1, "action": action,
                                            "process": True}]})
    cn = pyodbc.connect("DSN=%s" % DSN, autocommit=True)
    n0 = item(quiet)["comments"]
    st, msg = state_of(lambda: cn.cursor().execute("INSERT INTO WorkItemComments (WorkItemId, Text) "
                                                   "VALUES (?, 'exactly once')", quiet))
    t.equal(item(quiet)["comments"], n0 + 1, "%s after processing: the comment exists once, not twice" % action)
    t.check(st is not None and "MAY HAVE BEEN ADDED" in (msg or ""), "and the error says so (%s: %s)" % (st, msg))
    cn.close()
    control("/_emulator/faults", method="DELETE")

# a 429 means the service refused it: retried, lands once
control("/_emulator/faults", {"rules": [{"path": "/comments", "method": "POST", "first": 1, "action": "429",
                                        "retry_after": 1}]})
cn = pyodbc.connect("DSN=%s" % DSN, autocommit=True)
n0 = item(quiet)["comments"]
cn.cursor().execute("INSERT INTO WorkItemComments (WorkItemId, Text) VALUES (?, 'after a 429')", quiet)
t.equal(item(quiet)["comments"], n0 + 1, "a throttled comment is retried and lands once")
cn.close()
control("/_emulator/faults", method="DELETE")

t.done()
