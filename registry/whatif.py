"""What-if for the whole province: every current household reclassified under another
standard with the commune's engine (``forms.classify``), results by commune.

Streaming and bounded, and this process out of the data path: each worker process opens its
own connection and reads its own shares (a commune's current load at a time, the largest
first) through a cursor on the server, ``chunk_size`` rows a fetch; it decodes and
classifies them and sends back only counts. This process hands out the shares and sums the
counts. The workers read in the snapshot of one transaction of this process
(``pg_export_snapshot``): a package loaded while the what-if runs changes none of it, so the
loads listed here and the households the workers read are one state of the registry.

Until session 9 this process read one ``COPY … TO STDOUT`` and handed chunks of its raw text
to the workers: 31 µs of its CPU a household on the same two cores as the workers' 77 µs
(``docs/benchmarks.md``, registry).
"""

from __future__ import annotations

import atexit
import gc
import json
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import psycopg
from psycopg import sql as pgsql
from psycopg.conninfo import make_conninfo
from psycopg.pq import TransactionStatus

from forms.classify import classify
from forms.codec import CodecError, household_from_dict
from forms.model import Category
from forms.standards import Standard, load_standard
from registry.database import RegistryError, connect, province_name, registry_province
from registry.queries import _year

Pairs = Counter[tuple[str | None, str]]  # (stored, new) -> households


@dataclass
class CommuneWhatIf:
    commune_code: str
    commune_name: str
    pairs: Pairs = field(default_factory=Counter)
    # Households the year's review meeting sent back, left out as the commune's what-if
    # leaves them (on no list until voted again).
    sent_back: int = 0

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
    # Communes whose current load holds no review of the year (code, name): every household
    # had no stored category and so counted as changed; they are left out and named.
    not_reviewed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def households(self) -> int:
        return sum(c.households for c in self.communes)


class Share(NamedTuple):
    """One worker's task: a commune's current load, all its live households or, for a
    benchmark's ``limit``, the first ``limit`` of them."""

    load_id: int
    commune_code: str
    limit: int | None = None


# The households the year's review (its latest periodic round) sent back at its meeting.
_SENT_BACK = """
    (SELECT r.sent_back FROM rounds r
     WHERE r.province_code = {p} AND r.load_id = {load} AND r.year = {y} AND r.kind = 'periodic'
     ORDER BY r.started_at DESC, r.round_id DESC LIMIT 1)
"""

# Each live household of a load with its category stored for the year
# (``household_years``): the primary key's prefix (province, load) finds them. Not those
# the year's meeting sent back: the commune's what-if leaves them out (on no list until a
# new vote), and the province counted them, "not determined" against a new category.
_SHARE = (
    """
    SELECT hy.category, h.doc::text
    FROM households h
    LEFT JOIN household_years hy ON hy.province_code = h.province_code
         AND hy.load_id = h.load_id AND hy.household_id = h.household_id AND hy.year = {y}
    WHERE h.province_code = {p} AND h.load_id = {load} AND NOT h.deleted
      AND NOT h.household_id = ANY(COALESCE("""
    + _SENT_BACK
    + """, '{{}}'))
"""
)

_SENT_BACK_COUNT = (
    """
    SELECT count(*) FROM households h
    WHERE h.province_code = {p} AND h.load_id = {load} AND NOT h.deleted
      AND h.household_id = ANY(COALESCE("""
    + _SENT_BACK
    + """, '{{}}'))
"""
)


# A worker's state, set once by ``_init_worker``.
_standard: Standard | None = None
_year_of_review = 0
_province = ""
_chunk = 2_000
_conn: psycopg.Connection[Any] | None = None
_failure: RegistryError | None = None


def _init_worker(
    standard_id: str, year: int, province: str, conninfo: str, snapshot: str, chunk: int
) -> None:
    global _standard, _year_of_review, _province, _chunk, _conn, _failure
    # Results are dropped as soon as they are counted; no cycles worth collecting.
    gc.disable()
    _standard = load_standard(standard_id)
    _year_of_review, _province, _chunk = year, province, chunk
    try:
        _conn = connect(conninfo)
        # Closed as the worker ends (a server's log otherwise notes each worker's end as an
        # unexpected loss of its client).
        atexit.register(_conn.close)
        # The worker reads every row of its cursors: planned for all of them, not for the
        # first tenth (the default for a cursor, which chose one index look-up into
        # household_years a household), and not compiled (a share of 100,000 households
        # passed JIT's optimising threshold, for a query whose work is reading documents).
        # Together 13.2-14.3 -> 9.0-10.4 µs of the server's CPU a household, alternated.
        _conn.execute("SET cursor_tuple_fraction = 1.0")
        _conn.execute("SET jit = off")
        # The snapshot of the process that lists the shares: the same state of the registry
        # in every worker, whatever is loaded meanwhile.
        _conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        _conn.execute(pgsql.SQL("SET TRANSACTION SNAPSHOT {}").format(snapshot))
    except RegistryError as exc:  # the message already Vietnamese, the password hidden
        _failure = exc
    except psycopg.Error as exc:
        _failure = RegistryError(
            "Tiến trình tính lại không đọc được cơ sở dữ liệu của tỉnh. "
            "Chạy lại lệnh; nếu vẫn lỗi, kiểm tra máy chủ PostgreSQL."
        )
        _failure.__cause__ = exc


def share_rows(
    conn: psycopg.Connection[Any], province: str, year: int, share: Share, chunk: int
) -> Iterator[tuple[str | None, str]]:
    """The share's households as (stored category, the household's JSON text), ``chunk``
    rows a fetch from a cursor on the server (the worker's memory holds one chunk; a
    client-side cursor would hold the whole commune). Needs an open transaction."""
    query = pgsql.SQL(_SHARE).format(p=province, y=year, load=share.load_id)
    if share.limit is not None:
        query += pgsql.SQL(" LIMIT {}").format(share.limit)
    with conn.cursor(name=f"whatif_{share.load_id}") as cur:
        cur.itersize = chunk
        cur.execute(query)
        while rows := cur.fetchmany(chunk):
            yield from rows


def classify_share(share: Share) -> tuple[str, Pairs]:
    """A share's households, each decoded and reclassified: the commune and its counts of
    (stored, new) categories."""
    if _failure is not None:
        raise _failure
    assert _standard is not None
    assert _conn is not None
    standard, year = _standard, _year_of_review
    # Counted by the category members themselves: a member's ``.value`` is a Python-level
    # property on Python 3.11, read once per kind at the end rather than once a household.
    counts: Counter[tuple[str | None, Category]] = Counter()
    data: Any = None
    try:
        for stored, doc in share_rows(_conn, _province, year, share, _chunk):
            data = None  # a failure names this household, not the one before
            data = json.loads(doc)
            counts[(stored, classify(household_from_dict(data), standard, year).category)] += 1
    except CodecError as exc:  # a document the commune import would have refused
        raise RegistryError(
            f"Không tính lại được {_household(data)} của xã {share.commune_code}: {exc}"
        ) from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        # A login of the Department's staff, not allowed the households' documents (they
        # hold the ID numbers): no run again mends it, as "lost connection" said.
        raise _ended(
            RegistryError(
                "Tài khoản dùng để kết nối không có quyền đọc dữ liệu đầy đủ của hộ (câu trả "
                "lời phiếu, số CCCD) mà việc tính lại theo chuẩn khác cần. Hãy dùng tài khoản "
                "được cấp quyền này (docs/registry.md, “Who may read what”)."
            )
        ) from exc
    except psycopg.Error as exc:
        raise _ended(
            RegistryError(
                "Mất kết nối tới cơ sở dữ liệu của tỉnh khi đang tính lại xã "
                f"{share.commune_code}. Chạy lại lệnh."
            )
        ) from exc
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        # A document that is not a household's at all (not JSON, not an object): only a
        # hand-edited registry holds one, since every load goes through the import's checks.
        raise RegistryError(
            f"Không tính lại được {_household(data)} của xã {share.commune_code}: dữ liệu "
            "của hộ trong cơ sở dữ liệu của tỉnh không đọc được. Nạp lại gói của xã này."
        ) from exc
    return share.commune_code, Counter({(s, c.value): n for (s, c), n in counts.items()})


def _ended(failure: RegistryError) -> RegistryError:
    """``failure``, kept as this worker's: the server's error aborted the worker's one
    transaction, so its next share would fail on that ("Mất kết nối …") and, finishing
    first, be the one said."""
    global _failure
    _failure = failure
    return failure


def _household(data: Any) -> str:
    """ "hộ <code>" from a document as far as it was read, or "một hộ" without its code."""
    code = data.get("code") if isinstance(data, dict) else None
    return f"hộ {code}" if isinstance(code, str) and code else "một hộ"


def _worker_conninfo(conn: psycopg.Connection[Any]) -> str:
    """The connection's parameters for a worker's own: libpq leaves the password out of
    them, so it goes back in when one was used."""
    password = conn.info.password
    return make_conninfo(conn.info.dsn, password=password) if password else conn.info.dsn


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
    """``limit`` stops after that many households (benchmarks). ``conn`` must not be inside
    a transaction: the what-if opens its own, whose snapshot the workers share."""
    standard = load_standard(standard_id)  # an unknown id fails here, before any work
    province = registry_province(conn)
    chosen, _previous = _year(conn, province, year)
    if conn.info.transaction_status is not TransactionStatus.IDLE:
        raise ValueError("province_whatif needs a connection outside a transaction")
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert snapshot is not None
        current = conn.execute(
            "SELECT id, commune_code, commune_name, for_upper_level, households FROM loads"
            " WHERE province_code = %s AND valid_to IS NULL ORDER BY commune_code",
            (province,),
        ).fetchall()
        reviewed = {
            int(load_id)
            for (load_id,) in conn.execute(
                "SELECT DISTINCT l.id FROM loads l JOIN rounds r ON r.province_code ="
                " l.province_code AND r.load_id = l.id WHERE l.province_code = %s"
                " AND l.valid_to IS NULL AND r.kind = 'periodic' AND r.year = %s",
                (province, chosen),
            )
        }
        not_reviewed = [(c, n) for i, c, n, slim, _n in current if not slim and i not in reviewed]
        current = [row for row in current if row[3] or row[0] in reviewed]
        totals = {c: CommuneWhatIf(c, n) for _id, c, n, slim, _n in current if not slim}
        for load_id, c, _name, slim, _n in current:
            if slim:
                continue
            query = pgsql.SQL(_SENT_BACK_COUNT).format(p=province, y=chosen, load=load_id)
            found = conn.execute(query).fetchone()
            totals[c].sent_back = int(found[0]) if found else 0
        left_out = [(c, n) for _id, c, n, slim, _n in current if slim]
        shares = _shares([(i, c, n) for i, c, _name, slim, n in current if not slim], limit)
        done = 0
        context = multiprocessing.get_context("spawn")  # no copy of this process's connection
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(shares))),
            mp_context=context,
            initializer=_init_worker,
            initargs=(standard_id, chosen, province, _worker_conninfo(conn), snapshot[0],
                      chunk_size),
        )  # fmt: skip
        try:
            pending: set[Future[tuple[str, Pairs]]] = {
                pool.submit(classify_share, s) for s in shares
            }
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    try:
                        commune, pairs = future.result()  # a worker's failure raised here
                    except BrokenProcessPool as exc:  # a worker killed, out of memory…
                        raise RegistryError(
                            "Một tiến trình tính lại dừng bất thường (có thể do thiếu bộ nhớ):"
                            " chưa tính xong. Chạy lại lệnh, với ít tiến trình hơn (--workers)."
                        ) from exc
                    totals[commune].pairs.update(pairs)
                    done += sum(pairs.values())
                    if progress is not None:
                        progress(done)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return ProvinceWhatIf(
        province,
        province_name(province),
        chosen,
        standard.id,
        standard.name,
        [totals[c] for c in sorted(totals)],
        left_out,
        not_reviewed,
    )


def _shares(loads: list[tuple[int, str, int]], limit: int | None) -> list[Share]:
    """One share a load, the largest first (so the last to finish are small ones and the
    workers end together); with ``limit``, loads until that many households, the last cut."""
    shares: list[Share] = []
    left = limit
    for load_id, commune, households in sorted(loads, key=lambda x: (-x[2], x[1])):
        if left is None:
            shares.append(Share(load_id, commune))
            continue
        if left <= 0:
            break
        shares.append(Share(load_id, commune, left if households > left else None))
        left -= households
    return shares
