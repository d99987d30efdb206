"""The administrative header and the lists' widths as printed (issue 15, item 12), read from
the PDF itself: which font each line is set in, and where the words fall."""

from __future__ import annotations

from pathlib import Path

import pytest

import reports
from db.store import Store
from reports import pdf
from tests.reports.conftest import store_for


def runs(path: Path) -> list[tuple[str, str]]:
    """(text, font) of every text run on the first page, in reading order."""
    from pypdf import PdfReader

    found: list[tuple[str, str]] = []

    def visit(text: str, _cm: object, _tm: object, font: dict | None, _size: object) -> None:
        if text.strip():
            found.append((text.strip(), str((font or {}).get("/BaseFont", ""))))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("kind", ["decision", "posting_notice", "summary"])
def test_both_issuer_lines_and_the_national_name_are_bold(
    request: pytest.FixtureRequest, tmp_path: Path, kind: str
) -> None:
    """Decree 30/2020/NĐ-CP's header: the issuing body's two lines (the council above, the
    commune below in capitals) and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in bold; the date
    line in italics. It once set the upper line in the regular weight."""
    pdf = reports.build(kind, store_for(kind, request), tmp_path / f"{kind}.pdf")
    fonts = dict(runs(pdf))
    assert fonts["ỦY BAN NHÂN DÂN"].endswith("-Bold"), fonts
    commune = next(t for t in fonts if t.startswith("XÃ ") and t.isupper())
    assert fonts[commune].endswith("-Bold")
    assert fonts["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].endswith("-Bold")
    date_line = next(t for t in fonts if ", ngày" in t)
    assert fonts[date_line].endswith("-Italic")


def test_an_empty_note_column_leaves_its_width_to_the_causes() -> None:
    """The meeting list's "Ghi chú" is empty until the meeting writes in it; "Nguyên nhân
    nghèo" holds the longest text of the row, so it gets the width, at least thrice the
    note's."""
    from reports.lists import household_columns
    from reports.pdf import _widths

    for with_village in (False, True):
        columns = household_columns(with_village=with_village)
        widths = dict(zip([c.title for c in columns], _widths(columns, 770.0), strict=True))
        assert widths["Nguyên nhân nghèo"] >= 3 * widths["Ghi chú"], widths


def test_the_form_mark_sits_at_the_top_right(tmp_path: Path) -> None:
    """ "Mẫu số 01" was centred over the national name; the annex forms carry it at the top
    right (documents.md)."""
    from pypdf import PdfReader

    from reports.document import Document, Header, Para, Part
    from reports.pdf import render_pdf

    header = Header([], "Bảo Yên", form_mark="Mẫu số 01", motto_only=True)
    doc = Document("t", "t", [Part(header, "Giấy đề nghị", [], [Para("Kính gửi: …")])])
    path = render_pdf(doc, tmp_path / "a.pdf")
    page = PdfReader(path).pages[0]
    width = float(page.mediabox.width)
    where: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
        if text.strip():
            where[text.strip()] = cm[4] + tm[4]

    page.extract_text(visitor_text=visit)
    assert where["Mẫu số 01"] > width * 0.7
    assert where["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] < width * 0.4


def test_a_long_title_breaks_into_two_balanced_lines(small_store: Store, tmp_path: Path) -> None:
    """Wrapped as it came, the posting list's title filled a landscape line and left
    "NGHÈO" alone under it; a title that fits stays one line."""
    from tests.reports.test_documents import pdf_text

    text = pdf_text(reports.build("posting_list", small_store, tmp_path / "ny.pdf"))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if line.startswith("DANH SÁCH NIÊM YẾT"))
    assert lines[first : first + 2] == [
        "DANH SÁCH NIÊM YẾT CÔNG KHAI HỘ NGHÈO,",
        "HỘ CẬN NGHÈO, HỘ THOÁT NGHÈO, HỘ THOÁT CẬN NGHÈO",
    ]
    style = pdf._styles()["title"]
    assert pdf.balanced_title("DANH SÁCH HỘ NGHÈO", style, 400) == "DANH SÁCH HỘ NGHÈO"
    title = "BÁO CÁO KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2026 CỦA XÃ BẢO YÊN"
    first_line, second_line = pdf.balanced_title(title, style, 400).split("<br/>")
    assert first_line.endswith(",")
    assert abs(len(first_line) - len(second_line)) < 25
