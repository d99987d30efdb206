#!/usr/bin/env bash
# Writes pylock.toml (PEP 751): every runtime, dev and packaging dependency of pyproject.toml at an
# exact version with the hashes of all its files, one universal lock for every platform (the
# Windows build too) and every supported Python (3.11 and up; markers where they differ).
#
#   tools/lock.sh            keep the locked versions, add or drop only what pyproject.toml
#                            now asks for (after editing dependencies)
#   tools/lock.sh --upgrade  move every dependency to the newest release allowed
#   tools/lock.sh --upgrade-package NAME   move one
#
# A lock that moved is a deliberate change: `make upgrade-deps` runs this, then the whole
# suite (with the binding test and the long-session test) on every Python found here.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-.venv/bin/uv}
"$UV" pip compile pyproject.toml --extra dev --extra registry --universal --python-version 3.11 \
    --generate-hashes --no-header --quiet -c tools/lock-constraints.txt \
    --format pylock.toml -o pylock.toml "$@"
echo "lock: pylock.toml written; review 'git diff pylock.toml' before committing"
