"""The workbooks carry the notes the PDFs print above their tables (issue 15 items 6, 13):
what DTTS and KNLĐ stand for and which indicator each number of the final and escaped lists
names; the exchange workbook, read at fixed rows, gets none and keeps its layout."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

import reports
from db.store import Store
from reports.document import Para, Table
from reports.lists import ABBREVIATIONS, indicator_note
from reports.xlsx import notes_for


def squeezed(text: str) -> str:
    """Without spaces and hyphens: pdftotext takes a hyphen ending a line for a word break."""
    return "".join(text.split()).replace("-", "")


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return squeezed(out.stdout)


def above_header(ws: object) -> list[str]:
    """Every text above the first header row (the repeated print rows)."""
    first = int(ws.print_title_rows.split(":")[0].strip("$"))  # type: ignore[attr-defined]
    return [
        str(c.value)
        for r in ws.iter_rows(max_row=first - 1)  # type: ignore[attr-defined]
        for c in r
        if c.value
    ]


@pytest.mark.parametrize(
    "kind", ["meeting_list", "posting_list", "final_list", "escaped_list", "detail_list"]
)
def test_every_sheet_has_the_notes_its_pdf_prints_above_the_table(
    small_store: Store, tmp_path: Path, kind: str
) -> None:
    document = reports.build_document(kind, small_store)
    wb = load_workbook(reports.build(kind, small_store, tmp_path / "a.xlsx", fmt="xlsx"))
    pdf = pdf_text(reports.build(kind, small_store, tmp_path / "a.pdf"))
    pairs = [(part, table) for part in document.parts for table in part.tables()]
    assert len(wb.worksheets) == len(pairs)
    for ws, (part, table) in zip(wb.worksheets, pairs, strict=True):
        notes = notes_for(part, table)
        assert notes, ws.title
        texts = above_header(ws)
        for note in notes:
            assert note in texts, (ws.title, note)
            assert squeezed(note) in pdf  # the same words as on paper
        row = next(r for r in ws.iter_rows() for c in r if c.value == notes[0])[0].row
        assert ws.cell(row=row, column=1).alignment.wrap_text
        assert ws.row_dimensions[row].height >= 14
        # The header stays where the print set-up repeats it, right above the data.
        first, last = (int(x.strip("$")) for x in ws.print_title_rows.split(":"))
        assert row < first <= last == ws[ws.freeze_panes].row - 1


def test_the_final_list_workbook_keys_its_indicator_numbers(
    small_store: Store, tmp_path: Path
) -> None:
    from reports.review import load_review

    data = load_review(small_store)
    wb = load_workbook(reports.build("final_list", small_store, tmp_path / "a.xlsx", fmt="xlsx"))
    for ws in wb.worksheets:
        texts = above_header(ws)
        assert indicator_note(data) in texts
        assert any(ABBREVIATIONS in t for t in texts)
        assert any("1 - " in t for t in texts)


def test_the_exchange_workbook_gets_no_notes(small_store: Store, tmp_path: Path) -> None:
    document = reports.build_document("exchange_workbook", small_store)
    assert all(
        not notes_for(part, table) or not table.title_cell
        for part in document.parts
        for table in part.tables()
    )


def test_markup_notes_are_written_as_plain_text() -> None:
    from reports.document import Header, Part

    table = Table([])
    part = Part(
        Header(["UBND XÃ"], "Xã"),
        "Danh sách",
        blocks=[
            Para("<b>Ghi chú:</b> A &amp; B<br/>dòng hai", markup=True),
            table,
            Para("sau bảng"),
        ],
    )
    assert notes_for(part, table) == ["Ghi chú: A & B\ndòng hai"]


@pytest.mark.parametrize("kind", ["meeting_list", "final_list", "detail_list"])
def test_columns_given_in_millimetres_get_sensible_widths(
    small_store: Store, tmp_path: Path, kind: str
) -> None:
    """The signed lists size their columns in millimetres of the page: about 140 characters
    across in Excel, as the PDF's 267 mm, not seven times the millimetres."""
    from openpyxl.utils import get_column_letter

    wb = load_workbook(reports.build(kind, small_store, tmp_path / "a.xlsx", fmt="xlsx"))
    for ws in wb.worksheets:
        widths = [
            ws.column_dimensions[get_column_letter(i)].width for i in range(1, ws.max_column + 1)
        ]
        assert 110 <= sum(widths) <= 175, (ws.title, widths)
        assert all(w >= 4 for w in widths)
