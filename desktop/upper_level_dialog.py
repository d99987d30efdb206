"""Báo cáo → Tổng hợp nhiều xã: the upper level opens many commune packages read-only and
sees them side by side (households by category and by movement), then saves the table as
Excel or PDF. No commune file is needed or written. The chosen commune's monthly report
prints from its package (``write_monthly_report``, in a worker), the commune's own document.

At the province the same dialog reads the registry instead (issue 21): the DSN set in Thiết
lập, a password asked here and never kept, each commune's latest loaded package summarised in
SQL (``desktop.registry_link.summary``, in a worker) and saved as the registry's summary
document (``reports.registry_summary``, Biểu 1–4 by commune), as ``rasoat registry report``
prints it. Saving builds and renders the document in a worker too (``write_summary``): the
GUI thread only starts it and shows how it ended."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.export_dialog import JobDialog, failure_message
from desktop.worker import Job, Progress, start_job
from forms.labels import CATEGORY_LABELS
from forms.model import Category

COLUMNS = [
    "Mã xã",
    "Xã, phường",
    "Năm",
    "Số hộ",
    "Số khẩu",
    str(CATEGORY_LABELS[Category.POOR]),
    str(CATEGORY_LABELS[Category.NEAR_POOR]),
    str(CATEGORY_LABELS[Category.MIDDLE]),
    "Chưa phân loại",
]


def read_summaries(paths: Sequence[Path], password: str | None, progress: Progress) -> Any:
    """Reads and validates every package, summarising each as its records are read (one
    package's at a time in memory, ``upper_level.read_summaries``): in a worker thread. A
    package that cannot be read is a row of ``failed``, never an exception. Also returns
    each row's package file by commune code (the one its row counts), for its own prints."""
    from db.exchange.upper_level import OpenFailure
    from db.exchange.upper_level import read_summaries as summarised

    sources: dict[str, Path] = {}
    try:
        rows, failed, sources = summarised(paths, password=password, progress=progress)
    except Exception as exc:  # shown to the user, never swallowed
        rows, failed = [], [OpenFailure(Path("?"), f"Lỗi không mong đợi: {exc}")]
    return rows, failed, sources


def write_monthly_report(source: Path, password: str | None, path: Path) -> Path:
    """A commune's monthly report from its package, as the commune prints it
    (``reports.year_round.monthly_report_from_package``): in a worker thread. The package
    is read again here, so the dialog keeps no package in memory."""
    from db.exchange.package import read_package
    from rasoat import settings
    from rasoat.identity import device_id
    from reports.year_round import monthly_report_from_package

    package = read_package(source, password=password)
    return Path(
        monthly_report_from_package(
            package,
            path,
            fmt="xlsx" if path.suffix.lower() == ".xlsx" else "pdf",
            upper_level=str(settings.get("upper_level_name") or ""),
            source_name=source.name,
            device=device_id(),
        )
    )


class UpperLevelDialog(JobDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tổng hợp nhiều xã (cấp trên)"))
        self.resize(1000, 560)
        self.rows: list[Any] = []
        self.sources: dict[str, Path] = {}  # commune code -> its row's package
        layout = QVBoxLayout(self)
        self.registry_summary: Any = None  # registry.queries.Summary when read from there
        self.from_packages = QRadioButton(self.tr("Từ các gói dữ liệu (.rasoat) các xã gửi lên"))
        self.from_registry = QRadioButton(self.tr("Từ cơ sở dữ liệu của tỉnh"))
        self.from_packages.setChecked(True)
        self.from_registry.toggled.connect(self._show_source)
        choice = QHBoxLayout()
        choice.addWidget(self.from_packages)
        choice.addWidget(self.from_registry)
        choice.addStretch(1)
        layout.addLayout(choice)
        self.packages_box = QWidget()
        column = QVBoxLayout(self.packages_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(
            QLabel(
                self.tr(
                    "Chọn các gói dữ liệu (.rasoat) các xã gửi lên. Gói chỉ được đọc, không tệp "
                    "nào bị ghi. Hai gói của cùng một xã: lấy gói mới hơn."
                )
            )
        )
        bar = QHBoxLayout()
        self.choose_button = QPushButton(self.tr("&Chọn gói dữ liệu…"))
        self.choose_button.clicked.connect(self._choose)
        bar.addWidget(self.choose_button)
        bar.addWidget(QLabel(self.tr("Mật khẩu (nếu gói có đặt):")))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        bar.addWidget(self.password, 1)
        column.addLayout(bar)
        layout.addWidget(self.packages_box)
        layout.addWidget(self._registry_box())
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setMaximumHeight(90)
        self.problems.setVisible(False)
        layout.addWidget(self.problems)
        buttons = QDialogButtonBox()
        self.xlsx_button = buttons.addButton(
            self.tr("Lưu &Excel…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.pdf_button = buttons.addButton(
            self.tr("Lưu &PDF…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        # The chosen commune's own monthly report, from its package (issue 24 item 2).
        self.monthly_button = buttons.addButton(
            self.tr("In &báo cáo tháng của xã đã chọn…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.monthly_button.clicked.connect(self._ask_monthly)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._sync)
        close = buttons.addButton(self.tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.saved_note = QLabel()
        self.saved_note.setTextFormat(Qt.TextFormat.PlainText)
        self.saved_path: Path | None = None
        layout.addWidget(self.saved_note)
        self.xlsx_button.clicked.connect(lambda: self._save_as("xlsx"))
        self.pdf_button.clicked.connect(lambda: self._save_as("pdf"))
        layout.addWidget(buttons)
        self._sync()

    def _registry_box(self) -> QWidget:
        self.registry_box = QWidget()
        column = QVBoxLayout(self.registry_box)
        column.setContentsMargins(0, 0, 0, 0)
        self.registry_note = QLabel()
        self.registry_note.setWordWrap(True)
        self.registry_note.setTextFormat(Qt.TextFormat.PlainText)
        column.addWidget(self.registry_note)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Mật khẩu cơ sở dữ liệu:")))
        self.registry_password = QLineEdit()
        self.registry_password.setEchoMode(QLineEdit.EchoMode.Password)
        bar.addWidget(self.registry_password, 1)
        self.read_registry_button = QPushButton(self.tr("&Đọc số liệu các xã"))
        self.read_registry_button.clicked.connect(self.read_registry)
        bar.addWidget(self.read_registry_button)
        column.addLayout(bar)
        self.registry_box.setVisible(False)
        return self.registry_box

    def _show_source(self) -> None:
        from rasoat import settings

        registry = self.from_registry.isChecked()
        self.packages_box.setVisible(not registry)
        self.registry_box.setVisible(registry)
        if registry:
            # Shown without any password: the setting refuses one (rasoat.settings).
            dsn = settings.get("registry_dsn")
            self.registry_note.setText(
                self.tr(
                    "Số liệu theo gói mới nhất mỗi xã đã nạp vào cơ sở dữ liệu của tỉnh ({dsn})."
                ).format(dsn=dsn)
                if dsn
                else self.tr(
                    "Chưa đặt chuỗi kết nối cơ sở dữ liệu của tỉnh: vào Tệp → Thiết lập, mục "
                    "“Cơ sở dữ liệu của tỉnh”."
                )
            )

    def read_registry(self) -> None:
        """Reads the summary by commune from the registry in a worker."""
        from desktop.registry_link import summary
        from rasoat import settings

        dsn, password = settings.get("registry_dsn"), self.registry_password.text() or None
        self.read_registry_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        start_job(
            self,
            lambda _progress: summary(dsn, password),
            done=self._on_registry_done,
            failed=self._on_registry_failed,
            name="upper-level-registry",
        )

    def _on_registry_done(self, result: Any) -> None:
        self.registry_summary, self.rows = result, []
        self.progress.setVisible(False)
        self.read_registry_button.setEnabled(True)
        self.problems.setVisible(False)
        self._fill(
            [
                [
                    r.commune_code,
                    r.commune_name,
                    result.year,
                    r.households,
                    r.persons,
                    r.by_category[Category.POOR.value],
                    r.by_category[Category.NEAR_POOR.value],
                    r.by_category[Category.MIDDLE.value],
                    r.not_classified,
                ]
                for r in result.rows
            ]
        )
        self._sync()

    def _on_registry_failed(self, exc: BaseException) -> None:
        from desktop.registry_link import RegistryProblem

        self.read_registry_button.setEnabled(True)
        self._on_failed(
            exc.message
            if isinstance(exc, RegistryProblem)
            else self.tr("Lỗi không mong đợi ({kind}).").format(kind=type(exc).__name__)
        )

    def _fill(self, rows: list[list[Any]]) -> None:
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)

    def _sync(self) -> None:
        for button in (self.xlsx_button, self.pdf_button):
            button.setEnabled(bool(self.rows) or self.registry_summary is not None)
        self.monthly_button.setEnabled(self.chosen_source() is not None)

    def chosen_source(self) -> Path | None:
        """The package of the commune row chosen (read from packages, not the registry)."""
        row = self.table.currentRow()
        if self.registry_summary is not None or not 0 <= row < len(self.rows):
            return None
        if not self.table.selectionModel().isRowSelected(row):
            return None
        return self.sources.get(self.rows[row].commune_code)

    def _ask_monthly(self) -> None:
        from desktop.report_runner import ask_where, proposed_path

        if self.chosen_source() is not None:
            ask_where(
                self,
                self.tr("Lưu báo cáo rà soát thường xuyên tháng của xã"),
                proposed_path("monthly_report", "pdf", None),
                "pdf",
                self.print_monthly,
                also=("xlsx",),
            )

    def print_monthly(self, path: Path) -> Job | None:
        """Builds the chosen commune's monthly report from its package in a worker; returns
        the job, which tests wait on."""
        source = self.chosen_source()
        if source is None:
            return None
        password = self.password.text() or None
        self._set_saving(True)
        return start_job(
            self,
            lambda _progress: write_monthly_report(source, password, path),
            done=self._saved,
            failed=self._save_failed,
            name="upper-level-monthly",
        )

    def _choose(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Chọn gói dữ liệu các xã"),
            str(Path.home()),
            self.tr("Gói Rà soát (*.rasoat)"),
        )
        if names:
            self.load([Path(n) for n in names])

    def load(self, paths: Sequence[Path]) -> None:
        """Reads the packages in a worker; the table fills when it ends."""
        self.choose_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        paths, password = list(paths), self.password.text() or None
        # No commune Store here: the packages are read in the worker, which JobDialog's
        # reject() waits for like any other job.
        start_job(
            self,
            lambda progress: read_summaries(paths, password, progress),
            done=self._on_done,
            failed=lambda exc: self._on_failed(failure_message(exc)),
            progress=self._on_progress,
            name="upper-level",
        )

    def _on_done(self, result: Any) -> None:
        self.rows, failed, self.sources = result
        self.registry_summary = None
        self.progress.setVisible(False)
        self.choose_button.setEnabled(True)
        self._fill(
            [
                [
                    s.commune_code,
                    s.commune_name,
                    s.year or "",
                    s.households,
                    s.persons,
                    s.by_category[Category.POOR],
                    s.by_category[Category.NEAR_POOR],
                    s.by_category[Category.MIDDLE],
                    s.not_classified,
                ]
                for s in self.rows
            ]
        )
        from db.exchange.upper_level import unsigned_warnings

        said = [
            self.tr("{f}: không mở được — {m}").format(f=f.path.name, m=f.message) for f in failed
        ] + [self.tr("Lưu ý: {w}").format(w=w) for w in unsigned_warnings(self.rows)]
        self.problems.setVisible(bool(said))
        self.problems.setPlainText("\n".join(said))
        self._sync()

    def _on_failed(self, message: str) -> None:  # read_summaries reports failures as rows
        self.progress.setVisible(False)
        self.choose_button.setEnabled(True)
        self.problems.setVisible(True)
        self.problems.setPlainText(message)

    def _save_as(self, fmt: str) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Lưu bảng tổng hợp"),
            str(Path.home() / f"tong-hop-cac-xa.{fmt}"),
            "Excel (*.xlsx)" if fmt == "xlsx" else "PDF (*.pdf)",
        )
        if name:
            self.save(Path(name))

    def save(self, path: Path) -> Job:
        """Writes the table's document in a worker (a province's summary by commune is many
        pages); returns the job, which tests wait on. Only the worker builds and renders it,
        from the rows and summary already read; the GUI thread hears how it ended."""
        summary, rows = self.registry_summary, list(self.rows)
        self._set_saving(True)
        return start_job(
            self,
            lambda _progress: write_summary(path, summary, rows),
            done=self._saved,
            failed=self._save_failed,
            name="upper-level-save",
        )

    def _set_saving(self, saving: bool) -> None:
        # Reading again meanwhile is fine: the worker saves what it was given.
        for button in (self.xlsx_button, self.pdf_button, self.monthly_button):
            button.setEnabled(not saving)
        if saving:
            self.saved_note.setText(self.tr("Đang lưu…"))
        else:
            self._sync()

    def _saved(self, path: Path) -> None:
        self._set_saving(False)
        self.saved_path = path
        self.saved_note.setText(self.tr("Đã lưu: {p}").format(p=path))

    def _save_failed(self, exc: BaseException) -> None:
        from reports import ReportError

        self._set_saving(False)
        self.saved_note.setText("")
        self.problems.setVisible(True)
        self.problems.setPlainText(
            self.tr("Không lưu được {f}: {m}").format(f=exc.filename, m=exc.strerror or exc)
            if isinstance(exc, OSError) and exc.filename
            # a commune's package with no monthly round: said as the report says it
            else exc.message
            if isinstance(exc, ReportError)
            else failure_message(exc)
        )


def write_summary(path: Path, registry_summary: Any, rows: list[Any]) -> Path:
    """The registry's summary document (Biểu 1–4 by commune) when it was read from there,
    else the packages' table, as PDF or XLSX by ``path``'s suffix: in a worker thread."""
    if registry_summary is not None:
        from reports.registry_summary import summary_document

        document = summary_document(registry_summary)
    else:
        from reports.upper_level import upper_level_document

        document = upper_level_document(rows)
    if path.suffix.lower() == ".pdf":
        from reports.pdf import render_pdf

        return Path(render_pdf(document, path))
    from reports.xlsx import render_xlsx

    return Path(render_xlsx(document, path))
