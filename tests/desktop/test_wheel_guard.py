"""The wheel scrolls the page; it changes an answer only in the control the officer is in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from tests.desktop.conftest import poor_household, save_classified


def wheel(widget: QWidget, notches: int = -1) -> None:
    """One turn of the wheel over the widget (down for negative notches)."""
    local = QPointF(3, 3)
    event = QWheelEvent(
        local,
        QPointF(widget.mapToGlobal(QPoint(3, 3))),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def value(control: QWidget) -> Any:
    if isinstance(control, QComboBox):
        return control.currentIndex()
    assert isinstance(control, QAbstractSpinBox)
    return control.text()


def test_the_wheel_over_a_dropdown_scrolls_the_page(qtbot: QtBot, app: Any) -> None:
    area = QScrollArea()
    inner = QWidget()
    layout = QVBoxLayout(inner)
    first = QLineEdit()
    layout.addWidget(first)
    combo = QComboBox()
    combo.addItems(["Làm nông", "Làm thuê", "Không có khả năng lao động"])
    layout.addWidget(combo)
    for i in range(40):
        layout.addWidget(QLineEdit(str(i)))
    area.setWidget(inner)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    area.activateWindow()
    first.setFocus()
    qtbot.waitUntil(first.hasFocus, timeout=2000)

    wheel(combo)
    assert combo.currentIndex() == 0
    assert area.verticalScrollBar().value() > 0
    assert not combo.hasFocus()

    combo.setFocus()  # clicked or tabbed into: now the wheel is the officer's choice
    qtbot.waitUntil(combo.hasFocus, timeout=2000)
    wheel(combo)
    assert combo.currentIndex() == 1


def test_no_answer_of_the_household_editor_changes_under_the_wheel(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    household = poor_household("H-0001", "Thôn Nà Lầu")
    save_classified(store, household)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1024, 600)  # a small laptop: the long pages scroll
    window.show()
    qtbot.waitExposed(window)
    assert window.open_household(household.id)
    editor = window.editor
    checked = scrolled = 0
    for _title, page in editor.steps:
        editor.stack.setCurrentWidget(page)
        QApplication.processEvents()
        controls = [
            w
            for w in page.findChildren(QWidget)
            if isinstance(w, QComboBox | QAbstractSpinBox) and w.isVisible() and w.isEnabled()
        ]
        for control in controls:
            if control.hasFocus():
                control.clearFocus()
            before = value(control)
            areas = [a for a in page.findChildren(QAbstractScrollArea) if a.isAncestorOf(control)]
            positions = [a.verticalScrollBar().value() for a in areas]
            for notches in (-1, 1, -1):
                wheel(control, notches)
            assert value(control) == before, control.objectName() or type(control).__name__
            assert not control.hasFocus()
            checked += 1
            scrolled += positions != [a.verticalScrollBar().value() for a in areas]
    assert checked >= 10  # the member roster, Phiếu A, B1 and B2 have many such answers
    assert scrolled >= 1  # and the wheel went to the page instead
    window.close()
