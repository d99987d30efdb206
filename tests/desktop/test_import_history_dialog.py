"""Tệp → Lịch sử nhập gói…: the commune officer sees every import (date, package, who made
it on which laptop, what it brought, conflicts still waiting), reads each receipt again and
saves it to print, with the keyboard alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from db.exchange.merge import import_package
from db.store import Store
from desktop.import_history_dialog import ImportHistoryDialog
from desktop.labels import local_time
from tests.db.exchange.commune import make_commune
from tests.db.exchange.test_merge import two_surveyor_packages


@pytest.fixture
def two_imports(tmp_path: Path) -> Path:
    base, pa, pb = two_surveyor_packages(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pa)
        import_package(office, pb)
    return base


def row_texts(dialog: ImportHistoryDialog, row: int) -> list[str]:
    return [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]


def test_past_imports_newest_first_with_their_receipts(
    qtbot: Any, app: Any, two_imports: Path, tmp_path: Path
) -> None:
    with Store.open(two_imports, user="Cán bộ xã", device="may-xa") as store:
        dialog = ImportHistoryDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.table.rowCount() == 2
        headers = [
            dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())
        ]
        assert headers[:4] == ["Ngày nhập", "Gói", "Người tạo gói", "Máy tạo gói"]
        newest = row_texts(dialog, 0)
        assert newest[1:4] == ["b.rasoat", "ĐTV", "may-b"]
        assert newest[4:8] == ["0", "0", "0", "1 (còn 1)"]
        assert newest[8] == "Cán bộ xã"
        assert row_texts(dialog, 1)[1:8] == ["a.rasoat", "ĐTV", "may-a", "1", "2", "0", "0"]
        # The first row is chosen and its receipt shown; the table has the keyboard focus.
        assert dialog.focusWidget() is dialog.table
        assert "Gói: b.rasoat" in dialog.receipt_text.toPlainText()
        assert dialog.conflicts_button.isEnabled()
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
        assert dialog.table.currentRow() == 1
        assert "Gói: a.rasoat" in dialog.receipt_text.toPlainText()
        assert "HO-A1" in dialog.receipt_text.toPlainText()
        assert not dialog.conflicts_button.isEnabled()
        # Printed again: the same receipt as a PDF.
        pdf = tmp_path / "bien-nhan-a.pdf"
        assert dialog.save_receipt(pdf)
        from pypdf import PdfReader

        text = " ".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
        assert "BIÊN NHẬN NHẬP GÓI DỮ LIỆU RÀ SOÁT" in text
        assert "Gói: a.rasoat" in text
        assert "HO-A1" in text


def test_no_import_yet(qtbot: Any, app: Any, tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 1)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = ImportHistoryDialog(store)
        qtbot.addWidget(dialog)
        assert dialog.table.rowCount() == 0
        assert dialog.intro.text() == "Tệp của xã chưa nhập gói dữ liệu nào."
        assert not dialog.save_button.isEnabled()
        assert not dialog.conflicts_button.isEnabled()


def test_the_file_menu_opens_it(qtbot: Any, app: Any, two_imports: Path) -> None:
    from desktop.commune_file import open_store
    from desktop.main_window import MainWindow

    store = open_store(two_imports)
    window = MainWindow(store)
    qtbot.addWidget(window)
    (action,) = [
        a
        for a in window.menus["file"].actions()
        if a.text().replace("&", "") == "Lịch sử nhập gói…"
    ]
    seen: list[int] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ImportHistoryDialog)
        seen.append(dialog.table.rowCount())
        dialog.reject()

    QTimer.singleShot(0, close_it)
    action.trigger()
    assert seen == [2]


def test_dates_read_as_day_month_year_in_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    try:
        assert local_time("2026-11-23T10:05:00.123Z") == "23/11/2026 17:05"
        assert local_time("2026-11-23T20:05:00+00:00") == "24/11/2026 03:05"
        assert local_time("?") == "?"
    finally:
        monkeypatch.undo()
        time.tzset()
