"""docs/benchmarks.md after `make bench`: the run's tables in, nothing written by hand out.

Before, a full run rewrote the page whole: every dated note under every table (nineteen
sessions of runs, profiles and what was tried) would have gone with one `make bench`."""

from __future__ import annotations

from pathlib import Path

from bench.page import HEADER, render

PAGE = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"

OLD = """# Benchmarks

Opening written by hand.

## Summary by hand

A section no benchmark writes.

## merge

Merging packages.

| measure | value |
|---|---|
| merge | 40 |

Session 3: the table above is the lead's run; tried X, not kept.

| measure | value |
|---|---|
| merge | 55 |

## startup

Start-up.

| measure | value |
|---|---|
| start | 0.7 |
"""


def _run(title: str, intro: str, value: int) -> tuple[str, str, str]:
    table = f"Run by `make bench` on today.\n\n| measure | value |\n|---|---|\n| x | {value} |"
    return (title, intro, table)


def test_a_run_puts_its_table_first_and_keeps_every_note_and_old_table_under_it() -> None:
    page = render(OLD, [_run("## merge", "Merging packages.", 30)])
    merge = page.split("\n## merge\n", 1)[1].split("\n## startup\n", 1)[0]
    assert merge.index("| x | 30 |") < merge.index("| merge | 40 |")
    assert merge.count("Merging packages.") == 1  # the intro, not written twice
    assert "Session 3: the table above is the lead's run; tried X, not kept." in merge
    assert "| merge | 55 |" in merge
    # The opening, the hand-written section and the section not run: as they were, in order.
    assert page.startswith("# Benchmarks\n\nOpening written by hand.\n\n## Summary by hand\n")
    assert page.index("## Summary by hand") < page.index("## merge") < page.index("## startup")
    assert "## startup\n\nStart-up.\n\n| measure | value |\n|---|---|\n| start | 0.7 |\n" in page


def test_a_section_new_to_the_page_is_added_at_the_end_and_a_first_page_is_made() -> None:
    page = render(OLD, [_run("## at_rest", "Encrypted files.", 1)])
    assert page.rstrip().endswith("| x | 1 |")
    assert page.index("## startup") < page.index("## at_rest")
    first = render(None, [_run("## merge", "M.", 2), _run("## db", "D.", 1)])
    assert first.startswith(HEADER)
    assert first.index("## db") < first.index("## merge")


def test_every_line_of_the_real_page_survives_a_run_of_every_section() -> None:
    old = PAGE.read_text(encoding="utf-8")
    titles = [line for line in old.splitlines() if line.startswith("## ")]
    page = render(old, [_run(t, "An intro written now.", 7) for t in titles])
    kept = page.splitlines()
    missing = [line for line in old.splitlines() if line not in kept]
    assert missing == []
    assert page.count("| x | 7 |") == len(titles)


def test_make_soak_puts_its_table_in_and_keeps_the_page(tmp_path: Path) -> None:
    """The long session's driver writes the "soak" section as ``make bench`` writes its
    own: before session 20 it rewrote that section whole and sorted the page's sections."""
    from types import SimpleNamespace

    from tests.desktop.session_driver import SOAK_INTRO, Figures, write_figures

    out = tmp_path / "benchmarks.md"
    old = PAGE.read_text(encoding="utf-8")
    out.write_text(old, encoding="utf-8")
    figures = Figures(events=51_234, households=200, prints=250, packages=10, seconds=400.0)
    watchdog = SimpleNamespace(worst=SimpleNamespace(seconds=0.25, step="in tests"), stalls=[])
    write_figures(figures, watchdog, out)  # type: ignore[arg-type]
    page = out.read_text(encoding="utf-8")
    kept = page.splitlines()
    assert [line for line in old.splitlines() if line not in kept] == []
    soak = page.split("\n## soak\n", 1)[1].split("\n## ", 1)[0]
    assert soak.count(SOAK_INTRO) == 1
    assert soak.index("| keys and choices | 51,234 |") < soak.index("| keys and choices | 53,496 |")
    titles = [line for line in page.splitlines() if line.startswith("## ")]
    assert titles == [line for line in old.splitlines() if line.startswith("## ")]
