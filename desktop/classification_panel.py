"""The live classification panel beside the forms: category, B1 score, income basis, and
each deprivation indicator as deprived / not deprived / not enough information, with its
reason. It shows a ``forms.classify.Result``; it never decides anything itself."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.labels import label

CATEGORY_COLOURS = {
    "poor": "#c0392b",
    "near_poor": "#e67e22",
    "middle": "#b7950b",
    "not_poor": "#27ae60",
    "undetermined": "#7f8c8d",
}
STATUS_MARKS = {
    "deprived": ("✗", "#c0392b"),
    "not_deprived": ("✓", "#27ae60"),
    "unknown": ("?", "#7f8c8d"),
}


class ClassificationPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        heading = QLabel(self.tr("<b>Kết quả phân loại (tự tính)</b>"))
        layout.addWidget(heading)
        self.category = QLabel()
        self.category.setObjectName("category")
        self.category.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.category.setMinimumHeight(40)
        layout.addWidget(self.category)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        self.indicators = QTreeWidget()
        self.indicators.setColumnCount(2)
        self.indicators.setHeaderLabels([self.tr("Chỉ số thiếu hụt"), self.tr("Lý do")])
        self.indicators.setRootIsDecorated(False)
        self.indicators.setWordWrap(True)
        self.indicators.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keyboard stays in the form
        self.indicators.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.indicators.header().setStretchLastSection(True)
        layout.addWidget(self.indicators, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #a04000")
        layout.addWidget(self.notes)
        self.result: Any = None
        self.setMinimumWidth(340)

    def category_text(self) -> str:
        return self.category.text()

    def show_result(self, result: Any) -> None:
        self.result = result
        key = str(result.category.value)
        colour = CATEGORY_COLOURS.get(key, "#7f8c8d")
        self.category.setText(label(result.category))
        self.category.setStyleSheet(
            f"background: {colour}; color: white; font-size: 16pt; font-weight: bold;"
            "border-radius: 4px; padding: 4px;"
        )
        b1 = "—" if result.b1_score is None else str(result.b1_score)
        income = "—" if result.income is None else f"{result.income:,}".replace(",", ".") + " đ"
        self.summary.setText(
            self.tr(
                "Điểm B1: <b>{b1}</b><br>Thu nhập bình quân: <b>{income}</b> ({basis})<br>"
                "Số chỉ số thiếu hụt: <b>{count}</b> (điểm B2: {b2})"
            ).format(
                b1=b1,
                income=income,
                basis=result.income_basis or "",
                count=result.deprivation_count,
                b2=result.deprivation_count * 10,
            )
        )
        self.indicators.clear()
        for outcome in result.indicators:
            mark, colour = STATUS_MARKS.get(str(outcome.status.value), ("?", "#7f8c8d"))
            item = QTreeWidgetItem([f"{mark} {outcome.name}", outcome.reason])
            item.setForeground(0, QBrush(QColor(colour)))
            item.setToolTip(0, outcome.dimension)
            item.setToolTip(1, outcome.reason)
            item.setData(0, Qt.ItemDataRole.UserRole, outcome.id)
            self.indicators.addTopLevelItem(item)
        notes = [*result.reasons, *result.warnings]
        self.notes.setText("\n".join(f"• {n}" for n in notes))

    def show_message(self, message: str) -> None:
        self.result = None
        self.category.setText(message)
        self.category.setStyleSheet("")
        self.summary.clear()
        self.indicators.clear()
        self.notes.clear()
