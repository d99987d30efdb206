"""How long backups and logs are kept (issue 20 item 6): the times are settings chosen in
Thiết lập (``backup_retention_days``, ``log_retention_days``), not legal values; the policy
and its reasons are in docs/privacy.md.

* Backups of a commune file older than the set time are removed when the file is opened in
  the window, and by ``rasoat expire``; the newest good backup always stays
  (``db.backup.expire``).
* Log files older than theirs are removed when logging starts (``rasoat.logs``), except the
  file being written and the crash trace's session files.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from rasoat import paths, settings

log = logging.getLogger(__name__)

# The crash trace's own files: the running session's, never old logs (rasoat.crash).
_SESSION_FILES = frozenset({"session.json", "session.lock"})


def expire_backups(path: Path, now: float | None = None) -> list[Path]:
    from db.backup import expire

    days = int(settings.get("backup_retention_days"))
    removed = expire(Path(path), days, now)
    if removed:
        log.info("%d backups older than %d days removed", len(removed), days)
    return removed


def expire_logs(current: Path | None = None, now: float | None = None) -> list[Path]:
    """Files in the log folder untouched for longer than the set time; ``current`` (the file
    being written) stays whatever its age."""
    days = int(settings.get("log_retention_days"))
    cutoff = (time.time() if now is None else now) - days * 86400
    removed: list[Path] = []
    try:
        entries = list(paths.log_dir().iterdir())
    except OSError:
        return removed
    for p in entries:
        if p.name in _SESSION_FILES or (current is not None and p == current):
            continue
        try:
            if p.is_file() and p.stat().st_mtime < cutoff:
                p.unlink()
                removed.append(p)
        except OSError:
            continue  # a file in use or already gone: the next start tries again
    return removed
