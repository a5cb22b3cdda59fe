#!/bin/sh
# run-test.sh — how `make check` runs every test (automake LOG_COMPILER).
#
# Tests under tests/odbc/ and tests/clients/ talk to the driver through the
# real unixODBC driver manager, so each gets its own emulator on a free
# loopback port and a sandbox ODBCSYSINI with the DSN `AzDOEmu` pointing at
# it (tests/emulator/emu_env.sh).  Python tests run with Debian's
# /usr/bin/python3, which has pyodbc; PHP tests with php (php-cli, php-odbc).
# Unit and vtab tests run as they are.
set -u
test_path=$1
shift

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
export top_srcdir top_builddir

case "$test_path" in
*.py) runner=/usr/bin/python3 ;;
*.sh) runner=sh ;;
*.php) runner=php ;;
*) runner= ;;
esac

case "$test_path" in
*tests/odbc/* | *tests/clients/*)
    AZDO_DRIVER_SO="$top_builddir/.libs/libazdoodbc.so"
    export AZDO_DRIVER_SO
    if [ ! -f "$AZDO_DRIVER_SO" ]; then
        echo "run-test: $AZDO_DRIVER_SO is not built" >&2
        exit 99
    fi
    AZDO_EMU_DIR="$top_srcdir/tests/emulator"
    . "$top_srcdir/tests/emulator/emu_env.sh"
    emu_start || exit 99
    AZDO_TEST_DSN=AzDOEmu
    export AZDO_TEST_DSN
    # A driver built with --enable-asan needs the sanitizer runtimes in the
    # (uninstrumented) client process.  Leaks are checked by the C tests, and
    # libc string interception is off here because it reports bugs in the
    # clients themselves (iusql's overlapping strncpy), not in the driver,
    # whose own memory accesses stay instrumented.
    if [ -n "${AZDO_ASAN_PRELOAD:-}" ]; then
        LD_PRELOAD="$AZDO_ASAN_PRELOAD"
        ASAN_OPTIONS="detect_leaks=0:replace_str=0:intercept_strlen=0:intercept_strchr=0:intercept_strndup=0:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
        case "$test_path" in
        *.php)
            # PHP dlopens its extensions with RTLD_DEEPBIND, which the ASan
            # runtime aborts on: a shim preloaded ahead of it drops the flag
            # (tests/clients/nodeepbind.c), so the runtime is not first.
            LD_PRELOAD="$top_builddir/tests/clients/.libs/libnodeepbind.so $LD_PRELOAD"
            ASAN_OPTIONS="verify_asan_link_order=0:$ASAN_OPTIONS"
            ;;
        esac
        export LD_PRELOAD ASAN_OPTIONS
    fi
    # run in a subshell so emu_stop (the EXIT trap) still runs afterwards
    ($runner "$test_path" "$@")
    rc=$?
    exit $rc
    ;;
esac
exec $runner "$test_path" "$@"
