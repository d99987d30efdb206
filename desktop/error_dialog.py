"""What an officer sees when the program hits an error nobody foresaw: a short Vietnamese
message saying the saved data is safe and where the log is — never a traceback, and never a
closed window. The traceback goes to the log file (``rasoat.logs``).

Nothing is lost by carrying on: every change to a commune file is a committed SQLite
transaction, so the open file stays open and consistent; the failed action simply did not
happen.

``install_excepthook()`` routes every uncaught exception (a Qt slot's included: PySide calls
``sys.excepthook`` for them and keeps the event loop running) to the log and this dialog.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from rasoat import logs

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def error_message(log_file: Path) -> str:
    return (
        "Chương trình gặp một lỗi không lường trước, việc vừa làm chưa được thực hiện.\n\n"
        "Dữ liệu đã lưu vẫn an toàn và tệp xã vẫn đang mở; bạn có thể làm tiếp hoặc "
        "thử lại.\n\n"
        f"Chi tiết lỗi đã được ghi vào nhật ký:\n{log_file}\n"
        "Nếu lỗi lặp lại, hãy gửi tệp này cho người hỗ trợ."
    )


class ErrorDialog(QMessageBox):
    def __init__(self, log_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Lỗi không mong muốn"))
        self.setText(self.tr("Đã xảy ra lỗi không mong muốn."))
        self.setInformativeText(error_message(log_file))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = self.addButton(
            self.tr("Mở thư mục nhật ký"), QMessageBox.ButtonRole.ActionRole
        )
        self.open_folder_button.clicked.connect(self.open_log_folder)
        self.addButton(self.tr("Đóng"), QMessageBox.ButtonRole.AcceptRole)

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_file.parent)))


class ErrorReporter(QObject):
    """Lives in the GUI thread; ``report`` may be emitted from any thread (a worker's uncaught
    error), and Qt queues it to the GUI thread, where widgets may be touched."""

    report = Signal()

    def __init__(self, parent_widget: Callable[[], QWidget | None]) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self.dialog: ErrorDialog | None = None
        self.count = 0
        self.report.connect(self.show_dialog)

    def show_dialog(self) -> None:
        self.count += 1
        # One dialog at a time: an error repeating in a paint or timer slot must not bury the
        # screen under message boxes; the log has every occurrence.
        if self.dialog is not None and self.dialog.isVisible():
            return
        self.dialog = ErrorDialog(logs.current_log_file(), self._parent_widget())
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        # open(), not exec(): no nested event loop inside whatever slot just failed.
        self.dialog.open()


_installed: tuple[ErrorReporter, ExceptHook] | None = None


def install_excepthook(parent_widget: Callable[[], QWidget | None] | None = None) -> ErrorReporter:
    """Logs every uncaught exception and shows the error dialog (over ``parent_widget()``,
    by default the active window). Needs a QApplication; returns the reporter (tests look
    at it). Installing again replaces the previous hook."""
    global _installed
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("install_excepthook needs a QApplication")
    previous = _installed[1] if _installed else sys.excepthook
    reporter = ErrorReporter(parent_widget or QApplication.activeWindow)
    reporter.moveToThread(app.thread())

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        logs.log_uncaught(exc_type, exc, tb)
        reporter.report.emit()

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
    _installed = (reporter, previous)
    return reporter


def uninstall_excepthook() -> None:
    global _installed
    if _installed is not None:
        sys.excepthook = _installed[1]
        threading.excepthook = threading.__excepthook__
        _installed = None
