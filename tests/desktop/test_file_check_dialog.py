"""Tệp → Kiểm tra tệp dữ liệu… (issue 16): the deep check runs in a worker and names the
damaged households by code; the file stays open and the other households can be worked on."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from desktop.file_check_dialog import FileCheckDialog
from desktop.main_window import MainWindow

from .conftest import poor_household, save_classified


def _set_doc(path: Path, code: str, change: bool) -> None:
    """One changed byte inside a household's stored JSON (SQLite's check still passes), or
    that byte put back."""
    conn = sqlite3.connect(path)
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
