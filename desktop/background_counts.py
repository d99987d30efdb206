"""The counts per category under the household list, counted off the GUI thread (issue 22).

After a search at 100,000 households ("ma": 29,401 matches) they were about 100 ms of CPU
and 280 ms of wall on the GUI thread, 300 ms after the last keystroke: the window froze just
as the officer looked at the list. They are counted here in a worker (``desktop.worker``) on
a read-only connection of their own (``db.report_queries.after_meeting_counts_apart``, an
encrypted file opened with its remembered key), as the page check after opening is; the
result comes back to the GUI thread as ``counted``.

A newer count interrupts the one before it, and a result that arrives after a newer count
was asked is dropped. ``stop`` (before the file is closed or another opened) interrupts the
running count and waits for its thread, so no reading connection is left open to keep the
close from emptying the ``-wal``, and nothing counted from the old file is shown.

The dashboard counts its figures the same way, with a counter of its own
(``desktop.dashboard.figures_apart``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.worker import Job, start_job

log = logging.getLogger(__name__)


Counter = Callable[[Path, Any, Any], Any]  # (path, what to count, db Cancel) -> counts


class BackgroundCounts(QObject):
    """``counted(counts)`` and ``failed(exc)`` are emitted in the GUI thread, for the latest
    ``count`` only. ``counter(path, what, cancel)`` runs in the worker: by default
    ``db.report_queries.after_meeting_counts_apart`` (``what`` a ``HouseholdQuery``, the
    counts a ``dict[Category, int]``)."""

    counted = Signal(object)
    failed = Signal(object)

    def __init__(
        self, parent: QObject, counter: Counter | None = None, name: str = "category-counts"
    ) -> None:
        super().__init__(parent)
        self._counter = counter
        self._name = name
        self._serial = 0  # the latest count asked; a result of any other is stale
        self._running: dict[int, tuple[Job, Any]] = {}  # serial -> (job, its db Cancel)

    def count(self, path: Path, what: Any) -> None:
        from db.deep_check import Cancel
        from db.report_queries import after_meeting_counts_apart

        counter = self._counter or after_meeting_counts_apart
        self._interrupt()
        self._serial += 1
        serial = self._serial
        cancel = Cancel()
        job = start_job(
            self,
            lambda _progress: counter(path, what, cancel),
            done=lambda counts: self._arrived(serial, counts),
            failed=lambda exc: self._not_counted(serial, exc),
            name=self._name,
        )
        self._running[serial] = (job, cancel)

    def running(self) -> bool:
        return bool(self._running)

    def stop(self) -> None:
        """Interrupt the running count and wait for its thread; no result is shown after."""
        self._serial += 1
        running = list(self._running.values())
        self._interrupt()
        for job, _cancel in running:
            if job.running():
                # quit() here, not by the job's own queued signal: that one goes to the GUI
                # thread, which waits right here (as desktop.file_check_dialog does).
                job.worker_thread.quit()
                job.worker_thread.wait()
        self._running.clear()

    def _interrupt(self) -> None:
        for _job, cancel in self._running.values():
            cancel.cancel()

    def _arrived(self, serial: int, counts: Any) -> None:
        self._running.pop(serial, None)
        if serial == self._serial:
            self.counted.emit(counts)

    def _not_counted(self, serial: int, exc: BaseException) -> None:
        from db.deep_check import Cancelled

        self._running.pop(serial, None)
        if serial != self._serial or isinstance(exc, Cancelled):
            return
        log.error("counting failed (%s)", self._name, exc_info=exc)
        self.failed.emit(exc)
