"""The log file: rotating, in the log folder, one handler however often it is set up."""

from __future__ import annotations

import logging
import sys

import pytest

from rasoat import logs, paths


def ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, logs._RasoatFileHandler)]


def test_logs_go_to_the_file_in_the_log_folder() -> None:
    file = logs.setup_logging()
    assert file == paths.log_dir() / "rasoat.log"
    assert logs.current_log_file() == file
    logging.getLogger("desktop.something").warning("nhà văn hóa thôn Nà Sáy")
    for h in ours():
        h.flush()
    text = file.read_text(encoding="utf-8")
    assert "started" in text
    assert "WARNING" in text
    assert "nhà văn hóa thôn Nà Sáy" in text


def test_setting_up_twice_keeps_one_handler() -> None:
    logs.setup_logging()
    logs.setup_logging()
    assert len(ours()) == 1


def test_the_file_rotates_and_keeps_a_bounded_number() -> None:
    file = logs.setup_logging()
    handler = ours()[0]
    assert isinstance(handler, logs._RasoatFileHandler)
    handler.maxBytes = 2_000  # the real limit is 1 MB; the rotation logic is the same
    for i in range(400):
        logging.getLogger("bench").info("dòng %d %s", i, "x" * 40)
    handler.flush()
    rotated = sorted(p.name for p in file.parent.glob("rasoat.log.*"))
    assert rotated == [f"rasoat.log.{i}" for i in range(1, logs.BACKUP_COUNT + 1)]
    assert file.stat().st_size <= 2_000


def test_uncaught_errors_are_written_with_their_traceback() -> None:
    file = logs.setup_logging()
    try:
        raise ZeroDivisionError("chia cho 0")
    except ZeroDivisionError:
        logs.log_uncaught(*sys.exc_info())  # type: ignore[arg-type]
    for h in ours():
        h.flush()
    text = file.read_text(encoding="utf-8")
    assert "CRITICAL" in text
    assert "Traceback" in text
    assert "chia cho 0" in text


def test_a_command_that_fails_prints_a_short_message_and_logs_the_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(args: object) -> int:
        raise KeyError("mã hộ")

    assert logs.run_command(broken, object()) == 70
    err = capsys.readouterr().err
    assert "Lỗi không mong muốn" in err
    assert str(paths.log_file()) in err
    assert "Traceback" not in err
    for h in ours():
        h.flush()
    assert "Traceback" in paths.log_file().read_text(encoding="utf-8")


def test_a_command_that_works_leaves_logging_alone() -> None:
    assert logs.run_command(lambda args: 3, object()) == 3
    assert logs.run_command(lambda args: None, object()) == 0
    assert ours() == []


def test_usage_errors_still_exit_as_argparse_says() -> None:
    def usage(args: object) -> int:
        raise SystemExit(2)

    with pytest.raises(SystemExit):
        logs.run_command(usage, object())
