# Every target sets up what it needs first (tools/bootstrap.sh is idempotent and fast).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python


.PHONY: setup run test lint bench package screenshot clean

setup:
	@tools/bootstrap.sh

# Opens the app (on a demo commune when no data exists). Without a display it says so and
# does the headless main job instead: see `rasoat` with no arguments.
run: setup
	@$(PY) -m rasoat

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q

bench: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

package: setup
	@tools/package.sh

screenshot: setup
	@tools/screenshot.sh

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
