"""The mouse wheel never changes an answer by accident.

Qt lets the wheel change a combo box, spin box, date box or slider as soon as the pointer is
over it. Scrolling a long form with a touchpad then silently changes whatever answer passes
under the pointer ("Việc làm chính" became "Không có khả năng lao động", and autosave stored
it). Here a control takes the wheel only when it has the keyboard focus (the officer clicked
or tabbed into it); otherwise the wheel goes on to the page around it, which scrolls.

One application-wide event filter, installed by ``desktop.app.configure_app``, so every form,
dialog and table editor is covered, including ones added later.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)


def _guarded(widget: QObject) -> QWidget | None:
    """The value control this widget belongs to (a spin box's line edit belongs to the box)."""
    while isinstance(widget, QWidget):
        if isinstance(widget, QComboBox | QAbstractSpinBox) or (
            isinstance(widget, QAbstractSlider) and not isinstance(widget, QScrollBar)
        ):
            return widget
        if widget.isWindow():
            return None
        widget = widget.parentWidget()
    return None


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the application passes here: the class check costs a fraction of
        # ``event.type()``, which builds a Python enum member per call (opening a household
        # in the editor is tens of thousands of events).
        if not isinstance(event, QWheelEvent):
            return False
        control = _guarded(watched)
        if control is None or control.hasFocus():
            return False
        # The wheel must never give such a control the focus either (combo boxes take it by
        # default), or the next turn of the wheel would change it.
        if control.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # The page around the control scrolls as if the control were not there.
        area = _scroll_area_around(control)
        if area is not None:
            QApplication.sendEvent(area.viewport(), event)
            event.accept()
        else:
            event.ignore()  # nothing to scroll: Qt may still offer it to the parents
        return True


def _scroll_area_around(control: QWidget) -> QAbstractScrollArea | None:
    parent = control.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        if parent.isWindow():
            return None
        parent = parent.parentWidget()
    return None


def install_wheel_guard(app: QApplication) -> WheelGuard:
    existing = app.findChild(WheelGuard)
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
