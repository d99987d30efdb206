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
