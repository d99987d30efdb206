"""Fixtures of the command-line tests: a small demo commune made once per module, and a copy
of it for each test to change (or to find byte-identical after a refusal)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.demo import create_demo_commune


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo_commune(tmp_path_factory.mktemp("demo") / "xa.sqlite", households=8)


@pytest.fixture
def commune(demo: Path, tmp_path: Path) -> Path:
    path = tmp_path / "xa.sqlite"
    shutil.copy(demo, path)
    return path
