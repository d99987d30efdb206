"""Pieces that let the main window fit the small screens of commune laptops (1024x768 and
1280x720 as well as 1366x768): a row of widgets that breaks into two lines when narrow, a
one-line label that elides instead of claiming its whole text's width, a status bar whose
messages are such a label, and the window's first size clamped to the screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizeGrip,
    QStatusBar,
    QStyle,
    QStyleOption,
    QToolTip,
    QWidget,
)

# Room for the title bar and borders the window manager adds around a top-level window (the
# frame is unknown until the window is shown; Windows 10 adds about 8 + 31 px).
FRAME_ALLOWANCE = QSize(16, 40)
ELIDED_MIN_CHARS = 8


def layout_spacing(layout: QLayout, metric: QStyle.PixelMetric) -> int:
    """A layout's spacing: its own, else its style's, else 6 (a style may give -1)."""
    if layout.spacing() >= 0:
        return layout.spacing()
    parent = layout.parentWidget()
    style = parent.style() if parent is not None else QApplication.style()
    value = style.pixelMetric(metric) if style is not None else -1
    return value if value >= 0 else 6


def _share(mins: list[int], prefs: list[int], stretches: list[int], room: int) -> list[int]:
    """Widths for one line ``room`` px wide: each item at least its minimum, then grown
    towards its size hint, then whatever is left shared by stretch factor."""
    widths = list(mins)
    extra = room - sum(mins)
    if extra <= 0:
        return widths
    growth = [max(0, p - m) for m, p in zip(mins, prefs, strict=True)]
    wanted = sum(growth)
    if wanted:
        part = min(extra, wanted)
        given = [g * part // wanted for g in growth]
        given[growth.index(max(growth))] += part - sum(given)
        widths = [w + g for w, g in zip(widths, given, strict=True)]
        extra -= part
    total = sum(stretches)
    if extra > 0 and total:
        given = [s * extra // total for s in stretches]
        given[stretches.index(max(stretches))] += extra - sum(given)
        widths = [w + g for w, g in zip(widths, given, strict=True)]
    return widths


class WrappingRow(QLayout):
    """Widgets side by side in one line while they fit; when the row is narrower, each goes
    to the line it was added with (0 or 1), so the row is two lines instead of pushing the
    window wider. Its minimum width is the wider of the two lines', not the whole row's.

    Tab order is the widgets' own (creation) order, whatever the lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setContentsMargins(0, 0, 0, 0)
        self._items: list[QLayoutItem] = []
        self._stretch: list[int] = []
        self._line: list[int] = []
        self.wrapped = False  # as last laid out

    def addWidget(self, widget: QWidget, stretch: int = 0, line: int = 0) -> None:
        super().addWidget(widget)  # Qt makes the item (and owns it) and calls addItem
        self._stretch[-1] = stretch
        self._line[-1] = line

    # --- QLayout -------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self._stretch.append(0)
        self._line.append(0)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        del self._stretch[index]
        del self._line[index]
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def sizeHint(self) -> QSize:
        shown = self._shown()
        width = sum(max(i.sizeHint().width(), i.minimumSize().width()) for i in shown)
        width += self._hspace() * max(0, len(shown) - 1)
        return self._with_margins(QSize(width, self._line_height(shown)))

    def minimumSize(self) -> QSize:
        lines = self._lines()
        width = max(
            (
                sum(i.minimumSize().width() for i in line) + self._hspace() * (len(line) - 1)
                for line in lines
                if line
            ),
            default=0,
        )
        return self._with_margins(QSize(width, self._line_height(self._shown())))

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    # --- arranging -----------------------------------------------------------------------
    def _hspace(self) -> int:
        return layout_spacing(self, QStyle.PixelMetric.PM_LayoutHorizontalSpacing)

    def _vspace(self) -> int:
        return layout_spacing(self, QStyle.PixelMetric.PM_LayoutVerticalSpacing)

    def _with_margins(self, size: QSize) -> QSize:
        m = self.contentsMargins()
        return QSize(size.width() + m.left() + m.right(), size.height() + m.top() + m.bottom())

    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _lines(self) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[], []]
        for item, line in zip(self._items, self._line, strict=True):
            if not item.isEmpty():
                lines[min(line, 1)].append(item)
        return lines

    @staticmethod
    def _line_height(items: list[QLayoutItem]) -> int:
        return max((max(i.sizeHint().height(), i.minimumSize().height()) for i in items), default=0)

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Lays the items out in ``rect`` (when ``apply``); returns the height it takes."""
        m = self.contentsMargins()
        inner = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        space = self._hspace()
        shown = self._shown()
        one_line = sum(i.minimumSize().width() for i in shown) + space * max(0, len(shown) - 1)
        wrapped = one_line > inner.width()
        lines = [line for line in self._lines() if line] if wrapped else [shown]
        y = inner.y()
        for number, line in enumerate(lines):
            if number:
                y += self._vspace()
            height = self._line_height(line)
            if apply:
                stretches = [self._stretch[self._items.index(i)] for i in line]
                widths = _share(
                    [i.minimumSize().width() for i in line],
                    [i.sizeHint().width() for i in line],
                    stretches,
                    inner.width() - space * (len(line) - 1),
                )
                x = inner.x()
                for item, width in zip(line, widths, strict=True):
                    item.setGeometry(QRect(x, y, width, height))
                    x += width + space
            y += height
        if apply:
            self.wrapped = wrapped and len(lines) > 1
        return y - inner.y() + m.top() + m.bottom()


class ElidedLabel(QLabel):
    """One line of plain text that ends in "…" when the label is narrower than it, so a long
    text never sets the window's minimum width. ``text()`` and screen readers keep the whole
    text; so does the tooltip, while the text is cut."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        room = self.fontMetrics().averageCharWidth() * ELIDED_MIN_CHARS
        return QSize(min(hint.width(), room), hint.height())

    def elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self._text_rect().width()

    def _text_rect(self) -> QRect:
        margin = self.margin()
        return self.contentsRect().adjusted(margin, margin, -margin, -margin)

    def paintEvent(self, event: Any) -> None:
        rect = self._text_rect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            text,
            self.foregroundRole(),
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and not self.toolTip() and self.elided():
            QToolTip.showText(event.globalPos(), self.text(), self)  # type: ignore[attr-defined]
            return True
        return super().event(event)


class ElidingStatusBar(QStatusBar):
    """QStatusBar's messages (showMessage, currentMessage, timeouts, menus' status tips) shown
    in an ElidedLabel: QStatusBar paints them itself, cut off at the permanent widgets.

    The message keeps its whole width first: a permanent widget added with a stretch factor
    (an ElidedLabel) gives way to it, as Qt's layouts shrink stretched items first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = ElidedLabel()
        self.message.setContentsMargins(4, 0, 0, 0)  # where QStatusBar paints its messages
        self.addPermanentWidget(self.message)
        self.messageChanged.connect(self.message.setText)

    def paintEvent(self, event: Any) -> None:
        # QStatusBar.paintEvent without the message text: the panel, and the style's frame
        # around each permanent widget other than the message.
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child is self.message or isinstance(child, QSizeGrip) or not child.isVisible():
                continue
            frame = QStyleOption()
            frame.rect = child.geometry().adjusted(-2, -1, 2, 1)
            frame.palette = self.palette()
            frame.state = QStyle.StateFlag.State_None
            self.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_FrameStatusBarItem, frame, painter, child
            )


def first_geometry(default: QSize, available: QRect, frame: QSize = FRAME_ALLOWANCE) -> QRect:
    """The window's first geometry (without its frame): ``default``, made smaller where the
    screen's free area (without the taskbar) is, and centred in that area."""
    width = max(1, min(default.width(), available.width() - frame.width()))
    height = max(1, min(default.height(), available.height() - frame.height()))
    border = frame.width() // 2  # left, right and bottom; the title bar takes the rest
    x = available.x() + (available.width() - frame.width() - width) // 2 + border
    y = available.y() + (available.height() - frame.height() - height) // 2
    return QRect(x, y + frame.height() - border, width, height)


def fit_to_screen(window: QWidget, default: QSize) -> None:
    """Sizes a top-level window to ``default`` or to what its screen has room for."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        window.resize(default)
        return
    window.setGeometry(first_geometry(default, screen.availableGeometry()))
