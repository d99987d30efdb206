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
    # The counts per category follow the list's first paint.
    qtbot.waitUntil(lambda: "Hộ nghèo:" in window.counts.text())
    # The demo is said in a line of its own, which hovering a menu (its status tips replace
    # the status bar's message) does not take away.
    window.show()
    qtbot.waitExposed(window)
    assert window.demo_banner is not None
    assert window.demo_banner.isVisible()
    assert "xã mẫu" in window.demo_banner.text()
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(window, QStatusTipEvent("Tạo tệp xã mới"))
    assert window.demo_banner.isVisible()
    window.close()


def test_an_ordinary_commune_has_no_demo_banner(qtbot: QtBot, qapp, store) -> None:
    configure_app(qapp)
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert window.demo_banner is None
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
    # On another tab the list's selection is out of sight: nothing is asked or deleted.
    asked: list[str] = []
    window.confirm_delete = lambda text: asked.append(text) or True
    window.tabs.setCurrentWidget(window.meeting)
    assert not window.delete_selected()
    assert asked == []
    assert "Danh sách hộ" in window.statusBar().currentMessage()
    assert store.get_household(h.id) is not None
    window.tabs.setCurrentWidget(window.list)
    assert window.delete_selected()
    assert asked == ["D1 — Vi Văn Khánh"]
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


def test_a_file_its_check_cannot_read_on_a_read_only_place_is_not_called_damaged(
    qtbot: QtBot, qapp, commune_path, monkeypatch
) -> None:
    """The check behind every opening (``db.store.check_file``) meeting a place that cannot
    be written (a stick the system remounted read-only after an error) closes the file
    saying so, not under "Tệp dữ liệu bị hỏng"."""
    from pathlib import Path

    from PySide6.QtWidgets import QMessageBox

    from db.errors import ReadOnlyPlace

    configure_app(qapp)
    monkeypatch.setattr("db.store.check_file", lambda path: ReadOnlyPlace(Path(path)))
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(commune_path)
    qtbot.waitUntil(lambda: window.store is None, timeout=10_000)
    assert window.damaged_message.startswith(f"Không ghi được vào tệp {commune_path}: tệp nằm ở")
    assert "hỏng" not in window.damaged_message
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert [b.windowTitle() for b in boxes] == ["Tệp dữ liệu nằm ở nơi chỉ cho đọc"]
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
    # Voted down: on no list until a new vote, so counted as not determined, not as poor
    # (counted in a worker: waited for).
    qtbot.waitUntil(lambda: "Chưa xác định: 1" in window.counts.text())
    assert "Hộ nghèo: 0" in window.counts.text()


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


def test_main_window_fits_a_1024_by_768_screen(qtbot: QtBot, qapp, tmp_path) -> None:
    # Commune officers' laptops: 1366x768 at best, often 1024x768. The window used to need
    # 1,278 px (the filter row, the causes page and the status bar's counts side by side).
    from db.demo import create_demo_commune
    from desktop.commune_file import open_store

    configure_app(qapp)
    path = create_demo_commune(tmp_path / "xa-mau.rasoat.sqlite")
    store = open_store(path)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.statusBar().showMessage(
        "Đang mở xã mẫu (dữ liệu giả để làm quen). Vào Tệp → Tạo tệp xã mới… "
        "để bắt đầu với xã của bạn."
    )
    assert window.minimumSizeHint().width() <= 1000
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    assert window.width() == 1024
    search = window.list.search
    for widget in (
        search,
        window.list.round,
        window.list.village,
        window.list.category,
        window.list.transition,
        window.list.resurvey,
        window.list.view,
    ):
        assert widget.isVisible(), widget
        assert widget.width() > 0, widget
        # inside the window, not pushed off its right edge
        right = widget.mapTo(window, widget.rect().topRight()).x()
        assert right < window.width(), widget
    # the search hint is still whole
    hint = search.fontMetrics().horizontalAdvance(search.placeholderText())
    assert hint < search.width()
    assert window.list.view.height() > 200
    # the head's name keeps its room, the other columns give way
    from desktop.household_list import COLUMN_WIDTHS, NAME_MIN_WIDTH

    header = window.list.view.horizontalHeader()
    assert header.sectionSize(1) >= NAME_MIN_WIDTH
    assert header.sectionSize(7) < COLUMN_WIDTHS[7][0]
    assert header.length() <= window.list.view.viewport().width()
    window.list.village.setCurrentIndex(1)  # a new query keeps the widths fitted
    search.setText("nguyen")
    window.list.apply_search()
    assert not window.list.columns_set_by_user
    header.resizeSection(7, 300)  # the user's own width stays
    window.resize(1100, 768)
    assert header.sectionSize(7) == 300
    # the whole text, whatever is shown of it (the counts follow the list)
    qtbot.waitUntil(lambda: "Hộ nghèo:" in window.counts.text())

    from PySide6.QtWidgets import QBoxLayout, QScrollArea

    window.resize(1024, 768)

    assert window.open_household(window.list.current_id() or window.list.model.household_id(0))
    editor = window.editor
    for step in range(len(editor.steps)):
        editor.go_to_step(step)
        qtbot.wait(1)
        for widget in (editor.step_list, editor.stack.currentWidget(), editor.panel):
            assert widget.isVisible(), (step, widget)
            assert widget.width() > 0, (step, widget)
            right = widget.mapTo(window, widget.rect().topRight()).x()
            assert right < window.width(), (step, widget)
    # the causes and needs one under the other, not side by side (780 px)
    assert editor.causes.columns.direction() == QBoxLayout.Direction.TopToBottom
    # the members' answers under their questions, not past the right edge
    editor.go_to_step(4)
    qtbot.wait(1)
    [scroll] = editor.members.findChildren(QScrollArea)
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    editor.dirty = False
    window.close()


def test_form_questions_wrap_only_where_the_screen_is_narrow(qtbot: QtBot, qapp, tmp_path) -> None:
    # Phiếu A's questions are long: at 1024 px they used to push the answers off the page
    # (a sideways scroll); wrapping every label would wrap them on a wide screen too.
    from PySide6.QtWidgets import QLabel, QScrollArea

    from db.demo import create_demo_commune
    from desktop.commune_file import open_store
    from desktop.form_page import FormPage

    configure_app(qapp)
    store = open_store(create_demo_commune(tmp_path / "xa-mau.rasoat.sqlite"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_household(window.list.model.household_id(0))
    editor = window.editor
    pages = [
        (step, page)
        for step in range(len(editor.steps))
        if isinstance(page := editor.stack.widget(step), FormPage)
    ]
    assert len(pages) >= 3  # Phiếu A, B1, B2
    for step, page in pages:
        editor.go_to_step(step)
        qtbot.wait(1)
        [scroll] = page.findChildren(QScrollArea)
        assert scroll.horizontalScrollBar().maximum() == 0, page.form.title
    window.resize(1366, 768)
    checked = 0
    for step, page in pages:
        editor.go_to_step(step)
        qtbot.wait(1)
        [scroll] = page.findChildren(QScrollArea)
        room = scroll.viewport().width() * 0.55  # leaves the answer room enough
        for label in page.findChildren(QLabel):
            if label.buddy() is None:
                continue
            metrics = label.fontMetrics()
            if metrics.horizontalAdvance(label.text()) + 4 <= room:
                lines = label.heightForWidth(label.width()) // metrics.lineSpacing()
                assert lines == 1, label.text()
                checked += 1
    assert checked > 10


def test_the_tabs_beside_the_list_are_built_when_first_shown(qtbot: QtBot, qapp, store) -> None:
    from desktop.meeting_mode import MeetingMode
    from tests.desktop.conftest import poor_household, save_classified

    configure_app(qapp)
    save_classified(store, poor_household("P1", "Thôn Nà Lầu"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.list.painted)
    # Not built for the first paint: an empty page holds each one's place.
    assert window.findChildren(MeetingMode) == []
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.tabs.setCurrentIndex(1)  # as a click on "Họp dân bình xét"
    assert window.tabs.currentWidget() is window.meeting
    assert isinstance(window.meeting, MeetingMode)
    assert window.meeting.village.count() > 0  # shown: filled as before
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == titles
    # Asked for by name before it was shown: built in its place, the list still shown.
    window.tabs.setCurrentIndex(0)
    posting = window.posting
    assert window.tabs.indexOf(posting) == 2
    assert window.tabs.currentWidget() is window.list
    window.close()


def test_an_older_file_opened_says_it_was_upgraded_and_where_the_copy_is(
    qtbot: QtBot, qapp, tmp_path
) -> None:
    """The laptops still on the version that made it can no longer open it: the window says
    so, with the copy from before the upgrade, instead of upgrading it without a word."""
    from pathlib import Path

    from PySide6.QtWidgets import QMessageBox

    from db import backup, driver
    from db.migrations import LATEST, migrate
    from db.store import APPLICATION_ID

    path = Path(tmp_path) / "xa-cu.sqlite"
    conn = driver.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(conn, target=10)
    conn.execute("INSERT INTO commune VALUES (1, '15', 'Lào Cai', '2947', 'Xã Bảo Yên', 'rural')")
    conn.close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(path)
    box = window.findChild(QMessageBox, "upgraded_notice")
    assert box is not None
    assert box.isVisible()
    [kept] = backup.list_backups(path, "migration")
    assert f"cấu trúc dữ liệu số 10 lên số {LATEST}" in box.text()
    assert str(kept) in box.text()
    box.close()
    window.close()
