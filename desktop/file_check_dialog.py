"""Tệp → Kiểm tra tệp dữ liệu…: the deep check of the open file, in a worker (issue 16).

SQLite's check of every page, then every stored document decoded (``db.deep_check``), on a
read-only connection of its own while the officer goes on working. A household whose record
no longer decodes is named by its code and nothing else changes: the file stays open and
every other household can be worked on (reports that need a damaged one refuse, naming it).
Only damage SQLite itself finds points to a restore; even then the file is not closed here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from desktop.worker import Job, failure_text, start_job

log = logging.getLogger(__name__)
Found = tuple[list[str], list[tuple[str, str]]]


class BackgroundCheck(QObject):
    """One deep check of a file in a worker (``db.deep_check.check_path``); ``done(found)``
    or ``failed(exc)`` run on the GUI thread, never after ``stop``.

    The main window stops every one of these (its children, the check dialog's included)
    before it closes the file: ``stop`` interrupts the check and waits for its thread, so
    no reading connection is left open to keep the close from emptying the ``-wal``."""

    def __init__(
        self,
        owner: QObject,
        path: Path,
        *,
        done: Callable[[Found], None],
        failed: Callable[[BaseException], None],
        pages: bool = True,
        name: str = "file-check",
        interrupted: Callable[[], None] | None = None,
    ) -> None:
        from db.deep_check import Cancel, check_path

        super().__init__(owner)
        self.path = path
        self.cancel = Cancel()
        self.stopped = False
        self._done, self._failed, self._interrupted = done, failed, interrupted
        cancel = self.cancel
        self.job: Job = start_job(
            self,
            lambda _progress: check_path(path, pages=pages, cancel=cancel),
            done=self._on_done,
            failed=self._on_failed,
            name=name,
        )

    def running(self) -> bool:
        return not self.stopped and self.job.running()

    def stop(self) -> None:
        """Cancel and wait (an interrupted statement ends at once)."""
        if self.stopped:
            return
        self.stopped = True
        self.cancel.cancel()
        if self.job.running():
            # quit() here, not by the job's own queued signal: that one is delivered to the
            # GUI thread, which is waiting right here, and the wait would never end.
            self.job.worker_thread.quit()
            self.job.worker_thread.wait()
            if self._interrupted is not None:
                self._interrupted()

    def _on_done(self, found: Found) -> None:
        if not self.stopped:
            self.stopped = True
            self._done(found)

    def _on_failed(self, exc: BaseException) -> None:
        from db.deep_check import Cancelled

        if self.stopped or isinstance(exc, Cancelled):
            return
        self.stopped = True
        self._failed(exc)


def stop_checks(owner: QObject) -> None:
    """Stops every background check started under ``owner`` (before its file closes)."""
    for check in owner.findChildren(BackgroundCheck):
        check.stop()


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
        # The audit log's hash chain (db.audit), checked after the pages (issue 20 item 3).
        self.chain = QLabel()
        self.chain.setWordWrap(True)
        self.chain.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.chain)
        self.chain_checked = False
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Đó&ng"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 380)

    def start(self) -> None:
        BackgroundCheck(
            self,
            self.path,
            done=self.show_result,
            failed=self.show_failure,
            interrupted=self.show_interrupted,
        )

    def show_interrupted(self) -> None:
        self.busy.hide()
        self.finished_check = True
        self.summary.setText(
            self.tr("Đã dừng kiểm tra vì tệp {name} đã được đóng.").format(name=self.path.name)
        )

    def show_result(self, found: Found) -> None:
        from db.deep_check import describe

        self.problems, self.bad = found
        self.busy.hide()
        self.finished_check = True
        if self.problems:
            # SQLite's findings are English page numbers an officer cannot act on: the log
            # keeps them for whoever helps; the dialog says what to do.
            log.error("the file check found page damage in %s: %s", self.path, self.problems[:200])
            self._say(
                self.tr(
                    "Tệp dữ liệu bị hỏng ở mức trang dữ liệu (SQLite tìm thấy {n} lỗi, chi tiết "
                    "đã ghi vào nhật ký). Hãy khôi phục từ bản sao lưu gần nhất: Tệp → Khôi "
                    "phục từ bản sao lưu… (bản đang mở được giữ nguyên vẹn để có thể hoàn tác)."
                ).format(n=len(self.problems)),
                [],
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

        if not self.problems:
            self._check_chain()

    def _check_chain(self) -> None:
        from db.audit import verify_path

        self.chain.setText(self.tr("Đang kiểm tra chuỗi mã của nhật ký thay đổi…"))
        path = self.path
        start_job(
            self,
            lambda _progress: verify_path(path),
            done=self._chain_done,
            failed=self._chain_failed,
        )

    def _chain_done(self, broken: Any) -> None:
        self.chain_checked = True
        if broken is None:
            self.chain.setText(
                self.tr("Nhật ký thay đổi nguyên vẹn: chuỗi mã kiểm tra khớp đến dòng cuối.")
            )
            return
        self.chain.setText(
            broken.message
            + " "
            + self.tr(
                "Dữ liệu các hộ vẫn dùng được; nhật ký từ dòng này về sau không còn tin được. "
                "Hãy báo cán bộ phụ trách và giữ nguyên tệp cùng các bản sao lưu của nó."
            )
        )
        self.chain.setStyleSheet("color: #b3261e;")

    def _chain_failed(self, exc: BaseException) -> None:
        log.error("checking the audit chain of %s failed", self.path, exc_info=exc)
        self.chain_checked = True
        self.chain.setText(
            self.tr("Không kiểm tra được nhật ký thay đổi: {why}").format(why=failure_text(exc))
        )

    def show_failure(self, exc: BaseException) -> None:
        log.error("the file check of %s could not run", self.path, exc_info=exc)
        self.busy.hide()
        self.finished_check = True
        self._say(
            self.tr("Không kiểm tra được tệp {name}: {why}").format(
                name=self.path.name, why=failure_text(exc)
            ),
            [],
        )

    def _say(self, text: str, lines: list[str]) -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #b3261e;")
        self.list.clear()
        self.list.addItems(lines)
        self.list.setVisible(bool(lines))


def open_file_check(window: Any, found: Found | None = None) -> FileCheckDialog | None:
    """Shows the dialog for the window's open file (not modal: work goes on) and starts
    the check, or shows ``found``, what the check after opening found."""
    store = window.store
    if store is None:
        return None
    dialog = FileCheckDialog(Path(store.path), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    if found is None:
        dialog.start()
    else:
        dialog.show_result(found)
    return dialog
