"""Support received and the cadre on a household's page (issue 24), on a real commune file."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from db import year_round
from desktop.household_editor import HouseholdEditor
from desktop.support_page import SupportPage, parse_money
from tests.desktop.conftest import poor_household, save_classified


def _needy(store: Any) -> Any:
    h = poor_household("01-0001", "Thôn Nà Lầu")
    h.needs = ["credit", "housing"]
    save_classified(store, h)
    return h


def _rows(table: Any) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_needs_against_support_added_and_removed(qtbot: QtBot, app: Any, store: Any) -> None:
    h = _needy(store)
    page = SupportPage(store, today=date(2026, 6, 1))
    qtbot.addWidget(page)
    page.set_household(h.id)
    assert [r[2] for r in _rows(page.needs)] == ["Chưa được hỗ trợ", "Chưa được hỗ trợ"]
    assert not page.amount.isEnabled()  # health insurance first: no amount

    page.kind.setCurrentIndex(page.kind.findData("credit"))
    assert page.amount.isEnabled()
    page.given_on.setDate(QDate(2026, 4, 2))
    page.programme.setText("Ngân hàng Chính sách xã hội")
    page.given_by.setText("Cán bộ tín dụng xã")
    page.amount.setText("năm mươi triệu")
    page.add_button.click()
    assert page.error.text() == "Hộ 01-0001: Số tiền phải là số nguyên (đồng)."
    page.amount.setText("50.000.000")
    page.add_button.click()
    assert page.error.text() == ""
    assert _rows(page.needs)[0][2] == "Đã hỗ trợ"
    assert _rows(page.needs)[0][1] == "Vay vốn tín dụng ưu đãi (02/04/2026)"
    assert _rows(page.records) == [
        [
            "02/04/2026",
            "Vay vốn tín dụng ưu đãi",
            "Ngân hàng Chính sách xã hội",
            "Cán bộ tín dụng xã",
            "50.000.000 đ",
        ]
    ]
    # A date after today is refused by the validator, the message names household and field.
    page.kind.setCurrentIndex(page.kind.findData("housing"))
    page.given_on.setDate(QDate(2026, 7, 1))
    page.add_button.click()
    assert page.error.text() == "Hộ 01-0001: Ngày hỗ trợ ở tương lai."
    assert len(year_round.support_for(store, h.id)) == 1

    page.records.selectRow(0)
    assert page.remove_selected(ask=False)
    assert year_round.support_for(store, h.id) == []
    assert [r[2] for r in _rows(page.needs)] == ["Chưa được hỗ trợ", "Chưa được hỗ trợ"]
    actions = [e.action for e in store.audit_for_household(h.id) if e.table == "support_records"]
    assert actions == ["insert", "delete"]


def test_cadre_of_the_household_over_its_village(qtbot: QtBot, app: Any, store: Any) -> None:
    h = _needy(store)
    year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", village="Thôn Nà Lầu")
    page = SupportPage(store, today=date(2026, 6, 1))
    qtbot.addWidget(page)
    page.set_household(h.id)
    assert page.cadre_name.text() == ""
    assert "Theo thôn: Hoàng Văn Dũng (Trưởng thôn)" in page.cadre_note.text()
    page.cadre_name.setText("Nông Thị Hoa")
    page.cadre_role.setText("Công chức văn hoá - xã hội")
    page.cadre_button.click()
    assert year_round.households_of(store, "Nông Thị Hoa") == [h.id]
    page.cadre_name.setText("")
    page.cadre_button.click()
    assert year_round.households_of(store, "Hoàng Văn Dũng") == [h.id]


def test_the_editor_shows_the_page_as_its_last_step(qtbot: QtBot, app: Any, store: Any) -> None:
    h = _needy(store)
    editor = HouseholdEditor(store)
    qtbot.addWidget(editor)
    editor.resize(1366, 700)
    editor.show()
    editor.open_household(store.get_household(h.id))
    editor.go_to_step(6)
    assert editor.stack.currentWidget() is editor.support
    assert editor.support.add_button.isEnabled()
    assert len(_rows(editor.support.needs)) == 2
    editor.support.grab().save("/tmp/g2/support-page.png")


def test_amounts_as_typed() -> None:
    assert parse_money("50.000.000") == 50_000_000
    assert parse_money(" 1,5 ") == 15  # grouping marks only: no decimals in đồng
    assert parse_money("") is None
    assert parse_money("abc") == "abc"
