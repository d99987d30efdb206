"""Writing a planned merge in ONE transaction (``write_merge``): new households in bulk, the
others fast-forwarded one by one through the Store's own write helpers (members, causes,
search index, audit with the package as ``source``), their results oldest year first, the
histories joined, the conflicts stored for the officer, certificate numbers, year-round
records and purges, and the import's row with its receipt.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import fields, replace
from typing import Any

from db import certificates
from db.audit import append_inserts
from db.bulk import insert_rows, literal
from db.exchange import devices, year_round_part
from db.exchange.merge_plan import Planned, chunks
from db.exchange.merge_prepare import Prepared, fitting, prepared_for
from db.exchange.merge_purges import purge_here
from db.exchange.merge_revs import join_revs, put_history
from db.exchange.merge_stream import (
    LEAN_RESULT,
    again,
    is_held,
    is_lean,
    mark_unverified,
    member_ids,
    whole,
)
from db.exchange.package import Package, PackageRecord, record_to_dict
from db.exchange.receipt import Receipt
from db.households import household_doc
from db.records import Change, Round
from db.store import Store, now_utc
from forms.classify import result_from_dict
from forms.model import Household
from forms.text import fold

Progress = Callable[[int, int], None]
Docs = tuple[dict[str, Any], list[dict[str, Any]]]  # household_doc's


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
    year_round: year_round_part.Plan,
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
            fresh = _bulk_candidates(store, [s.record for s in writes if s.action == "added"])
            fresh_ids = {r.household.id for r in fresh}
            # The rest written one by one (none, in a chunk of new households).
            rest = [s for s in writes if s.record.household.id not in fresh_ids]
            # A held household not new after all (a member of it is here): written whole.
            made = _made_whole(package, [s.record for s in rest if is_held(s.record)])
            if made:
                rest = [
                    replace(s, record=made[s.record.household.id])
                    if s.record.household.id in made
                    else s
                    for s in rest
                ]
            if fresh:
                prepared = _add_new(store, package, fresh, at, memo)
                # Their answers and results (a surveyor's package carries them for nearly
                # every household): their audit rows appended to the chain once a chunk,
                # not once a row, the answers and result as prepared with the rows.
                with store.audit_batch():
                    _write_first_results(store, package, fresh, prepared, round_map, rounds, at)
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
        for step in to_join:
            put_history(store, step.record)
            join_revs(store, step.record.household.id, step.record.rev, at, made=None)
        certificates.apply_incoming(store.conn, numbers, package.package_id, source, at)
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
        store.record_change(
            "exchange_imports",
            package.package_id,
            None,
            "insert",
            None,
            {
                a: receipt.count(a)
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
    is written from them (``_add_new``), made whole only if it cannot be
    (``write_merge``, ``_write_first_results``)."""
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


def _made_whole(package: Package, records: list[PackageRecord]) -> dict[str, PackageRecord]:
    """Lean or held ``records`` whole (``merge_stream.again``), by household id, marked as
    ``merge._unverified`` marks them for an unsigned package."""
    if not records:
        return {}
    made = {}
    for got in again(package, {r.household.id for r in records}):
        if package.signer is None:
            mark_unverified(got)
        made[got.household.id] = got
    return made


class _Decoded(Mapping[str, Household | str]):
    """The households ``steps`` wrote as the package has them, by id (``year_round_part``
    indexes some again: ``Store.reindex``'s ``known``): a held one's search text as the
    reader made it (``merge_prepare.Prepared.index``, ``db.search.index_text`` of the same
    household), or the household made whole when nothing prepared fits it; a lean
    package's not here (decoded again from the file)."""

    def __init__(self, package: Package, steps: list[Planned]) -> None:
        self._package = package
        self._steps = steps
        self._by_id: dict[str, PackageRecord] | None = None

    @property
    def _records(self) -> dict[str, PackageRecord]:
        # Made when first read: a package without year-round records reads none.
        if self._by_id is None:
            self._by_id = {
                s.record.household.id: s.record
                for s in self._steps
                if not is_lean(s.record) or is_held(s.record)
            }
        return self._by_id

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


def _bulk_candidates(store: Store, records: list[PackageRecord]) -> list[PackageRecord]:
    """New households whose members are new too: these can be inserted in bulk. A member id
    already in the file (a member moved between households) takes the Store's own path."""
    taken: set[str] = set()
    for ids, marks in chunks([i for r in records for i in member_ids(r.household)]):
        taken.update(
            r[0] for r in store.conn.execute(f"SELECT id FROM members WHERE id IN ({marks})", ids)
        )
    if not taken:  # as nearly always
        return records
    return [r for r in records if not any(i in taken for i in member_ids(r.household))]


def _add_new(
    store: Store,
    package: Package,
    records: list[PackageRecord],
    at: str,
    memo: dict[int, Any],
) -> dict[str, Prepared]:
    """The Store's insert of a new household (rows, members, causes/needs, search index,
    audit with the package as source, history), batched: merging thousands of surveyed
    households one statement at a time is what made a merge slow. Each household's rows as
    the merge's reader process prepared them, or prepared here (``merge_prepare``); returned
    for its answers and result."""
    conn = store.conn
    households, members, causes, needs, index_rows = [], [], [], [], []
    # The audit rows (tbl, row id, household id, document): inserts pointing at their rows'
    # documents (m0005), chained by ``append_inserts`` with the Store's time, user, device
    # and the package as source.
    audit: list[tuple[str, str, str, bytes]] = []
    user, device = store.user, store.device
    # Rowids given here, as SQLite would pick them (the largest plus one), so the search
    # index rows need no lookup of their household by id.
    last_rowid = int(conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM households").fetchone()[0])
    prepared: dict[str, Prepared] = {}
    for rowid, rec in enumerate(records, start=last_rowid + 1):
        h = rec.household
        hid = h.id
        p = prepared[hid] = prepared_for(package, rec, memo)
        households.append(
            (
                rowid,
                hid,
                p.code,
                p.village,
                p.head_name,
                h.size(),
                p.doc,
                rec.rev,
                rec.created_at or at,
                rec.created_device or device,
                rec.updated_at or at,
                rec.updated_device or device,
                rec.updated_by or user,
            )
        )
        audit.append(("households", hid, hid, p.doc))
        for position, (mid, name, id_number, mdoc) in enumerate(p.members):
            members.append((mid, hid, position, name, id_number, mdoc))
            audit.append(("members", mid, hid, mdoc))
        causes += [(hid, c) for c in h.causes]
        needs += [(hid, n) for n in h.needs]
        index_rows.append((rowid, p.index, h.village))
    # Many rows a statement (db.bulk): the table's and its indexes' cursors opened once a
    # statement, not once a row (the tables with foreign keys one execution a row still).
    # The documents bound as their UTF-8 and stored as text.
    insert_rows(
        conn,
        "INSERT INTO households (rowid, id, code, village, head_name, size, doc, rev, created_at,"
        " created_device, updated_at, updated_device, updated_by, deleted)"
        " VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TEXT), ?, ?, ?, ?, ?, ?, 0)",
        households,
    )
    # The merge's time and laptop written in the statement, not bound with every member.
    stamps = f"{literal(at)}, {literal(device)}"
    conn.executemany(
        f"INSERT INTO members VALUES (?, ?, ?, ?, ?, CAST(? AS TEXT), {stamps}, {stamps}, 0)",
        members,
    )
    conn.executemany("INSERT OR IGNORE INTO household_causes VALUES (?, ?)", causes)
    conn.executemany("INSERT OR IGNORE INTO household_needs VALUES (?, ?)", needs)
    append_inserts(conn, at, user, device, store.source, audit)
    # A household arriving in a village that already has a cadre is found by the cadre's name
    # at once, as one typed in here is (Households._index). A household new to this file has no
    # support, application or cadre of its own yet (the package's are written after it, and
    # indexed again then: year_round_part.apply), so of db.search.year_round_words only its
    # village's cadre applies: read once for every village, not once per household.
    cadre_words = {
        v: fold(name)
        for v, name in conn.execute(
            "SELECT village, cadre_name FROM cadre_assignments"
            " WHERE deleted = 0 AND village IS NOT NULL"
        )
    }
    conn.executemany(
        "INSERT INTO search_index (rowid, text) VALUES (?, ?)",
        [
            (rowid, f"{text} {cadre_words[village]}" if village in cadre_words else text)
            for rowid, text, village in index_rows
        ],
    )
    put_history(store, *records)
    return prepared


def _write_first_results(
    store: Store,
    package: Package,
    fresh: list[PackageRecord],
    prepared: dict[str, Prepared],
    round_map: dict[str, str],
    rounds: list[Round],
    at: str,
) -> None:
    """The answers and result of households just inserted (``_add_new``). One round's (a
    surveyor's package: nearly every household) go in with one statement a table for the
    chunk (``store.results.first_rows``: the rows and audit rows ``write_results`` gives
    them, two INSERTs a household before), the result's document and the answers as
    prepared with the household's rows (``merge_prepare``); a household with results of
    several rounds through ``write_results``, each year's transition worked out against the
    one before. A held record (``merge_stream.Held``) is made whole for what its prepared
    rows do not hold: results written so, answers not prepared."""
    by_id = {r.id: r for r in rounds}
    answers: list[tuple[Any, ...]] = []
    results: list[tuple[Any, ...]] = []
    chosen: list[tuple[PackageRecord, Prepared, Round | None]] = []
    for rec in fresh:
        if not rec.results:
            continue
        p = prepared[rec.household.id]
        rnd = None
        if p.result is not None:
            round_id = p.result[0]
            rnd = by_id.get(round_map.get(round_id, round_id))
        chosen.append((rec, p, rnd))
    made = _made_whole(
        package,
        [rec for rec, p, rnd in chosen if is_held(rec) and (rnd is None or p.answers is None)],
    )
    for rec, p, rnd in chosen:
        rec = made.get(rec.household.id, rec)
        if rnd is None:
            write_results(
                store,
                rec,
                round_map,
                at,
                fresh=True,
                rounds=rounds,
                docs=household_doc(rec.household),
            )
            continue
        row, result = store.results.first_rows(
            rec.household,
            None,
            rec.rev,
            p.result_doc(),
            rnd,
            rounds,
            at,
            answers=p.answers,
        )
        answers.append(row)
        if result is not None:
            results.append(result)
    store.results.insert_first_rows(answers, results)


def apply(
    store: Store,
    rec: PackageRecord,
    round_map: dict[str, str],
    at: str,
    *,
    rounds: list[Round] | None = None,
) -> None:
    """Fast-forward (or add) one household to the incoming rev, history included.
    ``rounds``: the file's rounds when the caller has just read them."""
    hid = rec.household.id
    made = write_content(store, rec, at)
    if made is not None:
        # The Store gave the write a rev of this laptop; the household takes the sender's.
        store.conn.execute("DELETE FROM household_revs WHERE rev = ?", (made,))
    put_history(store, rec)
    store.conn.execute(
        "UPDATE households SET rev = ?, updated_at = ?, updated_device = ?, updated_by = ?"
        " WHERE id = ?",
        (rec.rev, rec.updated_at or at, rec.updated_device, rec.updated_by, hid),
    )
    if rec.created_at:
        store.conn.execute(
            "UPDATE households SET created_at = ?, created_device = ? WHERE id = ?",
            (rec.created_at, rec.created_device, hid),
        )
    if not rec.deleted:
        write_results(store, rec, round_map, at, rounds=rounds)


def write_content(store: Store, rec: PackageRecord, at: str) -> str | None:
    """Writes the household (or its deletion) through the Store; returns the rev the Store
    made for it, or None when nothing changed."""
    hid = rec.household.id
    before = store.household_rev(hid)
    if rec.deleted:
        if before is not None and not before[1]:
            store.delete_household(hid)
    else:
        store.households.write(rec.household, at)
    after = store.household_rev(hid)
    if after is None or (before is not None and after[0] == before[0]):
        return None
    return after[0]


def write_results(
    store: Store,
    rec: PackageRecord,
    round_map: dict[str, str],
    at: str,
    *,
    fresh: bool = False,
    rounds: list[Round] | None = None,
    docs: Docs | None = None,
) -> None:
    """Oldest year first: a result's transition is worked out against the years already in
    the file, so a package listing 2026 before 2025 gave a new household "not poor in either
    period" where it had escaped poverty. A household already in the file (``fresh`` False)
    may hold results of years after the package's last one: their transitions are worked out
    again too. ``fresh``: the household was inserted by this merge (``_add_new``), at its rev,
    so it has no answers or results but those written here: nothing is looked up for them.
    ``rounds``: the file's rounds just read (every round of ``round_map`` among them);
    ``docs``: the household's documents just encoded."""
    rounds = rounds or store.rounds()
    year = {r.id: r.year for r in rounds}
    ordered = sorted(
        ((round_map.get(rid, rid), res) for rid, res in rec.results.items()),
        key=lambda item: year.get(item[0], 0),
    )
    answered: set[str] = set()
    for local_round, res in ordered:
        if fresh:
            store.results.write_answers(
                rec.household,
                local_round,
                at,
                docs,
                rev=rec.rev,
                checked=local_round in year,
                # Two rounds of the package may be one round here (the same periodic year).
                fresh=local_round not in answered,
            )
        else:
            store.results.write_answers(rec.household, local_round, at, docs)
        store.results.write(
            rec.household.id,
            local_round,
            result_from_dict(res),
            at,
            rounds=rounds,
            # Its earlier years are those written just before (a transition is worked out
            # against them), so only its first result has nothing to look up.
            fresh=fresh and not answered,
        )
        answered.add(local_round)
    latest = next((r for r in rounds if ordered and r.id == ordered[-1][0]), None)
    if latest is not None and not fresh:
        store.results.refresh_later_transitions(rec.household.id, latest, at)


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
