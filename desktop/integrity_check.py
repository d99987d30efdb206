"""The open-time integrity check of a district-size file, run off the GUI thread.

Such a file (100,000 households, gigabytes) would keep the window blank for seconds while
SQLite checks every page; it is opened at once instead and checked here on a read-only
connection of its own. A damaged file is then closed with the same message, and the same way
out (restore from the latest backup), as a commune file that fails the check on opening.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal

from db.errors import FileMissing, ReadOnlyPlace, StoreError
from desktop.worker import Progress, start_job

log = logging.getLogger(__name__)


class IntegrityCheck(QObject):
    """``damaged(message)`` when the file fails, ``missing(message)`` when it is no longer
    where it was opened (a stick pulled out), ``unwritable(message)`` when it could not be
    read on a place that cannot be written (a stick write-protected, or remounted read-only
    by the system after an error, since it was opened): neither of these two is damage.
    ``done()`` either way. Lives in the GUI thread and emits there (``desktop.worker`` brings
    the result back), so whatever is connected to it may touch widgets."""

    damaged = Signal(str)
    missing = Signal(str)
    unwritable = Signal(str)
    done = Signal()

    def __init__(self, path: Path, parent: QObject) -> None:
        super().__init__(parent)
        self.path = path

    def found(self, problem: StoreError | None) -> None:
        if isinstance(problem, FileMissing):
            self.missing.emit(problem.message)
        elif isinstance(problem, ReadOnlyPlace):
            self.unwritable.emit(problem.message)
        elif problem is not None:
            self.damaged.emit(problem.message)
        self.done.emit()

    def could_not_run(self, exc: BaseException) -> None:
        from desktop.worker import failure_text

        # a check that cannot run is itself a reason to stop; SQLite's words go to the log
        log.error("the integrity check of %s could not run", self.path, exc_info=exc)
        self.damaged.emit(
            QCoreApplication.translate(
                "IntegrityCheck", "Không kiểm tra được tệp {path}: {why}"
            ).format(path=self.path, why=failure_text(exc))
        )
        self.done.emit()


def check_message(path: Path, _progress: Progress) -> StoreError | None:
    """In the worker thread: the damage found, or the file missing, or None."""
    from db.store import check_file

    return check_file(path)


def start_integrity_check(owner: QObject, path: Path) -> IntegrityCheck:
    """Runs the check in a worker for ``owner``; connect to the returned object's signals."""
    check = IntegrityCheck(path, owner)
    start_job(
        owner,
        lambda progress: check_message(path, progress),
        done=check.found,
        failed=check.could_not_run,
        name="integrity-check",
    )
    return check
