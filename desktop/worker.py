"""Background jobs: the one way work leaves the GUI thread and its results come back.

The rule: no widget, dialog, timer or status bar is touched outside the GUI thread. PySide runs
a slot connected to a plain function or lambda in the thread that *emits* the signal, so a
worker's ``finished`` connected to a closure ran that closure in the worker thread (a report
closed its progress dialog there and the window froze for good). Here a worker's signals only
ever reach the slots of ``Job``, a QObject created in the GUI thread and parented to the
window or dialog that started it: Qt queues them across threads, and the slots call the
caller's callbacks on the GUI thread (checked while ``__debug__``).

    job = start_job(window, work, done=show_result, failed=show_error, progress=advance)

``work(progress)`` runs in a QThread of its own; it opens its own Store when it needs one
(SQLite connections belong to the thread that made them). ``done(result)``,
``failed(exc)`` and ``progress(done, total)`` run in the GUI thread, and never after the
owner was deleted (the ``Job`` goes with it). The thread is not the owner's child: a window
closed while a report is being written must not destroy a running QThread; it is kept here
until it ends, and the application waits for it before quitting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, Qt, QThread, Signal, Slot

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Work = Callable[[Progress], Any]
_Callbacks = tuple[Callable[[Any], None], Callable[[BaseException], None], Progress | None]


def on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def _check_gui_thread(where: str) -> None:
    assert on_gui_thread(), f"{where} ran outside the GUI thread"


class _Task(QObject):
    """Lives in the worker thread; its signals are the only way results leave it."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Work) -> None:
        super().__init__()
        self.work = work

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self.progress.emit)
        except Exception as exc:  # handed to the GUI thread, which says it in Vietnamese
            self.failed.emit(exc)
            return
        self.finished.emit(result)


class _Keeper(QObject):
    """Holds every running thread (and its task) until it ends; lives in the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.running: dict[int, tuple[QThread, _Task]] = {}
        app = QCoreApplication.instance()
        assert app is not None
        app.aboutToQuit.connect(self.wait_all)

    def hold(self, thread: QThread, task: _Task) -> None:
        self.running[id(thread)] = (thread, task)
        thread.finished.connect(self._release)

    @Slot()
    def _release(self) -> None:
        _check_gui_thread("worker._Keeper._release")
        sender = self.sender()
        held = self.running.pop(id(sender), None)
        if held is not None:
            # finished was emitted: the thread is ending, this wait is immediate. Then the
            # last references go and Python deletes both objects here (they were made from
            # Python, without a parent: no deleteLater, which would delete them twice).
            held[0].wait()

    @Slot()
    def wait_all(self, deadline_ms: int | None = None) -> bool:
        """Waits (on quit) until every held thread has ended; False if ``deadline_ms`` came
        first. Each thread is told to quit here, directly: a wait from the GUI thread must
        not depend on anything queued to the GUI thread, which is blocked in it."""
        _check_gui_thread("worker._Keeper.wait_all")
        deadline = QDeadlineTimer(QDeadlineTimer.ForeverConstant.Forever)
        if deadline_ms is not None:
            deadline = QDeadlineTimer(deadline_ms)
        ended = True
        for thread, _task in list(self.running.values()):
            # A running task is not cut short: quit() only ends the thread's event loop,
            # which it enters once the work has returned (its result is queued to the Job).
            thread.quit()
            ended = thread.wait(deadline) and ended
        return ended


_keeper: _Keeper | None = None


def _the_keeper() -> _Keeper:
    global _keeper
    if _keeper is None:
        _keeper = _Keeper()
    return _keeper


class Job(QObject):
    """The GUI side of one background job: its slots are where the worker's results arrive."""

    def __init__(
        self,
        owner: QObject,
        work: Work,
        *,
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        progress: Progress | None = None,
        name: str = "",
    ) -> None:
        _check_gui_thread("worker.Job()")
        super().__init__(owner)
        # The callbacks usually hold the owner (a closure over the window, a dialog's bound
        # method) while the owner holds this child: a reference cycle, which Python's
        # collector may break in whatever thread allocates, deleting a dialog from the worker
        # thread. They are dropped as soon as the job ends (_end), breaking the cycle here.
        self._callbacks: _Callbacks | None = (done, failed, progress)
        self.worker_thread = QThread()
        self.worker_thread.setObjectName(name or "worker")
        self._task = _Task(work)
        self._task.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self._task.run)
        # Receivers are this object's slots (GUI thread): queued across threads by Qt.
        self._task.progress.connect(self._on_progress)
        self._task.finished.connect(self._on_finished)
        self._task.failed.connect(self._on_failed)
        # The thread object lives in the GUI thread, so a plain connection would queue quit()
        # there: a GUI thread waiting for this thread (on quit, a dialog stopping its job)
        # would never run it, and the wait would never end. QThread.quit is thread-safe:
        # called directly, in the worker thread, as the work returns.
        direct = Qt.ConnectionType.DirectConnection
        self._task.finished.connect(self.worker_thread.quit, direct)
        self._task.failed.connect(self.worker_thread.quit, direct)
        _the_keeper().hold(self.worker_thread, self._task)

    def start(self) -> Job:
        self.worker_thread.start()
        return self

    def running(self) -> bool:
        return self._callbacks is not None

    def _end(self, call: Callable[[_Callbacks], None]) -> None:
        callbacks, self._callbacks = self._callbacks, None
        try:
            if callbacks is not None:
                call(callbacks)
        finally:
            # After the callback (it may open a dialog), once control is back in the event
            # loop: an owner's Job children are its unfinished jobs.
            self.deleteLater()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        _check_gui_thread("worker.Job progress")
        if self._callbacks is not None and self._callbacks[2] is not None:
            self._callbacks[2](done, total)

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        _check_gui_thread("worker.Job done")
        self._end(lambda callbacks: callbacks[0](result))

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        _check_gui_thread("worker.Job failed")
        self._end(lambda callbacks: callbacks[1](exc))


def start_job(
    owner: QObject,
    work: Work,
    *,
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
    progress: Progress | None = None,
    name: str = "",
) -> Job:
    """Runs ``work(progress)`` off the GUI thread; the callbacks run on it (see the module)."""
    return Job(owner, work, done=done, failed=failed, progress=progress, name=name).start()


def job_running(owner: QObject) -> bool:
    """Whether a job started for ``owner`` has not ended yet (a dialog that must not close)."""
    return any(job.running() for job in owner.findChildren(Job))


def error_text(exc: BaseException) -> str:
    """The Vietnamese ``.message`` every error of ours carries, else ''."""
    return str(getattr(exc, "message", "") or "")


def failure_text(exc: BaseException) -> str:
    """What an officer reads when a job failed, in Vietnamese, to follow "Không … được …: ":
    ours as they say it, a disk's or SQLite's failure by its code (``db.errors
    .failure_reason``), anything else one sentence pointing to the log. Never the
    exception's own English words: the caller logs them (``log.error(..., exc_info=exc)``)."""
    from db.errors import failure_reason
    from db.exchange.errors import PackageError
    from rasoat.logs import current_log_file

    if isinstance(exc, PackageError):
        return str(exc)  # ours: Vietnamese, and it names the household or line concerned
    why = failure_reason(exc)
    if why is not None:
        return why
    return QCoreApplication.translate(
        "Job", "gặp lỗi không lường trước; chi tiết đã được ghi vào nhật ký {file}."
    ).format(file=current_log_file())
