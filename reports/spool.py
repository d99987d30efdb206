"""Where a workbook's sheets are spooled while it is written (issue 20, the audit's MEDIUM
finding on XLSX temporary files).

openpyxl's write-only mode (``reports.xlsx``) streams each sheet to a file before zipping it
into the ``.xlsx``: by itself to ``$TMPDIR/openpyxl.*`` (``create_temporary_file``), shared
with every account on the machine's temporary folder and removed only at a normal exit
(``atexit``): a kill, a crash or a power cut left every name, ID number and income of the
list there in plain text, even for an encrypted commune file.

Here each workbook spools into a folder of its own (``spool_folder``), made owner-only (0700,
``tempfile.mkdtemp``; the sheet files 0600) under the application's own folder for such
files (``db.private_tmp``: ``<data folder>/tam``, on the stick for a portable copy), and
removed when the workbook is written or fails. The folder
holds a lock file (an OS lock, as ``rasoat.crash`` holds its session lock: ``fcntl.flock`` or
``msvcrt.locking``) for as long as its workbook is being written; the system releases it when
the process dies, so ``sweep`` (at the window's start and before each workbook) removes every
folder whose lock it can take: the leftovers of dead processes, never a workbook being
written by a live one, in this process (another thread) or another.

Not a process-wide ``tempfile.tempdir`` nor a patch of openpyxl's ``create_temporary_file``:
both are global, so a workbook written in a worker would depend on what another thread set
or undid meanwhile, and every other temporary file of the process would move too. Each
sheet is given its writer, with its file in the workbook's folder, just before its first row
(``reports.xlsx._spool``), as openpyxl's own ``_get_writer`` makes it then.

Without a provided root (a library caller that never imported ``rasoat``), the folder is
made in the system's temporary folder: still owner-only and removed after, but not swept.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from db.os_lock import try_lock, unlock

PREFIX = "bang-tinh-"
LOCK_NAME = ".dang-ghi"
# A folder found without its lock file is being made (mkdtemp, then the lock) unless older.
MAKING_S = 60.0


def root() -> Path | None:
    """The app's own folder for them (``db.private_tmp``); None when none was provided."""
    from db import private_tmp

    return private_tmp.root()


@contextlib.contextmanager
def spool_folder() -> Iterator[Path]:
    """A new owner-only folder for one workbook's sheets, locked while in use, removed after
    (written or failed). Leftovers of dead processes are swept first."""
    base = root()
    if base is not None:
        sweep(base)
    # A sweep of another process may hold the new lock for a moment (it found the folder
    # between its making and its locking), and removes it holding that lock: then a new
    # folder, never one the sweep is taking away.
    for attempt in range(5):
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
        try:
            lock = open(folder / LOCK_NAME, "a+b")  # noqa: SIM115 - held while in use
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if (try_lock(lock) and (folder / LOCK_NAME).exists()) or attempt == 4:
            break
        lock.close()
        shutil.rmtree(folder, ignore_errors=True)
    try:
        yield folder
    finally:
        unlock(lock)
        lock.close()
        shutil.rmtree(folder, ignore_errors=True)


def sweep(base: Path | None = None) -> list[Path]:
    """Remove the spool folders under ``base`` (default: the provided root) whose lock is
    free: their process is gone. Returns those removed."""
    base = base if base is not None else root()
    if base is None:
        return []
    removed: list[Path] = []
    for folder in sorted(base.glob(PREFIX + "*")):
        lock_path = folder / LOCK_NAME
        try:
            if not folder.is_dir():
                continue
            if not lock_path.exists() and time.time() - folder.stat().st_mtime < MAKING_S:
                continue  # just made by a live process, its lock not yet there
            with open(lock_path, "a+b") as lock:
                free = try_lock(lock)
                if free:
                    # Removed while the lock is held: a process making this folder just now
                    # cannot take it meanwhile (``spool_folder`` then makes another).
                    shutil.rmtree(folder, ignore_errors=True)
                    unlock(lock)
        except OSError:
            continue
        if free and not folder.exists():
            removed.append(folder)
    return removed
