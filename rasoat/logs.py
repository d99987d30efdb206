"""The log file: a rotating file in ``paths.log_dir()``, so an officer can send it when
something goes wrong, and it never fills an old laptop's disk.

``setup_logging()`` is called once by every entry point that runs the app (GUI, self-test);
calling it again (or after RASOAT_HOME changed, as in tests) replaces our handler instead of
adding a second one.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from rasoat import __version__, paths

MAX_BYTES = 1_000_000
BACKUP_COUNT = 5  # six files of 1 MB at most
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s]: %(message)s"

log = logging.getLogger(__name__)


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
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    log.info("rasoat %s started (Python %s, %s)", __version__, sys.version.split()[0], sys.platform)
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


def run_command(func: Callable[[Any], int | None], args: Any) -> int:
    """Runs a CLI subcommand; an exception it did not handle becomes a short Vietnamese message
    on stderr naming the log file, where the traceback goes (the same promise the GUI's error
    dialog makes). Logging is set up only then, so ordinary runs leave the logging alone."""
    try:
        return int(func(args) or 0)
    except Exception as exc:
        file = setup_logging()
        log.critical("command %s failed", getattr(args, "command", "?"), exc_info=exc)
        print(
            f"Lỗi không mong muốn ({type(exc).__name__}): {exc}\n"
            f"Việc vừa làm chưa hoàn thành; dữ liệu đã lưu trước đó vẫn an toàn.\n"
            f"Chi tiết đã ghi vào nhật ký: {file}",
            file=sys.stderr,
        )
        return 70  # EX_SOFTWARE: an internal error, not a usage error (2) or a refusal (1)
