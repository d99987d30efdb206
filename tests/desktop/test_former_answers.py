"""Stored answers the forms no longer offer (issue 18: latrine 'bán tự hoại', water 'nước mua
(bình, xe chở)', education 'sơ cấp, trung cấp nghề') through the real household editor: shown
with their label, kept through edits and saves, replaced only when the officer picks another."""

from __future__ import annotations

from typing import Any

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from forms.model import (
    Area,
    Education,
    Household,
    Latrine,
    Member,
    Relationship,
    Sex,
    WaterSource,
)


def old_household(code: str = "C1") -> Household:
    return Household(
        code=code,
        village="Thôn Nà Lầu",
        area=Area.RURAL,
        members=[
            Member(
                name="Hoàng Văn Sình",
                relationship=Relationship.HEAD,
                sex=Sex.MALE,
                birth_year=1998,
                education=Education.VOCATIONAL,
            )
        ],
        floor_area_m2=30.0,
        water_source=WaterSource.BOTTLED,
        latrine=Latrine.SEMI_SEPTIC,
    )


def open_first(qtbot: QtBot, store: Any, code: str) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.list.refresh()
    for row in range(window.list.view.model().rowCount()):
        window.list.view.selectRow(row)
        window.open_selected()
        if window.editor.household.code == code:
            return window
        window.editor.close_editor()
    raise AssertionError(code)


def test_old_answers_show_with_their_label_and_survive_other_edits_and_saves(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    household = old_household()
    store.save_household(household)
    window = open_first(qtbot, store, "C1")
    editor = window.editor
    b2 = editor.pages[2]
    latrine = b2.editors["latrine"]
    water = b2.editors["water_source"]
    assert latrine.combo.currentText() == "Bán tự hoại (cách ghi cũ, cần chọn lại)"
    assert latrine.value() == "semi_septic"
    assert latrine.is_former_answer()
    assert water.combo.currentText() == "Nước mua (bình, xe chở) (cách ghi cũ, cần chọn lại)"
    assert water.value() == "bottled"
    # The old answer is not offered to new households: it is the one extra item at the end.
    assert latrine.combo.findData("semi_septic") == latrine.combo.count() - 1
    editor.go_to_step(4)
    education = editor.members.editors[(household.members[0].id, "education")]
    assert education.combo.currentText() == "Sơ cấp, trung cấp nghề (cách ghi cũ)"
    assert education.value() == "vocational"

    # Another answer on the same page is edited and saved: the old ones stay as they were.
    editor.go_to_step(3)
    area = b2.editors["floor_area"]
    area.setFocus()
    area.edit.selectAll()
    QTest.keyClicks(area.edit, "42")
    assert editor.dirty
    assert editor.save(), editor.last_error
    stored = store.get_household(household.id)
    assert stored.floor_area_m2 == 42.0
    assert stored.latrine is Latrine.SEMI_SEPTIC
    assert stored.water_source is WaterSource.BOTTLED
    assert stored.members[0].education is Education.VOCATIONAL

    # The officer picks the QCVN type: now, and only now, the answer changes.
    latrine.combo.setCurrentIndex(latrine.combo.findData("flush_septic"))
    assert editor.dirty
    assert editor.save()
    stored = store.get_household(household.id)
    assert stored.latrine is Latrine.FLUSH_SEPTIC
    assert stored.water_source is WaterSource.BOTTLED
    assert not latrine.is_former_answer()


def test_the_old_answer_item_goes_with_its_household(qtbot: QtBot, app: Any, store: Any) -> None:
    store.save_household(old_household("C1"))
    current = old_household("C2")
    current.latrine = Latrine.POUR_FLUSH
    store.save_household(current)
    window = open_first(qtbot, store, "C1")
    latrine = window.editor.pages[2].editors["latrine"]
    offered = latrine.combo.count() - 1
    window.editor.close_editor()
    window = open_first(qtbot, store, "C2")
    latrine = window.editor.pages[2].editors["latrine"]
    assert latrine.combo.count() == offered
    assert latrine.combo.findData("semi_septic") == -1
    assert latrine.value() == "pour_flush"


def test_an_unknown_stored_value_is_shown_raw_rather_than_blank(app: Any) -> None:
    from desktop.field_editor import make_editor

    editor = make_editor("choice", [("a", "Một")], former=[("z", "Cũ")])
    editor.set_value("q")
    assert editor.value() == "q"
    assert editor.combo.currentText() == "q (cách ghi cũ, cần chọn lại)"
    editor.set_value("z")
    assert (editor.value(), editor.combo.currentText()) == ("z", "Cũ")
    assert editor.combo.count() == 3
