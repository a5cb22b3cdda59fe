"""COUNT(*) over 50,000 items: past the 20,000 WIQL cap, with no per-item or
batch requests, whichever way the service applies $top to the cap."""
import os
import sys

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import EMU_URL, PAT, Checker, clear_log, control, log, reset  # noqa: E402

t = Checker("test_count_50k")
for mode in ("lenient", "strict"):
    reset(items=50000, seed=3, top_mode=mode)
    cn = pyodbc.connect("DRIVER=AzureDevOps;Url=%s;PWD=%s" % (EMU_URL, PAT), autocommit=True)
    clear_log()
    n = cn.cursor().execute("SELECT COUNT(*) FROM WorkItems").fetchone()[0]
    t.equal(n, 50000, "COUNT(*) in %s mode" % mode)
    entries = log()
    paths = {e["path"] for e in entries}
    t.equal(paths, {"/fabrikam/_apis/wit/wiql"}, "%s mode: only WIQL requests" % mode)
    if mode == "lenient":
        t.equal(len(entries), 3, "one WIQL per 20,000 ids")
    t.check(all(e["status"] in (200, 400) for e in entries), "no unexpected statuses")
    # rows past the cap come back whole and in order
    clear_log()
    all_ids = sorted(i["id"] for i in control("/_emulator/dump?fields=System.Id")["items"])
    lo, hi = all_ids[19990], all_ids[40010]
    ids = [r[0] for r in cn.cursor().execute("SELECT Id FROM WorkItems WHERE Id > ? AND Id <= ? ORDER BY Id", lo, hi)]
    t.equal(ids, [i for i in all_ids if lo < i <= hi], "%s mode: Id range across pages" % mode)
    cn.close()
t.done()
