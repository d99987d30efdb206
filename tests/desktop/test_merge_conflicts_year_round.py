"""Applications and cadres on the conflicts screen (issue 24 item 5): an application changed on
both laptops and a village given two cadres wait beside the households' and certificate
numbers' conflicts, both sides shown field by field, decided from the keyboard (Alt+G keeps
this file's, Alt+N takes the package's); the import screen leads to them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from db import year_round
from db.exchange import year_round_part
from db.exchange.year_round_part import YearRoundConflict
from db.store import Store
from desktop.merge_conflicts_dialog import MergeConflictsDialog
from tests.db.exchange.test_year_round_conflicts import DTV, XA, conflicting
from tests.desktop.test_merge_conflicts_certificates import cells
from tests.reports.conftest import VILLAGES, build_commune


def test_year_round_conflicts_are_shown_and_decided_from_the_keyboard(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    trip, hid, app_id = conflicting(tmp_path)
    assert len(trip.send(DTV, XA)[1]) == 2
    with trip.store(XA) as store:
        code = store.conn.execute("SELECT code FROM households WHERE id = ?", (hid,)).fetchone()[0]
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        assert sorted(texts) == sorted(
            [f"{code} — giấy đề nghị", f"{VILLAGES[0]} — cán bộ phụ trách"]
        )
        dialog.list.setFocus()
        dialog.list.setCurrentRow(texts.index(f"{code} — giấy đề nghị"))
        shown = cells(dialog)
        assert shown["Trạng thái"] == ("Đang rà soát", "Đã rút")
        assert shown["Ngày nhận"] == ("01/04/2026", "01/04/2026")
        assert shown["Trên máy"] == (XA, DTV)
        assert "giấy đề nghị ngày 01/04/2026 đã được sửa ở cả hai máy" in dialog.detail.text()
        assert dialog.keep_button.text() == "&Giữ bản của xã"
        dialog.grab().save(str(tmp_path / "conflicts-application.png"))
        # Alt+G: the commune's "in review" stays.
        qtbot.keyClick(dialog.list, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.list.count() == 1)
        assert year_round.application(store, app_id).status.value == "in_review"  # type: ignore[union-attr]

        current = dialog.current()
        assert isinstance(current, YearRoundConflict)
        assert cells(dialog)["Cán bộ phụ trách"] == ("Hoàng Văn Dũng", "Nông Thị Hoa")
        assert dialog.take_button.text() == "&Nhận cán bộ trong gói"
        dialog.grab().save(str(tmp_path / "conflicts-cadre.png"))
        # Alt+N: the surveyor's cadre for the village.
        qtbot.keyClick(dialog.list, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.list.count() == 0)
        assert [a.cadre_name for a in year_round.assignments(store)] == ["Nông Thị Hoa"]
        assert year_round_part.open_conflicts(store.conn) == []
        assert "Không còn xung đột nào" in dialog.detail.text()
        decided = store.conn.execute(
            "SELECT COUNT(*) FROM audit WHERE tbl = 'year_round_conflicts' AND action = 'update'"
        ).fetchone()[0]
        assert decided == 2


def test_the_import_dialog_offers_the_year_round_conflicts(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    from desktop.import_dialog import ImportDialog

    trip, _hid, _app_id = conflicting(tmp_path)
    package = tmp_path / "dtv.rasoat"
    from db.exchange.export import ExportScope, export_package

    with trip.store(DTV) as store:
        export_package(store, package, ExportScope(kind="commune"))
    with Store.open(trip.files[XA], user="Cán bộ", device=XA) as store:
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(package)
        dialog.start_import()
        qtbot.waitUntil(lambda: dialog.receipt is not None, timeout=20000)
        assert dialog.receipt is not None
        # No household conflict: only the year-round ones wait, and the officer is led there.
        assert dialog.receipt.conflicts == []
        assert dialog.conflicts_button.isEnabled()


def test_a_cadre_ended_on_one_side_shows_no_cadre_there(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    """Removed here and replaced there, seen from each laptop: the side that ended the
    assignment shows none (not the name its tombstone holds), and the choices say so."""
    from tests.db.exchange.test_year_round_conflicts import removed_and_replaced

    base = build_commune(tmp_path / "xa.db", 6, VILLAGES)
    files = (Path(shutil.copy(base, tmp_path / "a.db")), Path(shutil.copy(base, tmp_path / "b.db")))
    trip, _hid = removed_and_replaced(files, tmp_path)
    trip.send(DTV, XA)
    trip.send(XA, DTV)
    expected = {
        XA: (
            ("(bỏ phân công)", "Nông Thị Hoa"),
            ("&Giữ việc bỏ phân công", "&Nhận cán bộ trong gói"),
        ),
        DTV: (
            ("Nông Thị Hoa", "(bỏ phân công)"),
            ("&Giữ cán bộ của xã", "&Nhận việc bỏ phân công trong gói"),
        ),
    }
    for laptop, (names, buttons) in expected.items():
        with trip.store(laptop) as store:
            dialog = MergeConflictsDialog(store)
            qtbot.addWidget(dialog)
            dialog.show()
            assert dialog.list.count() == 1
            assert cells(dialog)["Cán bộ phụ trách"] == names
            assert (dialog.keep_button.text(), dialog.take_button.text()) == buttons
            assert "đã được thay đổi ở cả hai máy" in dialog.detail.text()
            dialog.grab().save(str(tmp_path / f"ended-{laptop}.png"))
            dialog.close()
