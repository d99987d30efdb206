"""Giấy đề nghị rà soát (issue 24): the open applications with the deadline the procedure
sets and which are late, a new application for the household chosen by code, its form
printed (Mẫu số 01 / 04), and the month's regular review opened from here."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import year_round
from forms.applications import KIND_LABELS, STATUS_LABELS, ApplicationKind
from forms.roles import Action

LATE = QColor("#b3261e")


class ApplicationsDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        self.setWindowTitle(self.tr("Giấy đề nghị rà soát và rà soát thường xuyên"))
        self.resize(980, 560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("Mã hộ, ví dụ 01-0005"))
        self.kind = QComboBox()
        for kind in ApplicationKind:
            self.kind.addItem(self.tr(KIND_LABELS[kind]), kind.value)
        self.submitted_on = QDateEdit(QDate(self.today.year, self.today.month, self.today.day))
        self.submitted_on.setCalendarPopup(True)
        self.submitted_on.setDisplayFormat("dd/MM/yyyy")
        self.submitted_by = QLineEdit()
        self.request = QLineEdit()
        form.addRow(self.tr("&Mã hộ:"), self.code)
        form.addRow(self.tr("&Loại đề nghị:"), self.kind)
        form.addRow(self.tr("Ngày &nhận:"), self.submitted_on)
        form.addRow(self.tr("Người &nộp:"), self.submitted_by)
        form.addRow(self.tr("Lý do đề &nghị:"), self.request)
        layout.addLayout(form)
        self.add_button = QPushButton(self.tr("&Ghi giấy đề nghị"))
        self.add_button.clicked.connect(self.add)
        layout.addWidget(self.add_button)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Mã hộ"),
                self.tr("Chủ hộ"),
                self.tr("Ngày nhận"),
                self.tr("Loại"),
                self.tr("Trạng thái"),
                self.tr("Hạn giải quyết"),
                self.tr("Trễ hạn"),
            ]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("&In giấy đề nghị…"))
        self.print_button.clicked.connect(self.print_selected)
        self.round_button = QPushButton(self.tr("Mở kỳ rà soát &thường xuyên tháng này"))
        self.round_button.clicked.connect(self.open_regular_round)
        close = QPushButton(self.tr("Đó&ng"))
        close.clicked.connect(self.accept)
        for b in (self.print_button, self.round_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.apps: list[year_round.Application] = []
        from desktop.role_gate import gate

        # A surveyor records what a household hands in; opening a round is the commune's.
        gate(store, Action.RECEIVE_APPLICATION, self.add_button)
        gate(store, Action.ROUND, self.round_button)
        self.refresh()

    def refresh(self) -> None:
        self.apps = year_round.applications(self.store, open_only=True)
        self.table.setRowCount(len(self.apps))
        for row, a in enumerate(self.apps):
            late = a.lateness(self.today)
            cells = [
                a.code,
                a.head_name,
                f"{a.submitted_on:%d/%m/%Y}",
                self.tr(KIND_LABELS[a.kind]),
                self.tr(STATUS_LABELS[a.status]),
                f"{late.deadline:%d/%m/%Y}",
                self.tr("Trễ {n} ngày").format(n=-late.days_left) if late.late else "",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if late.late:
                    item.setForeground(QBrush(LATE))
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    def _fail(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Chưa ghi được"), message)

    def add(self) -> bool:
        h = self.store.household_by_code(self.code.text().strip())
        if h is None:
            self._fail(self.tr("Không có hộ mã “{c}”.").format(c=self.code.text().strip()))
            return False
        d = self.submitted_on.date()
        try:
            year_round.add_application(
                self.store,
                h.id,
                self.kind.currentData(),
                date(d.year(), d.month(), d.day()),
                self.submitted_by.text() or h.head_name(),
                self.request.text(),
            )
        except Exception as exc:
            message = getattr(exc, "message", None)
            if message is None:
                raise
            self._fail(message)
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
        try:
            rnd = year_round.start_regular_round(self.store, self.today.year, self.today.month)
        except Exception as exc:
            message = getattr(exc, "message", None)
            if message is None:
                raise
            self._fail(message)
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


def open_applications_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    ApplicationsDialog(window.store, window).exec()
