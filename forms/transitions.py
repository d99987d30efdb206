"""Year-to-year movement of a household between two reviews, in the vocabulary of the
official report tables (nghèo cũ, thoát nghèo, tái nghèo, phát sinh mới …)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import NamedTuple

from forms.applications import PERIODIC_END
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
    year: int = 0


def as_meeting_left(category: Category, sent_back: bool, periodic: bool) -> Category | None:
    """A household's category in a round as that round's meeting left it, for
    ``history_before``'s ``found``: a periodic review's meeting that sent it back left it
    not determined until voted again; a month's left it where it was (None: the month says
    nothing of it)."""
    if not sent_back:
        return category
    return Category.UNDETERMINED if periodic else None


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
    starts from last year's periodic lists, counts it.

    A monthly round compares with the lists in force when it begins (its reference date), as
    ``db.report_queries.decided_base`` and ``updating_rounds`` make them: the periodic review
    ``month_base`` finds (the latest decided by then; a review opened but not decided is not
    yet a list), updated by the months opened after it and decided by then, not before its
    own decision, in the order of their decisions (a month typed in late, or decided out of
    order, counts by its decision). So a
    household out since March and poor again in June fell back (tái nghèo), and one that
    left in a December round after the decision left the list just decided.

    A periodic review that did not classify the household counts as on no list (None); a
    monthly round holds only the households reviewed that month, so it counts only where it
    did, and only once decided. Every such earlier round still tells whether the household
    was ever poor or near-poor."""
    target = rounds[at]
    if target.id in found:  # its own result is what moves, not where it moves from
        found = {k: v for k, v in found.items() if k != target.id}
    if target.periodic:
        base = next((i for i in range(at - 1, -1, -1) if rounds[i].periodic), None)
        if base is None:
            return None
        return _up_to(rounds, base, found)
    ref = target.reference
    base = month_base(rounds, at)
    if base is None:
        return None
    history = _up_to(rounds, base, found)
    since = rounds[base].decided_on
    updates = sorted(
        (r.decided_on, i)
        for i, r in enumerate(rounds)
        if i > base
        and i != at
        and not r.periodic
        and r.decided_on is not None
        and (ref is None or r.decided_on <= ref)
        and (since is None or r.decided_on >= since)
    )
    for _day, i in updates:
        category = found.get(rounds[i].id)
        if category is not None:
            history.append(category)
    return history


def month_base(rounds: Sequence[RoundPlace], at: int) -> int | None:
    """The periodic review whose lists were in force when the monthly round ``rounds[at]``
    began (its reference date): the one with the latest decision by then. No decision known
    (lists imported from Excel carry none, nor does a surveyor's copy): the latest review
    before the month that its day finds over, an earlier year's or this year's once its
    deadline (14 December) has passed; a review still being surveyed is not yet a list.
    None when there is none."""
    target = rounds[at]
    ref = target.reference
    decided = [
        i
        for i, r in enumerate(rounds)
        if r.periodic and r.decided_on is not None and (ref is None or r.decided_on <= ref)
    ]
    if decided:
        return max(decided, key=lambda i: (rounds[i].decided_on, i))
    over = [
        i
        for i, r in enumerate(rounds[:at])
        if r.periodic
        and (
            r.year < target.year
            or ref is not None
            and r.year == target.year
            and ref > date(r.year, *PERIODIC_END)
        )
    ]
    return over[-1] if over else None


def _up_to(
    rounds: Sequence[RoundPlace], base: int, found: Mapping[str, Category]
) -> list[Category | None]:
    """The history up to and with the review ``rounds[base]``: every periodic review (None
    where it did not classify the household) and every decided month that did."""
    history: list[Category | None] = []
    for r in rounds[: base + 1]:
        if r.periodic:
            history.append(found.get(r.id))
        elif r.decided_on is not None and r.id in found:
            history.append(found[r.id])
    return history


def counts_as_escaped_poverty(t: Transition) -> bool:
    """Report columns 'thoát nghèo' count both escapes (to near-poor and above the line)."""
    return t in (Transition.POOR_TO_NEAR_POOR, Transition.ESCAPED_POVERTY)
