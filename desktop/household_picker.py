"""A box that finds one household of the commune as the household list's search does
(without diacritics, đ as d, by the head's or a member's name, the code, an ID number or the
village) and holds the one chosen.

Each keystroke asks the file for a page of matches (``Store.search``, the FTS index: 1-2 ms
on 100,000 households), never the whole round: a combo box of every household was capped at
the first 2,000, and a household after them could not be named at all. Leaving the box, or
Enter, with text only one household fits chooses it, so a code typed in full is enough.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QFocusEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

ID_ROLE = Qt.ItemDataRole.UserRole + 1
LABEL_ROLE = Qt.ItemDataRole.UserRole + 2


def household_label(code: str, head_name: str) -> str:
    """How a household is named in the box and in the tables beside it."""
    return f"{code} — {head_name}" if head_name else code


class _MatchCompleter(QCompleter):
    """Shows the matches the file gave as they are (the file did the filtering) and puts
    the chosen one's short label in the box, not the popup's longer line."""

    def __init__(self, model: QStandardItemModel, parent: QWidget) -> None:
        super().__init__(model, parent)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setMaxVisibleItems(12)

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return str(index.data(LABEL_ROLE) or "")

    def splitPath(self, path: str) -> list[str]:
        return [path]


class HouseholdPicker(QLineEdit):
    MATCHES = 20  # a page of matches a keystroke; more words narrow it

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._chosen: tuple[str, str] | None = None  # (id, label)
        self._model = QStandardItemModel(self)
        self._completer = _MatchCompleter(self._model, self)
        self.setCompleter(self._completer)
        self.setClearButtonEnabled(True)
        self.setPlaceholderText(
            self.tr("Gõ tên, mã hộ hoặc số định danh; để trống nếu không nhắm vào hộ nào")
        )
        self.textEdited.connect(self._typed)
        self._completer.activated[QModelIndex].connect(self._picked)
        self.returnPressed.connect(self.resolve)

    def household_id(self) -> str | None:
        """The household chosen, or None when the box is empty or names none yet."""
        if self._chosen is not None and self.text() == self._chosen[1]:
            return self._chosen[0]
        return None

    def unresolved(self) -> bool:
        """Text that names no one household: the officer must choose or clear it."""
        return bool(self.text().strip()) and self.resolve() is None

    def clear_choice(self) -> None:
        self._chosen = None
        self._model.clear()
        self.clear()

    @Slot(str)
    def _typed(self, text: str) -> None:
        # The line control asks the completer right after this signal, so the popup
        # shows the new matches at once.
        self._chosen = None
        self._model.clear()
        for row in self._matches(text):
            label = household_label(row.code, row.head_name)
            item = QStandardItem(f"{label} ({row.village})" if row.village else label)
            item.setData(row.id, ID_ROLE)
            item.setData(label, LABEL_ROLE)
            item.setEditable(False)
            self._model.appendRow(item)

    def _matches(self, text: str) -> list[Any]:
        return list(self.store.search(text, self.MATCHES)) if text.strip() else []

    @Slot(QModelIndex)
    def _picked(self, index: QModelIndex) -> None:
        self._choose(str(index.data(ID_ROLE)), str(index.data(LABEL_ROLE)))

    def _choose(self, household_id: str, label: str) -> None:
        self._chosen = (household_id, label)
        self.setText(label)

    def resolve(self) -> str | None:
        """The household the text names: the one chosen; else a match's label typed or pasted
        in full; else the household whose code it is; else the only one it matches. Chooses
        it (the box then shows its label). Arrow keys in the popup only move its highlight
        (``UnfilteredPopupCompletion``): Enter chooses."""
        chosen = self.household_id()
        text = self.text().strip()
        if chosen is not None or not text:
            return chosen
        for row in range(self._model.rowCount()):
            item = self._model.item(row)
            if item.data(LABEL_ROLE) == text:
                household_id = str(item.data(ID_ROLE))
                self._choose(household_id, text)
                return household_id
        # The code in full, looked up as it is: a search page of 20 need not hold it ("1"
        # starts "10" … "199" as well).
        found = self.store.household_by_code(text)
        if found is not None:
            self._choose(found.id, household_label(found.code, found.head_name()))
            return found.id
        rows = self._matches(text)
        exact = [r for r in rows if r.code.casefold() == text.casefold()]
        fits = exact if len(exact) == 1 else rows
        if len(fits) != 1:
            return None
        self._choose(fits[0].id, household_label(fits[0].code, fits[0].head_name))
        return fits[0].id

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Only when the officer moves on (Tab, a click elsewhere): not for the popup, a menu
        # or another window, nor while the window closes its file (the file is gone then).
        moving_on = event.reason() in (
            Qt.FocusReason.TabFocusReason,
            Qt.FocusReason.BacktabFocusReason,
            Qt.FocusReason.MouseFocusReason,
        )
        popup = self._completer.popup()
        if moving_on and not (popup is not None and popup.isVisible()):
            self.resolve()
        super().focusOutEvent(event)
