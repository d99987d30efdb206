"""The province summary by commune adds up each load's counts, made when it was loaded
(``year_counts``, ``year_deprivations``, migration 6): held here equal to a straightforward
count of the communes' current households, year by year, and to Tổng hợp nhiều xã's count of
the same packages, on a registry where a commune's load was superseded and households move
between three review years (some not reviewed in the middle one)."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from db.exchange.upper_level import open_packages, summaries
from forms.model import Category, Transition
from forms.transitions import transition_from_history
from registry import queries
from registry.database import connect, init
from registry.load import load_packages
from registry.migrations import LATEST
from tests.registry.packages import make_package, trust_communes
from tests.registry.test_lists_in_force import _counts

YEARS = (2024, 2025, 2026)


@pytest.fixture
def moving(pg_dsn: str, tmp_path: Path) -> tuple[str, list[Path]]:
    """Three communes; the first's older package superseded by a newer one of other
    households; the third reviewed in two years only."""
    paths = [
        make_package(
            tmp_path / "a0.rasoat", "02947", n=30, seed=1, created_at="2026-10-01",
            years=YEARS, shift=7,
        ),
        make_package(
            tmp_path / "a1.rasoat", "02947", n=60, seed=4, created_at="2026-10-09",
            years=YEARS, shift=3, gap=5,
        ),
        make_package(tmp_path / "b.rasoat", "02674", n=50, seed=2, years=YEARS, shift=2, gap=7),
        make_package(tmp_path / "c.rasoat", "02647", n=15, seed=3, shift=2),
    ]  # fmt: skip
    with connect(pg_dsn) as conn:
        init(conn, "15")
        trust_communes(conn)
        assert {o.status for o in load_packages(conn, paths, workers=0)} == {"loaded"}
    return pg_dsn, paths


def straightforward(conn: Any, year: int) -> dict[str, dict[str, Any]]:
    """Each commune's counts from its current load's household_years, household by
    household, the movement from the household's results in its load's earlier periodic
    reviews (``transition_from_history``; these packages hold no monthly round)."""
    loads = dict(conn.execute("SELECT id, commune_code FROM loads WHERE valid_to IS NULL"))
    review: dict[int, list[int]] = defaultdict(list)
    for load, y in conn.execute(
        "SELECT DISTINCT load_id, year FROM rounds WHERE kind = 'periodic' ORDER BY 2"
    ):
        review[load].append(y)
    history: dict[tuple[int, str], dict[int, str]] = defaultdict(dict)
    for load, hid, y, category in conn.execute(
        "SELECT r.load_id, r.household_id, r.year, r.category FROM results r JOIN rounds o"
        " ON o.load_id = r.load_id AND o.round_id = r.round_id WHERE o.kind = 'periodic'"
    ):
        history[(load, hid)][y] = category
    rows = conn.execute(
        "SELECT load_id, household_id, year, category, standard_id, deprivation_count,"
        " deprived, size FROM household_years"
    ).fetchall()
    out: dict[str, dict[str, Any]] = {
        code: {
            "by_category": Counter(),
            "persons_by_category": Counter(),
            "deprivations": Counter(),
            "deprived": Counter(),
            "by_transition": Counter(),
            "standards": Counter(),
        }
        for code in loads.values()
    }
    for load, hid, y, category, standard, count, deprived, size in rows:
        if load not in loads or y != year:
            continue
        c = out[loads[load]]
        c["by_category"][category] += 1
        c["persons_by_category"][category] += size
        c["standards"][standard] += 1
        if category in ("poor", "near_poor"):
            c["deprivations"][category] += count
            for indicator in deprived:
                c["deprived"][(category, indicator)] += 1
        if not any(e < year for e in review[load]):
            continue  # the load's first review year: nothing before to move from
        past = history[(load, hid)]
        before = [Category(past[e]) if e in past else None for e in review[load] if e < year]
        while before and before[0] is None:  # not yet a household then
            before.pop(0)
        c["by_transition"][transition_from_history(before, Category(category))] += 1
    return out


def test_the_summary_is_a_straightforward_count_of_the_current_households(
    moving: tuple[str, list[Path]],
) -> None:
    dsn, _paths = moving
    seen: Counter[Transition] = Counter()
    with connect(dsn) as conn:
        assert queries.years(conn, "15") == list(YEARS)
        for year in YEARS:
            s = queries.summary(conn, year)
            expected = straightforward(conn, year)
            assert [r.commune_code for r in s.rows] == sorted(expected)
            standards: Counter[str] = Counter()
            for row in s.rows:
                want = expected[row.commune_code]
                assert +row.by_category == +want["by_category"], (year, row.commune_code)
                assert +row.persons_by_category == +want["persons_by_category"]
                assert +row.deprivations == +want["deprivations"]
                assert +row.deprived == +want["deprived"]
                assert +row.by_transition == +want["by_transition"]
                standards.update(want["standards"])
                seen.update(row.by_transition)
            assert s.standard_id == max(standards.items(), key=lambda kv: (kv[1], kv[0]))[0]
        # The newer package's 60 households, not the superseded 30 or both.
        assert {r.commune_code: r.households for r in s.rows}["02947"] == 60
    # Households moved every way the summary tells apart, falling back included.
    assert {
        Transition.NEWLY_POOR,
        Transition.STAYED_POOR,
        Transition.ESCAPED_POVERTY,
        Transition.FELL_BACK_POOR,
        Transition.FELL_BACK_NEAR_POOR,
    } <= set(+seen)


def test_the_summary_counts_as_tong_hop_nhieu_xa_counts_the_same_packages(
    moving: tuple[str, list[Path]],
) -> None:
    dsn, paths = moving
    opened, failed = open_packages(paths)
    assert failed == []
    with connect(dsn) as conn:
        for year in (None, *YEARS):
            province = queries.summary(conn, year)
            upper = summaries(opened, province.year)
            assert [_counts(r) for r in province.rows] == [_counts(u) for u in upper]


def test_counts_made_by_the_loader_are_what_migrations_6_and_7_make_of_loads_before_them(
    moving: tuple[str, list[Path]],
) -> None:
    """A registry loaded before migration 6 gets each load's counts, superseded ones
    included, from its household_years, results and rounds on upgrading: the rows the
    loader writes."""
    dsn, _paths = moving
    tables = ("year_counts", "year_deprivations")
    with connect(dsn) as conn:
        written = {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables
        }
        assert conn.execute("SELECT count(DISTINCT load_id) FROM year_counts").fetchone() == (4,)
        # Both movement's inputs were counted somewhere: a category the year before, a
        # household on no list then, an earlier poor year.
        previous = {r[6] for r in written["year_counts"]}
        assert None in previous
        assert "poor" in previous
        assert any(r[7] for r in written["year_counts"])
        conn.execute("DROP TABLE year_counts, year_deprivations, commune_keys")
        conn.execute("DELETE FROM schema_migrations WHERE version >= 6")
        assert init(conn, "15") == LATEST
        for t in tables:
            assert sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) == written[t], t
