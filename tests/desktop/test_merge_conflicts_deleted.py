"""The conflict view when the commune file deleted a household that a laptop went on
editing: it says plainly who deleted it and when, shows the household as it was beside the
package's version, and its two choices keep it deleted or restore it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QFont

from db.exchange.merge import import_package
from db.store import Store
from desktop.merge_conflicts_dialog import MergeConflictsDialog
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import edit, export_from


@pytest.fixture
def deleted_here(tmp_path: Path) -> Path:
    base = make_commune(tmp_path / "xa.db", 3)
    a = copy_to(base, tmp_path / "a.db")
    edit(a, "may-a", ["HO00001"], "còn ở thôn, đã phỏng vấn lại")
    with Store.open(base, user="Cán bộ Hà", device="may-xa") as office:
        h = office.household_by_code("HO00001")
        assert h is not None
        office.delete_household(h.id)
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pkg)
    return base


def cells(dialog: MergeConflictsDialog) -> dict[str, tuple[str, str]]:
    t = dialog.table
    return {
        t.item(r, 0).text(): (t.item(r, 1).text(), t.item(r, 2).text()) for r in range(t.rowCount())
    }


def test_a_household_deleted_here_is_shown_as_deleted_beside_the_package(
    qtbot: Any, app: Any, deleted_here: Path
) -> None:
    with Store.open(deleted_here, user="Cán bộ xã", device="may-xa") as store:
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        assert dialog.list.count() == 1
        assert dialog.list.item(0).text().endswith("(đã xoá ở xã)")
        assert "Tệp của xã đã XOÁ hộ này" in dialog.detail.text()
        assert "bởi Cán bộ Hà trên máy may-xa" in dialog.detail.text()
        shown = cells(dialog)
        assert shown["Tình trạng"] == ("ĐÃ XOÁ", "Đang có (đã sửa)")
        assert "bởi Cán bộ Hà" in dialog.table.item(0, 1).toolTip()
        # Not "—": the household as it was when deleted, struck through, beside the package's.
        assert shown["Chủ hộ"][0] == shown["Chủ hộ"][1]
        assert shown["Chủ hộ"][0] != "—"
        assert shown["Ghi chú"][1] == "còn ở thôn, đã phỏng vấn lại"
        assert shown["Ghi chú"][0] != shown["Ghi chú"][1]
        struck: QFont = dialog.table.item(1, 1).font()
        assert struck.strikeOut()
        header = dialog.table.horizontalHeaderItem(1).text()
        assert header == "Bản trong tệp của xã (ĐÃ XOÁ)"
        assert dialog.keep_button.text().replace("&", "") == "Giữ việc xoá hộ"
        assert dialog.take_button.text().replace("&", "") == "Khôi phục hộ theo bản trong gói"


def test_restore_with_the_keyboard_brings_the_package_version_back(
    qtbot: Any, app: Any, deleted_here: Path
) -> None:
    from PySide6.QtCore import Qt

    with Store.open(deleted_here, user="Cán bộ xã", device="may-xa") as store:
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.take_button.setFocus()
        qtbot.keyClick(dialog.take_button, Qt.Key.Key_Space)
        assert dialog.list.count() == 0
        assert dialog.keep_button.text().replace("&", "") == "Giữ bản của xã"
        h = store.household_by_code("HO00001")
        assert h is not None
        assert h.note == "còn ở thôn, đã phỏng vấn lại"


def test_keeping_it_deleted(qtbot: Any, app: Any, deleted_here: Path) -> None:
    with Store.open(deleted_here, user="Cán bộ xã", device="may-xa") as store:
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        dialog.keep_button.click()
        assert dialog.list.count() == 0
        assert store.household_by_code("HO00001") is None


def test_the_list_decodes_nothing_and_the_conflict_shown_alone_is_read(
    qtbot: Any, app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three households changed on both sides, a fourth deleted here: the list says each one
    as the decoded conflicts do, and only the conflict shown is decoded (2,000 decoded at
    every decision took 2 s of the GUI thread, issue 22)."""
    from db.exchange import merge_conflicts
    from db.exchange.merge import open_conflicts

    base = make_commune(tmp_path / "xa.db", 5)
    a = copy_to(base, tmp_path / "a.db")
    codes = ["HO00001", "HO00002", "HO00003", "HO00004"]
    edit(a, "may-a", codes, "sửa ở thôn")
    edit(base, "may-xa", codes[:3], "sửa ở xã")
    with Store.open(base, user="Cán bộ Hà", device="may-xa") as office:
        gone = office.household_by_code(codes[3])
        assert gone is not None
        office.delete_household(gone.id)
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        import_package(store, pkg)
        whole = open_conflicts(store)
        assert len(whole) == 4
        rows = merge_conflicts.conflict_rows(store)
        assert [(r.id, r.code, r.head_name, r.incoming_deleted, r.deleted_here) for r in rows] == [
            (
                c.id,
                c.code,
                c.incoming.household.head_name(),
                c.incoming.deleted,
                c.local_deletion is not None,
            )
            for c in whole
        ]
        decoded: list[str] = []
        real = merge_conflicts.record_from_dict

        def counted(obj: Any, *args: Any, **kwargs: Any) -> Any:
            decoded.append(obj["household"]["code"])
            return real(obj, *args, **kwargs)

        monkeypatch.setattr(merge_conflicts, "record_from_dict", counted)
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        assert dialog.list.count() == 4
        assert [dialog.list.item(i).text().endswith("(đã xoá ở xã)") for i in range(4)] == [
            r.deleted_here for r in rows
        ]
        assert decoded == [rows[0].code]  # the one shown
        dialog.list.setCurrentRow(3)
        assert decoded == [rows[0].code, rows[3].code]
        assert dialog.keep_button.text().replace("&", "") == (
            "Giữ việc xoá hộ" if rows[3].deleted_here else "Giữ bản của xã"
        )
