"""The low-income workers' dialog (issue 18 correction 7) on a real commune file: an application
typed in by household code and member, the automatic check beside it, the outcome, the printed
list, the suggestions shown as suggestions; reachable from the Hộ gia đình menu."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from db import low_income
from desktop.low_income_dialog import LowIncomeDialog
from forms.classify import classify
from forms.low_income import Outcome
from forms.model import Household
from forms.standards import load_standard
from tests.desktop.conftest import poor_household


def not_poor(store: Any, code: str, income: int) -> Household:
    """Direct income above the 1,500,000 rural line, not farming: Không nghèo in 2026."""
    h = poor_household(code, "Thôn Nà Lầu", head="Lò Văn Pản")
    h.b1_total, h.income_per_capita, h.agri_forestry_fishery = None, income, False
    from forms.model import Employment

    h.members[0].employment = Employment.SELF_EMPLOYED
    rnd = store.current_round()
    store.save_household(
        h, round_id=rnd.id, result=classify(h, load_standard(rnd.standard_id), rnd.year)
    )
    return h


def test_an_application_typed_checked_decided_and_printed(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    not_poor(store, "01-0001", 2_000_000)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: said.append(text))
    dialog = LowIncomeDialog(store, today=date(2026, 10, 20))
    qtbot.addWidget(dialog)

    dialog.suggest_button.click()
    assert dialog.suggestions.text().startswith("Gợi ý, chưa phải đơn đề nghị")
    assert "01-0001 Lò Văn Pản" in dialog.suggestions.text()

    dialog.code.setText("01-0001")
    dialog.fill_members()
    assert dialog.member.currentText() == "Lò Văn Pản"
    assert dialog.income.value() == 2_000_000  # the survey's figure, proposed
    dialog.income.setValue(2_250_000)
    assert dialog.add()
    assert said == []
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 5).text() == "Đạt"
    assert "không quá 2.250.000 đồng" in dialog.table.item(0, 5).toolTip()
    assert dialog.table.item(0, 6).text() == "Chưa xét"

    dialog.code.setText("01-0001")
    dialog.fill_members()
    assert not dialog.add()  # the same member twice in one round
    # The member by place on the roster, never by name (docs/privacy.md).
    assert said == ["Hộ 01-0001, thành viên thứ 1: đã có đơn trong kỳ rà soát này."]
    dialog.code.setText("09-9999")
    assert not dialog.add()
    assert said[-1] == "Không có hộ mã “09-9999”."

    dialog.table.selectRow(0)
    assert dialog.decide(Outcome.ACCEPTED)
    assert dialog.table.item(0, 6).text() == "Được công nhận"
    [kept] = low_income.applications(store, store.current_round().id)
    assert (kept.outcome, kept.declared_income, kept.applied_on) == (
        Outcome.ACCEPTED,
        2_250_000,
        date(2026, 10, 20),
    )
    dialog.show_suggestions()
    assert "không có thêm thành viên" in dialog.suggestions.text()

    for suffix in ("pdf", "xlsx"):
        out = dialog.print_list(path=tmp_path / f"lao-dong.{suffix}")
        assert out is not None
        assert out.stat().st_size > 0


def test_the_menu_opens_it(qtbot: QtBot, app: Any, store: Any, monkeypatch: Any) -> None:
    from desktop.main_window import MainWindow

    opened: list[Any] = []
    monkeypatch.setattr(LowIncomeDialog, "exec", lambda self: opened.append(self) or 0)
    window = MainWindow(store)
    qtbot.addWidget(window)
    [action] = [a for a in window.menus["household"].actions() if "thu nhập thấp" in a.text()]
    action.trigger()
    assert len(opened) == 1


def test_the_list_saved_as_a_workbook_through_its_save_dialog(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path
) -> None:
    """In danh sách… → the prints' save dialog: the Excel filter chosen and a name typed without
    its ending gives a workbook (not a PDF named as typed), read back with openpyxl: the
    title, the member, the household, the commune's outcome."""
    from openpyxl import load_workbook
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox, QFileDialog, QLineEdit

    not_poor(store, "01-0001", 2_000_000)
    dialog = LowIncomeDialog(store, today=date(2026, 10, 20))
    qtbot.addWidget(dialog)
    dialog.code.setText("01-0001")
    dialog.fill_members()
    assert dialog.add()
    dialog.table.selectRow(0)
    assert dialog.decide(Outcome.ACCEPTED)

    dialog.print_button.click()
    [chooser] = dialog.findChildren(QFileDialog)
    qtbot.waitUntil(chooser.isVisible, timeout=5000)
    assert chooser.nameFilters() == ["Tài liệu PDF (*.pdf)", "Bảng tính Excel (*.xlsx)"]
    # As the officer does: the "Kiểu tệp" drop-down, from the keyboard.
    kinds = chooser.findChild(QComboBox, "fileTypeCombo")
    kinds.setFocus()
    qtbot.keyClick(kinds, Qt.Key.Key_Down)
    assert chooser.selectedNameFilter() == "Bảng tính Excel (*.xlsx)"
    name = chooser.findChild(QLineEdit, "fileNameEdit")
    name.setText(str(tmp_path / "lao-dong-thu-nhap-thap"))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    out = tmp_path / "lao-dong-thu-nhap-thap.xlsx"
    qtbot.waitUntil(out.is_file, timeout=30_000)
    assert dialog.printed == out
    assert not (tmp_path / "lao-dong-thu-nhap-thap.pdf").exists()
    sheet = load_workbook(out).worksheets[0]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    text = " ".join(cells)
    assert "THU NHẬP THẤP" in text.upper()
    assert "Lò Văn Pản" in cells
    assert "01-0001" in cells
    assert any("công nhận" in c.casefold() for c in cells)
