"""The documents that print the current lists read the lists in force (issue 24): after a
monthly round's decision the commune's list, the detailed list, the needs-without-support
list and a cadre's households show its two households' new status; before it, the old."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db import year_round
from db.store import Store
from forms.model import Category
from reports import build_document
from reports.review import load_review
from reports.year_round import cadre_households
from tests.db.conftest import commune_info
from tests.db.test_year_round import _escaped, _periodic, _poor

# In the past for any run of this test, so "today" is after the decision.
DECIDED = date(2026, 3, 20)


def _codes(doc: object) -> set[str]:
    cells = {
        str(cell)
        for part in doc.parts  # type: ignore[attr-defined]
        for t in part.tables()
        for r in t.data_rows()
        for cell in r.cells
    }
    return {c for c in cells if c.startswith("01-000")}


def test_the_current_lists_follow_a_monthly_decision(tmp_path: Path) -> None:
    info = commune_info()
    with Store.create(tmp_path / "xa.rasoat.sqlite", info, user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Đồng Tâm")
        a, b, c = (
            _poor(f"01-000{i}", n)
            for i, n in enumerate(("Lò Thị Ánh", "Đinh Văn Hùng", "Vì Văn Sơn"), 1)
        )
        periodic = _periodic(store, a, b, c)
        year_round.assign_cadre(store, "Hà Thị Mai", "Trưởng thôn", village="Thôn Đồng Tâm")
        for h in (a, b):
            year_round.add_application(store, h.id, "escape", date(2026, 3, 2), h.head_name())
            _escaped(h)
            store.save_household(h)
        march = year_round.start_regular_round(store, 2026, 3)
        store.save_decision(march.id, "31/QĐ-UBND", DECIDED, "Nguyễn Văn Hùng")

        before = load_review(store, periodic, in_force_on=date(2026, 3, 19))
        assert {e.result.category for e in before.entries} == {Category.POOR}

        final = build_document("final_list", store)
        assert _codes(final) == {"01-0003"}
        # It names the decision that changed it, beside the review's it was attached to.
        assert any(
            line.startswith("(Kèm theo Quyết định số 12/QĐ-UBND ngày 10/12/2025")
            and line.endswith("; cập nhật theo Quyết định số 31/QĐ-UBND ngày 20/03/2026)")
            for line in final.parts[0].subtitles
        )
        assert _codes(build_document("detail_list", store)) == {"01-0003"}
        unmet = year_round.needs_without_support(store, year_round.support_period(store))
        assert [r.code for r in unmet] == ["01-0003"]
        early = year_round.needs_without_support(
            store, year_round.support_period(store, date(2026, 3, 19)), on=date(2026, 3, 19)
        )
        assert [r.code for r in early] == ["01-0001", "01-0002", "01-0003"]
        rows = build_document("needs_without_support", store).parts[0].tables()[0].data_rows()
        assert [r.cells[1] for r in rows] == ["01-0003"]
        cadre = cadre_households(store, "Hà Thị Mai").parts[0].tables()[0].data_rows()
        assert {r.cells[1]: r.cells[4] for r in cadre} == {
            "01-0001": "Không nghèo",
            "01-0002": "Không nghèo",
            "01-0003": "Hộ nghèo",
        }


def test_a_cadres_households_keep_the_list_in_force_while_a_new_review_is_open(
    tmp_path: Path,
) -> None:
    """The paper says "phân loại theo danh sách hiện hành": while this year's review is open
    (no decision yet), its results are not a list; the cadre's households are shown as the
    decided lists have them, as the needs without support read them."""
    from forms.classify import classify
    from tests.db.test_year_round import STANDARD

    info = commune_info()
    with Store.create(tmp_path / "xa.rasoat.sqlite", info, user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Đồng Tâm")
        a, b = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
        _periodic(store, a, b)
        year_round.assign_cadre(store, "Hà Thị Mai", "Trưởng thôn", village="Thôn Đồng Tâm")
        # This year's review, open and undecided: a escapes in it.
        review = store.start_round(2026, STANDARD.id)
        _escaped(a)
        for h in (a, b):
            store.save_household(h, round_id=review.id, result=classify(h, STANDARD, 2026))
        assert store.current_round() == review

        doc = cadre_households(store, "Hà Thị Mai")
        cells = {r.cells[1]: r.cells[4] for r in doc.parts[0].tables()[0].data_rows()}
        unmet = year_round.needs_without_support(store, year_round.support_period(store))
        catalog_doc = build_document("cadre_households", store, cadre="Hà Thị Mai")
    assert cells == {"01-0001": "Hộ nghèo", "01-0002": "Hộ nghèo"}
    assert {r.code: r.category for r in unmet} == {
        "01-0001": Category.POOR,
        "01-0002": Category.POOR,
    }
    text = " ".join(str(b.text) for b in doc.parts[0].blocks if hasattr(b, "text"))
    assert "phân loại theo danh sách hiện hành (kỳ rà soát năm 2025)" in text
    assert {r.cells[1]: r.cells[4] for r in catalog_doc.parts[0].tables()[0].data_rows()} == cells
