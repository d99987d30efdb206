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


def test_first_start_opens_the_demo_commune(qtbot: QtBot, qapp) -> None:
    from desktop.app import open_startup_file
    from rasoat import paths

    configure_app(qapp)
    window = MainWindow()
    qtbot.addWidget(window)
    assert not paths.demo_file().exists()
    open_startup_file(window, None)
    assert window.store is not None
    assert window.store.path == paths.demo_file()
    assert window.list.model.rowCount() == 300
    assert "Hộ nghèo:" in window.counts.text()
    window.close()


def test_delete_asks_and_keeps_history(qtbot: QtBot, qapp, store) -> None:
    from forms.model import Household, Member, Relationship

    configure_app(qapp)
    h = Household(
        code="D1",
        village="Thôn Nà Lầu",
        members=[Member(name="Vi Văn Khánh", relationship=Relationship.HEAD)],
    )
    store.save_household(h)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.list.view.selectRow(0)
    window.confirm_delete = lambda _text: False  # the user answers "No"
    assert not window.delete_selected()
    assert store.get_household(h.id) is not None
    window.confirm_delete = lambda _text: True
    assert window.delete_selected()
    assert window.list.model.rowCount() == 0
    assert [e.action for e in store.audit_for_household(h.id)][-1] == "delete"


def test_recent_files_menu_lists_the_opened_file(qtbot: QtBot, qapp, commune_path) -> None:
    configure_app(qapp)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(commune_path)
    window._fill_recent()
    assert [a.text() for a in window.recent_menu.actions()] == [str(commune_path.resolve())]
    window.close()


def test_closing_with_a_recount_pending_does_not_touch_the_closed_file(
    qtbot: QtBot, qapp, commune_path
) -> None:
    # Search schedules the per-category counts a moment later; closing the window in
    # between used to run them against the closed store (an error in the event loop).
    from desktop.main_window import COUNTS_DELAY_MS

    configure_app(qapp)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(commune_path)
    window.list.counts_changed.emit()
    window.close()
    assert window.store is None
    qtbot.wait(COUNTS_DELAY_MS * 2)


def _large_commune(commune_path, monkeypatch, *, damaged: bool):
    from db.store import Store
    from forms.demo import generate_households

    with Store.open(commune_path, user="a", device="b") as store, store.transaction():
        for h in generate_households(200):
            store.save_household(h)
    monkeypatch.setattr("db.store.FULL_CHECK_LIMIT", 0)  # as a district-size file
    if damaged:
        with commune_path.open("r+b") as f:
            f.seek(commune_path.stat().st_size - 4096 * 4)
            f.write(b"\xde\xad\xbe\xef" * 1024)


def test_a_large_file_opens_at_once_and_is_checked_behind(
    qtbot: QtBot, qapp, commune_path, monkeypatch
) -> None:
    configure_app(qapp)
    _large_commune(commune_path, monkeypatch, damaged=False)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(commune_path)
    assert "Đang kiểm tra" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: "không có lỗi" in window.statusBar().currentMessage(), timeout=10_000)
    assert window.store is not None
    assert window.list.model.rowCount() == 200
    window.close()


def test_a_damaged_large_file_is_closed_with_the_way_out(
    qtbot: QtBot, qapp, commune_path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    configure_app(qapp)
    _large_commune(commune_path, monkeypatch, damaged=True)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(commune_path)  # shown at once, before the check
    qtbot.waitUntil(lambda: window.store is None, timeout=10_000)
    assert "rasoat db restore" in window.damaged_message
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert [b.windowTitle() for b in boxes] == ["Tệp dữ liệu bị hỏng"]
    boxes[0].close()


def test_meeting_votes_refresh_the_list_when_it_is_shown_again(qtbot: QtBot, qapp, store) -> None:
    from tests.desktop.conftest import poor_household, save_classified

    configure_app(qapp)
    for code in ("P1", "P2"):
        save_classified(store, poor_household(code, "Thôn Nà Lầu"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.list.resurvey.setChecked(True)  # the list shows the households voted down
    assert window.list.model.rowCount() == 0
    window.tabs.setCurrentWidget(window.meeting)
    window.meeting.village.setCurrentIndex(window.meeting.village.findData("Thôn Nà Lầu"))
    assert window.meeting.set_vote(0, 25, 30)
    assert window.meeting.set_vote(1, 12, 30)
    # Not re-queried on every vote (at 100,000 households that was most of each vote's time).
    assert window.list.model.rowCount() == 0
    window.tabs.setCurrentWidget(window.list)
    assert [window.list.model.row_at(r).code for r in range(window.list.model.rowCount())] == ["P2"]
    assert "Hộ nghèo: 1" in window.counts.text()


def test_recent_files_menu_keeps_as_many_as_the_setting(qtbot: QtBot, qapp, tmp_path) -> None:
    from rasoat import settings

    configure_app(qapp)
    files = [tmp_path / f"xa-{i}.rasoat.sqlite" for i in range(4)]
    for f in files:
        settings.remember_file(f)
    settings.update(recent_files_kept=2)  # as the settings dialog saves it
    window = MainWindow()
    qtbot.addWidget(window)
    window._fill_recent()
    assert [a.text() for a in window.recent_menu.actions()] == [
        str(files[3].resolve()),
        str(files[2].resolve()),
    ]
