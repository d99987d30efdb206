from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from desktop.meeting_mode import MeetingMode, passed
from forms.model import Household, Member, Relationship
from tests.desktop.conftest import poor_household, save_classified


def test_half_of_attendees_is_enough() -> None:
    assert passed(10, 20)
    assert not passed(9, 20)
    assert not passed(0, 0)


def test_meeting_lists_proposed_households_and_saves_votes(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu", "Lò Văn Pản"))
    save_classified(store, poor_household("P2", "Thôn Nà Lầu", "Hoàng Thị Nga"))
    save_classified(store, poor_household("P3", "Bản Khuổi Phìn", "Ma Văn Tỉnh"))
    well_off = Household(
        code="W1",
        village="Thôn Nà Lầu",
        members=[Member(name="Nguyễn Văn An", relationship=Relationship.HEAD, birth_year=1980)],
    )
    store.save_household(well_off)
    meeting = MeetingMode(store)
    qtbot.addWidget(meeting)
    meeting.village.setCurrentIndex(meeting.village.findData("Thôn Nà Lầu"))
    assert [r.code for r in meeting.rows] == ["P1", "P2"]
    meeting.attendees.setValue(30)
    assert meeting.set_vote(0, 25, 30, "Nhất trí")
    assert meeting.set_vote(1, 12, 30, "Nhà mới sửa")
    assert meeting.result_text(0).startswith("Thông qua")
    assert meeting.result_text(1) == "Cần rà soát lại"
    assert "1 cần rà soát lại" in meeting.summary.text()

    votes = {v.household_id: v for v in store.meeting_votes(store.current_round().id)}
    assert votes[meeting.rows[0].id].agree == 25
    assert votes[meeting.rows[1].id].note == "Nhà mới sửa"
    assert not votes[meeting.rows[1].id].passed

    again = MeetingMode(store)
    qtbot.addWidget(again)
    again.village.setCurrentIndex(again.village.findData("Thôn Nà Lầu"))
    assert again.result_text(1) == "Cần rà soát lại"


def test_more_agreeing_than_present_is_refused(qtbot: QtBot, app: Any, store: Any) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu"))
    meeting = MeetingMode(store)
    qtbot.addWidget(meeting)
    meeting.village.setCurrentIndex(meeting.village.findData("Thôn Nà Lầu"))
    assert not meeting.set_vote(0, 31, 30)
    assert "lớn hơn số người dự họp" in meeting.message.text()
    assert store.meeting_votes(store.current_round().id) == []


def test_a_household_voted_down_shows_as_needing_review_in_the_editor(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from desktop.household_editor import HouseholdEditor

    h = poor_household("P1", "Thôn Nà Lầu")
    save_classified(store, h)
    store.save_meeting_vote(h.id, store.current_round().id, agree=10, attendees=30)
    editor = HouseholdEditor(store)
    qtbot.addWidget(editor)
    editor.open_household(store.get_household(h.id))
    assert editor.meeting_note.text().startswith("Cần rà soát lại")
