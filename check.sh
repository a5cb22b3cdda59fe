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

[ "$status" -eq 0 ] && echo "check.sh: all test suites passed"
exit $status
