#!/usr/bin/env bash
# Sets up everything `make run` / `make test` need, idempotently:
#   1. Debian/Ubuntu packages Qt and the checks need (only those missing, only where apt exists);
#   2. a virtualenv (.venv, or $VENV) from pylock.toml: every dependency at the exact
#      version and hash the lock names, then the project itself as `-e .` with no dependencies.
# A second call is a few dpkg/stat look-ups: well under a second.
#
# PYTHON picks the interpreter (default python3) and VENV the folder: `make test-pythons` uses
# both to run the suite on every supported Python found on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
LOCK=pylock.toml
STAMP=$VENV/.installed

# Qt offscreen + xcb runtime, Xvfb for screenshots, poppler for PDF checks, binutils for
# PyInstaller, PostgreSQL's server for the registry tests (they start a throwaway cluster
# themselves: no service is started or needed). Ubuntu 24.04 renamed libglib2.0-0 to
# libglib2.0-0t64; pick what apt knows.
PKGS=(libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
      libxcb-shape0 libxcb-randr0 libxcb-xinerama0 xvfb xauth poppler-utils fonts-dejavu-core binutils
      postgresql)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@";
    elif command -v sudo >/dev/null 2>&1; then sudo "$@";
    else return 1; fi
}

install_system_packages() {
    command -v apt-get >/dev/null 2>&1 || return 0
    local glib=libglib2.0-0
    if ! dpkg-query -W -f='${Status}' libglib2.0-0 2>/dev/null | grep -q "ok installed" &&
       apt-cache show libglib2.0-0t64 >/dev/null 2>&1; then
        glib=libglib2.0-0t64
    fi
    local want=("$glib" "${PKGS[@]}")
    # python3 -m venv needs ensurepip, which Debian splits into python3-venv.
    "$PYTHON" -c 'import ensurepip' 2>/dev/null || want+=(python3-venv)
    local missing=()
    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "bootstrap: installing system packages: ${missing[*]}"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
       ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
        echo "bootstrap: could not install ${missing[*]} (need root or sudo); continuing." >&2
    fi
}

install_venv() {
    if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$STAMP" -nt pyproject.toml ] &&
       [ "$STAMP" -nt "$LOCK" ]; then
        return 0
    fi
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    echo "bootstrap: installing the locked dependencies into $VENV ($("$VENV/bin/python" -V))"
    # Each file checked against the lock's hash (a file that differs is refused), with no
    # dependency resolution: versions the lock does not name cannot slip in.
    "$VENV/bin/python" tools/install_lock.py "$LOCK"
    # The project itself, editable, with nothing more: its dependencies are the lock's.
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps \
        --no-build-isolation -e .
    "$VENV/bin/python" -m pip check
    touch "$STAMP"
}

install_system_packages
install_venv
