"""Tệp → Kỳ rà soát mới…: next year in the same file, households carried forward, last year's
results the baseline of the Biến động column."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.records import HouseholdQuery
from desktop.main_window import MainWindow
from desktop.new_round_dialog import NewRoundDialog
from forms.model import Category, Transition
from tests.desktop.conftest import poor_household, save_classified


def test_the_dialog_proposes_next_year_and_its_standard(qtbot: QtBot, app: Any, store: Any) -> None:
    dialog = NewRoundDialog(store, today=date(2026, 11, 1))
    qtbot.addWidget(dialog)
    assert dialog.year.value() == 2027  # the file's round is 2026
    assert dialog.standard.currentData() == "nd351-2026-2030"
    assert dialog.note.text() == ""
    dialog.standard.setCurrentIndex(dialog.standard.findData("nd07-2022-2025"))
    assert "Cảnh báo" in dialog.note.text()


def test_a_second_periodic_round_of_the_same_year_is_refused_in_words(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    dialog = NewRoundDialog(store, today=date(2026, 11, 1))
    qtbot.addWidget(dialog)
    dialog.year.setValue(2026)
    dialog.start()
    assert "2026" in dialog.error.text()
    assert dialog.started is None
    assert [r.year for r in store.rounds()] == [2026]


def test_next_year_from_the_menu_keeps_households_and_compares_with_last_year(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    household = poor_household("H-0001", "Thôn Nà Lầu")
    assert save_classified(store, household).category is Category.POOR
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    def start_next_year() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewRoundDialog)
        dialog.year.setValue(2027)
        # Scored on the 2022-2025 standard, as if the province said so: the 2027-2030 one has
        # no B1 threshold yet, and this test is about the baseline, not the standard.
        dialog.standard.setCurrentIndex(dialog.standard.findData("nd07-2022-2025"))
        dialog.start_button.click()

    QTimer.singleShot(100, start_next_year)
    window.new_round_action.trigger()
    current = store.current_round()
    assert current.year == 2027
    assert current.standard_id == "nd07-2022-2025"
    assert window.list.round.currentData() == str(current.id)
    # Carried forward: the household is there, not yet reviewed in the new round.
    rows = store.list_households(HouseholdQuery(round_id=current.id))
    assert [r.code for r in rows] == ["H-0001"]
    assert rows[0].category is None

    # Reviewed again, now with a sound house: out of poverty, against last year's result.
    household = store.get_household(household.id)
    household.wall_durable = household.frame_durable = household.roof_durable = True
    household.floor_area_m2 = 40.0
    household.b1_total = 200
    result = save_classified(store, household)
    row = store.list_households(HouseholdQuery(round_id=current.id))[0]
    assert row.category is result.category
    assert result.category is not Category.POOR
    assert row.transition in (Transition.ESCAPED_POVERTY, Transition.POOR_TO_NEAR_POOR)
    window.close()
