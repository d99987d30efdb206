"""The household list: a table model that pages through ``Store.list_households`` (never the
whole commune in memory), with search-as-you-type, filters and sortable columns."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.eliding_combo import ElidingComboBox
from desktop.labels import enum_choices, label
from desktop.small_screens import WrappingRow
from desktop.tab_keys import pass_ctrl_tab
from forms.model import Category, Transition

PAGE = 200
MIN_SEARCH_CHARS = 2
SEARCH_PADDING = 44  # px: the line edit's frame and text margins, and its clear button
FILTER_MIN_CHARS = 12
FILTER_SQUEEZED_CHARS = 10  # how narrow a filter box gets before the row breaks in two
SEARCH_DELAY_MS = (
    150  # long enough to skip the keystrokes of a fast typist, short enough to feel live
)

# (HouseholdRow attribute = order_by column, header)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", QT_TRANSLATE_NOOP("HouseholdTableModel", "Mã hộ")),
    ("head_name", QT_TRANSLATE_NOOP("HouseholdTableModel", "Chủ hộ")),
    ("village", QT_TRANSLATE_NOOP("HouseholdTableModel", "Thôn")),
    ("size", QT_TRANSLATE_NOOP("HouseholdTableModel", "Nhân khẩu")),
    ("category", QT_TRANSLATE_NOOP("HouseholdTableModel", "Phân loại")),
    ("b1_score", QT_TRANSLATE_NOOP("HouseholdTableModel", "Điểm B1")),
    ("deprivation_count", QT_TRANSLATE_NOOP("HouseholdTableModel", "Số chỉ số thiếu hụt")),
    ("transition", QT_TRANSLATE_NOOP("HouseholdTableModel", "Biến động")),
    ("updated_at", QT_TRANSLATE_NOOP("HouseholdTableModel", "Ngày cập nhật")),
)
# Widths of the columns beside the head's name, which takes the rest of the row: (width,
# narrowest). On a narrow window (1024 px) the text columns give way to the name, down to
# room for a village's name, a category and a code; the numbers keep their titles whole.
COLUMN_WIDTHS = {
    0: (110, 85),
    2: (130, 110),
    3: (80, 80),
    4: (150, 110),
    5: (70, 70),
    6: (120, 120),
    7: (190, 120),
    8: (100, 100),
}
NAME_MIN_WIDTH = 180  # px
CATEGORY_COLOURS = {"poor": "#c0392b", "near_poor": "#d35400", "undetermined": "#7f8c8d"}
NUMERIC = {"size", "b1_score", "deprivation_count"}
# The roles HouseholdTableModel.data answers, as plain ints (an enum member read per call
# costs more than the answer).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_USER = int(Qt.ItemDataRole.UserRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ROLES = frozenset({_DISPLAY, _USER, _ALIGN, _FOREGROUND})
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)


def _as_enum(enum_cls: type[Enum], value: Any) -> Enum | None:
    if value is None or value == "":
        return None
    try:
        return enum_cls(value)
    except ValueError:
        return None


def _filter_combo() -> QComboBox:
    """A filter box that shares the row's width instead of claiming its longest choice (a
    transition label is 40 characters): the search box keeps room for its whole hint at the
    default window size. The open list still shows every choice in full."""
    combo = ElidingComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(FILTER_MIN_CHARS)
    # A little narrower than that rather than breaking the row at the default window size.
    squeeze = combo.fontMetrics().averageCharWidth() * (FILTER_MIN_CHARS - FILTER_SQUEEZED_CHARS)
    combo.setMinimumWidth(combo.sizeHint().width() - squeeze)
    return combo


_CATEGORY_COLUMN = [attr for attr, _ in COLUMNS].index("category")


class HouseholdTableModel(QAbstractTableModel):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from db.store import HouseholdQuery

        self.store = store
        self.query = HouseholdQuery(limit=PAGE, offset=0)
        self._count = 0
        self._pages: dict[int, list[Any]] = {}
        self._cells: dict[int, tuple[Any, ...]] = {}
        self.refresh()

    # --- filters -------------------------------------------------------------------------
    def set_filters(self, **changes: Any) -> None:
        """Any HouseholdQuery field: text, village, category, transition, round_id, …"""
        self.query = dataclasses.replace(self.query, **changes)
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._cells.clear()
        q = dataclasses.replace(self.query, limit=PAGE, offset=0)
        # The first page is needed for the first paint anyway; when it is not full it is
        # the whole answer and the COUNT query can be skipped (most searches by name).
        first = self.store.list_households(q)
        self._pages[0] = first
        self._count = len(first) if len(first) < PAGE else self.store.count_households(q)
        self.endResetModel()

    def _page(self, number: int) -> list[Any]:
        page = self._pages.get(number)
        if page is None:
            q = dataclasses.replace(self.query, limit=PAGE, offset=number * PAGE)
            page = self.store.list_households(q)
            if len(self._pages) > 50:  # keep memory flat while scrolling 100,000 rows
                self._pages.clear()
                self._cells.clear()
            self._pages[number] = page
        return page

    def row_at(self, row: int) -> Any | None:
        page = self._page(row // PAGE)
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    def household_id(self, row: int) -> str | None:
        item = self.row_at(row)
        return None if item is None else str(item.id)

    # --- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,  # the whole title when the column is narrow
        ):
            return self.tr(COLUMNS[section][1])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        # The view asks every visible cell for a dozen roles on every repaint (about 1,500
        # calls after a keystroke): the roles it does not use go first, and a row's cells are
        # made once per fetched page (_cells), not per call.
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells_of(row)
            if cells is None:
                return None
        column = index.column()
        if role == _DISPLAY:
            return cells[column]
        if role == _ALIGN:
            return _RIGHT if COLUMNS[column][0] in NUMERIC else None
        if role == _FOREGROUND:
            return cells[-1] if column == _CATEGORY_COLUMN else None
        return cells[-2]  # UserRole: the household id

    def _cells_of(self, row: int) -> tuple[Any, ...] | None:
        """A row's display texts by column, then its id and its category's colour."""
        item = self.row_at(row)
        if item is None:
            return None
        texts: list[Any] = []
        for attr, _header in COLUMNS:
            value = getattr(item, attr, None)
            if attr == "category":
                text: Any = label(_as_enum(Category, value)) or ""
            elif attr == "transition":
                text = label(_as_enum(Transition, value)) or ""
            elif attr == "updated_at" and value:
                iso = str(value)  # ISO, UTC: shown as dd/mm/yyyy, as Vietnamese forms write
                text = f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
            else:
                text = "" if value is None else value
            texts.append(text)
        colour = CATEGORY_COLOURS.get(str(getattr(item, "category", "") or ""))
        cells = (*texts, str(item.id), QColor(colour) if colour else None)
        if len(self._cells) > 2_000:  # flat memory while scrolling 100,000 rows
            self._cells.clear()
        self._cells[row] = cells
        return cells

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        order_by, descending = COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder
        if (order_by, descending) == (self.query.order_by, self.query.descending):
            # The view sorts three times while it is set up (setSortingEnabled, sortByColumn)
            # in the order the list already has: each was a list and a count query, 40 ms at
            # 100,000 households before the first paint.
            return
        self.set_filters(order_by=order_by, descending=descending)


class HouseholdList(QWidget):
    """Search box and filters over the table. ``open_requested(id)`` on Enter/double-click."""

    open_requested = Signal(str)
    counts_changed = Signal()
    first_painted = Signal()  # the table's rows painted for the first time

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        # One row when it fits; on a narrow window (1024 px) the search box on one line, the
        # filters under it (in the same order, so Tab still goes left to right).
        bar = WrappingRow()
        self.search = QLineEdit()
        placeholder = self.tr("Tìm theo tên, mã hộ, số CCCD… (gõ không dấu cũng được)")
        self.search.setPlaceholderText(placeholder)
        self.search.setToolTip(
            self.tr(
                "Tìm theo tên chủ hộ hay người trong hộ, số CCCD, mã hộ, tên thôn, cán bộ "
                "phụ trách, chương trình hay người hỗ trợ, người nộp giấy đề nghị; "
                "gõ có dấu hay không dấu đều được. Enter: xuống danh sách."
            )
        )
        self.search.setClearButtonEnabled(True)
        # Never clipped: at least as wide as the hint, plus the frame and the clear button.
        self.search.setMinimumWidth(
            self.search.fontMetrics().horizontalAdvance(placeholder) + SEARCH_PADDING
        )
        bar.addWidget(self.search, 3)
        self.round = _filter_combo()
        self.round.setToolTip(self.tr("Kỳ rà soát: phân loại và biến động theo kỳ này"))
        bar.addWidget(self.round, 1, line=1)
        self.village = _filter_combo()
        self.category = _filter_combo()
        self.transition = _filter_combo()
        self.cadre = _filter_combo()
        for combo, tip in (
            (self.village, self.tr("Lọc theo thôn")),
            (self.category, self.tr("Lọc theo phân loại")),
            (self.transition, self.tr("Lọc theo biến động")),
            (self.cadre, self.tr("Lọc theo cán bộ phụ trách (của hộ, hoặc của thôn)")),
        ):
            combo.setToolTip(tip)
            bar.addWidget(combo, 1, line=1)
        self.resurvey = QCheckBox(self.tr("Cần rà soát lại"))
        self.resurvey.setToolTip(
            self.tr(
                "Chỉ hiện các hộ dưới một nửa số người dự họp đồng ý: "
                "rà soát lại rồi đưa ra cuộc họp mới"
            )
        )
        bar.addWidget(self.resurvey, line=1)
        layout.addLayout(bar)
        self.model = HouseholdTableModel(store, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        # The indicator first: enabling sorting sorts by it (Qt's default is descending),
        # which would query the list again in the other order before the first paint.
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        pass_ctrl_tab(self.view)  # Ctrl+Tab: the next tab, not the next cell
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        # Fixed row heights: Qt then never asks for every row's size hint (100,000 rows).
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._fitting_columns = False
        self.columns_set_by_user = False
        self.painted = False
        self.fit_columns()
        header.sectionResized.connect(self._section_resized)
        self.view.viewport().installEventFilter(self)
        layout.addWidget(self.view, 1)
        self.empty = QLabel()
        layout.addWidget(self.empty)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_enter)
        self.view.activated.connect(self._activated)
        self.fill_filters()
        for combo in (self.village, self.category, self.transition, self.cadre):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.resurvey.toggled.connect(self.apply_filters)
        self.round.currentIndexChanged.connect(lambda _i: self.set_round(self.round.currentData()))
        self._update_empty()

    def fit_columns(self) -> None:
        """The columns at their widths where the view has room for them and the head's name;
        narrower, in proportion, where it has not. Once the user has set a width by hand,
        the widths are left alone."""
        if self.columns_set_by_user:
            return
        room = self.view.viewport().width() - NAME_MIN_WIDTH
        widest = sum(w for w, _ in COLUMN_WIDTHS.values())
        narrowest = sum(n for _, n in COLUMN_WIDTHS.values())
        share = min(1.0, max(0.0, (room - narrowest) / (widest - narrowest)))
        self._fitting_columns = True
        try:
            for col, (width, narrow) in COLUMN_WIDTHS.items():
                size = narrow + round((width - narrow) * share)
                self.view.horizontalHeader().resizeSection(col, size)
        finally:
            self._fitting_columns = False

    def _section_resized(self, section: int, _old: int, _new: int) -> None:
        if section != 1 and not self._fitting_columns:  # 1 stretches with the view
            self.columns_set_by_user = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize and watched is self.view.viewport():
            self.fit_columns()
        elif not self.painted and kind == QEvent.Type.Paint and watched is self.view.viewport():
            self.painted = True
            self.first_painted.emit()
        return super().eventFilter(watched, event)

    def fill_filters(self) -> None:
        self.round.blockSignals(True)
        chosen = self.round.currentData() or self.model.query.round_id
        self.round.clear()
        self.round.addItem(self.tr("Không theo kỳ nào"), None)
        current = self.store.current_round()
        for rnd in sorted(self.store.rounds(), key=lambda r: r.year, reverse=True):
            if current is not None and rnd.id == current.id:
                label = self.tr("Kỳ rà soát {y} (hiện hành)").format(y=rnd.year)
            elif rnd.kind == "adhoc":
                month = rnd.reference_date.month if rnd.reference_date else "…"
                label = self.tr("Rà soát thường xuyên tháng {m}/{y}").format(m=month, y=rnd.year)
            else:
                label = self.tr("Kỳ rà soát {y}").format(y=rnd.year)
            self.round.addItem(label, str(rnd.id))
        self.round.setCurrentIndex(max(0, self.round.findData(chosen)))
        self.round.blockSignals(False)
        self.village.blockSignals(True)
        current = self.village.currentData()
        self.village.clear()
        self.village.addItem(self.tr("Tất cả thôn"), None)
        for v in self.store.villages():
            self.village.addItem(v.name, v.name)
        self.village.setCurrentIndex(max(0, self.village.findData(current)))
        self.village.blockSignals(False)
        self._fill_cadres()
        for combo, enum_cls, everything in (
            (self.category, Category, self.tr("Mọi phân loại")),
            (self.transition, Transition, self.tr("Mọi biến động")),
        ):
            if combo.count():
                continue
            combo.addItem(everything, None)
            for value, text in enum_choices(enum_cls):
                combo.addItem(text, value)

    def _fill_cadres(self) -> None:
        from db import year_round

        self.cadre.blockSignals(True)
        chosen = self.cadre.currentData()
        self.cadre.clear()
        self.cadre.addItem(self.tr("Mọi cán bộ phụ trách"), None)
        for name in year_round.cadres(self.store):
            self.cadre.addItem(name, name)
        self.cadre.setCurrentIndex(max(0, self.cadre.findData(chosen)))
        self.cadre.blockSignals(False)
        # Only once a cadre is assigned: until then it filters nothing and costs the filter
        # row its one line at the default window size.
        self.cadre.setVisible(self.cadre.count() > 1)
        if self.cadre.currentData() != chosen:  # the chosen cadre has no assignment left
            self.model.set_filters(cadre=None)

    def apply_search(self) -> None:
        self._debounce.stop()
        text = self.search.text().strip()
        if len(text) < MIN_SEARCH_CHARS:
            # One letter matches half a commune: it filters nothing useful and costs the most.
            text = ""
        if text == self.model.query.text:
            return
        self.model.set_filters(text=text)
        self._after_query()

    def apply_filters(self) -> None:
        self.model.set_filters(
            village=self.village.currentData(),
            category=_as_enum(Category, self.category.currentData()),
            transition=_as_enum(Transition, self.transition.currentData()),
            needs_resurvey=self.resurvey.isChecked(),
            cadre=self.cadre.currentData(),
        )
        self._after_query()

    def set_round(self, round_id: str | None) -> None:
        # The current round is read as the lists in force (no round id): the periodic round
        # updated by the monthly rounds decided since (issue 24), as counts and papers are.
        current = self.store.current_round()
        in_force = current is not None and round_id == str(current.id)
        chosen = None if in_force else round_id
        if chosen != self.model.query.round_id:  # the window's first call changes nothing
            self.model.set_filters(round_id=chosen)
        self.round.blockSignals(True)
        self.round.setCurrentIndex(max(0, self.round.findData(round_id)))
        self.round.blockSignals(False)
        self._after_query()

    def refresh(self) -> None:
        self.fill_filters()
        self.model.refresh()
        self._after_query()

    def _after_query(self) -> None:
        self._update_empty()
        self.counts_changed.emit()

    def _update_empty(self) -> None:
        n = self.model.rowCount()
        self.empty.setWordWrap(True)
        if n:
            self.empty.setText(self.tr("{n} hộ").format(n=f"{n:,}".replace(",", ".")))
        elif self.filtered():
            self.empty.setText(
                self.tr(
                    "Không có hộ nào khớp với điều kiện tìm/lọc. Xoá ô tìm và chọn «Tất cả "
                    "thôn», «Mọi phân loại», «Mọi biến động» để xem lại mọi hộ."
                )
            )
        elif self.store.count_households(_everything()) == 0:
            # A new commune: say how to begin instead of talking about filters nobody set.
            self.empty.setText(
                self.tr(
                    "Xã này chưa có hộ nào. Bắt đầu bằng một trong các cách:\n"
                    "• Ctrl+N (Hộ gia đình → Thêm hộ): nhập hộ đầu tiên từ phiếu.\n"
                    "• Tệp → Nhập danh sách từ Excel…: danh sách hộ nghèo, hộ cận nghèo năm "
                    "trước; khi đó cột «Biến động» cho biết hộ nào thoát nghèo, hộ nào mới.\n"
                    "• Tệp → Nhập / gộp gói dữ liệu…: dữ liệu do máy khác gửi sang."
                )
            )
        else:
            self.empty.setText(self.tr("Kỳ rà soát này chưa có hộ nào."))

    def filtered(self) -> bool:
        """True when a search or a filter hides some households."""
        q = self.model.query
        return bool(
            q.text or q.village or q.category or q.transition or q.needs_resurvey or q.cadre
        )

    def _search_enter(self) -> None:
        self.apply_search()
        if self.model.rowCount():
            self.view.setFocus()
            self.view.selectRow(0)

    def _activated(self, index: QModelIndex) -> None:
        household_id = self.model.household_id(index.row())
        if household_id:
            self.open_requested.emit(household_id)

    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.household_id(index.row()) if index.isValid() else None

    def neighbour_id(self, household_id: str, step: int) -> str | None:
        """The household ``step`` rows away in the current order (for Ctrl+PgDown/PgUp).

        Starts from the selected row; otherwise looks only in pages already loaded, so this
        never walks 100,000 rows."""
        rows: list[int] = []
        current = self.view.currentIndex()
        if current.isValid():
            rows.append(current.row())
        for number, page in self.model._pages.items():
            rows.extend(number * PAGE + i for i, r in enumerate(page) if str(r.id) == household_id)
        for row in rows:
            if self.model.household_id(row) == household_id:
                target = row + step
                if 0 <= target < self.model.rowCount():
                    self.view.selectRow(target)
                    return self.model.household_id(target)
                return None
        return None

    def counts_query(self) -> Any:
        return dataclasses.replace(self.model.query, limit=PAGE, offset=0)


def _everything() -> Any:
    from db.store import HouseholdQuery

    return HouseholdQuery()
