"""Runs the benchmarks and writes their tables into docs/benchmarks.md.

python -m bench            # all
python -m bench db forms   # only bench_db.py and bench_forms.py
python -m bench --quick    # smaller sizes, to check the benchmarks themselves run

A run puts, in each section it runs, the introduction and its new table under the title,
above everything the section held: the earlier tables and the dated notes written by hand
under them (earlier runs, profiles, what was tried). The sections no benchmark writes and the
page's opening are kept (``bench.page.render``): a run that wiped them would lose the only
record of what was measured when.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import Row
from bench.page import OUT, ROOT, render, run_line


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.3g}" if value < 100 else f"{value:,.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("only", nargs="*")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if args.only:
        names = [n for n in names if n.removeprefix("bench_") in args.only]
    sections: list[tuple[str, str, str]] = []
    failed = False
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        rows = _run_alone(name, args.quick)
        if rows is None:
            print(f"   {name} failed: its section is left as it was", flush=True)
            failed = True
            continue
        lines = [
            run_line("make bench"),
            "",
            "| measure | value | unit | bare baseline | ratio | goal | note |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
            lines.append(
                f"| {r.name} | {fmt(r.value)} | {r.unit} | {fmt(r.baseline)} | {ratio} "
                f"| {r.goal} | {r.note} |"
            )
            print(f"   {r.name}: {fmt(r.value)} {r.unit} {ratio}", flush=True)
        title = f"## {name.removeprefix('bench_')}"
        sections.append((title, (module.__doc__ or "").strip(), "\n".join(lines)))
    if args.quick:
        print("(--quick: docs/benchmarks.md left unchanged)")
        return 0
    old = OUT.read_text(encoding="utf-8") if OUT.exists() else None
    OUT.write_text(render(old, sections), encoding="utf-8")
    print(f"wrote {OUT}")
    return 1 if failed else 0


def _run_alone(name: str, quick: bool) -> list[Row] | None:
    """One module's rows, measured in a process of its own (``bench.one``): a module's peak
    memory is then its own, not the largest of every module run before it in this process.
    None when it failed (its traceback is on stderr)."""
    with tempfile.TemporaryDirectory(prefix="rasoat-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        command = [sys.executable, "-m", "bench.one", name, str(out)]
        if subprocess.run(command + (["--quick"] if quick else [])).returncode != 0:
            return None
        return [Row(**fields) for fields in json.loads(out.read_text(encoding="utf-8"))]


if __name__ == "__main__":
    sys.exit(main())
