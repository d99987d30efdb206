"""The complaint's "Về hộ" box: any household of the commune found by typing, as the list's
search finds it, and the complaint linked to it."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop.household_picker import HouseholdPicker
from desktop.posting_page import PostingPage
from tests.desktop.conftest import poor_household, save_classified

NO_MOD = Qt.KeyboardModifier.NoModifier
# More than the old box's 2,000: the last ones were not in it, so a complaint could not name
# them.
MANY = 2_050


def test_a_household_after_the_first_2000_is_found_and_linked(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    template = poor_household("X", "Thôn Nà Lầu")
    store.save_households(
        [
            (dataclasses.replace(template, id=f"h{n:05}", code=f"NL-{n:05}"), None)
            for n in range(MANY)
        ]
    )
    last = poor_household("ZZ-9999", "Bản Khuổi Phìn", "Đặng Thị Lụa")
    save_classified(store, last)
    page = PostingPage(store, today=date(2026, 11, 2))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)

    page.complainant.setText("Hoàng Văn Tú")
    page.content.setText("Hộ có xe máy mới")
    page.about.setFocus()
    qtbot.keyClicks(page.about, "dang thi lua")  # without diacritics, đ as d
    popup = page.about.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().rowCount() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert page.about.text() == "ZZ-9999 — Đặng Thị Lụa"
    assert page.about.household_id() == last.id
    assert page.add_complaint()

    round_id = store.current_round().id
    (complaint,) = store.complaints(round_id)
    assert complaint.household_id == last.id
    assert page.table.item(0, 2).text() == "ZZ-9999 — Đặng Thị Lụa"
    assert page.about.text() == ""  # ready for the next complaint


def test_a_code_typed_in_full_is_enough(qtbot: QtBot, app: Any, store: Any) -> None:
    for code in ("P1", "P10", "P11"):  # "P1" is also the start of the others' codes
        save_classified(store, poor_household(code, "Thôn Nà Lầu", f"Lò Văn {code}"))
    picker = HouseholdPicker(store)
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker, "p1")
    assert picker.completer().completionModel().rowCount() == 3
    assert picker.resolve() == store.household_by_code("P1").id
    assert picker.text() == "P1 — Lò Văn P1"
    picker.clear_choice()
    qtbot.keyClicks(picker, "lo van p1")
    assert picker.resolve() is None  # three households fit: none is chosen for the officer
    assert picker.unresolved()


def test_text_naming_no_household_is_refused_not_dropped(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu"))
    page = PostingPage(store, today=date(2026, 11, 2))
    qtbot.addWidget(page)
    page.complainant.setText("Hoàng Văn Tú")
    page.content.setText("Hộ có xe máy mới")
    qtbot.keyClicks(page.about, "nguyen van khong co")
    assert not page.add_complaint()
    assert "«nguyen van khong co»" in page.message.text()
    assert store.complaints(store.current_round().id) == []
    assert page.complainant.text() == "Hoàng Văn Tú"  # nothing typed is lost

    page.about.clear_choice()  # left empty: a complaint about no household in particular
    assert page.add_complaint()
    (complaint,) = store.complaints(store.current_round().id)
    assert complaint.household_id is None
    assert page.table.item(0, 2).text() == ""


def test_editing_the_chosen_name_unchooses_it(qtbot: QtBot, app: Any, store: Any) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu"))
    picker = HouseholdPicker(store)
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker, "P1")
    assert picker.resolve() is not None
    qtbot.keyClick(picker, Qt.Key.Key_Backspace)
    assert picker.household_id() is None


def test_a_code_found_among_more_than_a_page_of_matches(qtbot: QtBot, app: Any, store: Any) -> None:
    """ "1" starts "10" … "129" too: the search's page of 20 need not hold "1" itself."""
    template = poor_household("X", "Thôn Nà Lầu")
    store.save_households(
        [
            (dataclasses.replace(template, id=f"h{n}", code=str(n)), None)
            for n in (*range(10, 130), 1)
        ]
    )
    picker = HouseholdPicker(store)
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker, "1")
    assert picker.resolve() == "h1"
    assert picker.text().startswith("1 — ")


def test_arrows_alone_choose_nothing_and_a_label_typed_in_full_is_found(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    for code in ("P1", "P10", "P11"):
        save_classified(store, poor_household(code, "Thôn Nà Lầu", f"Lò Văn {code}"))
    picker = HouseholdPicker(store)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitExposed(picker)
    picker.setFocus()
    qtbot.keyClicks(picker, "lo van")
    popup = picker.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    popup.hide()  # closed by a click elsewhere, without Enter
    assert picker.text() == "lo van"  # the box keeps what was typed
    assert picker.resolve() is None  # three fit: the officer chooses, not the box

    picker.clear_choice()
    for ch in "P10 — Lò Văn P10":  # a match's label as the popup shows it, typed
        # One event a character: QTest.keyClicks aborts beyond Latin-1.
        QTest.sendKeyEvent(QTest.KeyAction.Click, picker, Qt.Key.Key_unknown, ch, NO_MOD)
    assert picker.resolve() == store.household_by_code("P10").id


def test_leaving_the_box_by_tab_chooses_and_closing_the_file_does_not_search(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    save_classified(store, poor_household("P1", "Thôn Nà Lầu"))
    page = QWidget()
    picker = HouseholdPicker(store, page)
    other = QLineEdit(page)
    layout = QVBoxLayout(page)
    layout.addWidget(picker)
    layout.addWidget(other)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    picker.setFocus()
    qtbot.keyClicks(picker, "P1")
    picker.completer().popup().hide()
    qtbot.keyClick(picker, Qt.Key.Key_Tab)
    assert other.hasFocus()
    assert picker.text() == "P1 — Lò Văn Pản"

    picker.setFocus()
    picker.clear_choice()
    qtbot.keyClicks(picker, "P")
    picker.completer().popup().hide()
    store.close()  # as the window does before it goes: leaving now must not ask the file
    other.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
    assert picker.household_id() is None
