"""Causes of poverty and needs, for poor and near-poor households: two lists of check boxes
from ``forms.catalog`` (data with sources; items marked unconfirmed say so)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.i18n import data_tr
from forms.model import Household


class CausesPage(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from forms import catalog

        self.household = Household()
        outer = QVBoxLayout(self)
        outer.addWidget(QLabel(self.tr("<h3>Nguyên nhân nghèo và nhu cầu hỗ trợ</h3>")))
        self.note = QLabel()
        self.note.setWordWrap(True)
        outer.addWidget(self.note)
        row = QHBoxLayout()
        outer.addLayout(row, 1)
        self.boxes: dict[str, dict[str, QCheckBox]] = {"causes": {}, "needs": {}}
        for attr, title, items in (
            ("causes", self.tr("Nguyên nhân nghèo"), catalog.causes()),
            ("needs", self.tr("Nhu cầu hỗ trợ"), catalog.needs()),
        ):
            group = QGroupBox(title)
            layout = QVBoxLayout(group)
            for item in items:
                text = data_tr(item.label)
                if item.unconfirmed:
                    text += self.tr(" (chưa xác nhận)")
                box = QCheckBox(text)
                box.setToolTip(str(getattr(item, "source", "") or ""))
                box.toggled.connect(lambda _c, a=attr: self._edited(a))
                layout.addWidget(box)
                self.boxes[attr][item.id] = box
            layout.addStretch()
            row.addWidget(group)

    def set_household(self, household: Household, category: Any = None) -> None:
        self.household = household
        for attr, boxes in self.boxes.items():
            chosen = set(getattr(household, attr))
            for item_id, box in boxes.items():
                box.blockSignals(True)
                box.setChecked(item_id in chosen)
                box.blockSignals(False)
        self.set_category(category)

    def set_category(self, category: Any) -> None:
        applies = str(getattr(category, "value", category)) in ("poor", "near_poor")
        self.note.setText(
            ""
            if applies
            else self.tr(
                "Trang này dành cho hộ nghèo và hộ cận nghèo; hộ hiện chưa thuộc loại này."
            )
        )

    def focus_first(self) -> None:
        for boxes in self.boxes.values():
            for box in boxes.values():
                box.setFocus()
                return

    def _edited(self, attr: str) -> None:
        setattr(self.household, attr, [i for i, box in self.boxes[attr].items() if box.isChecked()])
        self.changed.emit()
