"""A command stopped by the disk says so in the window's words (``db.errors.failure_reason``
through ``rasoat.logs.failure_text``): Vietnamese, never the exception's English words nor a
traceback, which go to the log. Each failure is real: a folder made read-only with
``chattr +i``, a full tmpfs, a file that is not there."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasoat import paths
from rasoat.cli import main
from tests.db.exchange.commune import make_commune
from tests.db.test_reliability import _immutable, _tmpfs
from tests.desktop.test_failure_texts import _fill_up

ENGLISH = ("Errno", "errno", "denied", "Permission", "space", "unable", "Traceback", "Error")


def _no_english(text: str) -> None:
    for word in ENGLISH:
        assert word not in text, (word, text)


def test_an_export_into_a_read_only_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = make_commune(tmp_path / "xa.db", 3)
    folder = tmp_path / "usb"
    folder.mkdir()
    with _immutable(folder):
        assert main(["export", str(db), str(folder / "goi.rasoat"), "--no-password"]) == 1
    err = capsys.readouterr().err
    assert "rasoat export: không làm xong: không có quyền ghi" in err
    assert "chọn nơi khác" in err
    _no_english(err)
    assert list(folder.iterdir()) == []
    assert "PermissionError" in paths.log_file().read_text(encoding="utf-8")  # for whoever helps


def test_an_export_onto_a_full_disk_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = make_commune(tmp_path / "xa.db", 3)
    with _tmpfs(tmp_path / "disk", "64k") as disk:
        _fill_up(disk)
        out = disk / "goi.rasoat"
        assert main(["export", str(db), str(out), "--no-password"]) == 1
        assert not out.exists()
    err = capsys.readouterr().err
    assert "rasoat export: không làm xong: ổ đĩa đã đầy" in err
    _no_english(err)


def test_a_receipt_refused_by_a_read_only_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = make_commune(tmp_path / "xa.db", 3)
    pkg = tmp_path / "goi.rasoat"
    assert main(["export", str(db), str(pkg), "--no-password"]) == 0
    folder = tmp_path / "usb"
    folder.mkdir()
    out = folder / "bien-nhan.pdf"
    capsys.readouterr()
    with _immutable(folder):
        assert main(["import", str(db), str(pkg), "--receipt", str(out)]) == 1
    said = capsys.readouterr()
    assert "BIÊN NHẬN NHẬP GÓI" in said.out
    assert f"biên nhận {out}: không có quyền ghi" in said.err
    _no_english(said.err)


def test_a_recovery_key_file_that_cannot_be_read_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = make_commune(tmp_path / "xa.db", 3)
    out = tmp_path / "goi.rasoat"
    for key, why in (
        (tmp_path / "khong-co.txt", "tệp hoặc thư mục không còn ở đó"),
        (tmp_path / "anh.txt", "tệp không phải văn bản"),
    ):
        if key.name == "anh.txt":
            key.write_bytes(b"\xff\xfe\x00\xd8" * 8)
        password = tmp_path / "mat-khau.txt"
        password.write_text("Một mật khẩu đủ dài 2026!\n", encoding="utf-8")
        code = main(
            [
                "export",
                str(db),
                str(out),
                "--password-file",
                str(password),
                "--recovery-key-file",
                str(key),
            ]
        )
        assert code == 2
        err = capsys.readouterr().err
        assert f"Không đọc được tệp khoá khôi phục {key.name}: {why}" in err
        _no_english(err)
        assert not out.exists()


def test_db_check_of_a_file_gone_says_it_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = tmp_path / "usb" / "xa.sqlite"
    assert main(["db", "check", str(gone)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Không tìm thấy tệp dữ liệu xa.sqlite ở thư mục {gone.parent}: ")
    assert "hỏng" not in err
    _no_english(err)
