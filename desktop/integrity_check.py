"""The open-time integrity check of a district-size file, run off the GUI thread.

Such a file (100,000 households, gigabytes) would keep the window blank for seconds while
SQLite checks every page; it is opened at once instead and checked here on a read-only
connection of its own. A damaged file is then closed with the same message, and the same way
out (restore from the latest backup), as a commune file that fails the check on opening.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal


class IntegrityCheck(QObject):
    """``damaged(message)`` when the file fails; ``done()`` either way."""

    damaged = Signal(str)
    done = Signal()

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def run(self) -> None:
        from db.store import check_file

        try:
            found = check_file(self.path)
        except Exception as exc:  # a check that cannot run is itself a reason to stop
            self.damaged.emit(f"Không kiểm tra được tệp {self.path}: {exc}")
        else:
            if found is not None:
                self.damaged.emit(found.message)
        self.done.emit()


def start_integrity_check(owner: QObject, path: Path) -> IntegrityCheck:
    """Runs the check in a thread owned by ``owner`` (kept alive there until it ends)."""
    thread = QThread(owner)
    check = IntegrityCheck(path)
    check.moveToThread(thread)
    thread.started.connect(check.run)
    check.done.connect(thread.quit)
    thread.finished.connect(thread.deleteLater)
    owner._integrity_check = (thread, check)  # type: ignore[attr-defined]
    thread.start()
    return check
