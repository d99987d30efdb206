"""The settings dialog: one row per editable setting, saved only on "Lưu"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.settings_dialog import SettingsDialog
from rasoat import paths, settings


def type_text(widget: QLineEdit, text: str) -> None:
    # qtbot.keyClicks aborts on non-Latin-1 characters: one key event per character.
    widget.setFocus()
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def test_one_editor_per_editable_setting_with_current_values(qtbot) -> None:
    settings.update(posting_days=5, upper_level_name="UBND tỉnh Lai Châu")
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    editable = {s.key for s in settings.SETTINGS if s.editable}
    assert set(dialog.editors) == editable
    assert "last_file" not in dialog.editors
    days = dialog.editors["posting_days"]
    assert isinstance(days, QSpinBox)
    assert days.value() == 5
    assert (days.minimum(), days.maximum()) == (1, 60)
    assert "niêm yết" in days.toolTip()
    assert "xác nhận" not in days.toolTip()  # legal confidence is on the Căn cứ pháp lý screen
    upper = dialog.editors["upper_level_name"]
    assert isinstance(upper, QLineEdit)
    assert upper.text() == "UBND tỉnh Lai Châu"


def test_saving_writes_the_settings_file(qtbot, tmp_path: Path) -> None:
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    name = dialog.editors["surveyor_name"]
    assert isinstance(name, QLineEdit)
    type_text(name, "Hoàng Thị Thủy")
    days = dialog.editors["backups_kept"]
    assert isinstance(days, QSpinBox)
    days.setValue(3)
    folder = dialog.editors["output_dir"]
    assert isinstance(folder, QLineEdit)
    folder.setText(str(tmp_path / "biểu"))
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert settings.get("surveyor_name") == "Hoàng Thị Thủy"
    assert settings.get("backups_kept") == 3
    assert settings.output_folder() == tmp_path / "biểu"


def test_cancel_writes_nothing(qtbot) -> None:
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    days = dialog.editors["posting_days"]
    assert isinstance(days, QSpinBox)
    days.setValue(3)
    dialog.reject()
    assert not paths.settings_file().exists()
    assert settings.get("posting_days") == 7


def test_opens_on_defaults_when_the_file_is_damaged(qtbot) -> None:
    paths.settings_file().write_text("{not json", encoding="utf-8")
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    days = dialog.editors["posting_days"]
    assert isinstance(days, QSpinBox)
    assert days.value() == 7


PROVINCE_B1 = """
base = "nd351-2026-2030"

[b1_thresholds]
rural = 150
urban = 180
source = "Công văn số 2150/UBND-VX ngày 20/11/2026 của UBND tỉnh Tuyên Quang (tệp thử)"
"""


def boxes(monkeypatch: Any) -> list[tuple[str, str, str]]:
    said: list[tuple[str, str, str]] = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            lambda _parent, title, text, *a, _kind=kind, **k: said.append((_kind, title, text)),
        )
    return said


def test_the_province_file_is_chosen_checked_kept_and_its_source_shown(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from db import round_basis
    from forms.model import Area

    path = tmp_path / "tuyen-quang-b1.toml"
    path.write_text(PROVINCE_B1, encoding="utf-8")
    said = boxes(monkeypatch)
    dialog = SettingsDialog(store=store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Chưa nạp tệp nào" in dialog.province_label.text()
    assert dialog.province_button.text() == "&Nạp tệp của tỉnh…"
    qtbot.mouseClick(dialog.province_button, Qt.MouseButton.LeftButton)
    chooser = dialog.province_chooser
    assert isinstance(chooser, QFileDialog)
    assert chooser.isVisible()
    assert chooser.windowTitle() == "Chọn tệp chuẩn nghèo hoặc ngưỡng điểm B1 của tỉnh"
    chooser.selectFile(str(path))
    chooser.accept()
    [(kind, _title, text)] = said
    assert kind == "information"
    assert "Công văn số 2150/UBND-VX" in text
    shown = dialog.province_label.text()
    assert "tuyen-quang-b1.toml" in shown
    assert "Công văn số 2150/UBND-VX" in shown
    assert "Chuẩn nghèo đa chiều giai đoạn 2026–2030" in shown
    path.unlink()  # kept in the commune file, not read from the folder again
    assert round_basis.resolve(store, "nd351-2026-2030").b1_thresholds == {
        Area.RURAL: 150,
        Area.URBAN: 180,
    }
    # The choice belongs to the commune file: a new dialog shows it without "Lưu".
    again = SettingsDialog(store=store)
    qtbot.addWidget(again)
    assert "tuyen-quang-b1.toml" in again.province_label.text()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('base = "nd351-2026-2030"\n[b1_thresholds]\nrural = "một trăm"\n', "'rural'"),
        ('base = "nd351-2026-2030"\n[income_lines]\nurban = 1_000_000\n', "chuẩn thu nhập"),
        ("[b1_thresholds\n", "không đúng định dạng TOML"),
    ],
)
def test_an_unusable_province_file_is_refused_in_vietnamese_naming_the_field(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path, monkeypatch: Any, text: str, field: str
) -> None:
    from db import round_basis

    path = tmp_path / "tinh.toml"
    path.write_text(text, encoding="utf-8")
    said = boxes(monkeypatch)
    dialog = SettingsDialog(store=store)
    qtbot.addWidget(dialog)
    assert not dialog.load_province_file(path)
    [(kind, title, message)] = said
    assert (kind, title) == ("warning", "Không nạp được tệp của tỉnh")
    assert "tinh.toml" in message
    assert field in message
    assert "Traceback" not in message
    assert round_basis.province_standards(store) == []
    assert "Chưa nạp tệp nào" in dialog.province_label.text()


def test_without_a_commune_file_there_is_no_province_button(qtbot: QtBot) -> None:
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    assert not hasattr(dialog, "province_button")


def test_the_province_file_is_loaded_from_the_keyboard_inside_a_modal_thiet_lap(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path
) -> None:
    """Thiết lập opened with exec() as the menu does, the open dialog over it with open() and
    the message over that: Alt+N, the path typed, Enter, Enter, Esc. The long session's step
    once hung here: it typed before the open dialog was active (the first letter went into
    Thiết lập, Qt's "Không tìm thấy tệp" kept the chooser open) and its failure could not end
    the nested exec() loops. Qt's message boxes, not replaced: they are what is driven."""
    from db import round_basis
    from desktop.settings_dialog import open_settings
    from forms.model import Area
    from tests.desktop.session_driver import Session, SessionFailure, Watchdog

    window = QWidget()
    window.store = store  # type: ignore[attr-defined]  # what SettingsDialog reads off the window
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    session = Session(window, seed=1, watchdog=Watchdog(deadlock_s=30))
    path = tmp_path / "tinh-b1.toml"
    seen: list[str] = []

    def steps() -> Any:
        session.expected_modals = (SettingsDialog, QFileDialog)
        QTimer.singleShot(0, lambda: seen.append(str(open_settings(window))))
        yield
        yield from session.wait(
            lambda: isinstance(QApplication.activeModalWidget(), SettingsDialog), "Thiết lập"
        )
        dialog = QApplication.activeModalWidget()
        before = {k: e.text() for k, e in dialog.editors.items() if isinstance(e, QLineEdit)}
        path.write_text(PROVINCE_B1, encoding="utf-8")
        yield from session.load_province_file(dialog, path)
        after = {k: e.text() for k, e in dialog.editors.items() if isinstance(e, QLineEdit)}
        if after != before:
            raise SessionFailure(f"keys landed in Thiết lập: {before} -> {after}")
        yield from session.key(Qt.Key.Key_Escape)
        yield from session.wait(lambda: QApplication.activeModalWidget() is None, "closed")

    try:
        session.run(steps())
    finally:
        session.watchdog.stop()
    assert seen == ["False"]  # Esc: the settings themselves not saved
    assert session.figures.modals == []
    assert round_basis.resolve(store, "nd351-2026-2030").b1_thresholds[Area.RURAL] == 150


def test_save_and_cancel_stay_on_a_small_screen(qtbot: QtBot, app: Any, store: Any) -> None:
    """With a commune file open the settings were 1,144 pixels tall: on a 768-pixel laptop
    screen Lưu and Hủy were below its edge, out of reach. The content scrolls; the buttons
    stay in sight."""
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = SettingsDialog(store=store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    screen = dialog.screen().availableGeometry()
    assert dialog.frameGeometry().height() <= screen.height()
    buttons = dialog.findChild(QDialogButtonBox)
    save = buttons.button(QDialogButtonBox.StandardButton.Ok)
    bottom = save.mapToGlobal(save.rect().bottomLeft())
    assert save.isVisible()
    assert screen.contains(bottom), (bottom, screen)
    assert save.text() == "Lưu"


def test_the_province_connection_is_folded_away_on_a_commune_machine(qtbot) -> None:
    """A commune officer was shown a PostgreSQL connection string and "Kiểm tra kết nối"
    among the settings; they stay under "Thiết lập cho máy của tỉnh", folded while unset."""
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dsn = dialog.editors["registry_dsn"]
    assert not dsn.isVisible()
    assert not dialog.registry_check_button.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    target = QApplication.focusWidget() or dialog
    QTest.keyClick(target, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # the fold's key
    qtbot.waitUntil(dialog.registry_fold.isChecked)  # a button's key clicks it animated
    assert dsn.isVisible()
    assert isinstance(dsn, QLineEdit)
    type_text(dsn, "host=10.0.0.5 dbname=rasoat_tinh user=rasoat")
    dialog.registry_fold.click()  # folded again: what was typed is still saved
    assert not dsn.isVisible()
    dialog.accept()
    assert settings.get("registry_dsn") == "host=10.0.0.5 dbname=rasoat_tinh user=rasoat"

    # On the province's machine, where it is set, it is shown unfolded.
    again = SettingsDialog()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.registry_fold.isChecked()
    assert again.editors["registry_dsn"].isVisible()
