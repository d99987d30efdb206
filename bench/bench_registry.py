"""The province registry on PostgreSQL (issue 21), on a throwaway cluster of this machine
(``registry.throwaway``: Debian's PostgreSQL 15, default settings, fsync on, Unix socket).
Packages of demo households (``forms.demo``, classified for 2025 and 2026, written by the
exporter's ``write_package``) from distinct communes of one province; generation not timed.
Baseline of the load: a bare ``COPY`` of the very same rows into an empty database of the
same schema, one transaction per package, in the same run (the same rows, household_years
included; no reading, validation or receipt). The what-if streams every current household
(``COPY … TO STDOUT``, the rows' text as the server sends it) to 2 worker processes; its
goal is 1,000,000 households in under 60 s, here measured on what the run loaded and
extrapolated per household. Sizes: RASOAT_BENCH_PACKAGES ×
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
import multiprocessing
import os
import resource
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import Row, peak_rss_mb, timer
from forms.admin_units import communes
from registry import queries
from registry.database import connect, init
from registry.load import Prepared, load_packages, prepare, write_rows
from registry.throwaway import throwaway_cluster
from registry.whatif import province_whatif
from tests.registry.packages import make_package

PROVINCE = "38"  # Thanh Hóa: 166 communes in the 2025 list, room for 100 packages


def run(quick: bool) -> list[Row]:
    packages = 3 if quick else int(os.environ.get("RASOAT_BENCH_PACKAGES", "10"))
    per = 300 if quick else int(os.environ.get("RASOAT_BENCH_HOUSEHOLDS", "3000"))
    codes = [f"{c.code:05d}" for c in communes(int(PROVINCE))][:packages]
    folder = Path(tempfile.mkdtemp(prefix="rasoat-bench-registry-"))
    # Generation (demo households classified for two years, then written) is not timed; in
    # two processes it takes half as long (about 2 ms a household on one core).
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        paths = list(
            pool.map(_generate, [folder / f"{c}.rasoat" for c in codes], codes,
                     [per] * packages, range(100, 100 + packages))
        )  # fmt: skip
    rows: list[Row] = []
    try:
        rows += _measure(paths, codes, packages, per)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def _generate(path: Path, code: str, per: int, seed: int) -> Path:
    return make_package(path, code, n=per, seed=seed, province=PROVINCE, province_name="Thanh Hóa")


def _load_average() -> str:
    """The machine's 1-minute load average as the figure was taken: 2 cores shared with other
    work, so above ~2 the figure is slower than the code."""
    return f"load avg {os.getloadavg()[0]:.1f}"


def _measure(paths: list[Path], codes: list[str], packages: int, per: int) -> list[Row]:
    total = packages * per
    rows: list[Row] = []
    with throwaway_cluster(port=5450) as cluster:
        dsn = cluster.create_database("registry")
        with connect(dsn) as conn:
            init(conn, PROVINCE)
        # The bare COPY before the load and again after it (the machine is shared: its load
        # moves), the baseline their mean.
        bare_first = _bare(cluster, "bare", codes, paths)
        with connect(dsn) as conn, TreeMemory() as load_memory:
            server = _backend_cpu(conn)
            # The loading thread's own CPU: the memory sampler's thread is not the load's.
            own, children = time.thread_time(), _children_cpu()
            with timer() as load_elapsed:
                outcomes = load_packages(conn, paths, user="bench")
            cpu = (
                time.thread_time() - own,
                _children_cpu() - children,
                _backend_cpu(conn) - server,
            )
        load_load = _load_average()
        bare_second = _bare(cluster, "bare_again", codes, paths)
        assert {o.status for o in outcomes} == {"loaded"}, [o.message for o in outcomes][:3]
        members = bare_first.members
        bare_elapsed = (bare_first.elapsed + bare_second.elapsed) / 2
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
                f"{scale}; read + validate + COPY + receipt, reading in 2 worker processes; "
                f"{total / load_elapsed():,.0f} households/s; CPU: loading process "
                f"{cpu[0]:.1f} s, readers {cpu[1]:.1f} s, server {cpu[2]:.1f} s; {load_load}. "
                f"Bare COPY (the rows as COPY text made beforehand, only sent): "
                f"{bare_first.note}, then after the load {bare_second.note}",
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
            cpu_before, own_before = _children_cpu(), time.process_time()
            with TreeMemory() as whatif_memory, timer() as what:
                result = province_whatif(conn, "nd351-2026-2030", 2026, workers=2)
            assert result.households == total
            per_million = what() / total * 1_000_000
            worker_us = (_children_cpu() - cpu_before) / total * 1e6
            own_us = (time.process_time() - own_before) / total * 1e6
            rows.append(
                Row(
                    f"what-if of {total:,} households (2 workers)",
                    what(),
                    "s",
                    "1,000,000 < 60 s",
                    None,
                    f"{total / what():,.0f} households/s; "
                    f"extrapolated {per_million:,.0f} s per 1,000,000; workers' CPU "
                    f"{worker_us:,.0f} µs a household (decode + classify, the workers' start "
                    f"included), this process's {own_us:,.1f} µs (the COPY stream); "
                    f"{_load_average()}",
                )
            )
    rows.append(Row("peak memory of the load", load_memory.peak_mb, "MB", "< 1,024 MB", None,
                    "this process and its readers, summed, sampled every 0.2 s"))  # fmt: skip
    rows.append(Row("peak memory of the what-if", whatif_memory.peak_mb, "MB", "< 1,024 MB",
                    None, "this process and its 2 workers, summed"))  # fmt: skip
    rows.append(Row("peak RSS of this process", peak_rss_mb(), "MB", "< 1,024 MB", None,
                    "the whole run, including the bare COPY's preparation"))  # fmt: skip
    return rows


class TreeMemory:
    """The peak, sampled every 0.2 s, of the summed resident memory of this process and
    every process under it (package readers, what-if workers; not the PostgreSQL server,
    which pg_ctl detaches): "memory throughout" as the machine sees it, where
    ``ru_maxrss`` gives one process at a time."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
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
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(os.getpid()))


def _tree_rss_mb(root: int) -> float:
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
    total_kb = 0
    for pid in tree:
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


def _bare(cluster: Any, name: str, codes: list[str], paths: list[Path]) -> _BareRun:
    """The bare COPY into a new database of the same schema: each package's rows made
    outside the clock (one at a time: the province's rows never all in memory), then only
    COPY, one transaction each; with its client's and server's CPU inside the clock."""
    dsn = cluster.create_database(name)
    elapsed = client = server = 0.0
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
            backend, own = _backend_cpu(conn), _own_cpu()
            start = time.perf_counter()
            with conn.transaction():
                write_rows(conn, (PROVINCE, code, i + 1), ready)
            elapsed += time.perf_counter() - start
            client += _own_cpu() - own
            server += _backend_cpu(conn) - backend
            del ready
    note = f"{elapsed:.1f} s, CPU client {client:.1f} s, server {server:.1f} s, {_load_average()}"
    return _BareRun(elapsed, members, note)


def _backend_cpu(conn: Any) -> float:
    """CPU seconds of the server process serving ``conn`` (same machine: /proc)."""
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
