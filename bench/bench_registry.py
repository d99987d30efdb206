"""The province registry on PostgreSQL (issue 21), on a throwaway cluster of this machine
(``registry.throwaway``: Debian's PostgreSQL 15, default settings, fsync on, Unix socket).
Packages of demo households (``forms.demo``, classified for 2025 and 2026, written by the
exporter's ``write_package``) from distinct communes of one province; generation not timed.
Baseline of the load: a bare ``COPY`` of the very same rows into an empty database of the
same schema, one transaction per package, in the same run (no reading, validation or
receipt). The what-if streams every current household to 2 worker processes; its goal is
1,000,000 households in under 60 s, here measured on what the run loaded and extrapolated
per household. Sizes: RASOAT_BENCH_PACKAGES × RASOAT_BENCH_HOUSEHOLDS (the issue's goal is
100 × 3,000; the default here is smaller, see the first row's note)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

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
    paths = [
        make_package(
            folder / f"{code}.rasoat",
            code,
            n=per,
            seed=100 + i,
            province=PROVINCE,
            province_name="Thanh Hóa",
        )
        for i, code in enumerate(codes)
    ]
    rows: list[Row] = []
    try:
        rows += _measure(paths, codes, packages, per)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def _measure(paths: list[Path], codes: list[str], packages: int, per: int) -> list[Row]:
    total = packages * per
    rows: list[Row] = []
    with throwaway_cluster(port=5450) as cluster:
        dsn = cluster.create_database("registry")
        bare = cluster.create_database("bare")
        for target in (dsn, bare):
            with connect(target) as conn:
                init(conn, PROVINCE)
        # The bare COPY: each package's rows made outside the clock (one at a time: the
        # province's rows never all in memory), then only COPY, one transaction each.
        bare_elapsed = 0.0
        members = 0
        with connect(bare) as conn:
            for i, (code, path) in enumerate(zip(codes, paths, strict=True)):
                ready = prepare(path, None, None)
                assert isinstance(ready, Prepared), ready
                members += len(ready.members)
                start = time.perf_counter()
                with conn.transaction():
                    write_rows(conn, (PROVINCE, code, i + 1), ready)
                bare_elapsed += time.perf_counter() - start
                del ready
        with connect(dsn) as conn, timer() as load_elapsed:
            outcomes = load_packages(conn, paths, user="bench")
        assert {o.status for o in outcomes} == {"loaded"}, [o.message for o in outcomes][:3]
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
                f"{scale}; read + validate + COPY + receipt; "
                f"{total / load_elapsed():,.0f} households/s",
            )
        )
        with connect(dsn) as conn, timer() as again:
            outcomes = load_packages(conn, paths, user="bench")
        assert {o.status for o in outcomes} == {"unchanged"}
        rows.append(
            Row("reload all (no-op)", again(), "s", "< 20 s at 100 packages", None, "by SHA-256")
        )
        with connect(dsn) as conn:
            conn.execute("ANALYZE")
            best = min(_time(lambda: queries.summary(conn)) for _ in range(3))
            rows.append(Row("province summary by commune", best, "s", "< 2 s at 300,000", None,
                            f"{total:,} households; best of 3"))  # fmt: skip
            best = min(_time(lambda: queries.commune_list(conn, codes[0])) for _ in range(5))
            rows.append(Row("a commune's list", best * 1000, "ms", "< 200 ms", None,
                            f"{per:,} households; best of 5"))  # fmt: skip
            with timer() as what:
                result = province_whatif(conn, "nd351-2026-2030", 2026, workers=2)
            assert result.households == total
            per_million = what() / total * 1_000_000
            rows.append(
                Row(
                    f"what-if of {total:,} households (2 workers)",
                    what(),
                    "s",
                    "1,000,000 < 60 s",
                    None,
                    f"{total / what():,.0f} households/s; "
                    f"extrapolated {per_million:,.0f} s per 1,000,000",
                )
            )
    rows.append(Row("peak RSS of this process", peak_rss_mb(), "MB", "< 1,024 MB", None,
                    "includes package generation; workers are separate processes"))  # fmt: skip
    return rows


def _time(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start
