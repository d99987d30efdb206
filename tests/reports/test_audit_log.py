"""The audit log on paper: a household's history shows what changed with its values; the log
of a period names households by code and fields by name, and carries no one's name or ID
number; both say whether the log's chain is whole."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

import reports
from db import driver
from db.demo import create_demo_commune
from db.store import HouseholdQuery, Store
from reports.audit_log import household_history, period_log


def cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [str(c.value) for ws in book.worksheets for r in ws.iter_rows() for c in r if c.value]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return create_demo_commune(tmp_path / "demo.sqlite", households=12)


def test_history_and_period_log_as_pdf_and_xlsx(demo: Path, tmp_path: Path) -> None:
    today = date.today()
    with Store.open(demo, user="Cán bộ Lan", device="may-xa") as store:
        h = store.get_household(store.list_households(HouseholdQuery(limit=1))[0].id)
        assert h is not None
        old_name = h.members[0].name
        h.members[0].name = old_name + " Anh"
        store.save_household(h)
        names = [m.name for row in store.iter_households() for m in row.members]
        ids = [m.id_number for row in store.iter_households() for m in row.members if m.id_number]

        history = household_history(store, h.id)
        reports.save_document(history, store, tmp_path / "ls.xlsx", fmt="xlsx", household_id=h.id)
        pdf = reports.save_document(history, store, tmp_path / "ls.pdf", household_id=h.id)
        period = period_log(store, today - timedelta(days=1), today)
        reports.save_document(period, store, tmp_path / "nk.xlsx", fmt="xlsx")
        reports.save_document(period, store, tmp_path / "nk.pdf")

    assert pdf.read_bytes().startswith(b"%PDF")
    shown = cells(tmp_path / "ls.xlsx")
    assert f"LỊCH SỬ THAY ĐỔI CỦA HỘ {h.code}" in shown
    assert f"Họ và tên: {old_name} → {old_name} Anh" in shown
    assert "Cán bộ Lan" in shown
    assert any("nguyên vẹn" in c for c in shown)

    logged = cells(tmp_path / "nk.xlsx")
    assert "Họ và tên" in logged  # the field, not its value
    assert h.code in logged
    assert "Mở kỳ rà soát" in logged
    text = "\n".join(logged)
    assert not [n for n in names if n and n in text]
    assert not [i for i in ids if i in text]


def test_amounts_read_as_the_forms_show_them_and_a_standard_by_its_name(
    demo: Path, tmp_path: Path
) -> None:
    """An income printed 1.060.000 (not 1060000), a year as it is; the round's standard named
    as officers know it, not by its file's id."""
    with Store.open(demo, user="Cán bộ Lan", device="may-xa") as store:
        h = store.get_household(store.list_households(HouseholdQuery(limit=1))[0].id)
        assert h is not None
        h.income_per_capita = 1_060_000
        store.save_household(h)
        h.income_per_capita = 980_000
        h.members[0].birth_year = 1974
        store.save_household(h)
        history = household_history(store, h.id)
        reports.save_document(history, store, tmp_path / "ls.xlsx", fmt="xlsx", household_id=h.id)
        today = date.today()
        period = period_log(store, today - timedelta(days=1), today)
        reports.save_document(period, store, tmp_path / "nk.xlsx", fmt="xlsx")
    text = "\n".join(cells(tmp_path / "ls.xlsx"))
    assert "1.060.000 → 980.000" in text
    assert "→ 1974" in text
    logged = "\n".join(cells(tmp_path / "nk.xlsx"))
    assert "Chuẩn nghèo đa chiều giai đoạn" in logged
    assert "chuẩn nd" not in logged


def test_the_report_says_when_the_chain_is_broken(demo: Path, tmp_path: Path) -> None:
    conn = driver.connect(demo)
    with conn:
        conn.execute("DELETE FROM audit WHERE id = 30")
    conn.close()
    today = date.today()
    with Store.open(demo, user="Cán bộ Lan", device="may-xa") as store:
        document = period_log(store, today, today)
        reports.save_document(document, store, tmp_path / "nk.xlsx", fmt="xlsx")
    assert any("dòng số 31" in c and "bị xoá" in c for c in cells(tmp_path / "nk.xlsx"))


def test_a_period_ending_before_it_starts_is_refused(demo: Path) -> None:
    with (
        Store.open(demo, user="Cán bộ Lan", device="may-xa") as store,
        pytest.raises(reports.ReportError, match="Ngày kết thúc"),
    ):
        period_log(store, date(2026, 5, 2), date(2026, 5, 1))


def test_a_log_longer_than_one_document_holds_is_refused_with_its_count(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.audit import log_count
    from reports import audit_log
    from reports.audit_log import period_bounds

    today = date.today()
    with Store.open(demo, user="Cán bộ Lan", device="may-xa") as store:
        since, until = period_bounds(today, today)
        count = log_count(store.conn, since=since, until=until)
        assert count > 100
        monkeypatch.setattr(audit_log, "LINES_LIMIT", count)  # exactly as many: saved whole
        document = period_log(store, today, today)
        (table,) = [b for b in document.parts[0].blocks if hasattr(b, "rows")]
        assert len(table.rows) == count
        assert any(
            f"Có {count} dòng nhật ký" in getattr(b, "text", "") for b in document.parts[0].blocks
        )

        monkeypatch.setattr(audit_log, "LINES_LIMIT", count - 1)
        with pytest.raises(reports.ReportError) as refused:
            period_log(store, today, today)
    assert f"{today:%d/%m/%Y}" in refused.value.message
    assert "quá nhiều cho một tài liệu" in refused.value.message
    assert f"tối đa {count - 1:,} dòng".replace(",", ".") in refused.value.message


def test_a_records_version_alone_is_not_shown_to_the_officer() -> None:
    """Two laptops' endings of one cadre assignment made one change only the record's version
    (a UTC time and a laptop id): nothing for the history to show."""
    from reports.audit_log import _changes

    assert _changes({"version": "2026-12-05T13:02:45.308Z B"}, {"version": "x A"}) == []
