# Every target sets up what it needs first (tools/bootstrap.sh is idempotent and fast).
SHELL := /bin/bash
# Every install comes from pylock.toml (exact versions and hashes). PYTHON and VENV pick
# another interpreter and folder: `make test PYTHON=python3.13 VENV=.venv-3.13`.
VENV ?= .venv
PYTHON ?= python3
export VENV PYTHON
PY := $(VENV)/bin/python


.PHONY: setup run test test-pythons lint bench package screenshot clean lock upgrade-deps soak fuzz

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

# The suite in two parts: first the tests marked `alone`, by themselves (the long session: its
# watchdog fails on any second the GUI thread does not answer, and another test's writes and
# fsyncs beside it can be that second; a test that a second process's clusters would race),
# then every other test in TEST_JOBS processes (pytest-xdist; 2, the CI machine's cores).
# The second part runs whatever the first one says, unless the first was interrupted (Ctrl+C).
TEST_JOBS ?= 2
test: lint
	@status=0; \
	echo "pytest -m alone (by themselves)"; \
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -m alone || status=$$?; \
	if [ $$status -eq 2 ]; then exit 2; fi; \
	echo "pytest -m 'not alone' -n $(TEST_JOBS)"; \
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -m "not alone" -n $(TEST_JOBS) || status=$$?; \
	exit $$status

# The suite on every supported Python found on this machine (3.11-3.13), one venv each.
test-pythons:
	@tools/test-pythons.sh

# After editing dependencies in pyproject.toml: the lock follows, keeping every other version.
lock: setup
	@tools/lock.sh

# Moving the locked versions is deliberate: newest releases allowed, then the whole suite
# (the binding test and the long-session test are the gate) on every Python found here.
upgrade-deps: setup
	@tools/lock.sh --upgrade
	@$(MAKE) --no-print-directory test-pythons

bench: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

# Long experiments, not part of `make test`: kills during saves and close/backup
# (bench/soak_kill.py, figures in docs/reliability.md); then the long-session test's driver
# for 50,000+ keys and choices in the real window (households, meeting votes, every print,
# packages out and back): events/s and the worst stall of the GUI thread, figures in
# docs/benchmarks.md.
soak: setup
	$(PY) -m bench.soak_kill
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.desktop.session_driver --events 50000

# Mutation fuzzing (issue 17): 12,000 damaged or forged packages, workbooks and household
# JSON files through rasoat import / excel-import / classify, then 1,500 packages through
# rasoat merge (each three times: the third read by the merge's reader process), each in a
# forked child on a fresh copy of a demo commune (bench/fuzz.py; figures in
# docs/reliability.md). Fails on any internal error, crash, hang or file written by a refused
# input. `make test` runs a few hundred.
fuzz: setup
	nice $(PY) -m bench.fuzz
	nice $(PY) -m bench.fuzz --kinds merge --count 1500 --seed 18

package: setup
	@tools/package.sh

screenshot: setup
	@tools/screenshot.sh

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
