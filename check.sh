#!/bin/sh
# check.sh — install what is missing, build, and run the whole test suite:
# once as built, once under AddressSanitizer + UndefinedBehaviorSanitizer.
set -eu
cd "$(dirname "$0")"
. tests/deps.sh
azdo_install_deps
status=0

azdo_build build
if ! make -C build check; then
    cat build/test-suite.log 2>/dev/null || true
    status=1
fi

azdo_build build-asan --enable-asan
if ! make -C build-asan check; then
    cat build-asan/test-suite.log 2>/dev/null || true
    status=1
fi

# one closing line over both runs: "check: N passed, N failed"
passed=0
failed=0
for log in build/test-suite.log build-asan/test-suite.log; do
    [ -f "$log" ] || { failed=$((failed + 1)); continue; }
    p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
    f=$(sed -n 's/^# \(FAIL\|ERROR\|XPASS\): *//p' "$log" | awk '{s += $1} END {print s + 0}')
    passed=$((passed + ${p:-0}))
    failed=$((failed + f))
done
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
