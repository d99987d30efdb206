"""Many rows into one table without foreign keys: ``INSERT OR FAIL … VALUES (…), (…), …``
with ``PER`` rows a statement instead of ``executemany``'s one execution a row (issue 22).

Each execution of an INSERT opens a cursor on its table and on every index of it, and an
``AUTOINCREMENT`` table's reads and writes its ``sqlite_sequence`` row: once a statement, so
once a row under ``executemany``. A merge writes tens of thousands of rows (the audit log
alone six or seven a household).

``OR FAIL``, because a statement that may write several rows and may be aborted half-way
makes SQLite keep a statement journal, a copy of every page it changes that was in the file
before it began: slower than ``executemany`` into a large table (an audit row appended to
150,000 took 18.6 µs against 16.2; with ``OR FAIL`` 11.6). ``OR FAIL`` stops at the failing
row and keeps the rows before it, as ``executemany`` does, so it needs no such copy. An
immediate foreign key check always may abort the statement (SQLite then keeps the journal
whatever the clause), so a table with foreign keys is refused here: ``executemany`` it.

The rows are the same, in the same order, with the same rowids (given or the table's next),
constraints and errors as ``executemany``'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from typing import Any

from db import driver

PER = 64  # rows a statement: 13 columns x 64 is 832 parameters (SQLite allows 32,766)

# One row's values may hold parentheses one deep (``CAST(? AS TEXT)``) and texts
# (``literal``), whatever they hold.
_ONE_ROW = re.compile(
    r"INSERT INTO (\w+)( [^;']*)? VALUES "
    r"(\((?:'(?:[^']|'')*'|[^()']|\((?:'(?:[^']|'')*'|[^()'])*\))*\))",
    re.DOTALL,
)


def literal(value: str | int | None) -> str:
    """``value`` written as an SQL literal: a value every row of a statement has, written in
    the statement once rather than bound with every row (a bound value costs the driver
    about 600 instructions a row: SQLite's mutex, a copy; issue 22). The same value stored
    (a text is stored as bound text is)."""
    if value is None:
        return "NULL"
    if type(value) is int and -(2**63) <= value < 2**63:  # beyond, SQLite reads a REAL
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"no SQL literal for {value!r}")
    if "\0" in value:  # no statement's text holds one: its UTF-8 as a blob, read as text
        return f"CAST(X'{value.encode().hex()}' AS TEXT)"
    return "'" + value.replace("'", "''") + "'"


@lru_cache(maxsize=64)
def _parsed(statement: str) -> tuple[str, str, str]:
    """(table, the statement's head with OR FAIL, one row's values) of ``INSERT INTO t […]
    VALUES (…)``."""
    found = _ONE_ROW.fullmatch(statement)
    if found is None:
        raise ValueError(f"not one row's INSERT INTO … VALUES (…): {statement!r}")
    table, columns, one = found.groups()
    return table, f"INSERT OR FAIL INTO {table}{columns or ''}", one


@lru_cache(maxsize=256)
def _statement(statement: str, rows: int) -> str:
    _table, head, one = _parsed(statement)
    return f"{head} VALUES {', '.join([one] * rows)}"


def insert_rows(conn: driver.Connection, statement: str, rows: Sequence[Sequence[Any]]) -> None:
    """``conn.executemany(statement, rows)`` for ``statement`` an ``INSERT INTO … VALUES
    (…)`` of one row into a table without foreign keys, ``PER`` rows a statement."""
    if not rows:
        return
    if len(set(map(len, rows))) != 1:
        # One short row and one long one would bind every value of the pair, shifted.
        raise ValueError("rows of different widths")
    table = _parsed(statement)[0]
    keys = conn.execute("SELECT COUNT(*) FROM pragma_foreign_key_list(?)", (table,))
    if keys.fetchone()[0]:
        raise ValueError(f"{table} has foreign keys: a statement journal every statement")
    if conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).fetchone():
        # The outer statement's OR FAIL overrides the conflict clauses of the statements in
        # a trigger's body (an INSERT OR IGNORE there would fail), and a RAISE(ABORT) would
        # undo every row of the statement, not one: as executemany, then.
        conn.executemany(statement, rows)
        return
    whole = len(rows) - len(rows) % PER
    if whole:
        full = _statement(statement, PER)
        for start in range(0, whole, PER):
            conn.execute(full, list(chain.from_iterable(rows[start : start + PER])))
    if whole < len(rows):
        rest = rows[whole:]
        conn.execute(_statement(statement, len(rest)), list(chain.from_iterable(rest)))
