# emu_env.sh — sourceable harness: run the Azure DevOps emulator for a test
# or a demo, with an ODBC sandbox pointing at it.  POSIX sh (works in dash
# and bash).
#
#   AZDO_DRIVER_SO=/path/to/libazdoodbc.so
#   . tests/emulator/emu_env.sh
#   emu_start [emulator args…]     # e.g. emu_start --items 2000 --seed 7
#   isql -v AzDOEmu …              # or any ODBC client
#   emu_reset '{"auth_failure":"203"}'
#   emu_log                        # request log as JSON
#   emu_faults '{"rules":[{"path":"wiql","first":2,"action":"429"}]}'
#   emu_faults clear
#   emu_clock 3600                 # move the emulator clock (token expiry) forward
#   emu_refresh_token [uniqueName] # prints a fresh refresh token for AZDO_TEST_CLIENT_ID
#   emu_tokens                     # token counters (never token values)
#   emu_stop                       # also runs automatically on EXIT
#
# emu_start exports:
#   AZDO_EMU_PORT, AZDO_EMU_URL (=http://127.0.0.1:PORT/fabrikam),
#   AZDO_EMU_ROOT (=http://127.0.0.1:PORT), AZDO_EMU_TENANT (fixed fake tenant id;
#     Entra token URL: $AZDO_EMU_ROOT/$AZDO_EMU_TENANT/oauth2/v2.0/token,
#     legacy Azure DevOps OAuth: $AZDO_EMU_ROOT/oauth2/token),
#   AZDO_TEST_PAT (fresh random PAT),
#   AZDO_TEST_CLIENT_ID, AZDO_TEST_CLIENT_SECRET (fresh random app / service
#     principal), AZDO_TEST_REDIRECT_URI (its registered callback),
#   AZDO_TEST_ACCESS_TOKEN (fresh random ready-made bearer token),
#   AZDO_EMU_SANDBOX (temp dir), ODBCSYSINI (=sandbox; ODBCINI is unset) and
#   AZDO_EMU_PID.
# Every credential acts as fabrikamfiber4@hotmail.com.  They reach the
# emulator only through its environment (AZDO_EMULATOR_PATS, _CLIENTS,
# _ACCESS_TOKENS), never its command line, which `ps` would show.
# Note: emu_start installs `trap emu_stop EXIT`, replacing any EXIT trap.

if [ -n "${BASH_SOURCE:-}" ]; then
    AZDO_EMU_DIR=$(cd "$(dirname "${BASH_SOURCE}")" && pwd)
elif [ -z "${AZDO_EMU_DIR:-}" ]; then
    # dash has no BASH_SOURCE: assume the caller sourced it from the repo root
    # (or set AZDO_EMU_DIR before sourcing).
    AZDO_EMU_DIR=$(pwd)/tests/emulator
fi
: "${AZDO_EMU_PYTHON:=python3}"

_emu_hex() {
    od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'
}

# _emu_control METHOD ROUTE [BODY] — calls /_emulator/ROUTE, prints the
# answer; on an HTTP error prints it to stderr and fails.
_emu_control() {
    "$AZDO_EMU_PYTHON" - "http://127.0.0.1:$AZDO_EMU_PORT/_emulator/$2" "$1" "${3:-}" <<'PY'
import sys, urllib.request, urllib.error
url, method, body = sys.argv[1], sys.argv[2], sys.argv[3]
req = urllib.request.Request(url, data=body.encode() if body else None, method=method,
                             headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=120) as r:
        print(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.read().decode(), file=sys.stderr)
    sys.exit(1)
PY
}

emu_start() {
    if [ -n "${AZDO_EMU_PID:-}" ]; then
        echo "emu_start: emulator already running (pid $AZDO_EMU_PID)" >&2
        return 1
    fi
    if [ ! -f "$AZDO_EMU_DIR/azdo_emulator.py" ]; then
        echo "emu_start: cannot find $AZDO_EMU_DIR/azdo_emulator.py (set AZDO_EMU_DIR)" >&2
        return 1
    fi
    AZDO_EMU_SANDBOX=$(mktemp -d "${TMPDIR:-/tmp}/azdo-emu.XXXXXX") || return 1
    export AZDO_EMU_SANDBOX
    trap emu_stop EXIT

    # Fresh secrets per run (random bytes as hex).
    AZDO_TEST_PAT=$(_emu_hex 32)
    _emu_h=$(_emu_hex 16)
    AZDO_TEST_CLIENT_ID=$(printf '%s-%s-%s-%s-%s' "$(printf %s "$_emu_h" | cut -c1-8)" \
        "$(printf %s "$_emu_h" | cut -c9-12)" "$(printf %s "$_emu_h" | cut -c13-16)" \
        "$(printf %s "$_emu_h" | cut -c17-20)" "$(printf %s "$_emu_h" | cut -c21-32)")
    # Shaped like a current Entra secret: 40 characters with "8Q~" at 4..6.
    AZDO_TEST_CLIENT_SECRET="$(_emu_hex 2 | cut -c1-3)8Q~$(_emu_hex 17)"
    # Real access tokens are 1-2.5 KB JWTs; this one is JWT-shaped and ~1.5 KB.
    AZDO_TEST_ACCESS_TOKEN="eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.$(_emu_hex 600).$(_emu_hex 128)"
    AZDO_TEST_REDIRECT_URI=https://localhost/callback
    AZDO_EMU_TENANT=6c5f6c1e-5b8a-4d7e-9a3f-2f1fab71c0de
    export AZDO_TEST_PAT AZDO_TEST_CLIENT_ID AZDO_TEST_CLIENT_SECRET AZDO_TEST_ACCESS_TOKEN \
        AZDO_TEST_REDIRECT_URI AZDO_EMU_TENANT

    AZDO_EMULATOR_PATS="$AZDO_TEST_PAT=fabrikamfiber4@hotmail.com" \
    AZDO_EMULATOR_CLIENTS="$AZDO_TEST_CLIENT_ID:$AZDO_TEST_CLIENT_SECRET:fabrikamfiber4@hotmail.com:$AZDO_TEST_REDIRECT_URI" \
    AZDO_EMULATOR_ACCESS_TOKENS="$AZDO_TEST_ACCESS_TOKEN=fabrikamfiber4@hotmail.com" \
    AZDO_EMULATOR_TENANT="$AZDO_EMU_TENANT" \
        "$AZDO_EMU_PYTHON" "$AZDO_EMU_DIR/azdo_emulator.py" \
        --host 127.0.0.1 --port 0 --port-file "$AZDO_EMU_SANDBOX/port" \
        --log "$AZDO_EMU_SANDBOX/requests.jsonl" "$@" \
        >"$AZDO_EMU_SANDBOX/emulator.out" 2>&1 &
    AZDO_EMU_PID=$!
    export AZDO_EMU_PID

    _emu_i=0
    while [ ! -s "$AZDO_EMU_SANDBOX/port" ]; do
        if ! kill -0 "$AZDO_EMU_PID" 2>/dev/null; then
            echo "emu_start: emulator exited during startup:" >&2
            cat "$AZDO_EMU_SANDBOX/emulator.out" >&2
            AZDO_EMU_PID=
            emu_stop
            return 1
        fi
        _emu_i=$((_emu_i + 1))
        if [ "$_emu_i" -gt 150 ]; then
            echo "emu_start: no port file after 15 s" >&2
            cat "$AZDO_EMU_SANDBOX/emulator.out" >&2
            emu_stop
            return 1
        fi
        sleep 0.1
    done
    AZDO_EMU_PORT=$(cat "$AZDO_EMU_SANDBOX/port")
    AZDO_EMU_ROOT="http://127.0.0.1:$AZDO_EMU_PORT"
    AZDO_EMU_URL="$AZDO_EMU_ROOT/fabrikam"
    export AZDO_EMU_PORT AZDO_EMU_URL AZDO_EMU_ROOT

    if [ -z "${AZDO_DRIVER_SO:-}" ]; then
        echo "emu_start: warning: AZDO_DRIVER_SO is not set; odbcinst.ini has an empty Driver=" >&2
    fi
    cat >"$AZDO_EMU_SANDBOX/odbcinst.ini" <<EOF
[AzureDevOps]
Description=Azure DevOps ODBC driver (test build)
Driver=${AZDO_DRIVER_SO:-}
Threading=1
EOF
    # The DSN file holds the PAT: keep the sandbox private (mktemp -d is 0700).
    cat >"$AZDO_EMU_SANDBOX/odbc.ini" <<EOF
[AzDOEmu]
Driver=AzureDevOps
Description=azdo-odbc against the local emulator
Url=$AZDO_EMU_URL
Project=Fabrikam-Fiber-Git
PWD=$AZDO_TEST_PAT
EOF
    chmod 600 "$AZDO_EMU_SANDBOX/odbc.ini"
    ODBCSYSINI=$AZDO_EMU_SANDBOX
    export ODBCSYSINI
    unset ODBCINI
    return 0
}

emu_stop() {
    if [ -n "${AZDO_EMU_PID:-}" ]; then
        kill "$AZDO_EMU_PID" 2>/dev/null
        wait "$AZDO_EMU_PID" 2>/dev/null
        AZDO_EMU_PID=
    fi
    if [ -n "${AZDO_EMU_SANDBOX:-}" ] && [ -d "$AZDO_EMU_SANDBOX" ]; then
        rm -rf "$AZDO_EMU_SANDBOX"
    fi
    AZDO_EMU_SANDBOX=
    unset AZDO_EMU_PORT AZDO_EMU_URL AZDO_EMU_ROOT AZDO_EMU_PID
    return 0
}

# emu_reset '<json>' — POST /_emulator/reset; prints the server's answer.
emu_reset() {
    _emu_body=${1:-}
    [ -n "$_emu_body" ] || _emu_body='{}'
    "$AZDO_EMU_PYTHON" - "http://127.0.0.1:$AZDO_EMU_PORT/_emulator/reset" "$_emu_body" <<'PY'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST",
                             headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=120) as r:
        print(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.read().decode(), file=sys.stderr)
    sys.exit(1)
PY
}

# emu_log [clear] — prints the request log (JSON array); `emu_log clear` empties it.
emu_log() {
    _emu_method=GET
    [ "${1:-}" = clear ] && _emu_method=DELETE
    "$AZDO_EMU_PYTHON" - "http://127.0.0.1:$AZDO_EMU_PORT/_emulator/log" "$_emu_method" <<'PY'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], method=sys.argv[2])
with urllib.request.urlopen(req, timeout=30) as r:
    print(r.read().decode())
PY
}

# emu_faults '<json>' — POST /_emulator/faults ({"rules":[…]}); `emu_faults clear`
# deletes every rule; `emu_faults` alone prints the rules and their counters.
emu_faults() {
    case "${1:-}" in
    "") _emu_control GET faults ;;
    clear) _emu_control DELETE faults ;;
    *) _emu_control POST faults "$1" ;;
    esac
}

# emu_clock SECONDS — moves the emulator clock forward (expires tokens).
emu_clock() {
    _emu_control POST clock "{\"advance_s\": ${1:-0}}"
}

# emu_tokens — token counters (issued, refreshed, rotated, …; never values).
emu_tokens() {
    _emu_control GET tokens
}

# emu_refresh_token [uniqueName] — prints only a new refresh token for
# $AZDO_TEST_CLIENT_ID (default identity: fabrikamfiber4@hotmail.com).
emu_refresh_token() {
    _emu_body="{\"client_id\": \"$AZDO_TEST_CLIENT_ID\"${1:+, \"user\": \"$1\"}}"
    _emu_control POST refresh_token "$_emu_body" | "$AZDO_EMU_PYTHON" -c \
        'import json, sys; print(json.load(sys.stdin)["refresh_token"])'
}
