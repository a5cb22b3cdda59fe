"""The Tasks view (the task-system bridge): TypeMap, StateMap and LinkIdField.

Round trip from the issue: insert tasks with LinkIds (a bulk insert with
per-row failures), read them back with mapped types and states, update State
by LinkId; unmapped values read as Unknown and are refused on write.  The
emulator's own state is the reference.
"""
import os
import re
import sys

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import DSN, PROJECT, Checker, control, dump, reset  # noqa: E402

t = Checker("test_tasks")
CS = ("DSN=%s;TypeMap={Generic=Task;Feature=User Story;Issue=Bug};"
      "StateMap={NotStarted=New;Started=Active;Finished=Closed};LinkIdField=Custom.CustomerImpact;"
      "ArrayPartialFailure=Error" % DSN)
TYPES = {"Task": "Generic", "User Story": "Feature", "Bug": "Issue"}
STATES = {"New": "NotStarted", "Active": "Started", "Closed": "Finished"}


def state_of(fn):
    try:
        fn()
    except pyodbc.Error as e:
        return e.args[0], str(e)
    return None, None


reset(items=200, seed=6)
before = {i["id"]: i for i in dump()}
cn = pyodbc.connect(CS, autocommit=True)
cur = cn.cursor()

# --- reads: mapped, or Unknown -------------------------------------------------------
rows = cur.execute("SELECT Id, Type, State, Name, CreatedBy, TaskUrl FROM Tasks ORDER BY Id").fetchall()
mine = {i: it for i, it in before.items() if it["fields"].get("System.TeamProject") == PROJECT}
t.equal(len(rows), len(mine), "one task per work item of the project")
bad = [r.Id for r in rows
       if r.Type != TYPES.get(mine[r.Id]["fields"]["System.WorkItemType"], "Unknown")
       or r.State != STATES.get(mine[r.Id]["fields"]["System.State"], "Unknown")
       or r.Name != mine[r.Id]["fields"].get("System.Title")
       or not r.TaskUrl.endswith("/_workitems/edit/%d" % r.Id)]
t.equal(bad, [], "types, states, names and URLs follow the maps and the work items")
t.check(any(r.Type == "Unknown" for r in rows) and any(r.State == "Unknown" for r in rows),
        "unmapped types and states read as Unknown")
t.check(all("@" in (r.CreatedBy or "@") for r in rows), "CreatedBy is an e-mail")

# --- bulk insert with LinkIds; two rows carry an unmapped type ------------------------
data = [("EXT-%d" % k, "Weird" if k in (3, 7) else ("Issue" if k % 2 else "Generic"),
         "Started" if k % 3 == 0 else None, "bridge task %d" % k, "from the other system") for k in range(10)]
cur.fast_executemany = True
st, msg = state_of(lambda: cur.executemany(
    "INSERT INTO Tasks (LinkId, Type, State, Name, Description) VALUES (?, ?, ?, ?, ?)", data))
t.equal(st, "23000", "unmapped types fail their rows (%s)" % msg)
failed_rows = re.search(r"failed and were not written \(rows? ([0-9, -]+)\)", msg or "")
t.equal(failed_rows.group(1) if failed_rows else None, "4, 8", "and name them: rows 4 and 8 (%s)" % (msg or "")[:200])
created = {i["fields"].get("Custom.CustomerImpact"): i for i in dump() if i["id"] not in before}
t.equal(sorted(created), sorted("EXT-%d" % k for k in range(10) if k not in (3, 7)), "the 8 good rows were created")
wrong = [k for k, it in created.items()
         if it["fields"]["System.WorkItemType"] != ("Bug" if int(k[4:]) % 2 else "Task")
         or it["fields"]["System.State"] != ("Active" if int(k[4:]) % 3 == 0 else "New")]
t.equal(wrong, [], "with the mapped work item types and states")

# --- read back by LinkId, update State by LinkId and by Id ---------------------------------
cur = cn.cursor()
r = cur.execute("SELECT Id, Type, State, Name FROM Tasks WHERE LinkId = 'EXT-4'").fetchone()
t.equal((r.Type, r.State, r.Name) if r else None, ("Generic", "NotStarted", "bridge task 4"), "read back by LinkId")
cur.execute("UPDATE Tasks SET State = 'Started' WHERE LinkId = 'EXT-4'")
t.equal(control("/_emulator/item/%d" % r.Id)["fields"]["System.State"], "Active", "State updated by LinkId")
cur.execute("UPDATE Tasks SET Name = 'renamed', Type = 'Issue' WHERE Id = ?", r.Id)
f = control("/_emulator/item/%d" % r.Id)["fields"]
t.equal((f["System.Title"], f["System.WorkItemType"]), ("renamed", "Bug"), "Name and Type updated by Id")
st, msg = state_of(lambda: cur.execute("UPDATE Tasks SET State = 'Bogus' WHERE LinkId = 'EXT-4'"))
t.equal(st, "23000", "an unmapped state is refused (%s)" % msg)
t.check(msg and "NotStarted, Started, Finished" in msg, "with the allowed values")
st, msg = state_of(lambda: cur.execute("DELETE FROM TasksStateMap"))
t.equal(st, "42000", "the maps are read-only")
cn.close()

st, msg = state_of(lambda: pyodbc.connect("DSN=%s;TypeMap={Generic}" % DSN))
t.equal(st, "08001", "a malformed TypeMap fails the connect naming the key (%s)" % msg)
t.check(msg and "TypeMap" in msg, "naming TypeMap")
st, msg = state_of(lambda: pyodbc.connect("DSN=%s;LinkIdField=No.Such.Field" % DSN))
t.equal(st, "08001", "an unknown LinkIdField fails the connect (%s)" % msg)
t.done()
