"""Many rows into one table: ``INSERT … VALUES (…), (…), …`` with ``PER`` rows a statement
instead of ``executemany``'s one execution a row (issue 22).

Each execution of an INSERT opens a cursor on its table and on every index of it, and an
``AUTOINCREMENT`` table's reads and writes its ``sqlite_sequence`` row: once a statement, so
once a row under ``executemany``. A merge writes tens of thousands of rows (the audit log
alone six or seven a household): 64 rows a statement append an audit row in about 22,000
instructions fewer (callgrind), and a commune's merge of 1,500 households with their
answers and results takes 240 million fewer (docs/benchmarks.md, "merge").

The rows are the same, in the same order, with the same rowids (given or the table's
next), constraints and triggers: a statement inserts its rows one after another as
``executemany`` would. Only a failure differs in what it leaves behind inside the
transaction (the failing statement's earlier rows undone with it), and every caller rolls
the whole transaction back then.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from typing import Any

from db import driver

PER = 64  # rows a statement: 13 columns x 64 is 832 parameters (SQLite allows 32,766)


@lru_cache(maxsize=64)
def _statement(statement: str, rows: int) -> str:
    head, values, one = statement.rpartition(" VALUES ")
    if not values or not one.startswith("(") or not one.endswith(")"):
        raise ValueError(f"not one row's INSERT … VALUES (…): {statement!r}")
    return f"{head} VALUES {', '.join([one] * rows)}"


def insert_rows(conn: driver.Connection, statement: str, rows: Sequence[Sequence[Any]]) -> None:
    """``conn.executemany(statement, rows)`` for ``statement`` an ``INSERT … VALUES (…)`` of
    one row, ``PER`` rows a statement."""
    if not rows:
        return
    if len(set(map(len, rows))) != 1:
        # One short row and one long one would bind every value of the pair, shifted.
        raise ValueError("rows of different widths")
    whole = len(rows) - len(rows) % PER
    if whole:
        full = _statement(statement, PER)
        for start in range(0, whole, PER):
            conn.execute(full, list(chain.from_iterable(rows[start : start + PER])))
    if whole < len(rows):
        rest = rows[whole:]
        conn.execute(_statement(statement, len(rest)), list(chain.from_iterable(rest)))
