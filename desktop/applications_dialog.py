"""Giấy đề nghị rà soát (issue 24): the open applications with the deadline the procedure
sets and which are late, the decided ones (or all) on asking, a decided one shown read-only
with its decision, a new application for the household chosen by code, its form printed
(Mẫu số 01 / 04), and the month's regular review opened from here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import year_round
from desktop.qdates import limit_to, pydate, qdate
from forms.applications import KIND_LABELS, STATUS_LABELS, ApplicationKind, ApplicationStatus
from forms.labels import CATEGORY_LABELS
from forms.roles import Action
from forms.validate import EARLIEST_APPLICATION

T = TypeVar("T")

LATE = QColor("#b3261e")
# What the table shows: the applications still waiting for a decision (the deadline and
# lateness mean something only for them), the decided ones, or every one (withdrawn too).
OPEN, DECIDED, ALL = "open", "decided", "all"
SHOWN = (
    (OPEN, QT_TRANSLATE_NOOP("ApplicationsDialog", "Đang mở")),
    (DECIDED, QT_TRANSLATE_NOOP("ApplicationsDialog", "Đã quyết định")),
    (ALL, QT_TRANSLATE_NOOP("ApplicationsDialog", "Tất cả")),
)
WAITING = (ApplicationStatus.OPEN, ApplicationStatus.IN_REVIEW)
KIND_WIDTH = 190  # px: every column in sight at 1024 px wide, the kind whole in its tooltip


class ApplicationsDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        self.setWindowTitle(self.tr("Giấy đề nghị rà soát và rà soát thường xuyên"))
        self.resize(1000, 560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("Mã hộ, ví dụ 01-0005"))
        self.kind = QComboBox()
        for kind in ApplicationKind:
            self.kind.addItem(self.tr(KIND_LABELS[kind]), kind.value)
        self.submitted_on = QDateEdit(qdate(self.today))
        self.submitted_on.setCalendarPopup(True)
        limit_to(self.submitted_on, EARLIEST_APPLICATION, self.today)
        self.submitted_on.setDisplayFormat("dd/MM/yyyy")
        self.submitted_by = QLineEdit()
        self.request = QLineEdit()
        form.addRow(self.tr("&Mã hộ:"), self.code)
        form.addRow(self.tr("&Loại đề nghị:"), self.kind)
        form.addRow(self.tr("Ngà&y nhận:"), self.submitted_on)
        form.addRow(self.tr("Người nộ&p:"), self.submitted_by)
        form.addRow(self.tr("Lý &do đề nghị:"), self.request)
        layout.addLayout(form)
        self.add_button = QPushButton(self.tr("&Ghi giấy đề nghị"))
        self.add_button.clicked.connect(self.add)
        layout.addWidget(self.add_button)
        shown = QHBoxLayout()
        self.shown = QComboBox()
        for value, text in SHOWN:
            self.shown.addItem(self.tr(text), value)
        self.shown.currentIndexChanged.connect(self.refresh)
        shown_label = QLabel(self.tr("&Xem giấy đề nghị:"))
        shown_label.setBuddy(self.shown)
        shown.addWidget(shown_label)
        shown.addWidget(self.shown)
        shown.addStretch(1)
        layout.addLayout(shown)
        self.table = QTableWidget(0, 8)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Mã hộ"),
                self.tr("Chủ hộ"),
                self.tr("Ngày nhận"),
                self.tr("Loại"),
                self.tr("Trạng thái"),
                self.tr("Hạn giải quyết"),
                self.tr("Trễ hạn"),
                self.tr("Quyết định"),
            ]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.currentCellChanged.connect(lambda *_: self.show_selected())
        layout.addWidget(self.table, 1)
        # The application chosen, whole and read-only: a decided one with its decision.
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setFrameShape(QLabel.Shape.StyledPanel)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)
        layout.addWidget(self.detail)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("&In giấy đề nghị…"))
        self.print_button.clicked.connect(self.print_selected)
        self.round_button = QPushButton(self.tr("Mở kỳ rà soát &thường xuyên tháng này"))
        self.round_button.clicked.connect(self.open_regular_round)
        # A household that changed without applying joins the open monthly round by its code
        # (the regular review holds the households that applied or changed).
        self.include_button = QPushButton(self.tr("Đưa hộ &vào kỳ thường xuyên đang mở"))
        self.include_button.clicked.connect(self.include_household)
        close = QPushButton(self.tr("Đó&ng"))
        close.clicked.connect(self.accept)
        for b in (self.print_button, self.round_button, self.include_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.apps: list[year_round.Application] = []
        self.decisions: dict[str, year_round.ApplicationDecision | None] = {}
        from desktop.role_gate import gate

        # A surveyor records what a household hands in; opening a round is the commune's.
        gate(store, Action.RECEIVE_APPLICATION, self.add_button)
        gate(store, Action.ROUND, self.round_button, self.include_button)
        self.refresh()

    def refresh(self) -> None:
        shown = self.shown.currentData()
        found = year_round.applications(self.store)
        if shown == OPEN:
            found = [a for a in found if a.status in WAITING]
        elif shown == DECIDED:
            found = [a for a in found if a.status is ApplicationStatus.DECIDED]
        self.apps = found
        self.decisions = {
            a.id: year_round.application_decision(self.store, a)
            for a in found
            if a.status is ApplicationStatus.DECIDED
        }
        self.table.setRowCount(len(self.apps))
        for row, a in enumerate(self.apps):
            waiting = a.status in WAITING
            late = a.lateness(self.today)
            decided = self.decisions.get(a.id)
            cells = [
                a.code,
                a.head_name,
                f"{a.submitted_on:%d/%m/%Y}",
                self.tr(KIND_LABELS[a.kind]),
                self.tr(STATUS_LABELS[a.status]),
                # Only an application still waiting has a deadline ahead or is late now.
                f"{late.deadline:%d/%m/%Y}" if waiting else "",
                self.tr("Trễ {n} ngày").format(n=-late.days_left) if waiting and late.late else "",
                self.tr("{number} ngày {day}").format(
                    number=decided.number, day=f"{decided.decided_on:%d/%m/%Y}"
                )
                if decided
                else "",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # the kind's label is cut to keep the decision in sight
                if waiting and late.late:
                    item.setForeground(QBrush(LATE))
                self.table.setItem(row, col, item)
        # A view shows the columns that mean something in it: no decision for the open ones,
        # no deadline nor lateness for the decided ones.
        for col in (5, 6):
            self.table.setColumnHidden(col, shown == DECIDED)
        self.table.setColumnHidden(7, shown == OPEN)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(3, min(self.table.columnWidth(3), KIND_WIDTH))
        if self.apps:
            self.table.selectRow(0)  # something to read below the table from the start
        self.show_selected()

    def show_selected(self) -> None:
        """The chosen application in full below the table; a decided one with its decision
        and what it decided for the household. Nothing here can be changed."""
        app = self.selected()
        if app is None:
            self.detail.setText(self.tr("Chọn một giấy đề nghị trong bảng để xem đầy đủ."))
            return
        lines = [
            self.tr("{code} — {head}, {village}").format(
                code=app.code, head=app.head_name, village=app.village
            ),
            self.tr("{kind}, nhận ngày {day}, người nộp: {who}").format(
                kind=self.tr(KIND_LABELS[app.kind]),
                day=f"{app.submitted_on:%d/%m/%Y}",
                who=app.submitted_by,
            ),
            self.tr("Lý do đề nghị: {text}").format(text=app.request or "—"),
            self.tr("Trạng thái: {status}").format(status=self.tr(STATUS_LABELS[app.status])),
        ]
        decided = self.decisions.get(app.id)
        if decided is not None:
            lines.append(
                self.tr("Quyết định số {number} ngày {day}, người ký: {signer}").format(
                    number=decided.number,
                    day=f"{decided.decided_on:%d/%m/%Y}",
                    signer=decided.signer,
                )
            )
            if decided.sent_back:
                lines.append(
                    self.tr("Họp dân không thông qua: hộ giữ nguyên như trước, rà soát lại.")
                )
            elif decided.category is not None:
                lines.append(
                    self.tr("Kết quả được công nhận: {category}").format(
                        category=self.tr(CATEGORY_LABELS[decided.category])
                    )
                )
        self.detail.setText("\n".join(lines))

    def _fail(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Chưa ghi được"), message)

    def _attempt(self, call: Callable[[], T]) -> tuple[bool, T | None]:
        """Run one db operation: a failure the officer should read (its Vietnamese
        ``message``) is shown and gives (False, None); anything else is a bug and goes on."""
        try:
            return True, call()
        except Exception as exc:
            message = getattr(exc, "message", None)
            if message is None:
                raise
            self._fail(message)
            return False, None

    def add(self) -> bool:
        h = self.store.household_by_code(self.code.text().strip())
        if h is None:
            self._fail(self.tr("Không có hộ mã “{c}”.").format(c=self.code.text().strip()))
            return False
        d = pydate(self.submitted_on.date())
        added, _ = self._attempt(
            lambda: year_round.add_application(
                self.store,
                h.id,
                self.kind.currentData(),
                d,
                self.submitted_by.text() or h.head_name(),
                self.request.text(),
            )
        )
        if not added:
            return False
        self.code.clear()
        self.request.clear()
        self.submitted_by.clear()
        self.refresh()
        return True

    def selected(self) -> year_round.Application | None:
        row = self.table.currentRow()
        return self.apps[row] if 0 <= row < len(self.apps) else None

    def print_selected(self, _checked: bool = False, path: Path | None = None) -> Path | None:
        app = self.selected()
        if app is None:
            self._fail(self.tr("Hãy chọn một giấy đề nghị trong bảng."))
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("Lưu giấy đề nghị"), f"giay-de-nghi-{app.code}.pdf", "PDF (*.pdf)"
            )
            if not name:
                return None
            path = Path(name)
        from reports import save_document
        from reports.year_round import application_form

        document = application_form(self.store, app.id)
        return save_document(document, self.store, path, household_id=app.household_id)

    def open_regular_round(self) -> Any:
        _, rnd = self._attempt(
            lambda: year_round.start_regular_round(self.store, self.today.year, self.today.month)
        )
        if rnd is None:
            return None
        n = len(year_round.round_household_ids(self.store, rnd.id))
        QMessageBox.information(
            self,
            self.tr("Đã mở kỳ rà soát thường xuyên"),
            self.tr(
                "Kỳ rà soát thường xuyên tháng {m}/{y} gồm {n} hộ có giấy đề nghị. Họp dân, "
                "niêm yết và quyết định làm ở các thẻ như kỳ định kỳ."
            ).format(m=self.today.month, y=self.today.year, n=n),
        )
        self.refresh()
        return rnd

    def include_household(self) -> bool:
        """The household typed in the code field into the monthly round still open,
        classified on its current answers there."""
        code = self.code.text().strip()
        h = self.store.household_by_code(code) if code else None
        if h is None:
            self._fail(
                self.tr("Không có hộ mã “{c}”.").format(c=code)
                if code
                else self.tr("Hãy ghi mã của hộ có thay đổi ở ô Mã hộ.")
            )
            return False
        rnd = self.store.open_regular_round()
        if rnd is None:
            self._fail(
                self.tr(
                    "Chưa có kỳ rà soát thường xuyên nào đang mở: hãy mở kỳ của tháng này trước."
                )
            )
            return False
        included, _ = self._attempt(lambda: year_round.add_to_round(self.store, rnd.id, h.id))
        if not included:
            return False
        month = year_round.regular_month(rnd)
        QMessageBox.information(
            self,
            self.tr("Đã đưa hộ vào kỳ rà soát thường xuyên"),
            self.tr(
                "Hộ {code} ({head}) được rà soát trong kỳ thường xuyên tháng {m}/{y}, phân "
                "loại theo thông tin hiện có của hộ."
            ).format(code=h.code, head=h.head_name(), m=month, y=rnd.year),
        )
        self.code.clear()
        self.refresh()
        return True


def open_applications_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    ApplicationsDialog(window.store, window).exec()
