"""The dashboard's figures counted in a worker thread on a read-only connection of their
own (issue 22): one grouped query for every village, the same counts as one
``after_meeting_counts`` a village; "Đang đếm…" meanwhile; a failure said in Vietnamese;
closing the window stops the counts. Real files, the real worker threads."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from db import driver
from db.records import HouseholdQuery
from db.report_queries import after_meeting_counts, after_meeting_counts_by_village, connection
from desktop.dashboard import Dashboard
from desktop.labels import label
from desktop.main_window import PAGE_TABS, MainWindow
from desktop.worker import Job
from forms.model import Category

from .conftest import moved_away, poor_household, save_classified


def _fill(store: Any) -> None:
    rnd = store.current_round()
    for i in range(4):
        save_classified(store, poor_household(f"NL-{i:02d}", "Thôn Nà Lầu"))
    save_classified(store, poor_household("KP-01", "Bản Khuổi Phìn"))
    # Not classified yet: not determined.
    store.save_household(poor_household("KP-02", "Bản Khuổi Phìn"))
    gone = save_classified(store, poor_household("KP-03", "Bản Khuổi Phìn"))
    assert gone is not None
    store.delete_household(store.household_by_code("KP-03").id)
    # Sent back by the meeting (3 of 30 agreeing): on no list until a new vote.
    sent_back = store.household_by_code("NL-00")
    store.save_meeting_vote(
        sent_back.id, rnd.id, agree=3, attendees=30, meeting_date=date(2026, 11, 10)
    )
    agreed = store.household_by_code("NL-01")
    store.save_meeting_vote(
        agreed.id, rnd.id, agree=20, attendees=30, meeting_date=date(2026, 11, 10)
    )


def _dashboard_shown(qtbot: QtBot, store: Any) -> tuple[MainWindow, Dashboard]:
    """The window on the filled file, its Tổng hợp tab just shown."""
    _fill(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1000, 800)
    window.show()
    window.tabs.setCurrentIndex(PAGE_TABS["dashboard"])
    board = window.dashboard
    assert isinstance(board, Dashboard)
    return window, board


def test_one_grouped_count_is_each_villages_own(app: Any, store: Any) -> None:
    _fill(store)
    rnd = store.current_round()
    grouped = after_meeting_counts_by_village(connection(store), rnd.id)
    assert set(grouped) == {"Thôn Nà Lầu", "Bản Khuổi Phìn"}
    for village, counts in grouped.items():
        one = after_meeting_counts(store, HouseholdQuery(village=village, round_id=rnd.id))
        assert counts == dict(one), village
    assert grouped["Thôn Nà Lầu"][Category.POOR] == 3  # one of four sent back
    assert grouped["Thôn Nà Lầu"][Category.UNDETERMINED] == 1
    assert grouped["Bản Khuổi Phìn"][Category.POOR] == 1  # the deleted one not counted
    assert grouped["Bản Khuổi Phìn"][Category.UNDETERMINED] == 1


def test_the_tab_counts_in_a_worker_and_shows_them(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path
) -> None:
    window, board = _dashboard_shown(qtbot, store)
    # Back from showing the tab, nothing is counted yet: the worker thread has it.
    assert board.by_village.data().empty == "Đang đếm…"
    assert board.by_village.data().title == "Số hộ theo phân loại, từng thôn (năm 2026)"
    assert board.support.data().empty == "Đang đếm…"
    [job] = board.counts.findChildren(Job)
    assert job.worker_thread.objectName() == "dashboard-counts"
    qtbot.waitUntil(lambda: not board.busy(), timeout=10_000)
    data = board.by_village.data()
    assert data.groups == ["Thôn Nà Lầu", "Bản Khuổi Phìn"]
    series = dict(data.series)
    assert series[label(Category.POOR)] == [3.0, 1.0]
    assert series[label(Category.UNDETERMINED)] == [1.0, 1.0]
    indicators = board.by_indicator.data()
    assert indicators.groups  # one bar group per indicator of the standard
    assert max(dict(indicators.series)["2026"]) == 5.0  # the five live households
    assert not board.failure.isVisible()
    window.grab().save(str(tmp_path / "dashboard.png"))


def test_a_failed_count_is_said_in_vietnamese(qtbot: QtBot, app: Any, store: Any) -> None:
    """The file gone from under the window (a USB stick pulled): the worker's connection
    cannot open it; SQLite's English stays in the log."""
    _fill(store)
    board = Dashboard(store)
    qtbot.addWidget(board)
    board.show()
    with moved_away(Path(store.path)):
        board.refresh()
        qtbot.waitUntil(lambda: not board.busy(), timeout=10_000)
    assert board.failure.isVisible()
    said = board.failure.text()
    assert said.startswith("Không đếm được số liệu tổng hợp: không mở được tệp dữ liệu để đọc")
    assert "Cập nhật" in said
    assert "unable" not in said
    assert "database" not in said
    assert board.by_village.data().empty == "Chưa đếm được."  # no "Đang đếm…" left behind
    # Counted again once the file is back.
    board.refresh()
    qtbot.waitUntil(lambda: not board.busy(), timeout=10_000)
    assert not board.failure.isVisible()
    assert board.by_village.data().groups == ["Thôn Nà Lầu", "Bản Khuổi Phìn"]


def test_a_damaged_result_is_named_by_its_household(qtbot: QtBot, app: Any, store: Any) -> None:
    _fill(store)
    hid = store.household_by_code("NL-02").id
    conn = driver.connect(store.path)
    with conn:
        [doc] = conn.execute("SELECT doc FROM results WHERE household_id = ?", (hid,)).fetchone()
        conn.execute("UPDATE results SET doc = ? WHERE household_id = ?", (doc[:40], hid))
    board = Dashboard(store)
    qtbot.addWidget(board)
    board.refresh()
    qtbot.waitUntil(lambda: not board.busy(), timeout=10_000)
    said = board.failure.text()
    assert "NL-02" in said
    assert "hỏng" in said
    assert "JSON" not in said
    # The first two charts were counted before the deprivations failed.
    assert board.by_village.data().groups == ["Thôn Nà Lầu", "Bản Khuổi Phìn"]
    # Put back, or closing the file would (rightly) refuse the backup, naming NL-02.
    with conn:
        conn.execute("UPDATE results SET doc = ? WHERE household_id = ?", (doc, hid))
    conn.close()


def test_closing_the_window_stops_the_dashboards_counts(
    qtbot: QtBot, app: Any, store: Any, commune_path: Path
) -> None:
    window, board = _dashboard_shown(qtbot, store)
    assert board.busy()
    threads = [job.worker_thread for job in board.counts.findChildren(Job)]
    window.close()  # interrupted or waited for before the file closes
    assert window.store is None
    assert not any(t.isRunning() for t in threads)
    # Nothing beside the file once the window closed it: neither the -wal nor the -shm.
    for suffix in ("-wal", "-shm"):
        assert not commune_path.with_name(commune_path.name + suffix).exists()
