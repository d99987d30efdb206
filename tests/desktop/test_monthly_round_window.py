"""The monthly regular round from the window (issue 24): opened from the Tệp menu it leaves
the household list on the periodic review; the meeting and posting screens show and act on
it; its decision changes the two households' category in the list from the decision date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from db import year_round
from desktop.main_window import MainWindow
from forms.model import Category
from tests.desktop.conftest import poor_household, save_classified


def _action(window: MainWindow, menu: str, text: str) -> QAction:
    return next(a for a in window.menus[menu].actions() if a.text().replace("&", "") == text)


def test_the_monthly_round_from_the_menu(qtbot: QtBot, app: Any, store: Any) -> None:
    today = date.today()
    from forms.classify import classify
    from forms.standards import load_standard

    # Last year's round (rounds sort by year): what the month's changes are measured from.
    last_year = store.start_round(2025, "nd07-2022-2025", "periodic")
    standard = load_standard("nd07-2022-2025")
    for code, head in (("P1", "Lò Văn Pản"), ("P2", "Vì Thị Nga"), ("P3", "Hà Văn Sơn")):
        h = poor_household(code, "Thôn Nà Lầu", head)
        save_classified(store, h)
        store.save_household(h, round_id=last_year.id, result=classify(h, standard, 2025))
    movers = [store.household_by_code(c) for c in ("P1", "P2")]
    for h in movers:
        year_round.add_application(store, h.id, "escape", today, h.head_name())
        h.b1_total, h.income_per_capita = 260, 4_000_000
        store.save_household(h)
    periodic = store.current_round()
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert window.list.model.rowCount() == 3

    _action(window, "file", "Rà soát thường xuyên tháng…").trigger()
    monthly = store.open_regular_round()
    assert monthly is not None
    assert store.current_round() == periodic
    window.list.refresh()
    assert window.list.model.rowCount() == 3  # the list is not blanked
    assert window.tabs.currentWidget() is window.meeting
    for page in (window.meeting, window.posting):
        assert page.round_id() == monthly.id
        assert f"tháng {today.month}/{today.year}" in page.round_choice.combo.currentText()
    assert sorted(r.code for r in window.meeting.rows) == ["P1", "P2"]

    # The posting and the decision, on the posting screen, go to the monthly round.
    window.tabs.setCurrentWidget(window.posting)
    page = window.posting
    page.village.setCurrentIndex(page.village.findData("Thôn Nà Lầu"))
    page.start.setDate(today - timedelta(days=10))
    page.end.setDate(today - timedelta(days=3))
    assert page.save_posting()
    page.number.setText("31/QĐ-UBND")
    page.signer.setText("Nguyễn Văn Hùng")
    page.decision_date.setDate(today)
    assert page.save_decision()
    assert store.decision(monthly.id).number == "31/QĐ-UBND"
    assert store.decision(periodic.id) is None
    assert store.open_regular_round() is None
    assert "đã có quyết định" in page.round_choice.combo.currentText()

    # From the decision date the list shows the new status; the periodic round is unchanged.
    window.list.refresh()
    shown = {
        window.list.model.row_at(i).code: window.list.model.row_at(i).category for i in range(3)
    }
    assert shown == {"P1": Category.NOT_POOR, "P2": Category.NOT_POOR, "P3": Category.POOR}
    assert {r.category for _h, r in store.results_for_round(periodic.id)} == {Category.POOR}
    # Choosing the periodic round again puts its own households back on the meeting screen.
    window.meeting.round_choice.choose(periodic.id)
    assert sorted(r.code for r in window.meeting.rows) == ["P1", "P2", "P3"]
