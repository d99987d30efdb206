"""The summary's movement tables start from last year's recognised lists and add up (issue
15, item 3): "Đầu kỳ" is the previous round's poor (near-poor) households after its meeting,
households deleted since included; khác giảm / khác tăng reconcile it with this year's list."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from openpyxl import load_workbook

import reports
from db import driver, year_round
from db.store import Store
from forms.model import Category
from reports.review import village_title
from tests.reports.test_documents import pdf_text


def recognised_last_year(path: Path, category: Category) -> int:
    """Counted straight from the file: the 2025 round's results of the category."""
    with driver.connect(path) as conn:
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM results r JOIN rounds o ON o.id = r.round_id"
            " WHERE o.year = 2025 AND o.kind = 'periodic' AND r.category = ?",
            (category.value,),
        ).fetchone()
    return int(count)


def movement_rows(xlsx: Path, sheet: str) -> list[list]:
    ws = load_workbook(xlsx)[sheet]
    frozen = ws[ws.freeze_panes].row
    return [[c.value for c in r] for r in ws.iter_rows(min_row=frozen)]


def test_start_is_last_years_list_and_every_row_adds_up(small_file: Path, tmp_path: Path) -> None:
    path = shutil.copyfile(small_file, tmp_path / "xa.sqlite")
    with Store.open(path, user="t", device="t") as store:
        # A household recognised poor last year has since died: it leaves as "giảm khác".
        rnd = store.current_round()
        assert rnd is not None
        poor_2026 = [h for h, r in store.results_for_round(rnd.id) if r.category is Category.POOR]
        gone = poor_2026[-1]
        store.delete_household(gone.id)
        xlsx = reports.build("summary", store, tmp_path / "bc.xlsx", fmt="xlsx")
        pdf = reports.build("summary", store, tmp_path / "bc.pdf")
    for category, sheet in (
        (Category.POOR, "Diễn biến hộ nghèo"),
        (Category.NEAR_POOR, "Diễn biến hộ cận nghèo"),
    ):
        rows = movement_rows(xlsx, sheet)
        total = next(r for r in rows if r[1] == "Tổng cộng")
        assert total[3] == recognised_last_year(path, category)
        for row in rows:
            start, out1, out2, other_out, in1, in2, in3, other_in, end = row[3:12]
            assert end == start - out1 - out2 - other_out + in1 + in2 + in3 + other_in, row
    text = pdf_text(pdf)
    assert "Số: …/BC-UBND" in text
    assert "một hộ có thể thuộc nhiều" in " ".join(text.split())
    heads = [c.value for row in load_workbook(xlsx)["Diễn biến hộ nghèo"].iter_rows() for c in row]
    assert "Đầu kỳ (danh sách công nhận năm 2025)" in heads


def test_start_is_last_years_periodic_list_after_a_later_monthly_round(
    small_file: Path, tmp_path: Path
) -> None:
    """A monthly regular round of 2025 opened after the 2025 review (September's, or
    December's after the decision) is 2025's latest round, yet holds only the households
    reviewed that month: "Đầu kỳ" stays the periodic review's lists (it was that round's
    handful of households: here none, and every 2025 poor household came out "tăng khác")."""
    path = shutil.copyfile(small_file, tmp_path / "xa.sqlite")
    with Store.open(path, user="t", device="t") as store:
        last_year = next(r for r in store.rounds() if r.year == 2025)
        results = store.results_for_round(last_year.id)
        poor = next(h for h, r in results if r.category is Category.POOR)
        december = year_round.start_regular_round(store, 2025, 12)
        poor.income_per_capita, poor.b1_total = 4_000_000, 260
        store.save_household(poor)
        year_round.add_to_round(store, december.id, poor.id)
        xlsx = reports.build("summary", store, tmp_path / "bc.xlsx", fmt="xlsx")
    rows = movement_rows(xlsx, "Diễn biến hộ nghèo")
    total = next(r for r in rows if r[1] == "Tổng cộng")
    assert total[3] == recognised_last_year(path, Category.POOR) > 0


def test_rate_rows_print_one_decimal_everywhere(small_store: Store, tmp_path: Path) -> None:
    text = pdf_text(reports.build("summary", small_store, tmp_path / "bc.pdf"))
    rate_rows = [line for line in text.splitlines() if line.strip().startswith("Tỷ lệ (%)")]
    assert rate_rows
    for line in rate_rows:
        values = line.split("Tỷ lệ (%)", 1)[1].split()
        assert values
        assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*,\d", v) for v in values), line


def test_a_household_that_moved_village_starts_in_its_old_one(
    small_file: Path, tmp_path: Path
) -> None:
    """ "Đầu kỳ" by village is last year's list as it was: a household recognised poor in
    Thôn A that moved to Thôn B since was counted in B's start, and A's start no longer
    matched what last year's summary said (it leaves A as "giảm khác", enters B as "tăng
    khác")."""
    path = shutil.copyfile(small_file, tmp_path / "xa.sqlite")
    with Store.open(path, user="t", device="t") as store:
        before = movement_rows(
            reports.build("summary", store, tmp_path / "a.xlsx", fmt="xlsx"), "Diễn biến hộ nghèo"
        )
        last_year = next(r for r in store.rounds() if r.year == 2025)
        mover = next(
            h for h, r in store.results_for_round(last_year.id) if r.category is Category.POOR
        )
        other = next(v.name for v in store.villages() if v.name != mover.village)
        mover.village = other
        store.save_household(mover)
        after = movement_rows(
            reports.build("summary", store, tmp_path / "b.xlsx", fmt="xlsx"), "Diễn biến hộ nghèo"
        )
    starts = {r[1]: r[3] for r in before if r[1]}
    assert {r[1]: r[3] for r in after if r[1]} == starts
    for row in after:
        start, out1, out2, other_out, in1, in2, in3, other_in, end = row[3:12]
        assert end == start - out1 - out2 - other_out + in1 + in2 + in3 + other_in, row


def test_a_renamed_village_keeps_its_start(small_file: Path, tmp_path: Path) -> None:
    """Last year's answers hold the old name: read as a village of its own, the renamed one
    split in two rows (start 1 and "giảm khác" under the old name, "tăng khác" under the
    new)."""
    path = shutil.copyfile(small_file, tmp_path / "xa.sqlite")
    with Store.open(path, user="t", device="t") as store:
        before = movement_rows(
            reports.build("summary", store, tmp_path / "a.xlsx", fmt="xlsx"), "Diễn biến hộ nghèo"
        )
        village = store.villages()[0]
        store.rename_village(village.id, "Thôn Mới Đổi Tên")
        after = movement_rows(
            reports.build("summary", store, tmp_path / "b.xlsx", fmt="xlsx"), "Diễn biến hộ nghèo"
        )
    old = next(r for r in before if r[1] == village_title(village.name))
    new = next(r for r in after if r[1] == village_title("Thôn Mới Đổi Tên"))
    assert new[3:] == old[3:]
    assert not any(r[1] == village_title(village.name) for r in after)
