"""`rasoat demo` and `rasoat db check|backup|restore`, run through the real CLI entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import backup
from rasoat.cli import main


def test_demo_then_check_backup_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mau.sqlite"
    assert main(["demo", "--households", "40", "--out", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Đã tạo tệp xã mẫu" in out
    assert "hộ nghèo" in out

    assert main(["db", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Số hộ: 40" in out
    assert "tệp không có lỗi" in out

    assert main(["db", "backup", str(path)]) == 0
    [manual] = backup.list_backups(path, "manual")
    assert str(manual) in capsys.readouterr().out

    assert main(["db", "restore", str(path), "--from", str(manual)]) == 0
    out = capsys.readouterr().out
    assert "Đã khôi phục" in out
    assert main(["db", "check", str(path)]) == 0


def test_demo_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mau.sqlite"
    path.write_text("dữ liệu quý", encoding="utf-8")
    assert main(["demo", "--households", "5", "--out", str(path)]) == 1
    assert "đã có" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "dữ liệu quý"


def test_check_damaged_file_points_to_restore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mau.sqlite"
    assert main(["demo", "--households", "60", "--out", str(path)]) == 0
    size = path.stat().st_size
    with path.open("r+b") as f:
        for offset in range(4096 * 4, size - 4096, 4096 * 5):
            f.seek(offset)
            f.write(b"\xff" * 2048)
    capsys.readouterr()
    assert main(["db", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "bị hỏng" in err
    assert "rasoat db restore" in err
    assert main(["db", "restore", str(path)]) == 0
    assert main(["db", "check", str(path)]) == 0


def test_restore_without_backups(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "restore", str(tmp_path / "x.sqlite"), "--list"]) == 1
    assert "Không có bản sao lưu" in capsys.readouterr().err


def test_check_and_a_refused_restore_leave_the_file_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening the file wrote "last seen": a check (which may be of a file kept as it is for
    a later look) and a restore refused to a viewer changed its bytes. Not any more."""
    import hashlib

    path = tmp_path / "mau.sqlite"
    assert main(["demo", "--households", "10", "--out", str(path)]) == 0
    pw = tmp_path / "nd.txt"
    pw.write_text("mat-khau-9x\n", encoding="utf-8")
    f, p = str(path), str(pw)
    assert main(["users", "add", f, "thu", "--role", "can-bo", "--new-password-file", p]) == 0
    viewer = ["users", "add", f, "xem", "--role", "nguoi-xem", "--new-password-file", p]
    assert main([*viewer, "--user", "thu", "--password-file", p]) == 0
    assert main(["db", "backup", f]) == 0
    capsys.readouterr()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["db", "check", f]) == 0
    assert "tệp không có lỗi" in capsys.readouterr().out
    assert main(["db", "restore", f, "--user", "xem", "--password-file", p]) == 1
    assert "không được" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    # The restore asked the file's users on a read-only connection, which leaves its -wal
    # behind, empty (SQLite cannot remove it read-only): nothing in it to checkpoint.
    wal = path.with_name("mau.sqlite-wal")
    assert not wal.exists() or wal.stat().st_size == 0
