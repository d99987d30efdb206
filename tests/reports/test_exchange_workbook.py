"""The exchange workbook read back by our own Excel import, field by field: what we send the
upper level is what a commune importing it gets (issue 15, item 8)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
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
    path = reports.build(
        "exchange_workbook", small_store, tmp_path / "x.xlsx", fmt="xlsx", identity=True
    )
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


def _sent(path: Path) -> bytes:
    """Every byte of the workbook's parts, inflated: what the upper level can read."""
    with zipfile.ZipFile(path) as z:
        return b"".join(z.read(name) for name in z.namelist())


def test_by_default_no_cccd_and_no_birth_date_goes_up(small_store: Store, tmp_path: Path) -> None:
    """The upper level's lists and tables use names, year of birth and counts: a default
    workbook holds no CCCD number, no day and month of birth, no income figure."""
    data = load_review(small_store)
    sent = [e for e in data.entries if e.groups()]
    people = [m for e in sent for m in e.household.members]
    assert any(m.id_number for m in people)
    assert any(m.birth_date for m in people)
    default = _sent(
        reports.build("exchange_workbook", small_store, tmp_path / "x.xlsx", fmt="xlsx")
    )
    full = _sent(
        reports.build(
            "exchange_workbook", small_store, tmp_path / "full.xlsx", fmt="xlsx", identity=True
        )
    )
    for m in people:
        if m.id_number:
            assert m.id_number.encode() not in default, m.id_number
            assert m.id_number.encode() in full
        if m.birth_date:
            assert f"{m.birth_date:%d/%m/%Y}".encode() not in default
            assert f"{m.birth_date:%d/%m/%Y}".encode() in full
        assert m.name.encode() in default  # the lists are lists with names
    incomes = [e.household.income_per_capita for e in sent if e.household.income_per_capita]
    for income in incomes:  # never sent: no list or table of the upper level shows one
        assert f">{income}<".encode() not in default, income
    # What stays reads back: names, year of birth, relationship, ethnicity.
    layouts, sheets = open_workbook(tmp_path / "x.xlsx")
    parsed = parse_sheet(sheets[0], layouts[0])
    assert parsed.issues == [], parsed.report()
    by_code = {e.household.code: e.household for e in sent}
    for imported in parsed.households:
        h = by_code[imported.household.code]
        head = h.head()
        ordered = ([head] if head else []) + [m for m in h.members if m is not head]
        for mine, back in zip(ordered, imported.household.members, strict=True):
            assert back.name == mine.name
            assert back.year_of_birth() == mine.year_of_birth()
            assert back.birth_date is None
            assert back.id_number is None


def test_only_the_exchange_workbook_takes_the_identity_option(
    small_store: Store, tmp_path: Path
) -> None:
    with pytest.raises(reports.ReportError, match="kèm ngày sinh đầy đủ và số CCCD"):
        reports.build("final_list", small_store, tmp_path / "x.pdf", identity=True)


def test_only_a_role_that_sends_data_up_prints_the_identity_columns(
    small_file: Path, tmp_path: Path
) -> None:
    """A viewer or surveyor prints the workbook, never with full birth dates and ID numbers:
    refused in the Store, not only greyed in the menu."""
    import shutil

    from db import users
    from db.errors import NotPermitted
    from forms.roles import Role

    copy = tmp_path / "xa.sqlite"
    shutil.copy(small_file, copy)
    secret = "mat-khau-9x"
    with Store.open(copy, user="máy", device="t") as store:
        users.add_user(store, "can_bo", "Hoàng Văn Thụ", Role.OFFICER, secret)
        users.add_user(store, "xem", "Vàng A Páo", Role.VIEWER, secret)
        users.add_user(store, "mai", "Lò Thị Mai", Role.SURVEYOR, secret, ["Thôn Đồng Tâm"])
    for name in ("xem", "mai"):
        with Store.open(copy, user="máy", device="t") as store:
            users.sign_in(store, name, secret)
            with pytest.raises(NotPermitted, match="xuất dữ liệu lên cấp trên"):
                reports.build(
                    "exchange_workbook", store, tmp_path / "x.xlsx", fmt="xlsx", identity=True
                )
            plain = reports.build("exchange_workbook", store, tmp_path / f"{name}.xlsx", fmt="xlsx")
            assert plain.exists()
    with Store.open(copy, user="máy", device="t") as store:
        users.sign_in(store, "can_bo", secret)
        full = tmp_path / "full.xlsx"
        assert reports.build("exchange_workbook", store, full, fmt="xlsx", identity=True)
