"""A small painted bar chart (QPainter): grouped bars with a legend.

QtCharts lives in PySide6-Addons, which we do not ship (see pyproject), so the dashboard
draws its own bars. The widget knows nothing about households: it paints labelled groups of
numbers, one colour per series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

PALETTE = ["#c0392b", "#e67e22", "#f1c40f", "#27ae60", "#7f8c8d", "#2980b9", "#8e44ad"]


@dataclass
class ChartData:
    """Groups along the x axis; each series gives one value per group."""

    title: str = ""
    groups: list[str] = field(default_factory=list)
    series: list[tuple[str, list[float]]] = field(default_factory=list)
    stacked: bool = False
    # Said where the bars go when there are none: why (being counted, failed); else
    # "Chưa có số liệu".
    empty: str = ""

    def max_value(self) -> float:
        if not self.groups or not self.series:
            return 0.0
        if self.stacked:
            return max(
                sum(values[i] for _, values in self.series if i < len(values))
                for i in range(len(self.groups))
            )
        return max((max(values, default=0.0) for _, values in self.series), default=0.0)


def nice_axis(value: float) -> tuple[int, int]:
    """(ceiling, step) of a count axis: whole-number steps of 1, 2, 2.5 or 5 × 10^k, ending at
    the first tick at or above ``value``, with 4–6 intervals when the value allows (3–7 at
    worst, fewer only below 3). A maximum of 107 gives 0, 20 … 120, not 0 … 200."""
    top = max(1, math.ceil(value))
    steps: list[tuple[int, bool]] = []  # (step, is 2.5 × 10^k)
    power = 1
    while not steps or steps[-1][0] < top:
        steps += [(power, False), (2 * power, False)]
        if power >= 10:
            steps.append((power * 5 // 2, True))  # 25, 250, …: 2.5 × 10^k only when whole
        steps.append((5 * power, False))
        power *= 10
    for low, high in ((4, 6), (3, 7)):
        fits = [
            (math.ceil(top / step) * step, quarter, abs(math.ceil(top / step) - 5), step)
            for step, quarter in steps
            if low <= math.ceil(top / step) <= high
        ]
        if fits:
            # The tightest ceiling; on a tie 1/2/5 before 2.5, then about five intervals.
            ceiling, _quarter, _distance, step = min(fits)
            return ceiling, step
    return top, 1  # 1 or 2: one tick per household


def nice_ceiling(value: float) -> int:
    """The top of the axis for a maximum of ``value`` (see ``nice_axis``)."""
    return nice_axis(value)[0]


def two_lines(metrics: QFontMetrics, text: str, width: float) -> str:
    """``text`` broken at spaces into at most two lines of ``width``; the second ends in "…"
    when the rest does not fit (Qt's word wrap would cut the third line off unmarked)."""
    words = text.split()
    first = ""
    while words and metrics.horizontalAdvance(f"{first} {words[0]}".strip()) <= width:
        first = f"{first} {words.pop(0)}".strip()
    if not first:  # one word wider than the bar: it is elided on the first line
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
    rest = " ".join(words)
    if not rest:
        return first
    return first + "\n" + metrics.elidedText(rest, Qt.TextElideMode.ElideRight, int(width))


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = ChartData()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(220)
        self._groups_x = (0.0, 0.0)  # left edge and width of a group, as last painted

    def sizeHint(self) -> QSize:
        return QSize(520, 300)

    def data(self) -> ChartData:
        return self._data

    def set_data(self, data: ChartData) -> None:
        self._data = data
        self.setToolTip(data.title)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        data = self._data
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        text_pen = QPen(self.palette().text().color())
        painter.setPen(text_pen)
        top = 6.0
        if data.title:
            bold = painter.font()
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(QRectF(8, top, self.width() - 16, line), data.title)
            painter.setFont(self.font())
            top += line + 4
        # Legend, one line of swatches.
        x = 8.0
        for i, (name, _) in enumerate(data.series):
            painter.fillRect(QRectF(x, top + 3, 12, line - 6), QColor(PALETTE[i % len(PALETTE)]))
            painter.drawText(QRectF(x + 16, top, metrics.horizontalAdvance(name) + 4, line), name)
            x += 16 + metrics.horizontalAdvance(name) + 16
        top += line + 6
        if not data.groups or not data.series:
            painter.drawText(
                QRectF(0, top, self.width(), self.height() - top),
                Qt.AlignmentFlag.AlignCenter,
                data.empty or self.tr("Chưa có số liệu"),
            )
            return
        ceiling, step = nice_axis(data.max_value())
        intervals = ceiling // step
        axis_w = metrics.horizontalAdvance(f"{ceiling:,.0f}") + 10
        left = 8.0 + axis_w
        bottom = self.height() - line * 2 - 6
        plot_h = max(10.0, bottom - top)
        right = self.width() - 8.0
        grid = QPen(QColor("#d0d0d0"))
        for k in range(intervals + 1):
            value = step * k
            y = bottom - plot_h * k / intervals
            painter.setPen(grid)
            painter.drawLine(int(left), int(y), int(right), int(y))
            painter.setPen(text_pen)
            painter.drawText(
                QRectF(0, y - line / 2, axis_w + 2, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value:,.0f}",
            )
        group_w = (right - left) / len(data.groups)
        bars = 1 if data.stacked else len(data.series)
        bar_w = max(2.0, group_w * 0.8 / bars)
        for g, label in enumerate(data.groups):
            gx = left + g * group_w + group_w * 0.1
            base = bottom
            for s, (_, values) in enumerate(data.series):
                value = values[g] if g < len(values) else 0.0
                h = plot_h * value / ceiling
                bx = gx if data.stacked else gx + s * bar_w
                rect = QRectF(bx, base - h, bar_w - 1, h)
                painter.fillRect(rect, QColor(PALETTE[s % len(PALETTE)]))
                if data.stacked:
                    base -= h
            painter.setPen(text_pen)
            painter.drawText(
                QRectF(left + g * group_w + 3, bottom + 2, group_w - 6, line * 2),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                two_lines(metrics, label, group_w - 6),
            )
        self._groups_x = (left, group_w)
        painter.end()

    def event(self, event: QEvent) -> bool:
        # A cut label is read whole, with its numbers, by hovering over its group.
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.group_tooltip(event.pos().x())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
                return True
        return super().event(event)

    def group_tooltip(self, x: float) -> str:
        left, group_w = self._groups_x
        data = self._data
        if group_w <= 0 or x < left:
            return data.title
        g = int((x - left) // group_w)
        if not 0 <= g < len(data.groups):
            return data.title
        lines = [f"<b>{escape(data.groups[g])}</b>"]
        for name, values in data.series:
            value = values[g] if g < len(values) else 0
            lines.append(f"{escape(name)}: {value:,.0f}".replace(",", "."))
        return "<br>".join(lines)
