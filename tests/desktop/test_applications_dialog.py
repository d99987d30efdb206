"""The applications dialog on a real demo commune file (issue 24): a late application shown
as late, a new one recorded by household code, its form printed, the month's regular round
opened with the households that applied."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from db import year_round
from db.demo import create_demo_commune
from db.store import Store
from desktop.applications_dialog import ApplicationsDialog


def test_applications_late_new_printed_and_the_regular_round(
    qtbot: QtBot, app: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=60)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        dialog = ApplicationsDialog(store, today=date(2026, 10, 5))
        qtbot.addWidget(dialog)
        texts = [dialog.table.item(r, 6).text() for r in range(dialog.table.rowCount())]
        # The demo's August request (12/08), due 15 days after August's review began on 15/08.
        assert "Trễ 36 ngày" in texts
        code = next(iter(store.iter_households())).code
        dialog.code.setText(code)
        dialog.request.setText("Xin công nhận thoát nghèo")
        dialog.kind.setCurrentIndex(2)
        assert dialog.add()
        assert dialog.table.rowCount() == 3
        dialog.table.selectRow(2)
        pdf = dialog.print_selected(path=tmp_path / "don.pdf")
        assert pdf is not None
        assert pdf.stat().st_size > 1000
        rnd = dialog.open_regular_round()
        assert rnd is not None
        assert len(year_round.round_household_ids(store, rnd.id)) == 2
        # The household list stays on the periodic review; the meeting and posting tabs
        # choose the monthly round (issue 24, tests/desktop/test_monthly_round_window.py).
        assert store.current_round() != rnd
        assert store.open_regular_round() == rnd
        dialog.grab().save(str(tmp_path / "applications.png"))


def test_decided_applications_on_asking_read_only_with_their_decision(
    qtbot: QtBot, app: Any, tmp_path: Path
) -> None:
    """Xem giấy đề nghị (Alt+X): the open ones by default, with their deadline and lateness;
    Đã quyết định shows the demo's March application with its decision and no deadline nor
    lateness, and chosen, the application whole with the decision and what it recognised;
    Tất cả shows both."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=60)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        dialog = ApplicationsDialog(store, today=date(2026, 10, 5))
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        assert dialog.shown.currentText() == "Đang mở"
        assert dialog.table.rowCount() == 2
        assert all(dialog.table.item(r, 5).text() for r in range(2))  # deadlines
        [label] = [w for w in dialog.findChildren(QLabel) if w.buddy() is dialog.shown]
        assert label.text() == "&Xem giấy đề nghị:"

        qtbot.keyClick(dialog, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
        assert dialog.shown.hasFocus()
        qtbot.keyClick(dialog.shown, Qt.Key.Key_Down)
        assert dialog.shown.currentText() == "Đã quyết định"
        assert dialog.table.rowCount() == 1
        [decided] = dialog.apps
        assert decided.code == dialog.table.item(0, 0).text()
        row = [dialog.table.item(0, c).text() for c in range(8)]
        assert row[4:] == ["Đã có quyết định", "", "", "31/QĐ-UBND-2026 ngày 18/03/2026"]
        assert dialog.table.editTriggers() == dialog.table.EditTrigger.NoEditTriggers
        qtbot.keyClick(dialog.shown, Qt.Key.Key_Tab)
        assert dialog.table.hasFocus()
        assert dialog.selected() == decided  # the first row is chosen as the table fills
        said = dialog.detail.text()
        assert "Gia đình đã có thu nhập ổn định từ nuôi lợn" in said
        assert "Quyết định số 31/QĐ-UBND-2026 ngày 18/03/2026, người ký: Nguyễn Văn Hùng" in said
        assert "Kết quả được công nhận: Không nghèo" in said
        dialog.grab().save(str(tmp_path / "applications-decided.png"))

        qtbot.keyClick(dialog, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(dialog.shown, Qt.Key.Key_Down)
        assert dialog.shown.currentText() == "Tất cả"
        assert dialog.table.rowCount() == 3
        # Lateness only for the ones still waiting: the August request, due on 30/08.
        late = [dialog.table.item(r, 6).text() for r in range(3)]
        assert sorted(late) == ["", "", "Trễ 36 ngày"]
        dialog.grab().save(str(tmp_path / "applications-all.png"))


def test_a_household_that_changed_joins_the_open_monthly_round(
    qtbot: QtBot, app: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The regular review holds the households that applied or changed: one that changed
    without applying is put into the open monthly round by its code (Alt+V), classified on
    its answers now; before a round is open, or with an unknown code, the dialog says so."""
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: said.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=60)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        dialog = ApplicationsDialog(store, today=date(2026, 10, 5))
        qtbot.addWidget(dialog)
        applied = {a.household_id for a in year_round.applications(store, open_only=True)}
        changed = next(h for h in store.iter_households() if h.id not in applied)
        dialog.code.setText(changed.code)
        assert not dialog.include_household()
        assert said == [
            "Chưa có kỳ rà soát thường xuyên nào đang mở: hãy mở kỳ của tháng này trước."
        ]
        rnd = dialog.open_regular_round()
        assert rnd is not None
        dialog.code.setText("09-9999")
        assert not dialog.include_household()
        assert "09-9999" in said[-1]
        dialog.code.setText(changed.code)
        assert dialog.include_household()
        assert changed.id in year_round.round_household_ids(store, rnd.id)
        assert store.result_for(changed.id, rnd.id) is not None
        assert dialog.code.text() == ""
