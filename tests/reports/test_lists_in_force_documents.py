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

        assert _codes(build_document("final_list", store)) == {"01-0003"}
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
