"""docs/benchmarks.md as a run leaves it: the tables are the run's, the notes are kept.

The page holds more than the tables: under each one, dated notes written by hand (earlier
runs, profiles, what was tried and why it was or was not kept), and sections no benchmark
writes. A run that rewrote the page whole would lose the only record of what was measured
when; ``render`` puts each new table in, above what its section already held."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "benchmarks.md"

HEADER = """# Benchmarks

The tables are written by `make bench` (`bench/`), each under a line naming its run (date,
commit, machine, load). The notes under a table are written by hand, dated, and kept by every
run: earlier runs, profiles, what was tried and why it was or was not kept."""


def render(old: str | None, sections: list[tuple[str, str, str]]) -> str:
    """The page after a run. ``sections``: each run's (title, intro, table with its run
    line). A section run now gets its title, its intro and its table, then everything the
    old section held under its intro, the old tables included, as notes: nothing written by
    hand is lost, and the earlier runs stay readable under the new one. The old page's
    opening and the sections not run now are kept as they were, in their order; a section
    new to the page is added at the end."""
    new = {title: (intro, table) for title, intro, table in sections}
    # A first page is the opening alone, every section then new to it.
    opening, *parts = (HEADER if old is None else old).split("\n## ")
    out = [opening.rstrip()]
    for part in parts:
        title, _, body = part.partition("\n")
        title = "## " + title
        if title not in new:
            out.append((title + "\n" + body).rstrip())
            continue
        intro, table = new.pop(title)
        notes = body.strip()
        if intro and notes.startswith(intro):  # the intro is the module's, written again
            notes = notes[len(intro) :].strip()
        out.append(_section(title, intro, table, notes))
    out += [_section(k, *new[k], "") for k in sorted(new)]
    return "\n\n".join(out) + "\n"


def _section(title: str, intro: str, table: str, notes: str) -> str:
    return "\n\n".join(part for part in (title, intro, table, notes) if part)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}){mem}, "
        f"Python {platform.python_version()}"
    )


def load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def run_line(command: str) -> str:
    """The line above a run's table: which command, when, at which commit, on what."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"Run by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at {commit}:"
        f" {machine()}; load average {load()}."
    )
