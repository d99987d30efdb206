"""The movement columns of the tables across communes (the province's Biểu 4 from the
registry, ``reports.registry_summary``; Tổng hợp nhiều xã from packages,
``reports.upper_level``): for each list of the year, every one of its households by where it
came from, so each list's columns add up to its households, then those who left the lists.

Its own module: the upper level's table is printed on commune laptops, whose bundle has no
``registry`` (nor psycopg) for it to import the registry's document from.

Until session 26 neither table had "cận nghèo cũ", "tái cận nghèo" nor a column for the
rest (the commune's Biểu 6-7 "tăng khác": a household not determined the year before), and
their near-poor columns explained a tenth of the near-poor households."""

from __future__ import annotations

from collections.abc import Mapping

from forms.model import Category, Transition

T = Transition
OTHER = "Khác (năm trước chưa xác định)"
POOR_GROUP, NEAR_POOR_GROUP, LEFT_GROUP = "poor", "near_poor", "left"
# (group, title, the movement counted; None: the rest of the group's category)
MOVES: tuple[tuple[str, str, Transition | None], ...] = (
    (POOR_GROUP, "Nghèo cũ", T.STAYED_POOR),
    (POOR_GROUP, "Cận nghèo thành nghèo", T.NEAR_POOR_TO_POOR),
    (POOR_GROUP, "Tái nghèo", T.FELL_BACK_POOR),
    (POOR_GROUP, "Nghèo phát sinh mới", T.NEWLY_POOR),
    (POOR_GROUP, OTHER, None),
    (NEAR_POOR_GROUP, "Cận nghèo cũ", T.STAYED_NEAR_POOR),
    (NEAR_POOR_GROUP, "Thoát nghèo thành cận nghèo", T.POOR_TO_NEAR_POOR),
    (NEAR_POOR_GROUP, "Tái cận nghèo", T.FELL_BACK_NEAR_POOR),
    (NEAR_POOR_GROUP, "Cận nghèo phát sinh mới", T.NEWLY_NEAR_POOR),
    (NEAR_POOR_GROUP, OTHER, None),
    (LEFT_GROUP, "Thoát nghèo, vượt chuẩn cận nghèo", T.ESCAPED_POVERTY),
    (LEFT_GROUP, "Thoát cận nghèo", T.ESCAPED_NEAR_POVERTY),
)
_CATEGORY = {POOR_GROUP: Category.POOR, NEAR_POOR_GROUP: Category.NEAR_POOR}


def group_title(group: str, year: int | None = None) -> str:
    """The header over a group's columns ("Hộ nghèo năm 2026")."""
    when = f" năm {year}" if year else ""
    if group == POOR_GROUP:
        return f"Hộ nghèo{when}"
    if group == NEAR_POOR_GROUP:
        return f"Hộ cận nghèo{when}"
    return "Ra khỏi danh sách"


def moved(
    by_category: Mapping[str, int],
    by_transition: Mapping[Transition, int],
    group: str,
    t: Transition | None,
) -> int:
    """A column's households: those of the movement, or for OTHER the rest of its list."""
    if t is not None:
        return by_transition.get(t, 0)
    counted = sum(by_transition.get(m, 0) for g, _l, m in MOVES if g == group and m is not None)
    return by_category.get(_CATEGORY[group], 0) - counted
