"""Tệp → Xuất gói dữ liệu… offers the slim package for the upper level under "Toàn bộ dữ
liệu của xã" (issue 20 item 5): ticked, the package written is the slim one, named as such."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from db.exchange.package import read_package
from db.store import Store
from desktop.export_dialog import ExportDialog
from desktop.import_dialog import ImportDialog
from tests.db.exchange.commune import make_commune


def test_the_export_dialog_writes_the_slim_package_for_the_upper_level(
    qtbot: Any, tmp_path: Path
) -> None:
    db = make_commune(tmp_path / "xa.db", 3)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        dialog = ExportDialog(store)
        qtbot.addWidget(dialog)
        assert not dialog.for_upper_level.isChecked()
        assert dialog.scope().for_upper_level is False
        proposed = dialog.path.text()
        dialog.for_upper_level.setChecked(True)
        assert dialog.path.text().endswith("-gui-cap-tren.rasoat")
        dialog.for_upper_level.setChecked(False)
        assert dialog.path.text() == proposed
        dialog.for_upper_level.setChecked(True)
        dialog.scope_surveyor.setChecked(True)
        assert not dialog.for_upper_level.isEnabled()  # the whole commune's only
        dialog.scope_commune.setChecked(True)
        assert dialog.scope().for_upper_level is True
        if os.environ.get("RASOAT_SHOTS"):
            dialog.show()
            qtbot.waitExposed(dialog)
            dialog.grab().save(os.path.join(os.environ["RASOAT_SHOTS"], "export-slim.png"))
        out = tmp_path / "cap-tren.rasoat"
        dialog.path.setText(str(out))
        dialog.protect.setChecked(False)
        dialog.start_export()
        qtbot.waitUntil(lambda: dialog.result_info is not None, timeout=20000)
    package = read_package(out)
    assert package.for_upper_level
    assert len(package.records) == 3
    assert all(m.id_number is None for r in package.records for m in r.household.members)
    # Tệp → Nhập / gộp gói dữ liệu… says what it is, and offers nothing to import.
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        importer = ImportDialog(store)
        qtbot.addWidget(importer)
        importer.set_package(out)
        assert "bản rút gọn gửi cấp trên" in importer.about.text()
        assert "không gộp vào tệp của xã" in importer.about.text()
        assert not importer.import_button.isEnabled()
