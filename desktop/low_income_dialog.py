"""Người lao động có thu nhập thấp (Decree 30/2025/NĐ-CP, issue 18): a member's application
recorded by household code (date received, income per person declared), the automatic check
against the bound of the round's standard beside it, the commune's outcome, the list printed.
The members the survey suggests are shown on request, as a suggestion: a worker is identified
when he or she applies, never by the app."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import low_income
from desktop.qdates import limit_to, pydate, qdate
from forms.low_income import OUTCOME_LABELS, Outcome
from forms.roles import Action
from forms.validate import EARLIEST_APPLICATION

CHECK_LABELS = {True: "Đạt", False: "Không đạt", None: "Thiếu thông tin"}


class LowIncomeDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        self.round = store.current_round()
        self.setWindowTitle(self.tr("Người lao động có thu nhập thấp"))
        self.resize(1000, 600)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Người lao động trong hộ không thuộc hộ nghèo, hộ cận nghèo, có thu nhập bình "
                "quân đầu người không quá mức quy định, được xác định khi nộp đơn (Nghị định "
                "30/2025/NĐ-CP). Ghi đơn của từng người; chương trình kiểm tra theo mức thu "
                "nhập của chuẩn đang áp dụng, xã quyết định kết quả."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("Mã hộ, ví dụ 01-0005"))
        self.code.editingFinished.connect(self.fill_members)
        self.member = QComboBox()
        self.applied_on = QDateEdit(qdate(self.today))
        self.applied_on.setCalendarPopup(True)
        limit_to(self.applied_on, EARLIEST_APPLICATION, self.today)
        self.applied_on.setDisplayFormat("dd/MM/yyyy")
        self.income = QSpinBox()
        self.income.setRange(0, low_income.MAX_DECLARED_INCOME)
        self.income.setSingleStep(50_000)
        self.income.setGroupSeparatorShown(True)
        self.income.setSuffix(self.tr(" đồng/người/tháng"))
        self.note = QLineEdit()
        for text, widget in (
            (self.tr("&Mã hộ:"), self.code),
            (self.tr("&Thành viên:"), self.member),
            (self.tr("Ngà&y nhận đơn:"), self.applied_on),
            (self.tr("Thu nhập &bình quân kê khai:"), self.income),
            (self.tr("Gh&i chú:"), self.note),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.add_button = QPushButton(self.tr("&Ghi đơn"))
        self.add_button.clicked.connect(self.add)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Mã hộ"),
                self.tr("Thôn"),
                self.tr("Người lao động"),
                self.tr("Ngày nhận đơn"),
                self.tr("Thu nhập kê khai"),
                self.tr("Kiểm tra tự động"),
                self.tr("Kết quả"),
            ]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.suggestions = QLabel()
        self.suggestions.setWordWrap(True)
        self.suggestions.hide()
        layout.addWidget(self.suggestions)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton(self.tr("&Công nhận"))
        self.accept_button.clicked.connect(lambda: self.decide(Outcome.ACCEPTED))
        self.refuse_button = QPushButton(self.tr("&Không công nhận"))
        self.refuse_button.clicked.connect(lambda: self.decide(Outcome.REFUSED))
        self.print_button = QPushButton(self.tr("In &danh sách…"))
        self.print_button.clicked.connect(self.print_list)
        self.suggest_button = QPushButton(self.tr("Gợi ý từ &phiếu rà soát"))
        self.suggest_button.clicked.connect(self.show_suggestions)
        close = QPushButton(self.tr("Đó&ng"))
        close.clicked.connect(self.accept)
        for b in (self.accept_button, self.refuse_button, self.print_button, self.suggest_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.apps: list[low_income.LowIncomeApplication] = []
        self.printed: Path | None = None  # the last list written
        if self.round is None:
            for w in (self.add_button, self.accept_button, self.refuse_button):
                w.setEnabled(False)
            intro.setText(self.tr("Tệp xã chưa có kỳ rà soát nào: hãy mở một kỳ rà soát trước."))
        from desktop.role_gate import gate

        # A surveyor receives applications; the outcome is the commune's (forms.roles).
        gate(store, Action.RECEIVE_APPLICATION, self.add_button)
        gate(store, Action.APPLICATIONS, self.accept_button, self.refuse_button)
        self.refresh()

    def refresh(self) -> None:
        self.apps = low_income.applications(self.store, self.round.id) if self.round else []
        self.table.setRowCount(len(self.apps))
        for row, a in enumerate(self.apps):
            found = low_income.check(self.store, a)
            income = (
                f"{a.declared_income:,}".replace(",", ".") if a.declared_income is not None else ""
            )
            cells = [
                a.code,
                a.village,
                a.member_name,
                f"{a.applied_on:%d/%m/%Y}",
                income,
                self.tr(CHECK_LABELS[found.meets]),
                self.tr(OUTCOME_LABELS[a.outcome]),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 5:
                    item.setToolTip("\n".join(found.reasons))
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    def _fail(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Chưa ghi được"), message)

    def fill_members(self) -> None:
        self.member.clear()
        h = self.store.household_by_code(self.code.text().strip())
        for m in h.members if h is not None else []:
            self.member.addItem(m.name, m.id)
        if h is not None and h.income_per_capita is not None and self.income.value() == 0:
            self.income.setValue(h.income_per_capita)  # the survey's figure, to be corrected

    def add(self) -> bool:
        if self.round is None:
            return False
        code = self.code.text().strip()
        h = self.store.household_by_code(code)
        if h is None:
            self._fail(self.tr("Không có hộ mã “{c}”.").format(c=code))
            return False
        if self.member.count() == 0:
            self.fill_members()
        member_id = self.member.currentData()
        if member_id is None:
            self._fail(self.tr("Hộ {c}: hãy chọn thành viên nộp đơn.").format(c=code))
            return False
        d = pydate(self.applied_on.date())
        try:
            app = low_income.add_application(
                self.store,
                self.round.id,
                h.id,
                member_id,
                d,
                self.income.value(),
                self.note.text(),
            )
        except Exception as exc:
            message = getattr(exc, "message", None)
            if message is None:
                raise
            self._fail(message)
            return False
        self.code.clear()
        self.member.clear()
        self.income.setValue(0)
        self.note.clear()
        self.refresh()
        self.table.selectRow(next(i for i, a in enumerate(self.apps) if a.id == app.id))
        return True

    def selected(self) -> low_income.LowIncomeApplication | None:
        row = self.table.currentRow()
        return self.apps[row] if 0 <= row < len(self.apps) else None

    def decide(self, outcome: Outcome) -> bool:
        app = self.selected()
        if app is None:
            self._fail(self.tr("Hãy chọn một đơn trong bảng."))
            return False
        low_income.set_outcome(self.store, app.id, outcome)
        row = self.table.currentRow()
        self.refresh()
        self.table.selectRow(row)
        return True

    def show_suggestions(self) -> None:
        if self.round is None:
            return
        found = low_income.candidates(self.store, self.round.id)
        if not found:
            text = self.tr(
                "Gợi ý: theo phiếu rà soát của kỳ này không có thêm thành viên nào có thể thuộc "
                "diện."
            )
        else:
            names = "; ".join(
                f"{c.household.code} {c.member.name} ({c.household.village})" for c in found
            )
            text = self.tr(
                "Gợi ý, chưa phải đơn đề nghị: theo phiếu rà soát, {n} thành viên có thể thuộc "
                "diện và có thể được báo để nộp đơn: {names}."
            ).format(n=len(found), names=names)
        self.suggestions.setText(text)
        self.suggestions.show()

    def print_list(self, _checked: bool = False, path: Path | None = None) -> Path | None:
        """Without ``path``: the prints' own save dialog (``report_runner.ask_where``, opened
        without a nested event loop), a Vietnamese name free in the folder saved into last;
        the list is written when a name is chosen (``printed``). With ``path``: written now."""
        if self.round is None:
            return None
        if path is None:
            from desktop.report_runner import ask_where
            from rasoat import settings
            from reports.file_names import default_file_name, free_path

            proposed = free_path(
                settings.output_folder(), default_file_name("low_income_list", None, self.today)
            )
            ask_where(
                self,
                self.tr("Lưu danh sách người lao động có thu nhập thấp"),
                proposed,
                "pdf",
                self.print_to,
                also=("xlsx",),
            )
            return None
        return self.print_to(path)

    def print_to(self, path: Path) -> Path | None:
        from reports import build
        from reports.review import ReportError

        if self.round is None:
            return None
        fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "pdf"
        try:
            self.printed = build(
                "low_income_list", self.store, path, fmt=fmt, round_id=self.round.id
            )
            return self.printed
        except ReportError as exc:
            QMessageBox.warning(self, self.tr("Không in được danh sách"), exc.message)
        except OSError:
            QMessageBox.warning(
                self,
                self.tr("Không in được danh sách"),
                self.tr("Không ghi được tệp {file}: hãy chọn thư mục khác.").format(file=path),
            )
        return None


def open_low_income_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    LowIncomeDialog(window.store, window).exec()
