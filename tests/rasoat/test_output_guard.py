"""No command writes over the files it reads or over a commune file: the commune file named
as a report's, a receipt's, a package's or a workbook's output used to be replaced, with no
backup made (rc 0, or rc 1 with "dữ liệu đã lưu vẫn an toàn")."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from db.output_guard import refusal
from rasoat.cli import main


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_output_option_refuses_the_commune_file(
    commune: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "goi.rasoat"
    assert main(["export", str(commune), str(package), "--no-password"]) == 0
    other = tmp_path / "xa-khac.sqlite"
    shutil.copy(commune, other)
    capsys.readouterr()
    before, before_other = digest(commune), digest(other)
    f = str(commune)
    for argv in (
        ["export", f, f, "--no-password"],
        ["report", "final_list", f, "--out", f],
        ["person", "find", f, "Hùng", "--pdf", f],
        ["import", f, str(package), "--receipt", f],
        ["summary", str(package), "--xlsx", f],
        ["whatif", f, "--standard", "nd351-2026-2030", "--out", f],
        ["log", f, "--from", "01/01/2026", "--out", f],
        # Not the file read, but a commune file all the same.
        ["report", "final_list", f, "--out", str(other)],
        # Its write-ahead journal.
        ["report", "final_list", f, "--out", f + "-wal"],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "Hãy đặt tên khác" in err or "tệp của phần mềm" in err, (argv, err)
        assert "Traceback" not in err
    assert digest(commune) == before
    assert digest(other) == before_other
    assert not os.path.exists(f + "-wal") or os.path.getsize(f + "-wal") == 0


def test_a_folder_or_a_backup_named_as_the_output_is_refused_before_anything_runs(
    commune: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(commune)
    assert main(["report", "final_list", str(commune), "--out", str(tmp_path)]) == 2
    assert "là một thư mục" in capsys.readouterr().err
    backups = commune.with_name(commune.name + ".backups")
    backups.mkdir(exist_ok=True)
    assert main(["report", "final_list", str(commune), "--out", str(backups / "x.pdf")]) == 2
    assert "bản sao lưu" in capsys.readouterr().err
    assert digest(commune) == before
    assert main(["report", "final_list", str(commune), "--out", str(tmp_path / "ds.pdf")]) == 0


def test_refusal_lets_new_files_and_old_documents_be_written(tmp_path: Path) -> None:
    old_pdf = tmp_path / "cu.pdf"
    old_pdf.write_bytes(b"%PDF-1.4 an old list")
    assert refusal(tmp_path / "moi.pdf", [tmp_path / "xa.sqlite"]) is None
    assert refusal(old_pdf, [tmp_path / "xa.sqlite"]) is None
    assert refusal(tmp_path, [], folder=True) is None
    assert refusal(tmp_path / "xa.sqlite", [tmp_path / "xa.sqlite"]) is not None


def test_no_terminal_to_type_a_password_on_is_said_without_pythons_warning(
    commune: Path, tmp_path: Path
) -> None:
    """Run from another program (no terminal: a new session, standard input empty), getpass
    printed "GetPassWarning: Can not control echo … Password input may be echoed" first."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "rasoat", "export", str(commune), str(tmp_path / "goi.rasoat")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        start_new_session=True,
        timeout=120,
        env={**os.environ, "RASOAT_HOME": str(tmp_path / "home")},
    )
    assert done.returncode == 2
    assert "Không có bàn phím để hỏi mật khẩu" in done.stderr
    assert "Warning" not in done.stderr
    assert "echoed" not in done.stderr
    assert not (tmp_path / "goi.rasoat").exists()


def test_a_folder_for_a_file_a_misnamed_output_and_another_programs_database(
    commune: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder given as the commune file was "USB đã bị rút", as a package "mã lỗi 21";
    r.docx held a PDF and r.pdf an Excel workbook; `expire` thinned another program's
    database's folder of copies with exit 0."""
    from db import driver

    assert main(["db", "check", str(tmp_path)]) != 0
    assert "là một thư mục, không phải tệp dữ liệu xã" in capsys.readouterr().err
    assert main(["import", str(commune), str(tmp_path)]) == 2
    assert "ở đó là một thư mục, không phải tệp" in capsys.readouterr().err
    before = digest(commune)
    for out, fmt in ((tmp_path / "r.docx", []), (tmp_path / "r.pdf", ["--format", "xlsx"])):
        assert main(["report", "final_list", str(commune), "--out", str(out), *fmt]) == 2
        assert "hãy đặt tên có đuôi" in capsys.readouterr().err
        assert not out.exists()
    assert digest(commune) == before
    other = tmp_path / "khac.sqlite"
    conn = driver.connect(str(other))  # another program's database
    conn.execute("CREATE TABLE t (a)")
    conn.close()
    assert main(["expire", str(other)]) == 2
    assert "không phải tệp dữ liệu rà soát" in capsys.readouterr().err


def test_no_output_over_a_file_the_command_reads_by_an_option(
    commune: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A password or recovery key file read by an option is read too: a workbook written over
    the only copy of a recovery key lost it. excel-import's workbook is read, not written."""
    package = tmp_path / "goi.rasoat"
    assert main(["export", str(commune), str(package), "--no-password"]) == 0
    key = tmp_path / "khoa.txt"
    key.write_text("AAAA-BBBB\n", encoding="utf-8")
    capsys.readouterr()
    argv = ["summary", str(package), "--recovery-key-file", str(key), "--xlsx", str(key)]
    assert main(argv) == 2
    assert "trùng với tệp đang đọc" in capsys.readouterr().err
    assert key.read_text(encoding="utf-8") == "AAAA-BBBB\n"
    sheet = tmp_path / "ds.xlsx"
    sheet.write_bytes(b"not a workbook")
    assert main(["excel-import", str(commune), str(sheet), "--year", "2025"]) != 0
    assert "Tệp kết quả" not in capsys.readouterr().err


def test_a_path_under_a_file_is_refused_before_anything_runs(
    commune: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No folder can be made under a file: the report ran, then failed on making it with
    "Lỗi không mong muốn (FileExistsError …)"."""
    blocker = tmp_path / "goi.rasoat"
    blocker.write_bytes(b"x")
    assert main(["report", "final_list", str(commune), "--out", str(blocker / "ds.pdf")]) == 2
    assert "goi.rasoat là một tệp, không phải thư mục" in capsys.readouterr().err
