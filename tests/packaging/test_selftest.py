"""`rasoat --self-test` from the source tree: every step reported, failure is non-zero."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rasoat import selftest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RASOAT_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "rasoat", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


STEPS = (
    "Mở cửa sổ chính",
    "Tạo xã mẫu trong thư mục tạm",
    "Phân loại các hộ",
    "Ghi một tệp PDF",
)


@pytest.mark.slow
def test_self_test_reports_every_step_and_its_exit_code_agrees(tmp_path: Path) -> None:
    done = run_cli("--self-test", home=tmp_path)
    out = done.stdout
    assert "Traceback" not in out
    for title in STEPS:
        assert title in out
    failed = [line for line in out.splitlines() if line.startswith("[LỖI")]
    if failed:
        assert done.returncode == 1
        assert "KHÔNG ĐẠT" in out
        # Each failure says why, in Vietnamese, and the log holds the details.
        assert all(("chưa có" in f) or ("lỗi:" in f) or ("bỏ qua" in f) for f in failed)
        assert str(tmp_path / "logs" / "rasoat.log") in out
    else:
        assert done.returncode == 0
        assert "Tự kiểm tra ĐẠT" in out


@pytest.mark.slow
def test_self_test_passes_end_to_end(tmp_path: Path, complete_tree: None) -> None:
    done = run_cli("--self-test", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ghi một tệp PDF" in done.stdout
    # Nothing of the demo commune is left in the user's folders: it lived in a temp folder.
    assert not list(tmp_path.rglob("*.rasoat.sqlite"))


def test_a_missing_part_is_a_failed_step_not_a_pass() -> None:
    with pytest.raises(selftest.Missing, match="db.no_such_module.create"):
        selftest._need("db.no_such_module", "create")
    with pytest.raises(selftest.Missing, match="forms.model.no_such_name"):
        selftest._need("forms.model", "no_such_name")


def test_process_start_is_in_the_recent_past() -> None:
    import time

    started = selftest.process_start_epoch()
    assert 0 <= time.time() - started < 3600


def test_a_failed_step_says_why_in_vietnamese_never_the_exception(tmp_path: Path) -> None:
    """Not 'lỗi: ValueError: …' with the exception's English words (which may hold a name or a
    path of the demo commune): a disk's or SQLite's failure by its code, ours as we say it,
    anything else a sentence pointing to the log."""
    import errno
    import io

    out = io.StringIO()
    test = selftest.SelfTest(out)

    def unexpected() -> str:
        raise ValueError("invalid literal for Hoàng Thị Mai 001234567890")

    def disk_full() -> str:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.pdf"))

    def ours() -> str:
        raise selftest.StepFailed("xã mẫu không có hộ nào")

    for title, action in (("một", unexpected), ("hai", disk_full), ("ba", ours)):
        assert not test.step(title, action)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert all(line.startswith("[LỖI ]") and "lỗi: " in line for line in lines)
    for word in ("ValueError", "OSError", "Hoàng", "001234567890", "No space", str(tmp_path)):
        assert word not in out.getvalue()
    assert "lỗi không lường trước" in lines[0]
    assert "nhật ký" in lines[0]
    assert "đầy" in lines[1]  # db.errors: the disk is full
    assert lines[2].endswith("lỗi: xã mẫu không có hộ nào")
