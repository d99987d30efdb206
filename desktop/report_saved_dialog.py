"""After a print: where the file went, with buttons to open it or its folder.

Non-modal (``show()``, never ``exec()``): the officer carries on working, and a long session
of prints keeps one such window, updated by each print, instead of a stack of them. Esc or
"Đóng" closes it. The system's viewer is asked through ``open_in_system`` and never waited
on; a machine with no viewer for PDF (``openUrl`` returns False) is not an error, the path is
there to copy.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# Platforms with no screen a viewer could show on: the tests' offscreen one, and minimal.
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal"})


def opens_automatically() -> bool:
    """A printed document opens in the system's viewer by itself, except where nobody could
    see it (offscreen: the tests and the self-test must never start a viewer)."""
    return QGuiApplication.platformName() not in HEADLESS_PLATFORMS


def open_in_system(path: Path) -> bool:
    """Hands ``path`` (a file or a folder) to the system; False when nothing took it.
    ``openUrl`` starts the viewer detached and returns at once."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class ReportSavedDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Đã lập báo cáo"))
        self.setModal(False)
        self.path: Path | None = None
        layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        # The path is to be copied into an e-mail or a file manager.
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.path_label)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox()
        self.folder_button = QPushButton(self.tr("Mở thư &mục"))
        self.file_button = QPushButton(self.tr("Mở &tệp"))
        self.close_button = QPushButton(self.tr("Đó&ng"))
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.folder_button.clicked.connect(self.open_folder)
        self.file_button.clicked.connect(self.open_file)
        self.close_button.clicked.connect(self.reject)
        self.close_button.setDefault(True)  # Enter, like Esc, only closes
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def show_saved(self, title: str, path: Path, *, open_file: bool) -> None:
        """Says where ``title`` was written; opens it first when ``open_file``."""
        self.path = path
        self.message.setText(self.tr("Đã lưu “{t}” vào tệp:").format(t=title))
        self.path_label.setText(str(path))
        self.note.setVisible(False)
        if open_file:
            self.open_file()
        self.show()
        self.close_button.setFocus()  # Enter closes it, as Esc does; Tab reaches the others
        if QGuiApplication.platformName() not in HEADLESS_PLATFORMS:
            self.raise_()  # still open from an earlier print, perhaps behind the window

    def open_file(self) -> bool:
        return self._open(
            self.path,
            self.tr(
                "Không mở được tệp tự động: máy này chưa có chương trình mở loại tệp này. Tệp "
                "đã lưu ở đường dẫn trên: chép sang máy có chương trình đó để xem và in."
            ),
        )

    def open_folder(self) -> bool:
        folder = self.path.parent if self.path is not None else None
        return self._open(
            folder,
            self.tr("Không mở được thư mục tự động. Tệp đã lưu ở đường dẫn trên."),
        )

    def _open(self, target: Path | None, failed: str) -> bool:
        if target is None or self.path is None:
            return False
        opened = open_in_system(target)
        if not opened:
            self.note.setText(failed)  # the path is on the line above, once
        self.note.setVisible(not opened)
        return opened
