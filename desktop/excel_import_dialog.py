"""Tệp → Nhập danh sách từ Excel…: last year's poor / near-poor lists.

Three steps on one screen: choose the file and sheet; check the guessed column for each field
(change any); "Kiểm tra" shows the validation report (row, column, problem). Only a report
without errors can be written, in one transaction, in a worker thread.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.export_dialog import JobDialog, announce

CATEGORY_CHOICES = [
    (None, QT_TRANSLATE_NOOP("ExcelImportDialog", "(theo cột Phân loại hộ)")),
    ("poor", QT_TRANSLATE_NOOP("ExcelImportDialog", "Hộ nghèo")),
    ("near_poor", QT_TRANSLATE_NOOP("ExcelImportDialog", "Hộ cận nghèo")),
    ("middle", QT_TRANSLATE_NOOP("ExcelImportDialog", "Hộ có mức sống trung bình")),
    (
        "not_poor",
        QT_TRANSLATE_NOOP("ExcelImportDialog", "Không nghèo (thoát nghèo, thoát cận nghèo)"),
    ),
]
STANDARDS = [
    (
        "nd07-2022-2025",
        QT_TRANSLATE_NOOP("ExcelImportDialog", "Chuẩn nghèo 2022–2025 (Nghị định 07/2021/NĐ-CP)"),
    ),
    ("nd351-2026-2030", QT_TRANSLATE_NOOP("ExcelImportDialog", "Chuẩn nghèo 2026–2030")),
]


class ExcelImportDialog(JobDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.layouts: list[Any] = []
        self.sheets: list[Any] = []
        self.parsed: Any = None
        # Not "done": that name is QDialog.done(), which reject() calls; a None there crashed
        # the app when the dialog was closed.
        self.written: Any = None
        self.setWindowTitle(self.tr("Nhập danh sách hộ nghèo, cận nghèo năm trước từ Excel"))
        self.resize(860, 680)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("Chọn tệp Excel (.xlsx)"))
        browse = QPushButton(self.tr("&Chọn…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path)
        row.addWidget(browse)
        layout.addLayout(row)
        form = QFormLayout()
        self.sheet = QComboBox()
        self.sheet.currentIndexChanged.connect(self._show_mapping)
        form.addRow(self.tr("&Trang tính:"), self.sheet)
        self.year = QSpinBox()
        self.year.setRange(2016, 2100)
        self.year.setValue(date.today().year - 1)
        form.addRow(self.tr("&Danh sách của năm:"), self.year)
        self.standard = QComboBox()
        for sid, label in STANDARDS:
            self.standard.addItem(self.tr(label), sid)
        form.addRow(self.tr("Chuẩn &nghèo áp dụng năm đó:"), self.standard)
        self.category = QComboBox()
        for value, label in CATEGORY_CHOICES:
            self.category.addItem(self.tr(label), value)
        form.addRow(self.tr("&Loại hộ cho cả trang:"), self.category)
        self.prefix = QLineEdit()
        self.prefix.setPlaceholderText(
            self.tr("ví dụ HN2025- (ghép với STT hộ khi không có cột Mã hộ)")
        )
        form.addRow(self.tr("Tiền tố &mã hộ:"), self.prefix)
        layout.addLayout(form)
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels([self.tr("Thông tin"), self.tr("Lấy từ cột")])
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.mapping, 2)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        layout.addWidget(self.report, 1)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        buttons = QDialogButtonBox()
        self.check_button = buttons.addButton(
            self.tr("&Kiểm tra"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.write_button = buttons.addButton(
            self.tr("&Ghi vào tệp của xã"), QDialogButtonBox.ButtonRole.ActionRole
        )
        buttons.addButton(self.tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.check_button.clicked.connect(self.check)
        self.write_button.clicked.connect(self.start_write)
        layout.addWidget(buttons)
        self.combos: dict[str, QComboBox] = {}
        self._sync()

    def _sync(self) -> None:
        self.check_button.setEnabled(bool(self.layouts))
        self.write_button.setEnabled(self.parsed is not None and not self.parsed.errors)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Chọn tệp Excel"), str(Path.home()), self.tr("Excel (*.xlsx *.xlsm)")
        )
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        from db.exchange.errors import PackageError
        from db.exchange.excel_lists import open_workbook

        self.path.setText(str(path))
        self.parsed = None
        try:
            self.layouts, self.sheets = open_workbook(path)
        except PackageError as exc:
            self.layouts, self.sheets = [], []
            self.report.setPlainText(str(exc))
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for layout in self.layouts:
            self.sheet.addItem(
                self.tr("{sheet} ({n} cột nhận ra)").format(
                    sheet=layout.title, n=len(layout.mapping)
                )
            )
        # Start on the sheet whose headers were recognised best.
        best = max(range(len(self.layouts)), key=lambda i: len(self.layouts[i].mapping), default=0)
        self.sheet.setCurrentIndex(best)
        self.sheet.blockSignals(False)
        self._show_mapping()

    def _show_mapping(self) -> None:
        from openpyxl.utils import get_column_letter

        from db.exchange.excel_lists import FIELDS

        self.parsed = None
        self.mapping.setRowCount(0)
        self.combos = {}
        index = self.sheet.currentIndex()
        if not 0 <= index < len(self.layouts):
            self._sync()
            return
        layout = self.layouts[index]
        self.mapping.setRowCount(len(FIELDS))
        empty = self.tr("(trống)")
        for row, (name, (label, _kind)) in enumerate(FIELDS.items()):
            self.mapping.setItem(row, 0, QTableWidgetItem(label))
            combo = QComboBox()
            combo.addItem(self.tr("(không lấy)"), None)
            for col, header in enumerate(layout.headers):
                combo.addItem(f"{get_column_letter(col + 1)} — {header or empty}", col)
            chosen = layout.mapping.get(name)
            if chosen is not None:
                combo.setCurrentIndex(combo.findData(chosen))
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping.setCellWidget(row, 1, combo)
            self.combos[name] = combo
        self.report.setPlainText(
            self.tr(
                "Tiêu đề kết thúc ở dòng {row}. Hãy xem lại cột của từng thông tin "
                "rồi bấm “Kiểm tra”. Chưa có gì được ghi."
            ).format(row=layout.header_row)
        )
        self._sync()

    def _mapping_changed(self) -> None:
        self.parsed = None
        self._sync()

    def set_column(self, field: str, column: int | None) -> None:
        combo = self.combos[field]
        combo.setCurrentIndex(combo.findData(column) if column is not None else 0)

    def check(self) -> None:
        from db.exchange.excel_lists import parse_sheet
        from forms.model import Category

        index = self.sheet.currentIndex()
        layout = self.layouts[index]
        layout.mapping = {
            name: combo.currentData()
            for name, combo in self.combos.items()
            if combo.currentData() is not None
        }
        value = self.category.currentData()
        self.parsed = parse_sheet(
            self.sheets[index],
            layout,
            default_category=Category(value) if value else None,
            code_prefix=self.prefix.text().strip(),
        )
        text = self.parsed.report()
        if not self.parsed.errors:
            from db.exchange.excel_store import problems_with_file

            clashes = problems_with_file(self.store, self.parsed)
            if clashes:
                text += "\n" + "\n".join(
                    self.tr("Lỗi — {problem}").format(problem=c) for c in clashes
                )
                self.parsed = None
            else:
                text += "\n" + self.tr("Không có lỗi: có thể ghi vào tệp của xã.")
        self.report.setPlainText(text)
        self._sync()

    def start_write(self) -> None:
        from db.exchange.excel_store import write_excel_lists

        parsed = self.parsed
        year = self.year.value()
        standard = self.standard.currentData()
        source = Path(self.path.text())

        def work(store: Any, progress: Any) -> Any:
            return write_excel_lists(
                store, parsed, year=year, standard_id=standard, source=source, progress=progress
            )

        self.write_button.setEnabled(False)
        self.check_button.setEnabled(False)
        self.run_job(work)

    def _on_done(self, done: Any) -> None:
        self.written = done
        self.progress.setVisible(False)
        self.parsed = None
        self.report.appendPlainText(
            "\n"
            + self.tr(
                "Đã ghi {households} hộ, {members} nhân khẩu vào kỳ rà soát năm {year}."
            ).format(households=done.households, members=done.members, year=self.year.value())
        )
        announce(self.store)
        self._sync()

    def _on_failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.report.appendPlainText(
            "\n" + self.tr("Không ghi gì. {message}").format(message=message)
        )
        self._sync()
        QMessageBox.critical(self, self.tr("Không nhập được danh sách"), message)


def open_excel_import_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    ExcelImportDialog(window.store, window).exec()
