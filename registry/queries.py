"""The province's questions in SQL over each commune's current load: the summary by commune
(households and persons by category, deprivations by indicator, movements since the year
before) and one commune's list. ``reports.registry_summary`` prints them.

"A household's category in a year" is its place in the lists in force after that year's
periodic review (``db.exchange.upper_level.lists_in_force``: sent-back households as their
meetings left them, monthly rounds decided since applied), as Tổng hợp nhiều xã counts
packages; deleted households are left out. That pick is made once, when a package is
loaded, into the narrow ``household_years`` (migrations m0002, m0003): the questions read it
rather than sorting the wide ``results`` again; and the summary's counts of each load are
made then too (``year_counts``, ``year_deprivations``, migration m0006), so a summary adds up
a few dozen rows a commune whatever the province's size.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg

from db.exchange.upper_level import ordered
from forms.admin_units import official_code
from forms.model import Category, Transition
from forms.transitions import as_meeting_left, transition
from registry.database import RegistryError, province_name, registry_province


@dataclass
class CommuneRow:
    commune_code: str
    commune_name: str
    households: int = 0
    persons: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    persons_by_category: Counter[str] = field(default_factory=Counter)
    # (category, indicator id) -> households of that category deprived in that indicator
    deprived: Counter[tuple[str, str]] = field(default_factory=Counter)
    deprivations: Counter[str] = field(default_factory=Counter)  # category -> sum of counts
    by_transition: Counter[Transition] = field(default_factory=Counter)
    persons_by_transition: Counter[Transition] = field(default_factory=Counter)
    # False: the year is the commune's first review in its load, with none before to move
    # from: no movement is counted (as upper_level.CommuneSummary.movements).
    movements: bool = True
    # False: the commune's load holds no review of the year (a package of an earlier year):
    # its households are all "not classified", and the summary names it.
    reviewed: bool = True

    @property
    def not_classified(self) -> int:
        """Households with no category this year: no result, or one not determined (answers
        missing, or sent back by the village meeting). Counted as classified, 21 such
        households of a commune showed as 0 under "Chưa phân loại"."""
        undetermined = Category.UNDETERMINED.value
        return self.households - sum(n for c, n in self.by_category.items() if c != undetermined)


@dataclass
class Summary:
    province_code: str
    province_name: str
    year: int
    previous_year: int | None
    standard_id: str
    rows: list[CommuneRow]


@dataclass(frozen=True)
class ListedHousehold:
    code: str
    head_name: str
    village: str
    size: int
    category: str | None
    deprivation_count: int | None
    deprived: tuple[str, ...]
    previous: str | None  # the category the year before


@dataclass(frozen=True)
class MovedHousehold:
    """A household on one of a review's lists of those who left a list (``escaped``)."""

    code: str
    head_name: str
    village: str
    size: int
    b1_score: int | None
    deprivation_count: int
    transition: Transition  # from the previous periodic review to this one


@dataclass
class Escaped:
    """One commune's households that left the poor or the near-poor list in a year's review
    (``escaped``), with what the document names: the commune, the review's year, the year
    of the review they moved from (None: the load holds no review before, nothing to move
    from) and the review's decision's date."""

    head: Summary
    previous_year: int | None
    decided_on: date | None
    households: list[MovedHousehold]


def years(conn: psycopg.Connection[Any], province: str) -> list[int]:
    """The review years of the communes' current loads: those of periodic rounds (a monthly
    round of next spring is no review year), as Tổng hợp nhiều xã has them."""
    rows = conn.execute(
        "SELECT DISTINCT ro.year FROM rounds ro JOIN loads l ON l.province_code = ro.province_code"
        " AND l.id = ro.load_id WHERE l.province_code = %s AND l.valid_to IS NULL"
        " AND ro.kind = 'periodic' ORDER BY 1",
        (province,),
    ).fetchall()
    return [int(r[0]) for r in rows]


def default_year(conn: psycopg.Connection[Any], province: str) -> int | None:
    """The review year the province's documents show unless asked another: the latest year
    at least half the communes' current loads have a periodic round of. The latest of any
    commune was the default: one commune that had started next year's review turned the
    summary into that year, every other commune's households "not classified"."""
    loads = conn.execute(
        "SELECT count(*) FROM loads WHERE province_code = %s AND valid_to IS NULL", (province,)
    ).fetchone()
    communes = int(loads[0]) if loads else 0
    reviewed = conn.execute(
        "SELECT ro.year, count(DISTINCT l.commune_code) FROM rounds ro JOIN loads l"
        " ON l.province_code = ro.province_code AND l.id = ro.load_id"
        " WHERE l.province_code = %s AND l.valid_to IS NULL AND ro.kind = 'periodic'"
        " GROUP BY ro.year ORDER BY ro.year",
        (province,),
    ).fetchall()
    most = [int(y) for y, n in reviewed if 2 * int(n) >= communes]
    if most:
        return most[-1]
    return int(reviewed[-1][0]) if reviewed else None


def _year(conn: psycopg.Connection[Any], province: str, year: int | None) -> tuple[int, int | None]:
    known = years(conn, province)
    if not known:
        raise RegistryError("Cơ sở dữ liệu của tỉnh chưa có gói nào của xã.")
    chosen = (default_year(conn, province) or known[-1]) if year is None else year
    if chosen not in known:
        raise RegistryError(f"Chưa có xã nào có kỳ rà soát năm {chosen}.")
    before = [y for y in known if y < chosen]
    return chosen, (before[-1] if before else None)


def summary(conn: psycopg.Connection[Any], year: int | None = None) -> Summary:
    province = registry_province(conn)
    chosen, previous = _year(conn, province, year)
    params = {"p": province, "y": chosen, "prev": previous}
    # Totals, classified or not, are the loads' counts (live households and their members).
    rows = {
        code: CommuneRow(code, name, int(households), int(members))
        for code, name, households, members in conn.execute(
            "SELECT commune_code, commune_name, households, members FROM loads"
            " WHERE province_code = %(p)s AND valid_to IS NULL",
            params,
        )
    }
    # A commune whose load has no review before this year moves from nothing.
    moving = {
        code
        for (code,) in conn.execute(
            "SELECT DISTINCT l.commune_code FROM loads l JOIN rounds r"
            " ON r.province_code = l.province_code AND r.load_id = l.id"
            " WHERE l.province_code = %(p)s AND l.valid_to IS NULL AND r.kind = 'periodic'"
            " AND r.year < %(y)s",
            params,
        )
    }
    reviewed = {
        code
        for (code,) in conn.execute(
            "SELECT DISTINCT l.commune_code FROM loads l JOIN rounds r"
            " ON r.province_code = l.province_code AND r.load_id = l.id"
            " WHERE l.province_code = %(p)s AND l.valid_to IS NULL AND r.kind = 'periodic'"
            " AND r.year = %(y)s",
            params,
        )
    }
    for code, row in rows.items():
        row.movements = code in moving
        row.reviewed = code in reviewed
    standards: Counter[str] = Counter()
    # Each load's counts, made when it was loaded (year_counts, migration 6): a few dozen
    # rows a commune, where working them out from household_years read every household of
    # the province and joined it to its earlier years at each summary.
    sql = """
    SELECT c.commune_code, c.category, c.standard_id, c.previous_category, c.earlier_poor,
           c.earlier_near_poor, c.households, c.persons, c.deprivations
    FROM year_counts c
    JOIN loads l ON l.province_code = c.province_code AND l.id = c.load_id AND l.valid_to IS NULL
    WHERE c.province_code = %(p)s AND c.year = %(y)s
    """
    for code, category, standard, before, poor, near_poor, n, persons, deprivations in conn.execute(
        sql, params
    ):
        row = rows[code]
        row.by_category[category] += n
        row.persons_by_category[category] += persons
        if category in ("poor", "near_poor"):
            row.deprivations[category] += deprivations
        standards[standard] += n
        # Every household counted, as Tổng hợp nhiều xã does: with no earlier review year,
        # a household's movement is from no list. One rule (forms.transitions) for the
        # commune, the upper level and the province: the inputs are counted, the movement
        # worked out here.
        if not row.movements:
            continue
        moved = transition(
            Category(before) if before else None,
            Category(category),
            ever_poor=poor,
            ever_near_poor=near_poor,
        )
        row.by_transition[moved] += n
        row.persons_by_transition[moved] += persons
    sql = """
    SELECT d.commune_code, d.category, d.indicator, d.households
    FROM year_deprivations d
    JOIN loads l ON l.province_code = d.province_code AND l.id = d.load_id AND l.valid_to IS NULL
    WHERE d.province_code = %(p)s AND d.year = %(y)s AND d.category IN ('poor', 'near_poor')
    """
    for code, category, indicator, n in conn.execute(sql, params):
        rows[code].deprived[(category, indicator)] += n
    # The standard most households were classified under (ties: the later id).
    standard = max(standards.items(), key=lambda kv: (kv[1], kv[0]))[0] if standards else ""
    return Summary(
        province,
        province_name(province),
        chosen,
        previous,
        standard,
        [rows[k] for k in sorted(rows)],
    )


def commune_list(
    conn: psycopg.Connection[Any],
    commune: str,
    year: int | None = None,
    categories: tuple[str, ...] = (),
) -> tuple[Summary, list[ListedHousehold]]:
    """One commune's live households with their category in ``year`` (and the year
    before), by village and code; only ``categories`` when given."""
    province = registry_province(conn)
    code = official_code(commune)
    chosen, previous = _year(conn, province, year)
    found = _current_load(conn, province, code)
    sql = """
    SELECT h.code, h.head_name, h.village, h.size, now_.category, now_.deprivation_count,
           now_.deprived, before.category
    FROM households h
    LEFT JOIN household_years now_ ON now_.province_code = h.province_code
         AND now_.load_id = h.load_id AND now_.household_id = h.household_id
         AND now_.year = %(y)s
    LEFT JOIN household_years before ON before.province_code = h.province_code
         AND before.load_id = h.load_id AND before.household_id = h.household_id
         AND before.year = %(prev)s
    WHERE h.province_code = %(p)s AND h.load_id = %(load)s AND NOT h.deleted
         AND (%(cats)s::text[] = '{}' OR now_.category = ANY(%(cats)s))
    ORDER BY h.village, h.code
    """
    params = {
        "p": province,
        "load": found[0],
        "y": chosen,
        "prev": previous if previous is not None else -1,
        "cats": list(categories),
    }
    listed = [
        ListedHousehold(hc, head, village, size, cat, count, tuple(deprived or ()), before)
        for hc, head, village, size, cat, count, deprived, before in conn.execute(sql, params)
    ]
    head = Summary(province, province_name(province), chosen, previous, "", [])
    head.rows.append(CommuneRow(code, str(found[1])))
    return head, listed


def _current_load(conn: psycopg.Connection[Any], province: str, code: str) -> tuple[int, str]:
    """The id and commune name of the commune's current load."""
    found = conn.execute(
        "SELECT id, commune_name FROM loads WHERE province_code = %s AND commune_code = %s"
        " AND valid_to IS NULL",
        (province, code),
    ).fetchone()
    if found is None:
        raise RegistryError(f"Chưa có gói nào của xã mã {code}.")
    return int(found[0]), str(found[1])


def escaped(conn: psycopg.Connection[Any], commune: str, year: int | None = None) -> Escaped:
    """The households of one commune that left the poor list (thoát nghèo, to the near-poor
    list or above it) and the near-poor list (thoát cận nghèo, above it or down to the poor
    list) in the review of ``year``, as the commune's own "Danh sách hộ thoát nghèo, thoát
    cận nghèo" lists them (``reports.lists.escaped_list``): the year's periodic review as
    its meeting left it (a household it sent back is on no list until voted again), each
    household's movement from the previous periodic review as that review's meeting left
    it (``forms.transitions.history_before``), worked out by ``forms.transitions.
    transition``. The review and the one before are those ``year_counts`` counts from
    (``upper_level.ordered``: year, start, then id). Not the lists in force: a month
    decided after the review changes the summary's row, not the review's lists. Only the
    households still in the commune's package (its deleted ones carry no size to list)."""
    province = registry_province(conn)
    code = official_code(commune)
    chosen, _previous = _year(conn, province, year)
    load, name = _current_load(conn, province, code)
    rounds = ordered(
        (rid, int(y), kind == "periodic", str(started or ""), decided, sent_back or [])
        for rid, y, kind, started, decided, sent_back in conn.execute(
            "SELECT round_id, year, kind, started_at, decided_on, sent_back FROM rounds"
            " WHERE province_code = %s AND load_id = %s",
            (province, load),
        )
    )
    periodic = [i for i, r in enumerate(rounds) if r.place.periodic]
    at = max((i for i in periodic if rounds[i].year == chosen), default=None)
    if at is None:
        raise RegistryError(
            f"Gói mới nhất của {name} (mã {code}) chưa có kỳ rà soát năm {chosen}: cần xã gửi "
            "gói mới."
        )
    review = rounds[at]
    head = Summary(province, province_name(province), chosen, None, "", [CommuneRow(code, name)])
    base = max((i for i in periodic if i < at), default=None)
    if base is None:  # the commune's first review in its package: nothing to move from
        return Escaped(head, None, review.place.decided_on, [])
    before = rounds[base]
    head.previous_year = before.year
    # Only households on a list after the review before can have left one.
    sql = """
    SELECT h.household_id, h.code, h.head_name, h.village, h.size, now_.category,
           now_.b1_score, now_.deprivation_count, before.category
    FROM households h
    JOIN results now_ ON now_.province_code = h.province_code AND now_.load_id = h.load_id
         AND now_.household_id = h.household_id AND now_.round_id = %(review)s
    JOIN results before ON before.province_code = h.province_code
         AND before.load_id = h.load_id AND before.household_id = h.household_id
         AND before.round_id = %(before)s AND before.category IN ('poor', 'near_poor')
    WHERE h.province_code = %(p)s AND h.load_id = %(load)s AND NOT h.deleted
    ORDER BY h.village, h.code
    """
    params = {"p": province, "load": load, "review": review.place.id, "before": before.place.id}
    listed = []
    for hid, hc, head_name, village, size, now_, b1, count, then in conn.execute(sql, params):
        # Each review as its meeting left the household: one sent back is not determined.
        current = as_meeting_left(Category(now_), hid in review.sent_back, True)
        previous = as_meeting_left(Category(then), hid in before.sent_back, True)
        assert current is not None  # a review's meeting never leaves it None
        assert previous is not None
        # From the poor or near-poor list, the earlier rounds (ever poor …) change nothing.
        moved = transition(previous, current)
        if moved in LEFT_A_LIST:
            listed.append(MovedHousehold(hc, head_name, village, size, b1, count, moved))
    return Escaped(head, before.year, review.place.decided_on, listed)


# The movements of a household that left a list (``reports.review``'s ESCAPES_POVERTY and
# LEAVES_NEAR_POVERTY: a near-poor household that became poor left the near-poor list).
LEFT_A_LIST = frozenset(
    {
        Transition.POOR_TO_NEAR_POOR,
        Transition.ESCAPED_POVERTY,
        Transition.ESCAPED_NEAR_POVERTY,
        Transition.NEAR_POOR_TO_POOR,
    }
)
