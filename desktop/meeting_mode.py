"""Village meeting mode: the households the village is asked to agree on (proposed poor,
near-poor, escaping poverty or near-poverty), each with its vote (agree / attendees) and a
note, typed quickly during the meeting. Under half agreeing sends the household back for a
re-survey and a new meeting ("cần rà soát lại")."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.labels import label
from forms.model import Category, Transition

log = logging.getLogger(__name__)

PROPOSED_CATEGORIES = (Category.POOR, Category.NEAR_POOR)
PROPOSED_TRANSITIONS = (
    Transition.ESCAPED_POVERTY,
    Transition.POOR_TO_NEAR_POOR,
    Transition.ESCAPED_NEAR_POVERTY,
)
COL_CODE, COL_HEAD, COL_PROPOSAL, COL_AGREE, COL_ATTENDEES, COL_RESULT, COL_NOTE = range(7)


def passed(agree: int, attendees: int) -> bool:
    """The result stands with at least half of those present agreeing (Decision 24/2021)."""
    return attendees > 0 and agree * 2 >= attendees


def proposed_rows(store: Any, round_id: str, village: str) -> list[Any]:
    """Households of the village the meeting must consider, in code order, each once."""
    from db.store import HouseholdQuery

    seen: dict[str, Any] = {}
    filters: list[dict[str, Any]] = [{"category": c} for c in PROPOSED_CATEGORIES]
    filters += [{"transition": t} for t in PROPOSED_TRANSITIONS]
    for extra in filters:
        q = HouseholdQuery(village=village, round_id=round_id, limit=100_000, offset=0, **extra)
        for row in store.list_households(q):
            seen.setdefault(str(row.id), row)
    return sorted(seen.values(), key=lambda r: r.code)


class MeetingMode(QWidget):
    vote_saved = Signal(str)

    def __init__(self, store: Any, parent: QWidget | None = None, *, autoload: bool = True) -> None:
        super().__init__(parent)
        self.store = store
        self.rows: list[Any] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h3>Họp dân bình xét</h3>")))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Thôn:")))
        self.village = QComboBox()
        bar.addWidget(self.village, 1)
        bar.addWidget(QLabel(self.tr("Số người dự họp:")))
        self.attendees = QSpinBox()
        self.attendees.setRange(0, 10_000)
        self.attendees.setToolTip(self.tr("Điền sẵn cho các hộ chưa có số người dự"))
        bar.addWidget(self.attendees)
        layout.addLayout(bar)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Mã hộ"),
                self.tr("Chủ hộ"),
                self.tr("Đề xuất"),
                self.tr("Số đồng ý"),
                self.tr("Số người dự"),
                self.tr("Kết quả"),
                self.tr("Ghi chú"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_HEAD, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_PROPOSAL, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(COL_RESULT, 170)
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        layout.addWidget(self.message)
        self.village.currentIndexChanged.connect(self.load)
        self.attendees.valueChanged.connect(self._default_attendees)
        if autoload:  # the main window loads the tab when it is first shown
            self.fill_villages()

    def fill_villages(self) -> None:
        self.village.blockSignals(True)
        self.village.clear()
        for v in self.store.villages():
            self.village.addItem(v.name, v.name)
        self.village.blockSignals(False)
        self.load()

    def round_id(self) -> str | None:
        current = self.store.current_round()
        return None if current is None else str(current.id)

    def load(self) -> None:
        round_id = self.round_id()
        village = self.village.currentData()
        self.table.setRowCount(0)
        self.rows = []
        if round_id is None or village is None:
            self.summary.setText(self.tr("Chưa có kỳ rà soát hoặc chưa có thôn."))
            return
        self.rows = proposed_rows(self.store, round_id, village)
        votes = {str(v.household_id): v for v in self.store.meeting_votes(round_id, village)}
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            transition = _enum(Transition, row.transition)
            category = _enum(Category, row.category)
            proposal = label(category)
            if transition in PROPOSED_TRANSITIONS:
                proposal = label(transition)
            for col, text in (
                (COL_CODE, row.code),
                (COL_HEAD, row.head_name),
                (COL_PROPOSAL, proposal),
            ):
                item = QTableWidgetItem(str(text))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(r, col, item)
            vote = votes.get(str(row.id))
            agree = QSpinBox()
            agree.setRange(0, 10_000)
            attendees = QSpinBox()
            attendees.setRange(0, 10_000)
            note = QLineEdit()
            if vote is not None:
                agree.setValue(vote.agree)
                attendees.setValue(vote.attendees)
                note.setText(vote.note)
            self.table.setCellWidget(r, COL_AGREE, agree)
            self.table.setCellWidget(r, COL_ATTENDEES, attendees)
            self.table.setCellWidget(r, COL_NOTE, note)
            result = QTableWidgetItem()
            result.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(r, COL_RESULT, result)
            self._show_result(r, voted=vote is not None)
            for w in (agree, attendees):
                w.editingFinished.connect(lambda r=r: self.save_row(r))
            note.editingFinished.connect(lambda r=r: self.save_row(r))
        self._update_summary()

    def _widgets(self, r: int) -> tuple[QSpinBox, QSpinBox, QLineEdit]:
        agree = self.table.cellWidget(r, COL_AGREE)
        attendees = self.table.cellWidget(r, COL_ATTENDEES)
        note = self.table.cellWidget(r, COL_NOTE)
        assert isinstance(agree, QSpinBox)
        assert isinstance(attendees, QSpinBox)
        assert isinstance(note, QLineEdit)
        return agree, attendees, note

    def _default_attendees(self, value: int) -> None:
        for r in range(self.table.rowCount()):
            _, attendees, _ = self._widgets(r)
            if attendees.value() == 0:
                attendees.setValue(value)

    def set_vote(self, r: int, agree: int, attendees: int, note: str = "") -> bool:
        """Enter one household's vote as the keyboard would, and save it."""
        a, t, n = self._widgets(r)
        a.setValue(agree)
        t.setValue(attendees)
        n.setText(note)
        return self.save_row(r)

    def save_row(self, r: int) -> bool:
        agree, attendees, note = self._widgets(r)
        round_id = self.round_id()
        if round_id is None:
            return False
        if attendees.value() == 0:
            return False  # nothing entered yet for this household
        if agree.value() > attendees.value():
            self.message.setText(
                self.tr("Hộ {code}: số đồng ý ({a}) lớn hơn số người dự họp ({t}).").format(
                    code=self.rows[r].code, a=agree.value(), t=attendees.value()
                )
            )
            return False
        self.message.clear()
        try:
            self.store.save_meeting_vote(
                str(self.rows[r].id),
                round_id,
                agree=agree.value(),
                attendees=attendees.value(),
                note=note.text().strip(),
            )
        except Exception as exc:
            log.exception("saving a meeting vote failed")
            self.message.setText(
                getattr(exc, "message", "") or self.tr("Không lưu được biểu quyết.")
            )
            return False
        self._show_result(r, voted=True)
        self._update_summary()
        self.vote_saved.emit(str(self.rows[r].id))
        return True

    def _show_result(self, r: int, *, voted: bool) -> None:
        agree, attendees, _ = self._widgets(r)
        item = self.table.item(r, COL_RESULT)
        if not voted:
            item.setText(self.tr("Chưa biểu quyết"))
            item.setForeground(Qt.GlobalColor.gray)
        elif passed(agree.value(), attendees.value()):
            share = 100 * agree.value() // max(1, attendees.value())
            item.setText(self.tr("Thông qua ({p}%)").format(p=share))
            item.setForeground(Qt.GlobalColor.darkGreen)
        else:
            item.setText(self.tr("Cần rà soát lại"))
            item.setForeground(Qt.GlobalColor.red)

    def result_text(self, r: int) -> str:
        return self.table.item(r, COL_RESULT).text()

    def _update_summary(self) -> None:
        texts = [self.result_text(r) for r in range(self.table.rowCount())]
        again = sum(t == self.tr("Cần rà soát lại") for t in texts)
        pending = sum(t == self.tr("Chưa biểu quyết") for t in texts)
        self.summary.setText(
            self.tr(
                "{n} hộ đưa ra họp; {ok} thông qua; {again} cần rà soát lại; {p} chưa biểu quyết."
            ).format(n=len(texts), ok=len(texts) - again - pending, again=again, p=pending)
        )


def _enum(enum_cls: Any, value: Any) -> Any:
    try:
        return None if value in (None, "") else enum_cls(value)
    except ValueError:
        return None
