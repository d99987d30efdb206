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

    sheet = load_workbook(dialog.save(tmp_path / "tong-hop.xlsx")).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Xã Bản Xèo" in values
    assert "Tổng cộng" in values
    text = "".join(
        p.extract_text() for p in PdfReader(dialog.save(tmp_path / "tong-hop.pdf")).pages
    )
    assert "TỔNG HỢP KẾT QUẢ RÀ SOÁT" in text
    assert "Xã Bản Xèo" in text
