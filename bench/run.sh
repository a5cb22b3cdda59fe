#!/bin/sh
# bench/run.sh — the azdo-odbc benchmark in one command (docs/benchmark.md).
#
#   bench/run.sh                 full matrix: latency 0,20,50 ms × N 1,000/20,000/100,000
#                                → bench/RESULTS.md, bench/results.png, bench/results.json
#   bench/run.sh --quick         N=1,000 only, 100 inserts → BUILD/bench/quick/ (for development)
#
# Options: --sizes 1000,20000  --latencies 0,50  --inserts N (0 = no writes)
#          --repeat R (runs per cell, fastest kept)  --concurrency C (default 8)
#          --tools "odbc C,pyodbc,node seq,node conc,curl floor"
#          --build-dir DIR (default build/; built with tests/deps.sh's azdo_build if
#            it has no Makefile, else brought up to date with make)
#          --no-build (use the driver already in the build dir as it is)
#          --out DIR (where RESULTS.md, results.png, results.json go)
#
# Needs: cc, unixODBC (-lodbc), libcjson-dev, curl, node + npm (npm installs
# bench/node's locked dependencies from the npm registry the first time — the
# only network access), /usr/bin/python3 with python3-pyodbc.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

SIZES=1000,20000,100000
LATENCIES=0,20,50
INSERTS=1000
REPEAT=1
CONC=8
TOOLS="odbc C,pyodbc,node seq,node conc,curl floor"
BUILD_DIR=build
OUT=
QUICK=0
NO_BUILD=0
while [ $# -gt 0 ]; do
    case $1 in
    --quick) QUICK=1; SIZES=1000; INSERTS=100 ;;
    --sizes) SIZES=$2; shift ;;
    --latencies) LATENCIES=$2; shift ;;
    --inserts) INSERTS=$2; shift ;;
    --repeat) REPEAT=$2; shift ;;
    --concurrency) CONC=$2; shift ;;
    --tools) TOOLS=$2; shift ;;
    --build-dir) BUILD_DIR=$2; shift ;;
    --out) OUT=$2; shift ;;
    --no-build) NO_BUILD=1 ;;
    -h|--help) sed -n "2,21p" "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$ROOT/$BUILD_DIR ;; esac
if [ -z "$OUT" ]; then
    if [ "$QUICK" = 1 ]; then OUT=$BUILD_DIR/bench/quick; else OUT=$ROOT/bench; fi
fi
mkdir -p "$OUT"
T0=$(date +%s)

missing=
for t in cc curl node npm; do command -v $t >/dev/null 2>&1 || missing="$missing $t"; done
/usr/bin/python3 -c 'import pyodbc' 2>/dev/null || missing="$missing python3-pyodbc"
[ -f /usr/include/cjson/cJSON.h ] || missing="$missing libcjson-dev"
[ -f /usr/include/sql.h ] || missing="$missing unixodbc-dev"
if [ -n "$missing" ]; then
    echo "run.sh: missing:$missing (Debian: apt-get install gcc curl nodejs npm python3-pyodbc libcjson-dev unixodbc-dev)" >&2
    exit 1
fi

# 1. the driver
echo "== driver ($BUILD_DIR)" >&2
if [ "$NO_BUILD" = 1 ]; then
    :
elif [ -f "$BUILD_DIR/Makefile" ]; then
    make -C "$BUILD_DIR" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
else
    [ "$BUILD_DIR" = "$ROOT/build" ] || { echo "run.sh: $BUILD_DIR has no Makefile (configure it, or use build/)" >&2; exit 1; }
    . "$ROOT/tests/deps.sh"
    azdo_build build
fi
AZDO_DRIVER_SO=$BUILD_DIR/.libs/libazdoodbc.so
[ -f "$AZDO_DRIVER_SO" ] || { echo "run.sh: no $AZDO_DRIVER_SO" >&2; exit 1; }
export AZDO_DRIVER_SO

# 2. the C clients
BENCH_BIN=$BUILD_DIR/bench
mkdir -p "$BENCH_BIN"
cc -O2 -Wall -Wextra -o "$BENCH_BIN/odbc_fetch" bench/odbc_fetch.c -lodbc
cc -O2 -Wall -Wextra -o "$BENCH_BIN/cjson_parse" bench/cjson_parse.c -lcjson
export BENCH_BIN

# 3. azure-devops-node-api (from the npm registry, as locked)
case $TOOLS in *node*)
    if [ ! -f bench/node/node_modules/.package-lock.json ] ||
        [ bench/node/package-lock.json -nt bench/node/node_modules/.package-lock.json ]; then
        echo "== npm ci (bench/node; needs the npm registry)" >&2
        (cd bench/node && npm ci --no-audit --no-fund --loglevel=error) >&2
    fi ;;
esac
export BENCH_NODE_DIR=$ROOT/bench/node BENCH_PYODBC_PYTHON=/usr/bin/python3

# 4. the emulator (its own instance; emu_stop runs on exit) and two DSNs:
#    AzDOBenchOrg (whole organization, reads), AzDOBenchProj (inserts).
. "$ROOT/tests/emulator/emu_env.sh"
emu_start --items 1000
cat >>"$ODBCSYSINI/odbc.ini" <<EOF

[AzDOBenchOrg]
Driver=AzureDevOps
Url=$AZDO_EMU_URL
PWD=$AZDO_TEST_PAT

[AzDOBenchProj]
Driver=AzureDevOps
Url=$AZDO_EMU_URL
Project=Fabrikam-Fiber-Git
PWD=$AZDO_TEST_PAT
EOF

# 5. the matrix, then the report
CMD="bench/run.sh"
[ "$QUICK" = 1 ] && CMD="$CMD --quick"
[ "$SIZES" != 1000,20000,100000 ] && [ "$QUICK" = 0 ] && CMD="$CMD --sizes $SIZES"
[ "$LATENCIES" != 0,20,50 ] && CMD="$CMD --latencies $LATENCIES"
[ "$REPEAT" != 1 ] && CMD="$CMD --repeat $REPEAT"
[ "$CONC" != 8 ] && CMD="$CMD --concurrency $CONC"
echo "== benchmark: sizes $SIZES, latencies $LATENCIES ms, inserts $INSERTS, concurrency $CONC" >&2
python3 bench/bench.py --sizes "$SIZES" --latencies "$LATENCIES" --inserts "$INSERTS" --repeat "$REPEAT" \
    --concurrency "$CONC" --tools "$TOOLS" --out "$OUT/results.json"
python3 bench/report.py "$OUT/results.json" "$OUT/RESULTS.md" "$OUT/results.png" --command "$CMD"
echo "== done in $(( $(date +%s) - T0 )) s: $OUT/RESULTS.md, $OUT/results.png" >&2
