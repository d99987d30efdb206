"""Movements between two reviews, with the report vocabulary (domain notes §6)."""

from __future__ import annotations

import pytest

from forms.labels import TRANSITION_LABELS
from forms.model import Category, Transition
from forms.transitions import counts_as_escaped_poverty, transition, transition_from_history

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
