"""Ctrl+Tab / Ctrl+Shift+Tab change the main window's tab from inside its tables too (a table
view takes Tab for its cells whatever the modifiers), a vote being typed kept."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.app import configure_app
from desktop.main_window import MainWindow
from desktop.meeting_mode import COL_AGREE
from tests.desktop.conftest import poor_household, save_classified

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_ctrl_tab_leaves_each_table_for_the_next_tab(qtbot: QtBot, qapp: Any, store: Any) -> None:
    configure_app(qapp)
    household = poor_household("P1", "Thôn Nà Lầu")
    save_classified(store, household)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tabs = window.tabs

    window.list.view.setFocus()
    window.list.view.selectRow(0)
    qtbot.keyClick(window.list.view, Qt.Key.Key_Tab, CTRL)
    assert tabs.currentWidget() is window.meeting

    # A vote being typed: Ctrl+Tab goes on to the next tab and the vote is saved.
    meeting = window.meeting
    meeting.village.setCurrentIndex(meeting.village.findData("Thôn Nà Lầu"))
    meeting.attendees.setValue(30)
    meeting.table.setFocus()
    meeting.table.setCurrentIndex(meeting.table.model().index(0, COL_AGREE))
    meeting.table.edit(meeting.table.currentIndex())
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "25")
    qtbot.keyClick(editor, Qt.Key.Key_Tab, CTRL)
    assert tabs.currentWidget() is window.posting
    qtbot.waitUntil(lambda: bool(store.meeting_votes(store.current_round().id)))
    (vote,) = store.meeting_votes(store.current_round().id)
    assert (vote.household_id, vote.agree, vote.attendees) == (household.id, 25, 30)

    tabs.setCurrentWidget(window.meeting)
    meeting.table.setFocus()
    qtbot.keyClick(meeting.table, Qt.Key.Key_Tab, CTRL | SHIFT)
    assert tabs.currentWidget() is window.list

    # Back from a cell being typed in, to the list: the vote typed is kept.
    tabs.setCurrentWidget(window.meeting)
    meeting.table.setFocus()
    meeting.table.setCurrentIndex(meeting.table.model().index(0, COL_AGREE))
    meeting.table.edit(meeting.table.currentIndex())
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "27")
    qtbot.keyClick(editor, Qt.Key.Key_Backtab, CTRL | SHIFT)
    assert tabs.currentWidget() is window.list
    qtbot.waitUntil(lambda: store.meeting_votes(store.current_round().id)[0].agree == 27)

    tabs.setCurrentWidget(window.posting)
    window.posting.table.setFocus()
    qtbot.keyClick(window.posting.table, Qt.Key.Key_Tab, CTRL)
    assert tabs.currentWidget() is window.dashboard
    window.close()
