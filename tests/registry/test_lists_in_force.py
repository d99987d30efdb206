"""The registry counts a commune's package as Tổng hợp nhiều xã does
(``db.exchange.upper_level``): the lists in force after each year's periodic review, a
household its meeting sent back not yet determined, the monthly rounds decided since
changing the categories of the households their meetings agreed to and not of those they
sent back, and a monthly round's year no review year (issue 21, after issue 24)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from db.exchange.export import export_package
from db.exchange.upper_level import open_packages, summaries
from db.records import HouseholdQuery
from db.store import Store
from forms.model import Category, Transition
from registry import queries
from registry.database import connect, init
from registry.load import commune_code_of, load_packages
from registry.migrations import LATEST, m0002_household_years, m0008_meeting_movements
from registry.throwaway import Cluster
from tests.registry.packages import make_package
from tests.reports.test_year_round_reports import _demo, march_verdicts


def _march_package(tmp_path: Path, deleted: int = 0) -> tuple[Path, str]:
    """The demo commune (its 2026 meeting sent one household back, its March 2026 round
    decided), the 2026 review decided, then a March 2027 round: two poor households apply
    to be recognised as escaped, the meeting agrees to one and sends the other back.
    ``deleted``: households of the list deleted then (they travel as deleted records)."""
    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        current = store.current_round()
        assert current is not None
        store.save_decision(current.id, "300/QĐ-UBND", date(2026, 12, 15), "Nguyễn Văn Hùng")
        _rnd, _agreed, voted_down = march_verdicts(store, current.id)
        for household in store.list_households(HouseholdQuery())[3 : 3 + deleted]:
            store.delete_household(household.id)
        export_package(store, tmp_path / "thang3.rasoat")
    return tmp_path / "thang3.rasoat", voted_down.id


def _counts(row: Any) -> tuple[Any, ...]:
    # Category and Transition are str enums: their counters compare with the registry's.
    return (
        commune_code_of(row.commune_code),  # the registry's five digits
        row.households,
        row.persons,
        dict(+Counter(row.by_category)),
        dict(+Counter(row.persons_by_category)),
        dict(+Counter(row.by_transition)),
        row.not_classified,
    )


def test_the_province_counts_the_lists_in_force_as_the_upper_level_does(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    march, voted_down = _march_package(tmp_path)
    other = make_package(tmp_path / "b.rasoat", "02674", n=30, seed=2)
    paths = [march, other]
    opened, failed = open_packages(paths)
    assert failed == []
    dsn = pg_cluster.create_database("registry_in_force")
    with connect(dsn) as conn:
        init(conn, "15")
        assert {
            o.status for o in load_packages(conn, paths, user="Cán bộ tỉnh", trust_new=True)
        } == {"loaded"}
        # 2027 holds only a monthly round: no review year.
        assert queries.years(conn, "15") == [2025, 2026]
        for year in (None, 2025, 2026):
            province = queries.summary(conn, year)
            upper = summaries(opened, province.year)
            assert [_counts(r) for r in province.rows] == [_counts(u) for u in upper]
            # The packages' first review year moves from nothing, at both levels.
            assert [r.movements for r in province.rows] == [u.movements for u in upper]
            assert all(r.movements is (province.year != 2025) for r in province.rows)
        mine = {r.commune_code: r for r in queries.summary(conn).rows}["02947"]
        assert mine.by_category[Category.UNDETERMINED] >= 1  # the 2026 meeting's
        # Under "Chưa phân loại", as the upper level counts it: it showed 0.
        assert mine.not_classified >= mine.by_category[Category.UNDETERMINED]
        # The household the March 2027 meeting sent back keeps its category: poor.
        kept = conn.execute(
            "SELECT hy.category FROM household_years hy JOIN loads l ON l.id = hy.load_id"
            " AND l.valid_to IS NULL WHERE hy.household_id = %s AND hy.year = 2026",
            (voted_down,),
        ).fetchone()
        assert kept == ("poor",)
        sent = conn.execute(
            "SELECT sent_back FROM rounds WHERE kind = 'adhoc' AND year = 2027"
        ).fetchone()
        assert sent == ([voted_down],)


def test_loads_made_before_keep_the_periodic_rounds_results(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    """Migration 3 on a registry whose household_years migration 2 made (the latest round of
    each year, monthly ones included): the rows of the monthly rounds give way to the year's
    periodic round's, since loads made then carry no decisions or sent-back lists."""
    march, _voted_down = _march_package(tmp_path)
    dsn = pg_cluster.create_database("registry_in_force_before")
    periodic_rows = """
        SELECT count(*) FROM (SELECT DISTINCT r.household_id, r.year FROM results r
        JOIN rounds ro ON ro.load_id = r.load_id AND ro.round_id = r.round_id
        JOIN households h ON h.load_id = r.load_id AND h.household_id = r.household_id
        WHERE ro.kind = 'periodic' AND NOT h.deleted) x
    """
    not_periodic = """
        SELECT count(*) FROM household_years hy JOIN rounds ro ON ro.load_id = hy.load_id
        AND ro.round_id = hy.round_id WHERE ro.kind <> 'periodic'
    """
    with connect(dsn) as conn:
        init(conn, "15")
        load_packages(conn, [march], user="Cán bộ tỉnh", trust_new=True)
        conn.execute("DROP TABLE household_years, year_counts, year_deprivations, commune_keys")
        conn.execute("ALTER TABLE rounds DROP COLUMN decided_on, DROP COLUMN sent_back")
        conn.execute("DELETE FROM schema_migrations WHERE version >= 3")
        conn.execute("DELETE FROM schema_migrations WHERE version = 2")
        conn.execute(m0002_household_years.SQL)  # migration 2 alone, as it ran then
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (2, 'household_years')")
        assert conn.execute(not_periodic).fetchone()[0] > 0
        assert init(conn, "15") == LATEST
        assert conn.execute(not_periodic).fetchone() == (0,)
        total = conn.execute("SELECT count(*) FROM household_years").fetchone()
        assert total == conn.execute(periodic_rows).fetchone()


def test_the_movements_are_the_communes_own(pg_cluster: Cluster, tmp_path: Path) -> None:
    """The demo commune's March 2026 round took households off the 2025 lists before the
    2026 review: Tổng hợp nhiều xã and the province count each household's 2026 movement as
    the commune stored it (against the 2025 review), where they compared with the lists in
    force after March ("phát sinh mới" for a household poor in 2025). A household the 2026
    meeting sent back is not yet determined at every level."""
    from reports.review import load_review

    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        current = store.current_round()
        assert current is not None
        entries = load_review(store, current.id).entries
        export_package(store, tmp_path / "xa.rasoat")
    commune = Counter(e.transition or Transition.UNKNOWN for e in entries)
    opened, failed = open_packages([tmp_path / "xa.rasoat"])
    assert failed == []
    [upper] = summaries(opened, 2026)
    assert +Counter(upper.by_transition) == commune
    dsn = pg_cluster.create_database("registry_movements")
    with connect(dsn) as conn:
        init(conn, "15")
        load_packages(conn, [tmp_path / "xa.rasoat"], user="Cán bộ tỉnh", trust_new=True)
        [province] = queries.summary(conn, 2026).rows
        assert +Counter(province.by_transition) == commune
        # Migration 8 makes the same counts of a load made before it.
        query = "SELECT * FROM year_counts ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
        written = conn.execute(query).fetchall()
        conn.execute(m0008_meeting_movements.SQL)
        assert conn.execute(query).fetchall() == written
