"""The exchange workbook read back by our own Excel import, field by field: what we send the
upper level is what a commune importing it gets (issue 15, item 8)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

import reports
from db.exchange.excel_lists import open_workbook, parse_sheet
from db.store import Store
from forms.model import Category
from reports.exchange import commune_code
from reports.review import ESCAPED_NEAR_POVERTY, ESCAPED_POVERTY, load_review


def test_every_field_reads_back_through_the_excel_import(
    small_store: Store, tmp_path: Path
) -> None:
    data = load_review(small_store)
    path = reports.build("exchange_workbook", small_store, tmp_path / "x.xlsx", fmt="xlsx")
    layouts, sheets = open_workbook(path)
    expected = {
        0: {
            e.household.code: e
            for e in data.entries
            if e.category in (Category.POOR, Category.NEAR_POOR)
        },
        1: {e.household.code: e for e in data.entries if ESCAPED_POVERTY in e.groups()},
        2: {e.household.code: e for e in data.entries if ESCAPED_NEAR_POVERTY in e.groups()},
    }
    assert [layout.header_row for layout in layouts] == [7, 7 + 2, 7 + 2]  # data from 8 / 10
    read = 0
    for index, want in expected.items():
        parsed = parse_sheet(sheets[index], layouts[index])
        if not want:  # an empty sheet keeps its header; the import says there is nobody
            assert [i.message for i in parsed.issues] == [
                "Không tìm thấy hộ nào dưới dòng tiêu đề."
            ]
            continue
        assert parsed.issues == [], parsed.report()
        assert {i.household.code for i in parsed.households} == set(want)
        for imported in parsed.households:
            e = want[imported.household.code]
            h, got = e.household, imported.household
            assert imported.category is e.result.category
            assert got.village == h.village
            if index == 0:
                assert imported.b1_score == e.result.b1_score
                assert bool(got.meritorious_household) == bool(h.meritorious_household)
            head = h.head()
            ordered = ([head] if head else []) + [m for m in h.members if m is not head]
            assert len(got.members) == len(ordered)
            for mine, back in zip(ordered, got.members, strict=True):
                assert back.name == mine.name
                assert back.relationship is mine.relationship, (mine.name, mine.relationship)
                assert back.sex is mine.sex
                assert back.birth_date == mine.birth_date
                assert back.year_of_birth() == mine.year_of_birth()
                assert back.id_number == mine.id_number
                assert back.ethnicity == mine.ethnicity
            read += 1
    assert read == sum(len(w) for w in expected.values()) > 0


def test_commune_code_is_five_digits_as_text(tmp_path: Path) -> None:
    assert commune_code("2947") == "02947"
    assert commune_code(" 03430 ") == "03430"


def test_the_demo_commune_code_keeps_its_leading_zero(tmp_path: Path) -> None:
    from db.demo import create_demo_commune

    path = create_demo_commune(tmp_path / "demo.sqlite", households=40)
    with Store.open(path, user="t", device="t") as store:
        out = reports.build("exchange_workbook", store, tmp_path / "x.xlsx", fmt="xlsx")
    ws = load_workbook(out).worksheets[0]
    assert ws["M5"].value is None
    assert ws["M6"].value == "Mã xã"
    assert ws["M8"].value == "02947"
