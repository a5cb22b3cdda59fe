"""Reads fetch several batches at once, and count their round trips.

With emulated latency, a query over a few thousand items must overlap its
workitemsbatch requests (up to MaxConcurrency, from the emulator log's
start/end times), return every row exactly once in the order asked, and
make exactly the requests it needs: one WIQL per 20,000 ids, one batch per
200 ids, none for COUNT(*).  A failing batch fails the query — never a
partial result — and a throttled one is retried.
"""
import math
import os
import sys

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import DSN, PROJECT, Checker, clear_log, control, dump, log, reset  # noqa: E402

t = Checker("test_parallel_fetch")


def overlap(entries):
    edges = sorted([(e["start"], 1) for e in entries] + [(e["end"], -1) for e in entries],
                   key=lambda x: (x[0], x[1]))
    peak = cur = 0
    for _, d in edges:
        cur += d
        peak = max(peak, cur)
    return peak


def requests():
    entries = [e for e in log() if "/_apis/" in e["path"]]
    wiql = [e for e in entries if e["path"].endswith("/_apis/wit/wiql")]
    batch = [e for e in entries if e["path"].endswith("/_apis/wit/workitemsbatch")]
    return entries, wiql, batch


reset(items=3000, seed=7, latency_ms=30)
mine = sorted((i["id"], i["fields"].get("System.Title")) for i in dump()
              if i["fields"].get("System.TeamProject") == PROJECT)
n = len(mine)
t.check(n > 1000, "the project has enough items for several batches (%d)" % n)

cn = pyodbc.connect("DSN=%s" % DSN, autocommit=True)
cur = cn.cursor()

# --- every row, in order, batches overlapped ----------------------------------------------
clear_log()
rows = [tuple(r) for r in cur.execute("SELECT Id, Title FROM WorkItems ORDER BY Id").fetchall()]
entries, wiql, batch = requests()
t.equal(rows, mine, "every row exactly once, in Id order")
t.equal(len(wiql), 1, "one WIQL request for %d ids" % n)
t.equal(len(batch), math.ceil(n / 200), "one batch request per 200 ids")
peak = overlap(batch)
t.check(4 <= peak <= 8, "batches overlapped within MaxConcurrency=8 (peak %d)" % peak)

clear_log()
rows = [tuple(r) for r in cur.execute("SELECT Id, Title FROM WorkItems ORDER BY Id DESC").fetchall()]
t.equal(rows, mine[::-1], "descending order survives the overlap")

# --- the fewest round trips -----------------------------------------------------------------
clear_log()
count = cur.execute("SELECT COUNT(*) FROM WorkItems").fetchone()[0]
entries, wiql, batch = requests()
t.equal(count, n, "COUNT(*) counts every item")
t.equal((len(wiql), len(batch)), (1, 0), "COUNT(*) needs the WIQL only, no batch")

clear_log()
got = cur.execute("SELECT Id, Title FROM WorkItems ORDER BY Id LIMIT 10").fetchall()
entries, wiql, batch = requests()
t.equal([tuple(r) for r in got], mine[:10], "LIMIT 10 returns the first ten")
t.equal((len(wiql), len(batch)), (1, 1), "LIMIT 10 reads one batch")

# a query SQLite ends early (fetchone, then close) reads at most MaxConcurrency batches ahead
clear_log()
c2 = cn.cursor()
c2.execute("SELECT Id, Title FROM WorkItems ORDER BY Id")
first = c2.fetchone()
c2.close()
entries, wiql, batch = requests()
t.equal(tuple(first), mine[0], "the first row of an abandoned query")
t.check(len(batch) <= 8 + 1, "an abandoned query read at most MaxConcurrency batches ahead (%d)" % len(batch))

# --- lookups by id need no WIQL; a join fetches each parent once ----------------------------
items = {i["id"]: i for i in dump()}
other = next(i for i in items.values() if i["fields"].get("System.TeamProject") != PROJECT)
clear_log()
got = cur.execute("SELECT Id, Title FROM WorkItems WHERE Id = ?", mine[5][0]).fetchall()
entries, wiql, batch = requests()
t.equal([tuple(r) for r in got], [mine[5]], "a lookup by id returns its row")
t.equal((len(wiql), len(batch)), (0, 1), "with one batch request and no WIQL")
t.equal(cur.execute("SELECT Id FROM WorkItems WHERE Id = ?", other["id"]).fetchall(), [],
        "an item of another project is not seen (the DSN's Project still scopes lookups)")
t.equal(cur.execute("SELECT Id FROM WorkItems WHERE Id IN (?, ?)", max(items) + 10, mine[0][0]).fetchall()[0][0],
        mine[0][0], "an id that does not exist is simply no row")

children = [i for i in items.values() if i["fields"].get("System.TeamProject") == PROJECT
            and isinstance(i["fields"].get("System.Parent"), int)
            and items.get(i["fields"]["System.Parent"], {}).get("fields", {}).get("System.TeamProject") == PROJECT]
want = sorted((i["id"], items[i["fields"]["System.Parent"]]["fields"]["System.Title"]) for i in children)
parents = {i["fields"]["System.Parent"] for i in children}
t.check(len(children) > len(parents) > 1, "the data has parents with several children (%d children, %d parents)"
        % (len(children), len(parents)))
clear_log()
got = cur.execute("SELECT c.Id, p.Title FROM WorkItems c JOIN WorkItems p ON p.Id = c.ParentId "
                  "ORDER BY c.Id").fetchall()
entries, wiql, batch = requests()
t.equal(sorted(tuple(r) for r in got), want, "the child-parent join returns every pair")
outer = math.ceil(n / 200)
t.check(len(batch) <= outer + len(parents),
        "each parent was fetched once (%d batch requests for %d outer batches and %d parents)"
        % (len(batch), outer, len(parents)))

# --- one request at a time with MaxConcurrency=1 -------------------------------------------
cn1 = pyodbc.connect("DSN=%s;MaxConcurrency=1" % DSN, autocommit=True)
clear_log()
rows = [tuple(r) for r in cn1.cursor().execute("SELECT Id, Title FROM WorkItems ORDER BY Id").fetchall()]
entries, wiql, batch = requests()
t.equal(rows, mine, "MaxConcurrency=1 returns the same rows")
t.equal(overlap(batch), 1, "one batch at a time")
cn1.close()

# --- a failing batch fails the query; a throttled one is retried -----------------------------
control("/_emulator/faults", {"rules": [{"path": "workitemsbatch", "nth": [4], "action": "forbidden403"}]})
err = None
got = None
try:
    got = cn.cursor().execute("SELECT Id, Title FROM WorkItems ORDER BY Id").fetchall()
except pyodbc.Error as e:
    err = e
t.check(err is not None and got is None, "a refused batch fails the query instead of returning part of it (%s)"
        % (str(err)[:160] if err else "%d rows" % len(got)))
control("/_emulator/faults", method="DELETE")

control("/_emulator/faults", {"rules": [{"path": "workitemsbatch", "nth": [3], "action": "429", "retry_after": 1}]})
clear_log()
rows = [tuple(r) for r in cn.cursor().execute("SELECT Id, Title FROM WorkItems ORDER BY Id").fetchall()]
entries, wiql, batch = requests()
t.equal(rows, mine, "a throttled batch is retried and every row comes back")
t.equal(len(batch), math.ceil(n / 200) + 1, "exactly one extra request for the 429")
control("/_emulator/faults", method="DELETE")
cn.close()
t.done()
