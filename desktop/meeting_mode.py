"""Village meeting mode: the households the village is asked to agree on (proposed poor,
near-poor, escaping poverty or near-poverty), each with its vote (agree / attendees) and a
note, typed quickly during the meeting. Under half agreeing sends the household back for a
re-survey and a new meeting ("cần rà soát lại").

A model/view table: one light row per household, read in one query (``Store.meeting_agenda``),
with editors only for the cell being typed in, so a village of thousands opens at once. Typing
a number starts editing; Enter goes down to the next household, Tab to the next cell to type
in; each vote is saved as soon as its cell is left. A vote typed on the wrong household is
cleared with Delete (or the button, or the table's context menu), after a confirmation.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QRegularExpressionValidator,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.labels import label
from desktop.tab_keys import is_ctrl_tab, pass_ctrl_tab
from forms.meeting import PROPOSED_CATEGORIES, PROPOSED_TRANSITIONS, passed
from forms.model import Category, Transition

log = logging.getLogger(__name__)

COL_CODE, COL_HEAD, COL_PROPOSAL, COL_AGREE, COL_ATTENDEES, COL_RESULT, COL_NOTE = range(7)
EDITABLE = (COL_AGREE, COL_ATTENDEES, COL_NOTE)
NUMBERS = (COL_AGREE, COL_ATTENDEES)
MAX_PEOPLE = 10_000
PASSED_COLOUR = QColor("#1e7b34")
AGAIN_COLOUR = QColor("#b00020")
AGAIN_BACKGROUND = QColor("#fde2e2")
PENDING_COLOUR = QColor("#777777")


def agenda(store: Any, round_id: str, village: str) -> list[tuple[Any, Any]]:
    """(household row, its saved vote or None) for every household put to the meeting."""
    return list(
        store.meeting_agenda(
            round_id,
            village,
            categories=PROPOSED_CATEGORIES,
            transitions=PROPOSED_TRANSITIONS,
        )
    )


@dataclass
class AgendaRow:
    """One household at the meeting: what is saved (``vote``) and what is typed."""

    household: Any  # db.records.HouseholdRow
    proposal: str
    vote: Any  # db.records.MeetingVote | None
    agree: int | None = None
    attendees: int | None = None  # None: the meeting's attendance (the box above the table)
    note: str = ""


class MeetingTableModel(QAbstractTableModel):
    """The meeting's rows; ``edited(row)`` after a typed value changes, for the caller to
    save. Results and the summary follow the saved votes only."""

    edited = Signal(int)

    HEADERS = (
        QT_TRANSLATE_NOOP("MeetingTableModel", "Mã hộ"),
        QT_TRANSLATE_NOOP("MeetingTableModel", "Chủ hộ"),
        QT_TRANSLATE_NOOP("MeetingTableModel", "Đề xuất"),
        QT_TRANSLATE_NOOP("MeetingTableModel", "Số đồng ý"),
        QT_TRANSLATE_NOOP("MeetingTableModel", "Số người dự"),
        QT_TRANSLATE_NOOP("MeetingTableModel", "Kết quả"),
        QT_TRANSLATE_NOOP("MeetingTableModel", "Ghi chú"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AgendaRow] = []
        self.default_attendees = 0

    # --- contents ------------------------------------------------------------------------
    def set_rows(self, rows: list[AgendaRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def set_default_attendees(self, value: int) -> None:
        self.default_attendees = value
        if self.rows:
            self.dataChanged.emit(
                self.index(0, COL_ATTENDEES), self.index(len(self.rows) - 1, COL_ATTENDEES)
            )

    def attendees_of(self, r: int) -> int:
        row = self.rows[r]
        return self.default_attendees if row.attendees is None else row.attendees

    def set_draft(self, r: int, *, agree: int, attendees: int, note: str) -> None:
        row = self.rows[r]
        row.agree, row.attendees, row.note = agree, attendees, note
        self.dataChanged.emit(self.index(r, COL_AGREE), self.index(r, COL_NOTE))

    def set_saved(self, r: int, vote: Any) -> None:
        self.rows[r].vote = vote
        self.dataChanged.emit(self.index(r, 0), self.index(r, COL_NOTE))

    def set_cleared(self, r: int) -> None:
        """The row's vote was deleted: back to not yet voted, nothing typed."""
        row = self.rows[r]
        row.vote, row.agree, row.attendees, row.note = None, None, None, ""
        self.dataChanged.emit(self.index(r, 0), self.index(r, COL_NOTE))

    def state(self, r: int) -> str:
        """One of "pending", "passed" or "again" (under half agreed: re-survey, new meeting)."""
        vote = self.rows[r].vote
        if vote is None:
            return "pending"
        return "passed" if passed(vote.agree, vote.attendees) else "again"

    def result_text(self, r: int) -> str:
        vote = self.rows[r].vote
        state = self.state(r)
        if state == "pending":
            return self.tr("Chưa biểu quyết")
        if state == "again":
            said = self.tr("Cần rà soát lại")
        else:
            share = 100 * vote.agree // max(1, vote.attendees)
            said = self.tr("Thông qua ({p}%)").format(p=share)
        if self.over_count(r):
            # The numbers typed over a saved vote were refused: the cells show them in red,
            # and the result said the saved vote alone, as if they had been taken.
            said += self.tr("; số vừa nhập chưa lưu")
        return said

    def counts(self) -> Counter[str]:
        return Counter(self.state(r) for r in range(len(self.rows)))

    def over_count(self, r: int) -> bool:
        """The typed agree is more than those present: not saved, shown in red."""
        agree = self.rows[r].agree
        return agree is not None and agree > self.attendees_of(r) > 0

    # --- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in EDITABLE:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        r, col = index.row(), index.column()
        row = self.rows[r]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == COL_CODE:
                return row.household.code
            if col == COL_HEAD:
                return row.household.head_name
            if col == COL_PROPOSAL:
                return row.proposal
            if col == COL_AGREE:
                return "" if row.agree is None else str(row.agree)
            if col == COL_ATTENDEES:
                value = self.attendees_of(r)
                return str(value) if value else ""
            if col == COL_RESULT:
                return self.result_text(r)
            return row.note
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_RESULT:
                return {"pending": PENDING_COLOUR, "passed": PASSED_COLOUR}.get(
                    self.state(r), AGAIN_COLOUR
                )
            if col == COL_ATTENDEES and row.attendees is None:
                return PENDING_COLOUR  # the meeting's attendance, not typed for this row
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if col == COL_RESULT and self.state(r) == "again":
                return AGAIN_BACKGROUND
            if col in NUMBERS and self.over_count(r):
                return AGAIN_BACKGROUND
            return None
        if role == Qt.ItemDataRole.FontRole and col == COL_RESULT and self.state(r) == "again":
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_RESULT and self.state(r) == "again":
                return self.tr(
                    "Dưới một nửa số người dự họp đồng ý: hộ phải được rà soát lại "
                    "và đưa ra một cuộc họp mới."
                )
            if col in NUMBERS and self.over_count(r):
                return self.tr("Số đồng ý lớn hơn số người dự họp: chưa lưu.")
            if col == COL_ATTENDEES and row.attendees is None:
                return self.tr("Số người dự họp của cả cuộc họp (ô phía trên bảng)")
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = 0
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        r, col = index.row(), index.column()
        row = self.rows[r]
        if col == COL_NOTE:
            row.note = str(value or "")
        elif col in NUMBERS:
            text = str(value if value is not None else "").strip()
            if not text:
                if row.vote is not None:
                    return False  # a saved vote keeps its numbers; type new ones instead
                number = None
            elif text.isascii() and text.isdigit() and int(text) <= MAX_PEOPLE:
                number = int(text)
            else:
                return False
            if col == COL_AGREE:
                row.agree = number
            else:
                row.attendees = number
        else:
            return False
        self.dataChanged.emit(self.index(r, COL_AGREE), self.index(r, COL_NOTE))
        self.edited.emit(r)
        return True


class _VoteDelegate(QStyledItemDelegate):
    """Number cells take digits only; the note cell a plain line."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The delegate takes Tab in a cell being typed in, Ctrl held or not: Ctrl+Tab goes
        # on to the tabs (the cell is saved as its editor loses the focus).
        if is_ctrl_tab(event):
            event.ignore()
            return True
        return super().eventFilter(watched, event)

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        if index.column() in NUMBERS:
            editor = QLineEdit(parent)
            # Digits or nothing: an empty cell must still let Tab and Enter move on (Qt
            # keeps the focus in an editor whose validator refuses its text).
            editor.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,5}"), editor))
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return editor
        editor = QLineEdit(parent)
        editor.setMaxLength(500)
        return editor


class _VoteTable(QTableView):
    """Tab/Shift+Tab walk the cells to type in (agree, attendees, note, next household);
    Enter goes down to the same cell of the next household, ready to type."""

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        action = QAbstractItemView.CursorAction
        if cursorAction not in (action.MoveNext, action.MovePrevious):
            return super().moveCursor(cursorAction, modifiers)
        model = self.model()
        current = self.currentIndex()
        if model is None or model.rowCount() == 0:
            return QModelIndex()
        if not current.isValid():
            return model.index(0, EDITABLE[0])
        r, c = current.row(), current.column()
        if cursorAction == action.MoveNext:
            later = [e for e in EDITABLE if e > c]
            if later:
                return model.index(r, later[0])
            r, c = r + 1, EDITABLE[0]
        else:
            earlier = [e for e in EDITABLE if e < c]
            if earlier:
                return model.index(r, earlier[-1])
            r, c = r - 1, EDITABLE[-1]
        return model.index(r, c) if 0 <= r < model.rowCount() else current

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        enter = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, hint)
        if enter:
            self._down()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != (
            QAbstractItemView.State.EditingState
        ):
            self._down()
            return
        super().keyPressEvent(event)

    def _down(self) -> None:
        current = self.currentIndex()
        model = self.model()
        if not current.isValid() or model is None:
            return
        below = model.index(current.row() + 1, current.column())
        if below.isValid():
            self.setCurrentIndex(below)
            self.scrollTo(below)


class MeetingMode(QWidget):
    vote_saved = Signal(str)

    def __init__(self, store: Any, parent: QWidget | None = None, *, autoload: bool = True) -> None:
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h3>Họp dân bình xét</h3>")))
        from desktop.round_choice import RoundChoice

        self.round_choice = RoundChoice()
        self.round_choice.refresh(store)
        self.round_choice.changed.connect(self.load)
        layout.addWidget(self.round_choice)
        bar = QHBoxLayout()
        village_label = QLabel(self.tr("Thô&n:"))
        bar.addWidget(village_label)
        self.village = QComboBox()
        village_label.setBuddy(self.village)
        bar.addWidget(self.village, 1)
        attendees_label = QLabel(self.tr("Số người &dự họp:"))
        bar.addWidget(attendees_label)
        self.attendees = QSpinBox()
        self.attendees.setRange(0, MAX_PEOPLE)
        self.attendees.setToolTip(self.tr("Điền sẵn cho các hộ chưa có số người dự"))
        attendees_label.setBuddy(self.attendees)
        bar.addWidget(self.attendees)
        layout.addLayout(bar)
        self.model = MeetingTableModel(self)
        self.table = _VoteTable()
        self.table.setModel(self.model)
        self.table.setItemDelegate(_VoteDelegate(self.table))
        pass_ctrl_tab(self.table)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # Fixed row heights: Qt never asks every row for its size (thousands of households).
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_HEAD, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        for col, width in (
            (COL_CODE, 100),
            (COL_PROPOSAL, 150),
            (COL_AGREE, 90),
            (COL_ATTENDEES, 100),
            (COL_RESULT, 170),
        ):
            header.resizeSection(col, width)
        layout.addWidget(self.table, 1)
        # Delete on the table, its context menu and a button: clear a vote typed on the wrong
        # household (after a confirmation). Not while a cell is being typed in: the editor
        # has the focus then, and Delete edits its text.
        self.clear_action = QAction(self.tr("&Xoá kết quả biểu quyết…"), self.table)
        self.clear_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.clear_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.clear_action.triggered.connect(self.clear_current_vote)
        self.table.addAction(self.clear_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        hint = QLabel(
            self.tr(
                "Gõ số rồi Enter để sang hộ dưới, Tab để sang ô bên cạnh; mỗi phiếu được lưu "
                "ngay. Dưới một nửa số người dự họp đồng ý: hộ phải rà soát lại và đưa ra "
                "cuộc họp mới."
            )
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)  # greyed: an explanation
        layout.addWidget(hint)
        self.summary = QLabel()
        below = QHBoxLayout()
        below.addWidget(self.summary, 1)
        self.clear_button = QPushButton(self.tr("Xoá &kết quả biểu quyết…"))
        self.clear_button.setToolTip(
            self.tr("Xoá kết quả biểu quyết của hộ đang chọn (phím Delete trong bảng)")
        )
        self.clear_button.clicked.connect(self.clear_current_vote)
        below.addWidget(self.clear_button)
        layout.addLayout(below)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        layout.addWidget(self.message)
        self.village.currentIndexChanged.connect(self.load)
        self.attendees.valueChanged.connect(self.model.set_default_attendees)
        self.model.edited.connect(self.save_row)
        self.table.selectionModel().currentChanged.connect(self._update_clear)
        self._update_clear()
        if autoload:  # the main window loads the tab when it is first shown
            self.fill_villages()

    @property
    def rows(self) -> list[Any]:
        """The households at the meeting (``HouseholdRow``), in table order."""
        return [row.household for row in self.model.rows]

    def fill_villages(self) -> None:
        self.village.blockSignals(True)
        self.village.clear()
        for v in self.store.villages():
            self.village.addItem(v.name, v.name)
        self.village.blockSignals(False)
        self.load()

    def round_id(self) -> str | None:
        """The round chosen at the top: the periodic review or a monthly regular one."""
        return self.round_choice.round_id()

    def load(self) -> None:
        self.round_choice.refresh(self.store)
        round_id = self.round_id()
        village = self.village.currentData()
        self.message.clear()
        if round_id is None or village is None:
            self.model.set_rows([])
            self.summary.setText(self.tr("Chưa có kỳ rà soát hoặc chưa có thôn."))
            return
        proposals: dict[tuple[Any, Any], str] = {}  # a few distinct labels for thousands
        rows = [
            AgendaRow(
                household=household,
                proposal=_proposal(household, proposals),
                vote=vote,
                agree=None if vote is None else vote.agree,
                attendees=None if vote is None else vote.attendees,
                note="" if vote is None else vote.note,
            )
            for household, vote in agenda(self.store, round_id, village)
        ]
        if self.attendees.value() == 0:
            # Back to a meeting already under way: its attendance, as most votes give it.
            seen = Counter(row.attendees for row in rows if row.attendees)
            if seen:
                self.attendees.blockSignals(True)
                self.attendees.setValue(seen.most_common(1)[0][0])
                self.attendees.blockSignals(False)
        self.model.default_attendees = self.attendees.value()
        self.model.set_rows(rows)
        if rows:
            self.table.setCurrentIndex(self.model.index(0, COL_AGREE))
        self._update_summary()
        self._update_clear()

    def set_vote(self, r: int, agree: int, attendees: int, note: str = "") -> bool:
        """Enter one household's vote (as typing it in the three cells would), and save it."""
        self.model.set_draft(r, agree=agree, attendees=attendees, note=note)
        return self.save_row(r)

    def save_row(self, r: int) -> bool:
        """Saves the row's typed vote; False when it is incomplete, wrong or not saved."""
        round_id = self.round_id()
        if round_id is None or not 0 <= r < len(self.model.rows):
            return False
        row = self.model.rows[r]
        agree, attendees, note = row.agree, self.model.attendees_of(r), row.note.strip()
        if agree is None or attendees == 0:
            return False  # nothing entered yet for this household
        if agree > attendees:
            self.message.setText(
                self.tr("Hộ {code}: số đồng ý ({a}) lớn hơn số người dự họp ({t}).").format(
                    code=row.household.code, a=agree, t=attendees
                )
            )
            return False
        self.message.clear()
        saved = row.vote
        if saved is not None and (saved.agree, saved.attendees, saved.note) == (
            agree,
            attendees,
            note,
        ):
            return True  # walked through with Tab: nothing new to write
        try:
            vote = self.store.save_meeting_vote(
                str(row.household.id), round_id, agree=agree, attendees=attendees, note=note
            )
        except Exception as exc:
            log.exception("saving a meeting vote failed")
            self.message.setText(
                getattr(exc, "message", "") or self.tr("Không lưu được biểu quyết.")
            )
            return False
        row.attendees = attendees  # the meeting's attendance, now this household's own
        self.model.set_saved(r, vote)
        self._update_summary()
        self._update_clear()
        self.vote_saved.emit(str(row.household.id))
        return True

    def current_row(self) -> int | None:
        index = self.table.currentIndex()
        return index.row() if index.isValid() and index.row() < len(self.model.rows) else None

    def clear_current_vote(self) -> bool:
        """Asks, then deletes the saved vote of the selected household (Delete, the button or
        the context menu); False when there is none or the officer says no."""
        r = self.current_row()
        if r is None or self.model.rows[r].vote is None:
            return False
        if not self.confirm_clear(r):
            self.table.setFocus()
            return False
        return self.clear_vote(r)

    def confirm_clear(self, r: int) -> bool:
        """Asks before clearing row ``r``'s vote; keeping it is the default (Enter, Esc)."""
        row = self.model.rows[r]
        vote = row.vote
        from desktop.confirm import confirm_destructive

        return confirm_destructive(
            self,
            self.tr("Xoá kết quả biểu quyết"),
            self.tr("Xoá kết quả biểu quyết của hộ {code} — {head}?").format(
                code=row.household.code, head=row.household.head_name
            ),
            self.tr("&Xoá"),
            self.tr("&Không xoá"),
            self.tr(
                "Đang lưu: {a}/{t} người dự họp đồng ý. Hộ sẽ trở lại chưa biểu quyết; "
                "lịch sử thay đổi vẫn được giữ lại."
            ).format(a=vote.agree, t=vote.attendees),
        )

    def clear_vote(self, r: int) -> bool:
        """Deletes row ``r``'s saved vote (no question asked); the row shows as not voted."""
        round_id = self.round_id()
        if round_id is None or not 0 <= r < len(self.model.rows):
            return False
        row = self.model.rows[r]
        if row.vote is None:
            return False
        try:
            self.store.delete_meeting_vote(str(row.household.id), round_id)
        except Exception as exc:
            log.exception("deleting a meeting vote failed")
            self.message.setText(
                getattr(exc, "message", "") or self.tr("Không xoá được kết quả biểu quyết.")
            )
            return False
        self.message.clear()
        self.model.set_cleared(r)
        self._update_summary()
        self._update_clear()
        self.table.setCurrentIndex(self.model.index(r, COL_AGREE))
        self.table.setFocus()
        return True

    def _update_clear(self, *_: Any) -> None:
        r = self.current_row()
        voted = r is not None and self.model.rows[r].vote is not None
        self.clear_action.setEnabled(voted)
        self.clear_button.setEnabled(voted)

    def result_text(self, r: int) -> str:
        return self.model.result_text(r)

    def _update_summary(self) -> None:
        counts = self.model.counts()
        self.summary.setText(
            self.tr(
                "{n} hộ đưa ra họp; {ok} thông qua; {again} cần rà soát lại; {p} chưa biểu quyết."
            ).format(
                n=len(self.model.rows),
                ok=counts["passed"],
                again=counts["again"],
                p=counts["pending"],
            )
        )


def _proposal(household: Any, cache: dict[tuple[Any, Any], str]) -> str:
    key = (household.category, household.transition)
    text = cache.get(key)
    if text is None:
        transition = _enum(Transition, household.transition)
        if transition in PROPOSED_TRANSITIONS:
            text = label(transition)
        else:
            text = label(_enum(Category, household.category))
        cache[key] = text
    return text


def _enum(enum_cls: Any, value: Any) -> Any:
    try:
        return None if value in (None, "") else enum_cls(value)
    except ValueError:
        return None
