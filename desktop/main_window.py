"""The main window: menus and the household list of the open commune file."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QWidget

from rasoat import APP_NAME


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("{app} — Rà soát hộ nghèo, hộ cận nghèo").format(app=APP_NAME))
        self.resize(1100, 700)
        self.menus: dict[str, QMenu] = {}
        self._build_menus()
        placeholder = QLabel(self.tr("Chưa mở tệp dữ liệu xã."))
        placeholder.setMargin(24)
        self.setCentralWidget(placeholder)
        self.statusBar().showMessage(self.tr("Sẵn sàng"))

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for key, title in (
            ("file", self.tr("&Tệp")),
            ("household", self.tr("&Hộ gia đình")),
            ("report", self.tr("&Báo cáo")),
            ("help", self.tr("Trợ &giúp")),
        ):
            self.menus[key] = bar.addMenu(title)
        quit_action = QAction(self.tr("&Thoát"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menus["file"].addAction(quit_action)
        about = QAction(self.tr("&Giới thiệu"), self)
        about.triggered.connect(self.show_about)
        self.menus["help"].addAction(about)

    def show_about(self) -> None:
        from desktop.about_dialog import AboutDialog

        AboutDialog(self).exec()
