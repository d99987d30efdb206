"""One input widget per answer type: yes/no/blank, whole number, decimal, text, one choice,
several choices. Form pages and the member roster both build their inputs here, so every
field behaves the same under the keyboard (Tab moves on, Space/arrow keys pick).

Blank always means "not asked / not known" (``None``), never "no".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QColor, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from desktop.eliding_combo import ElidingComboBox
from desktop.flow_layout import ColumnFlowLayout

Choice = tuple[str, str]  # (stored value, Vietnamese label)


class FieldEditor(QWidget):
    """Base: ``value()``/``set_value()`` in model terms; ``changed`` when the user edits."""

    changed = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    _problem: str | None = None

    def set_problem(self, message: str) -> None:
        """Marks the field invalid (red frame and tooltip) or clears it with ""."""
        # Every field of the page hears this on every keystroke, and setStyleSheet re-polishes
        # the widget even with the same sheet (a third of a keystroke's time): only a change
        # is applied.
        if message == self._problem:
            return
        self._problem = message
        self.setToolTip(message)
        self.setStyleSheet("QLineEdit, QComboBox { border: 1px solid #b00020; }" if message else "")


class _Single(FieldEditor):
    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        self.setFocusProxy(widget)


class TextEditor(_Single):
    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "") -> None:
        # A plain QLineEdit: Unikey/Telex compose through the input method, so no key filters.
        self.edit = QLineEdit()
        super().__init__(self.edit, parent)
        self.edit.setPlaceholderText(placeholder)
        self.edit.textEdited.connect(lambda _t: self.changed.emit())

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class NumberEditor(TextEditor):
    """Whole or decimal numbers; blank means unknown. Out-of-range input is left for the
    validation messages rather than blocked, so the surveyor sees why.

    Read by ``forms.amounts`` whatever the laptop's language setting: Qt's validators took
    "1.500.000" by the system's locale (accepted under Vietnamese, then read as nothing and
    stored as unknown, the box still showing it) and rewrote "12,5" as "125" under English
    while 12.5 was stored. Only digits and grouping or decimal marks can be typed; what
    cannot be read is said on the field; once the field is left, it shows what is stored."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        decimal: bool = False,
        unit: str = "",
    ) -> None:
        super().__init__(parent, placeholder=unit)
        self.decimal = decimal
        allowed = r"[0-9][0-9., ]*" + (r"(m²|m2)?" if decimal else r"(đ|đồng)?")
        self.edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(f"^ *({allowed})? *$"), self.edit)
        )
        self.edit.editingFinished.connect(self._show_stored)

    def _read(self) -> int | float | None | str:
        from forms.amounts import parse_amount, parse_decimal

        text = self.edit.text()
        return parse_decimal(text) if self.decimal else parse_amount(text)

    def value(self) -> int | float | None:
        read = self._read()
        return None if isinstance(read, str) else read

    def unreadable(self) -> str:
        """What is wrong with the text typed, Vietnamese; "" when it reads as a number."""
        read = self._read()
        if not isinstance(read, str):
            return ""
        example = "12,5" if self.decimal else "1.500.000"
        return f"Không đọc được số “{read.strip()}”: hãy viết như {example}."

    def set_problem(self, message: str) -> None:
        # The page's validation knows only the value stored (None for an unreadable text):
        # the field keeps saying why it stored nothing.
        super().set_problem(self.unreadable() or message)

    def _show_stored(self) -> None:
        read = self._read()
        if isinstance(read, str):
            self.set_problem("")  # says why, until the text reads
            return
        self.set_value(read)

    def set_value(self, value: Any) -> None:
        from forms.amounts import decimal_text

        if value is None:
            self.edit.setText("")
        elif self.decimal:
            self.edit.setText(decimal_text(float(value)))
        else:
            self.edit.setText(str(int(value)))


class ChoiceEditor(_Single):
    """One option, or blank. Typing the first letters of a label selects it.

    A stored answer that is not offered (an answer the forms no longer ask, ``former``, or a
    value from a newer version) is shown as one more item with its label, and ``value()``
    gives it back unchanged until the officer picks another: showing "—" would invite
    re-answering blind, and writing "—" back would erase the answer silently.
    """

    def __init__(
        self,
        choices: Sequence[Choice],
        parent: QWidget | None = None,
        *,
        former: Sequence[Choice] = (),
    ) -> None:
        self.combo = ElidingComboBox()
        super().__init__(self.combo, parent)
        self.former = dict(former)
        self.combo.addItem("—", None)
        for value, label in choices:
            self.combo.addItem(label, value)
        self._offered = self.combo.count()
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def value(self) -> str | None:
        data = self.combo.currentData()
        return None if data is None else str(data)

    def set_value(self, value: Any) -> None:
        self.combo.blockSignals(True)
        while self.combo.count() > self._offered:  # the previous household's old answer
            self.combo.removeItem(self.combo.count() - 1)
        if value is None:
            self.combo.setCurrentIndex(0)
        else:
            key = str(value.value if hasattr(value, "value") else value)
            index = self.combo.findData(key)
            if index < 0:
                label = self.former.get(key) or self.tr(
                    "{value} (cách ghi cũ, cần chọn lại)"
                ).format(value=key)
                self.combo.addItem(label, key)
                index = self.combo.count() - 1
                self.combo.setItemData(index, QColor("#a04000"), Qt.ItemDataRole.ForegroundRole)
            self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)

    def is_former_answer(self) -> bool:
        """Whether the answer shown is one the form no longer offers."""
        return self.combo.currentIndex() >= self._offered


class YesNoEditor(ChoiceEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([("yes", self.tr("Có")), ("no", self.tr("Không"))], parent)

    def value(self) -> bool | None:  # type: ignore[override]
        data = self.combo.currentData()
        return None if data is None else data == "yes"

    def set_value(self, value: Any) -> None:
        super().set_value(None if value is None else ("yes" if value else "no"))


class MultiChoiceEditor(FieldEditor):
    def __init__(self, choices: Sequence[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # In as many columns as the page's width holds (desktop.flow_layout): one row of
        # Phiếu B1's eight income sources made the page 1,900 px wide.
        self.flow = ColumnFlowLayout(self)
        self.flow.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for value, label in choices:
            box = QCheckBox(label)
            box.toggled.connect(lambda _c: self.changed.emit())
            self.flow.addWidget(box)
            self.boxes.append((value, box))
        if self.boxes:
            self.setFocusProxy(self.boxes[0][1])
        # Answers none of the boxes offers (written by a newer version), kept as they are.
        self.kept: list[str] = []
        self.kept_boxes: list[QCheckBox] = []

    def value(self) -> list[str]:
        return [*self.kept, *(value for value, box in self.boxes if box.isChecked())]

    def set_value(self, value: Any) -> None:
        chosen = [v.value if hasattr(v, "value") else v for v in (value or [])]
        offered = {key for key, _box in self.boxes}
        self.kept = [v for v in chosen if v not in offered]
        keep_shown(self.flow, self.kept_boxes, self.kept)
        for key, box in self.boxes:
            box.blockSignals(True)
            box.setChecked(key in chosen)
            box.blockSignals(False)


def keep_shown(layout: Any, shown: list[QCheckBox], kept: list[str]) -> None:
    """``kept`` (ids this version does not offer) shown in ``layout`` as ticked boxes the
    officer cannot untick, replacing ``shown`` (updated in place): the officer sees the
    household holds them, and no edit drops them (``forms.catalog.unknown_label``)."""
    from forms.catalog import unknown_label

    for box in shown:
        layout.removeWidget(box)
        box.setParent(None)  # gone now, not when the event loop next turns
        box.deleteLater()
    shown.clear()
    for item_id in kept:
        box = QCheckBox(unknown_label(item_id))
        box.setChecked(True)
        box.setEnabled(False)
        layout.addWidget(box)
        shown.append(box)


class DateEditor(TextEditor):
    """dd/mm/yyyy, as Vietnamese forms write dates; blank or unreadable means unknown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, placeholder="ngày/tháng/năm")

    def value(self) -> date | None:
        return parse_date(self.edit.text())

    def set_value(self, value: Any) -> None:
        self.edit.setText(value.strftime("%d/%m/%Y") if isinstance(value, date) else "")


def parse_date(text: str) -> date | None:
    parts = [p for p in text.replace("-", "/").replace(".", "/").split("/") if p.strip()]
    if len(parts) != 3:
        return None
    try:
        day, month, year = (int(p) for p in parts)
        if day > 31:  # ISO order, as pasted from a spreadsheet
            day, year = year, day
        return date(year, month, day)
    except ValueError:
        return None


def make_editor(
    kind: str,
    choices: Sequence[Choice] = (),
    *,
    unit: str = "",
    former: Sequence[Choice] = (),
    parent: QWidget | None = None,
) -> FieldEditor:
    """kind: "bool", "int", "float", "text", "date", "choice" or "multi"; ``former``: labels
    of stored answers no longer offered (a "choice" shows them, see ``ChoiceEditor``)."""
    if kind == "bool":
        return YesNoEditor(parent)
    if kind == "int":
        return NumberEditor(parent, unit=unit)
    if kind == "float":
        return NumberEditor(parent, decimal=True, unit=unit)
    if kind == "choice":
        return ChoiceEditor(choices, parent, former=former)
    if kind == "multi":
        return MultiChoiceEditor(choices, parent)
    if kind == "date":
        return DateEditor(parent)
    return TextEditor(parent, placeholder=unit)
