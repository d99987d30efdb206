"""Sizes and years the command line bounds: a sign-in name of 120,000 characters, a review
year no package has, a sample commune of a hundred million households were taken as given."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.demo import create_demo_commune
from rasoat.cli import main


def test_a_user_name_is_a_word_not_a_paragraph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = create_demo_commune(tmp_path / "xa.sqlite", households=3)
    pw = tmp_path / "mk.txt"
    pw.write_text("mat-khau-9x\n", encoding="utf-8")
    before = path.read_bytes()
    long = ["users", "add", str(path), "a" * 120_000, "--role", "can-bo", "--new-password-file"]
    assert main([*long, str(pw)]) != 0
    assert "Tên đăng nhập dài 120.000 ký tự, quá giới hạn 64" in capsys.readouterr().err
    named = ["users", "add", str(path), "thu", "--display-name", "x" * 500, "--role", "can-bo"]
    assert main([*named, "--new-password-file", str(pw)]) != 0
    assert "Họ tên người dùng dài 500 ký tự" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert (
        main(["users", "add", str(path), "thu", "--role", "can-bo", "--new-password-file", str(pw)])
        == 0
    )


@pytest.fixture
def package(commune: Path, tmp_path: Path) -> Path:
    """The demo commune's package (its periodic reviews: 2025, 2026)."""
    out = tmp_path / "xa.rasoat"
    assert main(["export", str(commune), str(out), "--no-password"]) == 0
    return out


def test_a_review_year_no_package_has_is_said(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["summary", str(package), "--year", "99999"]) == 2
    assert "ngoài khoảng 2000–2100" in capsys.readouterr().err
    assert main(["summary", str(package), "--year", "2030"]) == 1
    said = capsys.readouterr()
    assert "gói không có kỳ rà soát định kỳ năm 2030 (các năm có: 2025, 2026)" in said.err
    assert main(["summary", str(package), "--year", "2026"]) == 0


def test_a_sample_commune_is_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--households", "99999999", "--out", str(tmp_path / "x.sqlite")]) == 2
    assert "Số hộ phải từ 0 đến 100.000" in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite").exists()


def test_a_commune_without_the_year_is_not_in_the_table_sent_up(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    capsys.readouterr()
    book = tmp_path / "tong-hop.xlsx"
    assert main(["summary", str(package), "--year", "2030", "--xlsx", str(book)]) == 1
    out = capsys.readouterr().out
    assert "| 2030 |" not in out
    cells = [
        c for row in load_workbook(book).worksheets[0].iter_rows(values_only=True) for c in row
    ]
    assert 2030 not in cells
