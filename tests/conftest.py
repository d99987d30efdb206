"""Shared fixtures. Every test runs with its own RASOAT_HOME, so nothing touches the real
user folders (qutebrowser-style: one paths module, pointed at tmp_path here), and gets the
root logger back as it found it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

# The application provides db.exchange its laptop's signing key (rasoat/__init__.py), so a
# test exporting or merging without a key of its own signs as the app does: with the key in
# this test's RASOAT_HOME. Imported here, as every entry point of the app imports it.
import rasoat  # noqa: F401


@pytest.fixture(autouse=True)
def rasoat_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("rasoat-home")
    monkeypatch.setenv("RASOAT_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    # Any test may set up the app's logging as the app does (rasoat.logs.setup_logging, in
    # tests/db/test_retention too): its file handler on the root logger must not outlive the
    # test, or a later test sees a handler it never added (test_logs, run after tests/db).
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in root.handlers:
        if h not in handlers:
            h.close()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _collector_left_running() -> Iterator[None]:
    # The app pauses the cyclic garbage collector around bulk work (forms.collector) and a
    # registry worker process for its life: a test that leaves it paused (running a worker's
    # start in this process did) fails, not a later test of the pause.
    import gc

    yield
    if not gc.isenabled():
        gc.enable()
        pytest.fail("the cyclic garbage collector was left paused")
