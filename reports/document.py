"""What a printed document is, independent of how it is rendered.

The content builders (``reports/content_*.py``) fill these plain dataclasses; ``reports/pdf.py``
and ``reports/xlsx.py`` render them. Both renderers read the same rows, so the PDF and the XLSX
of one document cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from forms.model import nfc

CellValue = str | int | float | None
ColumnKind = Literal["text", "int", "plain", "year", "float", "percent"]
RowStyle = Literal["data", "section", "total", "member"]
ParaStyle = Literal["body", "heading", "italic", "center", "bold", "small"]


@dataclass
class Column:
    title: str
    code: str = ""  # the row of column codes under the header: A, B, 1, 2, "9=1-2"
    width: float = 1.0  # relative weight; renderers scale to the page or to characters
    kind: ColumnKind = "text"
    group: str = ""  # a header spanning the consecutive columns sharing it


@dataclass
class TableRow:
    cells: list[CellValue]
    style: RowStyle = "data"  # "section": one text over the whole row (a village, a category)
    # On paper, never the last row of a page: a unit's "Hộ" row with its "Nhân khẩu" row.
    keep_with_next: bool = False


@dataclass
class Table:
    columns: list[Column]
    rows: list[TableRow] = field(default_factory=list)
    sheet: str = ""  # the XLSX sheet name (≤ 31 characters)
    caption: str = ""  # a line above the table (PDF) / a title row (XLSX)
    show_codes: bool = False
    # XLSX only, for workbooks an importer reads by fixed cell positions: the part's title in
    # this cell ("A4") and the first data row (8); the header sits right above the data.
    title_cell: str = ""
    first_data_row: int = 0

    def add(
        self, cells: list[CellValue], style: RowStyle = "data", *, keep_with_next: bool = False
    ) -> None:
        self.rows.append(TableRow(cells, style, keep_with_next))

    def section(self, text: str) -> None:
        self.rows.append(TableRow([text], "section"))

    def data_rows(self) -> list[TableRow]:
        return [r for r in self.rows if r.style in ("data", "member")]


@dataclass
class Para:
    text: str
    style: ParaStyle = "body"
    markup: bool = False  # True: ``text`` carries <b>/<i>/<br/>; data inside it went through esc()


@dataclass
class SignatureBox:
    title: str  # "CHỦ TỊCH", "THƯ KÝ"
    note: str = "(Ký, ghi rõ họ tên)"
    name: str = ""
    above: str = ""  # a line over the title, e.g. "TM. ỦY BAN NHÂN DÂN"
    # "Nơi nhận:" and its lines, set left as Decree 30/2020/NĐ-CP sets them (bold italic
    # title, the recipients under it), with no room to sign.
    recipients: bool = False


@dataclass
class Signatures:
    boxes: list[SignatureBox]


Block = Para | Table | Signatures


@dataclass
class Header:
    """The administrative header: issuing body left, national motto right, place and date."""

    issuer: list[str]  # e.g. ["UBND XÃ AN BÌNH", "THÔN ĐÔNG"]; the last line is bold
    place: str
    when: date | None = None  # None prints "ngày … tháng … năm …" to be filled by hand
    number: str = ""  # "Số: …/TB-UBND"; empty for unnumbered documents
    form_mark: str = ""  # "Mẫu số 01", "Phụ lục V"
    motto_only: bool = False  # a citizen's form: no issuing body

    def date_line(self) -> str:
        if self.when is None:
            return f"{self.place}, ngày …… tháng …… năm ……"
        d = self.when
        return f"{self.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


@dataclass
class Part:
    """One headed piece starting on a new page (a certificate, a list, a form)."""

    header: Header
    title: str
    subtitles: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    # None: the document's orientation. A decision (portrait) with its lists attached
    # (landscape) is one document of both.
    landscape: bool | None = None

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass
class Document:
    kind: str
    title: str  # for file metadata
    parts: list[Part]
    landscape: bool = False
    pages_per_part: bool = False  # "Trang x/y" counts within each part (one per household)

    def tables(self) -> list[Table]:
        return [t for p in self.parts for t in p.tables()]


def esc(text: str) -> str:
    """Data placed inside a markup paragraph: '&', '<' in a name or a note stay text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# What neither a PDF's text nor a workbook's cell may hold (openpyxl raises
# IllegalCharacterError): C0 controls but tab and newline, DEL, C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean(value: CellValue) -> CellValue:
    """Text is drawn in NFC: reportlab does no shaping, decomposed marks would print loose.
    A control character (stored by an older version, or in an append-only audit row) is
    printed as "?": kept, it made the document fail to save."""
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # in C; only such texts need the pattern
        value = _CONTROL.sub("?", value)
    return nfc(value)


def format_number(value: CellValue, kind: ColumnKind) -> str:
    """Vietnamese number style: '.' groups thousands, ',' marks decimals."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if kind in ("year", "plain"):  # years, row numbers: not quantities, no separator
        return str(int(value))
    if kind in ("float", "percent"):
        text = f"{float(value):,.1f}"
    elif isinstance(value, float):  # a rate row: 0,0 and 50,0 like 17,4, one format a row
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
