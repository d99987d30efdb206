"""Transitions stored with a round's results (``forms.transitions.history_before``): a
periodic review moves from the last periodic review, a monthly regular round from the lists
as they stand before it; a category corrected in one round moves the rounds after it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db import year_round
from db.store import Store
from forms.classify import classify
from forms.model import Household, Transition
from tests.db.conftest import commune_info
from tests.db.test_year_round import STANDARD, _escaped, _periodic, _poor


def _transitions(store: Store, round_id: str) -> dict[str, Transition | None]:
    return {
        code: Transition(value) if value else None
        for code, value in store.conn.execute(
            "SELECT h.code, r.transition FROM results r JOIN households h"
            " ON h.id = r.household_id WHERE r.round_id = ?",
            (round_id,),
        )
    }


def _monthly(store: Store, year: int, month: int, *households: Household) -> str:
    rnd = year_round.start_regular_round(store, year, month)
    for h in households:
        store.save_household(h)
        year_round.add_to_round(store, rnd.id, h.id)
    return str(rnd.id)


def test_a_december_exit_then_the_next_review_and_a_june_return(tmp_path: Path) -> None:
    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Đồng Tâm")
        a, b, c = (_poor(f"01-000{i}", n) for i, n in enumerate(("Ánh", "Hùng", "Sơn"), 1))
        _periodic(store, a, b, c)
        _escaped(a)
        december = _monthly(store, 2025, 12, a)
        store.save_decision(december, "40/QĐ-UBND", date(2025, 12, 28), "Nguyễn Văn Hùng")
        # From the list the 2025 review had just recognised, not from 2024's (none here).
        assert _transitions(store, december) == {"01-0001": Transition.ESCAPED_POVERTY}

        _escaped(b)
        march = _monthly(store, 2026, 3, b)
        b.b1_total, b.income_per_capita = _poor("01-0002", "Hùng").b1_total, 500_000
        june = _monthly(store, 2026, 6, b)
        # Undecided, March changed no list yet: June moves from the 2025 review's.
        assert _transitions(store, june) == {"01-0002": Transition.STAYED_POOR}
        store.save_decision(march, "31/QĐ-UBND", date(2026, 3, 20), "Nguyễn Văn Hùng")
        assert _transitions(store, march) == {"01-0002": Transition.ESCAPED_POVERTY}
        # Out since March: back on the list in June is a fall back, reported that month.
        assert _transitions(store, june) == {"01-0002": Transition.FELL_BACK_POOR}

        autumn = store.start_round(2026, STANDARD.id)
        for h in (a, b, c):
            store.save_household(h, round_id=autumn.id, result=classify(h, STANDARD, 2026))
        # Against the lists the 2025 review recognised (the summary's "Đầu kỳ").
        assert _transitions(store, autumn.id) == {
            "01-0001": Transition.ESCAPED_POVERTY,
            "01-0002": Transition.STAYED_POOR,
            "01-0003": Transition.STAYED_POOR,
        }

        # A correction in the March round moves June's transition with it.
        b2 = store.get_household(b.id)
        assert b2 is not None
        b2.income_per_capita, b2.b1_total = 500_000, _poor("01-0002", "Hùng").b1_total
        store.save_household(b2, round_id=march, result=classify(b2, STANDARD, 2026))
        assert _transitions(store, march) == {"01-0002": Transition.STAYED_POOR}
        assert _transitions(store, june) == {"01-0002": Transition.STAYED_POOR}


def test_a_merged_file_stores_the_same_transitions(tmp_path: Path) -> None:
    """A new household's results are written in the file's order of rounds (year, then
    start), so December's moves from the 2025 review merged before it."""
    from db.exchange.export import ExportScope, export_package
    from db.exchange.merge import import_package

    source = tmp_path / "xa.sqlite"
    with Store.create(source, commune_info(), user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Đồng Tâm")
        a, b = (_poor(f"01-000{i}", n) for i, n in enumerate(("Ánh", "Hùng"), 1))
        _periodic(store, a, b)
        _escaped(a)
        _monthly(store, 2025, 12, a)
        export_package(store, tmp_path / "xa.rasoat", ExportScope(kind="commune"))
        rounds = {(r.year, r.kind): _transitions(store, r.id) for r in store.rounds()}
    target = tmp_path / "may-khac.sqlite"
    with Store.create(target, commune_info(), user="Cán bộ", device="l2") as store:
        assert import_package(store, tmp_path / "xa.rasoat").written
        merged = {(r.year, r.kind): _transitions(store, r.id) for r in store.rounds()}
    assert merged == rounds
    assert rounds[2025, "adhoc"] == {"01-0001": Transition.ESCAPED_POVERTY}


def test_each_earlier_round_counts_as_its_meeting_and_decision_left_it(tmp_path: Path) -> None:
    """A month moves from the lists in force when it begins: not from a review opened but
    not decided, nor from a month its meeting sent the household back in; a review's
    household its meeting sent back was not determined; and a result entered later in an
    earlier round moves the rounds after it (the stored values followed the typing order)."""
    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Đồng Tâm")
        a, b, c = (_poor(f"01-000{i}", n) for i, n in enumerate(("Ánh", "Hùng", "Sơn"), 1))
        review25 = _periodic(store, a, b, c)
        # May: A applies to escape; the meeting sends it back. A stays poor.
        _escaped(a)
        may = _monthly(store, 2026, 5, a)
        store.save_meeting_vote(a.id, may, agree=2, attendees=10)
        store.save_decision(may, "20/QĐ-UBND", date(2026, 5, 25), "Nguyễn Văn Hùng")
        # The 2026 review opened; September's month begins before it is decided.
        review26 = store.start_round(2026, STANDARD.id)
        september = _monthly(store, 2026, 9, a)
        assert _transitions(store, september) == {"01-0001": Transition.ESCAPED_POVERTY}
        # C surveyed not poor in the open review, then reviewed poor in September: it moves
        # from the 2025 list, still in force, not from the review's proposal.
        poor_answers = (c.b1_total, c.income_per_capita)
        _escaped(c)
        store.save_household(c, round_id=review26.id, result=classify(c, STANDARD, 2026))
        c.b1_total, c.income_per_capita = poor_answers
        store.save_household(c)
        year_round.add_to_round(store, september, c.id)
        assert _transitions(store, september)["01-0003"] is Transition.STAYED_POOR

    # The 2025 meeting sent B back: in 2026 it moves from "not determined", not "poor".
    with Store.create(tmp_path / "b.sqlite", commune_info(), user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Đồng Tâm")
        b = _poor("01-0002", "Hùng")
        review25 = _periodic(store, b)
        review26 = store.start_round(2026, STANDARD.id)
        store.save_household(b, round_id=review26.id, result=classify(b, STANDARD, 2026))
        assert _transitions(store, review26.id) == {"01-0002": Transition.STAYED_POOR}
        store.save_meeting_vote(b.id, review25, agree=1, attendees=10)
        assert _transitions(store, review26.id) == {"01-0002": Transition.UNKNOWN}
        store.delete_meeting_vote(b.id, review25)
        assert _transitions(store, review26.id) == {"01-0002": Transition.STAYED_POOR}


def test_a_result_entered_in_an_earlier_round_moves_the_later_ones(tmp_path: Path) -> None:
    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Đồng Tâm")
        a, b = (_poor(f"01-000{i}", n) for i, n in enumerate(("Ánh", "Hùng"), 1))
        review25 = store.start_round(2025, STANDARD.id)
        store.save_household(a, round_id=review25.id, result=classify(a, STANDARD, 2025))
        store.save_decision(review25.id, "12/QĐ-UBND", date(2025, 12, 10), "Nguyễn Văn Hùng")
        store.save_household(b)
        march = _monthly(store, 2026, 3, b)
        assert _transitions(store, march) == {"01-0002": Transition.NEWLY_POOR}
        # B's 2025 result typed in afterwards (from last year's paper): March now moves
        # from it, as it would have had it been typed first.
        store.save_household(b, round_id=review25.id, result=classify(b, STANDARD, 2025))
        assert _transitions(store, march) == {"01-0002": Transition.STAYED_POOR}


def test_a_month_typed_in_late_moves_the_months_it_came_before(tmp_path: Path) -> None:
    """March's paper typed in after June's round was opened: June moves from it all the
    same (its decision, 20 March, came before June's day); and a decision saved again with
    its day unchanged moves nothing."""
    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Đồng Tâm")
        b = _poor("01-0002", "Hùng")
        _periodic(store, b)
        june = _monthly(store, 2026, 6, b)
        assert _transitions(store, june) == {"01-0002": Transition.STAYED_POOR}
        poor = (b.b1_total, b.income_per_capita)
        _escaped(b)
        march = year_round.start_regular_round(store, 2026, 3).id
        store.save_household(b, round_id=march, result=classify(b, STANDARD, 2026))
        store.save_decision(march, "31/QĐ-UBND", date(2026, 3, 20), "Nguyễn Văn Hùng")
        assert _transitions(store, june) == {"01-0002": Transition.FELL_BACK_POOR}
        b.b1_total, b.income_per_capita = poor
        store.save_decision(march, "31/QĐ-UBND", date(2026, 3, 20), "Người khác ký")
        assert _transitions(store, june) == {"01-0002": Transition.FELL_BACK_POOR}
