"""`rasoat log`: the audit log saved from the command line as the GUI saves it, a household's
history or a period's log; what it refuses (no such household, a bad date, a period longer
than one document holds) is said and leaves the commune file byte-identical."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from db.demo import create_demo_commune
from db.store import HouseholdQuery, Store
from rasoat.cli import main
from rasoat.days import parse_day


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=6)


def _cells(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(
        str(c.value) for ws in book.worksheets for r in ws.iter_rows() for c in r if c.value
    )


def test_a_households_history_and_a_periods_log(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(demo, user="Cán bộ Lan", device="may-xa") as store:
        code = store.list_households(HouseholdQuery(limit=1))[0].code
    out = tmp_path / "ls.xlsx"
    assert main(["log", str(demo), "--household", code, "--out", str(out)]) == 0
    assert f"LỊCH SỬ THAY ĐỔI CỦA HỘ {code}" in _cells(out)
    assert str(out) in capsys.readouterr().out

    today = date.today()
    out = tmp_path / "nk.pdf"
    yesterday = f"{today - timedelta(days=1):%d/%m/%Y}"
    assert main(["log", str(demo), "--from", yesterday, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    with Store.open(demo, user="Cán bộ Lan", device="may-xa") as store:
        prints = [e.new for e in store.audit_for_row("events", "print") if e.new is not None]
    assert [p.get("file", "").endswith(("ls.xlsx", "nk.pdf")) for p in prints[-2:]] == [True] * 2


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--household", "KHONG-CO"], "không có hộ mã 'KHONG-CO'"),
        (["--from", "31/02/2026"], "ngày '31/02/2026' không hợp lệ"),
        (["--from", "02/12/2026", "--to", "01/12/2026"], "Ngày kết thúc phải sau ngày bắt đầu"),
        ([], "cần --household MÃ_HỘ hoặc --from NGÀY"),
        (["--household", "X", "--to", "01/12/2026"], "--to chỉ dùng cùng --from"),
    ],
)
def test_what_is_refused_is_said_and_the_file_kept(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    before = demo.read_bytes()
    assert main(["log", str(demo), *args, "--out", str(tmp_path / "x.pdf")]) == 2
    assert said in capsys.readouterr().err
    assert demo.read_bytes() == before
    assert not (tmp_path / "x.pdf").exists()


def test_a_period_too_long_for_one_document_is_refused_with_its_count(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reports import audit_log

    monkeypatch.setattr(audit_log, "LINES_LIMIT", 5)
    before = demo.read_bytes()
    today = f"{date.today():%d/%m/%Y}"
    assert main(["log", str(demo), "--from", today, "--out", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert f"Từ ngày {today} đến ngày {today} có" in err
    assert "tối đa 5 dòng" in err
    assert demo.read_bytes() == before


def test_dates_as_officers_write_them() -> None:
    assert parse_day("1/12/2026") == parse_day("01/12/2026") == date(2026, 12, 1)
    assert parse_day("2026-12-01") == date(2026, 12, 1)
    assert parse_day("12/2026") is None
    assert parse_day("01/12/26") is None  # not the year 26
    assert parse_day("0026-12-01") is None
    assert parse_day("hôm nay") is None
