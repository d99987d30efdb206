"""What the import dialog shows beyond the counts: households that may have been surveyed
twice (a member's ID number under two codes in one package)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db.store import Store
from desktop.import_dialog import ImportDialog
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import add, export_from


def test_the_receipt_in_the_dialog_flags_a_household_surveyed_twice(
    qtbot: Any, tmp_path: Path
) -> None:
    base = make_commune(tmp_path / "xa.db", 2)
    a = copy_to(base, tmp_path / "a.db")
    add(a, "may-a", "HO-N1", "Lò Văn Páo", id_number="010068009999")
    add(a, "may-a", "HO-N2", "Lò Văn Pao", id_number="010068009999")
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(pkg)
        dialog.start_import()
        qtbot.waitUntil(lambda: dialog.receipt is not None, timeout=20000)
        shown = dialog.text.toPlainText()
    assert "Lưu ý: Hộ HO-N1: có thể trùng hộ mã HO-N2 trong cùng gói" in shown
    assert "Lưu ý: Hộ HO-N2: có thể trùng hộ mã HO-N1 trong cùng gói" in shown
