"""The lists in force (issue 24): a monthly regular round's decision updates the households it
reviewed from the decision date; the periodic round stays the one the household list shows."""

from __future__ import annotations

from datetime import date

from db import report_queries, year_round
from db.records import HouseholdQuery
from db.store import Store
from forms.model import Category
from tests.db.test_year_round import _escaped, _periodic, _poor

BEFORE, DECIDED = date(2026, 3, 19), date(2026, 3, 20)


def _categories(store: Store, on: date) -> dict[str, Category | None]:
    return {r.code: r.category for r in store.list_households(HouseholdQuery(on=on))}


def test_a_monthly_decision_changes_two_households_from_its_date(store: Store) -> None:
    a, b, c = (
        _poor(f"01-000{i}", name)
        for i, name in enumerate(("Lò Thị Ánh", "Đinh Văn Hùng", "Vì Văn Sơn"), 1)
    )
    periodic = _periodic(store, a, b, c)
    for h in (a, b):
        year_round.add_application(store, h.id, "escape", date(2026, 3, 2), h.head_name())
        _escaped(h)
        store.save_household(h)
    march = year_round.start_regular_round(store, 2026, 3)
    # Opening the month's round leaves the household list on the periodic round.
    assert store.current_round().id == periodic  # type: ignore[union-attr]
    assert store.open_regular_round() == march
    undecided = _categories(store, DECIDED)
    assert set(undecided.values()) == {Category.POOR}

    store.save_decision(march.id, "31/QĐ-UBND", DECIDED, "Nguyễn Văn Hùng")
    assert store.open_regular_round() is None
    assert store.current_round().id == periodic  # type: ignore[union-attr]
    assert _categories(store, BEFORE) == dict.fromkeys(
        ("01-0001", "01-0002", "01-0003"), Category.POOR
    )
    assert _categories(store, DECIDED) == {
        "01-0001": Category.NOT_POOR,
        "01-0002": Category.NOT_POOR,
        "01-0003": Category.POOR,
    }
    # The counts, the category filter and the search read the same lists.
    assert store.category_counts(HouseholdQuery(on=BEFORE))[Category.POOR] == 3
    counts = report_queries.after_meeting_counts(store, HouseholdQuery(on=DECIDED))
    assert (counts[Category.POOR], counts[Category.NOT_POOR]) == (1, 2)
    poor_now = store.list_households(HouseholdQuery(on=DECIDED, category=Category.POOR))
    assert [r.code for r in poor_now] == ["01-0003"]
    assert store.count_households(HouseholdQuery(on=DECIDED, category=Category.NOT_POOR)) == 2
    # Today is after the decision: the search (no date of its own) sees it.
    assert {r.code: r.category for r in store.search("lo thi anh")} == {
        "01-0001": Category.NOT_POOR
    }
    # The list after the meeting, read on a date; the periodic round's own list is unchanged.
    conn = report_queries.connection(store)
    on_date = {
        x.household.code: x.result.category
        for x in report_queries.after_meeting(conn, periodic, on=DECIDED)
    }
    assert on_date == _categories(store, DECIDED)
    own = {
        x.household.code: x.result.category for x in report_queries.after_meeting(conn, periodic)
    }
    assert set(own.values()) == {Category.POOR}
    asked = store.list_households(HouseholdQuery(round_id=periodic, on=DECIDED))
    assert {r.category for r in asked} == {Category.POOR}


def test_a_household_the_regular_meeting_sent_back_keeps_its_status(store: Store) -> None:
    a, b = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
    _periodic(store, a, b)
    for h in (a, b):
        year_round.add_application(store, h.id, "escape", date(2026, 4, 2), h.head_name())
        _escaped(h)
        store.save_household(h)
    april = year_round.start_regular_round(store, 2026, 4)
    store.save_meeting_vote(a.id, april.id, agree=3, attendees=20, meeting_date=date(2026, 4, 16))
    store.save_meeting_vote(b.id, april.id, agree=18, attendees=20, meeting_date=date(2026, 4, 16))
    store.save_decision(april.id, "40/QĐ-UBND", date(2026, 4, 25), "Nguyễn Văn Hùng")
    assert _categories(store, date(2026, 5, 1)) == {
        "01-0001": Category.POOR,
        "01-0002": Category.NOT_POOR,
    }


def test_a_later_periodic_review_supersedes_the_regular_rounds_before_it(store: Store) -> None:
    a = _poor("01-0001", "Lò Thị Ánh")
    _periodic(store, a)
    year_round.add_application(store, a.id, "escape", date(2026, 3, 2), a.head_name())
    _escaped(a)
    store.save_household(a)
    march = year_round.start_regular_round(store, 2026, 3)
    store.save_decision(march.id, "31/QĐ-UBND", DECIDED, "Nguyễn Văn Hùng")
    assert _categories(store, DECIDED) == {"01-0001": Category.NOT_POOR}
    from forms.classify import classify
    from tests.db.test_year_round import STANDARD

    later = store.start_round(2026, STANDARD.id)
    back = _poor("01-0001", "Lò Thị Ánh")
    back.id = a.id
    store.save_household(back, round_id=later.id, result=classify(back, STANDARD, 2026))
    assert store.current_round() == later
    assert _categories(store, date(2026, 12, 31)) == {"01-0001": Category.POOR}
