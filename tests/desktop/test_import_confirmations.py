"""The import dialog asks before a package of an unknown laptop or one deleting households is
merged (issue 17, items 6 and 7), answered by keyboard: Escape refuses and leaves the data
unchanged, Alt+N takes the laptop, Alt+X the deletions."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from db import users
from db.exchange import merge_stream, signing
from db.exchange.export import ExportScope, export_package
from db.store import Store
from desktop.import_dialog import ImportDialog
from forms.roles import Role
from tests.db.exchange.commune import copy_to, make_commune, table_dump
from tests.db.exchange.test_merge import edit


def answer(
    qtbot: Any, keys: list[tuple[Any, Any]], seen: list[str], shots: Path | None = None
) -> None:
    """Presses ``keys`` in the next message box, recording its text."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, press)
            return
        key, modifier = keys[0]
        # The box must be the active window for its Alt+letter to reach it: a box that has
        # only just opened may not be yet, so wait for it, as a person waits to see it.
        box.activateWindow()
        if not box.isActiveWindow():
            QTimer.singleShot(50, press)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        if shots is not None and len(seen) == 1:
            box.grab().save(str(shots))
        keys.pop(0)
        # To the focused button, as a person's keyboard would (the box is the active window).
        # A box just opened may not have the focus yet: then the key goes to the box itself.
        target = QApplication.focusWidget()
        if target is None or not box.isAncestorOf(target):
            target = box
        qtbot.keyClick(target, key, modifier)
        if keys:
            QTimer.singleShot(50, lambda: press_next(box))

    def press_next(previous: QMessageBox) -> None:
        if QApplication.activeModalWidget() is previous:
            QTimer.singleShot(50, lambda: press_next(previous))
            return
        press()

    QTimer.singleShot(50, press)


def package_of_another_laptop(tmp_path: Path, delete: bool = False) -> tuple[Path, Path, str]:
    base = make_commune(tmp_path / "xa.db", 3)
    laptop = copy_to(base, tmp_path / "a.db")
    edit(laptop, "may-a", ["HO00001"], "sửa ở máy A")
    key = Ed25519PrivateKey.generate()
    pkg = tmp_path / "a.rasoat"
    with Store.open(laptop, user="Lò Thị Mai", device="may-a") as store:
        if delete:
            h = store.household_by_code("HO00002")
            assert h is not None
            store.delete_household(h.id)
        export_package(store, pkg, ExportScope(), signer=key)
    return base, pkg, signing.fingerprint(signing.public_bytes(key))


def test_an_unknown_laptop_is_asked_about_and_escape_refuses(qtbot: Any, tmp_path: Path) -> None:
    base, pkg, fp = package_of_another_laptop(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        before = table_dump(base)
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(pkg)
        seen: list[str] = []
        answer(qtbot, [(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)], seen)
        dialog.start_import()
        qtbot.waitUntil(lambda: "Không nhập gì" in dialog.text.toPlainText(), timeout=20000)
        assert fp in seen[0]
        assert "may-a" in seen[0]
        assert "Lò Thị Mai" in seen[0]
        assert dialog.receipt is None
        assert table_dump(base) == before


def test_alt_n_takes_the_laptop_and_alt_x_the_deletions(qtbot: Any, tmp_path: Path) -> None:
    base, pkg, fp = package_of_another_laptop(tmp_path, delete=True)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(pkg)
        seen: list[str] = []
        alt = Qt.KeyboardModifier.AltModifier
        answer(qtbot, [(Qt.Key.Key_N, alt), (Qt.Key.Key_X, alt)], seen, tmp_path / "hoi.png")
        dialog.start_import()
        qtbot.waitUntil(lambda: dialog.receipt is not None, timeout=20000)
        assert "Gói này xoá 1 hộ" in seen[1]
        assert "HO00002" in seen[1]
        text = dialog.text.toPlainText()
        assert fp in text
        assert "Gói này xoá 1 hộ" in text
        assert store.household_by_code("HO00002") is None
        h = store.household_by_code("HO00001")
        assert h is not None
        assert h.note == "sửa ở máy A"


def test_a_package_changed_while_the_officer_is_asked_leaves_the_file_byte_identical(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lean package (``HOLD`` 0 here) replaced by another while the laptop question is
    open: the worker's second reading refuses it, naming it, and the commune file's bytes
    are those it had before the import (the worker's Store writes "last seen" only with a
    write that commits)."""
    monkeypatch.setattr(merge_stream, "HOLD", 0)
    base, pkg, fp = package_of_another_laptop(tmp_path)
    _, other, _ = package_of_another_laptop(tmp_path / "khac")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = hashlib.sha256(base.read_bytes()).hexdigest()
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(pkg)
        ask = dialog.confirm_sender

        def asked(check: Any) -> bool:
            shutil.copyfile(other, pkg)  # while the officer reads the fingerprint
            return ask(check)

        dialog.confirm_sender = asked  # type: ignore[method-assign]
        seen: list[str] = []
        no = Qt.KeyboardModifier.NoModifier
        answer(
            qtbot, [(Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier), (Qt.Key.Key_Escape, no)], seen
        )
        dialog.start_import()
        qtbot.waitUntil(lambda: "Không nhập gì" in dialog.text.toPlainText(), timeout=20000)
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=20000)
        assert fp in seen[0]
        assert "Gói a.rasoat đã thay đổi trong khi đang nhập" in seen[1]
        assert "Gói a.rasoat đã thay đổi trong khi đang nhập" in dialog.text.toPlainText()
        assert dialog.receipt is None
    assert hashlib.sha256(base.read_bytes()).hexdigest() == before


def test_on_a_file_with_users_the_signed_in_user_imports_or_is_refused_unchanged(
    qtbot: Any, tmp_path: Path
) -> None:
    """The worker acts for the window's signed-in user: a viewer is refused once the file is
    open for writing (a held package), its bytes unchanged; the officer imports (the worker
    had nobody signed in, so every import on a file with users was refused)."""
    base, pkg, fp = package_of_another_laptop(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        users.add_user(store, "thu", "Lò Thị Thu", Role.OFFICER, "mat-khau-9x")
        users.add_user(store, "xem", "Hà Văn Xem", Role.VIEWER, "mat-khau-9x")
        users.sign_in(store, "xem", "mat-khau-9x")

        def sha() -> str:
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return hashlib.sha256(base.read_bytes()).hexdigest()

        before = sha()
        alt, no = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.NoModifier
        for who in ("xem", "thu"):
            users.sign_in(store, who, "mat-khau-9x")
            dialog = ImportDialog(store)
            qtbot.addWidget(dialog)
            dialog.set_package(pkg)
            seen: list[str] = []
            keys = [(Qt.Key.Key_N, alt)] + ([(Qt.Key.Key_Escape, no)] if who == "xem" else [])
            answer(qtbot, keys, seen)
            dialog.start_import()
            qtbot.waitUntil(lambda: not keys, timeout=20000)  # noqa: B023
            qtbot.waitUntil(
                lambda: not dialog.progress.isVisibleTo(dialog),  # noqa: B023
                timeout=20000,
            )
            assert fp in seen[0]
            if who == "xem":
                assert "Hà Văn Xem (người xem) không được" in seen[1]
                assert dialog.receipt is None
                assert sha() == before
        assert dialog.receipt is not None
        assert dialog.receipt.count("updated") == 1
        h = store.household_by_code("HO00001")
        assert h is not None
        assert h.note == "sửa ở máy A"


def test_a_user_disabled_or_made_a_viewer_since_signing_in_is_refused_by_the_worker(
    qtbot: Any, tmp_path: Path
) -> None:
    """The worker re-reads the window's signed-in user from its own connection: an officer
    disabled by another officer since signing in cannot export, one made a viewer cannot
    import (the worker had acted with the window's copy, the old role); nothing is written."""
    from db import driver
    from desktop.export_dialog import ExportDialog

    base, pkg, fp = package_of_another_laptop(tmp_path)
    pw = "mat-khau-9x"
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        users.add_user(store, "thu", "Lò Thị Thu", Role.OFFICER, pw)
        users.add_user(store, "ca", "Nông Văn Ca", Role.OFFICER, pw)
        users.add_user(store, "xa", "Hà Thị Xa", Role.OFFICER, pw)
        users.sign_in(store, "ca", pw)
        # Another officer at the same file (another window, another laptop on the share).
        with Store.open(base, user="thu", device="may-2") as other:
            users.sign_in(other, "thu", pw)
            users.disable_user(other, "ca")

        def sha() -> str:
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return hashlib.sha256(base.read_bytes()).hexdigest()

        before = sha()
        export = ExportDialog(store)
        qtbot.addWidget(export)
        out = tmp_path / "goi.rasoat"
        export.path.setText(str(out))
        export.protect.setChecked(False)
        seen: list[str] = []
        keys = [(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)]
        answer(qtbot, keys, seen)
        export.start_export()
        qtbot.waitUntil(lambda: not keys, timeout=20000)
        assert "Người dùng ca đã bị ngừng sử dụng sau khi đăng nhập" in seen[0]
        assert export.result_info is None
        assert not out.exists()
        assert sha() == before

        users.sign_in(store, "xa", pw)
        # No screen changes a role yet; another tool, or a later screen, may.
        conn = driver.connect(base, isolation_level=None)
        conn.execute("UPDATE users SET role = 'viewer' WHERE name = 'xa'")
        conn.close()
        before = sha()
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(pkg)
        alt, no = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.NoModifier
        seen = []
        keys = [(Qt.Key.Key_N, alt), (Qt.Key.Key_Escape, no)]
        answer(qtbot, keys, seen)
        dialog.start_import()
        qtbot.waitUntil(lambda: not keys, timeout=20000)
        qtbot.waitUntil(lambda: not dialog.progress.isVisibleTo(dialog), timeout=20000)
        assert fp in seen[0]
        assert "Vai trò của Hà Thị Xa đã đổi từ Cán bộ xã sang Người xem" in seen[1]
        assert "Không nhập gì" in dialog.text.toPlainText()
        assert dialog.receipt is None
        assert sha() == before
