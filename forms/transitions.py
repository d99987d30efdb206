"""Year-to-year movement of a household between two reviews, in the vocabulary of the
official report tables (nghèo cũ, thoát nghèo, tái nghèo, phát sinh mới …)."""

from __future__ import annotations

from collections.abc import Sequence

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


def counts_as_escaped_poverty(t: Transition) -> bool:
    """Report columns 'thoát nghèo' count both escapes (to near-poor and above the line)."""
    return t in (Transition.POOR_TO_NEAR_POOR, Transition.ESCAPED_POVERTY)
