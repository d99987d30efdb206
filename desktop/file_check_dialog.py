"""Tệp → Kiểm tra tệp dữ liệu…: the deep check of the open file, in a worker (issue 16).

SQLite's check of every page, then every stored document decoded (``db.deep_check``), on a
read-only connection of its own while the officer goes on working. A household whose record
no longer decodes is named by its code and nothing else changes: the file stays open and
every other household can be worked on (reports that need a damaged one refuse, naming it).
Only damage SQLite itself finds points to a restore; even then the file is not closed here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from desktop.worker import Progress, error_text, start_job

Found = tuple[list[str], list[tuple[str, str]]]


def run_check(path: Path, _progress: Progress) -> Found:
    """In the worker thread: (SQLite's problems, damaged documents by household code)."""
    from db.deep_check import check_path

    return check_path(path)


class FileCheckDialog(QDialog):
    """Starts the check when shown; ``finished_check`` is True once a result is on screen."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Kiểm tra tệp dữ liệu"))
        self.path = path
        self.finished_check = False
        self.bad: list[tuple[str, str]] = []
        self.problems: list[str] = []
        layout = QVBoxLayout(self)
        self.summary = QLabel(
            self.tr(
                "Đang kiểm tra tệp {name}: các trang dữ liệu, rồi đọc thử từng hồ sơ hộ, nhân "
                "khẩu, phiếu và kết quả. Vẫn có thể làm việc trong lúc chờ."
            ).format(name=path.name)
        )
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        layout.addWidget(self.busy)
        self.list = QListWidget()
        self.list.hide()
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Đó&ng"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 380)

    def start(self) -> None:
        path = self.path
        start_job(
            self,
            lambda progress: run_check(path, progress),
            done=self.show_result,
            failed=self.show_failure,
            name="file-check",
        )

    def show_result(self, found: Found) -> None:
        from db.deep_check import describe

        self.problems, self.bad = found
        self.busy.hide()
        self.finished_check = True
        if self.problems:
            self._say(
                self.tr(
                    "Tệp dữ liệu bị hỏng ở mức trang dữ liệu (SQLite tìm thấy {n} lỗi). Hãy "
                    "khôi phục từ bản sao lưu gần nhất: Tệp → Khôi phục từ bản sao lưu… (bản "
                    "đang mở được giữ nguyên vẹn để có thể hoàn tác)."
                ).format(n=len(self.problems)),
                self.problems[:200],
            )
        elif self.bad:
            codes = len({code for code, _ in self.bad})
            self._say(
                self.tr(
                    "Có {n} hộ bị hỏng dữ liệu, không đọc được (danh sách dưới đây, theo mã "
                    "hộ). Các hộ khác không bị ảnh hưởng: vẫn làm việc và in báo cáo bình "
                    "thường; báo cáo nào cần đến các hộ này sẽ nêu tên chúng. Hãy nhập lại các "
                    "hộ này, hoặc khôi phục từ một bản sao lưu tốt (Tệp → Khôi phục từ bản sao "
                    "lưu…)."
                ).format(n=codes),
                describe(self.bad),
            )
        else:
            self.summary.setText(
                self.tr(
                    "Tệp {name} không có lỗi: các trang dữ liệu đều tốt và mọi hồ sơ đều đọc được."
                ).format(name=self.path.name)
            )

    def show_failure(self, exc: BaseException) -> None:
        self.busy.hide()
        self.finished_check = True
        self._say(
            self.tr("Không kiểm tra được tệp {name}: {why}").format(
                name=self.path.name, why=error_text(exc) or str(exc)
            ),
            [],
        )

    def _say(self, text: str, lines: list[str]) -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #b3261e;")
        self.list.clear()
        self.list.addItems(lines)
        self.list.setVisible(bool(lines))


def open_file_check(window: Any) -> FileCheckDialog | None:
    """Shows the dialog for the window's open file (not modal: work goes on) and starts."""
    store = window.store
    if store is None:
        return None
    dialog = FileCheckDialog(Path(store.path), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.start()
    return dialog
