from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop.first_run_dialog import FirstRunDialog


def type_text(widget: Any, text: str) -> None:
    for ch in text:
        if ch == "\n":
            QTest.keyClick(widget, Qt.Key.Key_Return)
            continue
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def pick(dialog: FirstRunDialog, province: str, commune: str | None = None) -> None:
    dialog.province.setCurrentIndex(dialog.province.findText(province))
    index = 0 if commune is None else dialog.commune.findText(commune)
    assert index >= 0
    dialog.commune.setCurrentIndex(index)


def test_ward_defaults_to_urban_and_year_proposes_the_standard(qtbot: QtBot, app: Any) -> None:
    dialog = FirstRunDialog(today=date(2026, 9, 1))
    qtbot.addWidget(dialog)
    pick(dialog, "Thành phố Hà Nội", "Phường Hoàn Kiếm")
    assert dialog.urban.isChecked()
    assert dialog.standard.currentData() == "nd07-2022-2025"
    assert dialog.standard_note.text() == ""
    dialog.year.setValue(2027)
    assert dialog.standard.currentData() == "nd351-2026-2030"
    dialog.standard.setCurrentIndex(dialog.standard.findData("nd07-2022-2025"))
    assert "Cảnh báo" in dialog.standard_note.text()


def test_missing_answers_are_named_in_vietnamese(qtbot: QtBot, app: Any) -> None:
    dialog = FirstRunDialog(today=date(2026, 9, 1))
    qtbot.addWidget(dialog)
    pick(dialog, "Tuyên Quang")
    dialog.create_button.click()
    assert "thôn" in dialog.error.text()
    assert dialog.choice is None


def test_creating_a_commune_file(qtbot: QtBot, app: Any, tmp_path: Path) -> None:
    from desktop.commune_file import create_from_choice

    dialog = FirstRunDialog(today=date(2026, 9, 1))
    qtbot.addWidget(dialog)
    pick(dialog, "Tuyên Quang")
    assert dialog.rural.isChecked() or dialog.urban.isChecked()
    type_text(dialog.villages, "Thôn Nà Lầu\nBản Khuổi Phìn")
    type_text(dialog.surveyor, "Lò Thị Mai")
    dialog.path.setText(str(tmp_path / "xa.rasoat.sqlite"))
    dialog.create_button.click()
    assert dialog.error.text() == ""
    assert dialog.choice is not None
    store = create_from_choice(dialog.choice)
    try:
        assert [v.name for v in store.villages()] == ["Thôn Nà Lầu", "Bản Khuổi Phìn"]
        assert store.current_round().year == 2026
        assert store.commune().province_name == "Tuyên Quang"
    finally:
        store.close()
