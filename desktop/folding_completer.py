"""Pickers that find a name the way officers type it: without diacritics, đ as d, any case,
any part of the name ("van quan", "lang s", "Văn Q" all find "Xã Văn Quan" / "Lạng Sơn").

Each item of the combo box carries its folded name (``forms.text.fold``, the same folding as
the household search) in ``FOLDED_ROLE``; the completer matches the folded typed text
against it anywhere in the name. Leaving the box with text that folds to exactly one name
chooses it, so typing a name in full is enough.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Slot
from PySide6.QtWidgets import QApplication, QComboBox, QCompleter, QWidget
from shiboken6 import isValid

from forms.text import fold

FOLDED_ROLE = Qt.ItemDataRole.UserRole + 7


class FoldingCompleter(QCompleter):
    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo.model(), combo)
        self.setCompletionRole(FOLDED_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def splitPath(self, path: str) -> list[str]:
        return [fold(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        # The box shows the name as written, not its folded form.
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


class _ChooseOnLeave(QObject):
    """Leaving the box (Tab, a click elsewhere) or Enter chooses the one name the text fits.
    QLineEdit.editingFinished is not enough: with the completion popup open it never comes,
    and neither does the box's own focus-out on every platform, so the application's focus
    change is watched instead."""

    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)
        self.combo = combo
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self.focus_changed)

    def _inside(self, widget: QWidget | None) -> bool:
        popup = self.combo.completer().popup() if self.combo.completer() else None
        return widget is not None and (
            widget is self.combo
            or self.combo.isAncestorOf(widget)
            or (popup is not None and (widget is popup or popup.isAncestorOf(widget)))
        )

    @Slot(QWidget, QWidget)
    def focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if not isValid(self.combo):  # focus moves while the box itself is being destroyed
            return
        if self._inside(old) and not self._inside(new):
            choose_unique_match(self.combo)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (  # type: ignore[attr-defined]
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            choose_unique_match(self.combo)
        return False


def make_folding(combo: QComboBox) -> None:
    """Turns an editable combo box into a forgiving picker (call once, then ``set_items``)."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setCompleter(FoldingCompleter(combo))
    line = combo.lineEdit()
    assert line is not None
    line.installEventFilter(_ChooseOnLeave(combo))


def set_items(combo: QComboBox, items: Iterable[tuple[str, Any]]) -> None:
    """Fills the combo box with (name, data) pairs, each with its folded name."""
    for name, data in items:
        combo.addItem(name, data)
        combo.setItemData(combo.count() - 1, fold(name), FOLDED_ROLE)


def choose_unique_match(combo: QComboBox) -> bool:
    """Chooses the one item whose name contains the typed text (folded); True when chosen."""
    text = combo.currentText()
    if combo.currentIndex() >= 0 and text == combo.itemText(combo.currentIndex()):
        return True
    typed = fold(text)
    if not typed:
        return False
    names = [str(combo.itemData(i, FOLDED_ROLE) or "") for i in range(combo.count())]
    exact = [i for i, name in enumerate(names) if name == typed]
    matches = exact or [i for i, name in enumerate(names) if typed in name]
    if len(matches) != 1:
        return False
    combo.setCurrentIndex(matches[0])
    combo.setEditText(combo.itemText(matches[0]))
    return True
