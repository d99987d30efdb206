"""Where the application keeps its files. The one place that knows; tests point it elsewhere.

``RASOAT_HOME`` overrides everything (tests, portable installs on a USB stick); otherwise the
platform's user folders from platformdirs.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "rasoat"


def _home() -> Path | None:
    value = os.environ.get("RASOAT_HOME")
    return Path(value) if value else None


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


def demo_file() -> Path:
    return data_dir() / "xa-mau.rasoat.sqlite"


def settings_file() -> Path:
    """The user's settings (``rasoat.settings``), JSON."""
    return config_dir() / "settings.json"


def log_file() -> Path:
    """The current log file; older ones sit beside it as ``rasoat.log.1`` … (``rasoat.logs``)."""
    return log_dir() / "rasoat.log"
