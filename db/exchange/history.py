"""What merging remembers in the commune file besides the Store's own tables.

Three small tables, created on first use inside the merge's transaction:

* ``exchange_merge_parents`` — the second parent of a rev made by resolving a conflict, so
  that the side not kept still counts as an ancestor (re-importing it is then a no-op);
* ``exchange_conflicts`` — households changed on both sides, waiting for the officer;
* ``exchange_imports`` — one row per imported package with its receipt.

The Store's ``household_revs`` holds single-parent history; ancestry here follows both parents.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping

SCHEMA = """
CREATE TABLE IF NOT EXISTS exchange_merge_parents (
    rev TEXT PRIMARY KEY,
    merge_parent TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exchange_conflicts (
    id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('both_changed', 'code_taken')),
    package_id TEXT NOT NULL,
    source TEXT NOT NULL,
    local_rev TEXT,
    incoming_rev TEXT NOT NULL,
    incoming TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT CHECK (resolution IN ('keep_mine', 'take_theirs')),
    resolved_by TEXT,
    UNIQUE (household_id, incoming_rev)
);
CREATE INDEX IF NOT EXISTS exchange_conflicts_open ON exchange_conflicts (resolved_at);
CREATE TABLE IF NOT EXISTS exchange_imports (
    package_id TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    source TEXT NOT NULL,
    user TEXT NOT NULL,
    device TEXT NOT NULL,
    receipt TEXT NOT NULL
);
"""


def ensure_schema(conn: sqlite3.Connection) -> None:
    # One statement at a time: executescript() would commit the caller's transaction.
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def has_schema(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'exchange_conflicts'"
    ).fetchone()
    return row is not None


class Ancestry:
    """Parents of revs, from the commune file and from a package, both parents followed."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._has_merge = has_schema(conn)
        self.extra: dict[str, list[str]] = {}

    def add(self, parents: Mapping[str, Iterable[str | None]]) -> None:
        for rev, ps in parents.items():
            self.extra.setdefault(rev, []).extend(p for p in ps if p)

    def _local_parents(self, rev: str) -> list[str]:
        out: list[str] = []
        row = self.conn.execute(
            "SELECT parent_rev FROM household_revs WHERE rev = ?", (rev,)
        ).fetchone()
        if row and row[0]:
            out.append(row[0])
        if self._has_merge:
            row = self.conn.execute(
                "SELECT merge_parent FROM exchange_merge_parents WHERE rev = ?", (rev,)
            ).fetchone()
            if row:
                out.append(row[0])
        return out

    def is_ancestor(self, candidate: str, rev: str) -> bool:
        """True when ``candidate`` is ``rev`` or one of its ancestors."""
        seen: set[str] = set()
        todo = [rev]
        while todo:
            current = todo.pop()
            if current == candidate:
                return True
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self.extra.get(current, ()))
            todo.extend(self._local_parents(current))
        return False
