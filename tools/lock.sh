#!/usr/bin/env bash
# Writes the lock: uv.lock (uv's project lock: every runtime, dev and registry dependency of
# pyproject.toml at an exact version with the hashes of all its files, one universal lock for
# every platform, the Windows build too, and every supported Python, 3.11 and up), then
# pylock.toml (PEP 751) exported from it, which is what every install reads with pip
# (tools/install_lock.py), and requirements.txt, the same pins and hashes in pip's
# --require-hashes form for tools that read only that, and constraints.txt, the same versions
# without hashes for `pip install TOOL -c constraints.txt` (pip takes no hashes in a
# constraints file): a tool added to .venv by hand then leaves every locked package where it
# is (tests/test_lock.py holds the four equal). Constraints: [tool.uv] in pyproject.toml, with their reasons.
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
"$UV" lock --python 3.11 --quiet "$@"
"$UV" export --frozen --format pylock.toml --all-extras --no-emit-project --no-header \
    --quiet -o pylock.toml
"$UV" export --frozen --format requirements-txt --all-extras --no-emit-project --no-header \
    --quiet -o requirements.txt
"$UV" export --frozen --format requirements-txt --all-extras --no-emit-project --no-header \
    --no-hashes --no-annotate --quiet -o constraints.txt
echo "lock: uv.lock, pylock.toml, requirements.txt and constraints.txt written; review" \
    "'git diff uv.lock pylock.toml requirements.txt constraints.txt' before committing"
