"""The counts per category under the household list, counted in a worker thread on a
read-only connection of their own (issue 22): real files, the real worker threads."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from db import at_rest, driver
from db.records import HouseholdQuery
from db.store import Store
from desktop.background_counts import BackgroundCounts
from desktop.main_window import MainWindow
from forms.model import Category

from .conftest import poor_household, save_classified


def _fill(store: Any) -> None:
    for code, village, head in (
        ("NL-01", "Thôn Nà Lầu", "Nguyễn Văn An"),
        ("NL-02", "Thôn Nà Lầu", "Lò Văn Pản"),
        ("KP-01", "Bản Khuổi Phìn", "Nguyễn Thị Ánh"),
    ):
        save_classified(store, poor_household(code, village, head=head))
    # Not classified yet: counted as not determined.
    store.save_household(poor_household("KP-02", "Bản Khuổi Phìn", head="Nguyễn Văn Dũng"))


def _counts_of(store: Any, query: HouseholdQuery, qtbot: QtBot, owner: Any) -> list[Any]:
    counts = BackgroundCounts(owner)
    arrived: list[Any] = []
    counts.counted.connect(arrived.append)
    counts.count(Path(store.path), query)
    qtbot.waitUntil(lambda: not counts.running())
    return arrived


def test_a_searchs_counts_arrive_and_are_the_stores(qtbot: QtBot, app: Any, store: Any) -> None:
    _fill(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    query = HouseholdQuery(text="nguyen")
    arrived = _counts_of(store, query, qtbot, window)
    assert arrived == [store.category_counts(query)]
    assert arrived[0][Category.POOR] == 2
    assert arrived[0][Category.UNDETERMINED] == 1
    # Through the window: typed in the search box, shown in the status bar.
    window.list.search.setText("nguyen")
    window.list.apply_search()
    window.update_counts()
    qtbot.waitUntil(lambda: "Hộ nghèo: 2" in window.counts.text())
    assert "Chưa xác định: 1" in window.counts.text()
    # A search's counts say they are the search's, not the commune's.
    assert window.counts.text().startswith("Theo danh sách đang lọc — ")
    window.list.search.setText("")
    window.list.apply_search()
    window.update_counts()
    qtbot.waitUntil(lambda: window.counts.text().startswith("Cả xã — "))
    # A category chosen alone: the counts stay the commune's, every category (by design).
    window.list.model.query = dataclasses.replace(window.list.model.query, category=Category.POOR)
    window.counts.setText("")
    window.update_counts()
    qtbot.waitUntil(lambda: window.counts.text() != "")
    assert window.counts.text().startswith("Cả xã — ")


def test_an_older_counts_result_is_dropped(qtbot: QtBot, app: Any, store: Any) -> None:
    _fill(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    counts = BackgroundCounts(window)
    arrived: list[Any] = []
    counts.counted.connect(arrived.append)
    older = HouseholdQuery(text="nguyen")
    counts.count(Path(store.path), older)
    # The older count ends and its result waits in the GUI thread's queue ...
    for job, _cancel in counts._running.values():
        job.worker_thread.wait()
    newer = HouseholdQuery(village="Thôn Nà Lầu")
    counts.count(Path(store.path), newer)  # ... when a newer search asks again
    qtbot.waitUntil(lambda: not counts.running())
    qtbot.wait(50)
    assert arrived == [store.category_counts(newer)]
    assert store.category_counts(newer) != store.category_counts(older)


def test_closing_the_window_during_a_count(qtbot: QtBot, app: Any, store: Any) -> None:
    _fill(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.list.search.setText("nguyen")
    window.list.apply_search()
    window.update_counts()
    assert window.background_counts.running()
    window.close()  # the count interrupted or waited for; nothing shown from the closed file
    assert window.store is None
    assert not window.background_counts.running()
    qtbot.wait(100)
    assert window.counts.text() == ""


def test_an_encrypted_files_counts(qtbot: QtBot, app: Any, commune_path: Path) -> None:
    with Store.open(commune_path, user="máy", device="test") as plain:
        _fill(plain)
    recovery = at_rest.encrypt_file(commune_path, "ruộng bậc thang mùa lúa chín").recovery
    driver.forget(commune_path)
    key = at_rest.key_from_recovery(commune_path, recovery)
    try:
        store = Store.open(commune_path, user="máy", device="test", key=key)
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.update_counts()
        qtbot.waitUntil(lambda: "Hộ nghèo: 3" in window.counts.text())
        assert "Chưa xác định: 1" in window.counts.text()
        window.close()
    finally:
        driver.forget(commune_path)


def test_a_failed_count_is_said_in_vietnamese_without_sqlites_words(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window._counts_failed(driver.OperationalError("database is locked"))
    shown = window.statusBar().currentMessage()
    assert shown.startswith("Không đếm được số hộ theo phân loại: tệp dữ liệu đang bận")
    assert "database" not in shown
