"""Year-to-year movement of a household between two reviews, in the vocabulary of the
official report tables (nghèo cũ, thoát nghèo, tái nghèo, phát sinh mới …)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import NamedTuple

from forms.model import Category, Transition

_IN = (Category.POOR, Category.NEAR_POOR)


def transition(
    previous: Category | None,
    current: Category,
    *,
    ever_poor: bool = False,
    ever_near_poor: bool = False,
) -> Transition:
    """``previous`` is the last review's category (None: the household was on no list);
    ``ever_*`` say whether it was poor / near-poor in any round before ``previous``, which
    tells tái nghèo (fell back) from phát sinh mới (newly arising)."""
    if current is Category.UNDETERMINED or previous is Category.UNDETERMINED:
        return Transition.UNKNOWN
    if previous is Category.POOR:
        if current is Category.POOR:
            return Transition.STAYED_POOR
        if current is Category.NEAR_POOR:
            return Transition.POOR_TO_NEAR_POOR
        return Transition.ESCAPED_POVERTY
    if previous is Category.NEAR_POOR:
        if current is Category.POOR:
            return Transition.NEAR_POOR_TO_POOR
        if current is Category.NEAR_POOR:
            return Transition.STAYED_NEAR_POOR
        return Transition.ESCAPED_NEAR_POVERTY
    # Previously out of both lists (or never reviewed).
    if current is Category.POOR:
        return Transition.FELL_BACK_POOR if ever_poor else Transition.NEWLY_POOR
    if current is Category.NEAR_POOR:
        # Having been at or below the line before (poor or near-poor) makes it a fall back.
        if ever_near_poor or ever_poor:
            return Transition.FELL_BACK_NEAR_POOR
        return Transition.NEWLY_NEAR_POOR
    return Transition.STAYED_OUT


def transition_from_history(history: Sequence[Category | None], current: Category) -> Transition:
    """The transition into ``current`` from a household's past categories, oldest first
    (None for a year it was not reviewed)."""
    if not history:
        return transition(None, current)
    *earlier, previous = history
    return transition(
        previous,
        current,
        ever_poor=Category.POOR in earlier,
        ever_near_poor=Category.NEAR_POOR in earlier,
    )


class RoundPlace(NamedTuple):
    """A round as ``history_before`` places it among the others."""

    id: str
    periodic: bool
    decided_on: date | None  # its decision's date; None while undecided
    reference: date | None  # a monthly round's: the 15th of its month


def history_before(
    rounds: Sequence[RoundPlace],
    at: int,
    found: Mapping[str, Category],
) -> list[Category | None] | None:
    """A household's past categories that the result of ``rounds[at]`` moves from, oldest
    first, for ``transition_from_history``; None when there is nothing to compare with (no
    periodic review before it: the file's first year).

    ``rounds``: every round of the file or package, in order (year, then start); ``found``:
    the household's category in each round that classified it, as its meeting left it (the
    caller's part): a periodic review's meeting that sent it back left it not determined
    (UNDETERMINED), and a month's meeting that sent it back left it where it was (left out).

    A periodic review compares with the previous periodic review (the lists it recognised,
    docs/domain.md §4): the monthly regular rounds after that one (in its last months or in
    this year's first) are left out, so a household that left the list by a March decision
    and is poor again in the autumn is "nghèo cũ", as the summary's movement table, which
    starts from last year's periodic lists, counts it. A monthly round compares with the
    lists in force when it begins (its reference date): the periodic review decided by then
    (before any decision, the latest one) and the monthly rounds decided since, so a
    household out since March and poor again in June fell back (tái nghèo), one that left in
    a December round after the decision left the list just decided, and a review opened in
    September but not yet decided is not yet a list.

    A periodic review that did not classify the household counts as on no list (None); a
    monthly round holds only the households reviewed that month, so it counts only where it
    did, and only once decided. Every such earlier round still tells whether the household
    was ever poor or near-poor."""
    target = rounds[at]
    base = None  # the periodic review compared with
    for i in range(at - 1, -1, -1):
        r = rounds[i]
        if not r.periodic:
            continue
        if base is None:
            base = i  # the latest: a periodic review's, and a month's before any decision
            if target.periodic:
                break
        if r.decided_on is not None and (
            target.reference is None or r.decided_on <= target.reference
        ):
            base = i
            break
    if base is None:
        return None
    history: list[Category | None] = []
    for i in range(at):
        r = rounds[i]
        if r.periodic:
            if i <= base:
                history.append(found.get(r.id))
            continue
        if (
            r.decided_on is None
            or i > base
            and (
                target.periodic or target.reference is not None and r.decided_on > target.reference
            )
        ):
            continue  # a month that changed no list yet, or none before this round
        category = found.get(r.id)
        if category is not None:
            history.append(category)
    return history


def counts_as_escaped_poverty(t: Transition) -> bool:
    """Report columns 'thoát nghèo' count both escapes (to near-poor and above the line)."""
    return t in (Transition.POOR_TO_NEAR_POOR, Transition.ESCAPED_POVERTY)
