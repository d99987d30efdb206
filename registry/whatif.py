"""What-if for the whole province: every current household reclassified under another
standard with the commune's engine (``forms.classify``), results by commune.

Streaming and bounded: households come from a server-side cursor in chunks; each chunk (the
stored documents as text) goes to a worker process that decodes and classifies it and sends
back only counts; at most two chunks per worker are in flight. The province is never in
memory at once, in this process or in a worker.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psycopg

from forms.classify import classify
from forms.codec import household_from_dict
from forms.standards import Standard, load_standard
from registry.database import province_name, registry_province
from registry.queries import _year

Chunk = list[tuple[str, str | None, str]]  # (commune code, stored category, household JSON)
Counts = dict[str, Counter[tuple[str | None, str]]]  # commune -> (stored, new) -> households


@dataclass
class CommuneWhatIf:
    commune_code: str
    commune_name: str
    pairs: Counter[tuple[str | None, str]] = field(default_factory=Counter)

    @property
    def households(self) -> int:
        return sum(self.pairs.values())

    def under_new(self, category: str) -> int:
        return sum(n for (_old, new), n in self.pairs.items() if new == category)

    def stored(self, category: str) -> int:
        return sum(n for (old, _new), n in self.pairs.items() if old == category)

    @property
    def changed(self) -> int:
        return sum(n for (old, new), n in self.pairs.items() if old != new)


@dataclass
class ProvinceWhatIf:
    province_code: str
    province_name: str
    year: int
    standard_id: str
    standard_name: str
    communes: list[CommuneWhatIf]

    @property
    def households(self) -> int:
        return sum(c.households for c in self.communes)


_standard: Standard | None = None
_year_of_review = 0


def _init_worker(standard_id: str, year: int) -> None:
    global _standard, _year_of_review
    _standard = load_standard(standard_id)
    _year_of_review = year
    # Results are dropped as soon as they are counted; no cycles worth collecting.
    gc.disable()


def classify_chunk(chunk: Chunk) -> Counts:
    assert _standard is not None
    out: Counts = {}
    for commune, stored, doc in chunk:
        result = classify(household_from_dict(json.loads(doc)), _standard, _year_of_review)
        out.setdefault(commune, Counter())[(stored, result.category.value)] += 1
    return out


def province_whatif(
    conn: psycopg.Connection[Any],
    standard_id: str,
    year: int | None = None,
    *,
    workers: int = 2,
    chunk_size: int = 2_000,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ProvinceWhatIf:
    """``limit`` stops after that many households (benchmarks)."""
    standard = load_standard(standard_id)  # an unknown id fails here, before any work
    province = registry_province(conn)
    chosen, _previous = _year(conn, province, year)
    names = dict(
        conn.execute(
            "SELECT commune_code, commune_name FROM loads WHERE province_code = %s"
            " AND valid_to IS NULL",
            (province,),
        ).fetchall()
    )
    totals: dict[str, CommuneWhatIf] = {c: CommuneWhatIf(c, n) for c, n in names.items()}
    # Each live household's document with its category stored for the year
    # (``household_years``), streamed in the order the heap holds them.
    sql = """
    SELECT l.commune_code, hy.category, h.doc::text
    FROM loads l
    JOIN households h ON h.province_code = l.province_code AND h.load_id = l.id AND NOT h.deleted
    LEFT JOIN household_years hy ON hy.province_code = h.province_code
         AND hy.load_id = h.load_id AND hy.household_id = h.household_id AND hy.year = %(y)s
    WHERE l.province_code = %(p)s AND l.valid_to IS NULL
    """
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    done = 0

    def merge(counts: Counts) -> None:
        nonlocal done
        for commune, pairs in counts.items():
            totals[commune].pairs.update(pairs)
            done += sum(pairs.values())
        if progress is not None:
            progress(done)

    context = multiprocessing.get_context("spawn")  # no copy of this process's connection
    with (
        ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(standard_id, chosen),
        ) as pool,
        conn.transaction(),
        conn.cursor(name="rasoat_whatif") as cur,
    ):
        cur.itersize = chunk_size
        # Every row is read: plan for all of them (a cursor's default plans for its first
        # tenth, an index lookup per household: 11 s of server time at 300,000).
        conn.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        cur.execute(sql, {"p": province, "y": chosen})
        pending: list[Future[Counts]] = []
        while True:
            rows = cur.fetchmany(chunk_size)
            if not rows:
                break
            pending.append(pool.submit(classify_chunk, rows))
            while len(pending) >= 2 * workers:
                merge(pending.pop(0).result())
        for future in pending:
            merge(future.result())
    return ProvinceWhatIf(
        province,
        province_name(province),
        chosen,
        standard.id,
        standard.name,
        [totals[c] for c in sorted(totals)],
    )
