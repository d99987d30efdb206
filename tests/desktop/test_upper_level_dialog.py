"""Báo cáo → Tổng hợp nhiều xã: packages read in a worker, one row per commune, saved."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from desktop.upper_level_dialog import UpperLevelDialog
from forms.model import Category
from tests.db.exchange.commune import COMMUNE
from tests.db.exchange.test_upper_level import commune_package


def saved(qtbot: QtBot, dialog: UpperLevelDialog, path: Path) -> Path:
    """Saves through the dialog's worker job (a real thread) and waits for it to end: the
    document is built and rendered off the GUI thread, which only hears the outcome."""
    job = dialog.save(path)
    assert job.running()
    assert not dialog.pdf_button.isEnabled()  # no second save while this one runs
    qtbot.waitUntil(lambda: not job.running(), timeout=30_000)
    qtbot.waitUntil(lambda: dialog.saved_path == path, timeout=5_000)
    assert dialog.saved_note.text() == f"Đã lưu: {path}"
    assert dialog.pdf_button.isEnabled()
    return path


def test_many_communes_side_by_side_then_saved(qtbot: QtBot, app: Any, tmp_path: Path) -> None:
    other = replace(COMMUNE, commune_code="10999", commune_name="Xã Bản Xèo")
    a = commune_package(tmp_path, COMMUNE, {"TL-1": Category.NEAR_POOR, "TL-2": Category.POOR})
    b = commune_package(tmp_path, other, {"TL-1": Category.POOR, "TL-3": Category.NOT_POOR})
    broken = tmp_path / "hong.rasoat"
    broken.write_bytes(a.read_bytes()[:100])
    dialog = UpperLevelDialog()
    qtbot.addWidget(dialog)
    assert not dialog.xlsx_button.isEnabled()
    dialog.load([b, broken, a])
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    names = [dialog.table.item(r, 1).text() for r in range(2)]
    assert names == ["Xã Tân Lập", "Xã Bản Xèo"]
    poor = [dialog.table.item(r, 5).text() for r in range(2)]
    assert poor == ["1", "1"]
    assert "hong.rasoat: không mở được" in dialog.problems.toPlainText()
    assert dialog.xlsx_button.isEnabled()

    sheet = load_workbook(saved(qtbot, dialog, tmp_path / "tong-hop.xlsx")).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Xã Bản Xèo" in values
    assert "Tổng cộng" in values
    text = "".join(
        p.extract_text() for p in PdfReader(saved(qtbot, dialog, tmp_path / "tong-hop.pdf")).pages
    )
    assert "TỔNG HỢP KẾT QUẢ RÀ SOÁT" in text
    assert "Xã Bản Xèo" in text


def test_a_save_that_fails_is_said_and_the_buttons_come_back(
    qtbot: QtBot, app: Any, tmp_path: Path
) -> None:
    dialog = UpperLevelDialog()
    qtbot.addWidget(dialog)
    dialog.load([commune_package(tmp_path, COMMUNE, {"TL-1": Category.POOR})])
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    job = dialog.save(tmp_path / "khong-co" / "tong-hop.pdf")
    qtbot.waitUntil(lambda: not job.running(), timeout=30_000)
    qtbot.waitUntil(lambda: dialog.pdf_button.isEnabled(), timeout=5_000)
    assert dialog.problems.toPlainText().startswith("Không lưu được ")
    assert "tong-hop.pdf" in dialog.problems.toPlainText()
    assert dialog.saved_path is None


def test_the_chosen_communes_monthly_report_from_its_package(
    qtbot: QtBot, app: Any, tmp_path: Path
) -> None:
    """Issue 24 item 2: the row of a commune chosen, its monthly report prints from its
    package in a worker, the same workbook the commune printed itself."""
    from tests.reports.test_monthly_report_from_package import (
        PASSWORD,
        _cells,
        _commune_with_a_decided_march,
    )

    _commune_with_a_decided_march(tmp_path)
    dialog = UpperLevelDialog()
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    dialog.load([tmp_path / "xa.rasoat"])
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert not dialog.monthly_button.isEnabled()  # no commune chosen yet
    dialog.table.selectRow(0)
    assert dialog.monthly_button.isEnabled()
    out = tmp_path / "cap-tren" / "thang3.xlsx"
    job = dialog.print_monthly(out)
    assert job is not None
    qtbot.waitUntil(lambda: not job.running(), timeout=30_000)
    qtbot.waitUntil(lambda: dialog.saved_path == out, timeout=5_000)
    assert _cells(out) == _cells(tmp_path / "xa.xlsx")


def test_a_commune_without_a_monthly_round_is_said(qtbot: QtBot, app: Any, tmp_path: Path) -> None:
    dialog = UpperLevelDialog()
    qtbot.addWidget(dialog)
    dialog.load([commune_package(tmp_path, COMMUNE, {"TL-1": Category.POOR})])
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    dialog.table.selectRow(0)
    job = dialog.print_monthly(tmp_path / "thang.pdf")
    assert job is not None
    qtbot.waitUntil(lambda: not job.running(), timeout=30_000)
    qtbot.waitUntil(lambda: bool(dialog.problems.toPlainText()), timeout=5_000)
    assert dialog.problems.toPlainText() == "Xã Tân Lập chưa có kỳ rà soát thường xuyên."
    assert not (tmp_path / "thang.pdf").exists()


def test_an_unsigned_package_is_counted_with_a_word(qtbot: QtBot, app: Any, tmp_path: Path) -> None:
    from tests.db.exchange.test_signing import _strip_signature

    package = commune_package(tmp_path, COMMUNE, {"TL-1": Category.POOR})
    _strip_signature(package)
    dialog = UpperLevelDialog()
    qtbot.addWidget(dialog)
    dialog.load([package])
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert dialog.problems.isVisibleTo(dialog)
    assert dialog.problems.toPlainText().startswith(
        "Lưu ý: Xã Tân Lập (10105.rasoat): gói không có chữ ký của máy xuất gói"
    )
