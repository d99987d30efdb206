from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.about_dialog import AboutDialog
from desktop.app import configure_app
from desktop.main_window import MainWindow
from rasoat import __version__


def test_main_window_opens_with_vietnamese_title_and_menus(qtbot: QtBot, qapp) -> None:
    configure_app(qapp)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert "Rà soát hộ nghèo, hộ cận nghèo" in window.windowTitle()
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[:4] == ["Tệp", "Hộ gia đình", "Báo cáo", "Trợ giúp"]


def test_about_dialog_shows_version(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert __version__ in dialog.text.text()
