"""Support received and the cadre on a household's page (issue 24), on a real commune file."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from db import year_round
from db.errors import StoreError
from desktop.household_editor import HouseholdEditor
from desktop.support_page import SupportPage
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
    # A date after today is not offered (the validator refuses it: a slip of the wheel would
    # be a refusal to read), nor one before the validator's earliest.
    page.given_on.setDate(QDate(2026, 7, 1))
    assert page.given_on.date() == QDate(2026, 6, 1)
    page.given_on.setDate(QDate(1999, 12, 31))
    assert page.given_on.date() == QDate(2000, 1, 1)
    # What the validator says when a date after today reaches it all the same (an import, a
    # script): the household and the field.
    with pytest.raises(StoreError, match="Hộ 01-0001: Ngày hỗ trợ ở tương lai."):
        year_round.add_support(store, h.id, "housing", date(2026, 7, 1), today=date(2026, 6, 1))
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


def test_a_cadre_per_village_filters_the_list(qtbot: QtBot, app: Any, store: Any) -> None:
    from desktop.cadre_dialog import CadreDialog
    from desktop.household_list import HouseholdList

    a = _needy(store)
    b = poor_household("01-0002", "Thôn Nà Lầu", head="Đinh Văn Hùng")
    c = poor_household("02-0001", "Bản Khuổi Phìn", head="Vàng A Sử")
    for h in (b, c):
        save_classified(store, h)
    dialog = CadreDialog(store)
    qtbot.addWidget(dialog)
    dialog.set_row("Thôn Nà Lầu", "  Hoàng  Văn Dũng ", "Trưởng thôn")
    dialog.set_row("Bản Khuổi Phìn", "Nông Thị Hoa", "x" * 201)
    assert not dialog.save()
    assert dialog.error.text() == "Thôn Bản Khuổi Phìn: Chức vụ dài 201 ký tự, quá giới hạn 200."
    dialog.set_row("Bản Khuổi Phìn", "Nông Thị Hoa", "Công chức văn hoá - xã hội")
    assert dialog.save()
    year_round.assign_cadre(store, "Nông Thị Hoa", household_id=b.id)

    listing = HouseholdList(store)
    qtbot.addWidget(listing)
    listing.refresh()
    assert [listing.cadre.itemText(i) for i in range(listing.cadre.count())] == [
        "Mọi cán bộ phụ trách",
        "Hoàng Văn Dũng",
        "Nông Thị Hoa",
    ]
    listing.cadre.setCurrentIndex(listing.cadre.findData("Hoàng Văn Dũng"))
    shown = [listing.model.household_id(r) for r in range(listing.model.rowCount())]
    assert shown == [a.id]  # 01-0002 has a cadre of its own
    assert store.count_households(listing.model.query) == 1
    listing.cadre.setCurrentIndex(listing.cadre.findData("Nông Thị Hoa"))
    shown = [listing.model.household_id(r) for r in range(listing.model.rowCount())]
    assert shown == [b.id, c.id]


def test_the_dashboard_shows_support_by_kind_and_village(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from desktop.dashboard import Dashboard

    h = _needy(store)
    today = date.today()
    year_round.add_support(store, h.id, "credit", today, "NHCSXH", amount=30_000_000)
    year_round.add_support(store, h.id, "health_insurance", today, "BHYT")
    board = Dashboard(store)
    qtbot.addWidget(board)
    board.resize(1000, 900)
    board.refresh()
    qtbot.waitUntil(lambda: not board.busy(), timeout=5000)  # counted in a worker
    data = board.support.data()
    assert data.groups == ["Thôn Nà Lầu", "Bản Khuổi Phìn"]
    assert data.series == [
        ("Thẻ bảo hiểm y tế", [1.0, 0.0]),
        ("Vay vốn tín dụng ưu đãi", [1.0, 0.0]),
    ]
    # No periodic decision yet: the support period is the calendar year (forms.support_period).
    assert data.title == f"Số lần hỗ trợ theo loại, từng thôn (từ 01/01/{today.year})"
    qtbot.waitUntil(lambda: not board.busy(), timeout=5000)
