"""Classification engine (forms.classify): 100,000 generated households (forms.demo) classified
under the 2022–2025 standard, one process; plus the cost of the same households' indicators
alone and of result_to_dict (what storage keeps). Generation is not timed."""

from __future__ import annotations

import json
import time

from bench import Row, peak_rss_mb, timer
from forms.classify import classify, classify_many, result_to_dict
from forms.demo import generate_households
from forms.indicators import Context, evaluate
from forms.model import Category
from forms.standards import load_standard, standard_for_year


def run(quick: bool) -> list[Row]:
    n = 5_000 if quick else 100_000
    households = list(generate_households(n, seed=7))
    std = load_standard("nd07-2022-2025")
    rows: list[Row] = []

    cpu_start = time.process_time()
    with timer() as elapsed:
        results = classify_many(households, std, 2025)
    total = elapsed()
    cpu = time.process_time() - cpu_start
    counts = dict.fromkeys(Category, 0)
    for r in results:
        counts[r.category] += 1
    mix = ", ".join(f"{c.value} {counts[c]}" for c in Category if counts[c])
    rows.append(Row(f"classify {n:,} households (ND07, 2025)", total, "s", goal="< 1 s", note=mix))
    rows.append(Row("classify, per household", total / n * 1e6, "µs"))
    rows.append(
        Row(
            "same, CPU time of this process",
            cpu,
            "s",
            goal="< 1 s",
            note="robust to other load on the machine",
        )
    )
    del results
    with timer() as elapsed:
        results = [classify(h, std, 2025) for h in households]
    rows.append(
        Row(
            "same, plain loop with the cyclic GC running",
            elapsed(),
            "s",
            note="what classify_many avoids",
        )
    )

    # The bare baseline: the 12 indicator rules alone, no Result, reasons or income logic.
    from datetime import date

    ref = date(2025, 12, 31)
    specs = std.indicators
    with timer() as elapsed:
        for h in households:
            ctx = Context.of(h, ref)
            for spec in specs:
                evaluate(spec, ctx)
    bare = elapsed()
    rows.append(Row("indicators only (12 rules)", bare, "s", note="share of classify"))
    rows[0].baseline = bare

    std27 = standard_for_year(2027)
    with timer() as elapsed:
        classify_many(households, std27, 2027)
    rows.append(Row(f"classify {n:,} households (ND351, 2027)", elapsed(), "s", goal="< 1 s"))

    with timer() as elapsed:
        size = sum(len(json.dumps(result_to_dict(r), ensure_ascii=False)) for r in results)
    rows.append(
        Row(
            "result_to_dict + json.dumps, all results",
            elapsed(),
            "s",
            note=f"{size / n:,.0f} bytes per result",
        )
    )
    rows.append(Row("peak RSS", peak_rss_mb(), "MB"))
    return rows
