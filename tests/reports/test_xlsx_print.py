"""Every XLSX prints (issue 15, item 13): A4 landscape, one page wide, header rows repeated,
wrapped text, read back with openpyxl; and it holds the same rows as the PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

import reports
from db.store import Store
from reports.catalog import DOCUMENTS
from tests.reports.conftest import cadre_for

XLSX_KINDS = [k for k, spec in DOCUMENTS.items() if "xlsx" in spec.formats]


@pytest.mark.parametrize("kind", XLSX_KINDS)
def test_every_sheet_is_set_up_for_a4_landscape(
    small_store: Store, tmp_path: Path, kind: str
) -> None:
    out = reports.build(
        kind, small_store, tmp_path / f"{kind}.xlsx", fmt="xlsx", cadre=cadre_for(kind)
    )
    wb = load_workbook(out)
    assert wb.worksheets
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert int(setup.paperSize) == 9  # A4
        assert int(setup.fitToWidth) == 1
        assert int(setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in ws.oddFooter.center.text
        if ws.freeze_panes is None:  # a part saying in words it has nothing to list
            assert ws.print_title_rows is None
            assert ws.max_row > 5
            continue
        # The repeated rows are the header: they end right above the frozen first data row.
        first, last = (int(x.strip("$")) for x in ws.print_title_rows.split(":"))
        frozen = ws[ws.freeze_panes].row
        assert last == frozen - 1
        assert first <= last
        assert ws.cell(row=first, column=1).value or ws.cell(row=first, column=2).value
        # Data cells wrap instead of running under their neighbours.
        data_row = next(
            (r for r in ws.iter_rows(min_row=frozen) if isinstance(r[0].value, int)), None
        )
        if data_row is not None:
            assert all(c.alignment.wrap_text for c in data_row), ws.title
        widths = [
            ws.column_dimensions[get_column_letter(i)].width for i in range(1, ws.max_column + 1)
        ]
        assert all(w >= 4 for w in widths), ws.title


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("kind", ["meeting_list", "final_list", "escaped_list", "detail_list"])
def test_the_workbook_holds_the_rows_of_the_pdf(
    small_store: Store, tmp_path: Path, kind: str
) -> None:
    xlsx = load_workbook(reports.build(kind, small_store, tmp_path / "a.xlsx", fmt="xlsx"))
    text = " ".join(pdf_text(reports.build(kind, small_store, tmp_path / "a.pdf")).split())
    document = reports.build_document(kind, small_store)
    tables = document.tables()
    assert len(xlsx.worksheets) == len(tables)
    for ws, table in zip(xlsx.worksheets, tables, strict=True):
        frozen = ws[ws.freeze_panes].row
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=frozen)]
        # The table's rows, then what the PDF prints under its part's last table: the
        # signatures (the workbook once ended at the total, nobody to sign it).
        rows, closing = rows[: len(table.rows)], rows[len(table.rows) :]
        assert len(rows) == len(table.rows), ws.title
        assert [c for c in rows[-1] if c is not None][:1] == [
            c for c in table.rows[-1].cells if c is not None
        ][:1]
        last = table is [t for t in document.parts if table in t.tables()][0].tables()[-1]
        signs = [v for r in closing for v in r if isinstance(v, str) and v.startswith("(Ký")]
        assert bool(signs) == last, ws.title
        codes = [r[table_code_column(table)] for r in rows if r and isinstance(r[0], int)]
        for code in codes:
            assert str(code) in text, (ws.title, code)


def table_code_column(table: object) -> int:
    titles = [c.title for c in table.columns]  # type: ignore[attr-defined]
    for name in ("Mã hộ", "Họ, tên chủ hộ và thành viên trong hộ", "Họ và tên chủ hộ"):
        if name in titles:
            return titles.index(name)
    return 1
