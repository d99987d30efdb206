"""The two renderers on a hand-made document: what every printed list relies on."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

import reports
from reports.document import (
    Column,
    Document,
    Header,
    Para,
    Part,
    SignatureBox,
    Signatures,
    Table,
    format_number,
)
from reports.pdf import render_pdf
from reports.xlsx import render_xlsx


def _doc(rows: int, name: str = "Nguyễn Thị Ánh") -> Document:
    table = Table(
        [
            Column("STT", "A", 0.6, "int"),
            Column("Họ và tên chủ hộ", "B", 3),
            Column("Nam", "1", 1, "year", group="Năm sinh"),
            Column("Nữ", "2", 1, "year", group="Năm sinh"),
            Column("Số nhân khẩu", "3", 1, "int"),
        ],
        sheet="Danh sách",
        show_codes=True,
    )
    table.section("Thôn Đồng Tâm")
    for i in range(rows):
        table.add([i + 1, f"{name} {i}", 1970 + i % 30, None, 1000 + i])
    table.add([None, "Tổng cộng", None, None, sum(1000 + i for i in range(rows))], "total")
    part = Part(
        Header(["UBND xã Đắk Sắk", "Thôn Đồng Tâm"], "Đồng Tâm", date(2026, 11, 20), "Số: 12/TB"),
        "Danh sách hộ nghèo",
        ["Năm 2026"],
        [Para("Căn cứ Nghị định số 07/2021/NĐ-CP."), table, Signatures([SignatureBox("THƯ KÝ")])],
    )
    return Document("test", "Danh sách thử", [part], landscape=True)


def _pages(path: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(path).pages]


def test_long_table_repeats_its_header_and_numbers_every_page(tmp_path: Path) -> None:
    progress: list[tuple[int, int]] = []
    out = render_pdf(_doc(2000), tmp_path / "a.pdf", lambda d, t: progress.append((d, t)))
    pages = _pages(out)
    assert len(pages) > 20
    for i, text in enumerate(pages, start=1):
        # Once per page: never missing after a break, never repeated where body chunks join.
        assert text.count("Họ và tên chủ hộ") == 1
        assert f"Trang {i}/{len(pages)}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0]
    assert "Đồng Tâm, ngày 20 tháng 11 năm 2026" in pages[0]
    assert "CỘNG HÒA" not in pages[1]
    everything = "\n".join(pages)
    assert "Nguyễn Thị Ánh 1999" in everything
    assert format_number(sum(1000 + i for i in range(2000)), "int") in pages[-1]
    assert progress[-1] == (2002, 2002)
    assert "Nguyễn Thị Ánh 399" in everything  # rows either side of a chunk join
    assert "Nguyễn Thị Ánh 400" in everything
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_decomposed_text_prints_composed(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Hoàng Thị Thủy")
    text = "\n".join(_pages(render_pdf(_doc(3, name=nfd), tmp_path / "a.pdf")))
    assert "Hoàng Thị Thủy 0" in text


def test_font_is_embedded(tmp_path: Path) -> None:
    reader = PdfReader(render_pdf(_doc(3), tmp_path / "a.pdf"))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert any(n.endswith("+BeVietnamPro-Regular") for n in names)
    # Nothing else, not even an unused Helvetica: a viewer without it substitutes a font
    # that lacks Vietnamese letters.
    assert all("+BeVietnamPro-" in n for n in names), names


def test_xlsx_keeps_numbers_as_numbers_and_freezes_the_header(tmp_path: Path) -> None:
    wb = load_workbook(render_xlsx(_doc(50), tmp_path / "a.xlsx"))
    ws = wb["Danh sách"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    header_row = next(i for i, r in enumerate(cells) if r[1] == "Họ và tên chủ hộ")
    assert cells[header_row][2] == "Năm sinh"
    assert cells[header_row + 1][2:4] == ["Nam", "Nữ"]
    assert cells[header_row + 2][:3] == ["A", "B", "1"]
    assert ws.freeze_panes == f"A{header_row + 4}"
    assert cells[header_row + 3][0] == "Thôn Đồng Tâm"
    first = cells[header_row + 4]
    assert first[:5] == [1, "Nguyễn Thị Ánh 0", 1970, None, 1000]
    total = next(r for r in cells if r[1] == "Tổng cộng")
    assert total[4] == sum(1000 + i for i in range(50))
    assert cells[-2][0] == "THƯ KÝ"  # the part's signatures under its table
    assert cells[-1][0] == "(Ký, ghi rõ họ tên)"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


def test_number_format_is_vietnamese() -> None:
    assert format_number(1234567, "int") == "1.234.567"
    assert format_number(12.5, "percent") == "12,5"
    assert format_number(1985, "year") == "1985"
    assert format_number(None, "int") == ""


def test_markup_characters_in_data_and_missing_glyphs(tmp_path: Path) -> None:
    part = Part(
        Header(["UBND xã A"], "A"),
        "Thử",
        [],
        [Para("Ý kiến: thu nhập < 1.500.000 & nhà tạm → đề nghị xét"), _doc(2).parts[0].blocks[1]],
    )
    text = "\n".join(_pages(render_pdf(Document("t", "t", [part]), tmp_path / "a.pdf")))
    assert "thu nhập < 1.500.000 & nhà tạm → đề nghị xét" in text  # Symbol font arrow


def test_parts_are_made_into_flowables_as_the_layout_reaches_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of certificates (a part, its own page numbers, each) is laid out a part at a
    time: when a part begins on its page, no part after the next one has been made into
    reportlab's flowables yet (issue 22: made all before the build, the commune's 16,500
    certificates of 100,000 households held 1 GB), and every part is printed, numbered
    within itself, in order."""
    import reports.pdf as pdf

    made: list[int] = []
    at_start: list[int] = []
    part = pdf._part
    start = pdf._PartStart.draw

    def counted(*args: object, **kwargs: object) -> object:
        made.append(len(made))
        return part(*args, **kwargs)  # type: ignore[arg-type]

    def noted(self: pdf._PartStart) -> None:
        at_start.append(len(made))
        start(self)

    monkeypatch.setattr(pdf, "_part", counted)
    monkeypatch.setattr(pdf._PartStart, "draw", noted)
    parts = []
    for n in range(40):
        one = _doc(3 if n % 2 else 60, name=f"Hộ {n:02d}").parts[0]  # one page, or three
        one.title = f"Giấy chứng nhận {n:02d}"
        parts.append(one)
    doc = Document("certificate", "Giấy chứng nhận", parts, pages_per_part=True)
    pages = _pages(render_pdf(doc, tmp_path / "c.pdf"))
    assert len(at_start) == 40
    assert max(m - started for started, m in enumerate(at_start, start=1)) <= 1
    firsts = [p for p in pages if "GIẤY CHỨNG NHẬN" in p]
    assert [f"GIẤY CHỨNG NHẬN {n:02d}" in p for n, p in enumerate(firsts)] == [True] * 40
    assert len(pages) > 40
    assert all(re.search(r"Trang 1/\d", p) for p in firsts)


def test_a_word_too_long_for_its_cell_is_cut_not_drawn_over_the_next() -> None:
    """simpleSplit breaks at spaces only: "Vợ/chồng" or a laptop's id ran into the cell beside
    it. Cut after a "/" or "-" where one fits, else where the cell ends."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics

    from reports.pdf import FONT, TABLE_FONT_SIZE, register_fonts, wrap_cell

    register_fonts()
    inner = 15 * mm
    for text, first in [
        ("Vợ/chồng", "Vợ/"),
        ("e526e958ecc6", None),
        ("03-0009-0001-0002", None),
        ("Không có quan hệ họ hàng", "Không"),
    ]:
        lines = wrap_cell(text, FONT, inner)
        assert all(pdfmetrics.stringWidth(x, FONT, TABLE_FONT_SIZE) <= inner for x in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        if first is not None:
            assert lines[0] == first, lines
    assert wrap_cell("Con", FONT, inner) == ["Con"]


def test_no_word_of_a_catalog_document_is_wider_than_its_column(small_store: Any) -> None:
    """Every PDF of the catalog laid out for the small commune: a household code, a year, a
    relationship ("Vợ/chồng"), an ethnic group ("H'Mông") fits its column whole. Too narrow,
    it was drawn over the next cell, and now is cut (``wrap_cell``): "02-" / "0044"."""
    from reportlab.pdfbase import pdfmetrics

    from reports.catalog import DOCUMENTS
    from reports.pdf import CELL_PAD, FONT, FONT_BOLD, column_widths, register_fonts
    from tests.reports.conftest import cadre_for

    register_fonts()
    checked = 0
    too_wide: dict[tuple[str, str], set[str]] = {}
    for kind in sorted(k for k, spec in DOCUMENTS.items() if "pdf" in spec.formats):
        try:
            doc = reports.build_document(kind, small_store, cadre=cadre_for(kind))
        except reports.ReportError:
            continue
        for part in doc.parts:
            for table in part.tables():
                widths = column_widths(doc, part, table)
                for row in table.rows:
                    if row.style == "section":
                        continue
                    font = FONT_BOLD if row.style == "total" else FONT
                    for col, width, value in zip(table.columns, widths, row.cells, strict=False):
                        if col.kind != "text" or not isinstance(value, str):
                            continue
                        checked += 1
                        for word in value.split():
                            if pdfmetrics.stringWidth(word, font, 10) > width - CELL_PAD:
                                too_wide.setdefault((kind, col.title), set()).add(word)
    assert checked > 1000
    assert too_wide == {}


def test_a_row_kept_with_the_next_never_ends_a_page(tmp_path: Path) -> None:
    """A summary's unit takes two rows (Hộ, Nhân khẩu): the total's "Hộ" row ended a page,
    its "Nhân khẩu" row alone on the next under a repeated header. Every page here ends on a
    unit's second row, though units of two rows cannot all fall evenly."""
    table = Table(
        [Column("Thôn", "A", 3), Column("Đơn vị", "B", 1), Column("Số", "1", 1, "int")],
        sheet="Diễn biến",
    )
    for i in range(150):
        table.add([f"Thôn số {i}", "Hộ", i], keep_with_next=True)
        table.add(["", "Nhân khẩu", 4 * i])
    part = Part(Header(["UBND xã Đắk Sắk"], "Đắk Sắk"), "Tổng hợp", [], [table])
    pages = _pages(render_pdf(Document("t", "Tổng hợp", [part]), tmp_path / "t.pdf"))
    assert len(pages) > 3
    for text in pages:
        last = [w for w in text.split() if w in ("Hộ", "khẩu")][-1]
        assert last == "khẩu", text[-200:]


def test_the_recipients_are_set_left_as_the_decree_sets_them(tmp_path: Path) -> None:
    """ "Nơi nhận:" and its lines start at the left margin (Decree 30/2020/NĐ-CP), not centred
    under a signature's title."""
    from reportlab.lib.units import mm

    part = Part(
        Header(["UBND xã Đắk Sắk"], "Đắk Sắk"),
        "Quyết định",
        [],
        [
            Para("Điều 3. Thi hành."),
            Signatures(
                [
                    SignatureBox("Nơi nhận:", recipients=True, note="- Như Điều 3;<br/>- Lưu: VT."),
                    SignatureBox("CHỦ TỊCH", note="(Ký, đóng dấu)"),
                ]
            ),
        ],
    )
    out = render_pdf(Document("t", "Quyết định", [part]), tmp_path / "qd.pdf")
    starts: dict[str, float] = {}

    def seen(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip():  # where the text starts on the page: its matrix within the page's
            starts.setdefault(text.strip(), cm[0] * tm[4] + cm[2] * tm[5] + cm[4])

    PdfReader(out).pages[0].extract_text(visitor_text=seen)
    left = 15 * mm
    assert abs(starts["Nơi nhận:"] - left) < 8
    assert abs(starts["- Lưu: VT."] - left) < 8
    assert starts["CHỦ TỊCH"] > left + 60 * mm


def test_arrows_are_drawn_as_arrows_in_paragraphs_cells_and_sections(tmp_path: Path) -> None:
    """Be Vietnam Pro has no arrow: "Chuẩn thu nhập: 1.500.000 đồng -> 2.200.000 đồng" and
    "có một tiêu chí -> không thuộc diện" read as a programmer's arrow on the officer's
    paper. Paragraphs and section rows draw it from the PDF's Symbol font; a table's cells,
    plain strings for speed, draw the font's "»"."""
    import subprocess

    doc = _doc(3, name="Điểm B1: 120 → 135 <a&b>")
    table = doc.parts[0].tables()[0]
    table.section("Tiêu chí loại trừ (có một tiêu chí → không thuộc diện)")
    doc.parts[0].blocks.insert(0, Para("Chuẩn thu nhập: 1.500.000 đồng → 2.200.000 đồng."))
    path = render_pdf(doc, tmp_path / "a.pdf")
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "->" not in text
    assert "Chuẩn thu nhập: 1.500.000 đồng → 2.200.000 đồng." in text
    assert "Điểm B1: 120 » 135 <a&b> 0" in text
    assert "Tiêu chí loại trừ (có một tiêu chí → không thuộc diện)" in " ".join(text.split())
