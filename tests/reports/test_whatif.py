"""The commune what-if report (issue 18) on a small commune: which households change category
under the 2027-2030 standard, why, totals by village, and what is missing; PDF, XLSX, CLI."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl

from db.store import CommuneInfo, Store
from forms.classify import classify
from forms.model import Area, Household, Latrine, Member, Relationship, Sex, WaterSource
from forms.standards import load_standard
from rasoat.cli import main
from reports import build_document
from reports.document import Table


def household(code: str, village: str, *, income: int | None, b1: int | None) -> Household:
    """Rural, dwelling deprived in four indicators."""
    return Household(
        code=code,
        village=village,
        area=Area.RURAL,
        members=[
            Member(
                name=f"Chủ {code}", relationship=Relationship.HEAD, sex=Sex.MALE, birth_year=1975
            )
        ],
        screening={"a1": False, "a2": False, "a3": False, "a4": False},
        b1_total=b1,
        income_per_capita=income,
        agri_forestry_fishery=False,
        wall_durable=False,
        frame_durable=False,
        roof_durable=False,
        floor_area_m2=6.0,
        water_source=WaterSource.SURFACE,
        latrine=Latrine.HANGING,
    )


def commune(path: Path) -> Path:
    info = CommuneInfo("8", "Tuyên Quang", "2269", "Xã Thượng Lâm", Area.RURAL)
    with Store.create(path, info, user="Lò Thị Mai", device="test") as store:
        store.add_village("Thôn Nà Lầu")
        store.add_village("Bản Khuổi Phìn")
        rnd = store.start_round(2026, "nd07-2022-2025")
        std = load_standard("nd07-2022-2025")
        for h in (
            household("A1", "Thôn Nà Lầu", income=1_800_000, b1=None),  # above 1.5M, below 2.2M
            household("A2", "Thôn Nà Lầu", income=5_000_000, b1=None),  # above both lines
            household("B1", "Bản Khuổi Phìn", income=None, b1=120),  # B1 only
        ):
            store.save_household(h, round_id=rnd.id, result=classify(h, std, 2026))
    return path


def rows(table: Table) -> list[list[object]]:
    return [r.cells for r in table.rows]


def test_households_that_change_why_and_totals_by_village(tmp_path: Path) -> None:
    path = commune(tmp_path / "xa.rasoat.sqlite")
    with Store.open(path, user="t", device="t") as store:
        doc = build_document("whatif", store)
    part = doc.parts[0]
    tables = [b for b in part.blocks if isinstance(b, Table)]
    changes, totals = tables
    got = {r[2]: (r[4], r[5], r[6]) for r in rows(changes)}
    assert set(got) == {"A1", "B1"}  # A2 is not poor under either
    assert got["A1"][:2] == ("không thuộc hộ nghèo, cận nghèo", "hộ nghèo")
    assert "Chuẩn thu nhập: 1.500.000 đồng → 2.200.000 đồng." in got["A1"][2]
    assert got["B1"][:2] == ("hộ nghèo", "chưa xác định")
    assert "Điểm B1 chưa quy đổi được ra thu nhập theo chuẩn 2.200.000 đồng" in got["B1"][2]
    assert rows(totals) == [
        ["Thôn Nà Lầu", 2, 0, 0, 1, 0, 0, 1],
        ["Bản Khuổi Phìn", 1, 1, 0, 0, 0, 1, 1],
        ["Tổng cộng", 3, 1, 0, 1, 0, 1, 2],
    ]
    said = " ".join(b.text for b in part.blocks if hasattr(b, "text"))
    assert "2 hộ có phân loại khác" in said
    assert (
        "1 hộ chỉ có tổng điểm B1, chưa quy đổi được ra thu nhập theo chuẩn nghèo đa chiều "
        "giai đoạn 2026–2030 (nông thôn, thành thị)" in said
    )
    assert "chưa có ngưỡng" not in said


def test_a_household_sent_back_by_the_meeting_is_left_out_and_counted(tmp_path: Path) -> None:
    """On no list until a new vote, it is left out of the comparison; the note says how many,
    so the totals are not taken for the commune's whole."""
    path = commune(tmp_path / "xa.rasoat.sqlite")
    with Store.open(path, user="t", device="t") as store:
        rnd = store.current_round()
        assert rnd is not None
        b1 = next(h for h in store.iter_households() if h.code == "B1")  # poor: on the agenda
        store.save_meeting_vote(b1.id, rnd.id, agree=3, attendees=30)
        part = build_document("whatif", store).parts[0]
        alone = build_document("whatif", store, village="Thôn Nà Lầu").parts[0]
    changes, totals = [b for b in part.blocks if isinstance(b, Table)]
    assert [r[2] for r in rows(changes)] == ["A1"]
    assert rows(totals)[-1][:2] == ["Tổng cộng", 2]
    said = " ".join(b.text for b in part.blocks if hasattr(b, "text"))
    assert "Không tính 1 hộ cuộc họp thôn chưa thống nhất, phải rà soát lại" in said
    # Another village's household sent back is not this village's to mention.
    assert "Không tính" not in " ".join(b.text for b in alone.blocks if hasattr(b, "text"))


def test_cli_writes_pdf_and_xlsx_and_uses_a_province_b1_file(tmp_path: Path) -> None:
    from db import round_basis

    path = commune(tmp_path / "xa.rasoat.sqlite")
    pdf = tmp_path / "so-sanh.pdf"
    assert main(["whatif", str(path), "--standard", "nd351-2026-2030", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    b1 = tmp_path / "tinh.toml"
    b1.write_text(
        'base = "nd351-2026-2030"\n[b1_thresholds]\nrural = 150\nurban = 175\n'
        'source = "Văn bản số 1234 của UBND tỉnh (tệp thử)"\n',
        encoding="utf-8",
    )
    with Store.open(path, user="t", device="t") as store:
        round_basis.load_province_file(store, b1)
    xlsx = tmp_path / "so-sanh.xlsx"
    assert main(["whatif", str(path), "--standard", "nd351-2026-2030", "--out", str(xlsx)]) == 0
    sheet = openpyxl.load_workbook(xlsx)["Tổng hợp theo thôn"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    # With the province's B1 threshold (150), B1's 120 points stay poor: only A1 changes.
    assert ["Tổng cộng", 3, 1, 0, 2, 0, 0, 1] in values
    assert main(["whatif", str(path), "--standard", "nd99", "--out", str(xlsx)]) == 2


def test_whatif_is_in_the_catalog() -> None:
    from reports.catalog import DOCUMENTS

    assert dataclasses.asdict(DOCUMENTS["whatif"])["formats"] == ("pdf", "xlsx")


def whatif_pages(store: Store, out: Path) -> list[str]:
    """The what-if of a file as printed: each page's text (pypdf)."""
    from pypdf import PdfReader

    from reports.pdf import render_pdf

    render_pdf(build_document("whatif", store), out)
    return [page.extract_text() for page in PdfReader(out).pages]


GOLDEN = Path(__file__).with_name("whatif_small_file.txt")


def test_pdf_reads_as_before_and_every_page_counts_to_the_total(
    small_store: Store, tmp_path: Path
) -> None:
    """The what-if of the small file (160 households, one sent back by its meeting) prints
    the text it printed before its pages were written as they were laid out (issue 22);
    ``GOLDEN`` was made by the renderer that held every page until the end, then made again
    when the cells' arrows became "»" (the font has no arrow; "->" before)."""
    pages = whatif_pages(small_store, tmp_path / "so-sanh.pdf")
    assert len(pages) > 10
    for number, text in enumerate(pages, start=1):
        assert text.count("Trang ") == 1
        assert text.rstrip().endswith(f"Trang {number}/{len(pages)}")
    assert "\f".join(pages) == GOLDEN.read_text(encoding="utf-8")


def test_no_menu_path_on_paper(small_store: Store, tmp_path: Path) -> None:
    """ "(Thiết lập)" told the reader of the printed comparison where to click."""
    text = "\n".join(whatif_pages(small_store, tmp_path / "so-sanh.pdf"))
    assert "(Thiết lập)" not in text
    assert "Tệp →" not in text
