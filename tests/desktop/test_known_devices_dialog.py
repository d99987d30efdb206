"""Tệp → Các máy đã biết… (issue 17): a laptop whose package was imported is listed with its
fingerprint and package count; stopping trust is asked first (Enter keeps it), then audited;
this laptop's own fingerprint is shown for reading over the phone. Two real commune files and
a real signed package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from db.exchange import signing
from db.exchange.devices import known_devices
from db.exchange.merge import import_package
from db.store import Store
from desktop.known_devices_dialog import KnownDevicesDialog
from desktop.main_window import MainWindow
from rasoat.identity import signing_key
from tests.desktop.test_import_confirmations import answer, package_of_another_laptop


def office_with_laptop_a(tmp_path: Path) -> tuple[Path, str]:
    base, pkg, fp = package_of_another_laptop(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pkg, trusted=[fp])
    return base, fp


def test_the_laptop_is_listed_and_trust_is_stopped_only_when_confirmed(
    qtbot: Any, tmp_path: Path
) -> None:
    base, fp = office_with_laptop_a(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        dialog = KnownDevicesDialog(office)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.table.rowCount() == 1
        row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
        assert row[0] == "may-a"
        assert row[1] == "Lò Thị Mai"
        assert row[2] == fp
        assert row[5] == "1"
        assert row[6] == "Tin cậy"
        assert row[7] == "Cán bộ xã"
        assert dialog.untrust_button.isEnabled()
        dialog.grab().save(str(tmp_path / "known-devices.png"))

        # Enter chooses the default, "Không": nothing changes.
        seen: list[str] = []
        answer(qtbot, [(Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)], seen)
        assert not dialog.ask_stop_trusting()
        assert fp in seen[0]
        assert known_devices(office.conn)[0].trusted

        answer(qtbot, [(Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)], seen)
        assert dialog.ask_stop_trusting()
        assert dialog.table.item(0, 6).text().startswith("Đã thôi tin cậy")
        assert not dialog.untrust_button.isEnabled()
        [audit] = office.audit_for_row("exchange_devices", f"may-a/{fp}")
        assert audit.user == "Cán bộ xã"

        dialog.own_button.click()
        own = signing.fingerprint(signing.public_bytes(signing_key()))
        assert dialog.own_fingerprint.isVisible()
        assert dialog.own_fingerprint.text() == own.replace("-", "  ")
        dialog.grab().save(str(tmp_path / "known-devices-own.png"))


def test_an_empty_file_says_no_laptop_is_known(qtbot: Any, store: Any) -> None:
    dialog = KnownDevicesDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert "chưa nhận gói" in dialog.intro.text()
    assert not dialog.untrust_button.isEnabled()


def test_the_menu_opens_it(qtbot: Any, store: Any) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    [action] = [a for a in window.menus["file"].actions() if "máy đã" in a.text()]
    opened: list[Any] = []

    def close_it() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, KnownDevicesDialog):
            opened.append(box)
            box.reject()
        else:
            qtbot.wait(20)
            close_it()

    QTimer.singleShot(0, close_it)
    action.trigger()
    assert opened


def test_an_unreadable_own_key_is_said_in_vietnamese(
    qtbot: Any, store: Any, monkeypatch: Any
) -> None:
    """The laptop's device id cannot be read (here a folder stands where its file should):
    the officer reads why in Vietnamese, never the OSError's English words and path."""
    from rasoat import paths

    (paths.config_dir() / "device-id").unlink(missing_ok=True)
    (paths.config_dir() / "device-id").mkdir(parents=True)
    dialog = KnownDevicesDialog(store)
    qtbot.addWidget(dialog)
    shown: list[str] = []
    monkeypatch.setattr(
        "desktop.known_devices_dialog.QMessageBox.warning",
        lambda _parent, title, text: shown.append(f"{title}\n{text}"),
    )
    dialog.show_own_fingerprint()
    [text] = shown
    assert "Không đọc được khoá ký gói của máy này" in text
    assert "ở đó là một thư mục, không phải tệp" in text  # the reason, not "see the log"
    assert "Errno" not in text
    assert "directory" not in text
