"""Where the application keeps its files. The one place that knows; tests point it elsewhere.

``RASOAT_HOME`` overrides everything (tests, scripted set-ups); then a portable copy: a
frozen bundle with a folder named ``PORTABLE_DIR_NAME`` beside its executable keeps everything
in that folder (run from a USB stick, leave nothing on the laptop); otherwise the platform's
user folders from platformdirs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_DIR_NAME = "rasoat"
PORTABLE_DIR_NAME = "du-lieu-rasoat"


def _home() -> Path | None:
    value = os.environ.get("RASOAT_HOME")
    if value:
        return Path(value)
    return portable_home()


def portable_home() -> Path | None:
    """The portable data folder beside a frozen executable, when the user created it. Only
    for frozen bundles: a source checkout never changes where its data goes by accident."""
    if not getattr(sys, "frozen", False):
        return None
    folder = Path(sys.executable).resolve().parent / PORTABLE_DIR_NAME
    return folder if folder.is_dir() else None


def data_dir() -> Path:
    home = _home()
    path = home / "data" if home else Path(platformdirs.user_data_dir(APP_DIR_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    home = _home()
    path = home / "config" if home else Path(platformdirs.user_config_dir(APP_DIR_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    home = _home()
    path = home / "logs" if home else Path(platformdirs.user_log_dir(APP_DIR_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def output_dir() -> Path:
    """Default folder for printed documents and exports."""
    path = data_dir() / "output"
    path.mkdir(parents=True, exist_ok=True)
    return path


def documents_dir() -> Path:
    """Where printed documents and packages are proposed until the officer picks a folder:
    the user's Documents folder (platformdirs), not the home folder, where a file is lost
    among the system's. A portable or test home keeps them in its own output folder (a copy
    run from a USB stick leaves nothing on the laptop)."""
    if _home() is not None:
        return output_dir()
    path = Path(platformdirs.user_documents_dir())
    return path if path.is_dir() else Path.home()


def demo_file() -> Path:
    return data_dir() / "xa-mau.rasoat.sqlite"


def settings_file() -> Path:
    """The user's settings (``rasoat.settings``), JSON."""
    return config_dir() / "settings.json"


def log_file() -> Path:
    """The current log file; older ones sit beside it as ``rasoat.log.1`` … (``rasoat.logs``)."""
    return log_dir() / "rasoat.log"
