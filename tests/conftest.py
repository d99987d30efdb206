"""Shared fixtures. Every test runs with its own RASOAT_HOME, so nothing touches the real
user folders (qutebrowser-style: one paths module, pointed at tmp_path here)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def rasoat_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("rasoat-home")
    monkeypatch.setenv("RASOAT_HOME", str(home))
    return home
