"""Reading last year's lists: header guessing, households with members, and a validation
report that names row, column and problem before anything is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db.exchange.excel_lists import open_workbook, parse_sheet
from forms.model import Category, Relationship, Sex
from tests.db.exchange.workbook import ROWS, build, person


def test_guesses_columns_from_vietnamese_headers(tmp_path: Path) -> None:
    layouts, _ = open_workbook(build(tmp_path / "ds.xlsx"))
    layout = layouts[0]
    assert layout.header_row == 5  # title rows, header, the "(1) (2) …" row
    m = layout.mapping
    assert m["household_no"] == 0
    assert m["head_name"] == 1
    assert m["member_name"] == 2
    assert m["relationship"] == 3
    assert m["birth_date"] == 4
    assert m["id_number"] == 6
    assert m["village"] == 12
    assert m["category"] == 14
    assert m["b1_score"] == 17
    assert "province" not in m


def test_households_with_members_and_last_years_category(tmp_path: Path) -> None:
    layouts, sheets = open_workbook(build(tmp_path / "ds.xlsx"))
    parsed = parse_sheet(sheets[0], layouts[0], code_prefix="TL-")
    assert parsed.errors == []
    assert [h.household.code for h in parsed.households] == ["TL-1", "TL-2", "TL-3"]
    first = parsed.households[0]
    assert first.category is Category.POOR
    assert first.b1_score == 95
    assert first.household.village == "Thôn Nà Lộc"
    head, wife, son = first.household.members
    assert head.name == "Lò Văn Páo"
    assert head.relationship is Relationship.HEAD
    assert head.birth_date == date(1968, 3, 12)
    assert wife.relationship is Relationship.SPOUSE
    assert wife.birth_year == 1970
    assert wife.sex is Sex.FEMALE
    assert son.birth_date == date(2005, 7, 1)
    second = parsed.households[1]
    assert second.category is Category.NEAR_POOR
    assert second.household.members[1].relationship is Relationship.GRANDCHILD
    # A CCCD typed as a number loses its leading zeros in Excel: padded back, with a note.
    assert second.household.members[0].id_number == "001055009999"
    assert any(i.row == 9 and i.severity == "warning" for i in parsed.issues)
    assert parsed.members == 6


def test_validation_report_names_row_column_and_problem(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][4] = "31/02/1970"  # no such date
    rows[2][6] = "12345"  # not a CCCD
    rows[3][14] = "Hộ khá"  # not a category
    rows[5][6] = "010068001234"  # same CCCD as row 6
    rows[4][3] = "Lò Thị Plonk"  # a name in the relationship column (a column chosen wrong)
    rows[3][17] = "Lò Văn Páo"  # and one where the B1 score goes
    layouts, sheets = open_workbook(build(tmp_path / "ds.xlsx", rows))
    parsed = parse_sheet(sheets[0], layouts[0])
    texts = [i.text() for i in parsed.errors]
    assert (
        "Lỗi — Dòng 7, cột E (Ngày sinh (dd/mm/yyyy)): ngày sinh không đọc được "
        "(cần ngày/tháng/năm như 08/04/1972, hoặc năm 4 chữ số)." in texts
    )
    # Row and column lead to the cell; its value (a birth date, a CCCD, a category, a name
    # where a relationship or a score goes) is not repeated.
    every = [i.text() for i in parsed.issues]
    for value in ("31/02/1970", "12345", "Hộ khá", "Lò Thị Plonk", "Lò Văn Páo"):
        assert all(value not in t for t in every), value
    assert any(
        "Dòng 10, cột D (Quan hệ với chủ hộ): không hiểu quan hệ ghi ở ô này" in t for t in every
    )
    assert any(t.startswith("Lỗi — Dòng 8, cột G (Số CCCD)") for t in texts)
    assert any(t.startswith("Lỗi — Dòng 9, cột O (Phân loại hộ)") for t in texts)
    assert any("Dòng 11" in t and "trùng với người ở dòng 6" in t for t in texts)
    assert "5 lỗi" in parsed.report()


def test_without_category_column_the_user_gives_one_for_the_sheet(tmp_path: Path) -> None:
    layouts, sheets = open_workbook(build(tmp_path / "ds.xlsx"))
    layout = layouts[0]
    del layout.mapping["category"]
    assert any("Phân loại hộ" in i.message for i in parse_sheet(sheets[0], layout).errors)
    parsed = parse_sheet(sheets[0], layout, default_category=Category.NEAR_POOR)
    assert parsed.errors == []
    assert {h.category for h in parsed.households} == {Category.NEAR_POOR}


def test_member_row_before_any_head_is_reported(tmp_path: Path) -> None:
    rows = [person(None, "", "Lò Thị Mai", "Vợ", "1970", "Nữ", None, "Thôn A", "Tày", ""), *ROWS]
    layouts, sheets = open_workbook(build(tmp_path / "ds.xlsx", rows))
    parsed = parse_sheet(sheets[0], layouts[0])
    assert parsed.errors[0].row == 6
    assert "trước mọi chủ hộ" in parsed.errors[0].message


def test_written_lists_start_the_first_year_from_real_history(tmp_path: Path) -> None:
    from db.exchange.excel_store import write_excel_lists
    from db.store import Store
    from tests.db.exchange.commune import COMMUNE

    path = build(tmp_path / "ds.xlsx")
    layouts, sheets = open_workbook(path)
    parsed = parse_sheet(sheets[0], layouts[0], code_prefix="TL-")
    with Store.create(tmp_path / "xa.db", COMMUNE, user="Cán bộ", device="may-xa") as store:
        done = write_excel_lists(
            store, parsed, year=2025, standard_id="nd07-2022-2025", source=path
        )
        assert done.households == 3
        assert done.members == 6
        h = store.household_by_code("TL-1")
        assert h is not None
        assert [m.name for m in h.members] == ["Lò Văn Páo", "Lò Thị Mai", "Lò Văn Sơn"]
        result = store.result_for(h.id, done.round_id)
        assert result is not None
        assert result.category is Category.POOR
        assert {v.name for v in store.villages()} == {"Thôn Nà Lộc", "Thôn Khe Mụ"}
        assert all(e.source == "Excel ds.xlsx" for e in store.audit_for_household(h.id))
        # The same list twice: refused whole, nothing written.
        import pytest

        from db.exchange.errors import PackageError

        with pytest.raises(PackageError, match="đã có trong tệp"):
            write_excel_lists(store, parsed, year=2025, standard_id="nd07-2022-2025", source=path)
        assert len(list(store.iter_households())) == 3


def test_lists_with_errors_are_not_written(tmp_path: Path) -> None:
    import pytest

    from db.exchange.errors import PackageError
    from db.exchange.excel_store import write_excel_lists
    from db.store import Store
    from tests.db.exchange.commune import COMMUNE

    rows = [list(r) for r in ROWS]
    rows[0][5] = "không rõ"
    path = build(tmp_path / "ds.xlsx", rows)
    layouts, sheets = open_workbook(path)
    parsed = parse_sheet(sheets[0], layouts[0])
    with Store.create(tmp_path / "xa.db", COMMUNE, user="Cán bộ", device="may-xa") as store:
        with pytest.raises(PackageError, match="Dòng 6, cột F"):
            write_excel_lists(store, parsed, year=2025, standard_id="nd07-2022-2025", source=path)
        assert list(store.iter_households()) == []


def test_reads_back_the_workbook_the_app_sends_upward(tmp_path: Path) -> None:
    """The exchange workbook ``reports`` writes is what next year's import reads: codes,
    members and categories survive the trip."""
    import reports
    from db.exchange.excel_store import write_excel_lists
    from db.store import Store
    from tests.db.exchange.commune import COMMUNE

    xlsx = build(tmp_path / "ds.xlsx")
    layouts, sheets = open_workbook(xlsx)
    parsed = parse_sheet(sheets[0], layouts[0], code_prefix="TL-")
    with Store.create(tmp_path / "xa.db", COMMUNE, user="Cán bộ", device="may-xa") as store:
        done = write_excel_lists(
            store, parsed, year=2025, standard_id="nd07-2022-2025", source=xlsx
        )
        out = reports.build(
            "exchange_workbook",
            store,
            tmp_path / "gui-len.xlsx",
            fmt="xlsx",
            round_id=done.round_id,
            identity=True,  # CCCD numbers go up only when asked (docs/privacy.md)
        )
    layouts, sheets = open_workbook(out)
    first = layouts[0]
    assert "household_code" in first.mapping
    again = parse_sheet(sheets[0], first)
    assert again.errors == []
    got = {h.household.code: h for h in again.households}
    assert set(got) == {"TL-1", "TL-2", "TL-3"}
    assert got["TL-1"].category is Category.POOR
    assert got["TL-2"].category is Category.NEAR_POOR
    assert [m.name for m in got["TL-1"].household.members] == [
        "Lò Văn Páo",
        "Lò Thị Mai",
        "Lò Văn Sơn",
    ]
    assert got["TL-1"].household.members[0].id_number == "010068001234"


def test_an_unreadable_workbook_is_explained_in_vietnamese_only(tmp_path: Path) -> None:
    """Not a zip, a zip without a workbook, a workbook cut short: the officer reads what to
    do, not the library's English reason ("File is not a zip file")."""
    import re
    import zipfile

    import pytest

    from db.exchange.errors import PackageError

    text = tmp_path / "danh-sach.xlsx"
    text.write_text("Họ và tên;Năm sinh\n", encoding="utf-8")
    empty_zip = tmp_path / "rong.xlsx"
    with zipfile.ZipFile(empty_zip, "w") as zf:
        zf.writestr("readme.txt", "không có trang tính")
    whole = build(tmp_path / "day-du.xlsx", [ROWS[0]])
    cut = tmp_path / "chep-do.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    for path in (text, empty_zip, cut):
        with pytest.raises(PackageError) as caught:
            open_workbook(path)
        said = str(caught.value)
        assert said.startswith(f"Không đọc được tệp Excel {path.name}: tệp bị hỏng")
        assert not re.search(r"\b(file|zip|not|no|is|workbook|error)\b", said, re.I), said
