"""A portable copy: a frozen bundle with a `du-lieu-rasoat` folder beside its executable keeps
all its files there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rasoat import paths


@pytest.fixture
def frozen_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bundle = tmp_path / "USB" / "rasoat"
    bundle.mkdir(parents=True)
    monkeypatch.delenv("RASOAT_HOME")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "rasoat"))
    return bundle


def test_portable_folder_beside_the_executable_holds_everything(frozen_at: Path) -> None:
    portable = frozen_at / paths.PORTABLE_DIR_NAME
    portable.mkdir()
    assert paths.data_dir() == portable / "data"
    assert paths.settings_file() == portable / "config" / "settings.json"
    assert paths.log_file() == portable / "logs" / "rasoat.log"


def test_without_the_folder_a_frozen_copy_uses_the_user_folders(
    frozen_at: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # platformdirs follows XDG_CONFIG_HOME on Linux: keeps the real user folder untouched.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert paths.portable_home() is None
    assert frozen_at not in paths.config_dir().parents


def test_rasoat_home_wins_over_the_portable_folder(
    frozen_at: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (frozen_at / paths.PORTABLE_DIR_NAME).mkdir()
    monkeypatch.setenv("RASOAT_HOME", str(tmp_path / "home"))
    assert paths.data_dir() == tmp_path / "home" / "data"


def test_a_source_checkout_is_never_portable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert paths.portable_home() is None
