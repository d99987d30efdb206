"""A load whose household_years and counts an older rule made is made again by ``rasoat
registry init`` (``registry.derived``, migration 10), so its reports are those of a fresh
load of the same package, not the old rule's until the commune's next package."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from db.exchange.export import export_package
from db.store import Store
from forms.classify import classify
from registry import queries
from registry.database import connect, init
from registry.load import RULES, load_packages
from registry.migrations import LATEST, m0006_year_counts, m0008_meeting_movements
from registry.throwaway import Cluster
from tests.db.conftest import commune_info
from tests.db.test_round_transitions import _monthly
from tests.db.test_year_round import STANDARD, _escaped, _periodic, _poor

DERIVED = ("household_years", "year_counts", "year_deprivations")


def _package(tmp_path: Path) -> Path:
    """A poor in the 2025 review; B moved in after it, put on the poor list by a June month;
    A off it by a September month decided while the 2026 review was surveyed, before its
    decision (tests/db/exchange/test_upper_level.py: the 2025 lists in force hold both)."""
    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="xa") as store:
        store.add_village("Thôn Đồng Tâm")
        a, b = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
        _periodic(store, a)
        store.save_household(b)
        june = _monthly(store, 2026, 6, b)
        store.save_decision(june, "40/QĐ-UBND", date(2026, 6, 25), "Nguyễn Văn Hùng")
        review = store.start_round(2026, STANDARD.id)
        _escaped(a)
        september = _monthly(store, 2026, 9, a)
        store.save_decision(september, "60/QĐ-UBND", date(2026, 9, 25), "Nguyễn Văn Hùng")
        for h in (a, b):
            store.save_household(h, round_id=review.id, result=classify(h, STANDARD, 2026))
        store.save_decision(review.id, "130/QĐ-UBND", date(2026, 11, 30), "Nguyễn Văn Hùng")
        export_package(store, tmp_path / "xa.rasoat")
    return tmp_path / "xa.rasoat"


def _loaded(cluster: Cluster, name: str, path: Path) -> str:
    dsn = cluster.create_database(name)
    with connect(dsn) as conn:
        init(conn, "15")
        assert [o.status for o in load_packages(conn, [path], trust_new=True)] == ["loaded"]
    return dsn


def _as_the_old_rule_made_it(conn: Any) -> None:
    """The rows the loader wrote before session 24's change to the lists in force: a year's
    row the review's result updated only by the months started before the next review
    (September counted in no year), none for a household only a month put on the lists;
    the counts made from them as migrations 6 and 8 make them; the schema at migration 9."""
    conn.execute("""
        DELETE FROM household_years hy WHERE hy.year = 2025 AND NOT EXISTS (
            SELECT 1 FROM results r JOIN rounds ro ON ro.load_id = r.load_id
                AND ro.round_id = r.round_id AND ro.kind = 'periodic' AND ro.year = 2025
            WHERE r.load_id = hy.load_id AND r.household_id = hy.household_id)
    """)
    conn.execute("""
        UPDATE household_years hy SET round_id = r.round_id, standard_id = r.standard_id,
            category = r.category, deprivation_count = r.deprivation_count,
            deprived = r.deprived
        FROM results r JOIN rounds ro ON ro.load_id = r.load_id AND ro.round_id = r.round_id
            AND ro.kind = 'periodic' AND ro.year = 2025
        WHERE hy.year = 2025 AND r.load_id = hy.load_id AND r.household_id = hy.household_id
    """)
    conn.execute(m0008_meeting_movements.SQL)
    deprivations = m0006_year_counts.SQL[m0006_year_counts.SQL.index("INSERT INTO year_dep") :]
    conn.execute("DELETE FROM year_deprivations")
    conn.execute(deprivations)
    conn.execute("ALTER TABLE loads DROP COLUMN IF EXISTS rules")
    conn.execute("DELETE FROM schema_migrations WHERE version >= 10")


def _reports(conn: Any) -> list[Any]:
    out: list[Any] = []
    for year in (2025, 2026):
        s = queries.summary(conn, year)
        out += [(r.commune_code, +r.by_category, +r.by_transition) for r in s.rows]
        out.append(queries.commune_list(conn, "02947", year)[1])
    return out


def _rows(conn: Any) -> list[Any]:
    return [
        sorted(map(repr, conn.execute(f"SELECT * FROM {table}").fetchall())) for table in DERIVED
    ]


def test_init_makes_again_what_an_older_rule_made(pg_cluster: Cluster, tmp_path: Path) -> None:
    path = _package(tmp_path)
    fresh = _loaded(pg_cluster, "registry_rules_fresh", path)
    old = _loaded(pg_cluster, "registry_rules_old", path)
    with connect(fresh) as conn:
        expected, rows = _reports(conn), _rows(conn)
        # The 2025 lists in force: B by June's decision, A off them by September's.
        [row] = queries.summary(conn, 2025).rows
        assert (row.by_category["poor"], row.by_category["not_poor"], row.not_classified) == (
            1,
            1,
            0,
        )
    with connect(old) as conn:
        _as_the_old_rule_made_it(conn)
        assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone() == (9,)
        # A poor, B not there: what the 2025 summary and lists showed until the next package.
        assert conn.execute(
            "SELECT category FROM household_years WHERE year = 2025"
        ).fetchall() == [("poor",)]
        assert _rows(conn) != rows
        assert init(conn, "15") == LATEST
        assert _rows(conn) == rows
        assert _reports(conn) == expected
        assert conn.execute("SELECT DISTINCT rules FROM loads").fetchall() == [(RULES,)]
        # Made once: init again changes nothing.
        init(conn, "15")
        assert _rows(conn) == rows


def test_init_says_how_many_loads_it_made_again(
    pg_cluster: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first init after an upgrade reads every older load's results again, some seconds
    for a province's history, and said nothing of it: it now says how many it made again,
    and nothing of it when there is none."""
    from rasoat.cli import main

    path = _package(tmp_path)
    old = _loaded(pg_cluster, "registry_rules_said", path)
    with connect(old) as conn:
        _as_the_old_rule_made_it(conn)
    assert main(["registry", "init", old, "--province", "15"]) == 0
    said = capsys.readouterr().out
    assert "Đã tính lại số liệu tổng hợp của 1 lần nạp gói" in said
    assert main(["registry", "init", old, "--province", "15"]) == 0
    assert "Đã tính lại" not in capsys.readouterr().out
