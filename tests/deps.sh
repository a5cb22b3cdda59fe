# deps.sh — sourced by demo.sh and check.sh: install what a fresh Debian 12
# machine lacks (by package name, from Debian's archive) and build.
# Nothing else is downloaded.

AZDO_DEB_PACKAGES="gcc make autoconf automake libtool pkg-config
 unixodbc unixodbc-dev odbcinst libcurl4-openssl-dev libcjson-dev libsqlite3-dev
 libcmocka-dev python3 python3-pyodbc libdbd-odbc-perl php-cli php-odbc"

azdo_install_deps() {
    missing=
    for p in $AZDO_DEB_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "Installing missing Debian packages:$missing"
    sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq || return 1
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing || return 1
}

# azdo_build DIR [configure options…] — out-of-tree build in DIR
azdo_build() {
    dir=$1
    shift
    [ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] || autoreconf -fi || return 1
    mkdir -p "$dir" || return 1
    (cd "$dir" && { [ -f Makefile ] && [ Makefile -nt ../configure ] || ../configure --quiet "$@"; } &&
        make -j"$(nproc 2>/dev/null || echo 2)") || return 1
}
