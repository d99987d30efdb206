#!/usr/bin/env bash
# `make test-pythons`: the whole of `make test` on every supported Python (3.11 and up) found
# on this machine, each in its own virtualenv (.venv-3.N) installed from pylock.toml.
# Finds interpreters on PATH (python3.N) and under pyenv; says which it ran and which it did not
# find, and fails if any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."

find_python() {  # $1 = minor version; prints a working interpreter's path or nothing
    local minor=$1 candidate
    for candidate in "$(command -v "python3.$minor" 2>/dev/null)" \
        "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3."$minor".*/bin/python3."$minor"; do
        [ -n "$candidate" ] && [ -x "$candidate" ] || continue
        # A pyenv shim exists for versions it will refuse to run: ask the interpreter itself.
        if "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != (3, $minor))" 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
}

declare -a ran=() failed=() missing=()
for minor in 11 12 13; do
    py=$(find_python "$minor")
    if [ -z "$py" ]; then
        missing+=("3.$minor")
        continue
    fi
    echo "=== Python 3.$minor: $py"
    if make --no-print-directory test PYTHON="$py" VENV=".venv-3.$minor"; then
        ran+=("3.$minor")
    else
        failed+=("3.$minor")
    fi
done
echo "test-pythons: passed on ${ran[*]:-none}; failed on ${failed[*]:-none}; not found: ${missing[*]:-none}"
[ ${#failed[@]} -eq 0 ] && [ ${#ran[@]} -gt 0 ]
