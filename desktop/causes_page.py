"""Causes of poverty and needs, for poor and near-poor households: two lists of check boxes
from ``forms.catalog`` (data with sources; items marked unconfirmed say so)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

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
        # Two columns when there is room, one under the other in a narrow window (1024 px),
        # scrolled: the longest item is 45 characters, two columns need 780 px.
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the boxes
        inner = QWidget()
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, inner)
        self.columns.setContentsMargins(0, 0, 0, 0)
        self.scroll_area.setWidget(inner)
        outer.addWidget(self.scroll_area, 1)
        self.groups: list[QGroupBox] = []
        self.boxes: dict[str, dict[str, QCheckBox]] = {"causes": {}, "needs": {}}
        # Per list, the ids a newer version wrote (none of the boxes): kept, shown greyed.
        self.kept: dict[str, list[str]] = {"causes": [], "needs": []}
        self.kept_boxes: dict[str, list[QCheckBox]] = {"causes": [], "needs": []}
        self.lists: dict[str, QVBoxLayout] = {}
        for attr, title, items in (
            ("causes", self.tr("Nguyên nhân nghèo"), catalog.causes()),
            ("needs", self.tr("Nhu cầu hỗ trợ"), catalog.needs()),
        ):
            group = QGroupBox(title)
            layout = QVBoxLayout(group)
            for item in items:
                # Where each item comes from is on the "Căn cứ pháp lý" screen, not here.
                box = QCheckBox(data_tr(item.label))
                box.toggled.connect(lambda _c, a=attr: self._edited(a))
                layout.addWidget(box)
                self.boxes[attr][item.id] = box
            self.lists[attr] = layout
            layout.addStretch()
            self.columns.addWidget(group)
            self.groups.append(group)

    def side_by_side_width(self) -> int:
        """The width the two columns need, with room for a vertical scroll bar."""
        widths = [group.minimumSizeHint().width() for group in self.groups]
        space = max(0, self.columns.spacing()) * (len(widths) - 1)
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return sum(widths) + space + bar

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        wide = self.scroll_area.width() >= self.side_by_side_width()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)

    def set_household(self, household: Household, category: Any = None) -> None:
        self.household = household
        for attr, boxes in self.boxes.items():
            chosen = set(getattr(household, attr))
            self.kept[attr] = [i for i in getattr(household, attr) if i not in boxes]
            self._show_kept(attr)
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

    def _show_kept(self, attr: str) -> None:
        from desktop.field_editor import keep_shown

        layout = self.lists[attr]
        stretch = layout.takeAt(layout.count() - 1)  # the boxes above the stretch
        keep_shown(layout, self.kept_boxes[attr], self.kept[attr])
        if stretch is not None:
            layout.addItem(stretch)

    def _edited(self, attr: str) -> None:
        ticked = [i for i, box in self.boxes[attr].items() if box.isChecked()]
        setattr(self.household, attr, [*self.kept[attr], *ticked])
        self.changed.emit()
