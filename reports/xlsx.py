"""Render the tables of a ``reports.document.Document`` as an XLSX workbook (openpyxl).

One sheet per table: title rows, the notes the PDF prints above that table (what DTTS and
KNLĐ stand for, which indicator each number names), the (possibly two-row) header and the
column codes, frozen so they stay on screen; numbers stay numbers, so the commune can sum and
filter them. A workbook read by fixed cell positions (``Table.title_cell``: the exchange
workbook) gets no notes: its rows are the importers' contract.

Written in openpyxl's write-only mode (issue 22: the exchange workbook of 100,000 households
held every cell as an object, 1 GB): each sheet's title and header rows are gathered first
(``_Rows``), its column widths, frozen panes and print settings set before the first row goes
out, then the data rows streamed one by one; merged ranges are written at the sheet's end.
Each sheet streams into the workbook's own owner-only folder (``reports.spool``), removed
when the workbook is written or fails, never into ``$TMPDIR/openpyxl.*``.
"""

from __future__ import annotations

import contextlib
import html
import math
import os
import re
import tempfile
from collections.abc import Callable
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from reports.document import (
    Column,
    Document,
    Para,
    Part,
    SignatureBox,
    Signatures,
    Table,
    clean,
)
from reports.xlsx_text import keep_as_text

Progress = Callable[[int, int], None]

CHARS_PER_WEIGHT = 7.0  # a column of weight 1 is about seven characters wide
# The signed lists give their columns in millimetres of the A4 landscape page (267 mm between
# the margins; weights elsewhere add up to under 50). An Excel width unit, one character of the
# default 11 pt font, is about 1.9 mm: a 12 mm "DTTS" column is 6 characters, not 84.
MM_TABLE = 150.0
MM_PER_CHAR = 1.9
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EBEBEB")
WRAP = Alignment(vertical="top", wrap_text=True)
FORMATS = {"int": "#,##0", "plain": "0", "year": "0", "float": "#,##0.0", "percent": "0.0"}
FORBIDDEN_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
NOTE_LINE_HEIGHT = 14.0  # points per line of a 10 pt note; Excel does not fit merged rows
TAG = re.compile(r"<[^>]+>")


def sheet_name(name: str, taken: set[str]) -> str:
    base = (str(clean(name)) or "Bảng").translate(FORBIDDEN_SHEET_CHARS).strip()[:31]
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


class _Rows:
    """The cells of a write-only sheet's rows not written yet, set in any order (the titles
    and the header, a few dozen cells), then sent out in row order by ``flush``."""

    def __init__(self, ws: WriteOnlyWorksheet, spooled: _Spooled) -> None:
        self.ws = ws
        self.spooled = spooled
        self.pending: dict[int, dict[int, Cell]] = {}
        self.written = 0  # rows already sent to the sheet

    def cell(self, row: int, column: int, value: object = None) -> Cell:
        if row <= self.written:
            raise ValueError(f"row {row} of a write-only sheet is already written")
        cells = self.pending.setdefault(row, {})
        cell = cells.get(column)
        if cell is None:
            cell = cells[column] = WriteOnlyCell(self.ws)
        if value is not None:
            cell.value = value
        return cell

    def merge_cells(self, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
        self.ws.merged_cells.add(
            CellRange(min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row)
        )

    def append(self, cells: list[Cell]) -> None:
        """One whole row after the pending ones (flushed first)."""
        self.flush()
        for cell in cells:
            keep_as_text(cell)
        self.spooled.writer_for(self.ws)
        self.ws.append(cells)
        self.written += 1

    def flush(self) -> None:
        last = max(self.pending, default=0)
        for row in range(self.written + 1, last + 1):
            cells = self.pending.pop(row, {})
            line: list[Cell | None] = [None] * max(cells, default=0)
            for column, cell in cells.items():
                keep_as_text(cell)
                line[column - 1] = cell
            self.spooled.writer_for(self.ws)
            self.ws.append(line)
        self.written = max(self.written, last)


class _Spooled:
    """The sheet files of one workbook, in its own folder (``reports.spool``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[str] = []

    def writer_for(self, ws: WriteOnlyWorksheet) -> None:
        """``ws``'s writer, made as openpyxl's ``_get_writer`` makes it on the first row
        (after the column widths, panes and print settings it writes first), with its file
        in the workbook's folder (0600) rather than ``$TMPDIR``. Listed where openpyxl lists
        its own, since its save removes each sheet's file from that list once zipped."""
        if ws._writer is not None:
            return
        fd, name = tempfile.mkstemp(prefix="trang-", suffix=".xml", dir=self.folder)
        os.close(fd)
        self.files.append(name)
        ALL_TEMP_FILES.append(name)
        ws._writer = WorksheetWriter(ws, out=name)
        ws._writer.write_top()

    def close(self, wb: Workbook) -> None:
        """Each sheet's stream closed (its file handle let go) and its file off openpyxl's
        list: after a failure the folder is removed, and nothing is left for openpyxl's
        exit handler."""
        for ws in wb.worksheets:
            # The rows' stream first (it ends its element on the sheet's stream), then the
            # sheet's (its file); both no-ops once the workbook was saved.
            for stream in (getattr(ws, "_rows", None), getattr(ws, "_writer", None)):
                if stream is not None:
                    with contextlib.suppress(Exception):
                        stream.close()
        for name in self.files:
            with contextlib.suppress(ValueError):
                ALL_TEMP_FILES.remove(name)


def render_xlsx(doc: Document, out: Path, progress: Progress | None = None) -> Path:
    from reports import spool

    with spool.spool_folder() as folder:
        wb = Workbook(write_only=True)
        spooled = _Spooled(folder)
        try:
            return _render(doc, wb, spooled, out, progress)
        finally:
            spooled.close(wb)


def _render(
    doc: Document, wb: Workbook, spooled: _Spooled, out: Path, progress: Progress | None
) -> Path:
    taken: set[str] = set()
    pairs = [(part, table) for part in doc.parts for table in part.tables()]
    total = sum(len(t.rows) for _, t in pairs) or 1
    done = 0
    for part in doc.parts:
        if not part.tables():
            # A part that says in words it has nothing to list (a village with no poor
            # household): its sheet has the header, the words and the signatures.
            ws = wb.create_sheet(sheet_name(part.title, taken))
            _write_words(_Rows(ws, spooled), part)
            continue
        for table in part.tables():
            ws = wb.create_sheet(sheet_name(table.sheet or table.caption or part.title, taken))
            _write(_Rows(ws, spooled), part, table, notes_for(part, table))
            done += len(table.rows)
            if progress is not None:
                progress(done, total)
    if not doc.parts:  # a workbook needs a sheet; a normal one starts with "Sheet"
        wb.create_sheet("Sheet")
    wb.properties.title = str(clean(doc.title))
    wb.properties.creator = "Rà soát"
    for ws in wb.worksheets:  # a sheet with no row written yet gets its writer now too
        spooled.writer_for(ws)
    wb.save(out)
    return out


# The columns a sheet of words is laid out on (its header's two sides, the signatures).
_WORDS_LAYOUT = Table([Column("", width=2.0) for _ in range(8)])


def _write_words(ws: _Rows, part: Part) -> None:
    """A part with no table as a sheet: the administrative header, the title and subtitles,
    its paragraphs and signatures, printed A4 landscape."""
    ncol = len(_WORDS_LAYOUT.columns)
    row = _admin_header(ws, part, ncol)
    for i, text in enumerate([part.title.upper(), *part.subtitles]):
        row = _title_row(ws, row, text, ncol, size=13 if i == 0 else 11, left=False)
    for i, width in enumerate(char_widths(_WORDS_LAYOUT)):
        ws.ws.column_dimensions[get_column_letter(i + 1)].width = width
    _page_setup(ws.ws, 1, None)
    blocks = [b for b in part.blocks if isinstance(b, Para | Signatures)]
    _closing(ws, row + 1, blocks, _WORDS_LAYOUT)
    ws.flush()


def _admin_header(ws: _Rows, part: Part, ncol: int, rows: int | None = None) -> int:
    """The administrative header as the PDF sets it (documents.md: every document): the
    issuing body and the number on the left, the national name, the motto and the place and
    date on the right, in at most ``rows`` rows (a workbook read by fixed positions has its
    title below them); returns the row after it. A signed list's workbook once began with the
    commune's name alone, no national name, no date, no number."""
    header = part.header
    left = [] if header.motto_only else list(header.issuer)
    numbered = [header.number] if header.number and not header.motto_only else []
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    right.append(header.date_line())
    split = max(2, round(ncol * 0.4))  # the left 40 % for the issuer, as on paper
    if split >= ncol:  # too few columns for two sides: one under the other
        lines = [*left, *numbered, *right]
        for i, text in enumerate(lines):
            cell = ws.cell(row=i + 1, column=1, value=clean(text))
            cell.font = Font(bold=i < len(left) + len(numbered) + 2 and text not in numbered)
            cell.alignment = Alignment(horizontal="center")
            if ncol > 1:
                ws.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=ncol)
        return len(lines) + 2
    left_lines = [*left, *numbered]
    height = max(len(left_lines), len(right))
    for i in range(height if rows is None else min(rows, height)):
        r = i + 1
        if i < len(left_lines):
            cell = ws.cell(row=r, column=1, value=clean(left_lines[i]))
            cell.font = Font(bold=i < len(left))
            cell.alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=split)
        if i < len(right):
            cell = ws.cell(row=r, column=split + 1, value=clean(right[i]))
            cell.font = Font(bold=i < 2, italic=i == 2)
            cell.alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=r, start_column=split + 1, end_row=r, end_column=ncol)
    return height + 2  # a row left empty under it


def _titles(ws: _Rows, part: Part, table: Table, notes: list[str]) -> int:
    """The administrative header, the title and subtitle rows, then the notes the PDF prints
    above the table ("Kính gửi: …", the key to its columns), then the table's caption, as the
    PDF orders them (the caption "Biểu 1 …" came before "Kính gửi"); returns the first
    header row."""
    ncol = len(table.columns)
    row = _admin_header(ws, part, ncol)
    titles = [part.title.upper(), *part.subtitles]
    for i, text in enumerate(titles):
        row = _title_row(ws, row, text, ncol, size=13 if i == 0 else 11, left=False)
    if notes:
        row = _notes(ws, row + 1, notes, table) - 1
    if table.caption:
        row = _title_row(ws, row, table.caption, ncol, size=11, left=False)
    return row + 1


def _title_row(ws: _Rows, row: int, text: str, ncol: int, *, size: int, left: bool) -> int:
    cell = ws.cell(row=row, column=1, value=clean(text))
    cell.font = Font(bold=True, size=size)
    cell.alignment = Alignment(horizontal="left" if left else "center")
    if not left and ncol > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol)
    return row + 1


def char_widths(table: Table) -> list[float]:
    """Each column's width in Excel characters, from millimetres or from weights."""
    in_mm = sum(c.width for c in table.columns) > MM_TABLE
    return [
        max(4.0, c.width / MM_PER_CHAR if in_mm else c.width * CHARS_PER_WEIGHT)
        for c in table.columns
    ]


def notes_for(part: Part, table: Table) -> list[str]:
    """The paragraphs the PDF prints between the previous table (or the titles) and this one,
    as plain text: the key to the table's abbreviations and numbers."""
    notes: list[str] = []
    for block in part.blocks:
        if block is table:
            return notes
        if isinstance(block, Table):
            notes = []
        elif isinstance(block, Para):
            text = _plain(block.text, block.markup)
            if text:
                notes.append(str(clean(text)))
    return []


def _notes(ws: _Rows, row: int, notes: list[str], table: Table) -> int:
    """Each note on its own row over the table's width, wrapped, tall enough for its lines;
    returns the row after them (one left empty above the header)."""
    for text in notes:
        # A 10 pt character is narrower than the 11 pt one a column width counts in.
        row = _text_row(ws, row, text, table, Font(italic=True, size=10), narrower=1.1)
    return row + 1


def _text_row(
    ws: _Rows, row: int, text: str, table: Table, font: Font, narrower: float = 1.0
) -> int:
    """``text`` on its own row over the table's width, wrapped, tall enough for its lines
    (``narrower``: how many more of the font's characters a column width holds); the row
    after it."""
    ncol = len(table.columns)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = font
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    if ncol > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol)
    chars = sum(char_widths(table)) * narrower
    lines = sum(max(1, math.ceil(len(line) / chars)) for line in text.split("\n"))
    ws.ws.row_dimensions[row].height = NOTE_LINE_HEIGHT * lines
    return row + 1


def _fixed_titles(ws: _Rows, part: Part, table: Table, header_rows: int) -> int:
    """Titles for a workbook read by fixed positions: the administrative header in the rows
    above the title, the title in ``table.title_cell``, subtitles while rows remain before the
    header (none on a sheet whose header follows the title directly)."""
    ncol = len(table.columns)
    letters, title_row = coordinate_from_string(table.title_cell)
    title_col = column_index_from_string(letters)
    header_row = table.first_data_row - header_rows
    if not 1 < title_row < header_row:
        raise ValueError(
            f"{table.title_cell} leaves no room for a header above row {table.first_data_row}"
        )
    _admin_header(ws, part, ncol, rows=title_row - 1)
    lines = [part.title.upper(), *part.subtitles][: header_row - title_row]
    for i, text in enumerate(lines):
        r = title_row + i
        cell = ws.cell(row=r, column=title_col, value=clean(text))
        cell.font = Font(bold=True, size=13 if i == 0 else 11)
        cell.alignment = Alignment(horizontal="center")
        if title_col < ncol:
            ws.merge_cells(start_row=r, start_column=title_col, end_row=r, end_column=ncol)
    return header_row


def _write(ws: _Rows, part: Part, table: Table, notes: list[str] | None = None) -> None:
    cols = table.columns
    ncol = len(cols)
    bold = Font(bold=True)
    grouped = any(c.group for c in cols)
    header_rows = (2 if grouped else 1) + (1 if table.show_codes else 0)
    if table.title_cell:
        row = _fixed_titles(ws, part, table, header_rows)
    else:
        row = _titles(ws, part, table, notes or [])
    first_header = row
    if grouped:
        i = 0
        while i < ncol:
            col = cols[i]
            if not col.group:
                ws.cell(row=row, column=i + 1, value=clean(col.title))
                ws.merge_cells(start_row=row, start_column=i + 1, end_row=row + 1, end_column=i + 1)
                i += 1
                continue
            j = i
            while j + 1 < ncol and cols[j + 1].group == col.group:
                j += 1
            ws.cell(row=row, column=i + 1, value=clean(col.group))
            if j > i:
                ws.merge_cells(start_row=row, start_column=i + 1, end_row=row, end_column=j + 1)
            for k in range(i, j + 1):
                ws.cell(row=row + 1, column=k + 1, value=clean(cols[k].title))
            i = j + 1
        row += 2
    else:
        for i, col in enumerate(cols):
            ws.cell(row=row, column=i + 1, value=clean(col.title))
        row += 1
    if table.show_codes:
        for i, col in enumerate(cols):
            ws.cell(row=row, column=i + 1, value=col.code).font = Font(italic=True)
        row += 1
    for r in range(first_header, row):
        for c in range(1, ncol + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = BOX
            cell.fill = HEAD_FILL
            if r < row - (1 if table.show_codes else 0):
                cell.font = bold
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    # Written at the top of the sheet's XML: set before its first row goes out.
    ws.ws.freeze_panes = f"A{row}"
    for i, width in enumerate(char_widths(table)):
        ws.ws.column_dimensions[get_column_letter(i + 1)].width = width
    _page_setup(ws.ws, first_header, row - 1)
    ws.flush()
    # Text columns are formatted as text ("@"): a commune code "02947" or a CCCD typed over
    # later keeps its leading zero.
    formats = [FORMATS.get(c.kind, "@") for c in cols]
    # Setting border/font/format cell by cell hashes openpyxl style objects each time (most
    # of the write on a long list); each combination is set up once on a spare cell and its
    # style array copied (openpyxl's ``_style`` is the documented-by-use way to do that).
    styles: dict[tuple[str | None, bool], StyleArray] = {}
    spare = WriteOnlyCell(ws.ws)

    def style_for(fmt: str | None, is_bold: bool) -> StyleArray:
        key = (fmt, is_bold)
        if key not in styles:
            spare.border = BOX
            spare.number_format = fmt or "General"
            spare.font = bold if is_bold else Font()
            spare.alignment = WRAP
            styles[key] = copy(spare._style)
        return styles[key]

    for trow in table.rows:
        if trow.style == "section":
            cell = WriteOnlyCell(ws.ws, value=clean(trow.cells[0]))
            cell.font = bold
            if ncol > 1:
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol)
            ws.append([cell])
            row += 1
            continue
        is_total = trow.style == "total"
        cells = []
        for i in range(ncol):
            value = clean(trow.cells[i]) if i < len(trow.cells) else None
            cell = WriteOnlyCell(ws.ws, value=value)
            fmt = formats[i] if isinstance(value, int | float) == (formats[i] != "@") else None
            cell._style = copy(style_for(fmt, is_total))
            cells.append(cell)
        ws.append(cells)
        row += 1
    if not table.title_cell:  # a workbook read by positions ends with its rows
        row = _closing(ws, row + 1, closing_blocks(part, table), table)
    ws.flush()


def closing_blocks(part: Part, table: Table) -> list[Para | Signatures]:
    """What the PDF prints after ``table`` when it is its part's last: the paragraphs (the
    minutes' "III. Ý KIẾN KHÁC", its closing sentence) and the signatures."""
    blocks = part.blocks
    at = next((i for i, b in enumerate(blocks) if b is table), len(blocks))
    after = blocks[at + 1 :]
    if any(isinstance(b, Table) for b in after):
        return []
    return [b for b in after if isinstance(b, Para | Signatures)]


def _plain(text: str, markup: bool) -> str:
    if markup:
        text = html.unescape(TAG.sub(" ", text.replace("<br/>", "\n")))
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _closing(ws: _Rows, row: int, blocks: list[Para | Signatures], table: Table) -> int:
    """The paragraphs and signatures under the table, as the PDF prints them; a signed list's
    workbook once ended at its total, nobody to sign it. Returns the row after them."""
    ncol = len(table.columns)
    for block in blocks:
        if isinstance(block, Para):
            text = str(clean(_plain(block.text, block.markup)))
            if text:
                font = Font(bold=block.style == "heading", italic=block.style == "italic")
                row = _text_row(ws, row, text, table, font)
            continue
        # Side by side, as many as there are columns for (a narrow table: the rest below).
        for start in range(0, len(block.boxes), ncol):
            row = _signature_row(ws, row + 1, block.boxes[start : start + ncol], ncol)
    return row


def _signature_row(ws: _Rows, row: int, boxes: list[SignatureBox], ncol: int) -> int:
    """Boxes side by side from ``row``: the line over the title, the title, the note (a
    recipient list's lines left), the signer's name under room to sign; the row after."""
    spans = _spans(ncol, len(boxes))
    columns = [
        [
            (box.above, Font(bold=True)),
            (box.title, Font(bold=True, italic=box.recipients)),
            *[(line, Font(italic=not box.recipients)) for line in box.note.split("<br/>")],
            *([("", Font()), ("", Font()), (box.name, Font(bold=True))] if box.name else []),
        ]
        for box in boxes
    ]
    height = max(len(c) for c in columns)
    for i in range(height):
        for (first, last), box, lines in zip(spans, boxes, columns, strict=True):
            if i >= len(lines) or not lines[i][0]:
                continue
            text, font = lines[i]
            cell = ws.cell(row=row + i, column=first, value=clean(_plain(text, True)))
            cell.font = font
            cell.alignment = Alignment(horizontal="left" if box.recipients else "center")
            if last > first:
                ws.merge_cells(
                    start_row=row + i, start_column=first, end_row=row + i, end_column=last
                )
    return row + height


def _spans(ncol: int, n: int) -> list[tuple[int, int]]:
    """``n`` runs of columns side by side over ``ncol`` columns, as equal as they come."""
    n = max(1, min(n, ncol))
    edges = [round(ncol * k / n) for k in range(n + 1)]
    return [(edges[k] + 1, max(edges[k] + 1, edges[k + 1])) for k in range(n)]


def _page_setup(ws: WriteOnlyWorksheet, first_header: int, last_header: int | None) -> None:
    """Printed from Excel as the PDF prints: A4 landscape, one page wide, the header rows on
    every page, "Trang x/y" at the foot."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if last_header is not None:  # a sheet of words has no table header to repeat
        ws.print_title_rows = f"{first_header}:{last_header}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, footer=0.3)
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.size = 9
