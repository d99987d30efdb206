"""desktop.worker on real threads, and the proof that a Qt cross-thread warning from any
thread fails a test (what let the frozen print through: nothing ran the real path)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.worker import job_running, on_gui_thread, start_job

ROOT = Path(__file__).resolve().parents[2]


def test_work_runs_in_its_thread_and_every_callback_on_the_gui_thread(
    qtbot: QtBot, app: Any
) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    seen: dict[str, Any] = {"progress": []}

    def work(progress: Any) -> str:
        seen["work on gui thread"] = on_gui_thread()
        for done in range(3):
            progress(done, 3)
        return "xong"

    def done(result: str) -> None:
        seen["done"] = (result, on_gui_thread())

    def progress(done: int, total: int) -> None:
        seen["progress"].append((done, total, on_gui_thread()))

    start_job(owner, work, done=done, failed=lambda exc: None, progress=progress)
    assert job_running(owner)
    qtbot.waitUntil(lambda: "done" in seen, timeout=10_000)
    assert seen["work on gui thread"] is False
    assert seen["done"] == ("xong", True)
    assert seen["progress"] == [(0, 3, True), (1, 3, True), (2, 3, True)]
    assert not job_running(owner)


def test_a_failure_reaches_the_gui_thread_as_the_exception(qtbot: QtBot, app: Any) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    seen: list[tuple[str, bool]] = []

    def work(progress: Any) -> None:
        raise OSError("ổ USB đã rút ra")

    start_job(
        owner, work, done=seen.append, failed=lambda e: seen.append((str(e), on_gui_thread()))
    )
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [("ổ USB đã rút ra", True)]


def test_closing_the_owner_while_its_job_runs_neither_crashes_nor_calls_back(
    qtbot: QtBot, app: Any
) -> None:
    # A window closed during a long report: the thread must not be destroyed while it runs
    # ("QThread: Destroyed while thread is still running" aborts the program), and nothing
    # may touch the deleted window when the job ends.
    owner = QWidget()
    release, ended = threading.Event(), threading.Event()
    called: list[Any] = []

    def work(progress: Any) -> str:
        release.wait(10)
        ended.set()
        return "late"

    start_job(owner, work, done=called.append, failed=called.append)
    owner.deleteLater()
    qtbot.wait(50)  # the owner, and its Job, are deleted here
    release.set()
    qtbot.waitUntil(ended.is_set, timeout=10_000)
    qtbot.wait(100)  # the queued result, had it a receiver, would arrive here
    assert called == []


PROVOKE = """
from PySide6.QtCore import QObject, QThread, QTimer


class MakesAChildOfAGuiObject(QThread):
    def __init__(self, parent_in_gui: QObject) -> None:
        super().__init__()
        self.parent_in_gui = parent_in_gui

    def run(self) -> None:
        QObject(self.parent_in_gui)


class StopsAGuiTimer(QThread):
    def __init__(self, timer: QTimer) -> None:
        super().__init__()
        self.timer = timer

    def run(self) -> None:
        self.timer.stop()


def test_child_from_a_worker(qtbot):
    owner = QObject()
    thread = MakesAChildOfAGuiObject(owner)
    thread.start()
    thread.wait()


def test_timer_stopped_from_a_worker(qtbot):
    timer = QTimer()
    timer.start(60_000)
    thread = StopsAGuiTimer(timer)
    thread.start()
    thread.wait()
    timer.stop()


def test_a_worker_that_keeps_to_itself(qtbot):
    thread = QThread()
    thread.start()
    thread.quit()
    thread.wait()
"""


def test_a_qt_cross_thread_warning_from_a_worker_fails_the_test(tmp_path: Path) -> None:
    """The project's own pytest configuration (pyproject: qt_log_level_fail = "WARNING")
    run on tests that make Qt warn from a worker thread, in a fresh interpreter."""
    (tmp_path / "test_provoke.py").write_text(textwrap.dedent(PROVOKE), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "-p",
            "no:cacheprovider",
            "-q",
            "-rA",
            str(tmp_path / "test_provoke.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = run.stdout
    assert "FAILED test_provoke.py::test_child_from_a_worker" in out, out
    assert "FAILED test_provoke.py::test_timer_stopped_from_a_worker" in out, out
    assert "PASSED test_provoke.py::test_a_worker_that_keeps_to_itself" in out, out
    assert "Cannot create children for a parent that is in a different thread" in out
    assert "Timers cannot be stopped from another thread" in out
    assert out.count("Qt messages with level WARNING or above emitted") == 2


def test_waiting_from_the_gui_thread_for_a_running_job_ends(qtbot: QtBot, app: Any) -> None:
    # The trap: the task's "finished" asked its thread to quit through a queued call to the
    # GUI thread; a GUI thread blocked in wait() never ran it, and the wait never ended.
    owner = QWidget()
    qtbot.addWidget(owner)
    release = threading.Event()

    def work(progress: Any) -> str:
        release.wait(10)
        return "xong"

    job = start_job(owner, work, done=lambda result: None, failed=lambda exc: None)
    release.set()
    # Bounded, so the old code fails here instead of hanging the run.
    assert job.worker_thread.wait(5_000)


def test_quitting_while_a_job_runs_waits_for_it_without_hanging(qtbot: QtBot, app: Any) -> None:
    # What aboutToQuit runs: a long job still working when the window quits. The wait must
    # end when the work ends, and the result is never handed to anyone from the worker.
    from desktop import worker

    owner = QWidget()
    qtbot.addWidget(owner)
    started, ended = threading.Event(), threading.Event()
    called: list[tuple[Any, bool]] = []

    def work(progress: Any) -> str:
        started.set()
        ended.wait(0.5)  # long enough that quitting finds it running
        ended.set()
        return "xong"

    start_job(owner, work, done=lambda r: called.append((r, on_gui_thread())), failed=called.append)
    assert started.wait(10)
    keeper = worker._the_keeper()
    assert keeper.wait_all(deadline_ms=10_000)
    assert ended.is_set()
    assert not keeper.running or all(not t.isRunning() for t, _ in keeper.running.values())
    # Whatever arrives afterwards arrives on the GUI thread (or not at all once it quit).
    qtbot.wait(50)
    assert all(on_gui for _r, on_gui in called)
