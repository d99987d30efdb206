#!/usr/bin/env bash
# Runs the app under Xvfb and saves PNGs of its main screens to docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/screenshots
exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m desktop.screenshots docs/screenshots
