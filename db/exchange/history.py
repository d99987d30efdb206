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
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from db import driver
from db.exchange.receipt import Receipt

if TYPE_CHECKING:  # the package's module reaches this one through its imports
    from db.exchange.package import PackageRecord


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
    """Parents of revs, from the commune file and from a package, both parents followed.

    Only households held here are asked about (``merge_plan.plan``), and most of a large
    package's are new to the file: its records' revs (``records``) are taken in when the
    first question comes, and the file's parents are read per rev unless ``read_local`` has
    read them beforehand, a chunk of households at a time (two queries a rev, four a
    household updated, were most of planning an updated package: issue 22)."""

    def __init__(self, conn: driver.Connection, records: Iterable[PackageRecord] = ()) -> None:
        self.conn = conn
        self.extra: dict[str, list[str]] = {}
        self._records = records
        # rev -> its parents here, for every rev here of the households ``read_local`` read
        self._local: dict[str, list[str]] = {}
        # rev -> the household it is here, for the same revs (``owner``)
        self._owners: dict[str, str] = {}

    def add(self, parents: Mapping[str, Iterable[str | None]]) -> None:
        for rev, ps in parents.items():
            self.extra.setdefault(rev, []).extend(p for p in ps if p)

    def _take_records(self) -> None:
        records, self._records = self._records, ()
        for rec in records:
            # Only revs with a parent: a first version has none to follow (as if not added).
            self.add(
                {
                    r.rev: (r.parent_rev, r.merge_parent)
                    for r in rec.revs
                    if r.parent_rev or r.merge_parent
                }
            )

    def read_local(self, household_ids: Collection[str]) -> None:
        """The parents here of every rev of ``household_ids`` (those read before forgotten),
        in one query: a rev is one household's (``household_revs.rev`` is its key), and
        each of its parents, its second (``exchange_merge_parents``) too, one row's."""
        self._local = {}
        self._owners = {}
        if not household_ids:
            return
        for rev, household_id, parent, merge_parent in self.conn.execute(
            "SELECT r.rev, r.household_id, r.parent_rev, p.merge_parent FROM household_revs r"
            " LEFT JOIN exchange_merge_parents p ON p.rev = r.rev"
            " WHERE r.household_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(household_ids)),),
        ):
            parents = [parent] if parent else []
            if merge_parent is not None:  # as ``_local_parents`` reads them
                parents.append(merge_parent)
            self._local[rev] = parents
            self._owners[rev] = household_id

    def owner(self, rev: str) -> str | None:
        """The household ``rev`` is here, of the revs ``read_local`` read last; None for
        another rev (new to this file, or another household's not read)."""
        return self._owners.get(rev)

    def _local_parents(self, rev: str) -> list[str]:
        held = self._local.get(rev)
        if held is not None:
            return held
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

    def _parents(self, rev: str) -> Iterator[str]:
        # The package's first: the file is read only if the walk goes on (an update's
        # ancestry is found in the package alone).
        yield from self.extra.get(rev, ())
        yield from self._local_parents(rev)

    def is_ancestor(self, candidate: str, rev: str) -> bool:
        """True when ``candidate`` is ``rev`` or one of its ancestors."""
        if self._records:
            self._take_records()
        return reaches(rev, candidate, self._parents)


def reaches(rev: str, candidate: str, parents: Callable[[str], Iterable[str]]) -> bool:
    """True when ``candidate`` is ``rev`` or one of its ancestors, ``parents`` giving each
    version's (households' revs here, applications' versions in ``year_round_part``), asked
    for no more of them once ``candidate`` is found."""
    if rev == candidate:
        return True
    seen = {rev}
    todo = [rev]
    while todo:
        for parent in parents(todo.pop()):
            if parent == candidate:
                return True
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return False
