"""The province's questions in SQL over each commune's current load: the summary by commune
(households and persons by category, deprivations by indicator, movements since the year
before) and one commune's list. ``reports.registry_summary`` prints them.

"A household's category in a year" is its result of that year's latest round in the load
(as ``db.exchange.upper_level`` counts packages); deleted households are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import psycopg

from forms.model import Category, Transition
from forms.transitions import transition
from registry.database import RegistryError, province_name, registry_province

# The current load of every commune, then each live household's result in one year.
_YEAR_RESULTS = """
WITH cur AS (
    SELECT id, commune_code, commune_name FROM loads
    WHERE province_code = %(p)s AND valid_to IS NULL {commune_filter}
), res AS (
    SELECT DISTINCT ON (r.load_id, r.household_id) r.load_id, r.household_id, r.year,
           r.category, r.deprived, r.deprivation_count, r.standard_id
    FROM results r
    JOIN cur ON r.province_code = %(p)s AND r.load_id = cur.id
    JOIN rounds ro ON ro.province_code = r.province_code AND ro.load_id = r.load_id
         AND ro.round_id = r.round_id
    WHERE r.year = ANY(%(years)s)
    ORDER BY r.load_id, r.household_id, r.year DESC, ro.started_at DESC NULLS LAST
)
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
    rows = conn.execute(
        "SELECT DISTINCT ro.year FROM rounds ro JOIN loads l ON l.province_code = ro.province_code"
        " AND l.id = ro.load_id WHERE l.province_code = %s AND l.valid_to IS NULL ORDER BY 1",
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
    params = {"p": province, "years": [chosen]}
    rows: dict[str, CommuneRow] = {}
    sql = (
        _YEAR_RESULTS.format(commune_filter="")
        + """
    SELECT cur.commune_code, cur.commune_name, res.category, count(*), sum(h.size)
    FROM cur JOIN households h ON h.province_code = %(p)s AND h.load_id = cur.id AND NOT h.deleted
    LEFT JOIN res ON res.load_id = h.load_id AND res.household_id = h.household_id
    GROUP BY 1, 2, 3
    """
    )
    for code, name, category, n, persons in conn.execute(sql, params):
        row = rows.setdefault(code, CommuneRow(code, name))
        row.households += n
        row.persons += int(persons or 0)
        if category is not None:
            row.by_category[category] += n
            row.persons_by_category[category] += int(persons or 0)
    sql = (
        _YEAR_RESULTS.format(commune_filter="")
        + """
    SELECT cur.commune_code, res.category, d.indicator, count(*)
    FROM res JOIN cur ON cur.id = res.load_id
    JOIN households h ON h.province_code = %(p)s AND h.load_id = res.load_id
         AND h.household_id = res.household_id AND NOT h.deleted
    CROSS JOIN LATERAL unnest(res.deprived) AS d(indicator)
    WHERE res.category IN ('poor', 'near_poor')
    GROUP BY 1, 2, 3
    """
    )
    for code, category, indicator, n in conn.execute(sql, params):
        rows[code].deprived[(category, indicator)] += n
    sql = (
        _YEAR_RESULTS.format(commune_filter="")
        + """
    SELECT cur.commune_code, res.category, sum(res.deprivation_count)
    FROM res JOIN cur ON cur.id = res.load_id
    JOIN households h ON h.province_code = %(p)s AND h.load_id = res.load_id
         AND h.household_id = res.household_id AND NOT h.deleted
    WHERE res.category IN ('poor', 'near_poor') GROUP BY 1, 2
    """
    )
    for code, category, total in conn.execute(sql, params):
        rows[code].deprivations[category] += int(total or 0)
    if previous is not None:
        _transitions(conn, province, chosen, previous, rows)
    standard = conn.execute(
        _YEAR_RESULTS.format(commune_filter="")
        + "SELECT standard_id, count(*) FROM res GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
        params,
    ).fetchone()
    return Summary(
        province,
        province_name(province),
        chosen,
        previous,
        str(standard[0]) if standard else "",
        [rows[k] for k in sorted(rows)],
    )


def _transitions(
    conn: psycopg.Connection[Any],
    province: str,
    year: int,
    previous: int,
    rows: dict[str, CommuneRow],
) -> None:
    """Movements from the year before, by ``forms.transitions.transition`` on the pairs of
    categories (counted in SQL, classified in Python: one rule for the commune and the
    province). Earlier years than the previous one are not looked at: a household out of
    both lists the year before counts as newly arising, not fallen back."""
    # Two CTEs, each read once, so PostgreSQL inlines them and hash-joins; one CTE read twice
    # is materialised without statistics and was planned as a nested loop (minutes at 30,000).
    pick = """
        SELECT DISTINCT ON (r.load_id, r.household_id) r.load_id, r.household_id, r.category
        FROM results r JOIN loads l ON l.province_code = r.province_code AND l.id = r.load_id
             AND l.valid_to IS NULL
        JOIN rounds ro ON ro.province_code = r.province_code AND ro.load_id = r.load_id
             AND ro.round_id = r.round_id
        WHERE r.province_code = %(p)s AND r.year = {year}
        ORDER BY r.load_id, r.household_id, ro.started_at DESC NULLS LAST
    """
    sql = f"""
    WITH now_ AS ({pick.format(year="%(y)s")}), before AS ({pick.format(year="%(prev)s")})
    SELECT l.commune_code, now_.category, before.category, count(*)
    FROM now_ JOIN loads l ON l.province_code = %(p)s AND l.id = now_.load_id
    JOIN households h ON h.province_code = %(p)s AND h.load_id = now_.load_id
         AND h.household_id = now_.household_id AND NOT h.deleted
    LEFT JOIN before ON before.load_id = now_.load_id AND before.household_id = now_.household_id
    GROUP BY 1, 2, 3
    """
    for code, current, before, n in conn.execute(sql, {"p": province, "y": year, "prev": previous}):
        moved = transition(Category(before) if before else None, Category(current))
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
        "SELECT commune_name FROM loads WHERE province_code = %s AND commune_code = %s"
        " AND valid_to IS NULL",
        (province, code),
    ).fetchone()
    if found is None:
        raise RegistryError(f"Chưa có gói nào của xã mã {code}.")
    sql = (
        _YEAR_RESULTS.format(commune_filter="AND commune_code = %(c)s")
        + """
    SELECT h.code, h.head_name, h.village, h.size, now_.category, now_.deprivation_count,
           now_.deprived, before.category
    FROM cur JOIN households h ON h.province_code = %(p)s AND h.load_id = cur.id AND NOT h.deleted
    LEFT JOIN res now_ ON now_.load_id = h.load_id AND now_.household_id = h.household_id
         AND now_.year = %(y)s
    LEFT JOIN LATERAL (
        SELECT r.category FROM results r JOIN rounds ro ON ro.province_code = r.province_code
             AND ro.load_id = r.load_id AND ro.round_id = r.round_id
        WHERE r.province_code = %(p)s AND r.load_id = h.load_id
             AND r.household_id = h.household_id AND r.year = %(prev)s
        ORDER BY ro.started_at DESC NULLS LAST LIMIT 1
    ) before ON true
    WHERE (%(cats)s::text[] = '{}' OR now_.category = ANY(%(cats)s))
    ORDER BY h.village, h.code
    """
    )
    params = {
        "p": province,
        "c": code,
        "years": [chosen],
        "y": chosen,
        "prev": previous if previous is not None else -1,
        "cats": list(categories),
    }
    listed = [
        ListedHousehold(hc, head, village, size, cat, count, tuple(deprived or ()), before)
        for hc, head, village, size, cat, count, deprived, before in conn.execute(sql, params)
    ]
    head = Summary(province, province_name(province), chosen, previous, "", [])
    head.rows.append(CommuneRow(code, str(found[0])))
    return head, listed
