"""The encrypted commune file in the window (issue 20 item 1): the passphrase asked on
opening (wrong, right, the recovery key, cancel), Tệp → Mã hoá tệp xã… with its recovery key
shown once and printed, Đổi mật khẩu tệp xã…; real files, the real worker threads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from db import at_rest, driver
from db.store import Store
from desktop.encrypt_dialog import EncryptDialog
from desktop.main_window import MainWindow
from desktop.new_passphrase_dialog import NewPassphraseDialog
from desktop.passphrase_dialog import PassphraseDialog
from tests.desktop.conftest import poor_household
from tests.desktop.conftest import when_modal as _when_modal

PASSPHRASE = "ruộng bậc thang mùa lúa chín"
HEAD = "Hà Thị Nguyệt Ánh"


@pytest.fixture
def plain(commune_path: Path) -> Iterator[Path]:
    with Store.open(commune_path, user="máy", device="test") as s:
        s.save_household(poor_household("KP-01", "Bản Khuổi Phìn", head=HEAD))
    yield commune_path
    driver.forget(commune_path)


@pytest.fixture
def encrypted(plain: Path) -> tuple[Path, str]:
    recovery = at_rest.encrypt_file(plain, PASSPHRASE).recovery
    driver.forget(plain)  # as a new session: nothing remembered
    return plain, recovery


def _type_and_enter(qtbot: QtBot, field: Any, text: str) -> None:
    # insert(), not keyClicks: QTest types ASCII only (it aborts on "ộ").
    field.clear()
    field.insert(text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    return window


def _heads(window: MainWindow) -> list[str]:
    return [r[0] for r in window.store.conn.execute("SELECT head_name FROM households")]


def test_wrong_passphrase_says_so_and_asks_again_then_opens(
    qtbot: QtBot, app: Any, encrypted: tuple[Path, str]
) -> None:
    path, _recovery = encrypted
    window = _window(qtbot)
    seen: dict[str, Any] = {}

    def answer(dialog: PassphraseDialog) -> None:
        assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password
        _type_and_enter(qtbot, dialog.secret, "không phải mật khẩu này")
        qtbot.waitUntil(
            lambda: not dialog.busy() and "không đúng" in dialog.error.text(), timeout=30_000
        )
        seen["error"] = dialog.error.text()
        assert dialog.isVisible()
        # The whole refusal shows: the dialog grew to the two wrapped lines (it kept its
        # first height, cutting them, when the refusal came).
        qtbot.waitUntil(
            lambda: dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())
        )
        assert dialog.secret.text() == ""
        _type_and_enter(qtbot, dialog.secret, PASSPHRASE)

    _when_modal(answer, PassphraseDialog)
    assert window.open_path(path)
    assert seen["error"].startswith("Mật khẩu tệp xã không đúng")
    assert _heads(window) == [HEAD]
    assert window.file_passphrase_action.isVisible()
    assert not window.encrypt_action.isVisible()


def test_cancel_keeps_the_file_that_was_open(
    qtbot: QtBot, app: Any, encrypted: tuple[Path, str], tmp_path: Path
) -> None:
    from db.demo import create_demo_commune

    path, _recovery = encrypted
    other = tmp_path / "khac.sqlite"
    create_demo_commune(other, households=3)
    window = _window(qtbot)
    assert window.open_path(other)
    _when_modal(lambda d: d.reject(), PassphraseDialog)
    assert not window.open_path(path)
    assert Path(window.store.path) == other
    assert "không được mở" in window.statusBar().currentMessage()
    # With no file open before: still none, and the window says how to open one.
    window._close_store()
    window.set_store(None)
    _when_modal(lambda d: d.reject(), PassphraseDialog)
    assert not window.open_path(path)
    assert window.store is None


def test_the_recovery_key_opens_and_a_new_passphrase_is_set(
    qtbot: QtBot, app: Any, encrypted: tuple[Path, str]
) -> None:
    path, recovery = encrypted
    at_rest.key_file(path).unlink()  # the key file lost, the passphrase with it
    window = _window(qtbot)
    new = "nương ngô trên đồi cao"

    def answer(dialog: PassphraseDialog) -> None:
        # No key file: the dialog asks the recovery key at once, and says why.
        assert dialog.recovery_mode
        assert at_rest.key_file(path).name in dialog.error.text()
        _type_and_enter(qtbot, dialog.secret, "AAAA BBBB")
        qtbot.waitUntil(
            lambda: not dialog.busy() and "Mã khôi phục" in dialog.error.text(), timeout=30_000
        )
        # Typed as it is read out: lower case, spaces instead of dashes.
        _type_and_enter(qtbot, dialog.secret, recovery.lower().replace("-", " "))
        _when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), QMessageBox)
        _when_modal(set_new, NewPassphraseDialog)

    def set_new(dialog: NewPassphraseDialog) -> None:
        dialog.new.insert(new)
        _type_and_enter(qtbot, dialog.again, "khác hẳn mật khẩu kia")
        assert "không giống nhau" in dialog.error.text()
        _type_and_enter(qtbot, dialog.again, new)

    _when_modal(answer, PassphraseDialog)
    assert window.open_path(path)
    assert _heads(window) == [HEAD]
    assert at_rest.check_passphrase(path, new)
    assert "mật khẩu tệp xã mới" in window.statusBar().currentMessage()


def test_encrypt_through_the_menu_shows_the_key_once_and_prints_it(
    qtbot: QtBot, app: Any, plain: Path, tmp_path: Path
) -> None:
    window = _window(qtbot)
    assert window.open_path(plain)
    assert window.encrypt_action.isEnabled()
    assert not window.file_passphrase_action.isVisible()
    seen: dict[str, Any] = {}

    def answer(dialog: EncryptDialog) -> None:
        dialog.new.insert("1234567890")
        _type_and_enter(qtbot, dialog.again, "1234567890")
        assert "Mật khẩu" in dialog.error.text()  # the packages' rules
        assert window.store is not None  # refused before the file is closed
        dialog.new.clear()
        dialog.new.insert(PASSPHRASE)
        _type_and_enter(qtbot, dialog.again, PASSPHRASE)
        qtbot.waitUntil(lambda: bool(dialog.recovery_key), timeout=30_000)
        seen["key"] = dialog.key_field.text()
        seen["said"] = dialog.explanation.text()
        dialog.reject()  # shown once: Esc does not lose it
        assert dialog.isVisible()
        seen["pdf"] = dialog.print_to(tmp_path / "ma-khoi-phuc.pdf")
        seen["note"] = dialog.note.text()
        qtbot.wait(50)  # the layout grows the dialog to the key's width
        assert dialog.key_field.width() >= dialog.key_field.minimumWidth()
        assert dialog.width() > dialog.key_field.width()
        dialog.grab().save(str(tmp_path / "encrypt-dialog.png"))
        dialog.done_button.click()

    _when_modal(answer, EncryptDialog)
    window.encrypt_action.trigger()
    assert at_rest.is_encrypted(plain)
    assert HEAD.encode() not in plain.read_bytes()
    assert at_rest.check_passphrase(plain, PASSPHRASE)
    assert at_rest.key_from_recovery(plain, seen["key"])
    # Its backups too, as the first page promised, and the page says so.
    from db import backup

    made = backup.list_backups(plain)
    assert any(p.stem.endswith("-before-encrypt") for p in made)
    assert all(HEAD.encode() not in p.read_bytes() for p in made)
    assert f"Đã mã hoá {len(made)} bản sao lưu có sẵn" in seen["said"]
    # The window has the file back, encrypted, and offers the other command now.
    assert _heads(window) == [HEAD]
    assert window.file_passphrase_action.isVisible()
    assert not window.encrypt_action.isVisible()
    assert "xoá tệp này" in seen["note"]
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(seen["pdf"]).pages)
    # pypdf puts a space between some wide letters of the large key: compared without.
    assert seen["key"] in "".join(text.split())
    assert "MÃ KHÔI PHỤC" in text
    # The print is in the (encrypted) file's audit log, without the key.
    [logged] = [
        r[0]
        for r in window.store.conn.execute(
            "SELECT new FROM audit WHERE tbl = 'events' AND row_id = 'print'"
        )
    ]
    assert "file_recovery_key" in logged
    assert seen["key"] not in logged


def test_the_key_prints_even_when_the_file_was_not_opened_again(
    qtbot: QtBot, app: Any, plain: Path, tmp_path: Path
) -> None:
    """After the encryption the window opens the file again (with users, it asks who signs
    in); given up, the window has no file, yet the key shown once still prints, audited."""
    from desktop.restore_dialog import release_file

    window = _window(qtbot)
    assert window.open_path(plain)
    seen: dict[str, Any] = {}

    def answer(dialog: EncryptDialog) -> None:
        dialog.new.insert(PASSPHRASE)
        _type_and_enter(qtbot, dialog.again, PASSPHRASE)
        qtbot.waitUntil(lambda: bool(dialog.recovery_key), timeout=30_000)
        seen["key"] = dialog.recovery_key
        release_file(window)  # as a sign-in given up
        seen["pdf"] = dialog.print_to(tmp_path / "ma-khoi-phuc.pdf")
        dialog.done_button.click()

    _when_modal(answer, EncryptDialog)
    window.encrypt_action.trigger()
    assert seen["pdf"] == tmp_path / "ma-khoi-phuc.pdf"
    key = at_rest.key_from_passphrase(plain, PASSPHRASE)
    conn = driver.connect(str(plain), key=key)
    logged = [
        r[0]
        for r in conn.execute("SELECT new FROM audit WHERE tbl = 'events' AND row_id = 'print'")
    ]
    conn.close()
    assert len(logged) == 1
    assert seen["key"] not in logged[0]


def test_the_key_printed_after_a_given_up_sign_in_is_audited_under_who_encrypted(
    qtbot: QtBot, app: Any, plain: Path, tmp_path: Path
) -> None:
    """A file with users: the officer signed in encrypts it; the sign-in asked when the
    window opens it again is given up. The key still prints, audited under that officer,
    whose password and role were checked, never under the settings' surveyor name (which
    anyone can type in Thiết lập)."""
    from db import users
    from desktop.sign_in_dialog import SignInDialog
    from forms.roles import Role
    from rasoat import settings

    password = "mat-khau-9x"
    with Store.open(plain, user="máy", device="test") as s:
        users.add_user(s, "thu", "Hoàng Văn Thụ", Role.OFFICER, password)
        users.add_user(s, "mai", "Lò Thị Mai", Role.SURVEYOR, password)
    settings.update(surveyor_name="Người lạ")
    window = _window(qtbot)

    def sign_in(dialog: SignInDialog) -> None:
        dialog.name.setText("thu")
        _type_and_enter(qtbot, dialog.password, password)

    _when_modal(sign_in, SignInDialog)
    assert window.open_path(plain)
    assert window.store.signed_in.name == "thu"
    seen: dict[str, Any] = {}

    def answer(dialog: EncryptDialog) -> None:
        _when_modal(lambda asked: asked.reject(), SignInDialog)  # the reopening's sign-in
        dialog.new.insert(PASSPHRASE)
        _type_and_enter(qtbot, dialog.again, PASSPHRASE)
        qtbot.waitUntil(lambda: bool(dialog.recovery_key), timeout=30_000)
        assert window.store is None  # given up: the window has no file
        seen["pdf"] = dialog.print_to(tmp_path / "ma-khoi-phuc.pdf")
        dialog.done_button.click()

    _when_modal(answer, EncryptDialog)
    window.encrypt_action.trigger()
    assert seen["pdf"] == tmp_path / "ma-khoi-phuc.pdf"
    conn = driver.connect(str(plain), key=at_rest.key_from_passphrase(plain, PASSPHRASE))
    printed = conn.execute(
        "SELECT user, new FROM audit WHERE tbl = 'events' AND row_id = 'print'"
    ).fetchall()
    conn.close()
    assert [user for user, _new in printed] == ["thu"]
    assert "file_recovery_key" in printed[0][1]


def test_the_key_is_not_printed_by_an_officer_made_a_viewer_since_signing_in(
    qtbot: QtBot, app: Any, plain: Path, tmp_path: Path
) -> None:
    """The dialog's own Store (the reopening's sign-in given up) reads the officer again
    from the file: made a viewer since signing in (by plain SQL: no screen changes a role
    under an open window), the recovery key is not printed, refused in Vietnamese, and the
    file is left as it was."""
    import hashlib

    from db import users
    from desktop.sign_in_dialog import SignInDialog
    from forms.roles import Role

    password = "mat-khau-9x"
    with Store.open(plain, user="máy", device="test") as s:
        users.add_user(s, "thu", "Hoàng Văn Thụ", Role.OFFICER, password)
    window = _window(qtbot)
    _when_modal(
        lambda d: (d.name.setText("thu"), _type_and_enter(qtbot, d.password, password)),
        SignInDialog,
    )
    assert window.open_path(plain)
    seen: dict[str, Any] = {}

    def refused(box: QMessageBox) -> None:
        seen["said"] = box.text()
        box.accept()

    def answer(dialog: EncryptDialog) -> None:
        _when_modal(lambda asked: asked.reject(), SignInDialog)
        dialog.new.insert(PASSPHRASE)
        _type_and_enter(qtbot, dialog.again, PASSPHRASE)
        qtbot.waitUntil(lambda: bool(dialog.recovery_key), timeout=30_000)
        conn = driver.connect(str(plain), key=at_rest.key_from_passphrase(plain, PASSPHRASE))
        with conn:
            conn.execute("UPDATE users SET role = 'viewer' WHERE name = 'thu'")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        seen["before"] = hashlib.sha256(plain.read_bytes()).hexdigest()
        _when_modal(refused, QMessageBox)
        seen["pdf"] = dialog.print_to(tmp_path / "ma-khoi-phuc.pdf")
        seen["after"] = hashlib.sha256(plain.read_bytes()).hexdigest()
        dialog.done_button.click()

    _when_modal(answer, EncryptDialog)
    window.encrypt_action.trigger()
    assert seen["pdf"] is None
    assert not (tmp_path / "ma-khoi-phuc.pdf").exists()
    assert "đã đổi từ" in seen["said"]
    assert "Hoàng Văn Thụ" in seen["said"]
    assert seen["after"] == seen["before"]


def test_change_the_file_passphrase(qtbot: QtBot, app: Any, encrypted: tuple[Path, str]) -> None:
    path, _recovery = encrypted
    driver.remember(path, at_rest.key_from_passphrase(path, PASSPHRASE))
    window = _window(qtbot)
    assert window.open_path(path)  # the key known in this session: nothing asked
    new = "nương ngô trên đồi cao"

    def answer(dialog: NewPassphraseDialog) -> None:
        dialog.current.insert("sai mật khẩu rồi nhé")
        dialog.new.insert(new)
        _type_and_enter(qtbot, dialog.again, new)
        qtbot.waitUntil(
            lambda: not dialog.busy() and "không đúng" in dialog.error.text(), timeout=30_000
        )
        dialog.current.insert(PASSPHRASE)
        _type_and_enter(qtbot, dialog.again, new)

    _when_modal(answer, NewPassphraseDialog)
    window.file_passphrase_action.trigger()
    assert at_rest.check_passphrase(path, new)
    assert not at_rest.check_passphrase(path, PASSPHRASE)


def test_the_demo_commune_is_not_offered_encryption(qtbot: QtBot, app: Any) -> None:
    from db.demo import create_demo_commune
    from rasoat import paths

    demo = paths.demo_file()
    demo.parent.mkdir(parents=True, exist_ok=True)
    create_demo_commune(demo, households=3)
    window = _window(qtbot)
    assert window.open_path(demo)
    assert window.encrypt_action.isVisible()
    assert not window.encrypt_action.isEnabled()
    assert "Xã mẫu" in window.encrypt_action.toolTip()
