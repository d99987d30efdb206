"""Year-to-year movement of a household between two reviews, in the vocabulary of the
official report tables (nghèo cũ, thoát nghèo, tái nghèo, phát sinh mới …)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def history_before(
    rounds: Sequence[tuple[str, bool]],
    at: int,
    found: Mapping[str, Category],
) -> list[Category | None] | None:
    """A household's past categories that the result of ``rounds[at]`` moves from, oldest
    first, for ``transition_from_history``; None when there is nothing to compare with (no
    periodic review before it: the file's first year).

    ``rounds``: every round of the file or package as (id, periodic), in order (year, then
    start); ``found``: the household's category in each round that classified it.

    A periodic review compares with the previous periodic review (the lists it recognised,
    docs/domain.md §4): the monthly regular rounds opened after that one (in its last months
    or in this year's first) are left out, so a household that left the list by a March
    decision and is poor again in the autumn is "nghèo cũ", as the summary's movement table,
    which starts from last year's periodic lists, counts it. A monthly round compares with
    the lists as they stand before it: the last periodic review and the monthly rounds since,
    so a household out since March and poor again in June fell back (tái nghèo), and one
    that left in a December round after the decision left the list just decided.

    A periodic review that did not classify the household counts as on no list (None); a
    monthly round holds only the households reviewed that month, so it counts only where it
    did. Every earlier round still tells whether the household was ever poor or near-poor."""
    periodic = rounds[at][1]
    last = None  # the periodic review compared with
    for i in range(at - 1, -1, -1):
        if rounds[i][1]:
            last = i
            break
    if last is None:
        return None
    end = last + 1 if periodic else at
    history: list[Category | None] = []
    for round_id, is_periodic in rounds[:end]:
        category = found.get(round_id)
        if category is not None or is_periodic:
            history.append(category)
    return history


def counts_as_escaped_poverty(t: Transition) -> bool:
    """Report columns 'thoát nghèo' count both escapes (to near-poor and above the line)."""
    return t in (Transition.POOR_TO_NEAR_POOR, Transition.ESCAPED_POVERTY)
