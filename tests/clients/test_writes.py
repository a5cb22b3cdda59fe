"""Writing work items through pyodbc: INSERT, UPDATE (with the revision
check), DELETE, rule errors, and a bulk load with per-row failures.

Every outcome is checked against the emulator's own state (its REST control
endpoints), never only through the driver.
"""
import os
import sys

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import DSN, PROJECT, Checker, clear_log, control, dump, log, reset  # noqa: E402

t = Checker("test_writes")


def item(id_):
    return control("/_emulator/item/%d" % id_)


def state_of(fn):
    try:
        fn()
    except pyodbc.Error as e:
        return e.args[0], str(e)
    return None, None


reset(items=300, seed=4)
before = {i["id"] for i in dump()}
cn = pyodbc.connect("DSN=%s;DefaultWorkItemType=Task" % DSN, autocommit=True)
cur = cn.cursor()

# --- INSERT: the new id, the fields, the parent link --------------------------------
parent = next(i["id"] for i in dump() if i["fields"].get("System.TeamProject") == PROJECT
              and i["fields"].get("System.WorkItemType") == "User Story")
cur.execute("INSERT INTO WorkItems (WorkItemType, Title, AssignedTo, Priority, Tags, Description, ParentId) "
            "VALUES ('Task', 'Write the ODBC docs – ünïcode', 'fabrikamfiber4@hotmail.com', 2, 'docs', "
            "'<p>html</p>', ?)", parent)
new_id = cur.execute("SELECT last_insert_rowid()").fetchone()[0]
t.check(new_id not in before and new_id > 0, "last_insert_rowid() is the new work item's id (%s)" % new_id)
it = item(new_id)
f = it.get("fields", {})
t.equal(f.get("System.Title"), "Write the ODBC docs – ünïcode", "the title was stored")
t.equal(f.get("Microsoft.VSTS.Common.Priority"), 2, "the priority is a number")
t.equal(f.get("System.TeamProject"), PROJECT, "the DSN's project")
t.equal(f.get("System.Parent"), parent, "the parent link")
t.check("Jamal Hartnett" in str(f.get("System.AssignedTo")), "the identity was resolved from an e-mail")
row = cur.execute("SELECT Title, State, ParentId, Rev FROM WorkItems WHERE Id = ?", new_id).fetchone()
t.equal((row.Title, row.ParentId), ("Write the ODBC docs – ünïcode", parent), "and reads back through SQL")

cur.execute("INSERT INTO WorkItems (Title) VALUES ('typed by DefaultWorkItemType')")
t.equal(item(cur.execute("SELECT last_insert_rowid()").fetchone()[0])["fields"].get("System.WorkItemType"), "Task",
        "DefaultWorkItemType applies to a row without WorkItemType")

# --- UPDATE: only the changed fields; a stale revision fails with 40001 ---------------
rev = item(new_id)["rev"]
clear_log()
cur.execute("UPDATE WorkItems SET Priority = 1, History = 'moved up' WHERE Id = ?", new_id)
t.equal(cur.rowcount, 1, "one row updated")
it = item(new_id)
t.equal((it["rev"], it["fields"].get("Microsoft.VSTS.Common.Priority")), (rev + 1, 1), "the update applied")
t.equal(it["fields"].get("System.Title"), "Write the ODBC docs – ünïcode", "other fields untouched")
t.equal([e["method"] for e in log() if "/wit/workitems/" in e["path"] and e["method"] == "PATCH"], ["PATCH"],
        "one PATCH")

cur.execute("UPDATE WorkItems SET State = 'Active' WHERE Id = ? AND Rev = ?", new_id, rev + 1)
t.equal(item(new_id)["fields"].get("System.State"), "Active", "an update at the current revision applies")
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET State = 'Closed' WHERE Id = ? AND Rev = ?", new_id, rev))
t.equal(st, "40001", "a stale revision fails with 40001 (%s)" % msg)
t.equal(item(new_id)["fields"].get("System.State"), "Active", "and leaves the item unchanged")

# --- Rev names one item's revision only next to Id = m (review findings) ---------------
ids = [r[0] for r in cur.execute("SELECT Id FROM WorkItems WHERE State = 'Active' ORDER BY Id LIMIT 3").fetchall()]
revs = {i: item(i)["rev"] for i in ids}
a, b = ids[0], ids[1]
# OR branches: each row is tested against its own revision
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET Title = 'or-branch' WHERE (Id = ? AND Rev = 99999) "
                                       "OR (Id = ? AND Rev = ?)", a, b, revs[b]))
t.equal(st, "40001", "OR branches: the stale branch fails (%s)" % msg)
t.check(item(a)["fields"]["System.Title"] != "or-branch", "and its item is unchanged")
# a subquery on WorkItems in SET does not wipe the check
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET Title = (SELECT w2.Title FROM WorkItems w2 WHERE "
                                       "w2.Id = ?) WHERE Id = ? AND Rev = 99999", b, a))
t.equal(st, "40001", "a subquery in SET keeps the revision check (%s)" % msg)
# Rev without Id is an ordinary filter: only the rows the WHERE selects are touched
active4 = [r[0] for r in cur.execute("SELECT Id FROM WorkItems WHERE State = 'Active' AND Rev = ?", revs[a])]
before_titles = {i["id"]: i["fields"].get("System.Title") for i in dump()}
cur.execute("UPDATE WorkItems SET Priority = 4 WHERE Id IN (SELECT Id FROM WorkItems WHERE State = 'Active' "
            "AND Rev = ?)", revs[a])
changed = [i["id"] for i in dump() if i["fields"].get("Microsoft.VSTS.Common.Priority") == 4
           and i["id"] in active4]
t.equal(sorted(changed), sorted(active4), "Rev in a subquery filters (%d rows, no more)" % len(active4))
t.equal(cur.rowcount, len(active4), "and the row count says so")
# Rev = 7.0 is Rev = 7
rv = item(a)["rev"]
cur.execute("UPDATE WorkItems SET Title = 'float rev' WHERE Id = ? AND Rev = ?", a, float(rv))
t.equal(item(a)["fields"]["System.Title"], "float rev", "Rev given as a float with an integral value")
# a companion column cannot be set
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET AssignedToUniqueName = 'x' WHERE Id = ?", a))
t.equal(st, "23000", "SET of a companion column is refused (%s)" % msg)
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET AssignedToUniqueName = 'x' WHERE Id = ? AND Rev = 1",
                                       a))
t.check(st is not None, "also with a revision condition (%s)" % msg)
# UPDATE … FROM is refused with advice
cur.execute("CREATE TEMP TABLE s(id INTEGER, title TEXT)")
cur.execute("INSERT INTO s VALUES (?, 'from')", a)
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET Title = s.title FROM s WHERE WorkItems.Id = s.id"))
t.check(st is not None and "subqueries" in (msg or ""), "UPDATE … FROM is refused with advice (%s)" % msg)

# --- rule errors keep the service's text and name the field -----------------------------
st, msg = state_of(lambda: cur.execute("INSERT INTO WorkItems (WorkItemType, Priority) VALUES ('Task', 3)"))
t.equal(st, "23000", "a missing required field -> 23000 (%s)" % msg)
t.check(msg and "TF401320" in msg and "Title" in msg, "with TF401320 and the field")
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET AssignedTo = 'nobody@nowhere' WHERE Id = ?", new_id))
t.equal(st, "23000", "an unknown identity -> 23000 (%s)" % msg)
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET AreaPath = 'No\\\\Such\\\\Area' WHERE Id = ?", new_id))
t.equal(st, "23000", "a bad area path -> 23000 (%s)" % msg)
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET Priority = 'high' WHERE Id = ?", new_id))
t.check(st is not None and "whole number" in (msg or ""), "a non-number for an integer field is refused (%s)" % msg)
st, msg = state_of(lambda: cur.execute("INSERT INTO WorkItems (WorkItemType, Title) VALUES ('Nonsense', 'x')"))
t.equal(st, "23000", "an unknown work item type -> 23000 (%s)" % msg)
st, msg = state_of(lambda: cur.execute("UPDATE WorkItems SET Id = 5 WHERE Id = ?", new_id))
t.check(st is not None, "Id cannot be written (%s)" % msg)

# --- ParentId replaced and removed (by position, guarded by the revision read with it) ----
other = next(i["id"] for i in dump() if i["fields"].get("System.TeamProject") == PROJECT
             and i["fields"].get("System.WorkItemType") == "User Story" and i["id"] != parent)
cur.execute("UPDATE WorkItems SET ParentId = ? WHERE Id = ?", other, new_id)
t.equal(item(new_id)["fields"].get("System.Parent"), other, "ParentId replaces the parent link")
cur.execute("UPDATE WorkItems SET ParentId = NULL WHERE Id = ?", new_id)
t.equal(item(new_id)["fields"].get("System.Parent"), None, "ParentId = NULL removes it")

# --- DELETE: to the recycle bin ----------------------------------------------------------
cur.execute("DELETE FROM WorkItems WHERE Id = ?", new_id)
t.equal(cur.rowcount, 1, "one row deleted")
t.check(item(new_id).get("deleted") in (True, 1) or item(new_id).get("isDeleted") in (True, 1),
        "the item is in the recycle bin")
t.equal(cur.execute("SELECT COUNT(*) FROM WorkItems WHERE Id = ?", new_id).fetchone()[0], 0, "and gone from queries")
cn.close()

# --- a create is never sent twice: the service processed it, then the answer failed --------
for action in ("reset", "503"):
    reset(items=50, seed=4)
    before = {i["id"] for i in dump()}
    control("/_emulator/faults", {"rules": [{"path": "/_apis/wit/workitems/$", "first": 1, "action": action,
                                            "process": True}]})
    cn = pyodbc.connect("DSN=%s" % DSN, autocommit=True)
    st, msg = state_of(lambda: cn.cursor().execute("INSERT INTO WorkItems (WorkItemType, Title) "
                                                   "VALUES ('Task', 'exactly once')"))
    created = [i for i in dump() if i["id"] not in before]
    t.equal(len(created), 1, "%s after processing: the item exists once, not twice" % action)
    t.check(st is not None and "MAY HAVE BEEN CREATED" in (msg or ""), "and the error says so (%s: %s)" % (st, msg))
    cn.close()
control("/_emulator/faults", method="DELETE")

# a DELETE processed but answered 503: retried, found gone — a success, not an error
reset(items=50, seed=4)
victim = next(i["id"] for i in dump() if i["fields"].get("System.TeamProject") == PROJECT)
control("/_emulator/faults", {"rules": [{"path": "workitems/%d" % victim, "method": "DELETE", "first": 1,
                                        "action": "503", "process": True}]})
cn = pyodbc.connect("DSN=%s" % DSN, autocommit=True)
st, msg = state_of(lambda: cn.cursor().execute("DELETE FROM WorkItems WHERE Id = ?", victim))
t.equal(st, None, "a delete whose answer was lost succeeds (%s)" % msg)
t.check(item(victim).get("deleted") in (True, 1), "and the item is deleted")
cn.close()
control("/_emulator/faults", method="DELETE")

# a 429 means the service refused the create: it is retried and lands once
reset(items=50, seed=4)
before = {i["id"] for i in dump()}
control("/_emulator/faults", {"rules": [{"path": "/_apis/wit/workitems/$", "first": 1, "action": "429",
                                        "retry_after": 1}]})
cn = pyodbc.connect("DSN=%s" % DSN, autocommit=True)
cn.cursor().execute("INSERT INTO WorkItems (WorkItemType, Title) VALUES ('Task', 'after a 429')")
t.equal(len([i for i in dump() if i["id"] not in before]), 1, "a throttled create is retried and lands once")
cn.close()
control("/_emulator/faults", method="DELETE")

# --- bulk: 1,000 rows with fast_executemany, 10 of them breaking a rule -------------------
reset(items=50, seed=4)
before = {i["id"] for i in dump()}
# pyodbc ignores SQL_SUCCESS_WITH_INFO: ArrayPartialFailure=Error makes it raise
cn = pyodbc.connect("DSN=%s;ArrayPartialFailure=Error" % DSN, autocommit=True)
cur = cn.cursor()
cur.fast_executemany = True
rows = []
bad = set(range(7, 1000, 100))  # 10 rows without a Title
for k in range(1000):
    rows.append(("Task", None if k in bad else "bulk %04d" % k, k % 4 + 1))
err = None
try:
    cur.executemany("INSERT INTO WorkItems (WorkItemType, Title, Priority) VALUES (?, ?, ?)", rows)
except pyodbc.Error as e:
    err = str(e)
created = [i for i in dump() if i["id"] not in before]
titles = sorted(i["fields"].get("System.Title") for i in created)
t.equal(len(created), 990, "exactly 990 work items were created (%s)" % (err or "no error raised"))
t.equal(titles, sorted("bulk %04d" % k for k in range(1000) if k not in bad), "each good row exactly once")
t.check(err is not None and "10 of 1000 rows failed" in err, "the failure is reported (%s)" % (err or "")[:300])
t.check(err is not None and all(str(k + 1) in err for k in bad), "with every failing row number (1-based)")
t.check(err is not None and "TF401320" in err and "Title" in err, "and Azure DevOps' message")

# multi-row sets: set 2 writes its first row, then fails on its second; that write is counted and reported
before = {i["id"] for i in dump()}
cur = cn.cursor()
cur.fast_executemany = True
sets = [("Task", "m1a", "Task", "m1b"), ("Task", "m2a", "Task", None), ("Task", "m3a", "Task", "m3b")]
err = None
try:
    cur.executemany("INSERT INTO WorkItems (WorkItemType, Title) VALUES (?, ?), (?, ?)", sets)
except pyodbc.Error as e:
    err = str(e)
made = sorted(i["fields"]["System.Title"] for i in dump() if i["id"] not in before)
t.equal(made, ["m1a", "m1b", "m2a", "m3a", "m3b"], "the failed set's first row stays written")
t.check(err is not None and "already written 1 work item" in err, "and the summary says so (%s)" % (err or "")[:300])
cn.close()
t.done()
