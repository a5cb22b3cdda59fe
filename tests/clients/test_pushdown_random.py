"""Randomized proof that pushdown never changes a result.

The project's items are copied into a local SQLite table with the same
declared types by a plain scan (INSERT INTO local SELECT * FROM WorkItems,
which pushes nothing but the project).  Then random queries run twice — over WorkItems, where WHERE /
ORDER BY / LIMIT go to WIQL, and over the local copy, where SQLite does
everything — and must return the same rows.  The request log proves the
conditions really reached the service.
"""
import os
import random
import sys

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import DSN, Checker, clear_log, log, reset  # noqa: E402

SEED = int(os.environ.get("AZDO_RANDOM_SEED", "20261122"))
N_QUERIES = int(os.environ.get("AZDO_RANDOM_QUERIES", "300"))
rng = random.Random(SEED)
t = Checker("test_pushdown_random")

reset(items=1500, seed=5)
cn = pyodbc.connect("DSN=%s" % DSN, autocommit=True)
cur = cn.cursor()
clear_log()
# the same declared types as WorkItems, so both are described alike
cols = cur.execute("SELECT group_concat('\"' || name || '\" ' || type, ', ') FROM pragma_table_info('WorkItems')").fetchone()[0]
cur.execute("CREATE TEMP TABLE local(%s)" % cols)
cur.execute("INSERT INTO local SELECT * FROM WorkItems")
# the size of the unfiltered WIQL answer: a pushed condition makes it smaller
full_bytes = max(e["bytes"] for e in log() if e["path"].endswith("/wit/wiql"))
n_local = cur.execute("SELECT COUNT(*) FROM local").fetchone()[0]
t.check(n_local > 300, "the local copy holds the project's items (%d)" % n_local)


def sample(col, k=1):
    vals = [r[0] for r in cur.execute("SELECT DISTINCT %s FROM local WHERE %s IS NOT NULL" % (col, col))]
    return rng.sample(vals, min(k, len(vals))) if vals else []


def q(s):
    return "'" + s.replace("'", "''") + "'"


states = sample("State", 10)
titles = sample("Title", 50)
people = sample("AssignedTo", 20)
names = sample("AssignedToDisplayName", 20)
areas = sample("AreaPath", 20)
# as the text SQLite compares (the driver's stored form)
dates = [d.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] for d in sample("ChangedDate", 50)]
types = sample("WorkItemType", 10)
tags = sample("Tags", 20)
max_id = cur.execute("SELECT MAX(Id) FROM local").fetchone()[0]


def case_noise(s):
    r = rng.random()
    return s.lower() if r < 0.2 else s.upper() if r < 0.3 else s


def sub(s):
    if len(s) < 3:
        return s
    a = rng.randrange(0, len(s) - 2)
    return s[a:a + rng.randrange(2, min(8, len(s) - a) + 1)]


def term():
    k = rng.randrange(22)
    if k == 0:
        return "Id = %d" % rng.randrange(1, max_id + 2)
    if k == 1:
        return "Id %s %s" % (rng.choice(["<", "<=", ">", ">=", "<>"]),
                             rng.choice([str(rng.randrange(1, max_id)), "%d.5" % rng.randrange(max_id), "'%d'" % rng.randrange(max_id), "'x'"]))
    if k == 2:
        return "Id IN (%s)" % ", ".join(rng.choice([str(rng.randrange(1, max_id)), "'7'", "NULL", "2.5"]) for _ in range(rng.randrange(1, 6)))
    if k == 3:
        return "State = %s" % q(case_noise(rng.choice(states)))
    if k == 4:
        return "State IN (%s)" % ", ".join(q(case_noise(s)) for s in rng.sample(states, min(2, len(states))))
    if k == 5:
        return "Title = %s" % q(case_noise(rng.choice(titles)))
    if k == 6:
        return "Title LIKE %s" % q("%" + case_noise(sub(rng.choice(titles))) + "%")
    if k == 7:
        return "AssignedTo = %s" % q(case_noise(rng.choice(people))) if people else "1"
    if k == 8:
        return "AssignedTo LIKE %s" % q("%" + sub(rng.choice(people)) + "%") if people else "1"
    if k == 9:
        return rng.choice(["AssignedTo IS NULL", "AssignedTo IS NOT NULL", "Priority IS NULL", "RemainingWork IS NOT NULL"])
    if k == 10:
        return "Priority %s %s" % (rng.choice(["=", "<", "<=", ">", ">=", "<>"]), rng.choice(["1", "2", "3", "'2'", "2.5", "'high'"]))
    if k == 11:
        return "Priority IN (%s)" % ", ".join(rng.sample(["1", "2", "3", "4"], rng.randrange(1, 4)))
    if k == 12:
        return "RemainingWork %s %s" % (rng.choice(["<", ">", "="]), rng.choice(["0", "1.5", "4", "8"]))
    if k == 13:
        d = rng.choice(dates)
        lit = rng.choice([d, d[:10], d[:19].replace(" ", "T") + "Z", d[:16], d[:10] + " 23:59:59"])
        return "ChangedDate %s %s" % (rng.choice(["=", "<", "<=", ">", ">="]), q(lit))
    if k == 14:
        return "ChangedDate BETWEEN %s AND %s" % tuple(q(x) for x in sorted([rng.choice(dates), rng.choice(dates)]))
    if k == 15:
        a = rng.choice(areas)
        return "AreaPath LIKE %s" % q(case_noise(a[: rng.randrange(len(a) // 2, len(a) + 1)]) + "%")
    if k == 16:
        return "AreaPath = %s" % q(case_noise(rng.choice(areas)))
    if k == 17:
        return "WorkItemType IN (%s)" % ", ".join(q(x) for x in rng.sample(types, min(2, len(types))))
    if k == 18:
        return "AssignedToDisplayName = %s" % q(case_noise(rng.choice(names))) if names else "1"
    if k == 19:
        return "Tags LIKE %s" % q("%" + sub(rng.choice(tags)) + "%") if tags else "1"
    if k == 20:
        return "Title = %s" % q(rng.choice(["x' OR 1=1 --", "' OR ''='", " padded ", "O'Brien"]))
    return "NOT (%s)" % term()


def where():
    n = rng.randrange(0, 4)
    if n == 0:
        return ""
    parts = [term()]
    for _ in range(n - 1):
        parts.append(rng.choice([" AND ", " AND ", " OR "]) + term())
    return " WHERE " + "".join(parts)


pushed = 0
mismatches = 0
for i in range(N_QUERIES):
    cols = rng.choice(["Id", "Id, Title", "Id, State, AssignedTo, ChangedDate", "*", "COUNT(*)"])
    w = where()
    tail = ""
    if cols != "COUNT(*)":
        tail = rng.choice([" ORDER BY Id", " ORDER BY Id DESC", " ORDER BY Id LIMIT %d" % rng.randrange(0, 30),
                           " ORDER BY Id DESC LIMIT %d OFFSET %d" % (rng.randrange(1, 30), rng.randrange(0, 50))])
    sql = "SELECT " + cols + " FROM @T@" + w + tail
    clear_log()
    try:
        remote = [tuple(r) for r in cur.execute(sql.replace("@T@", "WorkItems")).fetchall()]
    except pyodbc.Error as e:
        t.check(False, "query %d failed over WorkItems: %s: %s" % (i, sql.replace("@T@", "WorkItems"), e))
        continue
    wiql = [e for e in log() if e["path"].endswith("/wit/wiql")]
    local = [tuple(r) for r in cur.execute(sql.replace("@T@", "local")).fetchall()]
    if remote != local:
        mismatches += 1
        t.equal(remote, local, "query %d (seed %d): %s" % (i, SEED, sql.replace("@T@", "WorkItems")))
    else:
        t.passed += 1
    if wiql and max(e["bytes"] for e in wiql) < full_bytes * 0.9:
        pushed += 1
t.check(mismatches == 0, "no query changed its result under pushdown")
t.check(pushed > N_QUERIES // 3, "the service filtered in many queries (%d of %d)" % (pushed, N_QUERIES))
cn.close()
t.done()
