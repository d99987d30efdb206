"""Backups and logs are kept for the time set in Thiết lập, then removed (issue 20 item 6);
the newest good backup always stays. Real commune files, real backups, file times set with
os.utime."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from db import backup
from rasoat import paths, settings
from rasoat.cli import main
from rasoat.logs import setup_logging
from tests.db.exchange.commune import make_commune

DAY = 86400


def age(p: Path, days: float) -> None:
    t = time.time() - days * DAY
    os.utime(p, (t, t))


def backups_of(path: Path, reasons: list[str]) -> list[Path]:
    """One real backup per reason, oldest first (their names carry the time)."""
    return [backup.make_backup(path, reason) for reason in reasons]


@pytest.fixture
def commune(tmp_path: Path) -> Path:
    path = make_commune(tmp_path / "xa.db", 2)
    shutil.rmtree(backup.backup_dir(path))  # the creating session's close backup
    return path


def test_old_backups_go_the_newest_good_one_stays(commune: Path) -> None:
    old_close, old_manual, recent = backups_of(commune, ["close", "manual", "close"])
    aside = backup.backup_dir(commune) / "xa-20250101T000000Z-close.damaged"
    aside.write_bytes(b"damaged copy")
    for p in (old_close, old_manual, aside):
        age(p, 400)
    age(recent, 10)
    assert backup.expire(commune, 365) == [old_close, old_manual, aside]
    assert backup.list_backups(commune) == [recent]
    assert backup.expire(commune, 365) == []


def test_when_every_backup_is_old_the_newest_good_one_is_kept(commune: Path) -> None:
    older, newest = backups_of(commune, ["close", "close"])
    for p in (older, newest):
        age(p, 1000)
    assert backup.expire(commune, 365) == [older]
    assert backup.list_backups(commune) == [newest]


def test_a_damaged_newest_copy_does_not_count_as_the_one_kept(commune: Path) -> None:
    good, bad = backups_of(commune, ["close", "close"])
    # Same size, pages overwritten: whole to the cheap test, refused by the check.
    data = bytearray(bad.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    bad.write_bytes(bytes(data))
    for p in (good, bad):
        age(p, 1000)
    assert backup.expire(commune, 365) == [bad]
    assert backup.list_backups(commune) == [good]


def test_nothing_is_removed_when_no_copy_passes_its_check(commune: Path) -> None:
    (only,) = backups_of(commune, ["close"])
    only.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    age(only, 1000)
    assert backup.expire(commune, 365) == []
    assert only.exists()


def test_the_setting_drives_the_cli_and_opening_in_the_window(
    commune: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older, newer = backups_of(commune, ["close", "close"])
    age(older, 40)
    age(newer, 20)
    assert main(["expire", str(commune)]) == 0  # default: a year
    assert older.exists()
    settings.update(backup_retention_days=30)
    assert main(["expire", str(commune)]) == 0
    assert "Đã xoá 1 bản sao lưu cũ hơn 30 ngày" in capsys.readouterr().out
    assert not older.exists()
    assert newer.exists()

    from desktop.commune_file import open_store

    fresh = backup.make_backup(commune, "manual")
    settings.update(backup_retention_days=7)
    store = open_store(commune)
    store.close()  # its own close backup is new
    assert not newer.exists()
    assert fresh.exists()


def test_old_logs_go_when_logging_starts(rasoat_home: Path) -> None:
    folder = paths.log_dir()
    old = [folder / "rasoat.log.3", folder / "fatal.log"]
    recent = folder / "rasoat.log.1"
    session = folder / "session.json"
    for p in [*old, recent, session]:
        p.write_text("x", encoding="utf-8")
    for p in [*old, session]:
        age(p, 100)
    age(recent, 10)
    current = setup_logging()
    assert not any(p.exists() for p in old)
    assert recent.exists()
    assert session.exists()  # the crash trace's, not a log
    assert current.exists()
    settings.update(log_retention_days=7)
    setup_logging()
    assert not recent.exists()
