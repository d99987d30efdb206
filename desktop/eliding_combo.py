"""A drop-down list whose chosen text ends in "…" when the box is too narrow for it.

Qt cuts the text of a narrow combo box off at the edge, mid-letter: at 1,366 pixels, the
width of most commune laptops' screens, the list's filters read "Mọi cán bộ phụ trácl" and
"Kỳ rà soát 2026 (hiệ". An officer cannot tell such a text from a broken one; "…" says
that there is more, and the open list shows every choice whole.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPaintEvent, QPalette
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter

# What the styles take off the text field before they draw the label in it: Qt's common
# drawing (Fusion, the tests' style) 1 pixel each side, Windows 11's style (the laptops'
# default under Qt 6) 4 pixels each side. The text is cut to the narrowest, so that "…"
# itself is never cut off.
STYLE_INSETS = 2 * 4
ICON_GAP = 4  # between an item's icon and its text, as the styles draw it


# The policies under which Qt sizes a box to its longest choice.
_FITS_CONTENTS = (
    QComboBox.SizeAdjustPolicy.AdjustToContents,
    QComboBox.SizeAdjustPolicy.AdjustToContentsOnFirstShow,
)


class ElidingComboBox(QComboBox):
    """A ``QComboBox`` (not editable) that elides its shown text on the right."""

    def shown_text(self) -> str:
        """The current choice's text as the box paints it when not editable: whole when it
        fits the box's text field, else cut with "…"."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        return self._elided(option)

    def sizeHint(self) -> QSize:
        return self._widened(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._widened(super().minimumSizeHint())

    def _widened(self, hint: QSize) -> QSize:
        """``hint`` widened until the longest choice shows whole in a box of that width: Qt
        fits it in the style's own text field, and the label is cut ``STYLE_INSETS`` inside
        that (``_room``), so under Qt's common drawing a box at its own hint showed "Nam" as
        "N…" (the roster's sex column)."""
        policy = self.sizeAdjustPolicy()
        if hint.width() <= 0 or self.count() == 0 or policy not in _FITS_CONTENTS:
            return hint  # a box sized to a few characters (the list's filters) stays so
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.rect = QRect(QPoint(0, 0), hint)
        # Fractional: "Nam" is 29.45 pixels, and elided in a room of 29.
        metrics = QFontMetricsF(self.font())
        widest = max(metrics.horizontalAdvance(self.itemText(i)) for i in range(self.count()))
        short = math.ceil(widest) - self._room(option)
        return QSize(hint.width() + short, hint.height()) if short > 0 else hint

    def _room(self, option: QStyleOptionComboBox) -> int:
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox,
            option,
            QStyle.SubControl.SC_ComboBoxEditField,
            self,
        )
        room = field.width() - STYLE_INSETS
        if not option.currentIcon.isNull():
            room -= option.iconSize.width() + ICON_GAP
        return max(0, room)

    def _elided(self, option: QStyleOptionComboBox) -> str:
        return self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, self._room(option)
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.isEditable():  # the line edit paints its own text
            super().paintEvent(event)
            return
        # What QComboBox.paintEvent draws (Qt 6), the label's text elided first.
        painter = QStylePainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        if self.currentIndex() < 0 and self.placeholderText():
            option.palette.setBrush(QPalette.ColorRole.ButtonText, option.palette.placeholderText())
            option.currentText = self.placeholderText()
        option.currentText = self._elided(option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
