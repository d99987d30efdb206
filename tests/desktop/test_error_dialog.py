"""An exception inside a Qt slot: logged, a short Vietnamese dialog, and the app carries on."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QThread
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.error_dialog import ErrorDialog, install_excepthook, uninstall_excepthook
from rasoat import logs


@pytest.fixture
def hooked_log() -> Iterator[Path]:
    root = logging.getLogger()
    handlers = list(root.handlers)
    file = logs.setup_logging()
    yield file
    uninstall_excepthook()
    for h in root.handlers:
        if h not in handlers:
            h.close()
    root.handlers[:] = handlers


class Window(QWidget):
    """A window with a broken button and a working one: the working one must still work."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = QPushButton("Lỗi")
        self.working = QPushButton("Được")
        self.label = QLabel("")
        layout = QVBoxLayout(self)
        for w in (self.broken, self.working, self.label):
            layout.addWidget(w)
        self.broken.clicked.connect(self.fail)
        self.working.clicked.connect(lambda: self.label.setText("vẫn chạy"))

    def fail(self) -> None:
        raise RuntimeError("hỏng ở giữa một thao tác")


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_shows_the_dialog_and_the_app_keeps_running(
    qtbot, hooked_log: Path
) -> None:
    window = Window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    reporter = install_excepthook(lambda: window)

    qtbot.mouseClick(window.broken, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert isinstance(dialog, ErrorDialog)
    text = dialog.text() + dialog.informativeText()
    assert str(hooked_log) in text
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    assert "tệp xã vẫn đang mở" in text
    # The traceback is in the log instead.
    for h in logging.getLogger().handlers:
        h.flush()
    logged = hooked_log.read_text(encoding="utf-8")
    assert "Traceback" in logged
    assert "hỏng ở giữa một thao tác" in logged

    # A second failure while the dialog is up does not stack a second dialog.
    qtbot.mouseClick(window.broken, Qt.MouseButton.LeftButton)
    assert reporter.count == 2
    assert reporter.dialog is dialog

    dialog.accept()
    assert window.isVisible()
    qtbot.mouseClick(window.working, Qt.MouseButton.LeftButton)
    assert window.label.text() == "vẫn chạy"


@pytest.mark.qt_no_exception_capture
def test_keyboard_interrupt_is_not_reported(
    qtbot, hooked_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda t, e, tb: seen.append(t))
    reporter = install_excepthook()
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert seen == [KeyboardInterrupt]
    assert reporter.count == 0


def test_uninstall_restores_the_previous_hook(qtbot, hooked_log: Path) -> None:
    before = sys.excepthook
    install_excepthook()
    assert sys.excepthook is not before
    install_excepthook()  # a second install replaces, and still restores the original
    uninstall_excepthook()
    assert sys.excepthook is before


@pytest.mark.qt_no_exception_capture
def test_a_failing_menu_action_keeps_the_commune_file_open(
    qtbot, app, hooked_log: Path, commune_path: Path
) -> None:
    from PySide6.QtGui import QAction

    from db.store import Store
    from desktop.commune_file import open_store
    from desktop.main_window import MainWindow

    store = open_store(commune_path)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    reporter = install_excepthook(lambda: window)

    def broken() -> None:
        store.add_village("Thôn Trước Lỗi")
        raise ValueError("lỗi giữa chừng")

    action = QAction("Hỏng", window)
    action.triggered.connect(broken)
    action.trigger()

    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.dialog is not None
    reporter.dialog.accept()
    # The window, its file and the work saved before the error are all still there.
    assert window.isVisible()
    assert window.store is store
    store.add_village("Thôn Sau Lỗi")
    store.close()
    with Store.open(commune_path, user="kiểm tra", device="test") as again:
        names = {v.name for v in again.villages()}
    assert {"Thôn Trước Lỗi", "Thôn Sau Lỗi"} <= names


class FailingWorker(QObject):
    def run(self) -> None:
        raise OSError("ổ USB bị rút ra giữa chừng")


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_worker_thread_reaches_the_gui_thread(qtbot, hooked_log: Path) -> None:
    window = Window()
    qtbot.addWidget(window)
    window.show()
    reporter = install_excepthook(lambda: window)
    thread = QThread()
    worker = FailingWorker()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    thread.start()
    try:
        # The dialog is made in the GUI thread (widgets must never be touched from a worker).
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        assert reporter.dialog is not None
        assert reporter.dialog.thread() is window.thread()
    finally:
        thread.quit()
        thread.wait()
    for h in logging.getLogger().handlers:
        h.flush()
    assert "ổ USB bị rút ra giữa chừng" in hooked_log.read_text(encoding="utf-8")
