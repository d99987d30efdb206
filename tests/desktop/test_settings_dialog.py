"""The settings dialog: one row per editable setting, saved only on "Lưu"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QSpinBox

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
