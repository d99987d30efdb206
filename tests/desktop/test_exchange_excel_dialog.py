"""Last year's Excel list through the dialog: guessed columns, a change by the user, the
validation report before anything is written, then the write in a worker thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db.store import Store
from desktop.excel_import_dialog import ExcelImportDialog
from forms.model import Category
from tests.db.exchange.commune import COMMUNE
from tests.db.exchange.workbook import build


def test_mapping_report_and_write(qtbot: Any, tmp_path: Path) -> None:
    xlsx = build(tmp_path / "ds.xlsx")
    db = tmp_path / "xa.db"
    with Store.create(db, COMMUNE, user="Cán bộ", device="may-xa") as store:
        dialog = ExcelImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.load(xlsx)
        assert dialog.sheet.currentIndex() == 0
        assert dialog.combos["head_name"].currentText().startswith("B — Họ và tên chủ hộ")
        assert not dialog.write_button.isEnabled()  # nothing checked yet

        # The user unmaps the category column: the report says what is missing, no writing.
        dialog.set_column("category", None)
        dialog.check()
        assert "Phân loại hộ" in dialog.report.toPlainText()
        assert not dialog.write_button.isEnabled()

        # … then gives one category for the whole sheet.
        dialog.category.setCurrentIndex(dialog.category.findData("near_poor"))
        dialog.prefix.setText("HCN-")
        dialog.check()
        assert "0 lỗi" in dialog.report.toPlainText()
        assert dialog.write_button.isEnabled()
        assert list(store.iter_households()) == []  # checking writes nothing

        dialog.year.setValue(2025)
        dialog.start_write()
        qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
        assert "Đã ghi 3 hộ, 6 nhân khẩu" in dialog.report.toPlainText()
        h = store.household_by_code("HCN-1")
        assert h is not None
        result = store.result_for(h.id, dialog.written.round_id)
        assert result is not None
        assert result.category is Category.NEAR_POOR

        # Checking the same list again now reports the codes already in the file.
        dialog.check()
        assert "đã có trong tệp của xã" in dialog.report.toPlainText()
        assert not dialog.write_button.isEnabled()


def test_rows_with_errors_are_listed_with_row_and_column(qtbot: Any, tmp_path: Path) -> None:
    from tests.db.exchange.workbook import ROWS

    rows = [list(r) for r in ROWS]
    rows[2][5] = "?"
    xlsx = build(tmp_path / "ds.xlsx", rows)
    with Store.create(tmp_path / "xa.db", COMMUNE, user="Cán bộ", device="may-xa") as store:
        dialog = ExcelImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.load(xlsx)
        dialog.check()
        assert "Dòng 8, cột F (Giới tính)" in dialog.report.toPlainText()
        assert not dialog.write_button.isEnabled()
