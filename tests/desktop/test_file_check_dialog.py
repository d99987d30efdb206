"""Tệp → Kiểm tra tệp dữ liệu… (issue 16): the deep check runs in a worker and names the
damaged households by code; the file stays open and the other households can be worked on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from db import driver
from desktop.file_check_dialog import FileCheckDialog
from desktop.main_window import MainWindow

from .conftest import poor_household, save_classified


def _set_doc(path: Path, code: str, change: bool) -> None:
    """One changed byte inside a household's stored JSON (SQLite's check still passes), or
    that byte put back."""
    conn = driver.connect(path)
    try:
        hid, doc = conn.execute("SELECT id, doc FROM households WHERE code = ?", (code,)).fetchone()
        i = doc.index('"', 5) if change else doc.index("#")
        conn.execute(
            "UPDATE households SET doc = ? WHERE id = ?",
            (doc[:i] + ("#" if change else '"') + doc[i + 1 :], hid),
        )
        conn.commit()
    finally:
        conn.close()


def _run_from_menu(qtbot: QtBot, window: MainWindow) -> FileCheckDialog:
    action = next(a for a in window.menus["file"].actions() if a.text() == "K&iểm tra tệp dữ liệu…")
    action.trigger()
    dialog = window.findChild(FileCheckDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.finished_check)
    return dialog


def test_damaged_households_are_named_and_the_rest_stays_open(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path
) -> None:
    for i in range(4):
        save_classified(store, poor_household(f"NL-{i:03d}", "Thôn Nà Lầu"))
    _set_doc(store.path, "NL-002", change=True)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    dialog = _run_from_menu(qtbot, window)
    assert [code for code, _ in dialog.bad] == ["NL-002"]
    assert "Có 1 hộ bị hỏng dữ liệu" in dialog.summary.text()
    assert "Các hộ khác không bị ảnh hưởng" in dialog.summary.text()
    items = dialog.findChild(QListWidget)
    assert items is not None
    assert [items.item(i).text() for i in range(items.count())] == [
        "Hộ NL-002: thông tin hộ bị hỏng, không đọc được."
    ]
    dialog.grab().save(str(tmp_path / "file_check.png"))
    # Nothing was closed: the file is open and another household still saves.
    assert window.store is store
    save_classified(store, poor_household("NL-010", "Thôn Nà Lầu"))
    dialog.close()
    # Put back, or closing the window would (rightly) refuse the backup, naming NL-002.
    _set_doc(store.path, "NL-002", change=False)


def test_a_sound_file_is_said_sound(qtbot: QtBot, app: Any, store: Any) -> None:
    save_classified(store, poor_household("NL-001", "Thôn Nà Lầu"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    dialog = _run_from_menu(qtbot, window)
    assert dialog.bad == []
    assert dialog.problems == []
    assert "không có lỗi" in dialog.summary.text()
    dialog.close()


def test_page_damage_points_to_a_restore(qtbot: QtBot, app: Any, commune_path: Path) -> None:
    """A file SQLite cannot read whole (a copy cut short): the check says restore."""
    cut = commune_path.with_name("cut.sqlite")
    cut.write_bytes(commune_path.read_bytes()[: 4096 * 4])
    dialog = FileCheckDialog(cut)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.finished_check)
    assert dialog.problems
    assert "Khôi phục từ bản sao lưu" in dialog.summary.text()


# --- the deep check after opening --------------------------------------------------------
def _households(commune_path: Path, codes: list[str]) -> None:
    from desktop.commune_file import open_store

    store = open_store(commune_path)
    try:
        for code in codes:
            save_classified(store, poor_household(code, "Thôn Nà Lầu"))
    finally:
        store.close()


def test_opening_a_file_names_its_damaged_households_without_stopping_work(
    qtbot: QtBot, app: Any, commune_path: Path, tmp_path: Path
) -> None:
    _households(commune_path, [f"NL-{i:03d}" for i in range(4)])
    _set_doc(commune_path, "NL-002", change=True)  # with sqlite3, the app closed
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(commune_path)
    assert not window.damage_banner.isVisible()  # the list first, the check a moment later
    qtbot.waitUntil(lambda: window.deep_found is not None, timeout=20_000)
    banner = window.damage_banner
    assert banner.isVisible()
    text = banner.text.text()
    assert "1 hộ bị hỏng dữ liệu" in text
    assert "NL-002" in text
    assert "NL-001" not in text
    assert "nhập lại các hộ này, hoặc khôi phục" in text
    window.grab().save(str(tmp_path / "damage_banner.png"))
    # Nothing blocked: no modal box, the file open, another household saves.
    assert app.activeModalWidget() is None
    save_classified(window.store, poor_household("NL-010", "Thôn Nà Lầu"))
    # The button shows the check's own list, without checking again.
    banner.details.click()
    dialog = window.findChild(FileCheckDialog)
    assert dialog is not None
    assert dialog.finished_check
    assert [code for code, _ in dialog.bad] == ["NL-002"]
    dialog.close()
    # Put back, or closing the window would (rightly) refuse the backup, naming NL-002.
    _set_doc(commune_path, "NL-002", change=False)


def test_a_sound_file_shows_no_banner(qtbot: QtBot, app: Any, commune_path: Path) -> None:
    _households(commune_path, ["NL-001"])
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(commune_path)
    qtbot.waitUntil(lambda: window.deep_found is not None, timeout=20_000)
    assert window.deep_found == ([], [])
    assert not window.damage_banner.isVisible()


def test_closing_the_file_stops_the_check_and_leaves_the_file_complete(
    qtbot: QtBot, app: Any, commune_path: Path
) -> None:
    """The check's reading connection must not outlive the file: a close that cannot empty
    the -wal leaves a .sqlite that is not a full copy."""
    from desktop.file_check_dialog import BackgroundCheck

    _households(commune_path, [f"NL-{i:03d}" for i in range(30)])
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(commune_path)
    save_classified(window.store, poor_household("NL-100", "Thôn Nà Lầu"))
    window._deep_timer.stop()
    window._start_deep_check()  # at once: it is running when the window closes
    checks = window.findChildren(BackgroundCheck)
    assert len(checks) == 1
    window.close()
    assert not checks[0].job.worker_thread.isRunning()
    assert window.store is None
    assert window.deep_found is None
    # Nothing beside the file once the window closed it: neither the -wal nor the -shm.
    for suffix in ("-wal", "-shm"):
        assert not commune_path.with_name(commune_path.name + suffix).exists()
