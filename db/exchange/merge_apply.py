"""Writing a planned merge in ONE transaction (``write_merge``): new households in bulk, the
others fast-forwarded one by one through the Store's own write helpers (members, causes,
search index, audit with the package as ``source``), their results oldest year first, the
histories joined, the conflicts stored for the officer, certificate numbers, year-round
records and purges, and the import's row with its receipt.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import fields, replace
from typing import Any

from db import certificate_reserve, certificates
from db.exchange import devices, year_round_part, year_round_rows
from db.exchange.errors import PackageError
from db.exchange.merge_new import add_new, bulk_candidates, write_first_results
from db.exchange.merge_one import apply, write_results
from db.exchange.merge_plan import BOTH_CHANGED, Planned, certificate_warning
from db.exchange.merge_prepare import fitting
from db.exchange.merge_purges import purge_here
from db.exchange.merge_revs import join_revs, put_history, revs_elsewhere
from db.exchange.merge_stream import (
    LEAN_RESULT,
    again,
    is_held,
    is_lean,
    made_whole,
    mark_unverified,
    member_ids,
    whole,
)
from db.exchange.package import Package, PackageRecord, record_to_dict
from db.exchange.receipt import Receipt
from db.records import Change
from db.store import Store, now_utc
from forms.household_diff import differences, summary
from forms.model import Household

Progress = Callable[[int, int], None]


def write_merge(
    store: Store,
    package: Package,
    receipt: Receipt,
    source_name: str,
    source: str,
    progress: Progress | None,
    sender: devices.SenderCheck,
    steps: list[Planned],
    round_map: dict[str, str],
    to_write: list[Planned],
    new_conflicts: list[Planned],
    to_join: list[Planned],
    to_purge: list[Planned],
    numbers: certificates.MergePlan,
    year_round: year_round_rows.Plan,
) -> None:
    """The merge's one transaction."""
    at = receipt.imported_at
    with store.transaction(source=source):
        devices.remember_sender(store.conn, sender, package, store.user, at)
        _ensure_villages(store, steps)
        _ensure_rounds(store, package, round_map)
        rounds = store.rounds()  # once a merge, not once a household
        memo: dict[int, Any] = {}  # result_doc's (merge_prepare), for the whole package
        total = len(to_write)
        done = 0
        for part in _whole(package, steps, {id(s) for s in (*to_write, *new_conflicts)}):
            writes = [s for s in part if s.action in ("added", "updated", "deleted")]
            fresh = bulk_candidates(store, [s.record for s in writes if s.action == "added"])
            fresh_ids = {r.household.id for r in fresh}
            # The rest written one by one (none, in a chunk of new households).
            rest = [s for s in writes if s.record.household.id not in fresh_ids]
            # A held household not new after all (a member of it is here): written whole.
            made = made_whole(package, [s.record for s in rest if is_held(s.record)])
            if made:
                rest = [
                    replace(s, record=made[s.record.household.id])
                    if s.record.household.id in made
                    else s
                    for s in rest
                ]
            # A new household written one by one (a member of it already here: nearly never)
            # is checked as ``add_new`` checks its own: a rev here as another household's.
            moved = [s.record for s in rest if s.action == "added"]
            if moved and (why := revs_elsewhere(store, moved)) is not None:
                raise PackageError(why)
            if fresh:
                prepared = add_new(store, package, fresh, at, memo)
                # Their answers and results (a surveyor's package carries them for nearly
                # every household): their audit rows appended to the chain once a chunk,
                # not once a row, the answers and result as prepared with the rows.
                with store.audit_batch():
                    write_first_results(store, package, fresh, prepared, round_map, rounds, at)
                done += len(fresh)
                if progress is not None:
                    progress(done, total)
            # Batched unless a household or member comes twice among all the chunk's writes.
            with store.audit_batch() if rest and _batchable(writes) else nullcontext():
                for step in rest:
                    if step.only_results is not None:
                        got = step.record.results
                        only = PackageRecord(
                            household=step.record.household,
                            rev=step.record.rev,
                            revs=step.record.revs,
                            # A lean package's: the result read again with its record.
                            results={
                                k: got[k] if v is LEAN_RESULT else v
                                for k, v in step.only_results.items()
                            },
                        )
                        write_results(store, only, round_map, at, rounds=rounds)
                        done += 1
                        continue
                    apply(store, step.record, round_map, at, rounds=rounds)
                    done += 1
                    if progress is not None and (done % 200 == 0 or done == total):
                        progress(done, total)
            for step in part:
                if step.action in ("conflict", "code_taken"):
                    # Results are kept under this file's round ids, so a later decision
                    # needs no package to map them.
                    step.record.results = {
                        round_map.get(k, k): v for k, v in step.record.results.items()
                    }
                    _store_conflict(store, step, package.package_id, source, at)
                    if step.action == "conflict" and step.detail == BOTH_CHANGED:
                        name_fields(store, receipt, step.record)
        for step in to_join:
            put_history(store, step.record)
            join_revs(store, step.record.household.id, step.record.rev, at, made=None)
        certificates.apply_incoming(store.conn, numbers, package.package_id, source, at)
        # Numbers reserved for households this merge has just written (a later package
        # bringing a household an earlier one's number was held for).
        settled = certificate_reserve.settle(store.conn, at)
        for kind, c, mine, other in settled.conflicts:
            receipt.warnings.append(certificate_warning(store, kind, c, mine, other))
        year_round_part.apply(
            store,
            year_round,
            at,
            package_id=package.package_id,
            source=source,
            # The households this merge wrote as the package has them: not decoded again
            # (but a lean package's, read again a chunk at a time: ``merge_stream``).
            decoded=_Decoded(package, to_write),
        )
        if not year_round.empty:
            store.notify(Change("support", []))
        for step in to_purge:
            purge_here(store, step, package, source_name, at)
        receipt.written = True
        store.conn.execute(
            # Bound as UTF-8 and stored as text: the receipt of 100,000 households is 16 MB
            # of JSON, 99 MB at its peak when encoded whole (``receipt_utf8``).
            "INSERT INTO exchange_imports VALUES (?, ?, ?, ?, ?, CAST(? AS TEXT))",
            (
                package.package_id,
                at,
                source_name,
                store.user,
                store.device,
                receipt_utf8(receipt),
            ),
        )
        counts = receipt.counts()
        store.record_change(
            "exchange_imports",
            package.package_id,
            None,
            "insert",
            None,
            {
                a: counts[a]
                for a in ("added", "updated", "deleted", "conflict", "code_taken")
                + (("purged_by_package",) if to_purge else ())
            },
            at,
        )
        store.notify(Change("household", [s.record.household.id for s in to_write]))


# Steps written a chunk at a time: their records whole (a lean package's read again for them,
# ``merge_stream``), new households inserted in bulk, their audit rows appended once.
CHUNK = 500


def _whole(package: Package, steps: list[Planned], wanted: set[int]) -> Iterator[list[Planned]]:
    """The ``wanted`` steps (by identity) in chunks of ``CHUNK``, in the package's order,
    each with its record whole: as held, or made whole (``merge_stream.again``: from a held
    record's bytes, or read again from a lean package, marked as ``merge._unverified``
    marks them for an unsigned one, the package read to its end, its checksum included,
    before the last chunk). A held new household with its rows prepared is left held: it
    is written from them (``merge_new.add_new``), made whole only if it cannot be
    (``write_merge``, ``merge_new.write_first_results``)."""
    chosen = [s for s in steps if id(s) in wanted]
    lean = {
        s.record.household.id
        for s in chosen
        if is_lean(s.record)
        and not (s.action == "added" and is_held(s.record) and fitting(package, s.record))
    }
    made = again(package, lean) if lean else iter(())
    for start in range(0, len(chosen), CHUNK):
        part = []
        for step in chosen[start : start + CHUNK]:
            if step.record.household.id in lean:
                # In the package's order, as the steps are (a package's ids are unique).
                got = next(made)
                if got.household.id != step.record.household.id:
                    raise RuntimeError("records made whole out of order")
                if package.signer is None:
                    mark_unverified(got)
                step = replace(step, record=got)
            part.append(step)
        if start + CHUNK >= len(chosen) and next(made, None) is not None:
            raise RuntimeError("a record made whole twice")
        yield part


class _Decoded(Mapping[str, Household | str]):
    """The households ``steps`` wrote as the package has them, by id (``year_round_part``
    indexes some again: ``Store.reindex``'s ``known``): a held one's search text as the
    reader made it (``merge_prepare.Prepared.index``, ``db.search.index_text`` of the same
    household), or the household made whole when nothing prepared fits it; a lean
    package's not here (decoded again from the file)."""

    def __init__(self, package: Package, steps: list[Planned]) -> None:
        self._package = package
        self._steps = steps

    @functools.cached_property
    def _records(self) -> dict[str, PackageRecord]:
        # Made when first read: a package without year-round records reads none.
        return {
            s.record.household.id: s.record
            for s in self._steps
            if not is_lean(s.record) or is_held(s.record)
        }

    def __getitem__(self, hid: str) -> Household | str:
        rec = self._records[hid]
        if not is_held(rec):
            return rec.household
        p = fitting(self._package, rec)
        # Its history is not read: not marked for an unsigned package.
        return p.index if p is not None else whole(self._package, rec).household

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_ENTRIES = 500  # a receipt's entries encoded at a time (``receipt_utf8``)


def receipt_utf8(receipt: Receipt) -> bytearray:
    """``receipt.to_json(indent=None)`` in UTF-8, its entries encoded ``_ENTRIES`` at a time
    into one buffer: not a dict of each entry, then the whole text, then its UTF-8 (a 100,000-
    household receipt took 99 MB at that peak); nor one entry an encoding (the encoder's
    start, about 2.5 µs, is half of encoding an entry)."""
    data = {f.name: getattr(receipt, f.name) for f in fields(receipt)}
    data["entries"] = []
    # No text value holds this unescaped (a quote inside a string is \"), keys only.
    head, tail = _JSON.encode(data).encode().split(b'"entries":[]', 1)
    out = bytearray(head)
    out += b'"entries":['
    entries = receipt.entries
    for start in range(0, len(entries), _ENTRIES):
        if start:
            out += b","
        # A list's encoding without its brackets: its items' joined by commas.
        out += _JSON.encode([vars(e) for e in entries[start : start + _ENTRIES]])[1:-1].encode()
    out += b"]"
    out += tail
    return out


def _batchable(steps: list[Planned]) -> bool:
    """Whether the households written one by one may have their audit rows appended once, at
    the end (``store.audit_batch``): not when a household or member is written twice, since
    a row inserted and then changed in one batch would be changed before its audit row,
    which points at the row's document, is in the log (migration m0005's trigger)."""
    ids = [s.record.household.id for s in steps]
    ids += [i for s in steps for i in member_ids(s.record.household)]
    return len(ids) == len(set(ids))


def _ensure_villages(store: Store, steps: list[Planned]) -> None:
    # Compared as the Store names villages (single spaces), so no name is added twice.
    known = {" ".join(v.name.split()) for v in store.villages()}
    for step in steps:
        name = " ".join(step.record.household.village.split())
        if step.action in ("added", "updated") and name and name not in known:
            store.add_village(name)
            known.add(name)


def _ensure_rounds(store: Store, package: Package, mapping: dict[str, str]) -> None:
    local_ids = {r.id for r in store.rounds()}
    for r in package.commune.get("rounds", []):
        if mapping.get(r["id"]) == r["id"] and r["id"] not in local_ids:
            store.conn.execute(
                "INSERT INTO rounds VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    r["id"],
                    r["year"],
                    r["standard_id"],
                    r["kind"],
                    str(r.get("started_at") or now_utc()),
                    r.get("reference_date") if isinstance(r.get("reference_date"), str) else None,
                    str(package.manifest.get("device", "")),
                ),
            )
            store.notify(Change("round", [r["id"]]))


def name_fields(store: Store, receipt: Receipt, rec: PackageRecord) -> None:
    """The receipt's line of a household changed on both sides names the fields that differ
    (labels and members' places only: receipts carry no personal data), so that the officer
    knows what to look at; the record is whole here, whatever the package's size."""
    named = summary(differences(store.get_household(rec.household.id), rec.household))
    if not named:
        return
    for i, e in enumerate(receipt.entries):
        if e.household_id == rec.household.id and e.action == "conflict":
            receipt.entries[i] = replace(e, detail=f"{BOTH_CHANGED} (khác nhau ở: {named})")
            return


def _store_conflict(store: Store, step: Planned, package_id: str, source: str, at: str) -> None:
    h = step.record.household
    conflict_id = str(uuid.uuid4())
    kind = "code_taken" if step.action == "code_taken" else "both_changed"
    cur = store.conn.execute(
        "INSERT OR IGNORE INTO exchange_conflicts (id, household_id, code, kind, package_id,"
        " source, local_rev, incoming_rev, incoming, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            conflict_id,
            h.id,
            h.code,
            kind,
            package_id,
            source,
            step.local_rev,
            step.record.rev,
            json.dumps(record_to_dict(step.record), ensure_ascii=False),
            at,
        ),
    )
    if cur.rowcount:
        store.record_change(
            "exchange_conflicts",
            conflict_id,
            h.id if step.local_rev else None,
            "insert",
            None,
            {"kind": kind, "code": h.code, "incoming_rev": step.record.rev},
            at,
        )
