"""The province registry on PostgreSQL (issue 21), on a throwaway cluster of this machine
(``registry.throwaway``: Debian's PostgreSQL 15, default settings, fsync on, Unix socket).
Packages of demo households (``forms.demo``, classified for 2025 and 2026, written by the
exporter's ``write_package``) from distinct communes of one province; generation not timed.
Baseline of the load: a bare ``COPY`` of the very same rows into an empty database of the
same schema, one transaction per package, in the same run (the same rows, household_years
included; no reading, validation or receipt). In the what-if each of 2 worker processes reads
its own communes' households through a cursor of its own connection (the main process
hands out communes and sums counts); its goal is 1,000,000 households in under 60 s,
measured on what the run loaded and again on the registry grown inside the server
(``run_whatif`` runs it alone). Sizes: RASOAT_BENCH_PACKAGES ×
RASOAT_BENCH_HOUSEHOLDS (the issue's goal is 100 × 3,000; the default here is 10 × 3,000).
The machine's 2 cores are shared with other work: each figure carries the 1-minute load
average when it was taken.

Profile of one 2,000-household package load (cProfile, before issue 21's speed work: 11.2 s
under the profiler, 4.1 s without): 64 % in ``forms.validate.text_problem``'s per-character
loop over the results' texts (7.1 million calls of ``_bad_char``), 6 % decoding households
(``forms.codec``), 6 % ``check_household``, 4 % ``result_from_dict``, 6 % building the rows
(``to_dict`` and JSON of every household again), 5 % the ``COPY``, the receipt and the
supersede statements under 1 %. Then: text_problem checks ``str.isprintable()`` first (the
loop only for the rare text it refuses), the cyclic collector is off while a package is read
(a third of a 3,000-household read), and packages are read and validated in 2 worker
processes a few ahead of the one being copied. The same validators run, whole, before each
package's transaction. A 3,000-household read is now about 2 s of CPU (a quarter
``result_problem``, a fifth decoding, a tenth each JSON and ``check_household``).

Session 7 (CPU of one 3,000-household package's read, best of several, load 7–13, so
about 1.3–1.5× a quiet machine's): ``read_package`` 1.0–1.1 s (the lines' JSON 0.2 s, the
commune import's checks of every record the rest), then the rows 0.09 s and their COPY
text 0.17 s. Before: the rows 0.32–0.48 s (every household's and result's JSON encoded
again), pickled to the loading process (0.17 s), unpickled there (0.06–0.25 s) and
formatted again by psycopg (0.15 s). Now the documents are kept as the package's lines
hold them (``registry.load.Located``), the reader sends each table as COPY text, the
loading process only sends bytes; ids are checked by pattern and a result's texts at once
(``check_household`` 122–128 → 79–89 ms, ``result_problem`` 248–261 → 182–197 ms a
package, alternated); a reader's peak memory 361 → 278 MB (the package's text held once,
COPY text encoded line by line). The bare COPY sends the very COPY text the reader makes
(its client about 0.06 s a package): the baseline is the server's work alone. The load's
CPU is given per process: the loading thread, the readers (summed), and the server's
backend."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from bench import CACHE, Row, peak_rss_mb, timer
from forms.admin_units import communes
from registry import queries
from registry.database import connect, init
from registry.load import Prepared, load_packages, prepare, write_rows
from registry.throwaway import throwaway_cluster
from registry.whatif import province_whatif
from tests.registry.packages import make_package

PROVINCE = "38"  # Thanh Hóa: 166 communes in the 2025 list, room for 100 packages


def run(
    quick: bool,
    packages: int | None = None,
    per: int | None = None,
    whatif_households: int | None = None,
    on_row: Callable[[Row], None] | None = None,
    bare_after: bool = True,
) -> list[Row]:
    """``packages`` × ``per`` households loaded (RASOAT_BENCH_PACKAGES and
    RASOAT_BENCH_HOUSEHOLDS when not given); with ``whatif_households`` (or
    RASOAT_BENCH_WHATIF) the what-if runs again once the registry holds that many
    households (``_grow``: the loaded ones copied inside the server). ``on_row`` hears of each
    row as it is measured (a run at full size takes most of an hour on the shared machine);
    ``bare_after=False`` times the bare COPY only before the load, not again after it."""
    env = os.environ.get
    packages = packages or (3 if quick else int(env("RASOAT_BENCH_PACKAGES", "10")))
    per = per or (300 if quick else int(env("RASOAT_BENCH_HOUSEHOLDS", "3000")))
    grown = whatif_households or (None if quick else int(env("RASOAT_BENCH_WHATIF", "0")) or None)
    codes = [f"{c.code:05d}" for c in communes(int(PROVINCE))][:packages]
    if quick:
        folder = Path(tempfile.mkdtemp(prefix="rasoat-bench-registry-"))
        try:
            return _measure(
                _packages(folder, codes, per), codes, packages, per, grown, on_row, bare_after
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    # Kept between runs like the demo communes (100 packages of 3,000: about 8 minutes to
    # make on the shared machine); each run loads them into new databases.
    folder = CACHE / f"registry-{PROVINCE}-{per}-signed"
    folder.mkdir(parents=True, exist_ok=True)
    return _measure(_packages(folder, codes, per), codes, packages, per, grown, on_row, bare_after)


def run_load(
    packages: int = 100,
    per: int = 3000,
    on_row: Callable[[Row], None] | None = None,
    bare_after: bool = False,
) -> list[Row]:
    """The load alone (issue 21, session 9): the cached bench packages (``packages`` ×
    ``per``) loaded after a bare COPY of their rows, then the reload, the province summary,
    a commune's list and the load's memory; no what-if (``run_whatif`` measures it). At
    100 × 3,000 about a quarter of the full ``run``'s hour."""
    codes = [f"{c.code:05d}" for c in communes(int(PROVINCE))][:packages]
    folder = CACHE / f"registry-{PROVINCE}-{per}-signed"
    folder.mkdir(parents=True, exist_ok=True)
    paths = _packages(folder, codes, per)
    return _measure(paths, codes, packages, per, None, on_row, bare_after, whatif=False)


def _packages(folder: Path, codes: list[str], per: int) -> list[Path]:
    """One package per commune in ``folder``, made when missing. Generation (demo households
    classified for two years, then written) is not timed; in two processes it takes half as
    long (about 2 ms a household on one core)."""
    paths = [folder / f"{code}-{100 + i}.rasoat" for i, code in enumerate(codes)]
    missing = [(p, c, 100 + i) for i, (p, c) in enumerate(zip(paths, codes, strict=True))]
    missing = [m for m in missing if not m[0].exists()]
    if missing:
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_generate, *zip(*missing, strict=True), [per] * len(missing)))
    return paths


def _generate(path: Path, code: str, seed: int, per: int) -> Path:
    # Written beside and renamed: a run stopped half-way leaves no half package in the cache.
    part = path.with_suffix(".part")
    make_package(part, code, n=per, seed=seed, province=PROVINCE, province_name="Thanh Hóa")
    part.replace(path)
    return path


def _load_average() -> str:
    """The machine's 1-minute load average as the figure was taken: 2 cores shared with other
    work, so above ~2 the figure is slower than the code."""
    return f"load avg {os.getloadavg()[0]:.1f}"


def _measure(
    paths: list[Path],
    codes: list[str],
    packages: int,
    per: int,
    grown: int | None = None,
    on_row: Callable[[Row], None] | None = None,
    bare_after: bool = True,
    whatif: bool = True,
) -> list[Row]:
    total = packages * per
    rows = _Rows(on_row)
    with throwaway_cluster(port=5450) as cluster:
        server = Server(cluster.data)
        dsn = cluster.create_database("registry")
        with connect(dsn) as conn:
            init(conn, PROVINCE)
        # The bare COPY before the load and again after it (the machine is shared: its load
        # moves), the baseline their mean.
        bare_first = _bare(cluster, "bare", codes, paths, server)
        # The bare COPY's packages came through this process, whose heap kept about 35 MB
        # of them (glibc keeps freed memory): given back, so the load's memory is what
        # `rasoat registry load`'s would be, not the benchmark's own leftovers.
        _give_back_freed_memory()
        with connect(dsn) as conn, TreeMemory(server) as load_memory:
            # The loading thread's own CPU: the memory sampler's thread is not the load's.
            own, children, server_cpu = time.thread_time(), _children_cpu(), server.cpu()
            with timer() as load_elapsed:
                # As the command line: each receipt let go once told (here to no one).
                # Each commune's first package: its test key trusted with it (--trust-new).
                outcomes = load_packages(
                    conn, paths, user="bench", keep_receipts=False, trust_new=True
                )
            cpu = (
                time.thread_time() - own,
                _children_cpu() - children,
                server.cpu() - server_cpu,
            )
        load_load = _load_average()
        bare_second = _bare(cluster, "bare_again", codes, paths, server) if bare_after else None
        assert {o.status for o in outcomes} == {"loaded"}, [o.message for o in outcomes][:3]
        members = bare_first.members
        bares = [bare_first] if bare_second is None else [bare_first, bare_second]
        bare_elapsed = sum(b.elapsed for b in bares) / len(bares)
        scale = (
            f"{packages} packages × {per:,} households = {total:,} households, {members:,} members"
        )
        rows.append(
            Row(
                f"load {packages} packages of {per:,} households",
                load_elapsed(),
                "s",
                "< 120 s at 100 × 3,000; ≤ 2× bare",
                bare_elapsed,
                f"{scale}; read + validate + COPY + receipt, reading in 2 reader processes "
                f"that stream their rows into the COPY; "
                f"{total / load_elapsed():,.0f} households/s; CPU: loading thread "
                f"{cpu[0]:.1f} s, readers {cpu[1]:.1f} s, server {cpu[2]:.1f} s; {load_load}. "
                f"Bare COPY (the rows as COPY text made beforehand, only sent): "
                f"{bare_first.note}"
                + (f", then after the load {bare_second.note}" if bare_second else ""),
            )
        )
        with connect(dsn) as conn, timer() as again:
            outcomes = load_packages(conn, paths, user="bench")
        assert {o.status for o in outcomes} == {"unchanged"}
        rows.append(
            Row(
                "reload all (no-op)",
                again(),
                "s",
                "< 20 s at 100 packages",
                None,
                f"by SHA-256; {_load_average()}",
            )  # fmt: skip
        )
        with connect(dsn) as conn:
            conn.execute("ANALYZE")
            best = min(_time(lambda: queries.summary(conn)) for _ in range(3))
            rows.append(Row("province summary by commune", best, "s", "< 2 s at 300,000", None,
                            f"{total:,} households, {packages} communes; best of 3; "
                            f"{_load_average()}"))  # fmt: skip
            best = min(_time(lambda: queries.commune_list(conn, codes[0])) for _ in range(5))
            rows.append(Row("a commune's list", best * 1000, "ms", "< 200 ms", None,
                            f"{per:,} households of {total:,}; best of 5; "
                            f"{_load_average()}"))  # fmt: skip
            whatif_memory = TreeMemory(server)
            if whatif:
                rows.append(_whatif(conn, server, total, whatif_memory))
            if whatif and grown is not None and grown > total:
                with timer() as growing:
                    _grow(conn, grown)
                grown_note = (
                    f"the {total:,} loaded households copied inside the server to {grown:,} "
                    f"(_grow, {growing():.0f} s, not timed in the figure)"
                )
                whatif_memory = TreeMemory(server)
                rows.append(_whatif(conn, server, grown, whatif_memory, grown_note))
        rows.append(Row("peak memory of the load", load_memory.peak_mb, "MB", "< 1,024 MB",
                        None, "this process and its readers (RSS) and the server's processes "
                        f"(PSS, {load_memory.server_peak_mb:,.0f} MB at most), summed, sampled "
                        "every 0.2 s"))  # fmt: skip
        if whatif:
            rows.append(Row("peak memory of the what-if", whatif_memory.peak_mb, "MB",
                            "< 1,024 MB", None, "this process and its 2 workers (RSS) and the "
                            "server's processes (PSS, "
                            f"{whatif_memory.server_peak_mb:,.0f} MB at most), summed; the "
                            "last what-if run"))  # fmt: skip
    rows.append(Row("peak RSS of this process", peak_rss_mb(), "MB", "< 1,024 MB", None,
                    "the whole run"))  # fmt: skip
    return rows


def _whatif(conn: Any, server: Server, total: int, memory: TreeMemory, how: str = "") -> Row:
    """The what-if of every household the registry holds, with the CPU of each part: the
    workers (their start included), this process's thread that runs it (since session 9 it
    only hands out shares and sums counts), the memory sampler's thread beside it (it reads
    every process's /proc entries five times a second: a bench cost, not the what-if's), and
    the server's processes, read once the workers' backends have ended."""
    backends = len(server.pids())
    children, thread, own, server_cpu = (
        _children_cpu(), time.thread_time(), time.process_time(), server.cpu()
    )  # fmt: skip
    with memory, timer() as what:
        result = province_whatif(conn, "nd351-2026-2030", 2026, workers=2)
    thread_us = (time.thread_time() - thread) / total * 1e6
    sampler_us = (time.process_time() - own) / total * 1e6 - thread_us
    assert result.households == total, (result.households, total)
    _backends_ended(server, backends)
    per_million = what() / total * 1_000_000
    worker_us = (_children_cpu() - children) / total * 1e6
    server_us = (server.cpu() - server_cpu) / total * 1e6
    return Row(
        f"what-if of {total:,} households (2 workers)",
        what(),
        "s",
        "1,000,000 < 60 s",
        None,
        f"{total / what():,.0f} households/s; {per_million:,.0f} s per 1,000,000; CPU a "
        f"household: workers {worker_us:,.1f} µs (fetch + decode + classify, their start "
        f"included), this process {thread_us:,.1f} µs (shares out, counts in; the memory "
        f"sampler beside it {sampler_us:,.1f} µs), the server {server_us:,.1f} µs; summed "
        f"{worker_us + thread_us + server_us:,.1f} µs; peak memory {memory.peak_mb:,.0f} MB "
        f"(server {memory.server_peak_mb:,.0f}); {_load_average()}" + (f"; {how}" if how else ""),
    )


def _backends_ended(server: Server, before: int, timeout: float = 10.0) -> None:
    """Waits until the server has no more processes than ``before``: a what-if worker's
    backend ends just after the worker, and its CPU is the postmaster's children's time
    only once it has ended."""
    deadline = time.monotonic() + timeout
    while len(server.pids()) > before and time.monotonic() < deadline:
        time.sleep(0.05)


def run_whatif(
    packages: int = 10,
    per: int = 3000,
    grown: int | None = 1_000_000,
    on_row: Callable[[Row], None] | None = None,
) -> list[Row]:
    """The what-if alone (issue 21, session 9), about 5 minutes on two idle cores: the
    cached bench packages (``packages`` × ``per``) loaded into a new cluster, the what-if
    of those households, then, with ``grown``, the registry grown inside the server to that
    many (``_grow``) and the what-if again. The full ``run`` loads 100 packages first (most
    of its hour); the what-if reads only documents and stored categories, so copies of
    fewer loaded households measure it the same (the demo mix of every package)."""
    codes = [f"{c.code:05d}" for c in communes(int(PROVINCE))][:packages]
    folder = CACHE / f"registry-{PROVINCE}-{per}-signed"
    folder.mkdir(parents=True, exist_ok=True)
    paths = _packages(folder, codes, per)
    total = packages * per
    rows = _Rows(on_row)
    with throwaway_cluster(port=5451) as cluster:  # beside a whole run's 5450
        server = Server(cluster.data)
        dsn = cluster.create_database("registry")
        with connect(dsn) as conn:
            init(conn, PROVINCE)
            outcomes = load_packages(conn, paths, user="bench", trust_new=True)
            assert {o.status for o in outcomes} == {"loaded"}, [o.message for o in outcomes][:3]
            conn.execute("ANALYZE")
            rows.append(_whatif(conn, server, total, TreeMemory(server)))
            if grown is not None and grown > total:
                with timer() as growing:
                    _grow(conn, grown)
                note = (
                    f"the {total:,} loaded households ({packages} packages) copied inside the "
                    f"server to {grown:,} (_grow, {growing():.0f} s, not timed in the figure)"
                )
                rows.append(_whatif(conn, server, grown, TreeMemory(server), note))
    return rows


def _grow(conn: Any, target: int) -> None:
    """The registry made to hold ``target`` live households without generating and loading
    more packages (about 2 ms a household to make, a fortnight of CPU for a nation): each
    current load's households copied inside the server under new ids (``~1``, ``~2``, … after
    the id and the code), their rows of ``household_years`` with them, until there are
    ``target``; the ``results`` table emptied first (the what-if reads the households'
    documents and ``household_years`` only). The copies are the same demo households, so
    the what-if classifies the same mix; documents keep their own ids, which the what-if
    does not read."""
    have = conn.execute(
        "SELECT count(*) FROM households h JOIN loads l ON l.province_code = h.province_code"
        " AND l.id = h.load_id AND l.valid_to IS NULL WHERE NOT h.deleted"
    ).fetchone()[0]
    copies = -(-target // have) - 1
    # The results' documents (most of the database, and not read by the what-if) go first:
    # the copies need the room (a first run filled the shared machine's disk).
    conn.execute("TRUNCATE results")
    conn.commit()
    with conn.transaction():
        conn.execute(
            "INSERT INTO households (province_code, commune_code, load_id, household_id, code,"
            " village, head_name, size, deleted, rev, updated_at, doc)"
            " SELECT h.province_code, h.commune_code, h.load_id, h.household_id || '~' || k,"
            " h.code || '~' || k, h.village, h.head_name, h.size, h.deleted, h.rev,"
            " h.updated_at, h.doc"
            " FROM households h JOIN loads l ON l.province_code = h.province_code"
            " AND l.id = h.load_id AND l.valid_to IS NULL, generate_series(1, %s) k"
            " WHERE NOT h.deleted LIMIT %s",
            (copies, target - have),
        )
        conn.execute(
            "INSERT INTO household_years SELECT hy.province_code, hy.commune_code, hy.load_id,"
            " c.household_id, hy.year, hy.round_id, hy.standard_id, hy.category,"
            " hy.deprivation_count, hy.deprived, hy.size"
            " FROM households c JOIN household_years hy ON hy.province_code = c.province_code"
            " AND hy.load_id = c.load_id AND hy.household_id = split_part(c.household_id, '~', 1)"
            " WHERE c.household_id LIKE '%~%'"
        )
        # Each load's count of live households as the loader keeps it (its members' count
        # is left as loaded): the what-if hands out the largest loads first by it, and with
        # every load still at its package's count the last share could be one of 4 copies.
        conn.execute(
            "UPDATE loads l SET households = (SELECT count(*) FROM households h"
            " WHERE h.province_code = l.province_code AND h.load_id = l.id AND NOT h.deleted)"
            " WHERE l.valid_to IS NULL"
        )
    conn.execute("ANALYZE households")
    conn.execute("ANALYZE household_years")


class _Rows(list[Row]):
    """The rows, each told to ``on_row`` as it comes."""

    def __init__(self, on_row: Callable[[Row], None] | None) -> None:
        super().__init__()
        self._on_row = on_row

    def append(self, row: Row) -> None:
        super().append(row)
        if self._on_row is not None:
            self._on_row(row)


class Server:
    """The throwaway cluster's processes (pg_ctl detaches them from this process): their
    CPU and memory, from /proc."""

    def __init__(self, data: Path) -> None:
        self.data = data

    def postmaster(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return None

    def pids(self) -> set[int]:
        root = self.postmaster()
        return _tree(root) if root is not None else set()

    def cpu(self) -> float:
        """CPU seconds of the postmaster and every server process, ended ones included
        (the postmaster waits for its children, so theirs is in its children's time). The
        postmaster is the one postmaster.pid names, not the lowest pid: pids wrap (at
        32,768 on this machine), and taking a backend for it lost every ended backend's
        time (a load's server CPU came out negative)."""
        total = 0
        root = self.postmaster()
        for pid in self.pids():
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
                if pid == root:  # its ended children too
                    total += int(fields[13]) + int(fields[14])
        return total / os.sysconf("SC_CLK_TCK")

    def pss_mb(self) -> float:
        """Proportional set size summed: shared buffers counted once, not once a backend."""
        total_kb = 0
        for pid in self.pids():
            with contextlib.suppress(OSError, ValueError):
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total_kb += int(line.split()[1])
        return total_kb / 1024


class TreeMemory:
    """The peak, sampled every 0.2 s, of the summed resident memory of this process and
    every process under it (package readers, what-if workers) and, given ``server``, of the
    PostgreSQL server's processes (which pg_ctl detaches; their PSS, shared buffers once):
    "memory throughout" as the machine sees it, where ``ru_maxrss`` gives one process at a
    time."""

    def __init__(self, server: Server | None = None) -> None:
        self.peak_mb = 0.0
        self.server_peak_mb = 0.0
        self._server = server
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            server = self._server.pss_mb() if self._server is not None else 0.0
            self.server_peak_mb = max(self.server_peak_mb, server)
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(os.getpid()) + server)


def _tree(root: int) -> set[int]:
    """``root`` and every process under it."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # "pid (comm) state ppid …": comm may hold spaces, so split after its ')'.
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


def _tree_rss_mb(root: int) -> float:
    total_kb = 0
    for pid in _tree(root):
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


@dataclass
class _BareRun:
    elapsed: float
    members: int
    note: str


def _bare(cluster: Any, name: str, codes: list[str], paths: list[Path], server: Server) -> _BareRun:
    """The bare COPY into a new database of the same schema: each package's rows made
    outside the clock (one at a time: the province's rows never all in memory), then only
    COPY, one transaction each; with its client's and server's CPU inside the clock."""
    dsn = cluster.create_database(name)
    elapsed = client = server_cpu = 0.0
    members = 0
    # Prepared in another process, as the load's readers do: this process then keeps no
    # decoded package's high water, and the load's memory is what `rasoat registry load`'s.
    with (
        connect(dsn) as conn,
        ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool,
    ):
        init(conn, PROVINCE)
        for i, (code, path) in enumerate(zip(codes, paths, strict=True)):
            # One at a time, nothing read while the COPY runs.
            ready = pool.submit(prepare, path, None, None).result()
            assert isinstance(ready, Prepared), ready
            members += ready.counts["members"]
            backend, own = server.cpu(), _own_cpu()
            start = time.perf_counter()
            with conn.transaction():
                write_rows(conn, (PROVINCE, code, i + 1), ready)
            elapsed += time.perf_counter() - start
            client += _own_cpu() - own
            server_cpu += server.cpu() - backend
            del ready
    note = (
        f"{elapsed:.1f} s, CPU client {client:.1f} s, server {server_cpu:.1f} s, {_load_average()}"
    )
    with psycopg.connect(cluster.dsn(), autocommit=True) as admin:  # its 1.4 GB let go
        admin.execute(f'DROP DATABASE "{name}"')
    return _BareRun(elapsed, members, note)


def _give_back_freed_memory() -> None:
    """glibc's malloc_trim: the heap's freed pages given back to the system (a no-op
    elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    """CPU seconds of the ended child processes (the what-if's workers once it returns)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start
