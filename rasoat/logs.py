"""The log file: a rotating file in ``paths.log_dir()``, so an officer can send it when
something goes wrong, and it never fills an old laptop's disk.

``setup_logging()`` is called once by every entry point that runs the app (GUI, self-test);
calling it again (or after RASOAT_HOME changed, as in tests) replaces our handler instead of
adding a second one.

No personal data in the log (issue 20 item 6; docs/privacy.md): our own messages name a
household by its code and a file by its name, and the text of an exception — which may quote
a value from the data (a library's "'…' is not a valid …", a repr) — is passed through
``redact`` before it is written: quoted values become '…' and runs of 9 to 12 digits (a CCCD,
an old CMND, a phone number) become '#'. The traceback's frames (file, line, code) stay, so
the log still says where it failed. Old log files go after the retention time chosen in
Thiết lập (``rasoat.retention``).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import re
import select
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from rasoat import __version__, paths

MAX_BYTES = 1_000_000
BACKUP_COUNT = 5  # six files of 1 MB at most
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s]: %(message)s"

log = logging.getLogger(__name__)


# A CCCD has 12 digits, an old CMND 9, a phone number 10 or 11: no count, id or time we log
# is written as such a run.
_DIGITS = re.compile(r"(?<![0-9])[0-9]{9,12}(?![0-9])")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|“[^”\n]*”|‘[^’\n]*’")
# Lines of a formatted traceback that are ours, not the exception's text.
_TRACEBACK_LINES = (
    "Traceback (most recent call last):",
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)


def redact(text: str) -> str:
    """``text`` (an exception's message) without the values it may quote."""
    return _DIGITS.sub(lambda m: "#" * len(m.group()), _QUOTED.sub("'…'", text))


def redacted_exception(exc: BaseException) -> str:
    """What to show of an unexpected exception: its type and its redacted message."""
    return f"{type(exc).__name__}: {redact(str(exc))}"


class PrivacyFormatter(logging.Formatter):
    """Digit runs out of every message; the exception's own lines also lose quoted values."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have formatted this record first and cached its traceback
        # text, values and all: ours is always made here.
        cached, record.exc_text = record.exc_text, None
        try:
            text = super().format(record)
        finally:
            record.exc_text = cached
        return _DIGITS.sub(lambda m: "#" * len(m.group()), text)

    def formatException(self, ei: Any) -> str:
        lines = "".join(traceback.format_exception(*ei)).splitlines()
        return "\n".join(
            line if not line or line[0].isspace() or line in _TRACEBACK_LINES else redact(line)
            for line in lines
        )


class _RasoatFileHandler(logging.handlers.RotatingFileHandler):
    """Our own subclass, so setup_logging can find and replace exactly its own handler."""


def setup_logging(level: int = logging.INFO) -> Path:
    """Logs to the rotating file from now on; returns the file's path."""
    root = logging.getLogger()
    file = paths.log_file()
    for handler in list(root.handlers):
        if isinstance(handler, _RasoatFileHandler):
            root.removeHandler(handler)
            handler.close()
    handler = _RasoatFileHandler(
        file, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.setFormatter(PrivacyFormatter(FORMAT))
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    log.info("rasoat %s started (Python %s, %s)", __version__, sys.version.split()[0], sys.platform)
    from rasoat.retention import expire_logs

    removed = expire_logs(current=file)
    if removed:
        log.info("%d log files past their retention time removed", len(removed))
    return file


def current_log_file() -> Path:
    """The file our handler writes to, else where it would be."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _RasoatFileHandler):
            return Path(handler.baseFilename)
    return paths.log_file()


def log_uncaught(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Writes an exception nobody caught, with its traceback, to the log."""
    log.critical("unexpected error", exc_info=(exc_type, exc, tb))


def failure_text(exc: BaseException) -> str:
    """What a command prints when ``exc`` stopped it, to follow "Không … được …: ": the
    same words the window says (``db.errors.failure_reason``: ours, a disk's failure by its
    errno, SQLite's by its result code), else one sentence naming the log. Never the
    exception's English words: they go to the log, with the traceback."""
    from db.errors import failure_reason

    why = failure_reason(exc)
    file = setup_logging()
    log.warning("a command stopped: %s", type(exc).__name__, exc_info=exc)
    if why is not None:
        return why
    if isinstance(exc, UnicodeDecodeError):  # a text file we read (a password, a key)
        return "tệp không phải văn bản (cần lưu với mã UTF-8)."
    return f"gặp lỗi không lường trước; chi tiết đã được ghi vào nhật ký {file}."


# A command whose output's reader stopped reading (`rasoat support list X | head`): what
# a shell gives a program SIGPIPE ends (128 + 13), no message, nothing logged.
STDOUT_CLOSED = 141


def _reader_gone() -> bool:
    """Whether it is the standard output whose reader went away (its pipe reports an error
    to poll), not another pipe of the command's. The standard output is then pointed at the
    null device, so that the interpreter's own flush at exit says nothing. Where poll is
    missing (Windows), never: the error is said as any other."""
    if not hasattr(select, "poll"):
        return False
    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        gone = any(event & select.POLLERR for _, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False
    if gone:
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
    return gone


# The shell's status for a command stopped by Ctrl+C (128 + SIGINT).
INTERRUPTED = 130


def run_command(func: Callable[[Any], int | None], args: Any) -> int:
    """Runs a CLI subcommand; an exception it did not handle becomes a short Vietnamese message
    on stderr naming the log file, where the traceback goes (the same promise the GUI's error
    dialog makes). Logging is set up only then, so ordinary runs leave the logging alone.
    A full disk, a read-only folder, a pulled stick or a busy file is said as the window says
    it (``failure_text``) and exits 1, a refusal with its reason: it is not our fault and the
    officer can act on it; what was saved before stays saved (every write is a transaction)."""
    from db.errors import failure_reason
    from rasoat.signin import exit_code

    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        # Ctrl+C (a province's load of 100 packages runs for minutes): said, not Python's
        # traceback. Every write is a transaction: the one under way is not kept.
        command = getattr(args, "command", "?")
        print(
            f"\nrasoat {command}: Đã dừng theo yêu cầu (Ctrl+C). Việc đang làm dở không được "
            "ghi; những gì đã lưu trước đó (các dòng đã báo xong ở trên) vẫn giữ nguyên.",
            file=sys.stderr,
        )
        return INTERRUPTED
    except Exception as exc:
        if isinstance(exc, BrokenPipeError) and _reader_gone():
            return STDOUT_CLOSED
        command = getattr(args, "command", "?")
        if failure_reason(exc) is not None:
            print(
                f"rasoat {command}: không làm xong: {failure_text(exc)}\n"
                f"Dữ liệu đã lưu trước đó vẫn an toàn.",
                file=sys.stderr,
            )
            return exit_code(exc, 1)
        file = setup_logging()
        log.critical("command %s failed", command, exc_info=exc)
        print(
            f"Lỗi không mong muốn ({redacted_exception(exc)})\n"
            f"Việc vừa làm chưa hoàn thành; dữ liệu đã lưu trước đó vẫn an toàn.\n"
            f"Chi tiết đã ghi vào nhật ký: {file}",
            file=sys.stderr,
        )
        return 70  # EX_SOFTWARE: an internal error, not a usage error (2) or a refusal (1)
