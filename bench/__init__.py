"""Benchmarks: `make bench` runs every ``bench/bench_*.py`` and writes docs/benchmarks.md.

Each module defines ``run(quick: bool) -> list[Row]``. Figures are measured, never asserted:
the tests stay free of timing.
"""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Demo communes are slow to build at scale (100,000 households: tens of minutes): kept here
# between runs, shared by every benchmark.
CACHE = Path(tempfile.gettempdir()) / "rasoat-bench"


@dataclass
class Row:
    name: str  # what was measured, in English
    value: float
    unit: str  # "s", "ms", "MB", …
    goal: str = ""  # e.g. "< 1 s"
    baseline: float | None = None  # the bare-library figure for the same work, same run
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


@contextmanager
def timer() -> Iterator[Callable[[], float]]:
    """``with timer() as elapsed: …; elapsed()`` gives seconds."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> None:
    """Forgets this process's peak resident size so far (Linux: clear_refs 5), so that
    ``peak_rss_since_reset_mb`` is one benchmark's own when ``make bench`` runs several in
    one process (``peak_rss_mb`` cannot be reset)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_since_reset_mb() -> float:
    """The peak resident size since ``reset_peak_rss`` (VmHWM); ``peak_rss_mb`` elsewhere."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def cached_demo_commune(households: int, seed: int = 7) -> Path:
    """A demo commune file of that size, built once (``db.demo``) and reused."""
    from db.demo import create_demo_commune

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"xa-{households}.rasoat.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".partial")
        for leftover in (tmp, Path(f"{tmp}.backups")):
            if leftover.is_dir():
                shutil.rmtree(leftover)
            elif leftover.exists():
                leftover.unlink()
        create_demo_commune(tmp, households=households, seed=seed)
        shutil.rmtree(f"{tmp}.backups", ignore_errors=True)  # the build's own close backups
        shutil.move(str(tmp), path)
    return path
