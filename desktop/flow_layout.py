"""A layout that puts its widgets in as many equal columns as its width holds, row by row.

Phiếu B1's eight income sources were one row of check boxes, 1,900 px wide: the page
scrolled sideways at 1366 px. In two fixed columns they still did at 1024 px. Here the
columns follow the width the page has (four on a wide screen, one on the narrowest), the
cells as wide as the widest item so the boxes line up, and the order is the reading order,
which is also the Tab order (Qt's "flow layout" example, in columns).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QStyle, QWidget

from desktop.small_screens import layout_spacing


class ColumnFlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []

    # --- QLayout's interface ------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        """Every item on one line: what the layout would like, given the room."""
        cell = self._cell()
        n = len(self._items)
        gap = self._gap(Qt.Orientation.Horizontal)
        return self._margins(QSize(n * cell.width() + max(n - 1, 0) * gap, cell.height()))

    def minimumSize(self) -> QSize:
        """One column: the least it needs, so a narrow page never scrolls sideways for it."""
        return self._margins(self._cell())

    # --- placing ------------------------------------------------------------------------
    def _cell(self) -> QSize:
        size = QSize(0, 0)
        for item in self._items:
            size = size.expandedTo(item.sizeHint())
        return size

    def _gap(self, orientation: Qt.Orientation) -> int:
        """The space between two boxes: the layout's own, else the style's (Fusion and the
        Windows style give no spacing between two check boxes, -1: they overlapped by a
        pixel), as ``desktop.small_screens`` reads it."""
        metric = (
            QStyle.PixelMetric.PM_LayoutHorizontalSpacing
            if orientation is Qt.Orientation.Horizontal
            else QStyle.PixelMetric.PM_LayoutVerticalSpacing
        )
        return layout_spacing(self, metric)

    def _margins(self, size: QSize) -> QSize:
        m = self.contentsMargins()
        return QSize(size.width() + m.left() + m.right(), size.height() + m.top() + m.bottom())

    def columns(self, width: int) -> int:
        """How many columns ``width`` holds (at least one)."""
        m = self.contentsMargins()
        room = width - m.left() - m.right()
        cell = self._cell().width()
        gap = self._gap(Qt.Orientation.Horizontal)
        if cell <= 0:
            return 1
        return max(1, min(len(self._items), (room + gap) // (cell + gap)))

    def _place(self, rect: QRect, *, move: bool) -> int:
        """Puts the items (``move``) in ``rect``'s columns; the height they take."""
        m = self.contentsMargins()
        cell = self._cell()
        across = self.columns(rect.width())
        gap_x = self._gap(Qt.Orientation.Horizontal)
        gap_y = self._gap(Qt.Orientation.Vertical)
        left, top = rect.x() + m.left(), rect.y() + m.top()
        rows = 0
        for i, item in enumerate(self._items):
            row, col = divmod(i, across)
            rows = row + 1
            if move:
                x = left + col * (cell.width() + gap_x)
                item.setGeometry(QRect(QPoint(x, top + row * (cell.height() + gap_y)), cell))
        height = rows * cell.height() + max(rows - 1, 0) * gap_y
        return height + m.top() + m.bottom()
