"""Hộ gia đình → Khôi phục hộ đã xoá…: a household deleted by mistake taken back from the
keyboard (its row, Enter; Alt+K in the long session); a code taken since is said in the
dialog, nothing overwritten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from desktop.deleted_households_dialog import DeletedHouseholdsDialog
from tests.desktop.conftest import poor_household, save_classified


def test_a_deleted_household_is_restored_from_the_keyboard(
    qtbot: Any, app: Any, store: Any, tmp_path: Path
) -> None:
    first = poor_household("01-0101", "Thôn Đồng Tâm", "Lò Văn Pản")
    second = poor_household("01-0102", "Thôn Đồng Tâm", "Vàng A Sùng")
    for h in (first, second):
        save_classified(store, h)
    store.delete_household(first.id)
    store.delete_household(second.id)
    dialog = DeletedHouseholdsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.table.setFocus()
    texts = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert texts[:2] == ["01-0102", "01-0101"]  # the last deleted first
    assert dialog.table.item(0, 1).text() == "Vàng A Sùng"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Alt+K: the long session
    assert store.get_household(first.id) is not None
    assert store.get_household(second.id) is None
    assert dialog.message.text() == "Đã khôi phục hộ 01-0101 — Lò Văn Pản vào danh sách."
    assert [d.code for d in dialog.rows] == ["01-0102"]

    # The other one's code typed for a new household since: said, not overwritten.
    other = poor_household("01-0102", "Thôn Đồng Tâm", "Hà Thị Mỷ")
    save_classified(store, other)
    assert not dialog.restore_current()
    assert "mã hộ này nay đã dùng cho một hộ khác" in dialog.message.text()
    assert store.household_by_code("01-0102").id == other.id
    dialog.grab().save(str(tmp_path / "deleted-households.png"))
