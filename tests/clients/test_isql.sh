#!/bin/sh
# The issue's query through unixODBC's own clients, isql (ANSI) and iusql
# (Unicode), against the emulator DSN; the expected rows come from the
# emulator's data, not from this script.
set -u
: "${AZDO_TEST_DSN:=AzDOEmu}"
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
QUERY="SELECT Id, Title, State, AssignedTo FROM WorkItems WHERE State = 'Active' ORDER BY Id"

/usr/bin/python3 - "$work/expected" <<'PY'
import json, os, sys, urllib.request
root = "http://127.0.0.1:%s" % os.environ["AZDO_EMU_PORT"]
urllib.request.urlopen(urllib.request.Request(root + "/_emulator/reset", data=b'{"items": 400, "seed": 21}',
                       method="POST", headers={"Content-Type": "application/json"}), timeout=60).read()
items = json.load(urllib.request.urlopen(root + "/_emulator/dump", timeout=60))["items"]
def ident(v):
    if not v: return ""
    return "%s <%s>" % (v["displayName"], v["uniqueName"]) if v.get("uniqueName") else v["displayName"]
lines = []
for i in sorted(items, key=lambda i: i["id"]):
    fl = i["fields"]
    if fl.get("System.TeamProject") == "Fabrikam-Fiber-Git" and fl.get("System.State") == "Active":
        lines.append("%d|%s|%s|%s\n" % (i["id"], fl.get("System.Title", ""), fl["System.State"], ident(fl.get("System.AssignedTo"))))
with open(sys.argv[1] + ".isql", "wb") as f:
    f.write("".join(lines).encode("utf-8"))
# iusql reads SQL_C_WCHAR and prints the low byte of each UTF-16 code unit
# (its own limitation, not the driver's): derive what it shows from the same rows.
with open(sys.argv[1] + ".iusql", "wb") as f:
    u16 = "".join(lines).encode("utf-16-le")
    f.write(bytes(u16[k] for k in range(0, len(u16), 2)))
PY
n=$(wc -l <"$work/expected.isql")
[ "$n" -gt 5 ] && ok || fail "the seed should have active items (got $n)"

for client in isql iusql; do
    # -b batch, -d| delimited rows (the default 300-character width fits every title)
    if echo "$QUERY" | LC_ALL=C.UTF-8 $client "$AZDO_TEST_DSN" -b -d'|' >"$work/$client.out" 2>"$work/$client.err"; then
        ok
    else
        fail "$client exited with an error: $(cat "$work/$client.err")"
    fi
    # keep the data rows (isql adds a "SQLRowCount returns" line on some versions)
    grep -aE '^[0-9]+\|' "$work/$client.out" >"$work/$client.rows"
    if cmp -s "$work/$client.rows" "$work/expected.$client"; then
        ok
    else
        fail "$client rows differ from the emulator's active items:"
        diff "$work/expected.$client" "$work/$client.rows" | head -20
    fi
done

# help and help WorkItems (isql: SQLTables with all NULL, SQLColumns(NULL, NULL, "WorkItems",
# NULL)) must list the table and its columns, row for row what the catalog functions answer
# to pyodbc (NULL prints as an empty field)
/usr/bin/python3 - "$work/catalog" <<'PY'
import os, sys, pyodbc
cur = pyodbc.connect("DSN=" + os.environ.get("AZDO_TEST_DSN", "AzDOEmu"), autocommit=True).cursor()
def text(rows, cols):
    return "".join("|".join("" if v is None else str(v) for v in r) + "\n" for r in [cols] + rows)
t = cur.tables().fetchall()
with open(sys.argv[1] + ".tables", "w") as f:
    f.write(text([tuple(r) for r in t], [d[0].upper() for d in cur.description]))
c = cur.columns(table="WorkItems").fetchall()
with open(sys.argv[1] + ".columns", "w") as f:
    f.write(text([tuple(r) for r in c], [d[0].upper() for d in cur.description]))
PY
grep -q '|WorkItems|TABLE|' "$work/catalog.tables" && ok || fail "SQLTables does not list WorkItems"
[ "$(wc -l <"$work/catalog.columns")" -gt 20 ] && ok || fail "SQLColumns lists too few WorkItems columns"
grep -q '|WorkItems|AssignedToDisplayName|' "$work/catalog.columns" && ok || fail "SQLColumns lacks AssignedToDisplayName"
for client in isql iusql; do
    echo "help" | $client "$AZDO_TEST_DSN" -b -c -d'|' >"$work/$client.help" 2>&1
    if cmp -s "$work/$client.help" "$work/catalog.tables"; then ok; else
        fail "$client help differs from SQLTables:"
        diff "$work/catalog.tables" "$work/$client.help" | head -10
    fi
    echo "help WorkItems" | $client "$AZDO_TEST_DSN" -b -c -d'|' >"$work/$client.helpcols" 2>&1
    if cmp -s "$work/$client.helpcols" "$work/catalog.columns"; then ok; else
        fail "$client help WorkItems differs from SQLColumns:"
        diff "$work/catalog.columns" "$work/$client.helpcols" | head -10
    fi
done

# a wrong PAT: isql reports 28000 and the secret never appears
if isql -v "$AZDO_TEST_DSN" x wrong-pat-value </dev/null >"$work/bad.out" 2>&1; then
    fail "isql connected with a wrong PAT"
else
    if grep -q "28000" "$work/bad.out"; then ok; else fail "wrong PAT: no 28000 in: $(cat "$work/bad.out")"; fi
fi
if grep -q "$AZDO_TEST_PAT" "$work"/*.out "$work"/*.err 2>/dev/null; then fail "the PAT appears in client output"; else ok; fi

echo "test_isql: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
