"""Issue 16: a few seconds after a save the main file alone holds it (a copy of the .sqlite
to a USB stick is complete); a -wal removed while the window is open is noticed and said."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from db import driver
from desktop.main_window import MainWindow

from .conftest import poor_household


def _codes(path: Path) -> set[str]:
    conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT code FROM households")}
    finally:
        conn.close()


def test_idle_checkpoint_puts_the_save_in_the_main_file(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window._idle_timer.setInterval(50)
    store.save_household(poor_household("NL-001", "Thôn Nà Lầu"))
    usb = tmp_path / "usb.sqlite"

    def copied_holds_it() -> bool:
        shutil.copyfile(store.path, usb)  # the officer copies only the .sqlite
        return "NL-001" in _codes(usb)

    qtbot.waitUntil(copied_holds_it)


def test_a_vanished_wal_is_said_and_nothing_lost(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    store.save_household(poor_household("NL-002", "Thôn Nà Lầu"))
    window._idle_timer.stop()  # the test fires it itself, after the -wal is gone
    store.path.with_name(store.path.name + "-wal").unlink()
    window._idle_checkpoint()
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert len(boxes) == 1
    assert "-wal" in boxes[0].text()
    assert "đã được ghi lại" in boxes[0].text()
    boxes[0].close()
    assert "NL-002" in _codes(store.path)


def test_restore_from_the_window_keeps_the_open_file_and_undoes(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from db import backup
    from desktop.restore_dialog import RestoreDialog, restore_into

    path = Path(store.path)
    store.save_household(poor_household("NL-010", "Thôn Nà Lầu"))
    old = backup.make_backup(path, "manual", store.conn)
    store.save_household(poor_household("NL-011", "Thôn Nà Lầu"))  # only in the -wal yet
    window = MainWindow(store)
    qtbot.addWidget(window)
    dialog = RestoreDialog(path, window)
    qtbot.addWidget(dialog)
    assert dialog.list.item(0).toolTip() == old.name
    bad = old.with_name(old.name.replace("manual", "close").replace("2026", "2099", 1))
    bad.write_bytes(old.read_bytes()[:8192])
    assert backup.check_backup(bad)
    text = restore_into(window, path, bad)
    assert "bị hỏng" in text, text
    assert old.name in text
    assert window.store is store  # refused before the open file was touched
    text = restore_into(window, path, old)
    assert "Đã khôi phục" in text
    assert window.store is not None
    assert window.store.household_by_code("NL-011") is None
    [kept] = [p for p in backup.list_backups(path) if "before-restore" in p.name]
    restore_into(window, path, kept)  # undo: the save from the -wal is back
    assert window.store.household_by_code("NL-011") is not None


def test_restore_from_the_window_is_refused_while_another_window_has_the_file(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from db import backup
    from db.store import Store
    from desktop.restore_dialog import restore_into

    path = Path(store.path)
    old = backup.make_backup(path, "manual", store.conn)
    window = MainWindow(store)
    qtbot.addWidget(window)
    other = Store.open(path, user="b", device="another-window")
    try:
        other.save_household(poor_household("NL-020", "Thôn Nà Lầu"))  # in its -wal
        text = restore_into(window, path, old)
        assert "đang được mở ở một chương trình khác" in text, text
        assert "chưa bị thay đổi" in text
        assert window.store is not None  # the window has its file again
        assert window.store.household_by_code("NL-020") is not None
    finally:
        other.close()
    assert "NL-020" in _codes(path)


def test_a_damaged_backup_chosen_in_the_window_offers_the_newest_good_one(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from db import backup
    from desktop.restore_dialog import refusal

    path = Path(store.path)
    store.save_household(poor_household("NL-030", "Thôn Nà Lầu"))
    good = backup.make_backup(path, "manual", store.conn)
    bad = good.with_name(good.name.replace("manual", "close").replace("2026", "2099", 1))
    bad.write_bytes(good.read_bytes()[:8192])
    assert refusal(path, good) is None
    refused = refusal(path, bad)
    assert refused is not None
    text, offered = refused
    assert offered == good
    assert "bị hỏng" in text
    assert good.name in text
