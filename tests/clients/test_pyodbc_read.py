"""pyodbc against the emulator: the read path end to end.

Results are compared with the emulator's own data (GET /_emulator/dump), never
with hard-coded rows; round trips are counted in the emulator's request log.
"""
import datetime
import os
import sys

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import DSN, EMU_URL, PAT, PROJECT, Checker, clear_log, dump, identity_text, log, reset  # noqa: E402

t = Checker("test_pyodbc_read")


def connect(extra=""):
    return pyodbc.connect("DSN=%s;%s" % (DSN, extra), autocommit=False, timeout=30)


def sqlstate_of(fn):
    try:
        fn()
    except pyodbc.Error as e:
        return e.args[0], str(e)
    return None, None


reset(items=600, seed=11)
items = [i for i in dump() if i["fields"].get("System.TeamProject") == PROJECT]

# --- the query, compared with the emulator's data ---------------------
cn = connect()
cur = cn.cursor()
rows = cur.execute("SELECT Id, Title, State, AssignedTo FROM WorkItems WHERE State = 'Active' ORDER BY Id").fetchall()
want = [(i["id"], i["fields"].get("System.Title"), i["fields"]["System.State"],
         identity_text(i["fields"].get("System.AssignedTo")))
        for i in sorted(items, key=lambda i: i["id"]) if i["fields"].get("System.State") == "Active"]
t.check(len(want) > 10, "the seed has active items in the project")
t.equal([tuple(r) for r in rows], want, "active items in the project")
t.equal(cur.rowcount, -1, "SQLRowCount after SELECT is -1")
desc = [(d[0], d[1]) for d in cur.description]
t.equal(desc[0], ("Id", int), "Id is an integer column")
t.equal(desc[1], ("Title", str), "Title is a text column")

# --- WIQL pushdown and projection in the request log --------------------------
clear_log()
cur.execute("SELECT Id, Title FROM WorkItems WHERE State = 'Active' AND Priority <= 2").fetchall()
entries = log()
wiql = [e for e in entries if e["path"].endswith("/_apis/wit/wiql")]
batch = [e for e in entries if e["path"].endswith("/_apis/wit/workitemsbatch")]
t.equal(len(wiql), 1, "one WIQL request")
t.check(all(e["status"] == 200 for e in entries), "every request succeeded")
t.check(not [e for e in entries if e not in wiql and e not in batch], "only WIQL and batch requests")

# --- types: dates, doubles, identities, NULLs ----------------------------------
by_id = {i["id"]: i for i in items}
rows = cur.execute("SELECT Id, ChangedDate, RemainingWork, AssignedToDisplayName, AssignedToUniqueName, "
                   "Tags, Priority FROM WorkItems ORDER BY Id").fetchall()
t.equal(len(rows), len(items), "every item of the project")
bad = []
for r in rows:
    f = by_id[r.Id]["fields"]
    cd = datetime.datetime.strptime(f["System.ChangedDate"].rstrip("Z")[:26].ljust(19, "0"),
                                    "%Y-%m-%dT%H:%M:%S.%f" if "." in f["System.ChangedDate"] else "%Y-%m-%dT%H:%M:%S")
    if r.ChangedDate != cd:
        bad.append(("ChangedDate", r.Id, r.ChangedDate, cd))
    if r.RemainingWork != f.get("Microsoft.VSTS.Scheduling.RemainingWork"):
        bad.append(("RemainingWork", r.Id))
    a = f.get("System.AssignedTo")
    if (r.AssignedToDisplayName, r.AssignedToUniqueName) != ((a or {}).get("displayName"), (a or {}).get("uniqueName")):
        bad.append(("AssignedTo parts", r.Id))
    if r.Tags != f.get("System.Tags") or r.Priority != f.get("Microsoft.VSTS.Common.Priority"):
        bad.append(("Tags/Priority", r.Id))
t.equal(bad, [], "values match the emulator's JSON")
t.check(any(r.RemainingWork is None for r in rows) and any(r.RemainingWork is not None for r in rows),
        "the seed has empty and non-empty RemainingWork")

# --- Unicode survives ----------------------------------------------------------
uni = [i for i in items if any(ord(ch) > 127 for ch in i["fields"].get("System.Title", ""))]
t.check(len(uni) > 0, "the seed has non-ASCII titles")
if uni:
    got = cur.execute("SELECT Title FROM WorkItems WHERE Id = ?", uni[0]["id"]).fetchone()
    t.equal(got[0] if got else None, uni[0]["fields"]["System.Title"], "non-ASCII title round trip")
t.equal(cur.execute("SELECT 'Zoë 😀 山田'").fetchone()[0], "Zoë 😀 山田", "emoji in SQL text and results")

# --- errors carry the right SQLSTATE ---------------------------------------------
st, msg = sqlstate_of(lambda: cur.execute("SELECT Bogus FROM WorkItems"))
t.equal(st, "42S22", "unknown column -> 42S22 (%s)" % msg)
st, msg = sqlstate_of(lambda: cur.execute("SELECT * FROM NoSuchTable"))
t.equal(st, "42S02", "unknown table -> 42S02 (%s)" % msg)
st, msg = sqlstate_of(lambda: cur.execute("SELEC Id FROM WorkItems"))
t.equal(st, "42000", "syntax error -> 42000 (%s)" % msg)
for sql in ("DROP TABLE WorkItems", "ALTER TABLE WorkItems RENAME TO x", "DELETE FROM Fields",
            "INSERT INTO Fields(ColumnName) VALUES ('x')", "ATTACH DATABASE '/tmp/azdo-x.db' AS x"):
    st, msg = sqlstate_of(lambda: cur.execute(sql))
    t.equal(st, "42000", "%s -> 42000 (%s)" % (sql, msg))
t.equal(cur.execute("SELECT COUNT(*) FROM WorkItems").fetchone()[0], len(items), "WorkItems is still there")
cur.execute("CREATE TEMP TABLE staging AS SELECT Id, Title FROM WorkItems WHERE State = 'Active'")
t.equal(cur.execute("SELECT COUNT(*) FROM staging").fetchone()[0], len(want), "local scratch tables work")
cur.execute("DROP TABLE staging")
cn.close()

st, msg = sqlstate_of(lambda: connect("PWD=not-the-pat"))
t.equal(st, "28000", "bad PAT -> 28000 (%s)" % msg)
t.check(msg is None or PAT not in msg, "the PAT is not in the message")
st, msg = sqlstate_of(lambda: pyodbc.connect("DRIVER=AzureDevOps;Url=http://127.0.0.1:1/fabrikam;PWD=x", timeout=10))
t.equal(st, "08001", "unreachable host -> 08001 (%s)" % msg)
st, msg = sqlstate_of(lambda: pyodbc.connect("DRIVER=AzureDevOps;Url=%s;PWD=%s" % (EMU_URL.replace("fabrikam", "nosuchorg"), PAT)))
t.equal(st, "08001", "unknown organization -> 08001 (%s)" % msg)
st, msg = sqlstate_of(lambda: connect("Project=No Such Project"))
t.equal(st, "08001", "unknown project -> 08001 (%s)" % msg)
t.check(msg is not None and "No Such Project" in msg, "the message names the project")
reset(items=50, auth_failure="203")
st, msg = sqlstate_of(lambda: connect("PWD=expired-or-wrong"))
t.equal(st, "28000", "203 sign-in page -> 28000 (%s)" % msg)
reset(items=50)

# --- SQL text with a NUL is refused, not cut short (W path) -----------------------
cn = connect()
st, msg = sqlstate_of(lambda: cn.cursor().execute("SELECT 1 \x00 DROP TABLE x"))
t.check(st is not None, "SQL text with a NUL character is an error (%s)" % msg)
cn.close()

# --- Azure DevOps Server: a collection URL ----------------------------------------
onprem = EMU_URL.replace("/fabrikam", "/tfs/DefaultCollection")
cn = pyodbc.connect("DRIVER=AzureDevOps;Url=%s;Project=%s;PWD=%s" % (onprem, PROJECT, PAT), autocommit=True)
n = cn.cursor().execute("SELECT COUNT(*) FROM WorkItems").fetchone()[0]
t.equal(n, len([i for i in dump() if i["fields"].get("System.TeamProject") == PROJECT]),
        "an on-premises collection URL (/tfs/DefaultCollection) works")
cn.close()

# --- DSN-less connection, whole organization ------------------------------------
cn = pyodbc.connect("DRIVER=AzureDevOps;Url=%s;PWD=%s" % (EMU_URL, PAT), autocommit=True)
n = cn.cursor().execute("SELECT COUNT(*) FROM WorkItems").fetchone()[0]
t.equal(n, len(dump()), "whole-organization count")
cn.close()

t.done()
