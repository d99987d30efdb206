"""What a commune officer signs: the wording and counts of each document as printed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import reports
from db.store import Store
from reports.review import load_review
from tests.reports.conftest import VILLAGES


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(p.split()) for p in text.split("\f")[:-1]]


def flat_text(path: Path) -> str:
    return " ".join(pdf_pages(path))


def test_minutes_before_the_vote_leave_blanks(small_store: Store, tmp_path: Path) -> None:
    village = VILLAGES[1]  # no vote typed in yet
    data = load_review(small_store, village=village)
    put = [e for e in data.entries if e.groups(proposed=True)]
    assert 0 < len(put) < len(data.entries)
    text = flat_text(
        reports.build("meeting_minutes", small_store, tmp_path / "bb.pdf", village=village)
    )
    assert "…… hộ được thống nhất" in text
    assert " 0 hộ được thống nhất" not in text
    assert f"trên tổng số {len(put)} hộ có tên trong Danh sách" in text


def test_no_minutes_for_a_village_with_nobody_to_review(small_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    shutil.copy(small_file, path)
    with Store.open(path, user="t", device="t") as store:
        store.add_village("Thôn Trống")
        with pytest.raises(reports.ReportError, match="không có hộ nào đưa ra bình xét"):
            reports.build("meeting_minutes", store, tmp_path / "x.pdf", village="Thôn Trống")
        text = flat_text(reports.build("meeting_minutes", store, tmp_path / "all.pdf"))
    assert text.count("BIÊN BẢN KẾT QUẢ HỌP DÂN") == len(VILLAGES)
    assert "THÔN TRỐNG" not in text
