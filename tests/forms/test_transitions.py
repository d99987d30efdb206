"""Movements between two reviews, with the report vocabulary (domain notes §6)."""

from __future__ import annotations

from datetime import date

import pytest

from forms.labels import TRANSITION_LABELS
from forms.model import Category, Transition
from forms.transitions import (
    RoundPlace,
    counts_as_escaped_poverty,
    history_before,
    transition,
    transition_from_history,
)

P, NP, M, OUT, UND = (
    Category.POOR,
    Category.NEAR_POOR,
    Category.MIDDLE,
    Category.NOT_POOR,
    Category.UNDETERMINED,
)


@pytest.mark.parametrize(
    ("previous", "current", "ever_poor", "ever_near", "expected"),
    [
        (P, P, False, False, Transition.STAYED_POOR),
        (P, NP, False, False, Transition.POOR_TO_NEAR_POOR),
        (P, OUT, False, False, Transition.ESCAPED_POVERTY),
        (P, M, False, False, Transition.ESCAPED_POVERTY),
        (NP, P, False, False, Transition.NEAR_POOR_TO_POOR),
        (NP, NP, False, False, Transition.STAYED_NEAR_POOR),
        (NP, OUT, False, False, Transition.ESCAPED_NEAR_POVERTY),
        (None, P, False, False, Transition.NEWLY_POOR),
        (OUT, NP, False, False, Transition.NEWLY_NEAR_POOR),
        (OUT, P, True, False, Transition.FELL_BACK_POOR),
        (M, NP, False, True, Transition.FELL_BACK_NEAR_POOR),
        (OUT, OUT, False, False, Transition.STAYED_OUT),
        (None, M, False, False, Transition.STAYED_OUT),
        (UND, P, False, False, Transition.UNKNOWN),
        (P, UND, False, False, Transition.UNKNOWN),
    ],
)
def test_every_transition_kind(
    previous: Category | None,
    current: Category,
    ever_poor: bool,
    ever_near: bool,
    expected: Transition,
) -> None:
    got = transition(previous, current, ever_poor=ever_poor, ever_near_poor=ever_near)
    assert got is expected
    assert TRANSITION_LABELS[got]


def test_history_tells_fell_back_from_newly_poor() -> None:
    assert transition_from_history([P, OUT], P) is Transition.FELL_BACK_POOR
    assert transition_from_history([OUT, OUT], P) is Transition.NEWLY_POOR
    assert transition_from_history([], NP) is Transition.NEWLY_NEAR_POOR
    assert transition_from_history([NP, None], NP) is Transition.FELL_BACK_NEAR_POOR


def test_escaped_poverty_column_counts_both_escapes() -> None:
    assert counts_as_escaped_poverty(Transition.POOR_TO_NEAR_POOR)
    assert counts_as_escaped_poverty(Transition.ESCAPED_POVERTY)
    assert not counts_as_escaped_poverty(Transition.ESCAPED_NEAR_POVERTY)


# Rounds as history_before takes them, in the file's order: the 2024 and 2025 reviews decided
# in December, monthly rounds decided within their month.
P24, P25 = (
    RoundPlace("p24", True, date(2024, 12, 10), None),
    RoundPlace("p25", True, date(2025, 12, 10), None),
)
DEC25 = RoundPlace("dec25", False, date(2025, 12, 28), date(2025, 12, 15))
MAR26 = RoundPlace("mar26", False, date(2026, 3, 20), date(2026, 3, 15))
JUN26 = RoundPlace("jun26", False, date(2026, 6, 20), date(2026, 6, 15))
P26 = RoundPlace("p26", True, None, None)
ROUNDS = [P24, P25, DEC25, MAR26, JUN26, P26]


def test_history_before_the_first_periodic_review_is_none() -> None:
    assert history_before(ROUNDS, 0, {"p24": P}) is None
    month = RoundPlace("m", False, date(2024, 3, 20), date(2024, 3, 15))
    assert history_before([month, RoundPlace("p", True, None, None)], 1, {"m": P}) is None


def test_a_periodic_review_moves_from_the_last_one_not_from_monthly_rounds_since() -> None:
    """Poor in 2025, out by a December and a March decision, poor again in the autumn:
    "nghèo cũ" against the lists the 2025 review recognised (docs/domain.md §4)."""
    found = {"p25": P, "dec25": OUT, "mar26": OUT, "p26": P}
    history = history_before(ROUNDS, 5, found)
    assert history == [None, P]
    assert transition_from_history(history, P) is Transition.STAYED_POOR
    assert transition_from_history(history, OUT) is Transition.ESCAPED_POVERTY


def test_a_monthly_round_moves_from_the_lists_as_they_stand_before_it() -> None:
    # December after the 2025 decision: from the list just decided, not from 2024's.
    assert transition_from_history(history_before(ROUNDS, 2, {"p25": P}), OUT) is (
        Transition.ESCAPED_POVERTY
    )
    # Out since March, poor again in June: fell back, not "nghèo cũ".
    found = {"p25": P, "mar26": OUT}
    assert history_before(ROUNDS, 4, found) == [None, P, OUT]
    assert transition_from_history(history_before(ROUNDS, 4, found), P) is (
        Transition.FELL_BACK_POOR
    )
    # A month that did not review the household says nothing of it; a periodic review
    # that did not is "on no list".
    assert history_before(ROUNDS, 4, {"mar26": NP}) == [None, None, NP]


def test_a_month_moves_from_the_lists_in_force_not_from_an_open_review() -> None:
    """September 2026, the 2026 review opened before it and not decided: its results are
    not yet a list, nor is a month decided after September's 15th, nor one never decided."""
    sep = RoundPlace("sep26", False, None, date(2026, 9, 15))
    jul = RoundPlace("jul26", False, date(2026, 9, 20), date(2026, 7, 15))
    aug = RoundPlace("aug26", False, None, date(2026, 8, 15))
    rounds = [P24, P25, MAR26, jul, aug, P26, sep]
    found = {"p25": P, "mar26": NP, "jul26": OUT, "aug26": OUT, "p26": OUT}
    assert history_before(rounds, 6, found) == [None, P, NP]
    # Once the review is decided, by the next month, the list is the review's (July's,
    # decided before it, counts too).
    decided = RoundPlace("p26", True, date(2026, 9, 30), None)
    october = RoundPlace("oct26", False, None, date(2026, 10, 15))
    assert history_before([*rounds[:5], decided, october], 6, found) == [None, P, NP, OUT, OUT]


def test_monthly_rounds_between_two_reviews_still_count_as_ever_poor() -> None:
    """Poor only in a monthly round of 2026, out again by the 2026 review: poor in 2027 is
    a fall back, not newly poor."""
    rounds = [*ROUNDS[:5], RoundPlace("p26", True, date(2026, 12, 10), None)]
    rounds.append(RoundPlace("p27", True, None, None))
    found = {"p25": OUT, "mar26": P, "p26": OUT}
    history = history_before(rounds, 6, found)
    assert history == [None, OUT, P, OUT]
    assert transition_from_history(history, P) is Transition.FELL_BACK_POOR


def test_a_month_moves_from_the_lists_in_force_as_their_decisions_made_them() -> None:
    """As ``db.report_queries.updating_rounds``: a month decided before the review's own
    decision was replaced by it; a month typed in late counts by its decision, not by where
    it sits; with no decision known (lists imported from Excel, a surveyor's copy), a review
    is a list once its deadline, 14 December, has passed."""
    p25 = RoundPlace("p25", True, date(2025, 12, 10), None, 2025)
    p26 = RoundPlace("p26", True, date(2026, 12, 10), None, 2026)
    sep = RoundPlace("sep26", False, date(2026, 9, 30), date(2026, 9, 15), 2026)
    dec = RoundPlace("dec26", False, None, date(2026, 12, 15), 2026)
    found = {"p25": P, "sep26": OUT, "p26": P}
    assert history_before([p25, p26, sep, dec], 3, found) == [P, P]

    june = RoundPlace("jun26", False, date(2026, 6, 25), date(2026, 6, 15), 2026)
    march = RoundPlace("mar26", False, date(2026, 3, 20), date(2026, 3, 15), 2026)
    history = history_before([p25, june, march], 1, {"p25": P, "mar26": OUT})
    assert transition_from_history(history, P) is Transition.FELL_BACK_POOR

    undecided = [r._replace(decided_on=None) for r in (p25, p26)]
    assert history_before([*undecided, sep._replace(decided_on=None)], 2, found) == [P]
    assert history_before([*undecided, dec], 2, found) == [P, P]
