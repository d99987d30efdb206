"""The upper level opens many commune packages read-only and gets counts per commune."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from db.exchange.excel_lists import open_workbook, parse_sheet
from db.exchange.excel_store import write_excel_lists
from db.exchange.export import export_package
from db.exchange.upper_level import open_packages, read_summaries, summaries, unsigned_warnings
from db.records import CommuneInfo
from db.store import Store
from forms.classify import Result
from forms.model import Category, Transition
from reports.upper_level import upper_level_document
from tests.db.exchange.commune import COMMUNE
from tests.db.exchange.workbook import build


def result(category: Category) -> Result:
    return Result(category, None, None, "", 0, [], [], [], "nd351-2026-2030", "", review_year=2026)


def commune_package(tmp_path: Path, info: CommuneInfo, moves: dict[str, Category]) -> Path:
    xlsx = build(tmp_path / f"{info.commune_code}.xlsx")
    layouts, sheets = open_workbook(xlsx)
    parsed = parse_sheet(sheets[0], layouts[0], code_prefix="TL-")
    db = tmp_path / f"{info.commune_code}.db"
    with Store.create(db, info, user="Cán bộ", device="may-xa") as store:
        write_excel_lists(store, parsed, year=2025, standard_id="nd07-2022-2025", source=xlsx)
        rnd = store.start_round(2026, "nd351-2026-2030")
        for code, category in moves.items():
            h = store.household_by_code(code)
            assert h is not None
            store.save_result(h.id, rnd.id, result(category))
        out = tmp_path / f"{info.commune_code}.rasoat"
        export_package(store, out)
    return out


def test_counts_per_commune_by_category_and_transition(tmp_path: Path) -> None:
    other = replace(COMMUNE, commune_code="10999", commune_name="Xã Bản Xèo")
    a = commune_package(tmp_path, COMMUNE, {"TL-1": Category.NEAR_POOR, "TL-2": Category.NEAR_POOR})
    b = commune_package(tmp_path, other, {"TL-1": Category.POOR, "TL-3": Category.NOT_POOR})
    broken = tmp_path / "hong.rasoat"
    broken.write_bytes(a.read_bytes()[:100])
    opened, failed = open_packages([b, a, broken])
    assert [f.path.name for f in failed] == ["hong.rasoat"]
    rows = summaries(opened, year=2026)
    assert [r.commune_name for r in rows] == ["Xã Tân Lập", "Xã Bản Xèo"]
    first, second = rows
    assert first.households == 3
    assert first.persons == 6
    assert first.by_category == {Category.NEAR_POOR: 2}
    assert first.unclassified == 1
    assert first.by_transition == {
        Transition.POOR_TO_NEAR_POOR: 1,
        Transition.STAYED_NEAR_POOR: 1,
    }
    assert second.by_category == {Category.POOR: 1, Category.NOT_POOR: 1}
    assert second.by_transition == {
        Transition.STAYED_POOR: 1,
        Transition.ESCAPED_POVERTY: 1,
    }
    assert second.persons_by_category[Category.POOR] == 3
    # 2025, the packages' first review (the lists imported from Excel), moves from nothing:
    # no movement counted, and the table leaves its cells blank (all were "phát sinh mới",
    # where the commune's papers show none).
    assert all(r.movements for r in rows)
    first_year = summaries(opened, year=2025)
    assert [(r.movements, +r.by_transition) for r in first_year] == [(False, Counter())] * 2
    assert first_year[0].by_category[Category.POOR] > 0
    printed = upper_level_document(first_year).parts[0].tables()[0].data_rows()[0].cells
    assert printed[8:15] == [None] * 7
    # Read one record at a time (issue 22): the same rows, the same refusal.
    streamed, refused, sources = read_summaries([b, a, broken], year=2026)
    assert streamed == rows
    assert [(f.path, f.message) for f in refused] == [(f.path, f.message) for f in failed]
    assert sources == {"10105": a, "10999": b}


def test_an_unsigned_package_is_counted_with_a_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Anyone can write an unsigned package (a commune's import now asks before taking one):
    the summary counted it without a word."""
    from rasoat.cli import main
    from tests.db.exchange.test_signing import _strip_signature

    signed = commune_package(tmp_path, COMMUNE, {"TL-1": Category.POOR})
    other = replace(COMMUNE, commune_code="10999", commune_name="Xã Bản Xèo")
    unsigned = commune_package(tmp_path, other, {"TL-1": Category.POOR})
    _strip_signature(unsigned)
    rows, _failed, _sources = read_summaries([signed, unsigned], year=2026)
    assert [(r.commune_name, r.signed) for r in rows] == [
        ("Xã Tân Lập", True),
        ("Xã Bản Xèo", False),
    ]
    assert unsigned_warnings(rows) == [
        "Xã Bản Xèo (10999.rasoat): gói không có chữ ký của máy xuất gói, không biết chắc gói "
        "do xã làm ra; hãy hỏi xã xác nhận trước khi dùng số liệu."
    ]
    assert main(["summary", str(signed), str(unsigned), "--year", "2026"]) == 0
    captured = capsys.readouterr()
    assert "Lưu ý: Xã Bản Xèo (10999.rasoat): gói không có chữ ký" in captured.err
    assert "Xã Tân Lập (10105.rasoat)" not in captured.err
    assert "10999 | Xã Bản Xèo" in captured.out  # still counted


def test_an_undetermined_household_is_not_classified(tmp_path: Path) -> None:
    """Counted among the categories, a household not determined (answers missing, or sent
    back by its meeting) showed as 0 under "Chưa phân loại" in the upper level's table."""
    from reports.upper_level import upper_level_document

    package = commune_package(
        tmp_path, COMMUNE, {"TL-1": Category.UNDETERMINED, "TL-2": Category.POOR}
    )
    opened, failed = open_packages([package])
    assert failed == []
    [row] = summaries(opened, year=2026)
    assert row.unclassified == 1  # TL-3: no result in 2026
    assert row.not_classified == 2
    [table] = upper_level_document([row]).tables()
    assert table.rows[0].cells[-1] == 2


def test_the_poor_movement_columns_add_up_to_the_poor(tmp_path: Path) -> None:
    """A near-poor household that became poor had no column: the movement columns of the
    poor added up to fewer than "Hộ nghèo"."""
    from reports.upper_level import upper_level_document

    package = commune_package(
        tmp_path, COMMUNE, {"TL-1": Category.POOR, "TL-2": Category.POOR, "TL-3": Category.POOR}
    )
    opened, _failed = open_packages([package])
    [row] = summaries(opened, year=2026)
    [table] = upper_level_document([row]).tables()
    titles = [c.title for c in table.columns]
    cells = dict(zip(titles, table.rows[0].cells, strict=True))
    moves = ("Nghèo cũ", "Nghèo phát sinh mới", "Tái nghèo", "Cận nghèo thành nghèo")
    assert cells["Cận nghèo thành nghèo"] == 1  # TL-2
    assert sum(cells[t] for t in moves) == cells["Hộ nghèo"] == 3


def test_the_lists_in_force_take_every_month_decided_before_the_next_review(
    tmp_path: Path,
) -> None:
    """The 2025 row is the 2025 lists as they stood until the 2026 review's decision: a
    September month, opened while that review was surveyed and decided before it, counted in
    no year's row; and a household no review classified that a month put on the list was
    "not classified"."""
    from datetime import date

    from forms.classify import classify
    from tests.db.conftest import commune_info
    from tests.db.test_round_transitions import _monthly
    from tests.db.test_year_round import STANDARD, _escaped, _periodic, _poor

    path = tmp_path / "xa.sqlite"
    with Store.create(path, commune_info(), user="Cán bộ", device="xa") as store:
        store.add_village("Thôn Đồng Tâm")
        a, b = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
        _periodic(store, a)
        store.save_household(b)  # moved in after the 2025 review
        june = _monthly(store, 2026, 6, b)
        store.save_decision(june, "40/QĐ-UBND", date(2026, 6, 25), "Nguyễn Văn Hùng")
        review = store.start_round(2026, STANDARD.id)
        _escaped(a)
        september = _monthly(store, 2026, 9, a)
        store.save_decision(september, "60/QĐ-UBND", date(2026, 9, 25), "Nguyễn Văn Hùng")
        for h in (a, b):
            store.save_household(h, round_id=review.id, result=classify(h, STANDARD, 2026))
        store.save_decision(review.id, "130/QĐ-UBND", date(2026, 11, 30), "Nguyễn Văn Hùng")
        export_package(store, tmp_path / "xa.rasoat")
    opened, failed = open_packages([tmp_path / "xa.rasoat"])
    assert failed == []
    [row] = summaries(opened, 2025)
    assert row.by_category[Category.POOR] == 1  # B, by June's decision
    assert row.by_category[Category.NOT_POOR] == 1  # A, out by September's
    assert row.not_classified == 0


def test_the_table_is_headed_and_dated_by_the_province(tmp_path: Path) -> None:
    """Headed by the province's bare name in capitals and dated ", ngày …" with no place."""
    package = commune_package(tmp_path, COMMUNE, {"TL-1": Category.POOR})
    opened, _failed = open_packages([package])
    header = upper_level_document(summaries(opened, year=2026)).parts[0].header
    assert COMMUNE.province_name == "Tỉnh Lào Cai"  # as a file made before names dropped it
    assert header.issuer == ["UBND TỈNH LÀO CAI"]
    assert header.date_line().startswith("Lào Cai, ngày ")


def test_the_near_poor_movement_columns_add_up_to_the_near_poor(tmp_path: Path) -> None:
    """The table had no column for a household near-poor both years, none for one newly
    near-poor and none for one near-poor again: its near-poor columns added up to 0 against
    "Hộ cận nghèo" 2 here. As the registry's Biểu 4 now: each list's columns add up."""
    package = commune_package(
        tmp_path, COMMUNE, {"TL-1": Category.NEAR_POOR, "TL-2": Category.NEAR_POOR}
    )
    opened, _failed = open_packages([package])
    [table] = upper_level_document(summaries(opened, year=2026)).tables()
    columns = table.columns
    cells = table.rows[0].cells
    near = [n for c, n in zip(columns, cells, strict=True) if c.group.startswith("Hộ cận nghèo")]
    poor = [n for c, n in zip(columns, cells, strict=True) if c.group.startswith("Hộ nghèo")]
    by_title = {c.title: n for c, n in zip(columns, cells, strict=True) if not c.group}
    counts = {c.title: n for c, n in zip(columns, cells, strict=True) if c.group == "Số hộ"}
    assert len(near) == len(poor) == 5
    assert sum(near) == counts["Hộ cận nghèo"] == 2
    assert sum(poor) == counts["Hộ nghèo"]
    assert by_title["Tổng số hộ"] == 3


def test_two_reviews_of_one_year_and_one_start_are_taken_in_id_order() -> None:
    """The year's review is the last in the commune file's order (year, start, then id),
    whatever order the package lists its rounds and results in, as ``movement_inputs``
    takes it: the first listed was taken, so the registry's row of a load made again from
    its tables (``registry.derived``) could differ from the package's, and the lists in
    force came from one review and the movement was worked out for the other."""
    from db.exchange.package import Package, PackageRecord
    from db.exchange.upper_level import lists_in_force, movement_inputs, ordered_rounds
    from forms.model import Household

    def review(rid: str, year: int) -> dict[str, object]:
        return {"id": rid, "year": year, "standard_id": "nd07-2022-2025", "kind": "periodic",
                "started_at": f"{year}-09-01T00:00:00Z"}  # fmt: skip

    for listed in (["a", "b"], ["b", "a"]):
        rounds = [review("r2025", 2025), *(review(rid, 2026) for rid in listed)]
        categories = {"r2025": "poor", "a": "poor", "b": "near_poor"}
        results = {rid: {"category": categories[rid]} for rid in ["r2025", *listed]}
        rec = PackageRecord(household=Household(id="h1"), rev="", revs=[], results=results)
        package = Package(manifest={}, commune={"rounds": rounds}, records=[rec])
        [(_rec, in_force)] = list(lists_in_force(package))
        assert (in_force[2026].round_id, in_force[2026].category) == ("b", Category.NEAR_POOR)
        # Its movement from the review before it in that order: "a", poor.
        before = movement_inputs(ordered_rounds(package), "h1", results, 2026)
        assert before == (Category.POOR, True, False)
