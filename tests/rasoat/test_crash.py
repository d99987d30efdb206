"""A crash leaves a trace (rasoat.crash): fault trace and last actions in the log, and the next
start says what happened. Real processes that really die: a segmentation fault, SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rasoat import crash, paths
from rasoat.logs import setup_logging

ROOT = Path(__file__).resolve().parents[2]

SESSION = """
from rasoat import crash
from rasoat.logs import setup_logging
setup_logging()
crash.start()
crash.record("Mở tệp xã", file="xa-thu.rasoat.sqlite", household="")
crash.record("Mở hộ H-0012", household="H-0012")
crash.record("Lưu hộ H-0012", household="H-0012", saved=True)
crash.record("Lệnh: Danh sách hộ nghèo (PDF)")
"""


def run_session(ending: str, home: Path) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(SESSION) + textwrap.dedent(ending)
    env = {**os.environ, "RASOAT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_a_fatal_error_is_reported_at_the_next_start(rasoat_home: Path) -> None:
    done = run_session("import faulthandler; faulthandler._sigsegv()\n", rasoat_home)
    assert done.returncode != 0

    setup_logging()  # as the app does before anything else
    session = crash.Session(paths.log_dir())
    try:
        previous = session.start(catch_faults=False)
    finally:
        session.end()
    assert previous is not None
    assert previous.household == "H-0012"
    assert previous.household_saved > 0
    assert previous.file == "xa-thu.rasoat.sqlite"
    assert [a for _t, a in previous.actions][-1] == "Lệnh: Danh sách hộ nghèo (PDF)"
    assert "Segmentation fault" in previous.fatal
    assert "<string>" in previous.fatal  # the Python stack of the thread that died

    summary = previous.summary()
    assert "đóng bất thường" in summary
    assert "H-0012" in summary
    assert "Lệnh: Danh sách hộ nghèo (PDF)" in summary

    log_text = (paths.log_dir() / "rasoat.log").read_text(encoding="utf-8")
    assert "ended unexpectedly" in log_text
    assert "Segmentation fault" in log_text
    assert "Mở hộ H-0012" in log_text

    # Reported once: the start after that one has nothing to say.
    again = crash.Session(paths.log_dir())
    try:
        assert again.start(catch_faults=False) is None
    finally:
        again.end()


def test_a_killed_session_is_reported_without_a_fault_trace(rasoat_home: Path) -> None:
    done = run_session("import os, signal; os.kill(os.getpid(), signal.SIGKILL)\n", rasoat_home)
    assert done.returncode == -signal.SIGKILL

    session = crash.Session(paths.log_dir())
    try:
        previous = session.start(catch_faults=False)
    finally:
        session.end()
    assert previous is not None
    assert previous.fatal == ""
    assert "no fault trace" in previous.log_text()


def test_a_clean_exit_reports_nothing(rasoat_home: Path) -> None:
    done = run_session("crash.end()\n", rasoat_home)
    assert done.returncode == 0, done.stderr
    session = crash.Session(paths.log_dir())
    try:
        assert session.start(catch_faults=False) is None
    finally:
        session.end()


@pytest.mark.skipif(sys.platform == "win32", reason="the second process holds a POSIX lock")
def test_a_second_window_does_not_call_the_first_one_crashed(rasoat_home: Path) -> None:
    ready = rasoat_home / "ready"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(SESSION)
            + f"import pathlib, time\npathlib.Path({str(ready)!r}).touch()\ntime.sleep(60)\n",
        ],
        cwd=ROOT,
        env={**os.environ, "RASOAT_HOME": str(rasoat_home)},
    )
    try:
        for _ in range(600):
            if ready.exists() or holder.poll() is not None:
                break
            subprocess.run(["sleep", "0.05"], check=True)
        assert ready.exists()
        second = crash.Session(paths.log_dir())
        assert second.start(catch_faults=False) is None
        assert not second.active
        second.record("ignored")  # keeps no trace of its own, touches not the first one's
        assert (paths.log_dir() / crash.STATE_NAME).exists()
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    "trace",
    [
        "{not json",
        # Read as a dict, these stopped the window from opening (AttributeError, exit 1).
        "[1, 2]",
        '"một chuỗi"',
        '{"started": 1e308, "fatal_offset": 1e308, "household_saved": NaN}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_a_damaged_trace_still_counts_as_an_unclean_exit(rasoat_home: Path, trace: str) -> None:
    (paths.log_dir() / crash.STATE_NAME).write_text(trace, encoding="utf-8")
    session = crash.Session(paths.log_dir())
    try:
        previous = session.start(catch_faults=False)
    finally:
        session.end()
    assert previous is not None
    assert "đóng bất thường" in previous.summary()
