"""Tệp → Lịch sử nhập gói…: every package imported into the open commune file, newest first
(when, which package, who made it on which laptop, what it brought, conflicts still waiting),
with the chosen import's receipt as it was printed; the receipt can be saved again (text,
JSON, or a PDF to print) and the waiting conflicts opened.

Read from ``db.exchange.history.imports`` in the GUI thread: one small table, receipts parsed
once when the dialog opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.labels import local_time
from desktop.record_table import record_table


class ImportHistoryDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.records: list[Any] = []
        self.setWindowTitle(self.tr("Lịch sử nhập gói dữ liệu"))
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = record_table(
            [
                self.tr("Ngày nhập"),
                self.tr("Gói"),
                self.tr("Người tạo gói"),
                self.tr("Máy tạo gói"),
                self.tr("Hộ mới"),
                self.tr("Cập nhật"),
                self.tr("Đã xoá"),
                self.tr("Xung đột (còn chờ)"),
                self.tr("Người nhập"),
            ],
            text=(1, 2, 8),
        )
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        split.addWidget(self.table)
        self.receipt_text = QPlainTextEdit()
        self.receipt_text.setReadOnly(True)
        split.addWidget(self.receipt_text)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("&Lưu / in lại biên nhận…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.conflicts_button = buttons.addButton(
            self.tr("&Xem xung đột…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        close = buttons.addButton(self.tr("Đó&ng"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._ask_save)
        self.conflicts_button.clicked.connect(self.show_conflicts)
        layout.addWidget(buttons)
        self.reload()
        self.table.setFocus()

    def reload(self) -> None:
        from db.exchange.history import imports

        self.records = imports(self.store.conn)
        self.table.setRowCount(len(self.records))
        for row, r in enumerate(self.records):
            conflicts = str(r.conflicts)
            if r.open_conflicts:
                conflicts = self.tr("{n} (còn {open})").format(n=r.conflicts, open=r.open_conflicts)
            values = [
                local_time(r.imported_at),
                r.source,
                r.created_by,
                r.created_device,
                str(r.counts.get("added", 0)),
                str(r.counts.get("updated", 0)),
                str(r.counts.get("deleted", 0)),
                conflicts,
                r.user,
            ]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col >= 4 and col <= 7:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if col == 1:
                    item.setToolTip(
                        self.tr("Mã gói {id}\nPhạm vi: {scope}").format(
                            id=r.package_id, scope=r.scope
                        )
                    )
                self.table.setItem(row, col, item)
        if self.records:
            self.intro.setText(
                self.tr(
                    "{n} lần nhập gói vào tệp của xã, mới nhất trước. Chọn một dòng để xem biên "
                    "nhận của lần nhập đó. (Nhập lại một gói đã nhập không ghi gì nên không có "
                    "trong danh sách.)"
                ).format(n=len(self.records))
            )
            self.table.selectRow(0)
            self.table.setCurrentCell(0, 0)
        else:
            self.intro.setText(self.tr("Tệp của xã chưa nhập gói dữ liệu nào."))
            self._show(-1)

    def current(self) -> Any:
        row = self.table.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def _show(self, row: int) -> None:
        record = self.records[row] if 0 <= row < len(self.records) else None
        self.save_button.setEnabled(record is not None)
        self.conflicts_button.setEnabled(record is not None and record.open_conflicts > 0)
        if record is None:
            self.receipt_text.setPlainText("")
            return
        try:
            self.receipt_text.setPlainText(record.receipt().text())
        except (ValueError, TypeError, KeyError):
            self.save_button.setEnabled(False)
            self.receipt_text.setPlainText(self.tr("Không đọc được biên nhận của lần nhập này."))

    def _ask_save(self) -> None:
        record = self.current()
        if record is None:
            return
        stem = Path(record.source).stem or "goi"
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Lưu biên nhận"),
            str(Path.home() / f"bien-nhan-{stem}.pdf"),
            self.tr("PDF để in (*.pdf);;Văn bản (*.txt);;JSON gửi lại (*.json)"),
        )
        if name:
            self.save_receipt(Path(name))

    def save_receipt(self, path: Path) -> bool:
        """The chosen import's receipt, as ``reports.receipt`` writes it (by the suffix)."""
        from reports.receipt import save_receipt

        record = self.current()
        if record is None:
            return False
        try:
            save_receipt(record.receipt(), path)
        except OSError as exc:
            QMessageBox.warning(
                self,
                self.tr("Không lưu được biên nhận"),
                self.tr("Không ghi được tệp {path}: {why}").format(
                    path=path, why=exc.strerror or exc
                ),
            )
            return False
        return True

    def show_conflicts(self) -> None:
        from desktop.merge_conflicts_dialog import MergeConflictsDialog

        MergeConflictsDialog(self.store, self).exec()
        row = self.table.currentRow()
        self.reload()
        if 0 <= row < len(self.records):
            self.table.setCurrentCell(row, 0)


def open_import_history_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    ImportHistoryDialog(window.store, window).exec()
