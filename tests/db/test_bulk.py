"""``db.bulk.insert_rows``: the rows ``executemany`` of the same one-row statement writes,
in the same order, rowids, constraints and failures included, on real commune files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from db import bulk, driver
from db.bulk import insert_rows
from db.store import Store
from tests.db.conftest import commune_info

_ROW = "INSERT INTO t (rowid, a, b, c) VALUES (?, ?, ?, 0)"
_AUTO = "INSERT INTO u VALUES (?, ?)"
_PAIR = "INSERT INTO v VALUES (?, ?)"
# A value's expression holding parentheses (a merge's documents bound as UTF-8), a value
# written in the statement, holding quotes and brackets (``bulk.literal``).
_SOURCE = bulk.literal("gói (của 'Lò' ))") + " || " + bulk.literal("\0')")
_CAST = f"INSERT INTO w VALUES (CAST(? AS TEXT), ?, {_SOURCE})"


def _file(tmp_path: Path, name: str) -> Store:
    store = Store.create(tmp_path / name, commune_info(), user="Lò Văn Ín", device="laptop-1")
    store.conn.execute("CREATE TABLE t (a TEXT NOT NULL, b, c INTEGER CHECK (c IN (0, 1, 2)))")
    store.conn.execute("CREATE TABLE u (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT)")
    store.conn.execute("CREATE TABLE v (k TEXT, w TEXT, PRIMARY KEY (k, w))")
    store.conn.execute("CREATE TABLE w (doc TEXT NOT NULL, n INTEGER, source TEXT)")
    return store


def _dump(store: Store) -> list[Any]:
    conn = store.conn
    return [
        conn.execute("SELECT rowid, * FROM t ORDER BY rowid").fetchall(),
        conn.execute("SELECT rowid, * FROM u ORDER BY rowid").fetchall(),
        conn.execute("SELECT rowid, * FROM v ORDER BY rowid").fetchall(),
        conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'u'").fetchall(),
        conn.execute("SELECT rowid, typeof(doc), * FROM w ORDER BY rowid").fetchall(),
    ]


@pytest.mark.parametrize("count", [0, 1, bulk.PER - 1, bulk.PER, bulk.PER + 1, 3 * bulk.PER + 5])
def test_the_same_rows_as_executemany(tmp_path: Path, count: int) -> None:
    rows = [(None if i % 3 else 1000 + i, f"á{i}", i / 2 if i % 2 else None) for i in range(count)]
    autos = [(None if i % 4 else 50 + 2 * i, f"x{i}") for i in range(count)]
    pairs = [(f"k{i}", f"w{i % 5}") for i in range(count)]
    docs = [(f'{{"tên":"Đ{i}"}}'.encode(), i) for i in range(count)]
    stores = [_file(tmp_path, "many.sqlite"), _file(tmp_path, "bulk.sqlite")]
    for store, many in zip(stores, (True, False), strict=True):
        conn = store.conn
        with conn:
            if many:
                conn.executemany(_ROW, rows)
                conn.executemany(_AUTO, autos)
                conn.executemany(_PAIR, pairs)
                conn.executemany(_CAST, docs)
            else:
                insert_rows(conn, _ROW, rows)
                insert_rows(conn, _AUTO, autos)
                insert_rows(conn, _PAIR, pairs)
                insert_rows(conn, _CAST, docs)
    assert _dump(stores[1]) == _dump(stores[0])
    assert {r[1] for r in _dump(stores[1])[-1]} <= {"text"}
    for store in stores:
        store.close()


def _executemany(conn: driver.Connection, statement: str, rows: list[Any]) -> None:
    conn.executemany(statement, rows)


@pytest.mark.parametrize("failing", [0, 5, bulk.PER + 1])
def test_a_constraint_refused_as_executemany_refuses_it(tmp_path: Path, failing: int) -> None:
    """The rows before the failing one kept, as executemany keeps them (OR FAIL), and the
    same error."""
    rows = [(None, f"a{i}", i % 3) for i in range(bulk.PER + 3)]
    rows[failing] = (None, None, 1)  # a NOT NULL column left empty
    kept = []
    for name, write in (("many.sqlite", _executemany), ("bulk.sqlite", insert_rows)):
        store = _file(tmp_path, name)
        store.conn.execute("BEGIN")
        with pytest.raises(driver.IntegrityError, match="NOT NULL constraint failed: t.a"):
            write(store.conn, _ROW, rows)
        kept.append(_dump(store))
        store.conn.execute("ROLLBACK")
        store.close()
    assert kept[1] == kept[0]
    assert len(kept[0][0]) == failing


def test_a_table_with_foreign_keys_refused(tmp_path: Path) -> None:
    """Its rows would need SQLite's statement journal: executemany writes them faster."""
    store = _file(tmp_path, "a.sqlite")
    with pytest.raises(ValueError, match="foreign keys"):
        insert_rows(store.conn, "INSERT INTO household_causes VALUES (?, ?)", [("a", "b")])
    store.close()


def test_rows_of_different_widths_refused(tmp_path: Path) -> None:
    store = _file(tmp_path, "a.sqlite")
    # The two rows together bind six values, as two rows of three would: refused anyway.
    with pytest.raises(ValueError, match="widths"):
        insert_rows(store.conn, _ROW, [(None, "a"), (None, "b", 1, 2)])
    for other in ("INSERT INTO t SELECT 1, 2, 3", "INSERT OR IGNORE INTO t VALUES (?, ?, ?)"):
        with pytest.raises(ValueError, match="VALUES"):
            insert_rows(store.conn, other, [(1, 2, 3)])
    assert store.conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0
    store.close()


def test_a_table_with_a_trigger_gets_executemanys_rows(tmp_path: Path) -> None:
    """OR FAIL on the outer statement would override a trigger body's own conflict clause
    (its INSERT OR IGNORE would fail, review V2): such a table goes through executemany."""
    stores = [_file(tmp_path, "a.sqlite"), _file(tmp_path, "b.sqlite")]
    for store in stores:
        store.conn.execute("CREATE TABLE seen (x TEXT PRIMARY KEY)")
        store.conn.execute(
            "CREATE TRIGGER u_seen AFTER INSERT ON u BEGIN"
            " INSERT OR IGNORE INTO seen VALUES (substr(new.x, 1, 1)); END"
        )
    rows = [(None, f"{i % 3}-{i}") for i in range(2 * bulk.PER + 3)]
    stores[0].conn.executemany(_AUTO, rows)
    insert_rows(stores[1].conn, _AUTO, rows)
    dumps = [
        [*_dump(store), store.conn.execute("SELECT x FROM seen ORDER BY x").fetchall()]
        for store in stores
    ]
    assert dumps[0] == dumps[1]
    assert dumps[1][-1] == [("0",), ("1",), ("2",)]
    for store in stores:
        store.close()


def test_literal_is_the_value_bound(tmp_path: Path) -> None:
    store = _file(tmp_path, "literal.sqlite")
    values: list[str | int | None] = [
        *("", "'", "''x'", "gói (của 'Lò' ))", "Đ\n\t\\", "a\0b')", None, 0, -7),
        *(2**63 - 1, -(2**63)),
    ]
    for value in values:
        got = store.conn.execute(f"SELECT {bulk.literal(value)}, typeof({bulk.literal(value)})")
        bound = store.conn.execute("SELECT ?, typeof(?)", (value, value))
        assert got.fetchone() == bound.fetchone()
    for bad in (2**63, -(2**63) - 1, 1.5, True, b"x"):
        with pytest.raises(ValueError, match="no SQL literal"):
            bulk.literal(bad)  # type: ignore[arg-type]
    store.close()
