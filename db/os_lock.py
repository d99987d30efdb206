"""An exclusive, non-blocking OS lock on an open file, released when its process ends however
it ends: how a process says "still alive, this is mine" to another (the crash handler's
session lock, ``rasoat.crash``; a workbook's spool folder, ``reports.spool``). Here, below
both, so that neither repeats it."""

from __future__ import annotations

import contextlib
import sys
from typing import IO


def try_lock(f: IO[bytes]) -> bool:
    """Locks ``f`` (its first byte on Windows, the whole file elsewhere); False when another
    holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def unlock(f: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            import msvcrt

            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
