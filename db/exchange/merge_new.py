"""A merge's households new to the file written in bulk (issue 22): a chunk's rows a table at
a time, as the merge's reader prepared them (``merge_prepare``), their audit rows appended
once a chunk (``db.audit.append_inserts``), their first answers and results one statement a
table. ``merge_apply.write_merge`` calls these for each chunk of the package; a household
that cannot be written so (a member already in the file) takes the Store's own path
(``merge_one``).
"""

from __future__ import annotations

from typing import Any

from db.audit import append_inserts
from db.bulk import insert_rows, literal
from db.exchange.errors import PackageError
from db.exchange.merge_one import write_results
from db.exchange.merge_plan import chunks
from db.exchange.merge_prepare import Prepared, prepared_for
from db.exchange.merge_revs import put_history, revs_elsewhere
from db.exchange.merge_stream import is_held, made_whole, member_ids
from db.exchange.package import Package, PackageRecord
from db.households import household_doc
from db.records import Round
from db.store import Store
from forms.text import fold

# Defensive only: with the foreign keys on, a rev of a household new to the file that is not
# written is another household's here, which ``revs_elsewhere`` names.
_HISTORY_MISMATCH = (
    "Lịch sử phiên bản trong gói không khớp với tệp này: gói đã bị sửa tay hoặc bị hỏng."
)


def bulk_candidates(store: Store, records: list[PackageRecord]) -> list[PackageRecord]:
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


def add_new(
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
    if put_history(store, *records) != len({r.rev for rec in records for r in rec.revs}):
        # A rev of these households new to the file is here already: another household's.
        raise PackageError(revs_elsewhere(store, records) or _HISTORY_MISMATCH)
    return prepared


def write_first_results(
    store: Store,
    package: Package,
    fresh: list[PackageRecord],
    prepared: dict[str, Prepared],
    round_map: dict[str, str],
    rounds: list[Round],
    at: str,
) -> None:
    """The answers and result of households just inserted (``add_new``). One round's (a
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
    made = made_whole(
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
