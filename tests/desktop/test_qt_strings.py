"""Qt's own dialogs speak Vietnamese (desktop/qt_strings.py, resources/i18n/qt_vi.toml).

Each dialog Qt builds for us is opened offscreen with a recorder that sees every text Qt asks
a translator for: a text with no Vietnamese in the table fails, and so does a known English
word left anywhere in the dialog."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer, QTranslator
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.qt_strings import table

ENGLISH = re.compile(
    r"\b(Look in|File name|Files of type|Open|Save|Cancel|Yes|No|OK|Back|Forward|Name|Size|"
    r"Type|Date Modified|Print|Options|Copies|Undo|Redo|Cut|Copy|Paste|Delete|Select All|"
    r"Directory|Folder|Computer|Details|Close|Apply|Help|Printer|Properties|Preview|Location|"
    r"Discard|Reset|Retry|Abort|Ignore|Step up|Step down|Pages|Collate|Color)\b"
)
# Qt asks for these too; they are the same in Vietnamese, or not words.
NOT_WORDS = {
    ("QGuiApplication", "QT_LAYOUT_DIRECTION"),
    ("QProgressBar", "%p%"),
    ("QPageSize", "A4"),
    ("QFileDialog", "Alt+Left"),
    ("QFileDialog", "Alt+Right"),
    ("QFileDialog", "Alt+Up"),
    ("QPrintWidget", "..."),
}

# Names of keys in shortcuts (Ctrl, Esc, Enter …): printed so on every keyboard.
KEY_NAMES = {"QShortcut"}


class Recorder(QTranslator):
    """Sees every look-up first (the last translator installed is asked first), answers none."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[tuple[str, str]] = set()

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        self.asked.add((context, source))
        return None

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def recorder(app: Any) -> Iterator[Recorder]:
    recorder = Recorder()
    QCoreApplication.installTranslator(recorder)
    yield recorder
    QCoreApplication.removeTranslator(recorder)


def texts_of(widget: QWidget) -> list[str]:
    found = [widget.windowTitle()]
    for child in [widget, *widget.findChildren(QWidget)]:
        if not child.isVisible() and child is not widget:
            continue
        if isinstance(child, QLabel | QAbstractButton):
            found.append(child.text())
        if isinstance(child, QAbstractButton | QLabel):
            found.append(child.toolTip())
        if isinstance(child, QLineEdit):
            found.append(child.placeholderText())
        if isinstance(child, QComboBox):
            found += [child.itemText(i) for i in range(child.count())]
        if isinstance(child, QHeaderView) and child.model() is not None:
            model = child.model()
            found += [
                str(model.headerData(i, child.orientation()) or "") for i in range(child.count())
            ]
    for menu in widget.findChildren(QMenu):
        found += [a.text() for a in menu.actions()]
    return [t.replace("&", "") for t in found if t]


def check(recorder: Recorder, widget: QWidget) -> None:
    missing = sorted(
        (c, s)
        for c, s in recorder.asked
        if (c, s) not in NOT_WORDS
        and c not in KEY_NAMES
        and c.startswith("Q")
        and s not in table().get(c, {})
    )
    assert missing == []
    english = [t for t in texts_of(widget) if ENGLISH.search(t)]
    assert english == []


def shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize(
    "setup",
    [
        lambda d: None,
        lambda d: d.setAcceptMode(QFileDialog.AcceptMode.AcceptSave),
        lambda d: d.setFileMode(QFileDialog.FileMode.Directory),
        lambda d: d.setFileMode(QFileDialog.FileMode.ExistingFiles),
    ],
    ids=["open", "save", "folder", "many-files"],
)
def test_file_dialogs(
    qtbot: QtBot, recorder: Recorder, tmp_path: Any, setup: Callable[[QFileDialog], None]
) -> None:
    (tmp_path / "xa-thu.rasoat.sqlite").write_bytes(b"")
    dialog = QFileDialog(None, "Mở tệp xã", str(tmp_path), "Tệp Rà soát (*.sqlite)")
    assert QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    setup(dialog)
    shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.findChild(QHeaderView) is not None)
    check(recorder, dialog)
    dialog.close()


def test_message_box_standard_buttons(qtbot: QtBot, recorder: Recorder) -> None:
    buttons = QMessageBox.StandardButton
    all_buttons = buttons.NoButton
    for b in (buttons.Yes, buttons.No, buttons.Ok, buttons.Cancel, buttons.Save, buttons.Close):
        all_buttons |= b
    box = QMessageBox(QMessageBox.Icon.Question, "Xoá hộ", "Xoá hộ H-0001?", all_buttons)
    box.setDetailedText("Lịch sử vẫn được giữ lại.")
    shown(qtbot, box)
    check(recorder, box)
    assert box.button(buttons.Yes).text() == "&Có"
    box.close()


def test_print_input_and_progress_dialogs(qtbot: QtBot, recorder: Recorder) -> None:
    printer = QPrinter()
    for dialog in (
        QPrintDialog(printer),
        QInputDialog(),
        QProgressDialog("Đang lập báo cáo…", "Hủy", 0, 0),
    ):
        shown(qtbot, dialog)
        check(recorder, dialog)
        dialog.close()


@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit])
def test_context_menus_of_text_boxes(qtbot: QtBot, recorder: Recorder, kind: type) -> None:
    box = shown(qtbot, kind())
    menu = box.createStandardContextMenu()
    texts = [a.text().replace("&", "").split("\t")[0] for a in menu.actions() if a.text()]
    assert "Sao chép" in texts
    assert [t for t in texts if ENGLISH.search(t)] == []
    check(recorder, box)


def test_spin_box_context_menu(qtbot: QtBot, recorder: Recorder) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent

    spin = shown(qtbot, QSpinBox())
    seen: list[str] = []

    def read_and_close() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QMenu) and w.isVisible():
                seen.extend(a.text().replace("&", "").split("\t")[0] for a in w.actions())
                w.close()

    QTimer.singleShot(50, read_and_close)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(2, 2), QPoint(2, 2))
    QApplication.sendEvent(spin, event)
    assert "Tăng" in seen
    assert [t for t in seen if ENGLISH.search(t)] == []
    check(recorder, spin)


def test_deleting_a_household_asks_in_vietnamese_and_keeps_by_default(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from desktop.main_window import MainWindow
    from tests.desktop.conftest import poor_household, save_classified

    save_classified(store, poor_household("H-0001", "Thôn Nà Lầu"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.list.refresh()
    window.list.view.selectRow(0)
    seen: dict[str, Any] = {}

    def answer_with_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["buttons"] = [b.text() for b in box.buttons()]
        seen["default"] = box.defaultButton().text()
        seen["english"] = [t for t in texts_of(box) if ENGLISH.search(t)]
        from PySide6.QtTest import QTest

        QTest.keyClick(box, Qt.Key.Key_Return)  # Enter: the safe choice

    QTimer.singleShot(100, answer_with_enter)
    assert window.delete_selected() is False
    assert seen["default"] == "&Không xoá"
    assert "&Xoá hộ" in seen["buttons"]
    assert seen["english"] == []
    assert store.get_household(window.list.current_id()) is not None
    window.close()
