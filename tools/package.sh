#!/usr/bin/env bash
# `make package`: builds the one-folder bundle dist/rasoat/ with PyInstaller on this machine,
# reports its size, then runs the bundle's own self-test offscreen. Idempotent: each run starts
# from a clean work folder and replaces dist/rasoat/. The Makefile runs tools/bootstrap.sh first.
#
#   tools/package.sh --test    then the bundle's tests too (tests/packaging, about 40-70 s): a
#                              CI job of its own, apart from `make test`
set -euo pipefail
cd "$(dirname "$0")/.."
TEST=0
case "${1:-}" in
    --test) TEST=1 ;;
    "") ;;
    *) echo "usage: tools/package.sh [--test]" >&2; exit 2 ;;
esac

VENV=.venv
DIST=dist
WORK=build/pyinstaller

# Recorded to the nanosecond: to the second, a file changed just before the build, in the
# same second, looked changed after it, and the tests comparing file times skipped it.
start_epoch=$(date +%s.%N)
start=${start_epoch%.*}
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/rasoat.spec
built=$(date +%s)

size_mb=$(du -sm "$DIST/rasoat" | cut -f1)
files=$(find "$DIST/rasoat" -type f | wc -l)
echo "package: $DIST/rasoat/ built in $((built - start)) s: ${size_mb} MB, ${files} files"
# Beside the bundle, not in it: when the build started (tests/packaging/test_bundle.py does not
# expect files added after that) and what it measured.
printf 'started_epoch=%s\nbuild_seconds=%s\nsize_mb=%s\nfiles=%s\ncommit=%s\n' \
    "$start_epoch" "$((built - start))" "$size_mb" "$files" "$(git rev-parse --short HEAD 2>/dev/null || echo none)" \
    > "$DIST/rasoat-build.txt"

# The self-test uses its own throw-away RASOAT_HOME so building never touches the builder's
# own settings, logs or communes.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
echo "package: running $DIST/rasoat/rasoat --self-test"
if ! QT_QPA_PLATFORM=offscreen RASOAT_HOME="$home" "$DIST/rasoat/rasoat" --self-test; then
    echo "package: the bundle's self-test FAILED (log: $home/logs/rasoat.log)" >&2
    cat "$home/logs/rasoat.log" >&2 2>/dev/null || true
    exit 1
fi
echo "package: OK"
if [ "$TEST" = 1 ]; then
    # Against this bundle, whatever RASOAT_BUNDLE says in the caller's environment.
    RASOAT_BUNDLE="$PWD/$DIST/rasoat" QT_QPA_PLATFORM=offscreen "$VENV/bin/pytest" -q tests/packaging
fi
