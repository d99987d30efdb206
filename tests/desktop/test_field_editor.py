from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop.field_editor import make_editor, parse_date


def type_text(widget, text: str) -> None:
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def test_yes_no_keeps_blank_apart_from_no(qtbot: QtBot) -> None:
    editor = make_editor("bool")
    qtbot.addWidget(editor)
    assert editor.value() is None
    editor.set_value(False)
    assert editor.value() is False
    editor.set_value(True)
    assert editor.value() is True


def test_numbers_blank_means_unknown_and_letters_are_refused(qtbot: QtBot) -> None:
    editor = make_editor("int")
    qtbot.addWidget(editor)
    with qtbot.waitSignals([editor.changed] * 1, timeout=1000):
        type_text(editor.edit, "1a9")
    assert editor.value() == 19
    editor.set_value(None)
    assert editor.value() is None
    area = make_editor("float")
    qtbot.addWidget(area)
    type_text(area.edit, "12,5")
    assert area.value() == 12.5


def test_text_takes_vietnamese_characters(qtbot: QtBot) -> None:
    editor = make_editor("text")
    qtbot.addWidget(editor)
    type_text(editor.edit, "Nguyễn Thị Ánh")
    assert editor.value() == "Nguyễn Thị Ánh"


def test_choice_and_multi(qtbot: QtBot) -> None:
    one = make_editor("choice", [("a", "Một"), ("b", "Hai")])
    many = make_editor("multi", [("tv", "Ti vi"), ("radio", "Đài")])
    qtbot.addWidget(one)
    qtbot.addWidget(many)
    one.set_value("b")
    assert one.value() == "b"
    many.set_value(["radio"])
    assert many.value() == ["radio"]


def test_dates_in_vietnamese_and_iso_order() -> None:
    assert parse_date("05/09/2026") == date(2026, 9, 5)
    assert parse_date("2026-09-05") == date(2026, 9, 5)
    assert parse_date("31/02/2026") is None
    assert parse_date("") is None


def test_a_long_section_title_puts_its_explanation_under_it() -> None:
    from desktop.form_page import split_title

    assert split_title(
        "Tiêu chí loại trừ (có một tiêu chí → không thuộc diện rà soát hộ nghèo, cận nghèo)"
    ) == ("Tiêu chí loại trừ", "Có một tiêu chí → không thuộc diện rà soát hộ nghèo, cận nghèo.")
    assert split_title("Điểm B1 (điểm A)") == ("Điểm B1 (điểm A)", "")  # short: kept whole
    long_plain = "Nước sinh hoạt, vệ sinh và môi trường của hộ gia đình đang ở"
    assert split_title(long_plain) == (long_plain, "")
