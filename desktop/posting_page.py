"""Public posting per village, complaints received during it and their re-check, then the
commune decision that recognises the lists (number, date, signer)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.qdates import pydate, qdate

log = logging.getLogger(__name__)


def posting_days() -> int:
    """Posting length from the settings (the statutory number is unconfirmed: a setting)."""
    from rasoat import settings

    return int(settings.get("posting_days"))


def last_posting_day(start: date) -> date:
    """The last day of a posting begun on ``start``, the first day counted: 7 days from 2
    November end on 8 November, as communes write it ("từ ngày 22/10 đến hết ngày 28/10").
    Until session 26 it was start + 7, a posting one day longer than the setting."""
    return start + timedelta(days=max(posting_days() - 1, 0))


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(qdate(value))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def _label(text: str, buddy: QWidget) -> QLabel:
    """A field's label whose Alt+letter (the underlined one) goes to the field."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class PostingPage(QWidget):
    def __init__(
        self,
        store: Any,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        autoload: bool = True,
    ):
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h3>Niêm yết công khai, khiếu nại và quyết định</h3>")))
        from desktop.round_choice import RoundChoice

        self.round_choice = RoundChoice()
        self.round_choice.refresh(store)
        self.round_choice.changed.connect(self.refresh)
        layout.addWidget(self.round_choice)

        posting = QGroupBox(self.tr("Niêm yết danh sách tại thôn"))
        form = QHBoxLayout(posting)
        self.village = QComboBox()
        self.start = date_edit(self.today)
        self.end = date_edit(last_posting_day(self.today))
        self.save_posting_button = QPushButton(self.tr("&Lưu niêm yết"))
        for text, w in (
            (self.tr("Thô&n:"), self.village),
            (self.tr("Từ ngà&y:"), self.start),
            (self.tr("đến ngày:"), self.end),
        ):
            form.addWidget(_label(text, w))
            form.addWidget(w)
        form.addStretch()
        form.addWidget(self.save_posting_button)
        layout.addWidget(posting)
        self.postings = QLabel()
        self.postings.setWordWrap(True)
        layout.addWidget(self.postings)

        complaints = QGroupBox(self.tr("Khiếu nại trong thời gian niêm yết"))
        c_layout = QVBoxLayout(complaints)
        entry = QFormLayout()
        self.complainant = QLineEdit()
        from desktop.household_picker import HouseholdPicker

        self.about = HouseholdPicker(store)
        self.content = QLineEdit()
        self.received = date_edit(self.today)
        entry.addRow(self.tr("Người &khiếu nại:"), self.complainant)
        entry.addRow(self.tr("&Về hộ:"), self.about)
        entry.addRow(self.tr("Nội d&ung:"), self.content)
        entry.addRow(self.tr("Ngày nhận:"), self.received)
        c_layout.addLayout(entry)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Thê&m khiếu nại"))
        self.resolve_button = QPushButton(self.tr("Ghi kết quả kiểm t&ra lại…"))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.resolve_button)
        buttons.addStretch()
        c_layout.addLayout(buttons)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Ngày nhận"),
                self.tr("Người khiếu nại"),
                self.tr("Về hộ"),
                self.tr("Nội dung"),
                self.tr("Kết quả kiểm tra lại"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        c_layout.addWidget(self.table, 1)
        from desktop.tab_keys import pass_ctrl_tab

        pass_ctrl_tab(self.table)
        layout.addWidget(complaints, 1)

        decision = QGroupBox(self.tr("Quyết định công nhận của Chủ tịch UBND xã"))
        d_form = QHBoxLayout(decision)
        self.number = QLineEdit()
        self.number.setPlaceholderText(self.tr("ví dụ 125/QĐ-UBND"))
        self.decision_date = date_edit(self.today)
        self.signer = QLineEdit()
        self.save_decision_button = QPushButton(self.tr("Lưu &quyết định"))
        for text, w in (
            (self.tr("&Số:"), self.number),
            (self.tr("Ngày:"), self.decision_date),
            (self.tr("Ngườ&i ký:"), self.signer),
        ):
            d_form.addWidget(_label(text, w))
            d_form.addWidget(w)
        d_form.addWidget(self.save_decision_button)
        layout.addWidget(decision)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        self.save_posting_button.clicked.connect(self.save_posting)
        self.add_button.clicked.connect(self.add_complaint)
        # Enter in the content, as in a form: the complaint is added (only Alt+M did).
        self.content.returnPressed.connect(self.add_complaint)
        self.resolve_button.clicked.connect(self._ask_resolve)
        self.save_decision_button.clicked.connect(self.save_decision)
        self.start.dateChanged.connect(lambda d: self.end.setDate(last_posting_day(pydate(d))))
        if autoload:  # the main window loads the tab when it is first shown
            self.refresh()

    def round_id(self) -> str | None:
        """The round chosen at the top: the periodic review or a monthly regular one."""
        return self.round_choice.round_id()

    def refresh(self) -> None:
        self.round_choice.refresh(self.store)
        self.village.clear()
        for v in self.store.villages():
            self.village.addItem(v.name, v.name)
        round_id = self.round_id()
        if round_id is None:
            self._say(self.tr("Chưa có kỳ rà soát: hãy bắt đầu một kỳ rà soát trước."), error=True)
            return
        posted = self.store.postings(round_id)
        self.postings.setText(
            "; ".join(
                self.tr("{v}: {a:%d/%m/%Y} – {b:%d/%m/%Y}").format(v=p.village, a=p.start, b=p.end)
                for p in posted
            )
            or self.tr("Chưa thôn nào niêm yết.")
        )
        self._fill_complaints(round_id)
        decision = self.store.decision(round_id)
        if decision is not None:
            self.number.setText(decision.number)
            self.decision_date.setDate(qdate(decision.date))
            self.signer.setText(decision.signer)

    def _fill_complaints(self, round_id: str) -> None:
        from desktop.household_picker import household_label

        complaints = self.store.complaints(round_id)
        self.table.setRowCount(len(complaints))
        for r, c in enumerate(complaints):
            values = [
                c.received.strftime("%d/%m/%Y"),
                c.complainant,
                household_label(c.household_code or "", c.household_head or ""),
                c.content,
                c.outcome or self.tr("Đang kiểm tra lại"),
            ]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                self.table.setItem(r, col, item)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020" if error else "color: #1e7e34")
        self.message.setText(text)

    def save_posting(self) -> bool:
        round_id, village = self.round_id(), self.village.currentData()
        start, end = pydate(self.start.date()), pydate(self.end.date())
        if round_id is None or village is None:
            self._say(self.tr("Hãy chọn thôn."), error=True)
            return False
        if end < start:
            self._say(self.tr("Ngày kết thúc niêm yết phải sau ngày bắt đầu."), error=True)
            return False
        return self._write(
            lambda: self.store.save_posting(round_id, village, start, end),
            self.tr("Đã lưu thời gian niêm yết của {v}.").format(v=village),
        )

    def add_complaint(self) -> bool:
        round_id = self.round_id()
        who, what = self.complainant.text().strip(), self.content.text().strip()
        if round_id is None:
            return False
        if not who or not what:
            self._say(self.tr("Hãy nhập người khiếu nại và nội dung khiếu nại."), error=True)
            return False
        if self.about.unresolved():
            self._say(
                self.tr(
                    "Không tìm thấy đúng một hộ theo «{t}»: hãy chọn hộ trong danh sách gợi ý,"
                    " hoặc để trống nếu khiếu nại không nhắm vào hộ nào."
                ).format(t=self.about.text().strip()),
                error=True,
            )
            self.about.setFocus()
            return False
        household_id = self.about.household_id()
        ok = self._write(
            lambda: self.store.add_complaint(
                round_id, household_id, who, what, pydate(self.received.date())
            ),
            self.tr("Đã ghi nhận khiếu nại."),
        )
        if ok:
            self.complainant.clear()
            self.about.clear_choice()
            self.content.clear()
        return ok

    def resolve(self, complaint_id: Any, outcome: str) -> bool:
        if not outcome.strip():
            self._say(self.tr("Hãy nhập kết quả kiểm tra lại."), error=True)
            return False
        return self._write(
            lambda: self.store.resolve_complaint(complaint_id, outcome.strip()),
            self.tr("Đã ghi kết quả kiểm tra lại."),
        )

    def _ask_resolve(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self._say(self.tr("Hãy chọn một khiếu nại trong bảng."), error=True)
            return
        complaint_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        text, ok = QInputDialog.getText(self, self.tr("Kết quả kiểm tra lại"), self.tr("Kết quả:"))
        if ok:
            self.resolve(complaint_id, text)

    def save_decision(self) -> bool:
        round_id = self.round_id()
        number, signer = self.number.text().strip(), self.signer.text().strip()
        if round_id is None:
            return False
        if not number or not signer:
            self._say(self.tr("Hãy nhập số quyết định và người ký."), error=True)
            return False
        remarks = self.decision_remarks()
        if remarks and not self.confirm_decision_anyway(remarks):
            self._say(remarks[0], error=True)
            return False
        return self._write(
            lambda: self.store.save_decision(
                round_id, number, pydate(self.decision_date.date()), signer
            ),
            self.tr("Đã lưu quyết định số {n}.").format(n=number),
        )

    def decision_remarks(self) -> list[str]:
        from forms.posting import PostingPeriod, decision_remarks

        round_id = self.round_id()
        if round_id is None:
            return []
        periods = [PostingPeriod(p.village, p.start, p.end) for p in self.store.postings(round_id)]
        from db.report_queries import unsettled_count

        open_complaints = sum(1 for c in self.store.complaints(round_id) if not c.outcome)
        return decision_remarks(
            pydate(self.decision_date.date()),
            periods,
            open_complaints,
            unsettled_count(self.store.conn, round_id),
        )

    def confirm_decision_anyway(self, remarks: list[str]) -> bool:
        """The decision breaks the order of the steps (its date, complaints not re-checked,
        households the meeting left without a category): say how, go back by default."""
        from desktop.confirm import confirm_destructive

        return confirm_destructive(
            self,
            self.tr("Lưu quyết định"),
            self.tr("Kiểm tra lại trước khi lưu quyết định:"),
            self.tr("&Vẫn lưu"),
            self.tr("&Quay lại sửa"),
            "\n".join(f"• {r}" for r in remarks),
        )

    def _write(self, action: Any, done: str) -> bool:
        try:
            action()
        except Exception as exc:
            log.exception("posting page write failed")
            self._say(
                getattr(exc, "message", "") or self.tr("Không lưu được (đã ghi nhật ký)."),
                error=True,
            )
            return False
        self._say(done)
        self.refresh()
        return True
