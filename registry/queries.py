"""The province's questions in SQL over each commune's current load: the summary by commune
(households and persons by category, deprivations by indicator, movements since the year
before) and one commune's list. ``reports.registry_summary`` prints them.

"A household's category in a year" is its place in the lists in force after that year's
periodic review (``db.exchange.upper_level.lists_in_force``: sent-back households as their
meetings left them, monthly rounds decided since applied), as Tổng hợp nhiều xã counts
packages; deleted households are left out. That pick is made once, when a package is
loaded, into the narrow ``household_years`` (migrations m0002, m0003): every question here
reads it rather than sorting the wide ``results`` again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import psycopg

from forms.model import Category, Transition
from forms.transitions import transition
from registry.database import RegistryError, province_name, registry_province

# Each live household of a commune's current load in one year (``household_years``).
_IN_FORCE = """
    FROM household_years hy
    JOIN loads l ON l.province_code = hy.province_code AND l.id = hy.load_id AND l.valid_to IS NULL
    WHERE hy.province_code = %(p)s AND hy.year = %(y)s
"""


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

    @property
    def unclassified(self) -> int:
        return self.households - sum(self.by_category.values())


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


def _year(conn: psycopg.Connection[Any], province: str, year: int | None) -> tuple[int, int | None]:
    known = years(conn, province)
    if not known:
        raise RegistryError("Cơ sở dữ liệu của tỉnh chưa có gói nào của xã.")
    chosen = known[-1] if year is None else year
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
    standards: Counter[str] = Counter()
    sql = (
        "SELECT hy.commune_code, hy.category, hy.standard_id, count(*), sum(hy.size),"
        " sum(hy.deprivation_count)" + _IN_FORCE + " GROUP BY 1, 2, 3"
    )
    for code, category, standard, n, persons, deprivations in conn.execute(sql, params):
        row = rows[code]
        row.by_category[category] += n
        row.persons_by_category[category] += int(persons)
        if category in ("poor", "near_poor"):
            row.deprivations[category] += int(deprivations)
        standards[standard] += n
    sql = (
        "SELECT hy.commune_code, hy.category, d.indicator, count(*)"
        + _IN_FORCE.replace(
            "WHERE", "CROSS JOIN LATERAL unnest(hy.deprived) AS d(indicator)\n    WHERE"
        )
        + " AND hy.category IN ('poor', 'near_poor') GROUP BY 1, 2, 3"
    )
    for code, category, indicator, n in conn.execute(sql, params):
        rows[code].deprived[(category, indicator)] += n
    # Every household counted, as Tổng hợp nhiều xã does: with no earlier review year, a
    # household's movement is from no list.
    _transitions(conn, params, rows)
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


def _transitions(
    conn: psycopg.Connection[Any], params: dict[str, Any], rows: dict[str, CommuneRow]
) -> None:
    """Movements into the year's category from the household's earlier review years, as
    Tổng hợp nhiều xã works them out (``forms.transitions.transition_from_history``): the
    category of its load's review year before this one (none when not reviewed then), and
    whether it was poor or near-poor in any year before that (fell back rather than newly
    arising). Counted in SQL, classified in Python: one rule for the commune, the upper
    level and the province."""
    sql = """
    WITH prev AS (
        SELECT ro.load_id, max(ro.year) AS year FROM rounds ro
        JOIN loads l ON l.province_code = ro.province_code AND l.id = ro.load_id
             AND l.valid_to IS NULL
        WHERE ro.province_code = %(p)s AND ro.kind = 'periodic' AND ro.year < %(y)s
        GROUP BY ro.load_id
    ), earlier AS (
        SELECT e.load_id, e.household_id, bool_or(e.category = 'poor') AS poor,
               bool_or(e.category = 'near_poor') AS near_poor
        FROM household_years e JOIN prev ON prev.load_id = e.load_id
        WHERE e.province_code = %(p)s AND e.year < prev.year
        GROUP BY e.load_id, e.household_id
    )
    SELECT hy.commune_code, hy.category, before.category, coalesce(earlier.poor, false),
           coalesce(earlier.near_poor, false), count(*)
    FROM household_years hy
    JOIN loads l ON l.province_code = hy.province_code AND l.id = hy.load_id AND l.valid_to IS NULL
    LEFT JOIN prev ON prev.load_id = hy.load_id
    LEFT JOIN household_years before ON before.province_code = hy.province_code
         AND before.load_id = hy.load_id AND before.household_id = hy.household_id
         AND before.year = prev.year
    LEFT JOIN earlier ON earlier.load_id = hy.load_id AND earlier.household_id = hy.household_id
    WHERE hy.province_code = %(p)s AND hy.year = %(y)s
    GROUP BY 1, 2, 3, 4, 5
    """
    for code, current, before, poor, near_poor, n in conn.execute(sql, params):
        moved = transition(
            Category(before) if before else None,
            Category(current),
            ever_poor=poor,
            ever_near_poor=near_poor,
        )
        rows[code].by_transition[moved] += n


def commune_list(
    conn: psycopg.Connection[Any],
    commune: str,
    year: int | None = None,
    categories: tuple[str, ...] = (),
) -> tuple[Summary, list[ListedHousehold]]:
    """One commune's live households with their category in ``year`` (and the year
    before), by village and code; only ``categories`` when given."""
    province = registry_province(conn)
    code = f"{int(commune):05d}" if commune.isdigit() else commune
    chosen, previous = _year(conn, province, year)
    found = conn.execute(
        "SELECT id, commune_name FROM loads WHERE province_code = %s AND commune_code = %s"
        " AND valid_to IS NULL",
        (province, code),
    ).fetchone()
    if found is None:
        raise RegistryError(f"Chưa có gói nào của xã mã {code}.")
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
