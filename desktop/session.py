"""What the desktop remembers between runs: the last commune file and the surveyor's name.

A small JSON file in the config folder (``rasoat.paths``), so tests and portable installs
keep it under RASOAT_HOME like everything else.
"""

from __future__ import annotations

import getpass
import json
import logging
from pathlib import Path

from rasoat import paths

log = logging.getLogger(__name__)


def _file() -> Path:
    return paths.config_dir() / "desktop-session.json"


def _read() -> dict[str, str]:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write(data: dict[str, str]) -> None:
    try:
        _file().write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError:
        log.warning("could not remember the desktop session", exc_info=True)


def last_file() -> Path | None:
    value = _read().get("last_file")
    return Path(value) if value else None


def surveyor() -> str:
    return _read().get("surveyor") or getpass.getuser()


def remember(*, last: Path | None = None, surveyor_name: str | None = None) -> None:
    data = _read()
    if last is not None:
        data["last_file"] = str(last)
    if surveyor_name:
        data["surveyor"] = surveyor_name
    _write(data)
