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


def show_active(qtbot: QtBot, dialog: Any) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)


def type_into_picker(qtbot: QtBot, combo: Any, text: str) -> None:
    """Clear the box and type as the officer does, then Tab out."""
    line = combo.lineEdit()
    line.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=2000)
    line.selectAll()
    QTest.keyClick(line, Qt.Key.Key_Delete)
    type_text(line, text)
    QTest.keyClick(line, Qt.Key.Key_Tab)


def test_pickers_ignore_diacritics_and_match_anywhere(qtbot: QtBot, app: Any) -> None:
    dialog = FirstRunDialog(today=date(2026, 9, 1))
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)

    completer = dialog.province.completer()
    completer.setCompletionPrefix("lang s")
    assert completer.currentCompletion() == "Lạng Sơn"
    completer.setCompletionPrefix("DIEN BIEN")
    assert completer.currentCompletion() == "Điện Biên"

    # The officer asks for "Tạo" before choosing: the message names what is missing.
    dialog.province.setCurrentIndex(-1)
    dialog.province.setEditText("")
    dialog.create_button.click()
    assert "tỉnh" in dialog.error.text()

    type_into_picker(qtbot, dialog.province, "lang s")
    assert dialog.selected_province() is not None
    assert dialog.selected_province().name == "Lạng Sơn"
    # The message about the province went with the right choice; the next one asks for the
    # commune, which is not chosen for the officer.
    assert dialog.error.text() == "Hãy chọn xã/phường trong danh sách của tỉnh đã chọn."

    commune_completer = dialog.commune.completer()
    for typed in ("van quan", "Văn Q", "xa van qu"):
        commune_completer.setCompletionPrefix(typed)
        assert commune_completer.currentCompletion() == "Xã Văn Quan", typed
    type_into_picker(qtbot, dialog.commune, "van quan")
    assert dialog.selected_commune() is not None
    assert dialog.selected_commune().name == "Xã Văn Quan"
    assert dialog.path.text().endswith("xa-van-quan.rasoat.sqlite")


def test_a_typed_text_matching_many_names_chooses_none(qtbot: QtBot, app: Any) -> None:
    dialog = FirstRunDialog(today=date(2026, 9, 1))
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    pick(dialog, "Lạng Sơn")
    type_into_picker(qtbot, dialog.commune, "van")  # Văn Quan, Vân Nham, Vạn Linh …
    assert dialog.selected_commune() is None


def test_the_end_of_2026_review_under_the_new_standard_records_the_instruction(
    qtbot: QtBot, app: Any, tmp_path: Path
) -> None:
    """Issue 18: a province may order the end-of-2026 review under the 2027-2030 standard;
    the new file's round keeps that choice with the instruction's number and date."""
    from db import round_basis
    from desktop.commune_file import create_from_choice

    dialog = FirstRunDialog(today=date(2026, 12, 2))
    qtbot.addWidget(dialog)
    pick(dialog, "Tuyên Quang")
    type_text(dialog.villages, "Thôn Nà Lầu")
    type_text(dialog.surveyor, "Lò Thị Mai")
    dialog.path.setText(str(tmp_path / "xa.rasoat.sqlite"))
    assert dialog.standard.currentData() == "nd07-2022-2025"
    assert "Như năm 2021" in dialog.standard_choice.about.text()
    dialog.standard.setCurrentIndex(dialog.standard.findData("nd351-2026-2030"))
    dialog.create_button.click()
    assert "số và ngày ban hành" in dialog.error.text()
    assert dialog.choice is None
    type_text(dialog.standard_choice.number, "88/HD-UBND")
    type_text(dialog.standard_choice.date.edit, "25/11/2026")
    dialog.create_button.click()
    assert dialog.error.text() == ""
    assert dialog.choice is not None
    store = create_from_choice(dialog.choice)
    try:
        current = store.current_round()
        assert (current.year, current.standard_id) == (2026, "nd351-2026-2030")
        kept = round_basis.choice(store, current.id)
        assert kept is not None
        assert kept.proposed_standard_id == "nd07-2022-2025"
        assert (kept.instruction_number, kept.instruction_date) == (
            "88/HD-UBND",
            date(2026, 11, 25),
        )
    finally:
        store.close()


def test_nothing_is_chosen_for_the_officer_and_a_mended_field_takes_its_message(
    qtbot: QtBot, app: Any
) -> None:
    """No province or commune chosen at first (a file was made for the list's first commune,
    Hà Nội's Ba Đình, when the officer did not notice); the message asking for the villages
    goes once they are typed, the next one shown."""
    dialog = FirstRunDialog(today=date(2026, 9, 1))
    qtbot.addWidget(dialog)
    assert dialog.selected_province() is None
    assert dialog.selected_commune() is None
    assert dialog.commune.count() == 0
    dialog.create_button.click()
    assert dialog.error.text() == "Hãy chọn tỉnh/thành phố trong danh sách."
    dialog.province.setCurrentIndex(dialog.province.findText("Tuyên Quang"))
    assert dialog.selected_commune() is None  # not the province's first, unasked
    dialog.create_button.click()
    assert dialog.error.text() == "Hãy chọn xã/phường trong danh sách của tỉnh đã chọn."
    pick(dialog, "Tuyên Quang")
    dialog.create_button.click()
    assert "thôn" in dialog.error.text()
    type_text(dialog.villages, "Thôn Nà Lầu")
    assert dialog.error.text() == "Hãy nhập họ và tên người rà soát."
    type_text(dialog.surveyor, "Lò Thị Mai")
    assert "thôn" not in dialog.error.text()
    assert dialog.height() <= dialog.screen().availableGeometry().height()


def test_only_the_last_year_of_a_standard_is_told_of_the_new_period(qtbot: QtBot, app: Any) -> None:
    """The note that a province may order the year-end review under the next period's standard
    (as in 2021) belongs to 2026, the last review year of the 2022–2025 standard; for 2028 it
    spoke of "rà soát cuối năm 2026" as if the officer were choosing for that year."""
    from desktop.standard_choice import StandardChoice

    choice = StandardChoice(today=date(2028, 9, 1))
    qtbot.addWidget(choice)
    choice.set_year(2026)
    assert "Như năm 2021" in choice.about.text()
    assert "cuối năm 2026" in choice.about.text()
    for year in (2024, 2028):
        choice.set_year(year)
        text = choice.about.text()
        assert f"Năm {year}: đề xuất" in text
        assert "Như năm 2021" not in text
        assert "cuối năm 2026" not in text
