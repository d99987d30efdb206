"""What merging remembers in the commune file besides the Store's own tables.

Three small tables (made by migration ``db/migrations/m0004_exchange.py``):

* ``exchange_merge_parents`` — the second parent of a rev made by resolving a conflict, so
  that the side not kept still counts as an ancestor (re-importing it is then a no-op);
* ``exchange_conflicts`` — households changed on both sides, waiting for the officer;
* ``exchange_imports`` — one row per imported package with its receipt.

The Store's ``household_revs`` holds single-parent history; ancestry here follows both parents.
``imports`` reads the import history back (the GUI's Tệp → Lịch sử nhập gói…).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from db import driver
from db.exchange.receipt import Receipt


@dataclass(frozen=True)
class ImportRecord:
    """One imported package, as ``exchange_imports`` keeps it."""

    package_id: str
    imported_at: str
    source: str  # the package's file name
    user: str  # who imported it, on which laptop
    device: str
    created_by: str  # who made the package (the surveyor), on which laptop
    created_device: str
    scope: str
    counts: Mapping[str, int]  # receipt action -> households ("added", "conflict", …)
    warnings: int
    open_conflicts: int  # conflicts of this package still waiting for the officer
    receipt_json: str
    year_round_conflicts: int = 0  # applications and cadres the package conflicted on

    @property
    def conflicts(self) -> int:
        return (
            self.counts.get("conflict", 0)
            + self.counts.get("code_taken", 0)
            + self.year_round_conflicts
        )

    def receipt(self) -> Receipt:
        return Receipt.from_json(self.receipt_json)


def imports(conn: driver.Connection) -> list[ImportRecord]:
    """Every import that wrote something, newest first. (Importing a package again writes
    nothing, so it leaves no row.)"""
    waiting = Counter(
        r[0]
        for r in conn.execute(
            "SELECT package_id FROM exchange_conflicts WHERE resolved_at IS NULL"
            " UNION ALL SELECT package_id FROM year_round_conflicts WHERE resolved_at IS NULL"
        )
    )
    # Not in the receipt's household entries: counted from where they are stored.
    year_round = Counter(r[0] for r in conn.execute("SELECT package_id FROM year_round_conflicts"))
    out: list[ImportRecord] = []
    for package_id, at, source, user, device, text in conn.execute(
        "SELECT package_id, imported_at, source, user, device, receipt FROM exchange_imports"
        " ORDER BY imported_at DESC, rowid DESC"
    ):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        entries = data.get("entries")
        counts = Counter(
            str(e.get("action"))
            for e in (entries if isinstance(entries, list) else [])
            if isinstance(e, dict)
        )
        warnings = data.get("warnings")
        out.append(
            ImportRecord(
                package_id=package_id,
                imported_at=at,
                source=source,
                user=user,
                device=device,
                created_by=str(data.get("package_created_by", "")),
                created_device=str(data.get("package_device", "")),
                scope=str(data.get("scope", "")),
                counts=dict(counts),
                warnings=len(warnings) if isinstance(warnings, list) else 0,
                open_conflicts=waiting.get(package_id, 0),
                receipt_json=text,
                year_round_conflicts=year_round.get(package_id, 0),
            )
        )
    return out


class Ancestry:
    """Parents of revs, from the commune file and from a package, both parents followed."""

    def __init__(self, conn: driver.Connection) -> None:
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
        return reaches(rev, candidate, lambda r: [*self.extra.get(r, ()), *self._local_parents(r)])


def reaches(rev: str, candidate: str, parents: Callable[[str], Iterable[str]]) -> bool:
    """True when ``candidate`` is ``rev`` or one of its ancestors, ``parents`` giving each
    version's (households' revs here, applications' versions in ``year_round_part``)."""
    seen: set[str] = set()
    todo = [rev]
    while todo:
        current = todo.pop()
        if current == candidate:
            return True
        if current in seen:
            continue
        seen.add(current)
        todo.extend(parents(current))
    return False
