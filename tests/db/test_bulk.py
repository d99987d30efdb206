"""``db.bulk.insert_rows``: the rows ``executemany`` of the same one-row statement writes,
in the same order, rowids, constraints and conflicts included, on real commune files."""

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
_IGNORE = "INSERT OR IGNORE INTO v VALUES (?, ?)"


def _file(tmp_path: Path, name: str) -> Store:
    store = Store.create(tmp_path / name, commune_info(), user="Lò Văn Ín", device="laptop-1")
    store.conn.execute("CREATE TABLE t (a TEXT NOT NULL, b, c INTEGER CHECK (c IN (0, 1, 2)))")
    store.conn.execute("CREATE TABLE u (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT)")
    store.conn.execute("CREATE TABLE v (k TEXT, w TEXT, PRIMARY KEY (k, w))")
    return store


def _dump(store: Store) -> list[Any]:
    conn = store.conn
    return [
        conn.execute("SELECT rowid, * FROM t ORDER BY rowid").fetchall(),
        conn.execute("SELECT rowid, * FROM u ORDER BY rowid").fetchall(),
        conn.execute("SELECT rowid, * FROM v ORDER BY rowid").fetchall(),
        conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'u'").fetchall(),
    ]


@pytest.mark.parametrize("count", [0, 1, bulk.PER - 1, bulk.PER, bulk.PER + 1, 3 * bulk.PER + 5])
def test_the_same_rows_as_executemany(tmp_path: Path, count: int) -> None:
    rows = [(None if i % 3 else 1000 + i, f"á{i}", i / 2 if i % 2 else None) for i in range(count)]
    autos = [(None if i % 4 else 50 + 2 * i, f"x{i}") for i in range(count)]
    # A pair given twice: the second ignored, by either way.
    pairs = [(f"k{i % 7}", f"w{i % 5}") for i in range(count)]
    stores = [_file(tmp_path, "many.sqlite"), _file(tmp_path, "bulk.sqlite")]
    for store, many in zip(stores, (True, False), strict=True):
        conn = store.conn
        with conn:
            if many:
                conn.executemany(_ROW, rows)
                conn.executemany(_AUTO, autos)
                conn.executemany(_IGNORE, pairs)
            else:
                insert_rows(conn, _ROW, rows)
                insert_rows(conn, _AUTO, autos)
                insert_rows(conn, _IGNORE, pairs)
    assert _dump(stores[1]) == _dump(stores[0])
    for store in stores:
        store.close()


def test_a_constraint_refused_as_executemany_refuses_it(tmp_path: Path) -> None:
    store = _file(tmp_path, "a.sqlite")
    rows = [(None, f"a{i}", i) for i in range(bulk.PER + 3)]
    rows[bulk.PER + 1] = (None, None, 1)  # a NOT NULL column left empty
    with pytest.raises(driver.IntegrityError, match="NOT NULL constraint failed: t.a"):
        insert_rows(store.conn, _ROW, rows)
    store.close()


def test_rows_of_different_widths_refused(tmp_path: Path) -> None:
    store = _file(tmp_path, "a.sqlite")
    # The two rows together bind six values, as two rows of three would: refused anyway.
    with pytest.raises(ValueError, match="widths"):
        insert_rows(store.conn, _ROW, [(None, "a"), (None, "b", 1, 2)])
    with pytest.raises(ValueError, match="VALUES"):
        insert_rows(store.conn, "INSERT INTO t SELECT 1, 2, 3", [(1,)])
    assert store.conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0
    store.close()
