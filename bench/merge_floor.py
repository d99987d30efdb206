"""What a merge must do beyond writing its rows, each piece at its floor (issue 22).

``bench_merge`` compares the merge with SQLite alone writing the same rows. A merge also has
work SQLite alone is spared, and no way of writing the rows removes it: planning looks this
file up for each household of the package (by id, by code, by its members' ID numbers:
``merge_plan.Lookups``), the bulk insert looks up its members' ids (a member already here
takes the Store's path), and the audit chain hashes every row it appends, its document
included, one after another (``audit.payload_utf8`` and SHA-256, the chain's own code). Timed
here on their own, package by package against the file as it grows (each package's lookups
before its rows are copied in, as a merge plans before it writes), they give the least a merge
can cost: SQLite alone plus these. The gap between that and the merge is what the merge's
Python spends otherwise (reading packages from its reader, building rows, planning's own
logic)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from db.audit import payload_utf8
from db.exchange.merge_plan import Lookups, chunks
from db.store import Store


def necessary_cpu(
    merged: Path, out: Path, packages: int, per: int, copies: list[str]
) -> dict[str, float]:
    """CPU seconds of each necessary piece over the merged file's ``packages`` packages of
    ``per`` households (by rowid), each timed before the package's rows are copied into
    ``out`` by ``copies`` (``INSERT … SELECT`` from schema ``m``, untimed): "lookups",
    "probes", "hashes"."""
    spent = {"lookups": 0.0, "probes": 0.0, "hashes": 0.0}
    prev = b"\0" * 32
    with Store.open(out, user="Cán bộ xã", device="may-xa") as store:
        conn = store.conn
        conn.execute("ATTACH DATABASE ? AS m", (str(merged),))
        for i in range(packages):
            span = (i * per + 1, (i + 1) * per)
            households, member_ids, rows = _package_rows(conn, span)
            cpu = time.process_time()
            # Its ID numbers are read when first asked for, as a new household's hint asks.
            _read = Lookups(conn, households).id_numbers  # type: ignore[arg-type]
            spent["lookups"] += time.process_time() - cpu
            cpu = time.process_time()
            for ids, marks in chunks(member_ids):
                conn.execute(f"SELECT id FROM members WHERE id IN ({marks})", ids).fetchall()
            spent["probes"] += time.process_time() - cpu
            cpu = time.process_time()
            encoded: dict[tuple[Any, ...], bytes] = {}
            sha256 = hashlib.sha256
            for r in rows:
                # As ``audit.append`` hashes a row: an inserted row's document, not its NULL.
                fields = (*r[1:9], r[12] if r[11] else r[9], r[10])
                prev = sha256(prev + payload_utf8(r[0], fields, encoded)).digest()
            spent["hashes"] += time.process_time() - cpu
            conn.execute("BEGIN IMMEDIATE")
            for sql in copies:
                conn.execute(sql, span)
            conn.execute("COMMIT")
        conn.execute("DETACH DATABASE m")
    return spent


_OWNED = "household_id IN (SELECT id FROM m.households WHERE rowid BETWEEN ? AND ?)"


def _package_rows(
    conn: Any, span: tuple[int, int]
) -> tuple[list[SimpleNamespace], list[str], list[tuple[Any, ...]]]:
    """A package's households as planning reads them (id, code, members' ID numbers), its
    members' ids, and its audit rows with the documents of the rows they inserted."""
    members: dict[str, list[SimpleNamespace]] = {}
    member_ids = []
    for hid, mid, number in conn.execute(
        f"SELECT household_id, id, id_number FROM m.members WHERE {_OWNED}", span
    ):
        members.setdefault(hid, []).append(SimpleNamespace(id_number=number))
        member_ids.append(mid)
    households = [
        SimpleNamespace(id=hid, code=code, members=members.get(hid, []))
        for hid, code in conn.execute(
            "SELECT id, code FROM m.households WHERE rowid BETWEEN ? AND ?", span
        )
    ]
    rows = conn.execute(
        "SELECT a.id, a.at, a.user, a.device, a.tbl, a.row_id, a.household_id, a.action,"
        " a.old, a.new, a.source, a.new_in_row, CASE a.tbl"
        " WHEN 'households' THEN (SELECT doc FROM m.households WHERE id = a.row_id)"
        " WHEN 'members' THEN (SELECT doc FROM m.members WHERE id = a.row_id) END"
        f" FROM m.audit a WHERE a.{_OWNED} ORDER BY a.id",
        span,
    ).fetchall()
    return households, member_ids, rows
