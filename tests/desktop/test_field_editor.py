from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox
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


@pytest.fixture(params=["vi_VN", "en_US", "C"])
def system_locale(request: pytest.FixtureRequest) -> Iterator[str]:
    """The laptop's language setting, which Qt's validators read numbers by."""
    before = QLocale()
    QLocale.setDefault(QLocale(request.param))
    yield request.param
    QLocale.setDefault(before)


@pytest.mark.parametrize(
    ("kind", "typed", "stored", "shown"),
    [
        ("int", "1.500.000", 1_500_000, "1500000"),
        ("int", "1,500,000", 1_500_000, "1500000"),
        ("int", "1 500 000 đ", 1_500_000, "1500000"),
        ("float", "12,5", 12.5, "12,5"),
        ("float", "12.5", 12.5, "12,5"),
        ("float", "1.200", 1200.0, "1200"),
        ("float", "1.200,5", 1200.5, "1200,5"),
        ("float", "48", 48.0, "48"),
    ],
)
def test_a_number_typed_as_officers_write_it_is_stored_and_shown_as_stored(
    qtbot: QtBot, system_locale: str, kind: str, typed: str, stored: float, shown: str
) -> None:
    """Under a Vietnamese setting "1.500.000" was accepted, stored as unknown, and left in
    the box; under English "12,5" was stored as 12.5 and shown as "125" once left."""
    editor = make_editor(kind)
    qtbot.addWidget(editor)
    type_text(editor.edit, typed)
    assert editor.value() == stored
    editor.edit.editingFinished.emit()  # the field left (Tab)
    assert editor.edit.text() == shown
    assert editor.value() == stored
    assert editor.toolTip() == ""


def test_a_number_that_cannot_be_read_says_so_on_its_field(
    qtbot: QtBot, system_locale: str
) -> None:
    area = make_editor("float")
    qtbot.addWidget(area)
    type_text(area.edit, "1,2,3")
    assert area.value() is None
    area.set_problem("")  # the page's validation, knowing only the stored None
    assert area.toolTip() == "Không đọc được số “1,2,3”: hãy viết như 12,5."
    area.edit.editingFinished.emit()
    assert area.edit.text() == "1,2,3"  # left as typed, to be corrected
    area.edit.clear()
    type_text(area.edit, "12,5")
    area.set_problem("")
    assert area.toolTip() == ""
    money = make_editor("int")
    qtbot.addWidget(money)
    type_text(money.edit, "abc")  # letters cannot be typed
    assert money.edit.text() == ""


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


def test_a_choice_a_newer_version_wrote_is_kept_when_another_is_ticked(qtbot: QtBot) -> None:
    """A household's income sources or causes may hold an id this version does not offer (a
    package from a laptop with a newer version): ticking a box keeps it, shown ticked and
    greyed, rather than dropping it with the officer's edit."""
    editor = make_editor("multi", [("agriculture", "Nông nghiệp"), ("forestry", "Lâm nghiệp")])
    qtbot.addWidget(editor)
    editor.set_value(["remittances_abroad", "agriculture"])
    kept = [b for b in editor.findChildren(QCheckBox) if not b.isEnabled()]
    assert [(b.text(), b.isChecked()) for b in kept] == [
        ("remittances_abroad (mục do phiên bản phần mềm mới hơn ghi)", True)
    ]
    editor.boxes[1][1].setChecked(True)
    assert editor.value() == ["remittances_abroad", "agriculture", "forestry"]
    editor.set_value(["forestry"])  # another household: nothing of the first one's kept
    assert editor.value() == ["forestry"]
    assert [b for b in editor.findChildren(QCheckBox) if not b.isEnabled()] == []


def test_the_causes_page_keeps_a_cause_a_newer_version_wrote(qtbot: QtBot) -> None:
    from desktop.causes_page import CausesPage
    from forms.model import Household

    page = CausesPage()
    qtbot.addWidget(page)
    household = Household(code="01-0001", causes=["climate_migration", "capital"], needs=[])
    page.set_household(household)
    page.boxes["causes"]["land"].setChecked(True)
    assert household.causes == ["climate_migration", "capital", "land"]
    page.boxes["causes"]["capital"].setChecked(False)
    assert household.causes == ["climate_migration", "land"]
    shown = [b.text() for b in page.findChildren(QCheckBox) if not b.isEnabled()]
    assert shown == ["climate_migration (mục do phiên bản phần mềm mới hơn ghi)"]
