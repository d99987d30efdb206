"""Tệp → Nhật ký thay đổi…: the audit log of the open commune file (issue 20 item 3), either
one household's history (by its code; the household selected in the list is proposed) or the
log of a period, with the state of the log's hash chain; both saved as PDF or Excel through
``reports.audit_log`` (the save itself is recorded in the log, as every printed document).

The lines are read in the GUI thread (one household's are a few dozen; a period's are
counted and only the newest ``SCREEN_LIMIT`` read, the saved document has all of them); the
chain check and the document are made in a worker on a Store of its own
(``desktop.worker``)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.labels import local_time
from desktop.qdates import pydate, qdate
from desktop.worker import error_text, start_job

SCREEN_LIMIT = 2_000


class AuditDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None, household_code: str = "") -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("Nhật ký thay đổi"))
        self.resize(1000, 640)
        layout = QVBoxLayout(self)
        choose = QGridLayout()
        self.by_household = QRadioButton(self.tr("Lịch sử của &hộ có mã:"))
        self.by_period = QRadioButton(self.tr("Nhật ký &từ ngày:"))
        group = QButtonGroup(self)
        group.addButton(self.by_household)
        group.addButton(self.by_period)
        self.code = QLineEdit(household_code)
        self.start = QDateEdit(qdate(date.today() - timedelta(days=30)))
        self.end = QDateEdit(qdate(date.today()))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        choose.addWidget(self.by_household, 0, 0)
        choose.addWidget(self.code, 0, 1)
        choose.addWidget(self.by_period, 1, 0)
        choose.addWidget(self.start, 1, 1)
        choose.addWidget(QLabel(self.tr("đến ngày")), 1, 2)
        choose.addWidget(self.end, 1, 3)
        self.show_button = QPushButton(self.tr("&Xem"))
        choose.addWidget(self.show_button, 0, 3)
        layout.addLayout(choose)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Thời gian"),
                self.tr("Người thực hiện"),
                self.tr("Máy"),
                self.tr("Việc"),
                self.tr("Mã hộ"),
                self.tr("Nội dung"),
                self.tr("Nguồn"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.chain = QLabel(self.tr("Đang kiểm tra chuỗi mã của nhật ký…"))
        self.chain.setWordWrap(True)
        layout.addWidget(self.chain)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.pdf_button = buttons.addButton(
            self.tr("Lưu &PDF…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.xlsx_button = buttons.addButton(
            self.tr("Lưu &Excel…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.pdf_button.clicked.connect(lambda: self._ask_save("pdf"))
        self.xlsx_button.clicked.connect(lambda: self._ask_save("xlsx"))
        self.show_button.clicked.connect(self.reload)
        self.code.returnPressed.connect(self.reload)
        (self.by_household if household_code else self.by_period).setChecked(True)
        self.household_id: str | None = None
        self.reload()
        start_job(self, self._verify, done=self._chain_done, failed=self._chain_failed)

    # --- what is shown ------------------------------------------------------------------
    def _household(self) -> Any:
        code = self.code.text().strip()
        return self.store.household_by_code(code) if code else None

    def reload(self) -> None:
        from db.audit import log_count, log_lines
        from reports.audit_log import LINES_LIMIT, content, period_bounds

        if self.by_household.isChecked():
            h = self._household()
            if h is None:
                self.household_id = None
                self.table.setRowCount(0)
                self.summary.setText(
                    self.tr("Không có hộ nào mang mã “{c}”.").format(c=self.code.text().strip())
                )
                return
            self.household_id = h.id
            lines = log_lines(self.store.conn, household_id=h.id)
            self.summary.setText(
                self.tr("Hộ {c}: {n} dòng nhật ký, cũ nhất trước.").format(c=h.code, n=len(lines))
            )
            shown = lines
        else:
            self.household_id = None
            start, end = pydate(self.start.date()), pydate(self.end.date())
            since, until = period_bounds(start, end)
            # Counted, and only the rows shown read: a district file merged this month has a
            # million (issue 22: all of them read here took 16 s on the GUI thread and 1.8 GB;
            # counted and the newest read, 0.2 s).
            total = log_count(self.store.conn, since=since, until=until)
            shown = log_lines(self.store.conn, since=since, until=until, newest=SCREEN_LIMIT)
            text = self.tr("{n} dòng nhật ký từ {a} đến {b}.").format(
                n=total, a=f"{start:%d/%m/%Y}", b=f"{end:%d/%m/%Y}"
            )
            if total > LINES_LIMIT:
                text += " " + self.tr(
                    "Màn hình chỉ hiện {k} dòng mới nhất. Quá nhiều để lưu thành một tệp: hãy "
                    "chọn khoảng thời gian ngắn hơn trước khi lưu."
                ).format(k=len(shown))
            elif len(shown) < total:
                text += " " + self.tr(
                    "Màn hình chỉ hiện {k} dòng mới nhất; tệp lưu ra có đủ cả."
                ).format(k=len(shown))
            self.summary.setText(text)
        household = self.household_id is not None
        self.table.setRowCount(len(shown))
        for row, line in enumerate(shown):
            cells = [
                local_time(line.at),
                line.user,
                line.device,
                line.what,
                line.household_code or "",
                content(line, values=household),
                line.source or "",
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)

    # --- the chain, off the GUI thread ----------------------------------------------------
    def _verify(self, _progress: Any) -> Any:
        from db.audit import verify_path

        return verify_path(Path(self.store.path))

    def _chain_done(self, broken: Any) -> None:
        if broken is None:
            self.chain.setText(
                self.tr("Nhật ký thay đổi nguyên vẹn: chuỗi mã kiểm tra khớp đến dòng cuối.")
            )
        else:
            self.chain.setText(broken.message)
            self.chain.setStyleSheet("color: #b00020; font-weight: bold")

    def _chain_failed(self, exc: BaseException) -> None:
        self.chain.setText(
            self.tr("Không kiểm tra được chuỗi mã của nhật ký: {e}").format(
                e=error_text(exc) or type(exc).__name__
            )
        )

    # --- saving -------------------------------------------------------------------------
    def _ask_save(self, fmt: str) -> None:
        from reports.audit_log import period_refusal

        # The dates in the boxes, shown or not: what the document would be made of.
        start, end = pydate(self.start.date()), pydate(self.end.date())
        refusal = (
            None if self.by_household.isChecked() else period_refusal(self.store.conn, start, end)
        )
        if refusal:
            # Said before a file name is asked for, not after the officer chose one.
            QMessageBox.information(self, self.tr("Nhật ký thay đổi"), refusal)
            return
        stem = (
            f"lich-su-ho-{self.code.text().strip()}"
            if self.by_household.isChecked()
            else f"nhat-ky-{pydate(self.start.date()):%Y%m%d}-{pydate(self.end.date()):%Y%m%d}"
        )
        pattern = "PDF (*.pdf)" if fmt == "pdf" else "Excel (*.xlsx)"
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Lưu nhật ký"), f"{stem}.{fmt}", pattern
        )
        if name:
            self.save(Path(name), fmt)

    def save(self, path: Path, fmt: str) -> Any:
        """Writes the document in a worker; returns the job (tests wait on it)."""
        household_id = self.household_id if self.by_household.isChecked() else None
        if self.by_household.isChecked() and household_id is None:
            QMessageBox.information(
                self, self.tr("Nhật ký thay đổi"), self.tr("Hãy nhập mã một hộ có trong tệp.")
            )
            return None
        start, end = pydate(self.start.date()), pydate(self.end.date())
        store_path, user, device = Path(self.store.path), self.store.user, self.store.device

        def work(_progress: Any) -> Path:
            import reports
            from db.store import Store
            from reports.audit_log import household_history, period_log

            # "Last seen" only with the print's audit row (``Store.open(seen=False)``).
            with Store.open(store_path, user=user, device=device, check=False, seen=False) as store:
                document = (
                    household_history(store, household_id)
                    if household_id is not None
                    else period_log(store, start, end)
                )
                return Path(
                    reports.save_document(document, store, path, fmt=fmt, household_id=household_id)
                )

        self.pdf_button.setEnabled(False)
        self.xlsx_button.setEnabled(False)
        return start_job(self, work, done=self._saved, failed=self._save_failed)

    def _saved(self, path: Path) -> None:
        self.pdf_button.setEnabled(True)
        self.xlsx_button.setEnabled(True)
        self.saved_path = path
        QMessageBox.information(
            self, self.tr("Nhật ký thay đổi"), self.tr("Đã lưu: {p}").format(p=path)
        )

    def _save_failed(self, exc: BaseException) -> None:
        self.pdf_button.setEnabled(True)
        self.xlsx_button.setEnabled(True)
        QMessageBox.warning(
            self,
            self.tr("Nhật ký thay đổi"),
            error_text(exc) or self.tr("Không lưu được nhật ký (xem tệp nhật ký chương trình)."),
        )


def open_audit_dialog(window: Any) -> None:
    store = getattr(window, "store", None)
    if store is None:
        return
    code = ""
    current = getattr(getattr(window, "list", None), "current_id", None)
    household_id = current() if callable(current) else None
    if household_id is not None:
        h = store.get_household(household_id)
        code = h.code if h is not None else ""
    AuditDialog(store, window, household_code=code).exec()
