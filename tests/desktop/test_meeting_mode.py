from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.meeting_mode import (
    COL_AGREE,
    COL_ATTENDEES,
    COL_NOTE,
    COL_PROPOSAL,
    COL_RESULT,
    MeetingMode,
    passed,
)
from forms.model import Household, Member, Relationship
from tests.desktop.conftest import poor_household, save_classified


def test_half_of_attendees_is_enough() -> None:
    assert passed(10, 20)
    assert not passed(9, 20)
    assert not passed(0, 0)


def test_meeting_lists_proposed_households_and_saves_votes(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu", "Lò Văn Pản"))
    save_classified(store, poor_household("P2", "Thôn Nà Lầu", "Hoàng Thị Nga"))
    save_classified(store, poor_household("P3", "Bản Khuổi Phìn", "Ma Văn Tỉnh"))
    well_off = Household(
        code="W1",
        village="Thôn Nà Lầu",
        members=[Member(name="Nguyễn Văn An", relationship=Relationship.HEAD, birth_year=1980)],
    )
    store.save_household(well_off)
    meeting = MeetingMode(store)
    qtbot.addWidget(meeting)
    meeting.village.setCurrentIndex(meeting.village.findData("Thôn Nà Lầu"))
    assert [r.code for r in meeting.rows] == ["P1", "P2"]
    meeting.attendees.setValue(30)
    assert meeting.set_vote(0, 25, 30, "Nhất trí")
    assert meeting.set_vote(1, 12, 30, "Nhà mới sửa")
    assert meeting.result_text(0).startswith("Thông qua")
    assert meeting.result_text(1) == "Cần rà soát lại"
    assert "1 cần rà soát lại" in meeting.summary.text()

    votes = {v.household_id: v for v in store.meeting_votes(store.current_round().id)}
    assert votes[meeting.rows[0].id].agree == 25
    assert votes[meeting.rows[1].id].note == "Nhà mới sửa"
    assert not votes[meeting.rows[1].id].passed

    again = MeetingMode(store)
    qtbot.addWidget(again)
    again.village.setCurrentIndex(again.village.findData("Thôn Nà Lầu"))
    assert again.result_text(1) == "Cần rà soát lại"


def test_more_agreeing_than_present_is_refused(qtbot: QtBot, app: Any, store: Any) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu"))
    meeting = MeetingMode(store)
    qtbot.addWidget(meeting)
    meeting.village.setCurrentIndex(meeting.village.findData("Thôn Nà Lầu"))
    assert not meeting.set_vote(0, 31, 30)
    assert "lớn hơn số người dự họp" in meeting.message.text()
    assert store.meeting_votes(store.current_round().id) == []


def test_a_household_voted_down_shows_as_needing_review_in_the_editor(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from desktop.household_editor import HouseholdEditor

    h = poor_household("P1", "Thôn Nà Lầu")
    save_classified(store, h)
    store.save_meeting_vote(h.id, store.current_round().id, agree=10, attendees=30)
    editor = HouseholdEditor(store)
    qtbot.addWidget(editor)
    editor.open_household(store.get_household(h.id))
    assert editor.meeting_note.text().startswith("Cần rà soát lại")


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _type(keys: str | Qt.Key) -> None:
    """Keys to whatever has the focus, as at the keyboard (one event per character: QTest's
    keyClicks aborts on non-Latin-1 text)."""
    if isinstance(keys, Qt.Key):
        QTest.keyClick(_focused(), keys)
        return
    for ch in keys:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click,
            _focused(),
            Qt.Key.Key_unknown,
            ch,
            Qt.KeyboardModifier.NoModifier,
        )


def _village_meeting(qtbot: QtBot, store: Any, village: str = "Thôn Nà Lầu") -> MeetingMode:
    meeting = MeetingMode(store)
    qtbot.addWidget(meeting)
    meeting.resize(1100, 600)
    meeting.show()
    meeting.activateWindow()
    qtbot.waitExposed(meeting)
    qtbot.waitUntil(meeting.isActiveWindow, timeout=2000)
    meeting.village.setCurrentIndex(meeting.village.findData(village))
    meeting.table.setFocus()
    qtbot.waitUntil(meeting.table.hasFocus, timeout=2000)
    return meeting


def _votes(store: Any) -> dict[str, Any]:
    return {v.household_id: v for v in store.meeting_votes(store.current_round().id)}


def test_votes_are_typed_with_enter_and_tab_and_saved_as_entered(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    for i, head in enumerate(("Lò Văn Pản", "Hoàng Thị Nga", "Ma Văn Tỉnh"), start=1):
        save_classified(store, poor_household(f"P{i}", "Thôn Nà Lầu", head))
    meeting = _village_meeting(qtbot, store)
    meeting.attendees.setValue(3)  # typed one digit at a time: 3, then 30
    meeting.attendees.setValue(30)
    table, model = meeting.table, meeting.model
    assert table.currentIndex() == model.index(0, COL_AGREE)
    assert model.index(0, COL_ATTENDEES).data() == "30"
    ids = [str(r.id) for r in meeting.rows]

    # Typing starts the cell; Enter saves it and goes down to the next household.
    _type("25")
    _type(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ids[0] in _votes(store))
    assert (_votes(store)[ids[0]].agree, _votes(store)[ids[0]].attendees) == (25, 30)
    assert table.currentIndex() == model.index(1, COL_AGREE)
    assert meeting.result_text(0) == "Thông qua (83%)"

    # Tab walks the cells to type in: agree → attendees → note → next household.
    _type("12")
    _type(Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: ids[1] in _votes(store))
    assert table.currentIndex() == model.index(1, COL_ATTENDEES)
    _type("28")
    _type(Qt.Key.Key_Tab)
    assert table.currentIndex() == model.index(1, COL_NOTE)
    _type("Nhà mới sửa")
    _type(Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: _votes(store)[ids[1]].note == "Nhà mới sửa")
    assert (_votes(store)[ids[1]].agree, _votes(store)[ids[1]].attendees) == (12, 28)
    assert table.currentIndex() == model.index(2, COL_AGREE)
    # An empty cell lets the keyboard through too (Shift+Tab from the third household).
    history = len(store.audit_for_household(ids[1]))
    _type(Qt.Key.Key_Backtab)
    assert table.currentIndex() == model.index(1, COL_NOTE)
    # Walking back through a saved vote writes nothing new.
    _type(Qt.Key.Key_Backtab)
    _type(Qt.Key.Key_Backtab)
    assert table.currentIndex() == model.index(1, COL_AGREE)
    _type(Qt.Key.Key_Tab)
    _type(Qt.Key.Key_Tab)
    assert table.currentIndex() == model.index(1, COL_NOTE)
    assert len(store.audit_for_household(ids[1])) == history
    assert ids[2] not in _votes(store)

    # Under half: back to re-survey and a new meeting, plainly marked.
    assert meeting.result_text(1) == "Cần rà soát lại"
    result = model.index(1, COL_RESULT)
    assert result.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "cuộc họp mới" in result.data(Qt.ItemDataRole.ToolTipRole)
    assert result.data(Qt.ItemDataRole.FontRole).bold()
    assert meeting.result_text(2) == "Chưa biểu quyết"
    assert "1 thông qua; 1 cần rà soát lại; 1 chưa biểu quyết" in meeting.summary.text()
    # Editors are made for the cell being typed in, never one per household.
    assert not any(isinstance(w, QSpinBox) for w in table.viewport().findChildren(QWidget))


def test_typed_agree_over_attendance_is_red_and_not_saved(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu"))
    meeting = _village_meeting(qtbot, store)
    meeting.attendees.setValue(30)
    _type("31")
    _type(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "lớn hơn số người dự họp" in meeting.message.text())
    assert store.meeting_votes(store.current_round().id) == []
    agree = meeting.model.index(0, COL_AGREE)
    assert agree.data() == "31"
    assert agree.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert meeting.result_text(0) == "Chưa biểu quyết"
    # Letters never reach a number cell.
    assert not meeting.model.setData(agree, "ba", Qt.ItemDataRole.EditRole)
    # Nor digits int() refuses (pasted "²": the slot raised ValueError).
    assert not meeting.model.setData(agree, "2²", Qt.ItemDataRole.EditRole)


def test_a_village_of_thousands_opens_as_one_light_table(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    import dataclasses

    from forms.model import Category

    n = 3_000
    current = store.current_round()
    base = save_classified(store, poor_household("00-0000", "Bản Khuổi Phìn"))
    with store.transaction():
        for i in range(1, n + 1):
            h = poor_household(f"01-{i:04d}", "Thôn Nà Lầu", f"Lò Văn Pản {i}")
            category = Category.POOR if i % 3 else Category.NEAR_POOR
            store.save_household(
                h, round_id=current.id, result=dataclasses.replace(base, category=category)
            )
        well_off = dataclasses.replace(base, category=Category.NOT_POOR)
        for i in range(n + 1, n + 201):
            h = poor_household(f"01-{i:04d}", "Thôn Nà Lầu", f"Hoàng Thị Nga {i}")
            store.save_household(h, round_id=current.id, result=well_off)
    meeting = _village_meeting(qtbot, store)
    assert len(meeting.rows) == n
    assert meeting.model.rowCount() == n
    assert meeting.rows[-1].code == f"01-{n:04d}"
    assert meeting.model.index(2, COL_PROPOSAL).data() == "Hộ cận nghèo"
    assert f"{n} hộ đưa ra họp; 0 thông qua; 0 cần rà soát lại; {n} chưa biểu quyết" in (
        meeting.summary.text()
    )
    # No widget per household: only the cell being typed in has an editor.
    assert len(meeting.table.viewport().findChildren(QWidget)) < 5

    # The last household, reached from the keyboard, votes like the first.
    meeting.attendees.setValue(40)
    meeting.table.setCurrentIndex(meeting.model.index(n - 1, COL_AGREE))
    _type("15")
    _type(Qt.Key.Key_Return)
    last = str(meeting.rows[-1].id)
    qtbot.waitUntil(lambda: last in _votes(store))
    assert not _votes(store)[last].passed
    assert meeting.result_text(n - 1) == "Cần rà soát lại"
    assert meeting.table.currentIndex() == meeting.model.index(n - 1, COL_AGREE)
    assert f"1 cần rà soát lại; {n - 1} chưa biểu quyết" in meeting.summary.text()
    assert len(meeting.table.viewport().findChildren(QWidget)) < 5

    # Back to the village later: the meeting's attendance and the vote are still there.
    again = _village_meeting(qtbot, store)
    assert again.attendees.value() == 40
    assert again.result_text(n - 1) == "Cần rà soát lại"


def _answer(key: Qt.Key, asked: list[str]) -> None:
    """Presses ``key`` on the confirmation box about to open, as the officer would."""

    def press(tries: int = 200) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if tries:  # none for two seconds: the test fails on what it expected of it
                QTimer.singleShot(10, lambda: press(tries - 1))
            return
        asked.append(f"{box.text()} {box.informativeText()}")
        QTest.keyClick(box, key)

    QTimer.singleShot(0, press)


def _back_from_the_box(qtbot: QtBot, meeting: MeetingMode) -> None:
    """The window is active again (the window manager's part, which the offscreen platform
    leaves out) with the focus on the table, ready for the next keys."""
    meeting.activateWindow()
    qtbot.waitUntil(meeting.table.hasFocus, timeout=2000)


def test_a_vote_typed_on_the_wrong_household_is_cleared_after_a_confirmation(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu", "Lò Văn Pản"))
    save_classified(store, poor_household("P2", "Thôn Nà Lầu", "Hoàng Thị Nga"))
    meeting = _village_meeting(qtbot, store)
    meeting.attendees.setValue(30)
    assert meeting.set_vote(0, 25, 30)
    assert meeting.set_vote(1, 12, 30, "Nhầm hộ")
    ids = [str(r.id) for r in meeting.rows]
    table, model = meeting.table, meeting.model
    table.setCurrentIndex(model.index(1, COL_RESULT))
    table.setFocus()
    assert meeting.clear_button.isEnabled()
    assert "Xoá kết quả biểu quyết…" in [a.text().replace("&", "") for a in table.actions()]

    # Delete on the row asks first; Enter there keeps the vote.
    asked: list[str] = []
    _answer(Qt.Key.Key_Return, asked)
    _type(Qt.Key.Key_Delete)
    assert len(asked) == 1
    assert "hộ P2 — Hoàng Thị Nga?" in asked[0]
    assert "12/30 người dự họp đồng ý" in asked[0]
    assert ids[1] in _votes(store)
    assert meeting.result_text(1) == "Cần rà soát lại"
    _back_from_the_box(qtbot, meeting)

    # X ("Xoá") clears it: the row is back to not yet voted, the Store has no vote.
    _answer(Qt.Key.Key_X, asked)
    _type(Qt.Key.Key_Delete)
    assert len(asked) == 2
    assert ids[1] not in _votes(store)
    assert ids[0] in _votes(store)
    assert meeting.result_text(1) == "Chưa biểu quyết"
    assert model.index(1, COL_AGREE).data() == ""
    assert model.index(1, COL_NOTE).data() == ""
    assert model.index(1, COL_ATTENDEES).data() == "30"  # the meeting's attendance again
    assert "1 thông qua; 0 cần rà soát lại; 1 chưa biểu quyết" in meeting.summary.text()
    _back_from_the_box(qtbot, meeting)
    assert not meeting.clear_button.isEnabled()
    # Nothing left to clear on that row: Delete asks nothing.
    _type(Qt.Key.Key_Delete)
    assert QApplication.activeModalWidget() is None
    # The right household is voted on again from the keyboard, as one never voted on.
    assert table.currentIndex() == model.index(1, COL_AGREE)
    _type("20")
    _type(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ids[1] in _votes(store))
    assert _votes(store)[ids[1]].passed

    # The button does the same for the selected household.
    table.setCurrentIndex(model.index(0, COL_PROPOSAL))
    _answer(Qt.Key.Key_X, asked)
    meeting.clear_button.click()
    assert len(asked) == 3
    assert ids[0] not in _votes(store)
    assert meeting.result_text(0) == "Chưa biểu quyết"
    again = _village_meeting(qtbot, store)
    assert again.result_text(0) == "Chưa biểu quyết"
    assert again.result_text(1).startswith("Thông qua")


def test_numbers_refused_over_a_saved_vote_are_said_unsaved(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """Typed over a saved vote, more agreeing than present was refused and shown in red,
    while the result still read "Thông qua", as if the new numbers were taken."""
    save_classified(store, poor_household("P1", "Thôn Nà Lầu"))
    meeting = MeetingMode(store)
    qtbot.addWidget(meeting)
    meeting.village.setCurrentIndex(meeting.village.findData("Thôn Nà Lầu"))
    assert meeting.set_vote(0, 20, 30)
    assert meeting.result_text(0) == "Thông qua (66%)"
    assert not meeting.set_vote(0, 31, 30)
    assert meeting.result_text(0) == "Thông qua (66%); số vừa nhập chưa lưu"
    [vote] = store.meeting_votes(store.current_round().id)
    assert (vote.agree, vote.attendees) == (20, 30)
    assert meeting.set_vote(0, 25, 30)
    assert meeting.result_text(0) == "Thông qua (83%)"
