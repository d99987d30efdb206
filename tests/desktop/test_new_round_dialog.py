"""Tệp → Kỳ rà soát mới…: next year in the same file, households carried forward, last year's
results the baseline of the Biến động column."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
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
        dialog.choice.number.setText("15/HD-UBND")
        dialog.choice.date.set_value(date(2026, 11, 2))
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


def test_both_standards_are_named_in_full_and_the_choice_kept_with_its_instruction(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """The transition year: the end-of-2026 review under the 2027-2030 standard, as a
    province may instruct (as in 2021), is refused without the instruction, then recorded
    with its number and date."""
    from db import round_basis

    assert [r.year for r in store.rounds()] == [2026]
    dialog = NewRoundDialog(store, today=date(2026, 12, 2))
    qtbot.addWidget(dialog)
    dialog.year.setValue(2028)
    about = dialog.choice.about.text()
    assert "Chuẩn nghèo đa chiều giai đoạn 2022–2025" in about
    assert "Chuẩn nghèo đa chiều giai đoạn 2026–2030" in about
    assert "2022–2026: chuẩn thu nhập 1.500.000 đồng/người/tháng ở nông thôn, 2.000.000" in about
    assert "2027–2030: chuẩn thu nhập 2.200.000 đồng/người/tháng ở nông thôn, 2.800.000" in about
    assert dialog.standard.itemText(1).endswith("(năm rà soát 2027–2030)")
    dialog.standard.setCurrentIndex(dialog.standard.findData("nd07-2022-2025"))
    dialog.start_button.click()
    assert "số và ngày ban hành" in dialog.error.text()
    assert [r.year for r in store.rounds()] == [2026]
    dialog.choice.number.setText("  2150/UBND-VX ")
    dialog.choice.date.edit.setText("31/12/2099")
    dialog.start_button.click()
    assert "sau ngày hôm nay" in dialog.error.text()
    dialog.choice.date.edit.setText("20/11/2026")
    dialog.start_button.click()
    assert dialog.error.text() == ""
    started = dialog.started
    assert (started.year, started.standard_id) == (2028, "nd07-2022-2025")
    kept = round_basis.choice(store, started.id)
    assert kept is not None
    assert (kept.standard_id, kept.proposed_standard_id) == ("nd07-2022-2025", "nd351-2026-2030")
    assert (kept.instruction_number, kept.instruction_date) == ("2150/UBND-VX", date(2026, 11, 20))


def test_the_proposed_standard_needs_no_instruction(qtbot: QtBot, app: Any, store: Any) -> None:
    from db import round_basis

    dialog = NewRoundDialog(store, today=date(2026, 12, 2))
    qtbot.addWidget(dialog)
    dialog.start_button.click()
    kept = round_basis.choice(store, dialog.started.id)
    assert kept is not None
    assert (kept.standard_id, kept.instruction_number) == ("nd351-2026-2030", "")


def _start_next_year_from_the_menu(window: MainWindow, year: int) -> None:
    def start() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewRoundDialog)
        dialog.year.setValue(year)
        dialog.standard.setCurrentIndex(dialog.standard.findData("nd07-2022-2025"))
        dialog.choice.number.setText("15/HD-UBND")
        dialog.choice.date.set_value(date(2026, 11, 2))
        dialog.start_button.click()

    QTimer.singleShot(100, start)
    window.new_round_action.trigger()


def test_a_household_edited_after_the_new_round_is_saved_into_it_not_last_years(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """The editor is built the first time a household is opened and kept: one built under
    last year's round, still open in the window when Kỳ rà soát mới… started this year's,
    saved this year's answers into last year's round (its decided result overwritten) and
    left the household unreviewed this year."""
    household = poor_household("H-0001", "Thôn Nà Lầu")
    assert save_classified(store, household).category is Category.POOR
    last_year = store.current_round()
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_household(household.id)  # the editor is built under last year's round
    window.editor.close_editor()
    _start_next_year_from_the_menu(window, last_year.year + 1)
    this_year = store.current_round()
    assert this_year.year == last_year.year + 1

    window.open_household(household.id)
    editor = window.editor
    assert editor.round.id == this_year.id
    assert editor.review_year() == this_year.year
    qtbot.keyClicks(editor.identity.address, " so 12")
    assert editor.save()
    assert store.result_for(household.id, this_year.id) is not None
    kept = store.answers_for(household.id, last_year.id)
    assert kept is not None
    assert "so 12" not in kept.address
    window.close()


def test_a_household_open_when_the_new_round_starts_is_closed_with_last_years_round(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """Tệp → Kỳ rà soát mới… from inside the household editor: the editor, which saves into
    last year's round, is left for the list instead of staying open for more typing."""
    household = poor_household("H-0001", "Thôn Nà Lầu")
    save_classified(store, household)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_household(household.id)
    assert window.stack.currentWidget() is window.editor
    _start_next_year_from_the_menu(window, store.current_round().year + 1)
    assert window.stack.currentWidget() is window.tabs
    assert window.editor.round.id == store.current_round().id
    window.close()


def test_last_years_answers_are_marked_until_the_household_is_reviewed_this_year(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """Carried forward, a household shows last year's answers with this year's
    classification beside them: the editor says they are last year's, and "Đã lưu" is not
    said until it is saved in this round."""
    household = poor_household("H-0001", "Thôn Nà Lầu")
    save_classified(store, household)
    last_year = store.current_round().year
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_household(household.id)
    assert window.editor.meeting_note.text() == ""  # reviewed in its own round
    window.editor.close_editor()
    _start_next_year_from_the_menu(window, last_year + 1)
    window.open_household(household.id)
    editor = window.editor
    note = editor.meeting_note.text()
    assert f"kỳ rà soát năm {last_year}" in note
    assert f"chưa được rà soát trong kỳ năm {last_year + 1}" in note
    assert editor.status.text() == f"Chưa rà soát năm {last_year + 1}"
    assert editor.save()
    assert editor.meeting_note.text() == ""
    assert editor.status.text() == "Đã lưu"
    window.open_household(household.id)
    assert editor.meeting_note.text() == ""
    window.close()


def test_in_september_after_a_months_round_the_dialog_proposes_this_years_review(
    qtbot: QtBot, app: Any, tmp_path: Any
) -> None:
    """The 2025 review, then a monthly regular round in March 2026: in September the dialog
    proposed the 2027 review under the 2026-2030 standard, and named March's round as the
    previous review ("năm 2026")."""
    from db import year_round
    from db.store import CommuneInfo, Store
    from forms.model import Area

    info = CommuneInfo("8", "Tuyên Quang", "2269", "Xã Thượng Lâm", Area.RURAL)
    with Store.create(tmp_path / "xa.sqlite", info, user="Lò Văn Ín", device="laptop-1") as store:
        store.add_village("Thôn Nà Lầu")
        store.start_round(2025, "nd07-2022-2025", "periodic")
        year_round.start_regular_round(store, 2026, 3)
        dialog = NewRoundDialog(store, today=date(2026, 9, 15))
        qtbot.addWidget(dialog)
        assert dialog.year.value() == 2026
        assert dialog.standard.currentData() == "nd07-2022-2025"
        intro = dialog.findChildren(QLabel)[0].text()
        assert "Kết quả của kỳ trước (năm 2025)" in intro
        dialog.close()


def test_the_2026_transition_is_explained_for_2026_only(qtbot: QtBot, app: Any, store: Any) -> None:
    """'Như năm 2021, tỉnh có thể hướng dẫn rà soát cuối năm 2026 theo chuẩn giai đoạn mới'
    was said for every year, the 2028 review included, where it explains nothing."""
    dialog = NewRoundDialog(store, today=date(2026, 12, 2))
    qtbot.addWidget(dialog)
    dialog.year.setValue(2026 + 2)
    about = dialog.choice.about.text()
    assert "Năm 2028: đề xuất <b>Chuẩn nghèo đa chiều giai đoạn 2026–2030</b>." in about
    assert "cuối năm 2026" not in about
    assert "chỉ chọn chuẩn khác khi có văn bản hướng dẫn" in about.lower()
    dialog.year.setValue(2026)
    assert "Như năm 2021" in dialog.choice.about.text()


def test_a_year_left_unreviewed_still_marks_the_answers_with_the_year_they_are_of(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """Reviewed in 2026, not in 2027 (the review opened and left), opened in 2028: its
    answers are 2026's. Only the review just before was looked at, so the household showed
    them as "Đã lưu" with no mark."""
    household = poor_household("H-0001", "Thôn Nà Lầu")
    save_classified(store, household)
    reviewed = store.current_round().year
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    _start_next_year_from_the_menu(window, reviewed + 1)
    _start_next_year_from_the_menu(window, reviewed + 2)
    window.open_household(household.id)
    assert f"kỳ rà soát năm {reviewed}:" in window.editor.meeting_note.text()
    assert window.editor.status.text() == f"Chưa rà soát năm {reviewed + 2}"
    window.close()


def test_last_years_review_without_its_decision_is_pointed_out(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """Next year begun while last year's decision was never typed in: its lists are not in
    force in the file (certificates, the support period wait for it), which the dialog now
    says; with the decision there it says nothing."""
    from datetime import date as day

    last = store.current_round()
    dialog = NewRoundDialog(store, today=day(2026, 12, 2))
    qtbot.addWidget(dialog)
    assert f"kỳ rà soát năm {last.year} chưa ghi quyết định công nhận" in dialog.undecided.text()
    assert not dialog.undecided.isHidden()
    store.save_decision(last.id, "215/QĐ-UBND", day(2026, 12, 1), "Nguyễn Văn Hùng")
    again = NewRoundDialog(store, today=day(2026, 12, 2))
    qtbot.addWidget(again)
    assert again.undecided.text() == ""
    assert again.undecided.isHidden()


def test_last_years_decision_can_still_be_typed_in_after_next_year_began(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """The meeting and posting screens offered the current review and the monthly rounds
    only: once next year's review began, last year's, still undecided, was offered nowhere
    and its decision could never be recorded (no command records one either)."""
    last = store.current_round()
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    _start_next_year_from_the_menu(window, last.year + 1)
    window.tabs.setCurrentIndex(2)
    page = window.posting
    offered = [page.round_choice.combo.itemData(i) for i in range(page.round_choice.combo.count())]
    assert offered[:2] == [str(store.current_round().id), str(last.id)]
    page.round_choice.choose(last.id)
    assert page.round_id() == str(last.id)
    assert f"Rà soát định kỳ năm {last.year}" in page.round_choice.combo.currentText()
    # Decided, it is offered no more: the lists it recognised are done with.
    store.save_decision(last.id, "215/QĐ-UBND", date(2026, 12, 1), "Nguyễn Văn Hùng")
    page.refresh()
    offered = [page.round_choice.combo.itemData(i) for i in range(page.round_choice.combo.count())]
    assert str(last.id) not in offered
    window.close()
