"""The restore window's check and restore run as worker jobs (real threads, a real backup
folder made by db.backup): the window says it is working and takes no second click, a
damaged backup is refused from the job's result, and the restore is audited under the
window's user and device as the CLI's is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from db import driver
from desktop.labels import local_time
from desktop.main_window import MainWindow
from desktop.worker import Job, on_gui_thread

from .conftest import poor_household
from .conftest import when_modal as _when_modal


def _restores(path: Path) -> list[tuple[str, str]]:
    from db.audit import EVENTS

    conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT user, device FROM audit WHERE tbl = ? AND row_id = 'restore'", (EVENTS,)
        )
        return [(r[0], r[1]) for r in rows]
    finally:
        conn.close()


def test_the_check_and_the_restore_run_off_the_gui_thread(
    qtbot: QtBot, app: Any, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db import backup
    from desktop import restore_dialog

    path = Path(store.path)
    user, device = store.user, store.device
    store.save_household(poor_household("NL-040", "Thôn Nà Lầu"))
    good = backup.make_backup(path, "manual", store.conn)
    store.save_household(poor_household("NL-041", "Thôn Nà Lầu"))
    bad = good.with_name(good.name.replace("manual", "close").replace("2026", "2099", 1))
    bad.write_bytes(good.read_bytes()[:8192])  # newest, so first in the list
    window = MainWindow(store)
    qtbot.addWidget(window)
    dialog = restore_dialog.RestoreDialog(path, window)
    qtbot.addWidget(dialog)
    dialog.show()

    threads: list[bool] = []
    real_check = restore_dialog.check_work

    def check_work(p: Path, chosen: Path) -> Any:
        threads.append(on_gui_thread())
        return real_check(p, chosen)

    monkeypatch.setattr(restore_dialog, "check_work", check_work)
    asked: list[str] = []

    def question(parent: Any, title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.No

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))

    # When and why in local time, the file's name in the tooltip.
    made, why = backup.described(bad)
    assert made is not None
    assert why
    assert dialog.list.item(0).text() == f"{local_time(made.isoformat())} — {why}"
    assert dialog.list.item(0).toolTip() == bad.name
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "Đang kiểm tra" in dialog.status.text()
    assert not dialog.restore_button.isEnabled()
    dialog._accept()  # a second click (Enter) while the check runs: no second job
    assert len([j for j in dialog.findChildren(Job) if j.running()]) == 1
    dialog.reject()  # nor closing under it
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: bool(asked), timeout=20_000)
    assert threads == [False]
    assert "bị hỏng" in asked[0]
    assert good.name in asked[0]
    assert window.store is store  # refused: the open file was never touched
    assert dialog.restore_button.isEnabled()

    dialog.list.setCurrentRow(1)
    assert dialog.list.currentItem().toolTip() == good.name
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert not dialog.restore_button.isEnabled()
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert "Đã khôi phục" in told[0]
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.chosen == good
    assert threads == [False, False]
    assert window.store is not None
    assert window.store is not store
    assert window.store.household_by_code("NL-040") is not None
    assert window.store.household_by_code("NL-041") is None
    assert _restores(path) == [(user, device)]
    assert len([p for p in backup.list_backups(path) if "before-restore" in p.name]) == 1


def test_a_restore_refused_by_another_window_gives_the_file_back(
    qtbot: QtBot, app: Any, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db import backup
    from db.store import Store
    from desktop.restore_dialog import RestoreDialog

    path = Path(store.path)
    backup.make_backup(path, "manual", store.conn)
    window = MainWindow(store)
    qtbot.addWidget(window)
    dialog = RestoreDialog(path, window)
    qtbot.addWidget(dialog)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    other = Store.open(path, user="b", device="another-window")
    try:
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(warned), timeout=20_000)
    finally:
        other.close()
    assert "đang được mở ở một chương trình khác" in warned[0], warned
    assert window.store is not None  # the window has its file again
    assert dialog.restore_button.isEnabled()
    assert dialog.status.text() == warned[0]


def test_the_raw_copies_set_aside_are_named_as_the_cli_lists_them(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from db import backup
    from desktop.restore_dialog import RestoreDialog

    path = Path(store.path)
    backup.make_backup(path, "manual", store.conn)
    dialog = RestoreDialog(path)
    qtbot.addWidget(dialog)
    assert not dialog.aside.isVisibleTo(dialog)
    offered = dialog.list.count()
    raw = backup.backup_dir(path) / f"{path.name}.20260102-030405-before-restore.old"
    raw.write_bytes(b"hong")
    dialog = RestoreDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.aside.isVisibleTo(dialog)
    assert raw.name in dialog.aside.text()
    assert dialog.list.count() == offered  # named, never offered


def test_an_officer_made_a_viewer_since_signing_in_is_refused_by_the_dialog(
    qtbot: QtBot, app: Any, commune_path: Path
) -> None:
    """The real dialog from the window's menu, driven from the keyboard: the officer signed
    in was made a viewer by another officer since (plain SQL here). The restore is refused
    in Vietnamese before the window's file is closed, so no sign-in is asked afterwards
    (refused inside the restore, the file was closed and reopened with a sign-in, its bytes
    changed), the window keeps its file and the file and its -wal keep their bytes."""
    import hashlib

    from PySide6.QtWidgets import QApplication

    from db import backup, users
    from db.store import Store
    from desktop.restore_dialog import RestoreDialog
    from desktop.sign_in_dialog import SignInDialog
    from forms.roles import Role

    password = "mat-khau-9x"
    with Store.open(commune_path, user="máy", device="test") as s:
        users.add_user(s, "thu", "Hoàng Văn Thụ", Role.OFFICER, password)
        users.add_user(s, "lan", "Lò Thị Lan", Role.OFFICER, password)
    backup.make_backup(commune_path, "manual")
    window = MainWindow()
    qtbot.addWidget(window)
    done: list[bool] = []

    def sign_in(dialog: SignInDialog) -> None:
        dialog.name.setText("thu")
        dialog.password.insert(password)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    _when_modal(sign_in, SignInDialog, [])
    assert window.open_path(commune_path)
    store = window.store
    assert store.signed_in.name == "thu"
    conn = driver.connect(str(commune_path))
    with conn:
        conn.execute("UPDATE users SET role = 'viewer' WHERE name = 'thu'")
    conn.close()

    def digest() -> list[str]:
        return [
            hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (commune_path, commune_path.with_name(commune_path.name + "-wal"))
        ]

    before = digest()
    asked: list[str] = []
    # Recorded and closed: a sign-in left open would block the test until its timeout.
    _when_modal(lambda d: (asked.append(d.prompt.text()), d.reject()), SignInDialog, done)
    warned: list[str] = []
    seen: dict[str, str] = {}

    def read_and_close(box: QMessageBox) -> None:
        warned.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    def restore(dialog: RestoreDialog) -> None:
        _when_modal(read_and_close, QMessageBox, done)
        qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(warned), timeout=20_000)
        seen["status"] = dialog.status.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    _when_modal(restore, RestoreDialog, done)
    action = next(a for a in window.findChildren(QAction) if "Khôi phục từ bản sao lưu" in a.text())
    action.trigger()
    done.append(True)
    assert QApplication.activeModalWidget() is None
    assert "Vai trò" in warned[0], warned
    assert "đã đổi từ" in warned[0]
    assert seen["status"] == warned[0]
    assert asked == []
    assert window.store is store
    assert digest() == before
    assert not [p for p in backup.list_backups(commune_path) if "before-restore" in p.name]


def test_a_backup_holding_a_row_the_schema_forbids_is_refused_naming_it(
    app: Any, store: Any
) -> None:
    """Written by another tool (the schema's CHECK set aside): the dialog's refusal names
    the table, the household and the field, in Vietnamese, and offers no such copy."""
    from db import backup
    from desktop.restore_dialog import refusal

    path = Path(store.path)
    store.save_household(poor_household("NL-050", "Thôn Nà Lầu"))
    made = backup.make_backup(path, "manual", store.conn)
    conn = driver.connect(str(made), isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE households SET deleted = 2 WHERE code = 'NL-050'")
    conn.close()
    refused = refusal(path, made)
    assert refused is not None
    text, good = refused
    assert "bảng households có 1 hàng mang giá trị không được phép" in text
    assert "hộ NL-050: cột deleted" in text
    assert "CHECK" not in text
