"""A workbook's sheets are spooled in the app's own owner-only folder, never in $TMPDIR, and
what a killed process left there is swept at the next start (issue 20, the audit's MEDIUM
finding: openpyxl's write-only mode left ``$TMPDIR/openpyxl.*`` with every name of the
list in plain text after a kill). Real files, a real SIGKILL, no mock."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet._writer import ALL_TEMP_FILES

from db import private_tmp
from reports import spool
from reports.xlsx import render_xlsx
from tests.reports.test_render import _doc

NAME = "Hoàng Thị Nguyệt Ánh"
ROWS = 3000  # enough rows that the sheet's stream has reached its file when it is killed


@pytest.fixture
def system_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder, for this test alone (where openpyxl spooled)."""
    folder = tmp_path / "he-thong-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _holding(folder: Path, text: str) -> list[Path]:
    """Files under ``folder`` whose bytes hold ``text``."""
    needle = text.encode("utf-8")
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_a_workbook_spools_in_a_private_folder_and_leaves_nothing(
    tmp_path: Path, system_tmp: Path, rasoat_home: Path
) -> None:
    seen: dict[str, object] = {}

    def progress(done: int, total: int) -> None:
        # Mid-write: the sheet's rows are in its spool file, not yet in the workbook.
        root = private_tmp.root()
        assert root is not None
        [folder] = list(root.glob(spool.PREFIX + "*"))
        seen["folder"] = stat.S_IMODE(folder.stat().st_mode)
        seen["root"] = stat.S_IMODE(root.stat().st_mode)
        seen["files"] = [stat.S_IMODE(p.stat().st_mode) for p in folder.glob("trang-*")]
        seen["tmp"] = sorted(p.name for p in system_tmp.iterdir())

    out = render_xlsx(_doc(ROWS, NAME), tmp_path / "ds.xlsx", progress)
    assert seen["tmp"] == []  # nothing in the system's temporary folder, even mid-write
    assert seen["root"] == seen["folder"] == 0o700
    assert seen["files"] == [0o600]
    root = private_tmp.root()
    assert root is not None
    assert list(root.iterdir()) == []  # removed once written
    assert list(system_tmp.iterdir()) == []
    assert not [p for p in ALL_TEMP_FILES if str(root) in p]
    ws = load_workbook(out, read_only=True).worksheets[0]
    assert any(NAME in str(c) for row in ws.iter_rows(values_only=True) for c in row if c)


def test_a_workbook_that_fails_leaves_nothing(tmp_path: Path, system_tmp: Path) -> None:
    def progress(done: int, total: int) -> None:
        raise RuntimeError("the officer's disk went away")

    with pytest.raises(RuntimeError):
        render_xlsx(_doc(ROWS, NAME), tmp_path / "ds.xlsx", progress)
    root = private_tmp.root()
    assert root is not None
    assert list(root.iterdir()) == []
    assert list(system_tmp.iterdir()) == []
    assert not [p for p in ALL_TEMP_FILES if str(root) in p]


def test_a_process_killed_mid_write_leaves_no_plain_text_after_the_next_start(
    tmp_path: Path, system_tmp: Path, rasoat_home: Path
) -> None:
    """SIGKILL while the sheet is half streamed: openpyxl's exit handler never runs. What is
    left is in the app's owner-only folder only, and the next start removes it."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)

        def progress(done: int, total: int) -> None:
            os.write(write_end, b"k")
            os.kill(os.getpid(), signal.SIGKILL)

        try:
            render_xlsx(_doc(ROWS, NAME), tmp_path / "ds.xlsx", progress)
        finally:
            os._exit(3)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as said:
        assert said.read() == b"k"
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    assert _holding(system_tmp, NAME) == []
    root = private_tmp.root()
    assert root is not None
    left = _holding(root, NAME)
    assert left  # the kill did leave the sheet's rows, in the owner-only folder
    assert all(stat.S_IMODE(p.parent.stat().st_mode) == 0o700 for p in left)

    from desktop.app import sweep_spool  # what the window does at its start

    sweep_spool()
    assert list(root.iterdir()) == []
    assert _holding(rasoat_home, NAME) == []
    assert _holding(system_tmp, NAME) == []


def test_the_sweep_never_takes_a_workbook_being_written(tmp_path: Path) -> None:
    """Another thread's (or process's) workbook in progress keeps its folder: its lock is
    held. A folder whose process died (its lock free) goes."""
    root = private_tmp.root()
    assert root is not None
    dead = root / (spool.PREFIX + "chet")
    dead.mkdir()
    (dead / spool.LOCK_NAME).touch()
    (dead / "trang-1.xml").write_text(NAME, encoding="utf-8")
    inside = threading.Event()
    release = threading.Event()
    live: list[Path] = []

    def writer() -> None:
        with spool.spool_folder() as folder:
            live.append(folder)
            inside.set()
            release.wait(10)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert inside.wait(10)
        assert not dead.exists()  # swept as the live one began
        assert spool.sweep() == []
        assert live[0].is_dir()
    finally:
        release.set()
        t.join()
    assert not live[0].exists()


def test_a_folder_a_sweep_holds_is_not_the_one_a_workbook_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sweep of another process that locked a new folder between its making and its
    locking removes it holding the lock: the workbook is given a new folder, locked, never
    the one being taken away (the sweep's lock is stood in for here by taking every new
    folder's lock before ``spool_folder`` does, the first time)."""
    real_mkdtemp = spool.tempfile.mkdtemp
    taken: list[Any] = []

    def mkdtemp(*args: Any, **kwargs: Any) -> str:
        made = real_mkdtemp(*args, **kwargs)
        if not taken:  # a sweep got there first: it holds the lock, then removes the folder
            lock = open(Path(made) / spool.LOCK_NAME, "a+b")  # noqa: SIM115
            assert spool.try_lock(lock)
            taken.append((Path(made), lock))
        return made

    monkeypatch.setattr(spool.tempfile, "mkdtemp", mkdtemp)
    with spool.spool_folder() as folder:
        swept, lock = taken[0]
        assert folder != swept
        with open(folder / spool.LOCK_NAME, "a+b") as other:
            assert not spool.try_lock(other)  # this one's lock is held
        lock.close()
