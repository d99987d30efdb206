from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from desktop.dashboard import Dashboard, category_by_village
from desktop.posting_page import PostingPage
from tests.desktop.conftest import poor_household, save_classified


def test_posting_complaint_and_decision_are_saved(qtbot: QtBot, app: Any, store: Any) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu", "Lò Văn Pản"))
    page = PostingPage(store, today=date(2026, 11, 2))
    qtbot.addWidget(page)
    # 7 days by default, the first day counted: 2 to 8 November, as communes write a 7-day
    # posting ("từ ngày 22/10 đến hết ngày 28/10"); the last day was 9 November, 8 days.
    assert page.end.date().toPython() == date(2026, 11, 8)
    page.start.setDate(date(2026, 11, 12))
    assert page.end.date().toPython() == date(2026, 11, 18)
    page.start.setDate(date(2026, 11, 2))
    page.village.setCurrentIndex(page.village.findData("Thôn Nà Lầu"))
    assert page.save_posting()
    round_id = store.current_round().id
    (posting,) = store.postings(round_id)
    assert (posting.village, posting.start) == ("Thôn Nà Lầu", date(2026, 11, 2))

    assert not page.add_complaint()
    assert "người khiếu nại" in page.message.text()
    page.complainant.setText("Hoàng Văn Tú")
    page.about.setText("P1")  # the code in full: resolved when the complaint is added
    page.content.setText("Hộ mới xây nhà kiên cố")
    assert page.add_complaint()
    (complaint,) = store.complaints(round_id)
    assert complaint.household_id == store.household_by_code("P1").id
    assert page.table.rowCount() == 1
    assert page.resolve(complaint.id, "Đã kiểm tra: nhà vẫn tạm, giữ kết quả")
    assert store.complaints(round_id)[0].outcome.startswith("Đã kiểm tra")

    page.number.setText("125/QĐ-UBND")
    page.signer.setText("Nguyễn Văn Hùng")
    page.decision_date.setDate(date(2026, 11, 10))  # the day after the posting ended
    assert page.decision_remarks() == []
    assert page.save_decision()
    assert store.decision(round_id).number == "125/QĐ-UBND"


def test_a_decision_dated_within_the_posting_asks_first(qtbot: QtBot, app: Any, store: Any) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    save_classified(store, poor_household("P1", "Thôn Nà Lầu", "Lò Văn Pản"))
    page = PostingPage(store, today=date(2026, 11, 2))
    qtbot.addWidget(page)
    page.village.setCurrentIndex(page.village.findData("Thôn Nà Lầu"))
    assert page.save_posting()
    page.number.setText("125/QĐ-UBND")
    page.signer.setText("Nguyễn Văn Hùng")  # dated today: the first day of the posting
    asked: list[str] = []

    def answer(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
        def press() -> None:
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox)
            asked.append(box.informativeText())
            QTest.keyClick(box, key, modifier)

        QTimer.singleShot(100, press)

    answer(Qt.Key.Key_Return)  # Enter keeps the safe choice: change the date
    assert not page.save_decision()
    assert "Thôn Nà Lầu" in asked[-1]
    assert "02/11/2026 – 08/11/2026" in asked[-1]  # the 7 days of the default posting
    assert store.decision(store.current_round().id) is None
    assert "niêm yết" in page.message.text()

    answer(Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # "Vẫn lưu": the officer insists
    assert page.save_decision()
    assert store.decision(store.current_round().id) is not None


def test_posting_end_before_start_is_refused(qtbot: QtBot, app: Any, store: Any) -> None:
    page = PostingPage(store, today=date(2026, 11, 2))
    qtbot.addWidget(page)
    page.end.setDate(page.start.date().addDays(-1))
    assert not page.save_posting()
    assert "sau ngày bắt đầu" in page.message.text()


def test_dashboard_counts_households_per_village(qtbot: QtBot, app: Any, store: Any) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu"))
    save_classified(store, poor_household("P2", "Thôn Nà Lầu"))
    save_classified(store, poor_household("P3", "Bản Khuổi Phìn"))
    data = category_by_village(store, store.current_round().id)
    assert data.groups == ["Thôn Nà Lầu", "Bản Khuổi Phìn"]
    poor = dict(data.series)["Hộ nghèo"]
    assert poor == [2.0, 1.0]
    board = Dashboard(store)
    qtbot.addWidget(board)
    board.refresh()
    qtbot.waitUntil(lambda: not board.busy(), timeout=5000)
    indicators = board.by_indicator.data()
    assert indicators.groups  # one bar group per indicator of the standard
    deprived = dict(indicators.series)["2026"]
    assert max(deprived) == 3.0


def test_a_household_sent_back_is_named_before_the_decision(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    household = poor_household("P1", "Thôn Nà Lầu", "Lò Văn Pản")
    save_classified(store, household)
    page = PostingPage(store, today=date(2026, 11, 2))
    qtbot.addWidget(page)
    page.village.setCurrentIndex(page.village.findData("Thôn Nà Lầu"))
    assert page.save_posting()
    page.decision_date.setDate(date(2026, 11, 10))
    assert page.decision_remarks() == []
    store.save_meeting_vote(household.id, page.round_id(), agree=3, attendees=10)
    [remark] = page.decision_remarks()
    assert remark.startswith("Còn 1 hộ chưa có kết quả sau họp thôn")


def test_the_dashboard_compares_with_last_years_review(
    qtbot: QtBot, app: Any, tmp_path: Path
) -> None:
    """Not the first round of last year: a March month's few households stood for it."""
    from db import year_round
    from db.store import Store
    from tests.db.conftest import commune_info

    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Nà Lầu")
        store.start_round(2024, "nd07-2022-2025")
        year_round.start_regular_round(store, 2025, 3)
        review25 = store.start_round(2025, "nd07-2022-2025")
        store.start_round(2026, "nd07-2022-2025")
        board = Dashboard(store)
        qtbot.addWidget(board)
        board.refresh()
        qtbot.waitUntil(lambda: not board.busy(), timeout=5000)
        assert board._earlier == review25
