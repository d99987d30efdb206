"""Backups beside the commune file: ``<file>.backups/<stem>-<UTC time>-<reason>.sqlite``.

Copies go through SQLite's online backup API, so a file in WAL mode is copied whole and
consistent. "close" backups roll (the newest ``KEEP`` stay, ``KEEP_LARGE`` of a file over
``LARGE``); "migration" and "manual" backups are kept, because they hold data from before
something irreversible or were asked for.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

KEEP = 10
KEEP_LARGE = 3
LARGE = 256 * 2**20  # bytes
SUFFIX = ".sqlite"


def backup_dir(path: Path) -> Path:
    return path.with_name(path.name + ".backups")


def list_backups(path: Path, reason: str | None = None) -> list[Path]:
    """Oldest first (the names sort by time)."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file())
    if reason is not None:
        found = [p for p in found if p.stem.endswith("-" + reason)]
    return found


def latest_backup(path: Path) -> Path | None:
    found = list_backups(path)
    return found[-1] if found else None


def make_backup(path: Path, reason: str, conn: sqlite3.Connection | None = None) -> Path:
    """Copy the database at ``path`` (through ``conn`` when one is open) into its backup folder."""
    folder = backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{path.stem}-{stamp}-{reason}{SUFFIX}"
    source = conn if conn is not None else sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        if conn is None:
            source.close()
    return target


def keep_for(path: Path, wanted: int | None = None) -> int:
    """How many rolling backups to keep: ``wanted`` (the user's setting) or ``KEEP``, but
    never more than ``KEEP_LARGE`` of a district-size file (a copy is ~1.5 GB)."""
    keep = KEEP if wanted is None else max(1, wanted)
    try:
        big = path.stat().st_size > LARGE
    except OSError:
        big = False
    return min(keep, KEEP_LARGE) if big else keep


def prune(path: Path, reason: str = "close", keep: int | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` backups made for ``reason``; returns those removed."""
    keep = keep_for(path) if keep is None else keep
    found = list_backups(path, reason)
    doomed = found[: max(0, len(found) - keep)]
    for p in doomed:
        p.unlink()
    return doomed


def restore(path: Path, backup: Path | None = None) -> tuple[Path, Path | None]:
    """Put ``backup`` (default: the latest) in place of ``path``.

    The file being replaced is not deleted: it moves into the backup folder as
    ``…-before-restore.old`` (with its WAL), in case the user picked the wrong backup.
    Returns (the backup used, where the replaced file went or None when there was none).
    """
    chosen = backup if backup is not None else latest_backup(path)
    if chosen is None or not chosen.is_file():
        from db.errors import StoreError

        raise StoreError(f"Không tìm thấy bản sao lưu nào cho tệp {path}.")
    kept: Path | None = None
    if path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = backup_dir(path) / f"{path.stem}-{stamp}-before-restore.old"
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, kept)
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            if side.exists():
                shutil.move(side, kept.with_name(kept.name + extra))
    tmp = path.with_name(path.name + ".restoring")
    shutil.copyfile(chosen, tmp)
    tmp.replace(path)
    return chosen, kept
