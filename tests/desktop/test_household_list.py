from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.records import HouseholdQuery
from desktop.household_list import HouseholdList
from forms.model import Household, Member, Relationship


def household(code: str, head: str, village: str) -> Household:
    return Household(
        code=code,
        village=village,
        members=[Member(name=head, relationship=Relationship.HEAD, birth_year=1970)],
    )


def fill(store: Any) -> None:
    for code, head, village in (
        ("H001", "Nguyễn Văn An", "Thôn Nà Lầu"),
        ("H002", "Đinh Thị Bích", "Thôn Nà Lầu"),
        ("H003", "Nguyễn Thị Ánh", "Bản Khuổi Phìn"),
        ("H004", "Lò Văn Pản", "Bản Khuổi Phìn"),
    ):
        store.save_household(household(code, head, village))


def heads(view: HouseholdList) -> list[str]:
    model = view.model
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def test_search_without_diacritics_finds_vietnamese_names(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    fill(store)
    view = HouseholdList(store)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 4
    view.search.setText("nguyen")
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=2000)
    assert sorted(heads(view)) == ["Nguyễn Thị Ánh", "Nguyễn Văn An"]
    view.search.setText("dinh")
    view.apply_search()
    assert heads(view) == ["Đinh Thị Bích"]


def test_village_filter_and_sorting(qtbot: QtBot, app: Any, store: Any) -> None:
    fill(store)
    view = HouseholdList(store)
    qtbot.addWidget(view)
    view.village.setCurrentIndex(view.village.findData("Bản Khuổi Phìn"))
    assert sorted(heads(view)) == ["Lò Văn Pản", "Nguyễn Thị Ánh"]
    view.village.setCurrentIndex(0)
    view.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert view.model.index(0, 0).data() == "H004"
    assert "4 hộ" in view.empty.text()


def test_list_pages_through_the_store(qtbot: QtBot, app: Any, store: Any) -> None:
    from desktop import household_list

    for i in range(household_list.PAGE * 2 + 5):
        store.save_household(household(f"X{i:04d}", f"Chủ hộ {i}", "Thôn Nà Lầu"))
    view = HouseholdList(store)
    qtbot.addWidget(view)
    assert view.model.rowCount() == household_list.PAGE * 2 + 5
    assert len(view.model._pages) <= 1  # only what was painted is loaded
    last = view.model.rowCount() - 1
    assert view.model.index(last, 0).data() == f"X{last:04d}"


def test_enter_in_search_then_enter_opens_the_household(qtbot: QtBot, app: Any, store: Any) -> None:
    from PySide6.QtTest import QTest

    fill(store)
    view = HouseholdList(store)
    qtbot.addWidget(view)
    opened: list[str] = []
    view.open_requested.connect(opened.append)
    view.show()
    view.search.setText("pan")
    QTest.keyClick(view.search, Qt.Key.Key_Return)
    assert view.view.hasFocus() or view.view.currentIndex().row() == 0
    QTest.keyClick(view.view, Qt.Key.Key_Return)
    assert opened == [store.household_by_code("H004").id]


def test_one_letter_does_not_filter_yet(qtbot: QtBot, app: Any, store: Any) -> None:
    fill(store)
    view = HouseholdList(store)
    qtbot.addWidget(view)
    view.search.setText("đ")
    view.apply_search()
    assert view.model.rowCount() == 4
    view.search.setText("đi")
    view.apply_search()
    assert heads(view) == ["Đinh Thị Bích"]


def test_resurvey_filter_shows_households_the_meeting_did_not_pass(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    fill(store)
    rnd = store.current_round()
    by_code = {r.code: r.id for r in store.list_households(HouseholdQuery())}
    store.save_meeting_vote(by_code["H002"], rnd.id, agree=4, attendees=30)
    store.save_meeting_vote(by_code["H003"], rnd.id, agree=25, attendees=30)
    view = HouseholdList(store)
    qtbot.addWidget(view)
    view.resurvey.setChecked(True)
    assert heads(view) == ["Đinh Thị Bích"]
    view.resurvey.setChecked(False)
    assert view.model.rowCount() == 4


def test_search_hint_is_whole_in_the_window_at_its_default_size(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from PySide6.QtWidgets import QToolButton

    from desktop.main_window import DEFAULT_SIZE, MainWindow

    fill(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    # The offscreen test screen is smaller than the default size, which the window would
    # shrink to fit: give it the default size a laptop screen leaves it.
    window.resize(DEFAULT_SIZE)
    default_width = window.width()
    assert default_width == DEFAULT_SIZE.width()
    window.show()
    qtbot.waitExposed(window)
    search = window.list.search
    hint = search.placeholderText()
    assert "không dấu" in hint
    assert "có dấu hay không dấu" in search.toolTip()  # the full sentence, on hover
    # The filter row fits the default window without widening it…
    row = window.list.layout().itemAt(0).layout()
    assert row.minimumSize().width() <= default_width
    # …and the hint fits left of the clear button (whose place is kept while it is hidden).
    [clear] = search.findChildren(QToolButton)
    assert search.fontMetrics().horizontalAdvance(hint) <= clear.geometry().left() - 4
    for combo in (window.list.village, window.list.transition):
        assert combo.width() < 250  # shares the row; its list still shows each choice whole
        # one row at the default size: the filters beside the search box, not under it
        assert combo.mapTo(window, combo.rect().center()).y() == pytest.approx(
            search.mapTo(window, search.rect().center()).y(), abs=4
        )


def test_a_new_commune_says_how_to_begin(qtbot: QtBot, app: Any, store: Any) -> None:
    from tests.desktop.conftest import poor_household, save_classified

    households = HouseholdList(store)
    qtbot.addWidget(households)
    text = households.empty.text()
    assert "chưa có hộ nào" in text
    assert "Ctrl+N" in text
    assert "Excel" in text
    assert "khớp" not in text  # nobody set a filter

    save_classified(store, poor_household("H-0001", "Thôn Nà Lầu"))
    households.refresh()
    assert households.empty.text() == "1 hộ"

    households.search.setText("khong-ai-ten-nay")
    households.apply_search()
    assert "khớp" in households.empty.text()
    assert "Tất cả thôn" in households.empty.text()


def test_the_window_queries_the_list_once_before_its_first_paint(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    from desktop.main_window import MainWindow

    fill(store)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        window = MainWindow(store)
        qtbot.addWidget(window)
        pages = [s for s in statements if "LIMIT" in s and "FROM (SELECT h.rowid" in s]
        # Once, in code order: the view's sorting set up and the current round chosen do
        # not query it again; the counts per category come after the first paint.
        assert len(pages) == 1
        assert "ORDER BY h.code ASC" in pages[0]
        assert window.counts.text() == ""
        qtbot.waitUntil(lambda: "Hộ nghèo:" in window.counts.text())
        assert heads(window.list) == [
            "Nguyễn Văn An",
            "Đinh Thị Bích",
            "Nguyễn Thị Ánh",
            "Lò Văn Pản",
        ]
    finally:
        store.conn.set_trace_callback(None)


def test_the_counts_wait_for_the_lists_first_paint(qtbot: QtBot, app: Any, store: Any) -> None:
    from desktop.main_window import MainWindow

    fill(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    # Due before the window got to paint (a busy laptop): not counted yet.
    window._counts_due()
    assert not window.list.painted
    assert window.counts.text() == ""
    qtbot.waitUntil(lambda: "Hộ nghèo:" in window.counts.text())
    assert window.list.painted
