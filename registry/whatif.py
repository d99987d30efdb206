"""What-if for the whole province: every current household reclassified under another
standard with the commune's engine (``forms.classify``), results by commune.

Streaming and bounded: the households come from one ``COPY (SELECT …) TO STDOUT``, read as
the server sends it; every ``chunk_size`` rows the raw text of those rows (one bytes object,
as PostgreSQL wrote it) goes to a worker process that splits, decodes and classifies it and
sends back only counts; at most two chunks per worker are in flight. Nothing is pickled but
one bytes object a chunk: rows fetched through a cursor were made into tuples here, pickled,
and unpickled in a worker (about 7 µs of a worker's CPU a household). The province is never
in memory at once, in this process or in a worker.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import re
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql as pgsql

from forms.classify import classify
from forms.codec import household_from_dict
from forms.standards import Standard, load_standard
from registry.database import province_name, registry_province
from registry.queries import _year

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
    # Communes whose current load is a slim package for the upper level (code, name): it
    # carries no form answers, so they are not reclassified, and the report names them.
    left_out: list[tuple[str, str]] = field(default_factory=list)

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


def copy_rows(chunk: bytes) -> Iterator[list[str | None]]:
    """The rows of ``COPY … TO STDOUT`` text, their fields as PostgreSQL held them: NULL is
    None, and every escape of COPY's text format undone (``copy_unescape``). A document is
    stored as the commune's package line held it, and JSON allows a raw tab or carriage
    return between its tokens, which COPY writes as ``\\t``/``\\r``."""
    for line in chunk.decode().split("\n"):
        if line:
            yield [
                None if f == "\\N" else copy_unescape(f) if "\\" in f else f
                for f in line.split("\t")
            ]


# PostgreSQL's COPY text format: a backslash then b f n r t v, 1-3 octal digits, x and 1-2
# hex digits, or any other character standing for itself (``\\\\`` is one backslash).
_COPY_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.DOTALL)
_COPY_LETTERS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape_one(m: re.Match[str]) -> str:
    octal, hexa, other = m.groups()
    if octal is not None:
        return chr(int(octal, 8))
    if hexa is not None:
        return chr(int(hexa, 16))
    return _COPY_LETTERS.get(other, other)


def copy_unescape(field: str) -> str:
    """One field of COPY text as the server held it."""
    return _COPY_ESCAPE.sub(_unescape_one, field)


def classify_chunk(chunk: bytes) -> Counts:
    """Rows of ``COPY … TO STDOUT`` text (commune code, stored category, the household
    document), each household reclassified and counted."""
    assert _standard is not None
    out: Counts = {}
    for commune, stored, doc in copy_rows(chunk):
        assert commune is not None  # the query's commune code and document are NOT NULL
        assert doc is not None
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
    current = conn.execute(
        "SELECT commune_code, commune_name, for_upper_level FROM loads WHERE province_code = %s"
        " AND valid_to IS NULL ORDER BY commune_code",
        (province,),
    ).fetchall()
    totals: dict[str, CommuneWhatIf] = {
        c: CommuneWhatIf(c, n) for c, n, slim in current if not slim
    }
    left_out = [(c, n) for c, n, slim in current if slim]
    # Each live household's document with its category stored for the year
    # (``household_years``), streamed in the order the heap holds them.
    sql = """
    SELECT l.commune_code, hy.category, h.doc::text
    FROM loads l
    JOIN households h ON h.province_code = l.province_code AND h.load_id = l.id AND NOT h.deleted
    LEFT JOIN household_years hy ON hy.province_code = h.province_code
         AND hy.load_id = h.load_id AND hy.household_id = h.household_id AND hy.year = {y}
    WHERE l.province_code = {p} AND l.valid_to IS NULL AND NOT l.for_upper_level
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
        conn.cursor() as cur,
        cur.copy(
            pgsql.SQL("COPY ({}) TO STDOUT").format(pgsql.SQL(sql).format(p=province, y=chosen))
        ) as copy,
    ):
        pending: list[Future[Counts]] = []
        parts: list[bytes] = []
        lines = 0
        for block in copy:
            part = bytes(block)
            parts.append(part)
            lines += part.count(b"\n")
            if lines < chunk_size:
                continue
            data = b"".join(parts)
            cut = data.rindex(b"\n") + 1  # whole rows only; the rest starts the next chunk
            pending.append(pool.submit(classify_chunk, data[:cut]))
            parts, lines = [data[cut:]], 0
            while len(pending) >= 2 * workers:
                merge(pending.pop(0).result())
        rest = b"".join(parts)
        if rest:
            pending.append(pool.submit(classify_chunk, rest))
        for future in pending:
            merge(future.result())
    return ProvinceWhatIf(
        province,
        province_name(province),
        chosen,
        standard.id,
        standard.name,
        [totals[c] for c in sorted(totals)],
        left_out,
    )
