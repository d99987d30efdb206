"""Default file names in Vietnamese with village and date, never over an existing file
(issue 15, item 14): the function the CLI and the GUI's save dialog share."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rasoat.cli import main
from reports.catalog import DOCUMENTS
from reports.file_names import default_file_name, free_path
from tests.reports.conftest import VILLAGES

DAY = date(2026, 12, 2)


def test_names_say_what_where_and_when() -> None:
    assert (
        default_file_name("meeting_list", "Thôn Nà Pản", DAY)
        == "danh-sach-hop-thon-na-pan-2026-12-02.pdf"
    )
    assert default_file_name("meeting_list", "Nà Pản", DAY) == (
        "danh-sach-hop-thon-na-pan-2026-12-02.pdf"
    )
    assert default_file_name("summary", None, DAY, "xlsx") == "bao-cao-tong-hop-2026-12-02.xlsx"
    assert default_file_name("posting_list", "Bản Đắk Rơ Wa", DAY) == (
        "danh-sach-niem-yet-dak-ro-wa-2026-12-02.pdf"
    )
    assert default_file_name("household_form", None, DAY, household_code="01-0042") == (
        "phieu-ra-soat-01-0042-2026-12-02.pdf"
    )


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_every_kind_has_a_plain_name(kind: str) -> None:
    name = default_file_name(kind, "Thôn Đồng Tâm", DAY)
    assert name.isascii()
    assert name.endswith("-dong-tam-2026-12-02.pdf")
    assert "/" not in name
    assert " " not in name


def test_a_file_already_there_is_kept(tmp_path: Path) -> None:
    first = free_path(tmp_path, "a-2026-12-02.pdf")
    first.write_bytes(b"x")
    second = free_path(tmp_path, "a-2026-12-02.pdf")
    assert second.name == "a-2026-12-02-2.pdf"


def test_the_cli_names_the_file_and_keeps_an_earlier_one(
    small_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["report", "meeting_list", str(small_file), "--village", VILLAGES[1]]
    assert main(args) == 0
    assert main(args) == 0
    today = date.today().isoformat()
    names = sorted(p.name for p in tmp_path.glob("danh-sach-hop-thon-*.pdf"))
    assert names == [
        f"danh-sach-hop-thon-na-hin-{today}-2.pdf",
        f"danh-sach-hop-thon-na-hin-{today}.pdf",
    ]
    out = tmp_path / "ds.pdf"
    assert main([*args, "--out", str(out)]) == 0
    assert main([*args, "--out", str(out)]) == 0
    assert "thay tệp cũ cùng tên" in capsys.readouterr().out
