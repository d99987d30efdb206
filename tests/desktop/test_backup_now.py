"""Tệp → Sao lưu ngay: a checked backup made in a worker (a real thread, a Store of its own),
its answer on the GUI thread; a close while it runs waits for it rather than removing its
unfinished copy as a killed backup's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from db import backup
from desktop.backup_now import backup_now
from desktop.main_window import MainWindow


def test_a_backup_made_now_is_said_and_listed(qtbot: QtBot, app: Any, store: Any) -> None:
    path = Path(store.path)
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert backup_now(window)
    assert not backup_now(window)  # one at a time
    qtbot.waitUntil(lambda: window.backup_job is None, timeout=30_000)
    assert window.backup_saved.windowTitle() == "Đã sao lưu"
    [made] = backup.list_backups(path, "manual")
    assert str(made.parent) in window.backup_saved.text()
    assert backup.described(made)[1] == "sao lưu ngay"


def test_closing_while_a_backup_is_made_waits_for_it(
    qtbot: QtBot, app: Any, commune_path: Path
) -> None:
    from desktop.commune_file import open_store

    window = MainWindow(open_store(commune_path))
    qtbot.addWidget(window)
    assert backup_now(window)
    window.close()  # the close's own backup too
    assert window.backup_job is None
    assert window.backup_saved.windowTitle() == "Đã sao lưu"
    assert len(backup.list_backups(commune_path, "manual")) == 1
    assert len(backup.list_backups(commune_path, "close")) == 1
