"""Storage at the scale of a merged district file: 100,000 generated households (``forms.demo``,
about 3.8 members each) with their 2026 answers and results. Each Store figure stands beside
the bare ``sqlite3`` figure for the same data in the same schema, measured in the same run: the
bare inserts write the same household, member, answer, result and search-index rows with
``executemany`` but no audit log, revision history or change checks; the bare search runs the
same FTS5 MATCH; the bare reclassification load reads the same rows and only ``json.loads``
them (no dataclasses). The Store inserts through ``Store.save_households`` (the path of an
import: new households written a table at a time, audited, chained and with revisions as one
save each), both with ``synchronous=FULL`` and one transaction per batch of 1,000 households;
generation and classification happen outside the timed parts."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import Row, percentile, timer

if TYPE_CHECKING:
    from db.store import Store

BATCH = 1_000


SAVES = 200


def _saves_with_and_without_chain(store: Any, data: list[Any]) -> tuple[list[float], list[float]]:
    """Times single saves (one transaction each, synchronous=FULL: the fsync dominates),
    alternating the real ``db.audit.append`` with one that writes the same rows unchained,
    so both see the same disk and the same file. The unchained rows are then removed again
    and the chain is whole for the measures that follow."""
    from db import audit

    chained = audit.append

    first = int(store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0])
    times: dict[bool, list[float]] = {True: [], False: []}
    rng = random.Random(11)
    try:
        for i, (h, _r) in enumerate(rng.sample(data, 2 * SAVES)):
            with_chain = i % 2 == 0
            audit.append = chained if with_chain else _unchained  # type: ignore[assignment]
            h.b1_total = (h.b1_total or 0) + 1
            t = time.perf_counter()
            store.save_household(h)
            times[with_chain].append((time.perf_counter() - t) * 1000)
    finally:
        audit.append = chained  # type: ignore[assignment]
    with store.transaction():
        store.conn.execute("DELETE FROM audit WHERE id > ? AND hash IS NULL", (first,))
    # What is left after removing them is a chain with holes: re-chain the tail, as a bench
    # only may (the rows are this run's own).
    _rechain_from(store.conn, first)
    return times[True], times[False]


def _unchained(conn: sqlite3.Connection, rows: Any) -> None:
    """``db.audit.append`` as it was before the chain (m0012): the same rows, no hash."""
    conn.executemany(
        "INSERT INTO audit (at, user, device, tbl, row_id, household_id, action, old, new,"
        " source, new_in_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.at,
                r.user,
                r.device,
                r.tbl,
                r.row_id,
                r.household_id,
                r.action,
                r.old,
                None if r.in_row is not None else r.new,
                r.source,
                int(r.in_row is not None),
            )
            for r in rows
        ],
    )


def _inserts_with_and_without_chain(folder: Path, data: list[Any]) -> tuple[float, float, int]:
    from db import audit
    from db.records import CommuneInfo
    from db.store import Store
    from forms.model import Area

    chained = audit.append
    sample = data[: min(len(data), 10 * BATCH)]
    batch = BATCH // 5
    spent = {True: 0.0, False: 0.0}
    path = folder / "chain.sqlite"
    info = CommuneInfo("15", "Lào Cai", "2947", "Xã Bảo Yên", Area.RURAL)
    with Store.create(path, info, user="bench", device="bench") as store:
        rnd = store.start_round(2026, "nd07-2022-2025")
        try:
            for i, start in enumerate(range(0, len(sample), batch)):
                with_chain = i % 2 == 0
                audit.append = chained if with_chain else _unchained  # type: ignore[assignment]
                t = time.perf_counter()
                with store.transaction():
                    for h, r in sample[start : start + batch]:
                        store.save_household(h, round_id=rnd.id, result=r)
                spent[with_chain] += time.perf_counter() - t
        finally:
            audit.append = chained  # type: ignore[assignment]
    shutil.rmtree(path.with_name(path.name + ".backups"), ignore_errors=True)
    path.unlink()
    return spent[True], spent[False], len(sample) // 2


def _rechain_from(conn: sqlite3.Connection, first: int) -> None:
    from db.audit import EFFECTIVE_NEW, GENESIS, entry_hash

    prev_row = conn.execute("SELECT hash FROM audit WHERE id = ?", (first,)).fetchone()
    prev = bytes(prev_row[0]) if prev_row and prev_row[0] is not None else GENESIS
    tail = conn.execute(
        "SELECT a.id, a.at, a.user, a.device, a.tbl, a.row_id, a.household_id, a.action, a.old,"
        f" {EFFECTIVE_NEW}, a.source FROM audit a WHERE a.id > ? ORDER BY a.id",
        (first,),
    ).fetchall()
    conn.execute("BEGIN IMMEDIATE")
    for new_id, row in enumerate(tail, start=first + 1):
        conn.execute("UPDATE audit SET id = ? WHERE id = ?", (new_id, row[0]))
        prev = entry_hash(prev, new_id, row[1:])
        conn.execute("UPDATE audit SET hash = ? WHERE id = ?", (prev, new_id))
    conn.execute(
        "UPDATE sqlite_sequence SET seq = (SELECT MAX(id) FROM audit) WHERE name = 'audit'"
    )
    conn.execute("COMMIT")


def _households(n: int) -> list[Any]:
    from forms.classify import classify
    from forms.demo import generate_households
    from forms.standards import load_standard

    standard = load_standard("nd07-2022-2025")
    return [(h, classify(h, standard, 2026)) for h in generate_households(n, seed=11)]


def _bare_insert(path: Path, data: list[Any], round_id: str) -> float:
    """The same rows as Store.save_household, written with plain executemany."""
    from db.households import household_doc
    from db.migrations import migrate
    from db.search import index_text
    from forms.classify import result_to_dict

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    migrate(conn)
    conn.execute(
        "INSERT INTO rounds VALUES (?, 2026, 'nd07-2022-2025', 'periodic', '', NULL, '')",
        (round_id,),
    )
    at = "2026-10-01T00:00:00.000Z"
    with timer() as elapsed:
        for start in range(0, len(data), BATCH):
            households, members, answers, results, index = [], [], [], [], []
            for h, r in data[start : start + BATCH]:
                doc, mdocs = household_doc(h)
                households.append(
                    (
                        h.id,
                        h.code,
                        h.village,
                        h.head_name(),
                        h.size(),
                        json.dumps(doc, ensure_ascii=False),
                        h.id,
                        at,
                        "d",
                        at,
                        "d",
                        "u",
                    )
                )
                for i, m in enumerate(mdocs):
                    members.append(
                        (
                            m["id"],
                            h.id,
                            i,
                            m["name"],
                            m["id_number"],
                            json.dumps(m, ensure_ascii=False),
                            at,
                            "d",
                            at,
                            "d",
                        )
                    )
                full = dict(doc, members=mdocs)
                answers.append(
                    (
                        h.id + "a",
                        h.id,
                        round_id,
                        h.id,
                        zlib.compress(json.dumps(full, ensure_ascii=False).encode(), 6),
                        at,
                        "d",
                        at,
                        "d",
                    )
                )
                results.append(
                    (
                        h.id + "r",
                        h.id,
                        round_id,
                        r.category.value,
                        r.b1_score,
                        r.deprivation_count,
                        None,
                        r.standard_id,
                        r.engine_version,
                        json.dumps(result_to_dict(r), ensure_ascii=False),
                        at,
                        "d",
                        at,
                        "d",
                    )
                )
                index.append((h.id, index_text(h)))
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO households (id, code, village, head_name, size, doc, rev, created_at,"
                " created_device, updated_at, updated_device, updated_by)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                households,
            )
            conn.executemany("INSERT INTO members VALUES (?,?,?,?,?,?,?,?,?,?,0)", members)
            conn.executemany("INSERT INTO answers VALUES (?,?,?,?,?,?,?,?,?,0)", answers)
            conn.executemany(
                "INSERT INTO results (id, household_id, round_id, category, b1_score,"
                " deprivation_count, transition, standard_id, engine_version, doc, created_at,"
                " created_device, updated_at, updated_device) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                results,
            )
            # VALUES with the rows' rowids, not INSERT … SELECT: a statement that may write
            # several rows opens a statement savepoint, at which FTS5 writes out a segment.
            marks = ",".join("?" * len(index))
            rowids = dict(
                conn.execute(
                    f"SELECT id, rowid FROM households WHERE id IN ({marks})",
                    [hid for hid, _text in index],
                )
            )
            conn.executemany(
                "INSERT INTO search_index (rowid, text) VALUES (?, ?)",
                [(rowids[hid], text) for hid, text in index],
            )
            conn.execute("COMMIT")
        seconds = elapsed()
    conn.close()
    return seconds


def run(quick: bool) -> list[Row]:
    from db.records import CommuneInfo
    from db.search import match_expression
    from db.store import HouseholdQuery, Store
    from forms.model import Area, Category
    from forms.text import fold

    n = 2_000 if quick else 100_000
    folder = Path(tempfile.mkdtemp(prefix="rasoat-bench-db-"))
    data = _households(n)
    rows: list[Row] = []

    # --- insert --------------------------------------------------------------------------
    path = folder / "store.sqlite"
    info = CommuneInfo("15", "Lào Cai", "2947", "Xã Bảo Yên", Area.RURAL)
    store = Store.create(path, info, user="bench", device="bench")
    rnd = store.start_round(2026, "nd07-2022-2025")
    with timer() as elapsed:
        for start in range(0, n, BATCH):
            with store.transaction():
                store.save_households(data[start : start + BATCH], round_id=rnd.id)
        insert_s = elapsed()
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    bare_path = folder / "bare.sqlite"
    bare_s = _bare_insert(bare_path, data, "round-2026")
    members = sum(h.size() for h, _ in data)
    rows.append(
        Row(
            f"insert {n:,} households ({members:,} members) with results",
            insert_s,
            "s",
            baseline=bare_s,
            goal="≤ 2× bare",
            note=f"{n / insert_s:,.0f} households/s; audit and history included",
        )
    )
    size_mb = path.stat().st_size / 2**20
    rows.append(
        Row(
            "file size",
            size_mb,
            "MB",
            baseline=bare_path.stat().st_size / 2**20,
            note="audit log and revision history included",
        )
    )

    # --- open ----------------------------------------------------------------------------
    from db.store import FULL_CHECK_LIMIT

    check = "integrity_check" if path.stat().st_size <= FULL_CHECK_LIMIT else "quick_check"
    opens, bare_opens = [], []
    for _ in range(3):
        with timer() as elapsed:
            s = Store.open(path, user="bench", device="bench")
            opens.append(elapsed())
        s.close()
        with timer() as elapsed:
            c = sqlite3.connect(path)
            c.execute(f"PRAGMA {check}").fetchall()
            bare_opens.append(elapsed())
        c.close()
    rows.append(
        Row(
            f"open the file ({check} on open)",
            min(opens),
            "s",
            baseline=min(bare_opens),
            goal="≤ 2× bare",
            note=f"bare: connect + PRAGMA {check}",
        )
    )
    if check != "integrity_check":
        c = sqlite3.connect(path)
        with timer() as elapsed:
            c.execute("PRAGMA integrity_check").fetchall()
            full_s = elapsed()
        c.close()
        rows.append(
            Row(
                "full PRAGMA integrity_check (rasoat db check)",
                full_s,
                "s",
                note="why files over 256 MB get quick_check on open",
            )
        )

    store = Store.open(path, user="bench", device="bench")
    # --- search as you type ---------------------------------------------------------------
    rng = random.Random(5)
    names = [m.name for h, _ in rng.sample(data, 40) for m in h.members[:1]]
    typed: list[str] = []
    for name in names:
        typed += [name[:k] for k in range(1, len(name) + 1) if not name[:k].endswith(" ")]
    times, bare_times = [], []
    bare = sqlite3.connect(path)
    current = store.current_round()
    assert current is not None
    for text in typed:
        t = time.perf_counter()
        store.search(text, limit=50)
        times.append((time.perf_counter() - t) * 1000)
        expression = match_expression(text)
        t = time.perf_counter()
        bare.execute(
            "SELECT h.id, h.code, h.head_name, h.village, h.size, r.category, r.b1_score,"
            " r.deprivation_count, r.transition, h.updated_at FROM"
            " (SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT 50) s"
            " JOIN households h ON h.rowid = s.rowid LEFT JOIN results r"
            " ON r.household_id = h.id AND r.round_id = ? WHERE h.deleted = 0",
            (expression, current.id),
        ).fetchall()
        bare_times.append((time.perf_counter() - t) * 1000)
    note = f"{len(typed)} keystrokes typing {len(names)} names, e.g. “{fold(names[0])}”"
    rows.append(
        Row(
            "search per keystroke p50",
            percentile(times, 50),
            "ms",
            baseline=percentile(bare_times, 50),
            note=note,
        )
    )
    rows.append(
        Row(
            "search per keystroke p95",
            percentile(times, 95),
            "ms",
            baseline=percentile(bare_times, 95),
            goal="< 20 ms",
        )
    )

    # --- the household list (GUI paging) -------------------------------------------------
    def worst(queries: list[HouseholdQuery]) -> float:
        times = []
        for q in queries:
            t = time.perf_counter()
            store.count_households(q)
            store.list_households(q)
            store.category_counts(q)
            times.append((time.perf_counter() - t) * 1000)
        return max(times)

    rows.append(
        Row(
            "household list: page + count + category counts (worst of 5)",
            worst(
                [
                    HouseholdQuery(),
                    HouseholdQuery(offset=n // 2),
                    HouseholdQuery(category=Category.POOR),
                    HouseholdQuery(village="Bản Nà Hin"),
                    HouseholdQuery(text="nguyen"),
                ]
            ),
            "ms",
            note="code order, mid-list offset, category, village, search",
        )
    )
    rows.append(
        Row(
            "household list ordered by category",
            worst([HouseholdQuery(order_by="category")]),
            "ms",
            note="sorts every household: no index serves it",
        )
    )

    # --- the audit chain: one save with and without it, and checking it ---------------------
    saves, unchained = _saves_with_and_without_chain(store, data)
    rows.append(
        Row(
            "save one household (an editor autosave) p50",
            percentile(saves, 50),
            "ms",
            baseline=percentile(unchained, 50),
            goal="≤ 1.1× unchained",
            note=f"{len(saves)} saves each way, alternating; baseline: the same audit rows "
            "without their SHA-256 chain (db.audit.append before m0012)",
        )
    )
    rows.append(
        Row(
            "save one household p95",
            percentile(saves, 95),
            "ms",
            baseline=percentile(unchained, 95),
        )
    )
    chained_s, unchained_s, inserted = _inserts_with_and_without_chain(folder, data)
    rows.append(
        Row(
            f"insert {inserted:,} households in batches of {BATCH // 5}, chained",
            chained_s,
            "s",
            baseline=unchained_s,
            goal="≤ 1.1× unchained",
            note="a fresh file; batches alternate with the same batches unchained, so machine "
            "load falls on both; the chain's own cost on a merge-like insert",
        )
    )
    from db import audit

    audit_rows = int(store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0])
    with timer() as elapsed:
        broken = audit.verify(store.conn)
        verify_s = elapsed()
    rows.append(
        Row(
            "verify the audit chain (rasoat db check)",
            verify_s,
            "s",
            note=f"{audit_rows:,} rows; "
            + ("whole" if broken is None else "BROKEN (the unchained saves)"),
        )
    )

    # --- load all results for reclassification ----------------------------------------------
    rows.append(_reclassification_loads(store, bare, current.id))
    bare.close()
    store.close()
    shutil.rmtree(folder, ignore_errors=True)  # ~4 GB at full size
    return rows


def _reclassification_loads(store: Store, bare: sqlite3.Connection, round_id: str) -> Row:
    """Every household of the round with its result, through ``Store.results_for_round``
    (Household, Member and Result objects) and bare (the same rows, ``json.loads`` only), on
    the same file. Both are read once untimed first, then timed bare, Store, Store, bare:
    the Store's load used to run first and alone on a cold page cache (on the kept
    100,000-household file, first after its pages were dropped: 22.8 s CPU, 30.6 s wall, the
    same load warm 17.6 s and 18.0 s), the bare one then on the pages it had read. The row
    gives the means of wall time, its note those of CPU time and the load average."""

    def store_load() -> int:
        return sum(1 for _ in store.results_for_round(round_id))

    def bare_load() -> int:
        docs: dict[str, list[Any]] = {}
        for hid, doc in bare.execute("SELECT household_id, doc FROM members WHERE deleted = 0"):
            docs.setdefault(hid, []).append(json.loads(doc))
        n = 0
        for _hid, hdoc, rdoc in bare.execute(
            "SELECT h.id, h.doc, r.doc FROM results r JOIN households h ON h.id = r.household_id"
            " WHERE r.round_id = ? AND h.deleted = 0 ORDER BY h.code",
            (round_id,),
        ):
            json.loads(hdoc)
            json.loads(rdoc)
            n += 1
        return n

    loads = {"store": store_load, "bare": bare_load}
    store_load()
    bare_load()
    wall: dict[str, list[float]] = {"store": [], "bare": []}
    cpu: dict[str, list[float]] = {"store": [], "bare": []}
    averages = []
    loaded = 0
    for name in ("bare", "store", "store", "bare"):
        averages.append(os.getloadavg()[0])
        start, start_cpu = time.perf_counter(), time.process_time()
        loaded = loads[name]()
        wall[name].append(time.perf_counter() - start)
        cpu[name].append(time.process_time() - start_cpu)
    store_cpu, bare_cpu = (sum(cpu[k]) / 2 for k in ("store", "bare"))
    return Row(
        f"load all {loaded:,} households with results for reclassification",
        sum(wall["store"]) / 2,
        "s",
        baseline=sum(wall["bare"]) / 2,
        goal="≤ 2× bare",
        note=f"wall; CPU {store_cpu:.1f} s against {bare_cpu:.1f} s ({store_cpu / bare_cpu:.2f}×);"
        " Store builds Household/Member/Result objects, bare only json.loads; both read once"
        f" untimed, then bare, Store, Store, bare; load average {min(averages):.1f}–"
        f"{max(averages):.1f}",
    )


def reclassification_load(path: Path) -> Row:
    """The reclassification row alone, on an existing commune file (a copy of the kept
    100,000-household bench file), read only: a Store over a read-only connection (what
    ``results_for_round`` reads needs no migration, and opening would migrate and back up an
    older file) and a bare ``sqlite3`` one, for the round with the most results."""
    from db import driver
    from db.store import Store

    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = driver.connect(uri, uri=True, isolation_level=None)
    conn.execute("PRAGMA cache_size = -65536")  # as Store.open has it
    bare = sqlite3.connect(uri, uri=True)
    try:
        (round_id,) = bare.execute(
            "SELECT round_id FROM results GROUP BY round_id ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()
        return _reclassification_loads(Store(path, conn, "bench", "bench"), bare, round_id)
    finally:
        bare.close()
        conn.close()
