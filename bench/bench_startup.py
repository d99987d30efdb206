"""Start-up and bundle size: the frozen one-folder bundle (`make package`, dist/rasoat/) against
`python -m rasoat` from the source tree.

Start-up is measured from just before the process is spawned to the main window's first paint
event, offscreen, with the hidden `--startup-probe` flag (it prints the paint's wall-clock time
and exits). The first run is the coldest this benchmark can make without dropping the OS page
cache (which would slow every other process on the machine); "warm" is the median of the next
runs. Each note gives the process's CPU time (user + system, its exit included), which the
other jobs on the 2 shared cores sway much less than the wall time, and the 1-minute load
average. Rows are skipped, with a note, when the bundle is not built.

The bundle's size goal (< 150 MB, issue 22) is what a commune officer copies from a USB stick;
tests/packaging/test_bundle.py fails past it.
"""

from __future__ import annotations

import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Row

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "rasoat"
EXE = BUNDLE / ("rasoat.exe" if sys.platform == "win32" else "rasoat")
SKIPPED = math.nan
# Issue 22: what a commune officer copies from a USB stick, in MB of 2**20 bytes
# (tests/packaging/test_bundle.py fails past it).
BUNDLE_GOAL_MB = 150


def bundle_size_mb(folder: Path = BUNDLE) -> tuple[float, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 2**20, len(files)


def first_paint(command: list[str]) -> tuple[float, float]:
    """Seconds from spawning ``command --startup-probe`` to the main window's first paint, and
    the CPU seconds the process used (user + system, its exit included): on 2 shared cores the
    wall time swings with the other jobs, the CPU time much less."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RASOAT_HOME=home)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.time()
        done = subprocess.run(
            [*command, "--startup-probe"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode != 0 or "first_paint_epoch=" not in done.stdout:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(last[:120])
    painted = float(done.stdout.split("first_paint_epoch=")[1].split()[0])
    return painted - started, cpu


def load_note() -> str:
    """Start-up times swing with whatever else the 2 cores are doing: say how busy they were."""
    try:
        return f"load avg {os.getloadavg()[0]:.1f}"
    except OSError:
        return ""


def start_rows(label: str, command: list[str], runs: int, baseline: Row | None) -> list[Row]:
    load = load_note()
    try:
        measured = [first_paint(command) for _ in range(runs)]
    except RuntimeError as exc:
        note = f"failed: {exc}".replace("|", "/")
        return [Row(f"{label}: start to first paint", SKIPPED, "s", "< 2 s", note=note)]
    times = [wall for wall, _ in measured]
    cpus = [cpu for _, cpu in measured]
    first = Row(
        f"{label}: first run, start to first paint",
        times[0],
        "s",
        "< 2 s",
        baseline.value if baseline else None,
        note=f"CPU {cpus[0]:.2f} s; {load}",
    )
    rows = [first]
    if len(times) > 1:
        warm = statistics.median(times[1:])
        rows.append(
            Row(
                f"{label}: warm start to first paint (median of {len(times) - 1})",
                warm,
                "s",
                "< 2 s",
                note=(
                    f"min {min(times[1:]):.2f} s, max {max(times[1:]):.2f} s; "
                    f"CPU {statistics.median(cpus[1:]):.2f} s; {load}"
                ),
            )
        )
    return rows


def run(quick: bool) -> list[Row]:
    runs = 2 if quick else 6
    unfrozen = start_rows("python -m rasoat", [sys.executable, "-m", "rasoat"], runs, None)
    if not EXE.exists():
        note = "skipped: no bundle, run `make package`"
        return [
            Row("bundle size (dist/rasoat/)", SKIPPED, "MB", f"< {BUNDLE_GOAL_MB} MB", note=note),
            Row("frozen bundle: start to first paint", SKIPPED, "s", "< 2 s", note=note),
            *unfrozen,
        ]
    size, count = bundle_size_mb()
    frozen = start_rows(
        "frozen bundle",
        [str(EXE)],
        runs,
        unfrozen[0] if not math.isnan(unfrozen[0].value) else None,
    )
    return [
        Row(
            "bundle size (dist/rasoat/)",
            size,
            "MB",
            f"< {BUNDLE_GOAL_MB} MB",
            note=f"{count} files",
        ),
        *frozen,
        *unfrozen,
    ]
