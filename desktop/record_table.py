"""A table of records to choose one from (known laptops, imported packages, deleted
households): read-only, a whole row chosen at a time, Tab leaving it for the dialog's
buttons. One place, so the dialogs listing records behave alike from the keyboard and lay
their columns out alike.

Columns: each as wide as its header and its cells, never cut short with "…" (a fingerprint
read out over the phone, a date, a name). The dialog names its columns of free text (names,
a package's file name, a state in words); the first of them takes the room left over, and
when the table is too narrow for every column on one line (a 1024 px laptop screen) those
columns wrap onto more lines, at spaces and after hyphens, never narrower than their
widest word, the rows growing to hold them. Only when even that does not fit does the table
scroll sideways. Each dialog set its own stretch before: one stretched its last column (a
short name far from the rest), another squeezed the package's name to "10105-xa-tan-…"."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTextBoundaryFinder, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableWidget


class RecordTable(QTableWidget):
    def __init__(self, headers: list[str], text: Sequence[int]) -> None:
        super().__init__(0, len(headers))
        self.text_columns = list(text)
        self.setHorizontalHeaderLabels(headers)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        self.setWordWrap(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setStretchLastSection(False)
        # Laid out once after a batch of changes (a dialog fills its rows cell by cell), as
        # Qt lays out its own views: on the next turn of the event loop.
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_columns)
        model = self.model()
        for signal in (
            model.dataChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.modelReset,
            model.layoutChanged,
            model.headerDataChanged,
        ):
            signal.connect(self._fit_timer.start)
        self.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_timer.start()
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """Each column's width and each row's height for the room the table has now."""
        header = self.horizontalHeader()
        count = self.columnCount()
        natural = [max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(count)]
        least = list(natural)
        for c in self.text_columns:
            least[c] = max(header.sectionSizeHint(c), self._widest_word(c))
        room = self.viewport().width()
        widths = list(natural)
        short = sum(natural) - room
        if short > 0:
            give = {c: natural[c] - least[c] for c in self.text_columns}
            total = sum(give.values())
            for c, g in give.items():
                widths[c] -= g if total <= short else g * short // total
            if total > short:  # what rounding left, from the widest of them
                widest = max(give, key=lambda c: widths[c])
                widths[widest] -= min(sum(widths) - room, widths[widest] - least[widest])
        elif self.text_columns:
            widths[self.text_columns[0]] -= short  # the room left over
        for c, width in enumerate(widths):
            header.resizeSection(c, width)
        # A row as tall as its wrapped cells with a little room above and below (as a row of
        # one line has), and never less tall than a row of one line.
        default = self.verticalHeader().defaultSectionSize()
        air = max(0, default - self.fontMetrics().height()) // 2
        for r in range(self.rowCount()):
            self.setRowHeight(r, max(default, self.sizeHintForRow(r) + air))

    def _widest_word(self, column: int) -> int:
        """The width of the widest piece of the column's cells that a line cannot break
        inside (Qt's own line breaking: spaces, after hyphens), with the cell's margins."""
        style = self.style()
        margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1)
        widest = 0
        for r in range(self.rowCount()):
            item = self.item(r, column)
            if item is None or not item.text():
                continue
            font = item.data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font if isinstance(font, QFont) else self.font())
            widest = max(widest, *(metrics.horizontalAdvance(w) for w in _unbreakable(item.text())))
        # A pixel either side for the rounding of the glyphs' advances.
        return widest + margin + 2 if widest else 0


def _unbreakable(text: str) -> list[str]:
    """The pieces of ``text`` between the places a line may break."""
    units = text.encode("utf-16-le")  # the finder counts UTF-16 units
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, text)
    pieces, start = [], 0
    while (end := finder.toNextBoundary()) != -1:
        pieces.append(units[2 * start : 2 * end].decode("utf-16-le").rstrip())
        start = end
    return pieces or [text]


def record_table(headers: list[str], *, text: Sequence[int]) -> RecordTable:
    """A record table with these column headers; ``text`` the columns of free text, the
    first of them the one that takes the room left over."""
    return RecordTable(headers, text)
