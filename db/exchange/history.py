"""What merging remembers in the commune file besides the Store's own tables.

Three small tables (made by migration ``db/migrations/m0004_exchange.py``):

* ``exchange_merge_parents`` — the second parent of a rev made by resolving a conflict, so
  that the side not kept still counts as an ancestor (re-importing it is then a no-op);
* ``exchange_conflicts`` — households changed on both sides, waiting for the officer;
* ``exchange_imports`` — one row per imported package with its receipt.

The Store's ``household_revs`` holds single-parent history; ancestry here follows both parents.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping


class Ancestry:
    """Parents of revs, from the commune file and from a package, both parents followed."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
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
