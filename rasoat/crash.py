"""A crash leaves a trace, and the next start says so.

A window that vanishes (a fatal error in Qt or the interpreter, a kill, a power cut) writes
nothing through ``logging``. So while the app runs:

- ``faulthandler`` writes the Python stack of every thread to ``logs/fatal.log`` on a fatal
  signal (segmentation fault, abort after "Fatal Python error", …);
- the last actions (file opened, household opened or saved, menu command, tab) are kept in
  ``logs/session.json``, rewritten after each one, and logged;
- ``logs/session.lock`` is held (an OS lock) for the life of the process.

A clean exit removes ``session.json``. If the next start finds it, and the lock is free (so
its process is gone, not just another window), the previous session ended unexpectedly: its
fault trace and last actions go into ``rasoat.log`` as one record and the GUI tells the
officer what happened and what was kept (``PreviousSession.summary``).

No personal data is recorded: households by their code, files by their name.
Qt-free, so the self-test and the CLI could use it too.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from db.os_lock import try_lock, unlock
from rasoat import __version__

log = logging.getLogger(__name__)

STATE_NAME = "session.json"
LOCK_NAME = "session.lock"
FATAL_NAME = "fatal.log"
LAST_ACTIONS = 20
FATAL_READ_MAX = 64_000  # bytes of a fault trace read back: all threads, with room to spare
TRACE_READ_MAX = 1 << 20  # bytes of the session trace read back: it is a few kilobytes
FATAL_KEEP_MAX = 1_000_000  # fatal.log starts again past this


@dataclass
class PreviousSession:
    """What the last session left behind when it did not end cleanly."""

    started: float
    version: str
    file: str = ""
    household: str = ""  # code of the household open in the editor, if any
    household_saved: float = 0.0  # when that household was last saved
    actions: list[tuple[float, str]] = field(default_factory=list)
    fatal: str = ""  # the fault trace, when faulthandler caught one

    def summary(self) -> str:
        """A plain Vietnamese account for the officer: what happened and what is kept."""
        lines = [
            f"Lần trước (bắt đầu lúc {_clock(self.started, with_date=True)}) "
            "Rà soát đã đóng bất thường.",
            "Mọi hộ đã lưu trước lúc đó vẫn còn trong tệp xã; chỉ phần đang gõ dở trong vài "
            "giây cuối có thể chưa được lưu.",
        ]
        if self.household:
            saved = (
                f"lưu lần cuối lúc {_clock(self.household_saved)}"
                if self.household_saved
                else "chưa được lưu lần nào trong phiên đó"
            )
            lines.append(
                f"Hộ đang mở lúc đó: {self.household} ({saved}). "
                "Hãy mở lại hộ này và xem lại các câu trả lời cuối."
            )
        if self.actions:
            when, what = self.actions[-1]
            lines.append(f"Việc làm cuối cùng: {what} (lúc {_clock(when)}).")
        return "\n".join(lines)

    def log_text(self) -> str:
        """Everything, for the log file."""
        parts = [
            f"previous session (rasoat {self.version}, started {_iso(self.started)}) "
            "ended unexpectedly",
            f"file: {self.file or '-'}; household open: {self.household or '-'}",
            "last actions:",
            *(f"  {_iso(t)} {a}" for t, a in self.actions),
        ]
        if self.fatal:
            parts += ["fault trace:", self.fatal.rstrip()]
        else:
            parts.append("no fault trace (killed, power cut, or ended from outside)")
        return "\n".join(parts)


class Session:
    """The running app's trace. ``start`` once, ``record`` as things happen, ``end`` at exit."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.state_path = folder / STATE_NAME
        self.fatal_path = folder / FATAL_NAME
        self._lock: IO[bytes] | None = None
        self._fatal: IO[bytes] | None = None
        self._state: dict[str, Any] = {}
        self._catching = False

    @property
    def active(self) -> bool:
        return self._lock is not None

    def start(self, *, catch_faults: bool = True) -> PreviousSession | None:
        """Takes the lock, reads what an unclean previous session left, begins a new trace.
        Returns None when the last session ended cleanly, or when another instance is running
        (then this one keeps no trace: the other one owns it). ``catch_faults=False`` leaves
        faulthandler alone (a test runner has its own)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = open(self.folder / LOCK_NAME, "a+b")  # noqa: SIM115 - held for the process life
        if not try_lock(lock):
            lock.close()
            log.info("another Rà soát is running with the same data folder; no crash trace kept")
            return None
        self._lock = lock
        previous = self._read_previous()
        if previous is not None:
            log.critical("%s", previous.log_text())
        if self.fatal_path.exists() and self.fatal_path.stat().st_size > FATAL_KEEP_MAX:
            self.fatal_path.unlink()
        self._fatal = open(self.fatal_path, "ab")  # noqa: SIM115 - faulthandler keeps the fd
        if catch_faults:
            faulthandler.enable(file=self._fatal, all_threads=True)
        self._catching = catch_faults
        self._state = {
            "started": time.time(),
            "pid": os.getpid(),
            "version": __version__,
            "fatal_offset": self._fatal.tell(),
            "file": "",
            "household": "",
            "household_saved": 0.0,
            "actions": [],
        }
        self._write()
        return previous

    def record(
        self, action: str, *, household: str | None = None, saved: bool = False, file: str = ""
    ) -> None:
        """One thing the officer did. ``household`` is the code of the household now open
        ("" when the editor closed); ``saved`` says it was just saved."""
        if not self.active:
            return
        now = time.time()
        actions = [*self._state["actions"], [now, action]][-LAST_ACTIONS:]
        self._state["actions"] = actions
        if file:
            self._state["file"] = file
        if household is not None:
            if household != self._state["household"]:
                self._state["household_saved"] = 0.0
            self._state["household"] = household
        if saved:
            self._state["household_saved"] = now
        log.info("action: %s", action)
        self._write()

    def end(self) -> None:
        """A clean exit: nothing to report next time."""
        if not self.active:
            return
        if self._catching:
            # Back to the console (where Python writes a fault), never to the closed file.
            faulthandler.disable()
            if sys.__stderr__ is not None:
                with contextlib.suppress(Exception):
                    faulthandler.enable(file=sys.__stderr__, all_threads=True)
        if self._fatal is not None:
            self._fatal.close()
            self._fatal = None
        with contextlib.suppress(FileNotFoundError):
            self.state_path.unlink()
        assert self._lock is not None
        unlock(self._lock)
        self._lock.close()
        self._lock = None

    # --- inside --------------------------------------------------------------------------
    def _write(self) -> None:
        # Replaced whole, so a crash mid-write leaves the previous state, never half of one.
        # No fsync: a process that dies leaves the OS's buffers to be written; a power cut
        # may lose the last few actions, which the log file has anyway.
        tmp = self.state_path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(self._state, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.state_path)
        except OSError:  # a full disk must not stop the officer's work for a trace
            log.warning("could not write %s", self.state_path, exc_info=True)

    def _read_previous(self) -> PreviousSession | None:
        try:
            with open(self.state_path, "rb") as f:
                raw = json.loads(f.read(TRACE_READ_MAX).decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError):
            raw = {}  # a damaged trace still means the session did not end cleanly
        if not isinstance(raw, dict):
            raw = {}  # a list or a text: read as .get, it stopped the window opening
        with contextlib.suppress(FileNotFoundError):
            self.state_path.unlink()
        previous = PreviousSession(
            started=_number(raw.get("started")),
            version=str(raw.get("version", "?")),
            file=str(raw.get("file", "")),
            household=str(raw.get("household", "")),
            household_saved=_number(raw.get("household_saved")),
        )
        for item in raw.get("actions", []) if isinstance(raw.get("actions"), list) else []:
            if isinstance(item, list) and len(item) == 2:
                previous.actions.append((_number(item[0]), str(item[1])))
        previous.fatal = self._read_fatal(int(_number(raw.get("fatal_offset"))))
        return previous

    def _read_fatal(self, offset: int) -> str:
        try:
            with open(self.fatal_path, "rb") as f:
                f.seek(offset)
                return f.read(FATAL_READ_MAX).decode("utf-8", "replace").strip()
        except OSError:
            return ""


# --- the process's one session -------------------------------------------------------------
_current: Session | None = None


def start(folder: Path | None = None, *, catch_faults: bool = True) -> PreviousSession | None:
    """Arms the trace for this process (the GUI calls it once at start)."""
    global _current
    from rasoat import paths

    _current = Session(folder or paths.log_dir())
    return _current.start(catch_faults=catch_faults)


def record(action: str, **kwargs: Any) -> None:
    """Records an action when a trace is armed; a no-op otherwise (tests, the CLI)."""
    if _current is not None:
        _current.record(action, **kwargs)


def end() -> None:
    global _current
    if _current is not None:
        _current.end()
        _current = None


# --- small helpers ---------------------------------------------------------------------------
def _number(value: Any) -> float:
    """A time or an offset from the trace, 0 when it is none: 1e308 as the fatal log's
    offset made seek() overflow."""
    if not isinstance(value, int | float) or not 0 <= value < 2**53:  # NaN compares False
        return 0.0
    return float(value)


def _clock(t: float, *, with_date: bool = False) -> str:
    if not t:
        return "?"
    fmt = "%H:%M ngày %d/%m/%Y" if with_date else "%H:%M:%S"
    return time.strftime(fmt, time.localtime(t))


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) if t else "?"
