"""Ctrl+Tab and Ctrl+Shift+Tab go to the main window's next and previous tab from a table too.

A table view takes Tab for its cells and does not look at the modifiers, so Ctrl+Tab moved
the cell instead: an officer in the meeting's vote table, the household list or the
complaints could not reach the next tab by keyboard. The filter hands the key on instead:
a key event ignored on its way is offered to the parents, the tab widget among them.
Installed on the few tables inside the tabs (not application-wide: every event of the
application would then pass through Python, as ``wheel_guard``'s do).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

_TABS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)


def is_ctrl_tab(event: QEvent) -> bool:
    return (
        isinstance(event, QKeyEvent)
        and event.type() == QEvent.Type.KeyPress
        and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        and event.key() in _TABS
    )


class _PassCtrlTab(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if is_ctrl_tab(event):
            event.ignore()  # not the table's: Qt offers it to the parents
            return True
        return False


def pass_ctrl_tab(*widgets: QWidget) -> None:
    """Lets Ctrl+Tab and Ctrl+Shift+Tab through these widgets to the tabs around them."""
    for widget in widgets:
        widget.installEventFilter(_PassCtrlTab(widget))
