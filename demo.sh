#!/bin/sh
# demo.sh — install what is missing, build, start the local Azure DevOps
# emulator with demo data, and run sample queries through isql.
set -eu
cd "$(dirname "$0")"
. tests/deps.sh
azdo_install_deps
azdo_build build

AZDO_DRIVER_SO=$(pwd)/build/.libs/libazdoodbc.so
export AZDO_DRIVER_SO
AZDO_EMU_DIR=$(pwd)/tests/emulator
. tests/emulator/emu_env.sh
emu_start --items 2000 --seed 42
echo
echo "Emulator: $AZDO_EMU_URL (2,000 demo work items; project Fabrikam-Fiber-Git)"
echo "DSN AzDOEmu in $ODBCSYSINI/odbc.ini — the same keys you would use for dev.azure.com"
echo

run() {
    echo "SQL> $1"
    # -m44: isql pads every text column to its full size otherwise
    echo "$1" | isql AzDOEmu -b -v -m44
    echo
}
run "SELECT Id, Title, State, AssignedTo FROM WorkItems WHERE State = 'Active' ORDER BY Id LIMIT 10"
run "SELECT State, COUNT(*) AS Items FROM WorkItems GROUP BY State ORDER BY Items DESC"
run "SELECT AssignedToDisplayName, COUNT(*) AS Items FROM WorkItems WHERE AssignedTo LIKE '%jamal%' GROUP BY AssignedToDisplayName"
run "SELECT Id, Title, RemainingWork, ChangedDate FROM WorkItems WHERE WorkItemType = 'Task' AND RemainingWork > 4 ORDER BY Id DESC LIMIT 5"
run "SELECT COUNT(*) AS AllItems FROM WorkItems"

/usr/bin/python3 - "$AZDO_EMU_PORT" <<'PY'
import collections, json, sys, urllib.request
log = json.load(urllib.request.urlopen("http://127.0.0.1:%s/_emulator/log" % sys.argv[1]))
kinds = collections.Counter(e["path"].rsplit("/_apis/", 1)[-1] for e in log)
print("HTTP requests the driver made for all of the above:",
      ", ".join("%d %s" % (n, k) for k, n in sorted(kinds.items())))
PY
