"""Read page by page with pdftotext (issue 15, items 10 and 11): no page begins with a
signature block, no page ends with a heading (a list's "II. HỘ CẬN NGHÈO", a village, a
section of the minutes), and each separately signed part counts its pages from 1."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import reports
from db.store import Store
from reports.catalog import DOCUMENTS
from tests.reports.conftest import VILLAGES, cadre_for, store_for

SIGNATURE_STARTS = ("NGƯỜI LẬP", "THƯ KÝ", "TM. ỦY BAN", "CHỦ TỊCH", "TRƯỞNG THÔN", "(Ký")
HEADING = re.compile(r"^(?:[IVX]+\.?\s+[A-ZĐÀ-Ỹ ,]+|Biểu \d+\..*)$")
FOOTER = re.compile(r"^Trang (\d+)/(\d+)$")


def pages(path: Path) -> list[list[str]]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [[line.strip() for line in p.splitlines() if line.strip()] for p in text.split("\f")][
        :-1
    ]


def problems(path: Path, villages: list[str]) -> list[str]:
    found = []
    for number, lines in enumerate(pages(path), start=1):
        body = [line for line in lines if not FOOTER.match(line)]
        if not body:
            found.append(f"page {number} empty")
            continue
        if body[0].startswith(SIGNATURE_STARTS):
            found.append(f"page {number} begins with signatures: {body[0]!r}")
        last = " ".join(body[-1].split())
        if HEADING.match(last) or last in villages:
            found.append(f"page {number} ends with a heading: {last!r}")
    return found


def footers(path: Path) -> list[tuple[int, int]]:
    out = []
    for lines in pages(path):
        marks = [m for line in lines if (m := FOOTER.match(line))]
        assert len(marks) == 1
        out.append((int(marks[0][1]), int(marks[0][2])))
    return out


PDF_KINDS = [
    k
    for k, spec in DOCUMENTS.items()
    if "pdf" in spec.formats and not spec.needs_household and k != "certificate"
]


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_no_lonely_signatures_or_headings(
    request: pytest.FixtureRequest, tmp_path: Path, kind: str
) -> None:
    store = store_for(kind, request)
    pdf = reports.build(kind, store, tmp_path / f"{kind}.pdf", cadre=cadre_for(kind))
    assert problems(pdf, VILLAGES) == []


@pytest.mark.parametrize("kind", ["meeting_list", "detail_list", "final_list", "posting_list"])
def test_a_long_village_keeps_headings_and_signatures_with_rows(
    big_file: Path, tmp_path: Path, kind: str
) -> None:
    with Store.open(big_file, user="t", device="t") as store:
        pdf = reports.build(kind, store, tmp_path / f"{kind}.pdf")
    assert len(pages(pdf)) > 10
    assert problems(pdf, ["Thôn Đồng Tâm"]) == []


def restarts(marks: list[tuple[int, int]]) -> list[int]:
    """The page counts of the parts, checking that each counts 1..n."""
    counts, expected = [], 1
    for page, total in marks:
        assert page == expected, marks
        if page == total:
            counts.append(total)
            expected = 1
        else:
            expected += 1
    assert expected == 1, marks
    return counts


def test_each_village_list_and_minutes_count_their_own_pages(
    small_store: Store, tmp_path: Path
) -> None:
    listed = restarts(footers(reports.build("meeting_list", small_store, tmp_path / "m.pdf")))
    assert len(listed) == len(VILLAGES)
    minutes = restarts(footers(reports.build("meeting_minutes", small_store, tmp_path / "b.pdf")))
    assert 1 <= len(minutes) <= len(VILLAGES)


@pytest.mark.parametrize(
    ("kind", "parts"), [("final_list", 2), ("escaped_list", 2), ("detail_list", 2)]
)
def test_each_part_of_a_list_counts_its_own_pages(
    small_store: Store, tmp_path: Path, kind: str, parts: int
) -> None:
    marks = footers(reports.build(kind, small_store, tmp_path / f"{kind}.pdf"))
    assert len(restarts(marks)) == parts


def test_column_codes_have_no_gap() -> None:
    from reports.lists import household_columns

    for with_village in (True, False):
        letters = [c.code for c in household_columns(with_village) if not c.code.isdigit()]
        assert letters == [chr(ord("A") + i) for i in range(len(letters))]


SET_FONT = re.compile(rb"/[\w+-]+\s+(-?[\d.]+)\s+Tf\b")


def font_sizes(path: Path) -> set[float]:
    """Every font size the pages' content streams set (the "Tf" operator)."""
    from pypdf import PdfReader

    sizes: set[float] = set()
    for page in PdfReader(path).pages:
        data = page.get_contents()
        assert data is not None
        sizes.update(float(m[1]) for m in SET_FONT.finditer(data.get_data()))
    return sizes


@pytest.mark.parametrize("kind", [k for k, s in DOCUMENTS.items() if "pdf" in s.formats])
def test_no_text_under_10_pt(request: pytest.FixtureRequest, tmp_path: Path, kind: str) -> None:
    """Issue 15, item 12: body 13 pt as in Decree 30/2020/NĐ-CP practice, nothing under 10 pt
    (table cells, column codes and "Trang x/y" included)."""
    small_store = store_for(kind, request)
    household = None
    if DOCUMENTS[kind].needs_household:
        rnd = small_store.current_round()
        assert rnd is not None
        household = next(iter(small_store.results_for_round(rnd.id)))[0].id
    pdf = reports.build(
        kind, small_store, tmp_path / f"{kind}.pdf", household_id=household, cadre=cadre_for(kind)
    )
    sizes = font_sizes(pdf)
    assert sizes
    assert min(sizes) >= 10, sorted(sizes)
    if kind in ("posting_notice", "decision", "meeting_minutes"):
        assert 13 in sizes  # their body text
