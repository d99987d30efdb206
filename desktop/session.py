"""Who is at the keyboard and which file was open last: read from and written to
``rasoat.settings`` (one settings file for the whole app)."""

from __future__ import annotations

from pathlib import Path

from rasoat import settings
from rasoat.identity import os_user


def last_file() -> Path | None:
    return settings.last_file()


def surveyor() -> str:
    """The surveyor's name from the settings, else the computer's login name, so every
    change in the history carries someone's name."""
    return str(settings.get("surveyor_name") or "") or os_user()


def upper_level() -> str:
    """The body the commune reports to, printed as "Kính gửi" on the summary report."""
    return str(settings.get("upper_level_name") or "")


def remember(*, last: Path | None = None, surveyor_name: str | None = None) -> None:
    if last is not None:
        settings.remember_file(last)
    if surveyor_name:
        settings.update(surveyor_name=surveyor_name)
