"""The application's own folder for temporary files that hold personal data (issue 20).

The system's temporary folder is shared with every program and account, and what a killed
process leaves there stays until the system clears it. So a temporary file holding a list's
names (``reports.spool``: a workbook's sheets while it is written) goes under a folder the
application owns, made owner-only (0700), where it can also be swept at the next start.

The application says where (``provide``; ``rasoat`` does when it is imported: ``<data
folder>/tam``, on the stick for a portable copy); the storage and report layers never reach
up for it. Kept free of imports: ``rasoat`` imports it at start-up.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

_source: Callable[[], Path] | None = None


def provide(source: Callable[[], Path]) -> None:
    """Where the folder is (asked each time: a test points the app's folders elsewhere)."""
    global _source
    _source = source


def root() -> Path | None:
    """The provided folder, made if needed and owner-only; None when none was provided (a
    library caller that never imported ``rasoat``)."""
    if _source is None:
        return None
    folder = _source()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name != "nt":  # Windows: the folder is in the user's own profile already
        os.chmod(folder, 0o700)
    return folder


def owner_only(path: Path, *, create: bool = False) -> None:
    """The file at ``path`` readable and writable by its owner alone (0600), as a commune
    file, its backups, its key file and a printed recovery key must be (issue 20: they were
    0644, readable by every account on a shared laptop). ``create``: made empty with that
    mode first when missing, so that what is written into it next is never readable by
    others, even for a moment.

    POSIX only: on Windows a file takes its folder's access list (the user's own profile
    folders are the user's), which a mode cannot say; a filesystem without modes (a FAT or
    exFAT stick) refuses the change, and the file stays as that filesystem makes it."""
    if os.name == "nt":
        return
    # Any failure here (a folder that refuses the file, a stick without modes) is the
    # caller's own creation's to report, as it did before.
    with contextlib.suppress(OSError):
        if create:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
