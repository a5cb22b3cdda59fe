"""Served the real recorded example bodies (../shared/ado-rest-api-7.1), the
driver returns the values stored there."""
import os
import sys

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import EMU_URL, PAT, Checker, reset  # noqa: E402

t = Checker("test_examples_fixture")
reset(fixture="examples")
cn = pyodbc.connect("DRIVER=AzureDevOps;Url=%s;PWD=%s" % (EMU_URL, PAT), autocommit=True)
cur = cn.cursor()
r = cur.execute("SELECT Title, AssignedTo, AreaPath, RemainingWork, AssignedToDisplayName, AssignedToUniqueName, "
                "CreatedDate, State FROM WorkItems WHERE Id = 299").fetchone()
t.check(r is not None, "item 299 exists")
if r:
    t.equal(r.Title, "JavaScript implementation for Microsoft Account", "Title")
    t.equal(r.AssignedTo, "Jamal Hartnett <fabrikamfiber4@hotmail.com>", "AssignedTo")
    t.equal(r.AreaPath, "Fabrikam-Fiber-Git\\Website", "AreaPath")
    t.equal(r.RemainingWork, 4.0, "RemainingWork")
    t.equal(r.AssignedToDisplayName, "Jamal Hartnett", "AssignedToDisplayName")
    t.equal(r.AssignedToUniqueName, "fabrikamfiber4@hotmail.com", "AssignedToUniqueName")
    t.equal(str(r.CreatedDate), "2014-12-29 20:49:21.617000", "CreatedDate (3 fraction digits in the example)")
    t.equal(r.State, "To Do", "State")
ids = [x[0] for x in cur.execute("SELECT Id FROM WorkItems ORDER BY Id")]
t.equal(ids, [297, 299, 300], "the three recorded items")
# columns come from the real 121-field catalogue, WEF board fields included
cols = [c.column_name for c in cur.columns(table="WorkItems")]
t.check("Effort" in cols and "RemainingWork" in cols, "catalogue fields are columns")
t.check(any(c.startswith("WEF_") and c.endswith("_Kanban_Column") for c in cols), "WEF Kanban column present")
cn.close()
t.done()
