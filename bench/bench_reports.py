"""Printed documents: a 5,000-row household list (the meeting-list columns, rows made by the
list's own row builder from generated households) rendered as PDF and as XLSX. The PDF is set
against a bare reportlab LongTable of the same cell texts, widths, font and grid, built in the
same run. Ours adds the header block, text wrapping, section/total styling and two-pass
"Trang x/y" numbering, but lays the body out in 400-row chunks under one header table, which
spares reportlab's re-measuring of every remaining row at each page break (why it can beat
the bare table). Last rows: `reports.build` end to end from a commune file (the demo commune,
one round read through the Store), where decoding the households dominates.

Then the resident memory of whole commands on the 100,000-household file (issue 22: every
command under 500 MB, the laptops have 4 GB): each run as ``python -m rasoat`` in a process of
its own on a copy of the cached file (a print writes its audit row), its peak RSS from the
kernel (``wait4``, through ``bench.peak``: started straight from this process, a command
inherits its peak). Skipped when the file is not cached (building it takes about 45 minutes:
``python -m bench gui``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench import Row, cached_demo_commune, peak_rss_mb, timer


def _document(n: int) -> object:
    from forms.classify import classify
    from forms.demo import generate_households
    from forms.standards import load_standard
    from reports.document import Document, Header, Part, Table
    from reports.lists import household_cells, household_columns
    from reports.review import Entry

    standard = load_standard("nd07-2022-2025")
    ref = date(2026, 12, 31)
    table = Table(household_columns(True), sheet="Danh sách", show_codes=True)
    for i, h in enumerate(generate_households(n, seed=11)):
        entry = Entry(h, classify(h, standard, 2026))
        table.add(household_cells(i + 1, entry, ref, True))
    part = Part(
        Header(["UBND xã Bảo Yên", "Thôn Đồng Tâm"], "Thôn Đồng Tâm"), "Danh sách", [], [table]
    )
    return Document("bench", "Danh sách", [part], landscape=True)


def _bare(doc: object, out: Path) -> None:
    """The same texts in a plain LongTable: what reportlab costs with nothing of ours."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import LongTable, SimpleDocTemplate

    from reports.document import format_number
    from reports.pdf import FONT, MARGIN, TABLE_FONT_SIZE, _widths, register_fonts

    register_fonts()
    table = doc.parts[0].tables()[0]  # type: ignore[attr-defined]
    data = [[c.title for c in table.columns]]
    for row in table.rows:
        data.append(
            [format_number(v, c.kind) for v, c in zip(row.cells, table.columns, strict=False)]
        )
    size = landscape(A4)
    widths = _widths(table.columns, size[0] - 2 * MARGIN)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), TABLE_FONT_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
    ]
    SimpleDocTemplate(str(out), pagesize=size).build(
        [LongTable(data, colWidths=widths, repeatRows=1, style=style)]
    )


# The heaviest commands on a district-size file (docs/benchmarks.md, reports: every command
# was measured once; these read every household of the round).
COMMANDS = (
    ("rasoat report meeting_list (PDF, all villages)", ["report", "meeting_list"], "pdf"),
    ("rasoat report detail_list (XLSX, all villages)", ["report", "detail_list"], "xlsx"),
    # The workbook sent up, the XLSX with the most rows (1,023 MB in openpyxl's normal mode).
    ("rasoat report exchange_workbook (XLSX)", ["report", "exchange_workbook"], "xlsx"),
    # One part a household (16,500 on the 100,000 demo): 1,024 MB while the whole story was
    # made before the layout (issue 22, session 17).
    ("rasoat report certificate (PDF, the commune's)", ["report", "certificate"], "pdf"),
    (
        "rasoat whatif --standard nd351-2026-2030",
        ["whatif", "--standard", "nd351-2026-2030"],
        "pdf",
    ),
)


def command_peak(args: list[str]) -> tuple[float, float, float]:
    """(peak RSS in MB, wall s, CPU s) of ``python -m rasoat args`` in a process of its own,
    started through ``bench.peak`` so that its peak is not this benchmark's."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.peak", sys.executable, "-m", "rasoat", *args],
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - started
    figures = json.loads(done.stdout) if done.returncode == 0 else {"status": done.returncode}
    if figures["status"] != 0:
        err = done.stderr.decode(errors="replace")
        raise RuntimeError(f"rasoat {' '.join(args)} failed ({figures['status']}): {err[-500:]}")
    return figures["peak_mb"], wall, figures["cpu_s"]


def command_rows(folder: Path) -> list[Row]:
    from bench import CACHE

    big = CACHE / "xa-100000.rasoat.sqlite"
    if not big.exists():
        return [Row("peak RSS of commands on 100,000 households", 0, "MB", note="file not cached")]
    copy = folder / "xa.rasoat.sqlite"
    shutil.copy(big, copy)
    rows = []
    for name, args, fmt in COMMANDS:
        out = folder / f"out.{fmt}"
        if args[0] == "whatif":
            command = [args[0], str(copy), *args[1:], "--out", str(out)]
        else:
            command = [*args, str(copy), "--out", str(out)]
        load = os.getloadavg()[0]
        peak, wall, cpu = command_peak(command)
        rows.append(
            Row(
                f"peak RSS: {name}, 100,000 households",
                peak,
                "MB",
                goal="< 500 MB",
                note=f"{wall:,.0f} s, CPU {cpu:,.0f} s; load avg {load:.1f}",
            )
        )
        out.unlink(missing_ok=True)
    copy.unlink()
    shutil.rmtree(f"{copy}.backups", ignore_errors=True)
    return rows


def run(quick: bool) -> list[Row]:
    os.environ.setdefault("RASOAT_HOME", tempfile.mkdtemp(prefix="rasoat-bench-home-"))
    from reports.pdf import render_pdf
    from reports.xlsx import render_xlsx

    n = 500 if quick else 5000
    out = Path(tempfile.mkdtemp(prefix="rasoat-bench-reports-"))
    doc = _document(n)
    _bare(doc, out / "warm.pdf")  # font loading and imports out of both timings
    # Alternate the two and keep each one's best of three: on a shared, loaded machine a
    # single run of either swings by ±30%.
    bare_runs: list[float] = []
    our_runs: list[float] = []
    for _ in range(1 if quick else 3):
        with timer() as bare:
            _bare(doc, out / "bare.pdf")
        with timer() as ours:
            render_pdf(doc, out / "ours.pdf")  # type: ignore[arg-type]
        bare_runs.append(bare())
        our_runs.append(ours())
    with timer() as xlsx:
        render_xlsx(doc, out / "ours.xlsx")  # type: ignore[arg-type]
    load = f"load avg {os.getloadavg()[0]:.1f}"
    rows = [
        Row(
            f"list of {n:,} rows to PDF (14 columns, repeated header, Trang x/y)",
            min(our_runs),
            "s",
            goal="< 3 s, ≤ 1.5× bare",
            baseline=min(bare_runs),
            note=f"best of {len(our_runs)}; {load}",
        ),
        Row(f"list of {n:,} rows to XLSX", xlsx(), "s", goal="< 3 s", note=load),
    ]

    import reports
    from db.store import Store

    households = 1000 if quick else 10_000
    commune = cached_demo_commune(households)
    with Store.open(commune, user="bench", device="bench") as store:
        first = store.villages()[0].name
        with timer() as whole:
            reports.build("meeting_list", store, out / "e2e.pdf")
        with timer() as one:
            reports.build("meeting_list", store, out / "e2e-one.pdf", village=first)
        villages = [v.name for v in store.villages()]
    # Issue 15, item 10, at the full size (too slow for make test: the commune alone takes
    # ~40 s to build): read page by page, no page ends with a heading or a village's first
    # row, none begins with a signature block. tests/reports/test_page_breaks.py checks the
    # same on a 2,000-household village in the suite.
    from tests.reports.test_page_breaks import pages, problems

    found = problems(out / "e2e.pdf", villages)
    if found:
        raise AssertionError(f"commune meeting list of {households:,} households: {found[:5]}")
    rows.append(
        Row(
            f"meeting_list of {households:,} households: pages read, none with a lone heading,"
            " village row or signature block",
            len(pages(out / "e2e.pdf")),
            "pages",
        )
    )
    rows += [
        Row(
            f"reports.build meeting_list, all villages, {households:,}-household commune",
            whole(),
            "s",
            note="reading every household through the Store is most of it",
        ),
        Row(f"reports.build meeting_list, one village of {households:,}", one(), "s"),
        Row("peak RSS", peak_rss_mb(), "MB", note="this benchmark's process, all of the above"),
    ]
    if not quick:
        rows += command_rows(out)
    shutil.rmtree(out, ignore_errors=True)
    return rows
