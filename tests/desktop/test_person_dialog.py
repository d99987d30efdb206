"""Tệp → Dữ liệu cá nhân…: a person found by name without diacritics, printed; a deleted
household's data purged from the same dialog, then gone from the lookup (issue 20 items 4, 5)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from db import audit
from desktop.person_dialog import PersonDialog
from tests.desktop.conftest import poor_household, save_classified


def test_find_print_and_purge(qtbot: QtBot, app: Any, store: Any, tmp_path: Path) -> None:
    h = poor_household("H-0009", "Thôn Nà Lầu", head="Lò Thị Xuyếndialog")
    save_classified(store, h)
    gone = poor_household("H-0010", "Thôn Nà Lầu", head="Vàng Văn Súdialog")
    save_classified(store, gone)
    store.delete_household(gone.id)
    dialog = PersonDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.query, "lo thi xuyendialog")
    dialog.search()
    assert [p.code for p in dialog.people] == ["H-0009"]
    assert dialog.open_button.isEnabled()
    assert not dialog.erase_button.isEnabled()  # still on the roster
    out = dialog.print_to(tmp_path / "p.pdf")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Lò Thị Xuyếndialog" in text
    assert [row[1] for row in dialog.deleted] == ["H-0010"]
    dialog.deleted_table.selectRow(0)
    assert dialog.purge_button.isEnabled()
    dialog.grab().save(str(tmp_path / "person-dialog.png"))
    dialog.purge(gone.id, "Hộ chuyển khỏi xã, có đơn")
    assert dialog.deleted == []
    dialog.query.setText("Vang Van Sudialog")
    dialog.search()
    assert dialog.people == []
    assert audit.verify(store.conn) is None


def test_the_print_is_proposed_in_the_print_folder_with_the_household_code(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """It opened in the program's working folder with one fixed name for every person."""
    from datetime import date

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    from rasoat import settings

    h = poor_household("H-0011", "Thôn Nà Lầu", head="Lò Văn Thànhdialog")
    save_classified(store, h)
    dialog = PersonDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.query.setText("lo thanhdialog")
    dialog.search()
    chooser = dialog._ask_print()  # deletes itself on close: not given to qtbot
    qtbot.waitUntil(chooser.isVisible)
    assert Path(chooser.directory().absolutePath()) == settings.output_folder()
    name = chooser.findChild(QLineEdit, "fileNameEdit").text()
    assert name == f"thong-tin-ca-nhan-h-0011-{date.today().isoformat()}.pdf"
    qtbot.keyClick(chooser.focusWidget() or chooser, Qt.Key.Key_Return)
    out = settings.output_folder() / name
    qtbot.waitUntil(out.exists)
    del chooser
    qtbot.wait(50)
    assert out.read_bytes().startswith(b"%PDF")
