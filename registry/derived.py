"""Each load's rows made from its package at load time (``household_years``, ``year_counts``,
``year_deprivations``), made again for the loads an older rule made them by (``loads.rules``
below ``registry.load.RULES``, migration 10), by ``rasoat registry init`` after its
migrations.

They are made with the loader's own functions (``upper_level.lists_in_force``,
``movement_inputs`` and ``load.year_counts``, through ``load._Rows``), not an SQL copy of
them, from what the registry keeps of the package: each round (year, kind, start, decision's
date, the households its meeting sent back) and each result's category, round, standard and
deprivations, and each household's size and whether it is deleted. Those are all the
functions read, so a load made again holds the rows a fresh load of its package writes
(``tests/registry/test_rules.py``). One transaction a load; the rest of a province's
history is untouched meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg

from db.exchange.package import Package, PackageRecord
from db.exchange.upper_level import lists_in_force
from forms.model import Household
from registry.load import RULES, Prepared, Row, _Rows, copy_lines, write_rows, year_counts

TABLES = ("household_years", "year_counts", "year_deprivations")


def bring_up_to_date(conn: psycopg.Connection[Any]) -> int:
    """Every load made by an older rule made again; how many."""
    stale = conn.execute(
        "SELECT province_code, id FROM loads WHERE rules < %s ORDER BY province_code, id",
        (RULES,),
    ).fetchall()
    done = 0
    for province, load in stale:
        done += remake(conn, str(province), int(load))
    return done


def remake(conn: psycopg.Connection[Any], province: str, load: int) -> bool:
    """One load's rows made again (False: made by the current rule meanwhile)."""
    with conn.transaction():
        row = conn.execute(
            "SELECT commune_code, rules FROM loads WHERE province_code = %s AND id = %s FOR UPDATE",
            (province, load),
        ).fetchone()
        if row is None or row[1] >= RULES:
            return False
        key = (province, load)
        rounds = [
            {
                "id": rid,
                "year": year,
                "standard_id": standard,
                "kind": kind,
                "started_at": started,
                "reference_date": reference,
                "decided_on": decided,
                "sent_back": list(sent_back or []),
            }
            for rid, year, standard, kind, started, reference, decided, sent_back in conn.execute(
                "SELECT round_id, year, standard_id, kind, started_at, reference_date, decided_on,"
                " sent_back FROM rounds WHERE province_code = %s AND load_id = %s"
                " ORDER BY round_id",  # any order: the functions order them (year, start, id)
                key,
            )
        ]
        made = _Rows({"rounds": rounds})
        records = {rec.household.id: (rec, size, by_round) for rec, size, by_round in
                   _records(conn, key)}  # fmt: skip
        package = Package(manifest={}, commune={"rounds": rounds}, records=[])
        for rec, in_force in lists_in_force(package, (r[0] for r in records.values())):
            _rec, size, by_round = records[rec.household.id]
            made.add_years(rec.household.id, size, rec.results, by_round, in_force)
        counts, deprivations = year_counts(made.picked, made.moves)
        for table in TABLES:
            conn.execute(
                f"DELETE FROM {table} WHERE province_code = %s AND load_id = %s",
                key,
            )
        lines = dict(zip(TABLES, map(copy_lines, (made.picked, counts, deprivations)), strict=True))
        rows = Prepared(manifest={}, package_id="", signer="", entries=[], copies=lines)
        write_rows(conn, (province, str(row[0]), load), rows)
        conn.execute("UPDATE loads SET rules = %s WHERE province_code = %s AND id = %s",
                     (RULES, *key))  # fmt: skip
    return True


def _records(
    conn: psycopg.Connection[Any], key: tuple[str, int]
) -> Iterator[tuple[PackageRecord, int, dict[str, Row]]]:
    """Each household of the load as ``lists_in_force`` reads a package's record (its id,
    whether deleted, its results' categories by round), with its size and its results as
    the loader's results rows (``RESULT_COLUMNS`` without the first three, no document)."""
    results: dict[str, dict[str, Row]] = {}
    for hid, rid, year, standard, category, b1, income, count, deprived in conn.execute(
        "SELECT household_id, round_id, year, standard_id, category, b1_score, income,"
        " deprivation_count, deprived FROM results WHERE province_code = %s AND load_id = %s",
        key,
    ):
        results.setdefault(hid, {})[rid] = (
            hid, rid, year, standard, category, b1, income, count, list(deprived or []), None
        )  # fmt: skip
    for hid, size, deleted in conn.execute(
        "SELECT household_id, size, deleted FROM households WHERE province_code = %s"
        " AND load_id = %s ORDER BY household_id",
        key,
    ):
        by_round = results.get(hid, {})
        rec = PackageRecord(
            household=Household(id=hid),
            rev="",
            revs=[],
            deleted=bool(deleted),
            results={rid: {"category": r[4]} for rid, r in by_round.items()},
        )
        yield rec, int(size), by_round
